"""The course model (skischool.course): one reader of course.yml, one id rule, one writer of
_toc.yml and of the built course file, and the checks of what authors restate.

Each test builds a tiny course in a temporary folder, so a failure names the rule that broke.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skischool.course import (
    Course,
    CourseError,
    bare_title,
    course_root,
    key_for,
    page_for,
    toc,
)
from skischool.progress import Attempt

COURSE_YML = """\
format: skischool-course
version: 1
id: tiny-course
title: A tiny course
release: "1"
levels:
  - slug: first-run
    caption: First Run
    badge: success
  - slug: second-run
    caption: Second Run
    badge: dark
reference:
  - book/glossary
"""

PAGE = """\
---
jupytext: {{}}
---

# {title}

{badge} practises {{doc}}`../../lessons/{level}/01-one`.

```{{code-cell}} ipython3
# a comment, not a heading
from skischool import exercise

exercise("{stem}.yaml")
```
"""

CHECKPOINT = """\
# Level checkpoint

{badge} checks it all.

## The test

### Question 1: pick one

```{{code-cell}} ipython3
exercise("checkpoint-q1.yaml")
```

### Your reply: say sorry

```{{code-cell}} ipython3
exercise("checkpoint-reply.yaml")
```
"""


def rubric(rid: str, title: str, level: str, kind: str = "choice") -> str:
    return f'id: {rid}\ntitle: "{title}"\nkind: {kind}\nlevel: {level}\nlesson: lessons/{level}/01-one\n'


def make_course(tmp_path: Path) -> Path:
    (tmp_path / "course.yml").write_text(COURSE_YML, encoding="utf-8")
    for level, caption, badge in (
        ("first-run", "First Run", "success"),
        ("second-run", "Second Run", "dark"),
    ):
        lessons = tmp_path / "lessons" / level
        lessons.mkdir(parents=True)
        (lessons / "index.md").write_text(f"# {caption}\n", encoding="utf-8")
        (lessons / "01-one.md").write_text("# One\n", encoding="utf-8")
        ex = tmp_path / "exercises" / level
        ex.mkdir(parents=True)
        mark = f"{{bdg-{badge}}}`{caption}`"
        (ex / "01-spot.md").write_text(
            PAGE.format(title="Exercise: Spot it", badge=mark, level=level, stem="01-spot"),
            encoding="utf-8",
        )
        (ex / "01-spot.yaml").write_text(
            rubric(f"{level}-spot", "Spot it", level), encoding="utf-8"
        )
        (ex / "checkpoint.md").write_text(CHECKPOINT.format(badge=mark), encoding="utf-8")
        (ex / "checkpoint-q1.yaml").write_text(
            rubric(f"{level}-cp-q1", "Pick one", level), encoding="utf-8"
        )
        (ex / "checkpoint-reply.yaml").write_text(
            rubric(f"{level}-cp-reply", "Say sorry", level, "reply"), encoding="utf-8"
        )
    return tmp_path


def test_a_course_reads_levels_pages_and_exercises_in_course_order(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    assert [lv.label for lv in course.levels] == ["Level 1 · First Run", "Level 2 · Second Run"]
    assert [p.id for p in course.pages] == [
        "first-run/01-spot",
        "first-run/checkpoint",
        "second-run/01-spot",
        "second-run/checkpoint",
    ]
    keys = [ex.key for ex in course.exercises()]
    assert keys[:3] == [
        "first-run/01-spot",
        "first-run/checkpoint-q1",
        "first-run/checkpoint-reply",
    ]
    cp = course.page("first-run/checkpoint").exercises
    assert [ex.heading for ex in cp] == ["Question 1: pick one", "Your reply: say sorry"]
    assert [ex.kind for ex in cp] == ["choice", "reply"]
    assert course.page("first-run/01-spot").title == "Exercise: Spot it"  # not the comment
    assert [ex.key for ex in course.checkpoints()] == [
        "first-run/checkpoint-q1",
        "first-run/checkpoint-reply",
        "second-run/checkpoint-q1",
        "second-run/checkpoint-reply",
    ]
    assert course.problems() == []
    assert [ls.docname for ls in course.lessons][:2] == [
        "lessons/first-run/index",
        "lessons/first-run/01-one",
    ]


def test_toc_is_written_from_the_levels(tmp_path: Path) -> None:
    text = toc(Course.load(make_course(tmp_path)))
    assert "  - caption: Level 2 · Second Run\n" in text
    assert "          - glob: exercises/second-run/[0-9]*\n" in text
    assert "          - file: exercises/first-run/checkpoint\n" in text
    assert text.rstrip().endswith("- file: book/glossary")


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        (("version: 1", "version: 2"), ":2:", "version: course file version 2"),
        (("badge: dark", "badge: black"), ":12:", "levels[1].badge: unknown badge colour 'black'"),
        (("slug: second-run", "slug: first-run"), ":10:", "declared twice"),
        (("    caption: First Run\n", ""), ":7:", "levels[0].caption: expected a non-empty str"),
        (("title: A tiny", "colour: red\ntitle: A tiny"), ":4:", "colour: unknown field"),
        (("levels:", "levels: []\nold:"), ":6:", "levels: expected at least one level"),
    ],
)
def test_a_broken_course_file_names_line_field_and_expectation(
    tmp_path: Path, change: tuple[str, str], where: str, expected: str
) -> None:
    root = make_course(tmp_path)
    path = root / "course.yml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(CourseError) as info:
        Course.load(root)
    message = str(info.value)
    assert re.match(r"\d+ problems? in the course:\n", message), message
    assert f"course.yml{where}" in message and expected in message, message


def test_a_missing_course_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match=r"course\.yml: file not found"):
        Course.load(tmp_path)


@pytest.mark.parametrize(
    ("file", "old", "new", "field", "expected"),
    [
        (
            "exercises/first-run/01-spot.yaml",
            'title: "Spot it"',
            'title: "Spot that"',
            "title",
            "differs from its heading",
        ),
        (
            "exercises/first-run/checkpoint-q1.yaml",
            'title: "Pick one"',
            'title: "Pick two"',
            "title",
            "Question 1: pick one",
        ),
        (
            "exercises/first-run/01-spot.yaml",
            "level: first-run",
            "level: second-run",
            "level",
            "sits in exercises/first-run/",
        ),
        (
            "exercises/second-run/01-spot.md",
            "{bdg-dark}`Second Run`",
            "{bdg-success}`Second Run`",
            "badge",
            "expected the level badge {bdg-dark}`Second Run`",
        ),
        (
            "exercises/first-run/01-spot.md",
            "lessons/first-run/01-one",
            "lessons/first-run/index",
            "practises",
            "expected the same lesson",
        ),
        (
            "exercises/first-run/01-spot.md",
            'exercise("01-spot.yaml")',
            'exercise("01-gone.yaml")',
            "exercise",
            "names 01-gone.yaml, which does not exist",
        ),
        (
            "exercises/second-run/01-spot.yaml",
            "id: second-run-spot",
            "id: first-run-spot",
            "id",
            "also used by first-run/01-spot",
        ),
    ],
)
def test_what_authors_restate_is_checked_against_the_course(
    tmp_path: Path, file: str, old: str, new: str, field: str, expected: str
) -> None:
    root = make_course(tmp_path)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    problems = Course.load(root).problems()
    assert len(problems) == 1, problems
    assert problems[0].field == field and expected in problems[0].message, problems[0]


def test_the_built_course_file_round_trips_and_checks_its_version(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    built = Course.from_json(course.to_json())
    assert [(e.key, e.page, e.rubric_id, e.kind, e.checkpoint) for e in built.exercises()] == [
        (e.key, e.page, e.rubric_id, e.kind, e.checkpoint) for e in course.exercises()
    ]
    assert [lv.label for lv in built.levels] == [lv.label for lv in course.levels]
    newer = json.loads(course.to_json())
    newer["version"] = 99
    with pytest.raises(CourseError, match=r"course\.json: course file version 99"):
        Course.from_json(json.dumps(newer))
    for bad, message in (
        ("{", "is not JSON"),
        ('{"format": "x"}', "is not a built course file"),
        (json.dumps({**json.loads(course.to_json()), "pages": [{"id": 3}]}), "malformed field"),
    ):
        with pytest.raises(CourseError, match=message):
            Course.from_json(bad, "course.json")


def test_one_id_rule_and_pages_found_beside_their_rubrics(tmp_path: Path) -> None:
    root = make_course(tmp_path)
    ex = root / "exercises" / "first-run"
    assert key_for(ex / "checkpoint-q1.yaml") == "first-run/checkpoint-q1"
    with pytest.raises(ValueError, match=r"exercises/<level>/<name>\.yaml"):
        key_for(root / "Odd Folder" / "x.yaml")
    assert page_for(ex / "checkpoint-reply.yaml") == "first-run/checkpoint"
    assert page_for(ex / "01-spot.yaml") == "first-run/01-spot"
    (ex / "99-orphan.yaml").write_text("id: x\n", encoding="utf-8")
    assert page_for(ex / "99-orphan.yaml") == ""
    assert course_root(ex / "01-spot.yaml") == root.resolve()


def test_an_attempt_finds_its_exercise_by_page_and_rubric(tmp_path: Path) -> None:
    course = Course.load(make_course(tmp_path))
    keyed = course.for_attempt("first-run-cp-q1", "first-run/checkpoint")
    assert keyed is not None and keyed.key == "first-run/checkpoint-q1"
    old = course.for_attempt("first-run-cp-q1")  # recorded before pages were
    assert old == keyed
    assert course.for_attempt("first-run-cp-q1", "second-run/checkpoint") is None
    assert course.for_attempt("not-in-this-course") is None
    attempt = Attempt(
        exercise="first-run-cp-q1", page="first-run/checkpoint", score=80, passed=True,
        criteria_met=4, criteria_total=5, kind="choice", answer="a",
    )  # fmt: skip
    assert Attempt.from_dict(attempt.to_dict()) == attempt


@pytest.mark.parametrize(
    ("heading", "bare"),
    [
        ("Exercise: Spot it", "Spot it"),
        ("Question 2: has it become a habit?", "has it become a habit?"),
        ("3. A beginner on Reddit", "A beginner on Reddit"),
        ("Your reply: own your first slip", "own your first slip"),
        ("The closed pool", "The closed pool"),
    ],
)
def test_bare_title_drops_only_the_numbering(heading: str, bare: str) -> None:
    assert bare_title(heading) == bare


def test_an_unreadable_page_or_rubric_is_a_named_problem(tmp_path: Path) -> None:
    root = make_course(tmp_path)
    (root / "exercises" / "first-run" / "01-spot.md").write_bytes(b"# Exercise: \xff\xfe bad\n")
    (root / "exercises" / "second-run" / "01-spot.yaml").write_bytes(b"id: \xff\n")
    problems = Course.load(root).problems()
    messages = {(p.file, p.message.split(":")[0]) for p in problems}
    assert ("exercises/first-run/01-spot.md", "cannot read the page") in messages
    assert ("exercises/second-run/01-spot.yaml", "cannot read") in messages
