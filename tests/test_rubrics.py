"""Every rubric in the project: valid, with enough examples, each example behaving, and the
compiled JSON and published schema in step with their sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skischool.examples import find_rubrics, run_examples, validate_file
from skischool.loader import SITUATIONS, load_rubric
from skischool.schemadoc import json_schema
from skischool.situations import compile_all, situation_path

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
    assert sum(o.example.expect == "pass" for o in outcomes) >= (2 if rubric.kind == "reply" else 1)
    assert sum(o.example.expect == "fail" for o in outcomes) >= 2
    for o in outcomes:
        assert o.ok, o.problems


def test_compiled_situations_are_up_to_date() -> None:
    stale = compile_all(write=False)
    assert not stale, (
        f"run `python -c 'from skischool.situations import compile_all; compile_all()'`: {stale}"
    )


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
        data = json.loads(situation_path(name).read_text(encoding="utf-8"))["rubric"]
        jsonschema.validate(data, schema)
