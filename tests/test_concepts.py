"""The shared lexicon: every concept proves itself, and broken concept files get located errors."""

from __future__ import annotations

import pytest

from skischool.concepts import CONCEPT, build_concept, concept_files, lexicon
from skischool.criteria.base import Doc, matcher
from skischool.errors import RubricError
from skischool.loader import rubric_from_dict
from skischool.schemadoc import concept_json_schema
from skischool.source import load_yaml

from .conftest import ROOT, criterion, reply_rubric_data

CASES = [
    pytest.param(c.id, text, found, id=f"{c.id}-{'found' if found else 'not'}-{text[:25]!r}")
    for c in lexicon().values()
    for found, texts in ((True, c.found), (False, c.not_found))
    for text in texts
]


@pytest.mark.parametrize(("cid", "text", "found"), CASES)
def test_concept_examples(cid: str, text: str, found: bool) -> None:
    m = matcher({"concepts": [cid]}, "phrases", ())
    hits = m.hits(Doc(text, None))
    quoted = [text[h.start : h.end] for h in hits]
    if found:
        assert hits, f"concept {cid} should be found in {text!r}"
    else:
        assert not hits, f"concept {cid} should not be found in {text!r}, matched {quoted}"


def test_every_concept_file_is_named_by_its_id_and_has_examples() -> None:
    ids = {p.stem for p in concept_files()}
    assert ids == set(lexicon())
    assert len(ids) >= 15
    for c in lexicon().values():
        assert len(c.found) >= 2 and len(c.not_found) >= 2, c.id


def test_published_concept_schema_is_up_to_date() -> None:
    import json

    published = ROOT / "schema" / "concept.schema.json"
    assert json.loads(published.read_text(encoding="utf-8")) == concept_json_schema(), (
        "regenerate with `skischool schema --concept > schema/concept.schema.json`"
    )
    assert CONCEPT.name == "concept"


BAD_CONCEPTS = [
    # (yaml text, line, field, words the message must contain)
    (
        "id: x\nkind: moove\ntitle: t\nphrases: [a]\nexamples: {found: [a, a], not_found: [b, b]}\n",
        2,
        "kind",
        "moove",
    ),
    (
        "id: x\nkind: move\ntitle: t\nphrases: [a]\nignore: [negatd]\nexamples: {found: [a, a], not_found: [b, b]}\n",
        5,
        "ignore[0]",
        "negatd",
    ),
    (
        "id: x\nkind: flag\ntitle: t\nphrases:\n  - {regex: '(a)\\1'}\nexamples: {found: [a, a], not_found: [b, b]}\n",
        5,
        "phrases[0].regex",
        "backreferences",
    ),
    ("id: x\nkind: flag\ntitle: t\nphrases: [a]\n", 1, "", "examples"),
    (
        "id: x\nkind: flag\ntitle: t\nphrases: [a]\nexamples: {found: [a], not_found: [b, b]}\n",
        5,
        "examples.found",
        "at least 2",
    ),
    (
        "id: Bad Id\nkind: flag\ntitle: t\nphrases: [a]\nexamples: {found: [a, a], not_found: [b, b]}\n",
        1,
        "id",
        "Bad Id",
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "words"), BAD_CONCEPTS)
def test_broken_concept_file_gets_a_located_error(
    text: str, line: int, field: str, words: str
) -> None:
    with pytest.raises(RubricError) as exc:
        build_concept(load_yaml(text, "concepts/x.yaml"))
    problems = exc.value.problems
    assert any(
        p.line == line and p.field == field and words.lower() in p.message.lower() for p in problems
    ), [str(p) for p in problems]
    assert all(p.file == "concepts/x.yaml" for p in problems)


def test_concept_id_must_match_its_file_name() -> None:
    text = "id: thanks\nkind: move\ntitle: t\nphrases: [a]\nexamples: {found: [a, a], not_found: [b, b]}\n"
    with pytest.raises(RubricError, match="must match the file name 'other'"):
        build_concept(load_yaml(text, "src/skischool/concepts/other.yaml"))


def test_rubric_naming_an_unknown_concept_gets_a_located_error() -> None:
    data = reply_rubric_data([criterion("move", concepts=["thank"])])
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    msg = str(exc.value)
    assert "criteria[0].concepts[0]" in msg and "unknown concept 'thank'" in msg and "thanks" in msg


def test_an_unknown_excusing_concept_gets_a_located_error() -> None:
    data = reply_rubric_data([criterion("avoid", phrases=["the system"], unless=["owning"])])
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    msg = str(exc.value)
    assert "criteria[0].unless[0]" in msg and "unknown concept 'owning'" in msg
    assert "ownership" in msg


def test_a_rubric_can_add_and_except_phrases_on_a_concept() -> None:
    data = reply_rubric_data(
        [
            criterion(
                "move",
                concepts=["thanks"],
                phrases=["ta very much"],
                exceptions=["cheers for nothing"],
            )
        ]
    )
    r = rubric_from_dict(data)
    met = lambda t: r.check(t).criteria[0].met  # noqa: E731
    assert met("Ta very much, Jo.")  # added by the rubric
    assert met("Cheers for flagging this, Jo.")  # from the concept
    assert not met("Well, cheers for nothing.")  # the rubric's exception applies to the concept too


def test_cheers_means_thanks_in_every_rubric_that_asks_for_thanks() -> None:
    """One meaning, one place: no rubric that credits thanks may refuse "cheers for flagging this"."""
    from skischool.examples import find_rubrics
    from skischool.loader import load_rubric
    from skischool.model import ReplyRubric

    for path in find_rubrics([ROOT / "exercises", ROOT / "src" / "skischool" / "rubrics"]):
        r = load_rubric(path)
        if not isinstance(r, ReplyRubric):
            continue
        for c in r.criteria:
            if "thanks" in (c.data.get("concepts") or []):
                res = r.check(
                    "Cheers for flagging this, it really helps. I've fixed the sign today."
                )
                got = next(x for x in res.criteria if x.id == c.id)
                assert got.met is not False, (
                    f"{path.name}: {c.id} refuses 'cheers for flagging this'"
                )
