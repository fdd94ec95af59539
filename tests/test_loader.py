"""Broken rubrics get errors that name the file, line, column, field and what was expected."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from skischool.criteria.base import MAX_LISTED_IDS
from skischool.errors import Problem, RubricError
from skischool.examples import validate_file
from skischool.loader import (
    MAX_PHRASE_LENGTH,
    MIN_FAIL_EXAMPLES,
    MIN_PASS_EXAMPLES,
    load_rubric,
    rubric_from_dict,
)
from skischool.model import ChoiceRubric, ReplyRubric

from .conftest import criterion, reply_rubric_data

GOOD = """\
kind: reply
title: Late parcel
scenario:
  platform: x
  author: {name: Dana Ruiz, handle: "@dana"}
  post: Where is my parcel?
criteria:
  - id: no-dm
    type: avoid
    severity: error
    phrases: [please DM us]
    message: "“{match}” hides the fix"
    why: Others are watching.
  - id: sorry
    type: move
    phrases: [sorry]
    message: Say sorry.
    why: It shows you care.
model_reply: Sorry Dana, it ships today.
examples:
  - {text: "Sorry, it ships today.", expect: pass}
  - {text: "So sorry!", expect: pass}
  - {text: "Please DM us.", expect: fail, fails: [no-dm, sorry]}
  - {text: "Please DM us, sorry.", expect: fail, fails: [no-dm]}
  - {text: "Sorry Dana, it's on its way.", expect: pass}
  - {text: "Sorry, fixed now.", expect: pass}
  - {text: "I'm so sorry, it ships today.", expect: pass}
  - {text: "No need to DM us, sorry, it ships now.", expect: pass}
  - {text: "It ships today.", expect: fail, fails: [sorry]}
  - {text: "Please DM us for help.", expect: fail, fails: ['no-dm', 'sorry']}
  - {text: "Please DM us, so sorry.", expect: fail, fails: ['no-dm']}
  - {text: "We will check.", expect: fail, fails: [sorry]}
"""


def write(tmp_path: Path, text: str, name: str = "rubric.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def problems_for(tmp_path: Path, text: str) -> list[Problem]:
    path = write(tmp_path, text)
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    for p in info.value.problems:
        assert p.file == str(path), "every problem names the file"
    return info.value.problems


def test_good_rubric_loads(tmp_path: Path) -> None:
    r = load_rubric(write(tmp_path, GOOD))
    assert isinstance(r, ReplyRubric)
    assert r.id == "rubric"  # defaults to the file name
    assert [c.id for c in r.criteria] == ["no-dm", "sorry"]
    assert validate_file(write(tmp_path, GOOD)) == []


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, "kind: reply\ntitle: [unclosed\ncriteria: []\n")
    assert p.line is not None and p.line >= 2
    assert p.column is not None
    assert "YAML syntax error" in p.message


def test_duplicate_key_is_an_error_not_last_wins(tmp_path: Path) -> None:
    text = GOOD.replace("title: Late parcel\n", "title: Late parcel\ntitle: Again\n")
    (p,) = problems_for(tmp_path, text)
    assert p.line == 3 and p.column == 1
    assert p.field == "title"
    assert "duplicate key 'title'" in p.message and "line 2" in p.message


def test_duplicate_key_nested(tmp_path: Path) -> None:
    text = GOOD.replace("    severity: error\n", "    severity: error\n    severity: warning\n")
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[0].severity"
    assert p.line == 11


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = GOOD.replace("    severity: error\n", "    severty: error\n")
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[0].severty"
    assert p.line == 10 and p.column == 5
    assert "did you mean 'severity'" in p.message
    assert "expected one of" in p.message


def test_unknown_criterion_type(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace("type: move", "type: moove"))
    assert p.field == "criteria[1].type"
    assert "did you mean 'move'" in p.message


def test_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace("phrases: [sorry]", "phrases: sorry"))
    assert p.field == "criteria[1].phrases"
    assert p.line == 16
    assert "got text; expected a list of" in p.message


def test_weight_must_be_positive_number(tmp_path: Path) -> None:
    text = GOOD.replace("    type: move\n", "    type: move\n    weight: high\n")
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[1].weight"
    assert "expected a number" in p.message
    text = GOOD.replace("    type: move\n", "    type: move\n    weight: 0\n")
    (p,) = problems_for(tmp_path, text)
    assert "greater than 0" in p.message


def test_empty_phrase_list(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace("phrases: [sorry]", "phrases: []"))
    assert p.field == "criteria[1].phrases"
    assert "must not be empty" in p.message


def test_empty_phrase_text(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace("phrases: [sorry]", 'phrases: ["  "]'))
    assert p.field == "criteria[1].phrases[0]"
    assert "must not be empty" in p.message


def test_several_problems_reported_together(tmp_path: Path) -> None:
    text = GOOD.replace("title: Late parcel\n", "").replace("phrases: [sorry]", "phrases: []")
    probs = problems_for(tmp_path, text)
    assert len(probs) == 2
    assert any("missing required key 'title'" in p.message for p in probs)


def test_unsupported_regex_is_rejected_at_load(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [sorry]", 'phrases: [{regex: "(a)\\\\1"}]')
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[1].phrases[0].regex"
    assert "unsupported regular expression" in p.message and "backreferences" in p.message


def test_min_above_max_makes_pass_impossible(tmp_path: Path) -> None:
    extra = "  - {id: len, type: length, min: 300, max: 200, message: m, why: w}\n"
    text = GOOD.replace("model_reply:", extra + "model_reply:")
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[2].min" and "never be met" in p.message


def test_required_phrase_also_forbidden_makes_pass_impossible(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [sorry]", "phrases: [please dm us]")
    (p,) = problems_for(tmp_path, text)
    assert "would earn the move and fail" in p.message
    assert p.field == "criteria[1].phrases[0]"


def test_choice_pass_score_unreachable(tmp_path: Path) -> None:
    text = """\
    kind: choice
    title: Q
    question: Which?
    pass_score: 90
    options:
      - {id: a, text: A, score: 80, feedback: close}
      - {id: b, text: B, score: 0, feedback: nope}
    examples:
      - {choose: [a], expect: pass}
      - {choose: [b], expect: fail}
      - {choose: [], expect: fail}
      - {choose: [b, a], expect: fail}
    """
    (p,) = problems_for(tmp_path, text)
    assert p.field == "pass_score" and "best option scores 80" in p.message


def test_order_must_reference_a_move(tmp_path: Path) -> None:
    extra = "  - {id: first, type: order, first: no-dm, not_before: [due to], message: m, why: w}\n"
    (p,) = problems_for(tmp_path, GOOD.replace("model_reply:", extra + "model_reply:"))
    assert p.field == "criteria[2].first"
    assert "expected one of: sorry" in p.message


def test_unknown_placeholder_in_message(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace("message: Say sorry.", "message: Say {sorrry}."))
    assert p.field == "criteria[1].message" and "{sorrry}" in p.message


def test_duplicate_criterion_ids(tmp_path: Path) -> None:
    probs = problems_for(tmp_path, GOOD.replace("id: sorry", "id: no-dm"))
    dup = [p for p in probs if "duplicate criterion id 'no-dm'" in p.message]
    assert len(dup) == 1 and dup[0].field == "criteria[1].id" and dup[0].line == 14


def test_yaml_yes_no_gotcha_is_explained(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace("message: Say sorry.", "message: no"))
    assert "put it in quotes" in p.message


def test_rubric_without_enough_examples_is_rejected(tmp_path: Path) -> None:
    text = GOOD.split("examples:")[0] + "examples:\n  - {text: 'Sorry', expect: pass}\n"
    (p,) = problems_for(tmp_path, text)
    assert p.field == "examples"
    need = f"expected at least {MIN_PASS_EXAMPLES['reply']} that must pass and {MIN_FAIL_EXAMPLES['reply']} that must fail"
    assert need in p.message


def test_failing_example_must_name_criteria(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, GOOD.replace(", fails: [no-dm]}", "}"))
    assert p.field == "examples[3]" and "must name the criteria" in p.message


def test_examples_that_contradict_the_rubric(tmp_path: Path) -> None:
    text = GOOD.replace(
        '{text: "So sorry!", expect: pass}', '{text: "Please DM us!", expect: pass}'
    )
    text = text.replace("fails: [no-dm, sorry]", "fails: [sorry, no-dm]")
    path = write(tmp_path, text)
    probs = validate_file(path)
    assert len(probs) == 1
    assert probs[0].field == "examples[1]" and probs[0].line == 22
    assert "expected this example to pass but it failed (no-dm, sorry)" in probs[0].message


def test_example_naming_a_criterion_it_meets(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("fails: [no-dm]}", "fails: [no-dm, sorry]}"))
    (p,) = validate_file(path)
    assert p.field == "examples[3]" and "meets that criterion" in p.message


def test_model_reply_must_pass(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD.replace("model_reply: Sorry Dana, it ships today.", "model_reply: Please DM us."),
    )
    (p,) = validate_file(path)
    assert p.field == "model_reply" and p.line == 19


def test_empty_and_non_mapping_files(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, "")
    assert "empty" in p.message
    (p,) = problems_for(tmp_path, "- just\n- a list\n")
    assert "expected a mapping" in p.message


def test_yaml_tags_are_not_constructed(tmp_path: Path) -> None:
    (p,) = problems_for(tmp_path, "!!python/object/apply:os.system ['echo hacked']\n")
    assert "YAML tag" in p.message and "not allowed" in p.message


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="file not found"):
        load_rubric(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"kind: reply\ntitle: \xff\xfe\n")
    with pytest.raises(RubricError, match="not valid UTF-8"):
        load_rubric(bad)


def test_error_string_reads_like_a_linter(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    severity: error\n", "    severty: error\n"))
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert f"{path}:10:5: criteria[0].severty: unknown key 'severty'" in str(info.value)


def test_choice_rubric_from_dict() -> None:
    r = rubric_from_dict(
        {
            "kind": "choice",
            "title": "t",
            "question": "q",
            "options": [
                {"id": "a", "text": "A", "score": 100, "feedback": "yes"},
                {"id": "b", "text": "B", "score": 0, "feedback": "no"},
            ],
            "examples": [],
        }
    )
    assert isinstance(r, ChoiceRubric)


def test_phrase_longer_than_the_matcher_handles_is_located(tmp_path: Path) -> None:
    long = "abc " * 300
    (p,) = problems_for(tmp_path, GOOD.replace("phrases: [sorry]", f"phrases: [sorry, {long}]"))
    assert p.field == "criteria[1].phrases[1]" and p.line == 16
    assert f"at most {MAX_PHRASE_LENGTH}" in p.message
    text = GOOD.replace(
        "phrases: [sorry]", "phrases: [sorry]\n    exceptions: [{phrase: " + long + "}]"
    )
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[1].exceptions[0].phrase"


def test_longest_allowed_phrase_loads_and_matches(tmp_path: Path) -> None:
    long = ("sorry " * 40)[: MAX_PHRASE_LENGTH - 1] + "x"
    prefixes = ", ".join(f"{'x' * k}y" for k in range(MAX_PHRASE_LENGTH - 1))  # a deep trie
    r = load_rubric(
        write(tmp_path, GOOD.replace("phrases: [sorry]", f"phrases: [sorry, {long}, {prefixes}]"))
    )
    assert r.check(f"Hello. {long}. It ships today.").score >= 0


def test_regex_that_stands_for_a_long_phrase_is_located(tmp_path: Path) -> None:
    pattern = "\\\\b" + "a" * 400 + "\\\\b"  # a finite regex is matched as its phrases
    text = GOOD.replace("phrases: [sorry]", f'phrases: [sorry, {{regex: "{pattern}"}}]')
    (p,) = problems_for(tmp_path, text)
    assert p.field == "criteria[1].phrases[1].regex" and "400 characters" in p.message


@pytest.mark.parametrize(
    ("phrase", "expect"),
    [
        ('{regex: "(?P<x>a)(?P=x)"}', "regular expression"),
        ('{regex: "(unclosed"}', "regular expression"),
        ("{suggest: x}", "needs exactly one of 'phrase' or 'regex'"),
    ],
)
def test_voice_phrases_are_checked_like_any_phrase(
    tmp_path: Path, phrase: str, expect: str
) -> None:
    """Voice lists phrases but never declared them for checking; they used to crash the build."""
    extra = f"  - {{id: voice, type: voice, phrases: [{phrase}], message: m, why: w}}\n"
    (p,) = problems_for(tmp_path, GOOD.replace("model_reply:", extra + "model_reply:"))
    assert p.field.startswith("criteria[2].phrases[0]") and expect in p.message
    assert p.line == 19


def test_contradiction_check_is_linear() -> None:
    """20 000 forbidden and 20 000 required phrases: a pairwise check takes minutes."""
    from skischool.loader import _check_contradictions, _Problems
    from skischool.source import Source

    n = 20_000
    data = {
        "criteria": [
            {
                "id": "bad",
                "type": "avoid",
                "severity": "error",
                "phrases": [f"no {i}" for i in range(n)],
            },
            {"id": "good", "type": "move", "phrases": [f"yes {i}" for i in range(n)] + ["NO  7"]},
        ]
    }
    p = _Problems(Source("r.yaml", data, {}))
    start = time.perf_counter()
    _check_contradictions(data, p)
    assert time.perf_counter() - start < 2.0
    (problem,) = p.items
    assert problem.field == f"criteria[1].phrases[{n}]" and "forbidden by 'bad'" in problem.message


def test_many_bad_references_keep_messages_short(tmp_path: Path) -> None:
    n = 2000
    criteria = [criterion("move", f"m{i}", phrases=[f"p{i}"]) for i in range(n)]
    examples = [{"text": "x", "expect": "fail", "fails": [f"nope{i}"]} for i in range(n)]
    with pytest.raises(RubricError) as info:
        rubric_from_dict(reply_rubric_data(criteria, examples=examples), require_examples=True)
    bad = [p for p in info.value.problems if "is not a criterion id" in p.message]
    assert len(bad) == n
    assert all(len(p.message) < 400 for p in bad)
    assert f"and {n - MAX_LISTED_IDS} more" in bad[0].message


def test_an_order_with_a_bad_first_names_a_handful_of_moves(tmp_path: Path) -> None:
    n = 500
    criteria = [criterion("move", f"m{i}", phrases=[f"p{i}"]) for i in range(n)]
    criteria.append(criterion("order", "o", first="nope", not_before=["but"]))
    with pytest.raises(RubricError) as info:
        rubric_from_dict(reply_rubric_data(criteria))
    (bad,) = [p for p in info.value.problems if "'nope' is not the id of a move" in p.message]
    assert len(bad.message) < 400 and f"and {n - MAX_LISTED_IDS} more" in bad.message


# --- lesson: values -----------------------------------------------------------------------------
def _course(tmp_path: Path) -> Path:
    """A tiny course: level a's lessons 01-one and 02-two; lessons/a/draft is not a lesson."""
    (tmp_path / "course.yml").write_text(
        "format: skischool-course\nversion: 1\nid: c\ntitle: C\nrelease: '1'\nroot: intro\n"
        "levels:\n  - {slug: a, caption: A, badge: dark}\n",
        encoding="utf-8",
    )
    (tmp_path / "lessons" / "a").mkdir(parents=True)
    for name in ("index.md", "01-one.md", "02-two.md", "draft.md"):
        (tmp_path / "lessons" / "a" / name).write_text("# x\n", encoding="utf-8")
    (tmp_path / "exercises" / "a").mkdir(parents=True)
    return tmp_path / "exercises" / "a"


def _with_lessons(top: str, criterion_lesson: str) -> str:
    return GOOD.replace("title: Late parcel\n", f"title: Late parcel\nlesson: {top}\n").replace(
        "    why: It shows you care.\n",
        f"    why: It shows you care.\n    lesson: {criterion_lesson}\n",
    )


def test_lessons_in_the_course_validate(tmp_path: Path) -> None:
    folder = _course(tmp_path)
    path = write(folder, _with_lessons("lessons/a/01-one", "/lessons/a/02-two.md"))
    assert validate_file(path) == []


def test_missing_lesson_names_file_line_field_and_the_closest(tmp_path: Path) -> None:
    folder = _course(tmp_path)
    path = write(folder, _with_lessons("lessons/a/01-onne", "lessons/a/empathy-first"))
    problems = validate_file(path)
    assert [(p.file, p.line, p.column, p.field) for p in problems] == [
        (str(path), 3, 9, "lesson"),
        (str(path), 20, 13, "criteria[1].lesson"),
    ]
    top, crit = problems
    assert "'lessons/a/01-onne' names no lesson" in top.message
    assert "expected an existing lesson (the closest is 'lessons/a/01-one')" in top.message
    assert "expected an existing lesson (the closest is 'lessons/a/" in crit.message
    assert f"{path}:20:13: criteria[1].lesson: 'lessons/a/empathy-first'" in str(crit)


def test_lesson_not_in_the_course_is_an_error(tmp_path: Path) -> None:
    folder = _course(tmp_path)
    (p,) = validate_file(write(folder, _with_lessons("lessons/a/01-one", "lessons/a/draft")))
    assert p.field == "criteria[1].lesson" and p.line == 20
    assert "not a page of the course" in p.message and "404" in p.message


def test_lesson_is_checked_even_when_the_rubric_has_other_problems(tmp_path: Path) -> None:
    folder = _course(tmp_path)
    text = _with_lessons("lessons/a/nope", "lessons/a/01-one").replace(
        "severity: error", "severty: error"
    )
    fields = [p.field for p in validate_file(write(folder, text))]
    assert "criteria[0].severty" in fields and "lesson" in fields


def test_outside_a_course_only_the_shape_is_checked(tmp_path: Path) -> None:
    """An installed package has no lessons beside it: a well-formed value is accepted."""
    assert validate_file(write(tmp_path, _with_lessons("lessons/a/nope", "lessons/b/x"))) == []


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "https://example.org/x", "../x", "lessons/x#part", "'//evil/x'"]
)
def test_lesson_that_is_no_course_path_is_refused_at_load(tmp_path: Path, bad: str) -> None:
    (p,) = problems_for(tmp_path, _with_lessons("lessons/a/01-one", bad))
    assert p.field == "criteria[1].lesson" and p.line == 20
    assert "is not a lesson path; expected a page of this course" in p.message
