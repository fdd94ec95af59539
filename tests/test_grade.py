"""``skischool grade`` run as a real command on completed notebooks and progress files.

The samples in tests/data/graded/ are a learner's work: ``passing/`` answers with the rubrics'
own pass examples, ``failing/`` with fail examples, a call the grader cannot read, and a
progress file whose stored verdict was edited to "passed". Expected scores are computed here
from the rubrics, never written down.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from skischool.course import Course, Exercise
from skischool.grading.calls import Written, find_answers
from skischool.grading.notebooks import read_cells

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "graded"
PASSING = DATA / "passing"
FAILING = DATA / "failing"
COURSE = Course.load(ROOT)
FORBIDDEN_IN_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def grade(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skischool", "grade", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def mini_fork(folder: Path) -> Path:
    """A learner's fork without copying the course: its course file and folders, linked."""
    for name in ("course.yml", "exercises", "lessons"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def junit(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    return root


def cases(root: ET.Element) -> dict[str, ET.Element]:
    """Test cases by exercise key (the name's part before the title)."""
    return {c.get("name", "").split(":", 1)[0]: c for c in root.iter("testcase")}


def written_answers(folder: Path) -> list[tuple[Path, Written]]:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".ipynb", ".md"):
            for cell in read_cells(path, path.name):
                out += [(path, f) for f in find_answers(cell.code) if isinstance(f, Written)]
    return out


def exercise_for(path: Path, written: Written) -> Exercise:
    return COURSE.exercise(f"{path.parent.name}/{Path(written.rubric).stem}")


# --- the samples themselves --------------------------------------------------------------------


def test_passing_samples_answer_with_the_rubrics_own_pass_examples() -> None:
    found = written_answers(PASSING)
    assert len(found) == 4
    for path, written in found:
        rubric = exercise_for(path, written).rubric()
        passes = [e.text or e.choose for e in rubric.examples if e.expect == "pass"]
        assert written.response in passes, (path, written)


# --- passing work ------------------------------------------------------------------------------


def test_passing_work_exits_0_with_feedback_and_junit(tmp_path: Path) -> None:
    xml, md = tmp_path / "results.xml", tmp_path / "summary.md"
    proc = grade(str(PASSING), "--junit", str(xml), "--summary-md", str(md))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[-1] == "5 of 5 exercises passed"
    for key in (
        "bunny-hill/01-first-reply",
        "green-circle/checkpoint-q1",
        "green-circle/checkpoint-q2",
        "green-circle/checkpoint-reply",
        "blue-square/checkpoint-q1",
    ):
        title = COURSE.exercise(key).title
        assert f"PASS     {key} · {title}" in proc.stdout
    # The feedback itself, and where each answer was written.
    assert "That reply works." in proc.stdout
    assert "01-first-reply.md, cell 4 (line 32)" in proc.stdout
    assert "checkpoint.ipynb, cell 8" in proc.stdout
    root = junit(xml)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "0", "0")
    suites = [s.get("name") for s in root.iter("testsuite")]
    # One suite per exercise page, in course order.
    assert suites == [
        "bunny-hill/01-first-reply",
        "green-circle/checkpoint",
        "blue-square/checkpoint",
    ]
    by_key = cases(root)
    assert by_key["green-circle/checkpoint-q1"].get("classname") == "green-circle/checkpoint"
    assert by_key["green-circle/checkpoint-q1"].get("name") == (
        "green-circle/checkpoint-q1: Who brings the page back to life?"
    )
    assert "Good call." in (by_key["green-circle/checkpoint-q1"].findtext("system-out") or "")
    summary = md.read_text(encoding="utf-8")
    assert summary.startswith("## Ski school: 5 of 5 exercises passed")
    assert summary.count("| ✅ pass |") == 5


def test_an_earlier_miss_in_a_progress_file_does_not_count_against_the_best(
    tmp_path: Path,
) -> None:
    doc = json.loads((PASSING / "progress.json").read_text(encoding="utf-8"))
    assert [a["passed"] for a in doc["attempts"]] == [False, True]
    proc = grade(str(PASSING / "progress.json"), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0].startswith("PASS     blue-square/checkpoint-q1")


# --- failing work ------------------------------------------------------------------------------


def test_failing_work_exits_1_and_names_what_failed(tmp_path: Path) -> None:
    xml = tmp_path / "results.xml"
    proc = grade(str(FAILING), "--junit", str(xml))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1] == (
        "1 of 4 exercises passed; 3 required exercises failed: bunny-hill/01-first-reply, "
        "green-circle/checkpoint-q1, green-circle/checkpoint-q2; 1 answer could not be graded"
    )
    assert "NOT YET  green-circle/checkpoint-q1" in proc.stdout
    root = junit(xml)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "3", "1")
    by_key = cases(root)
    chair = COURSE.exercise("green-circle/checkpoint-q1").rubric().check(["chair"])
    failure = by_key["green-circle/checkpoint-q1"].find("failure")
    assert failure is not None
    assert failure.get("message") == f"score {chair.score}, {chair.summary}"
    assert "Not quite yet." in (failure.text or "")
    assert by_key["bunny-hill/checkpoint-q1"].find("failure") is None
    # The not-gradable call: an error naming the file, the cell and the reason.
    errors = list(root.iter("error"))
    assert len(errors) == 1
    assert (
        errors[0]
        .get("message", "")
        .startswith("not gradable: the answer must be written as text in the call")
    )
    (case,) = [c for c in root.iter("testcase") if c.find("error") is not None]
    assert case.get("classname", "").endswith("failing/green-circle/checkpoint.md")
    assert case.get("name") == "cell 8 (line 39) (green-circle/checkpoint-reply)"
    assert "checkpoint.md, cell 8 (line 39)" in proc.stdout


def test_a_progress_files_stored_verdict_is_not_trusted() -> None:
    doc = json.loads((FAILING / "progress.json").read_text(encoding="utf-8"))
    stored = next(a for a in doc["attempts"] if a["exercise"] == "bunny-hill-first-reply")
    assert stored["passed"] is True and stored["score"] == 100  # what the edited file claims
    real = COURSE.exercise("bunny-hill/01-first-reply").rubric().check(stored["answer"])
    assert not real.passed
    proc = grade(str(FAILING / "progress.json"), "--quiet")
    assert proc.returncode == 1
    assert f"NOT YET  bunny-hill/01-first-reply · Your first reply (score {real.score}," in (
        proc.stdout
    )


def test_require_checkpoints_and_all_ask_for_more(tmp_path: Path) -> None:
    xml = tmp_path / "results.xml"
    proc = grade(str(PASSING), "--require", "checkpoints", "--junit", str(xml), "--quiet")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    checkpoints = {ex.key for ex in COURSE.checkpoints()}
    answered = {
        "green-circle/checkpoint-q1",
        "green-circle/checkpoint-q2",
        "green-circle/checkpoint-reply",
        "blue-square/checkpoint-q1",
    }
    missing = checkpoints - answered
    root = junit(xml)
    failures = {
        name: c.find("failure") for name, c in cases(root).items() if c.find("failure") is not None
    }
    assert set(failures) == missing
    assert all(
        f.get("message") == "required exercise not answered (--require checkpoints)"
        for f in failures.values()
    )  # type: ignore[union-attr]
    assert f"{len(missing)} required exercises not answered (--require checkpoints)" in proc.stdout
    # The non-checkpoint exercise that was answered still counts, and passed.
    assert cases(root)["bunny-hill/01-first-reply"].find("failure") is None

    everything = grade(str(PASSING), "--require", "all", "--junit", str(xml), "--quiet")
    assert everything.returncode == 1
    assert junit(xml).get("tests") == str(len(list(COURSE.exercises())))


def test_checkpoints_pass_when_every_checkpoint_passes(tmp_path: Path) -> None:
    """--require checkpoints exits 0 once each level's checkpoint is answered well."""
    lines = []
    for ex in COURSE.checkpoints():
        rubric = ex.rubric()
        good = next(e for e in rubric.examples if e.expect == "pass")
        response = list(good.choose) if rubric.kind == "choice" else good.text
        lines.append(f"answer({ex.key + '.yaml'!r}, {response!r})")
    notebook = tmp_path / "all-checkpoints.md"
    notebook.write_text(
        "# All checkpoints\n\n```{code-cell} ipython3\n" + "\n".join(lines) + "\n```\n",
        encoding="utf-8",
    )
    proc = grade(str(notebook), "--require", "checkpoints", "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n = len(COURSE.checkpoints())
    assert proc.stdout.splitlines()[-1] == f"{n} of {n} exercises passed"


# --- usage and bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["no/such/folder"], "no/such/folder: no such file or folder"),
        (["tests/data/graded", "--require", "most"], "invalid choice: 'most'"),
        (
            ["tests/data/graded", "--junit", "no/such/folder/x.xml"],
            "--junit no/such/folder/x.xml: the folder no/such/folder does not exist",
        ),
        (["tests/data/graded", "--course", "tests"], "--course tests: no course.yml there"),
        (["pyproject.toml"], "pyproject.toml: expected a notebook (.ipynb or MyST .md)"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], expected: str) -> None:
    proc = grade(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_require_checkpoints_outside_a_course_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# nothing\n", encoding="utf-8")
    proc = grade(str(tmp_path), "--require", "checkpoints", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--require checkpoints needs the course" in proc.stderr


def _code_cell(code: str) -> dict[str, object]:
    return {
        "cell_type": "code",
        "metadata": {},
        "source": code,
        "outputs": [],
        "execution_count": None,
    }


def _notebook(*codes: str) -> str:
    return json.dumps(
        {
            "cells": [_code_cell(c) for c in codes],
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
        }
    )


def test_bad_input_is_named_never_a_traceback(tmp_path: Path) -> None:
    work = tmp_path / "work" / "bunny-hill"
    work.mkdir(parents=True)
    (work / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (work / "v3.ipynb").write_text('{"worksheets": []}', encoding="utf-8")
    (work / "latin1.ipynb").write_bytes(b'{"cells": [], "note": "caf\xe9"}')
    (work / "missing-rubric.ipynb").write_text(
        _notebook('answer("no-such-rubric.yaml", "Hi")'), encoding="utf-8"
    )
    (work / "not-python.ipynb").write_text(
        _notebook('answer("01-first-reply.yaml", "Hi" "'), encoding="utf-8"
    )
    (work / "list-for-a-reply.ipynb").write_text(
        _notebook('answer("01-first-reply.yaml", ["Hi"])'), encoding="utf-8"
    )
    (work / "progress.json").write_text(
        '{"format": "skischool-progress", "version": 7}', encoding="utf-8"
    )
    (work / "settings.json").write_text('{"theme": "dark"}', encoding="utf-8")  # not ours: skipped
    xml = tmp_path / "r.xml"
    proc = grade(str(tmp_path / "work"), "--junit", str(xml), "--course", str(ROOT))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out
    problems = [line for line in proc.stdout.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 7, problems
    expected = {
        "broken.ipynb: is not a notebook: broken JSON at line 1",
        'v3.ipynb: is not a notebook: expected an object with a "cells" list (an nbformat 3',
        "latin1.ipynb: is not UTF-8 text (first bad byte at offset",
        "missing-rubric.ipynb, cell 1: no rubric 'no-such-rubric.yaml' beside the notebook or in "
        "level bunny-hill of the course",
        "not-python.ipynb, cell 1: not gradable: the cell is not valid Python",
        "list-for-a-reply.ipynb, cell 1: bunny-hill/01-first-reply "
        "is a reply exercise: write your reply as text in quotes",
        "progress.json: export version 7, this skischool understands 1",
    }
    for text in expected:
        assert any(text in line for line in problems), (text, problems)
    assert "settings.json" not in out
    root = junit(xml)
    assert root.get("errors") == "7"


def test_learner_text_of_any_kind_is_graded_and_escaped(tmp_path: Path) -> None:
    """A 1 MB reply, emoji, control characters and HTML: graded, shown safely, valid XML."""
    work = mini_fork(tmp_path) / "work" / "bunny-hill"
    work.mkdir(parents=True)
    huge = "Hi Noor, yes we're open on Sundays 9 till 2. " * 23_000  # just over 1 MB
    nasty = (
        "Hi Noor 😊 <script>alert('x')</script> & <b>yes</b> we're open Sundays 9-2!"
        "\x1b[31m\x00\x07\u202e\ud800 | `code` **bold**"
    )
    notebook = {
        "cells": [
            _code_cell(f"answer({'01-first-reply.yaml'!r}, {huge!r})"),
            _code_cell(f"answer({'02-thank-for-first-day.yaml'!r}, {nasty!r})"),
        ],
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
    }
    # ensure_ascii keeps the lone surrogate writable; the notebook still holds it.
    (work / "answers.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (work / "answer 😊 <b>.md").write_text(
        "```{code-cell} ipython3\nanswer('04-outsource-or-learn.yaml', ['<img src=x>'])\n```\n",
        encoding="utf-8",
    )
    xml, md = tmp_path / "r.xml", tmp_path / "s.md"
    proc = grade("work", "--junit", str(xml), "--summary-md", str(md), cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), out
    assert "Traceback" not in out and "internal error" not in out
    for raw in ("\x1b", "\x00", "\x07", "\u202e"):
        assert raw not in proc.stdout
    assert "Only the first 1,000,000 characters were checked" in proc.stdout
    text = xml.read_text(encoding="utf-8")
    root = ET.fromstring(text.encode("utf-8"))  # parses: nothing XML 1.0 forbids got through
    assert root.get("tests") == "3"
    assert not FORBIDDEN_IN_XML.search(text)
    for markup in ("<script", "<b>", "<img"):
        assert markup not in text
    assert "answer 😊 &lt;b&gt;.md" in text
    summary = md.read_text(encoding="utf-8")
    assert "<script>" not in summary and "<img" not in summary and "<b>" not in summary
    assert "&lt;b&gt;" in summary


def test_a_folder_with_no_answers_passes_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# My work\n\nNothing yet.\n", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{", encoding="utf-8")
    proc = grade(str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("No answers found yet")


def test_each_file_is_graded_once_however_it_is_named(tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    notebook = PASSING / "green-circle" / "checkpoint.ipynb"
    proc = grade(str(notebook), str(PASSING / "green-circle"), str(notebook), "--junit", str(xml))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert junit(xml).get("tests") == "3"
    assert "(the best of" not in proc.stdout


CUSTOM_RUBRIC = """kind: choice
id: our-own-question
title: Our own question
question: Which reply goes first?
pass_score: 70
options:
  - id: the-question
    text: The customer's question
    score: 100
    feedback: "Yes: answer first."
  - id: the-advert
    text: Our advert
    score: 0
    feedback: "Not yet: the question waits."
examples:
  - {choose: [the-question], expect: pass}
  - {choose: [the-advert], expect: fail}
"""


def test_a_rubric_the_course_lacks_is_graded_and_a_broken_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "ours.yaml").write_text(CUSTOM_RUBRIC, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("kind: choice\nid: [\n", encoding="utf-8")
    (tmp_path / "mine.md").write_text(
        "```{code-cell} ipython3\n"
        "answer('ours.yaml', ['the-question'])\n"
        "answer('broken.yaml', ['x'])\n"
        "```\n",
        encoding="utf-8",
    )
    xml = tmp_path / "r.xml"
    proc = grade(str(tmp_path / "mine.md"), "--junit", str(xml), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PASS     ours.yaml · Our own question" in proc.stdout
    (problem,) = [line for line in proc.stdout.splitlines() if line.startswith("PROBLEM")]
    assert "mine.md, cell 1 (line 3): the rubric broken.yaml cannot be loaded" in problem
    assert "run: skischool validate broken.yaml" in problem
    suites = [s.get("name") for s in junit(xml).iter("testsuite")]
    assert suites == ["other rubrics", "not gradable"]


def test_a_progress_file_from_elsewhere_is_graded_with_notes(tmp_path: Path) -> None:
    ex = COURSE.exercise("blue-square/checkpoint-q1")
    common = {"score": 0, "passed": False, "criteria_met": 0, "criteria_total": 1}
    attempts = [
        {"exercise": ex.rubric_id, "page": ex.page, "kind": "choice", "answer": "fix-the-facts"},
        {"exercise": ex.rubric_id, "kind": "choice", "answer": "delete", "learner": "Sam"},
        {"exercise": "not-in-this-course", "kind": "reply", "answer": "Hi", "learner": "Ana"},
    ]
    doc = {
        "format": "skischool-progress",
        "version": 1,
        "course": "another-course",
        "release": "1999.1",
        "attempts": [{**common, **a, "time": "2026-01-02T03:04:05+00:00"} for a in attempts],
    }
    path = tmp_path / "class.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    proc = grade(str(path), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    notes = [line for line in proc.stdout.splitlines() if line.startswith("note: ")]
    assert len(notes) == 3, notes
    assert "was saved by the course 'another-course'" in notes[0]
    assert "holds the attempts of 2 learners" in notes[1]
    assert "1 attempt at exercises this course does not have were not graded" in notes[2]
    # Both stored scores say 0: every saved answer is judged again, and the good one counts.
    assert proc.stdout.startswith("PASS     blue-square/checkpoint-q1")


def test_a_conversation_and_a_queue_written_in_a_notebook_are_graded(tmp_path: Path) -> None:
    conv = next(e for e in COURSE.exercises() if e.kind == "conversation")
    queue = next(e for e in COURSE.exercises() if e.kind == "triage")
    replies = [t.model_reply for t in conv.rubric().turns]
    sorting = {i.id: f"{i.action} {i.reasons[0]}" for i in queue.rubric().items}
    work = mini_fork(tmp_path)
    notebook = work / "my-work.md"
    notebook.write_text(
        "```{code-cell} ipython3\n"
        f"answer({conv.rubric_path.name!r}, {replies!r})\n"
        f"answer({queue.rubric_path.name!r}, {sorting!r})\n"
        "```\n",
        encoding="utf-8",
    )
    proc = grade(str(notebook), cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS     {conv.key} · {conv.title}" in proc.stdout
    assert f"PASS     {queue.key} · {queue.title}" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "2 of 2 exercises passed"
