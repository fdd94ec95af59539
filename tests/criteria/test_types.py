"""One table runs every criterion type's own pass/fail examples (proselint style).

Each type declares worked examples next to its code; this test builds a one-criterion rubric
(plus any companion criteria the example needs) and checks the verdict for every text.
"""

from __future__ import annotations

import pytest

from skischool.criteria import CRITERION_TYPES
from skischool.loader import rubric_from_dict
from skischool.model import ReplyRubric

CASES = []
for name, cls in CRITERION_TYPES.items():
    assert cls.examples, f"criterion type {name} has no examples"
    for i, ex in enumerate(cls.examples):
        texts = [*ex.passes, *ex.fails]
        assert len(set(texts)) == len(texts), f"{name} example {i} lists a text twice"
        for text in ex.passes:
            CASES.append(pytest.param(name, i, text, True, id=f"{name}-{i}-pass-{text[:20]!r}"))
        for text in ex.fails:
            CASES.append(pytest.param(name, i, text, False, id=f"{name}-{i}-fail-{text[:20]!r}"))


def build(name: str, index: int) -> ReplyRubric:
    cls = CRITERION_TYPES[name]
    ex = cls.examples[index]
    companions = [{"message": "m", "why": "w", **c} for c in ex.companions]
    crit = {"id": "under-test", "type": name, "message": "msg", "why": "why", **ex.config}
    rubric = rubric_from_dict(
        {"kind": "reply", "title": "t", "criteria": [*companions, crit], "examples": []}
    )
    assert isinstance(rubric, ReplyRubric)
    return rubric


@pytest.mark.parametrize(("name", "index", "text", "should_pass"), CASES)
def test_type_examples(name: str, index: int, text: str, should_pass: bool) -> None:
    rubric = build(name, index)
    scenario = CRITERION_TYPES[name].examples[index].scenario
    result = rubric.check(text, scenario)
    verdict = next(c for c in result.criteria if c.id == "under-test")
    if should_pass:
        assert verdict.met is not False, f"{name} should be met by {text!r}: {verdict.findings}"
    else:
        assert verdict.met is False, f"{name} should not be met by {text!r}"
        if text.strip():
            assert verdict.findings, "an unmet criterion must explain itself with a finding"


def test_every_type_has_passing_and_failing_examples() -> None:
    for name, cls in CRITERION_TYPES.items():
        passes = sum(len(e.passes) for e in cls.examples)
        fails = sum(len(e.fails) for e in cls.examples)
        assert passes >= 2 and fails >= 2, name


def test_every_type_documents_itself() -> None:
    for name, cls in CRITERION_TYPES.items():
        assert cls.doc, f"{name} needs a one-line doc for the rubric-format page"
        assert cls.tone_default, f"{name} must say which tone dimensions it speaks to"
