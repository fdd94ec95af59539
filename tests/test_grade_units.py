"""The parts of ``skischool grade``: the ast finder, the notebook readers, the rubric resolver
and the JUnit writer, each on small inputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from skischool.course import Course
from skischool.grading.calls import NOT_TEXT, Ungradable, Written, find_answers
from skischool.grading.grader import MAX_RECHECKS, _candidates
from skischool.grading.notebooks import NotebookError, ipynb_cells, myst_cells
from skischool.grading.outputs import md
from skischool.grading.resolve import RubricNotFound, resolve
from skischool.junit import Case, Outcome, Suite, to_xml, xml_text

from .conftest import EXERCISES, ROOT

COURSE = Course.load(ROOT)

# --- the ast finder ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('answer("q.yaml", "Hi Noor")', Written("q.yaml", "Hi Noor")),
        ("answer('q.yaml', ['a', 'b'])", Written("q.yaml", ("a", "b"))),
        ('answer("q.yaml", ("a",))', Written("q.yaml", ("a",))),
        ('skischool.answer("q.yaml", "Hi")', Written("q.yaml", "Hi")),
        ('answer(rubric="q.yaml", response="Hi")', Written("q.yaml", "Hi")),
        (
            'answer("q.yaml", "Hi", page="green-circle/checkpoint")',
            Written("q.yaml", "Hi", "green-circle/checkpoint"),
        ),
        ('answer(\n    "q.yaml",\n    """two\nlines""",\n)', Written("q.yaml", "two\nlines")),
        ('answer("q.yaml", "Hi " "there")', Written("q.yaml", "Hi there")),
        ('display(answer("q.yaml", "Hi"))', Written("q.yaml", "Hi")),
        # A triage's sorting, written out as a dict of item id to "action reason" or a pair.
        (
            'answer("t.yaml", {"c01": "reply waiting", "c02": ["hide", "scam"]})',
            Written("t.yaml", {"c01": "reply waiting", "c02": ("hide", "scam")}),
        ),
        # IPython's own lines do not hide the answer, and the answer is kept exactly.
        ('%pip install skischool\n!ls\nanswer("q.yaml", "!bang\\n%pct")', None),
    ],
)
def test_literal_answers_are_read(code: str, expected: Written | None) -> None:
    found = find_answers(code)
    assert len(found) == 1
    if expected is None:
        assert found[0] == Written("q.yaml", "!bang\n%pct", line=3)
    else:
        assert found[0] == Written(expected.rubric, expected.response, expected.page, found[0].line)


def test_a_multiline_string_that_looks_like_a_magic_is_kept_exactly() -> None:
    code = 'answer("q.yaml", """Hi!\n!important\n%100 sure""")'
    assert find_answers(code) == [Written("q.yaml", "Hi!\n!important\n%100 sure")]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('reply = "Hi"\nanswer("q.yaml", reply)', NOT_TEXT),
        ('answer("q.yaml", f"Hi {name}")', NOT_TEXT),
        ('answer("q.yaml", "Hi" + "there")', NOT_TEXT),
        ('answer("q.yaml", ["a", pick])', NOT_TEXT),
        ('answer("t.yaml", {"c01": action})', NOT_TEXT),
        ('answer("t.yaml", {key: "reply waiting"})', NOT_TEXT),
        ('answer("t.yaml", {**other})', NOT_TEXT),
        ('answer("q.yaml", *args)', NOT_TEXT),
        ("answer(**kwargs)", NOT_TEXT),
        ('answer(path, "Hi")', "the rubric is not written as text"),
        ('answer(response="Hi")', "the rubric is missing"),
        ('answer("q.yaml")', "there is no answer in the call yet"),
        ('answer("q.yaml", "Hi", "green-circle/checkpoint")', "give page= by name"),
        ('answer("q.yaml", "Hi"', "the cell is not valid Python"),
    ],
)
def test_calls_that_need_running_are_not_gradable(code: str, reason: str) -> None:
    found = find_answers(code)
    assert len(found) == 1 and isinstance(found[0], Ungradable), found
    assert reason in found[0].reason


def test_not_gradable_calls_say_where_they_are() -> None:
    (found,) = find_answers('x = 1\n\nanswer("q.yaml", x)')
    assert isinstance(found, Ungradable) and found.line == 3 and found.rubric == "q.yaml"


@pytest.mark.parametrize(
    "code",
    [
        'print("answer(q.yaml)")',  # the word in a string is not a call
        'widget.answer("q.yaml", "Hi")',  # someone else's answer method
        "%%bash\nanswer q.yaml",  # a cell magic: not Python
        "def f(:\n    pass",  # broken, but with no answer in it: nothing to report
        "",
    ],
)
def test_what_is_not_an_answer_call_is_ignored(code: str) -> None:
    assert find_answers(code) == []


def test_imported_names_count() -> None:
    code = (
        "from skischool import answer as reply\nimport skischool as ss\n"
        'reply("a.yaml", "one")\nss.answer("b.yaml", "two")'
    )
    assert [f.rubric for f in find_answers(code)] == ["a.yaml", "b.yaml"]


def test_deep_nesting_is_reported_not_crashed() -> None:
    found = find_answers('answer("q.yaml", ' + "[" * 10_000 + "]" * 10_000 + ")")
    assert len(found) == 1 and isinstance(found[0], Ungradable)


# --- reading notebooks -------------------------------------------------------------------------


def test_ipynb_cells_are_numbered_as_a_learner_counts_them() -> None:
    doc = {
        "cells": [
            {"cell_type": "markdown", "source": "# Title"},
            {"cell_type": "code", "source": ["a = 1\n", "b = 2"]},
            {"cell_type": "raw", "source": ""},
            {"cell_type": "code", "source": "c = 3"},
        ],
        "nbformat": 4,
    }
    cells = ipynb_cells(json.dumps(doc), "n.ipynb")
    assert [(c.number, c.code) for c in cells] == [(2, "a = 1\nb = 2"), (4, "c = 3")]
    assert cells[0].where(2) == "cell 2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "n.ipynb: is not a notebook: broken JSON at line 1"),
        ("[]", 'n.ipynb: is not a notebook: expected an object with a "cells" list'),
        ('{"cells": [1]}', "n.ipynb: cells[0] is not a cell"),
        ('{"cells": [{"cell_type": "code", "source": 5}]}', "n.ipynb: cell 1 has a source"),
        ("[" * 100_000, "n.ipynb: is not a notebook"),
    ],
)
def test_broken_ipynb_is_named(text: str, message: str) -> None:
    with pytest.raises(NotebookError) as caught:
        ipynb_cells(text, "n.ipynb")
    assert str(caught.value).startswith(message)


MYST = """---
jupytext: {}
---

# Title

Some words.

```{code-cell} ipython3
:tags: [remove-input]
first = 1
```

````markdown
```{code-cell} ipython3
not_a_cell = 1
```
````

+++

More words.

```{code-cell}
---
tags: [x]
---
second = 2
```
"""


def test_myst_cells_keep_file_lines_and_skip_options() -> None:
    cells = myst_cells(MYST)
    assert [c.number for c in cells] == [2, 5]
    assert cells[0].code == "\nfirst = 1"
    assert cells[1].code.strip() == "second = 2"
    lines = MYST.splitlines()
    for cell, code in zip(cells, ("first = 1", "second = 2"), strict=True):
        in_cell = cell.code.split("\n").index(code) + 1
        in_file = lines.index(code) + 1
        assert cell.where(in_cell) == f"cell {cell.number} (line {in_file})"


def test_an_unclosed_myst_cell_runs_to_the_end() -> None:
    cells = myst_cells('```{code-cell}\nanswer("q.yaml", "Hi")\n')
    assert len(cells) == 1 and find_answers(cells[0].code) == [Written("q.yaml", "Hi", line=1)]


# --- finding the rubric ------------------------------------------------------------------------


def test_a_rubric_beside_the_notebook_is_the_courses_exercise() -> None:
    target = resolve("checkpoint-q1.yaml", EXERCISES / "green-circle", COURSE)
    assert target.key == "green-circle/checkpoint-q1"
    assert target.exercise is not None and target.path == target.exercise.rubric_path


@pytest.mark.parametrize(
    ("written", "folder", "page", "key"),
    [
        ("checkpoint-q1.yaml", "work/green-circle", "", "green-circle/checkpoint-q1"),
        ("checkpoint-q1.yaml", "work/green-circle/week-2", "", "green-circle/checkpoint-q1"),
        ("locals/checkpoint-q2.yaml", "work", "", "locals/checkpoint-q2"),
        ("checkpoint-q2.json", "work", "blue-square/checkpoint", "blue-square/checkpoint-q2"),
        ("01-first-reply.yaml", "work", "", "bunny-hill/01-first-reply"),  # one level has it
    ],
)
def test_a_rubric_name_is_found_in_the_course(
    tmp_path: Path, written: str, folder: str, page: str, key: str
) -> None:
    course = Course.load(_fork(tmp_path))
    target = resolve(written, tmp_path / folder, course, page=page)
    assert target.key == key
    assert target.path == ROOT / "exercises" / f"{key}.yaml"


def _fork(folder: Path) -> Path:
    for name in ("course.yml", "exercises", "lessons"):
        (folder / name).symlink_to(ROOT / name)
    return folder


@pytest.mark.parametrize(
    ("written", "folder", "message"),
    [
        ("checkpoint-q1.yaml", "work", "is a rubric in 5 levels"),
        ("checkpont-q1.yaml", "work/locals", "(the closest is 'checkpoint-q1.yaml')"),
        ("nothing.yaml", "work", "no rubric 'nothing.yaml' beside the notebook"),
        ("", "work", "is not a rubric file name"),
        ("a\x00b.yaml", "work", "is not a rubric file name"),
        ("x" * 5000, "work", "is not a rubric file name"),
    ],
)
def test_a_name_the_course_cannot_place_says_what_to_write(
    tmp_path: Path, written: str, folder: str, message: str
) -> None:
    course = Course.load(_fork(tmp_path))
    with pytest.raises(RubricNotFound) as caught:
        resolve(written, tmp_path / folder, course)
    assert message in str(caught.value)


def test_a_level_word_above_the_course_is_not_a_level(tmp_path: Path) -> None:
    """A fork cloned into ~/locals/ must not make every name mean the Locals level."""
    fork = tmp_path / "locals" / "fork"
    fork.mkdir(parents=True)
    course = Course.load(_fork(fork))
    with pytest.raises(RubricNotFound, match="is a rubric in 5 levels"):
        resolve("checkpoint-q1.yaml", fork / "work", course)


def test_without_a_course_only_files_beside_count(tmp_path: Path) -> None:
    with pytest.raises(RubricNotFound, match=r"no course \(course.yml\)"):
        resolve("checkpoint-q1.yaml", tmp_path, None)


# --- JUnit -------------------------------------------------------------------------------------


def test_junit_counts_and_escapes_whatever_it_is_given() -> None:
    nasty = "<b>&\"'</b> \x00\x1b\x07 \ud800 😊 ]]> \ufffe"
    suites = [
        Suite(
            "green-circle/checkpoint",
            (
                Case("green-circle/checkpoint", "q1: " + nasty, 0.25, output="fine " + nasty),
                Case(
                    "green-circle/checkpoint",
                    "q2",
                    outcome=Outcome("failure", "score 45, 3 of 7 criteria met", nasty, "not yet"),
                ),
            ),
        ),
        Suite("not gradable", (Case("work/x.ipynb", "cell 3", outcome=Outcome("error", nasty)),)),
    ]
    text = to_xml(suites, "skischool grade")
    root = ET.fromstring(text.encode("utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    first, second = root.iter("testsuite")
    assert (first.get("tests"), first.get("failures"), first.get("time")) == ("2", "1", "0.250")
    assert second.get("errors") == "1"
    failure = root.find(".//failure")
    assert failure is not None and failure.get("message") == "score 45, 3 of 7 criteria met"
    shown = "<b>&\"'</b> \\x00\\x1b\\x07 \\ud800 😊 ]]> \\ufffe"
    assert failure.text == shown
    assert root.find(".//error").get("message") == shown  # type: ignore[union-attr]
    assert root.find(".//system-out").text == "fine " + shown  # type: ignore[union-attr]


def test_xml_text_clips_huge_bodies() -> None:
    out = xml_text("a" * 300_000)
    assert len(out) < 101_000 and out.endswith("[... 200,000 more characters not shown]")


def test_markdown_cells_cannot_break_the_table_or_add_markup() -> None:
    out = md("a | b <script>x</script> [link](javascript:1) `code`\nnext")
    assert "|" not in out.replace("\\|", "")
    assert "<script>" not in out and "\n" not in out
    assert "\\[link\\]" in out and "\\`code\\`" in out


def test_a_progress_files_answers_are_rechecked_each_once_best_stored_first() -> None:
    from skischool.progress import Attempt

    def saved(answer: str, score: int, minute: int) -> Attempt:
        return Attempt(
            exercise="x",
            time=f"2026-01-01T10:{minute:02d}:00+00:00",
            score=score,
            passed=False,
            criteria_met=0,
            criteria_total=1,
            kind="reply",
            answer=answer,
        )

    attempts = [saved(f"answer {i}", i, i) for i in range(30)] + [saved("answer 29", 0, 59)]
    picked = _candidates(attempts)
    assert len(picked) == MAX_RECHECKS == 20
    assert [a.answer for a in picked[:2]] == ["answer 29", "answer 28"]
    assert len({a.answer for a in picked}) == len(picked)
