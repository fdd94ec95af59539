"""Every rubric in the project: valid, with enough examples, each example behaving, and the
compiled JSON and published schema in step with their sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skischool.examples import find_rubrics, run_examples, validate_file
from skischool.loader import MIN_FAIL_EXAMPLES, MIN_PASS_EXAMPLES, SITUATIONS, load_rubric
from skischool.schemadoc import json_schema
from skischool.situations import compile_yaml, situation_path

from .conftest import EXERCISES, PACKAGE_RUBRICS, ROOT

ALL_RUBRICS = find_rubrics([PACKAGE_RUBRICS, EXERCISES])


def test_rubrics_exist() -> None:
    assert len(ALL_RUBRICS) >= len(SITUATIONS)
    for name in SITUATIONS:
        assert situation_path(name, ".yaml").exists(), name


@pytest.mark.parametrize("path", ALL_RUBRICS, ids=lambda p: str(p.relative_to(ROOT)))
def test_rubric_is_valid_and_its_examples_behave(path: Path) -> None:
    problems = validate_file(path)
    assert not problems, "\n".join(str(p) for p in problems)
    rubric = load_rubric(path)
    outcomes = run_examples(rubric)
    assert sum(o.example.expect == "pass" for o in outcomes) >= MIN_PASS_EXAMPLES[rubric.kind]
    assert sum(o.example.expect == "fail" for o in outcomes) >= MIN_FAIL_EXAMPLES[rubric.kind]
    for o in outcomes:
        assert o.ok, o.problems


@pytest.mark.parametrize("name", SITUATIONS)
def test_compiled_situation_judges_like_its_yaml(name: str) -> None:
    """The JSON the wheel ships is built from the YAML and gives the same verdicts."""
    from skischool.loader import build
    from skischool.source import load_json

    yaml_rubric = load_rubric(situation_path(name))
    text = compile_yaml(situation_path(name), positions=False)
    assert '"positions": {}' in text
    compiled = build(load_json(text, f"{name}.json"))
    for e in yaml_rubric.examples:
        a, b = yaml_rubric.check(e.text), compiled.check(e.text)
        assert (a.passed, a.score) == (b.passed, b.score), e.text


def test_published_schema_is_up_to_date() -> None:
    published = ROOT / "schema" / "rubric.schema.json"
    assert json.loads(published.read_text(encoding="utf-8")) == json_schema(), (
        "regenerate with `skischool schema > schema/rubric.schema.json`"
    )


def test_schema_agrees_with_loader_on_shipped_rubrics() -> None:
    """Every shipped rubric is valid under the published schema (checked with jsonschema if present)."""
    import jsonschema  # installed with jupyter-book

    schema = json_schema()
    for name in SITUATIONS:
        data = json.loads(compile_yaml(situation_path(name)))["rubric"]
        jsonschema.validate(data, schema)


REPLY_RUBRICS = [p for p in ALL_RUBRICS if load_rubric(p).kind == "reply"]


@pytest.mark.parametrize("path", REPLY_RUBRICS, ids=lambda p: str(p.relative_to(ROOT)))
def test_reply_rubric_judges_what_a_reply_does(path: Path) -> None:
    """The judge's house rules: sentences not keywords, observations not verdicts for moves,
    and examples that include keyword salad (and a wrong fact, where the scenario has facts)."""
    r = load_rubric(path)
    by_type: dict[str, list[str]] = {}
    for c in r.criteria:
        by_type.setdefault(c.data["type"], []).append(c.id)
        if c.data["type"] == "move":
            assert c.message.startswith("I couldn't find"), (
                f"{c.id}: a move's message is an observation; start it with “I couldn't find”"
            )
    assert by_type.get("coherence"), "every reply rubric needs a coherence criterion"
    failing = [set(e.fails) for e in r.examples if e.expect == "fail"]
    assert any(set(by_type["coherence"]) & f for f in failing), (
        "add a keyword-salad example that fails the coherence criterion"
    )
    if by_type.get("facts"):
        assert any(set(by_type["facts"]) & f for f in failing), (
            "the rubric declares facts: add an example with a wrong fact"
        )
