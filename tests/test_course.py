"""The course as a whole: every level, lesson, exercise and rubric is where CONTRIBUTING.md says.

These tests read the source files (no book build). They check what a reviewer would otherwise
check by hand:

* every exercise page is in the table of contents, and every rubric is used by a page;
* every rubric validates, proves itself with enough examples and has a unique id;
* there are enough exercises, and every level has its index, lessons and a checkpoint;
* every lesson has the house parts in the house order, and teaches ideas that exist;
* every seed idea is taught by at least one lesson;
* the lessons are easy to read (average reading grade 9 or below);
* the exercises cover the platforms and situations the course promises.

Tests are parametrised by file, so a failure names the page or rubric to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from skischool.course import Course, toc
from skischool.examples import validate_file
from skischool.loader import MIN_FAIL_EXAMPLES, MIN_PASS_EXAMPLES, SITUATIONS, load_rubric
from skischool.model import ChoiceRubric, ReplyRubric
from skischool.readability import grade_level

from .conftest import EXERCISES, ROOT

LESSONS = ROOT / "lessons"
TOC = ROOT / "_toc.yml"
SEED_IDEAS = ROOT / "book" / "seed-ideas.yml"

#: The course model: levels (declared once, in course.yml), lessons, pages and exercises.
COURSE = Course.load(ROOT)
#: level slug -> its sphinx-design badge colour, from course.yml
LEVELS = {level.slug: level.badge for level in COURSE.levels}
REQUIRED_PLATFORMS = ("x", "facebook", "instagram", "linkedin", "review", "forum")
REQUIRED_SITUATIONS = SITUATIONS  # complaint, question, praise, troll, rant, misinformation, crisis

MIN_EXERCISES, MIN_REPLY, MIN_CHOICE = 25, 12, 10
MIN_LESSONS, MIN_LESSONS_PER_LEVEL = 15, 3
MAX_AVERAGE_GRADE = 9.0

EXERCISE_PAGES = sorted(EXERCISES.glob("*/*.md"))
RUBRICS = sorted(p for p in EXERCISES.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
LESSON_PAGES = sorted(LESSONS.glob("*/[0-9]*.md"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def docname(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix()


# --- reading files -----------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML between the first two ``---`` lines, and the rest of the text."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            data = yaml.safe_load("\n".join(lines[1:end])) or {}
            return (data if isinstance(data, dict) else {}), "\n".join(lines[end + 1 :])
    return {}, text


@cache
def seed_ideas() -> dict[str, str]:
    """Seed idea id -> the level that should teach it."""
    return {i["id"]: i["level"] for i in yaml.safe_load(SEED_IDEAS.read_text(encoding="utf-8"))}


@cache
def lesson_ideas() -> dict[str, list[str]]:
    """Lesson (relative path) -> the idea ids in its front matter."""
    out = {}
    for page in LESSON_PAGES:
        meta, _ = split_front_matter(page.read_text(encoding="utf-8"))
        ideas = meta.get("ideas") or []
        out[rel(page)] = [str(i) for i in ideas] if isinstance(ideas, list) else [str(ideas)]
    return out


def page_rubrics(page: Path) -> list[Path]:
    """Rubric files the course model finds placed on an exercise page, in page order."""
    found = next(p for p in COURSE.pages if p.path == page)
    return [ex.rubric_path for ex in found.exercises if ex.rubric_path is not None]


@cache
def rubric(path: Path) -> ReplyRubric | ChoiceRubric | None:
    """The loaded rubric, or None when it does not load (its own validation test says why)."""
    try:
        return load_rubric(path)
    except Exception:
        return None


def loaded_rubrics() -> list[ReplyRubric | ChoiceRubric]:
    return [r for p in RUBRICS if (r := rubric(p)) is not None]


# --- a small MyST reader -----------------------------------------------------------------------

FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,}|~{3,})(?P<info>.*)$")
DIRECTIVE_RE = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")
OPTION_RE = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
LABEL_RE = re.compile(r"^\((?P<label>[^)\s]+)\)=\s*$")


@dataclass
class Directive:
    name: str
    arg: str
    options: dict[str, str]
    line: int  # index of the opening fence line
    end: int  # index of the closing fence line (or the last line)
    depth: int  # 0 for a directive at the top level of the page
    body: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.options.get("class", "").split())


@dataclass
class Page:
    lines: list[str]
    directives: list[Directive]
    headings: list[tuple[int, int, str]]  # (line index, level, title) outside any fence
    labels: list[tuple[int, str]]  # (line index, label) outside any fence


def read_myst(text: str) -> Page:
    """Directives (with options and body), headings and labels of a MyST page body.

    Handles backtick, tilde and colon fences, nested directives, ``:key: value`` options and a
    ``---`` YAML option block. Anything inside a plain code fence or a ``code-cell`` is code.
    """
    lines = text.splitlines()
    page = Page(lines, [], [], [])
    stack: list[tuple[str, Directive | None]] = []  # (fence, directive or None for code)
    i = 0
    while i < len(lines):
        line = lines[i]
        in_code = any(d is None for _, d in stack)
        m = FENCE_RE.match(line)
        if m and stack:
            fence = stack[-1][0]
            closing = m.group("fence")
            if (
                closing[0] == fence[0]
                and len(closing) >= len(fence)
                and not m.group("info").strip()
            ):
                _, d = stack.pop()
                if d is not None:
                    d.end = i
                i += 1
                continue
        if m and not in_code:
            info = m.group("info").strip()
            dm = DIRECTIVE_RE.match(info)
            is_code = dm is None or dm.group("name") in {"code-cell", "code-block", "code", "raw"}
            d: Directive | None = None
            if not is_code and dm is not None:
                d = Directive(dm.group("name"), dm.group("arg").strip(), {}, i, len(lines) - 1, 0)
                d.depth = sum(1 for _, x in stack if x is not None)
                page.directives.append(d)
                # options: a YAML block, or :key: value lines
                j = i + 1
                if j < len(lines) and lines[j].strip() == "---":
                    k = j + 1
                    while k < len(lines) and lines[k].strip() != "---":
                        k += 1
                    opts = yaml.safe_load("\n".join(lines[j + 1 : k])) or {}
                    if isinstance(opts, dict):
                        d.options = {str(a): str(b) for a, b in opts.items()}
                    j = k + 1
                else:
                    while j < len(lines) and (om := OPTION_RE.match(lines[j])):
                        d.options[om.group("key")] = om.group("value").strip()
                        j += 1
                stack.append((m.group("fence"), d))
                i = j
                continue
            stack.append((m.group("fence"), None))
            i += 1
            continue
        for _, d in stack:
            if d is not None and not in_code:
                d.body.append(line)
        if not stack:
            if hm := HEADING_RE.match(line):
                page.headings.append((i, len(hm.group("hashes")), hm.group("title").strip()))
            elif lm := LABEL_RE.match(line):
                page.labels.append((i, lm.group("label")))
        i += 1
    return page


# --- lesson prose and its reading grade --------------------------------------------------------

ROLE_RE = re.compile(r"\{(?P<role>[\w:.-]+)\}`(?P<content>[^`]*)`")
TITLED_RE = re.compile(r"^(?P<title>.*?)\s*<[^<>]+>$", re.DOTALL)
# Roles whose bare content is a target (a path or a label), not words a reader sees.
TARGET_ROLES = {"doc", "ref", "numref", "download", "eq", "any", "prf:ref", "cite", "label"}
LINK_RE = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
HTML_RE = re.compile(r"<!--.*?-->|<[^>\n]+>", re.DOTALL)
LIST_OR_BLOCK_START_RE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|\||>)")


def _role_text(match: re.Match[str]) -> str:
    role, content = match.group("role"), match.group("content")
    if titled := TITLED_RE.match(content):
        return titled.group("title")
    return "" if role in TARGET_ROLES else content


def lesson_prose(text: str) -> str:
    """The words a learner reads in a lesson: Markdown and MyST syntax removed.

    Drops the front matter, code cells and code blocks, fence lines and directive options,
    labels, comments and HTML. Keeps a role's visible text (``{term}`rubric``` gives "rubric",
    ``{ref}`Baer <ref-baer>``` gives "Baer") and drops bare targets (``{doc}`../x```). Lines of
    one paragraph are joined, because the reading grade treats a line break as a sentence end.
    """
    _, body = split_front_matter(text)
    lines = body.splitlines()
    keep: list[str] = []
    stack: list[tuple[str, bool]] = []  # (fence, is code)
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE_RE.match(line)
        in_code = any(code for _, code in stack)
        if m and stack:
            fence, closing = stack[-1][0], m.group("fence")
            if (
                closing[0] == fence[0]
                and len(closing) >= len(fence)
                and not m.group("info").strip()
            ):
                stack.pop()
                keep.append("")
                i += 1
                continue
        if m and not in_code:
            dm = DIRECTIVE_RE.match(m.group("info").strip())
            code = dm is None or dm.group("name") in {"code-cell", "code-block", "code", "raw"}
            stack.append((m.group("fence"), code))
            keep.append("")
            i += 1
            if not code:
                if i < len(lines) and lines[i].strip() == "---":  # YAML option block
                    i += 1
                    while i < len(lines) and lines[i].strip() != "---":
                        i += 1
                    i += 1
                while i < len(lines) and OPTION_RE.match(lines[i]):
                    i += 1
            continue
        i += 1
        if in_code:
            continue
        stripped = line.strip()
        if (
            LABEL_RE.match(stripped)
            or stripped.startswith("%")
            or stripped == "+++"
            or re.fullmatch(r"\|?[\s:|-]*-{3,}[\s:|-]*\|?", stripped)  # table rule
        ):
            keep.append("")
            continue
        keep.append(line)
    text = ROLE_RE.sub(_role_text, "\n".join(keep))  # before HTML: "<ref-x>" is not a tag
    text = HTML_RE.sub(" ", text)
    # join the lines of each paragraph; list items, headings and table rows start a new unit
    units: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                units.append(" ".join(current))
                current = []
            continue
        if LIST_OR_BLOCK_START_RE.match(line) and current:
            units.append(" ".join(current))
            current = []
        piece = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#{1,6}\s+|>\s?)", "", line).strip()
        current.append(piece.replace("|", " ").strip())
    if current:
        units.append(" ".join(current))
    text = "\n".join(units)
    text = LINK_RE.sub(lambda m: m.group("text"), text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|~~)", "", text)
    return "\n".join(u for u in (re.sub(r"\s+", " ", u).strip() for u in text.splitlines()) if u)


# --- tests of the helpers (so the course checks below can be trusted) --------------------------

SAMPLE_LESSON = """---
ideas: [x]
kernelspec:
  name: python3
---

(lesson-sample)=
# A sample lesson

{bdg-info}`Bunny Hill`

```{admonition} Learning objectives
:class: objectives
- Spot the reply that
  hides from the customer.
- Write a reply.
```

## The story

Ana runs a small cafe. She read the {term}`rubric` and the {ref}`Baer <ref-baer>` book,
then {doc}`../../exercises/x/01-y`.

```{code-cell} ipython3
:tags: [remove-input]
from skischool import exercise
exercise("01-y.yaml")
```

````{grid} 1 2 2 2
```{grid-item-card} Before
Please DM us.
```
````

| a | b |
| --- | --- |
| one | two |
"""


def test_lesson_prose_strips_markup_and_keeps_words() -> None:
    prose = lesson_prose(SAMPLE_LESSON)
    assert "ideas" not in prose and "kernelspec" not in prose  # front matter
    assert "lesson-sample" not in prose and "(" not in prose  # label
    assert ":class:" not in prose and "objectives" not in prose  # options
    assert "import" not in prose and "exercise(" not in prose  # code cell
    assert "```" not in prose and "{" not in prose and "`" not in prose  # fences and roles
    assert "ref-baer" not in prose and "exercises/x" not in prose  # targets
    assert "Bunny Hill" in prose and "Baer book" in prose and "the rubric" in prose
    assert "Please DM us." in prose  # a card's body is prose
    # a wrapped bullet and a wrapped paragraph each become one line
    assert "Spot the reply that hides from the customer." in prose.splitlines()
    assert any(line.startswith("Ana runs a small cafe. She read") for line in prose.splitlines())
    assert "---" not in prose and "|" not in prose


def test_lesson_prose_grade_matches_plain_text() -> None:
    plain = "We fixed the oven today. Sorry for the wait, Sam. Come back on Friday."
    marked = f"---\na: 1\n---\n(lbl)=\n# Title\n\n**We** fixed the\noven today. {plain[25:]}\n"
    assert lesson_prose(marked).splitlines()[-1] == plain
    assert grade_level(lesson_prose(marked).splitlines()[-1]) == grade_level(plain)


def test_read_myst_finds_nested_directives_and_skips_code() -> None:
    page = read_myst(SAMPLE_LESSON.split("---\n", 2)[2])
    names = [(d.name, d.arg, d.depth) for d in page.directives]
    assert ("admonition", "Learning objectives", 0) in names
    assert ("grid", "1 2 2 2", 0) in names and ("grid-item-card", "Before", 1) in names
    assert all(d.name != "code-cell" for d in page.directives)
    objectives = next(d for d in page.directives if d.name == "admonition")
    assert objectives.classes == {"objectives"}
    assert [t for _, lvl, t in page.headings if lvl == 2] == ["The story"]
    assert [label for _, label in page.labels] == ["lesson-sample"]


# --- the course model agrees with what authors wrote ------------------------------------------


def test_the_course_model_finds_no_problems() -> None:
    """Rubric level and title, page badge and lesson link, ids: each checked against course.yml
    and the page that places the rubric (skischool course check prints the same list)."""
    problems = COURSE.problems()
    assert not problems, "\n".join(str(p) for p in problems)


def test_toc_is_written_from_the_course_file() -> None:
    assert TOC.read_text(encoding="utf-8") == toc(COURSE), (
        "_toc.yml is stale: run python -m skischool course toc --write"
    )


@pytest.mark.parametrize("page", EXERCISE_PAGES + LESSON_PAGES, ids=rel)
def test_page_is_a_page_of_the_course(page: Path) -> None:
    assert docname(page) in COURSE.docnames(), (
        f"{rel(page)} is not a page of the course: lessons/<level>/NN-slug.md, "
        "exercises/<level>/NN-slug.md or exercises/<level>/checkpoint.md of a level in course.yml"
    )


# --- rubrics -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", RUBRICS, ids=rel)
def test_rubric_is_used_by_an_exercise_page(path: Path) -> None:
    used = {ex.rubric_path for ex in COURSE.exercises()}
    assert path.resolve() in used, (
        f'{rel(path)} is not used by any exercise page (no exercise("{path.name}") cell)'
    )


@pytest.mark.parametrize("path", RUBRICS, ids=rel)
def test_rubric_validates_and_proves_itself(path: Path) -> None:
    problems = validate_file(path)
    assert not problems, f"{rel(path)}:\n" + "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("path", RUBRICS, ids=rel)
def test_rubric_has_enough_examples(path: Path) -> None:
    r = rubric(path)
    assert r is not None, f"{rel(path)} does not load (see its validation test)"
    passes = sum(1 for e in r.examples if e.expect == "pass")
    fails = sum(1 for e in r.examples if e.expect == "fail")
    need_p, need_f = MIN_PASS_EXAMPLES[r.kind], MIN_FAIL_EXAMPLES[r.kind]
    if isinstance(r, ReplyRubric):
        assert passes >= need_p and fails >= need_f, (
            f"{rel(path)}: a reply rubric needs at least {need_p} pass and {need_f} fail "
            f"examples, has {passes} pass and {fails} fail"
        )
        assert r.model_reply.strip(), f"{rel(path)}: a reply rubric needs a model_reply"
        result = r.check(r.model_reply)
        assert result.passed, (
            f"{rel(path)}: the model_reply fails its own rubric ({result.summary})"
        )
    else:
        assert passes >= need_p and fails >= need_f, (
            f"{rel(path)}: a choice rubric needs at least {need_p} pass and {need_f} fail "
            f"examples, has {passes} pass and {fails} fail"
        )


@pytest.mark.parametrize("path", RUBRICS, ids=rel)
def test_rubric_names_its_level_and_lesson(path: Path) -> None:
    r = rubric(path)
    assert r is not None, f"{rel(path)} does not load (see its validation test)"
    folder = path.parent.name  # its level: checked against course.yml by the model
    assert r.lesson, f"{rel(path)}: no lesson: (e.g. lessons/{folder}/02-slug)"
    lesson = ROOT / f"{r.lesson.removesuffix('.md')}.md"
    assert lesson.is_file(), f"{rel(path)}: lesson {r.lesson!r} does not exist"
    if isinstance(r, ReplyRubric):
        s = r.scenario
        assert s is not None and s.platform and s.post.strip(), (
            f"{rel(path)}: a reply rubric needs a scenario with a platform and a post"
        )


def test_rubric_ids_are_unique() -> None:
    seen: dict[str, list[str]] = {}
    for path in RUBRICS:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rid = str(data.get("id") or "")
        assert rid, f"{rel(path)} has no id"
        seen.setdefault(rid, []).append(rel(path))
    dupes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not dupes, f"rubric ids used more than once: {dupes}"


def test_there_are_enough_exercises() -> None:
    rubrics = loaded_rubrics()
    reply = sum(isinstance(r, ReplyRubric) for r in rubrics)
    choice = sum(isinstance(r, ChoiceRubric) for r in rubrics)
    assert len(rubrics) >= MIN_EXERCISES and reply >= MIN_REPLY and choice >= MIN_CHOICE, (
        f"need at least {MIN_EXERCISES} working rubrics ({MIN_REPLY} reply, {MIN_CHOICE} choice); "
        f"have {len(rubrics)} ({reply} reply, {choice} choice) of {len(RUBRICS)} files"
    )


# --- levels ------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", list(LEVELS))
def test_level_index_has_a_card_for_each_lesson(level: str) -> None:
    """A new lesson shows on its level's overview, not only in the sidebar."""
    index = (LESSONS / level / "index.md").read_text(encoding="utf-8")
    missing = [
        ls.docname
        for ls in COURSE.lessons
        if ls.level == level
        and not ls.docname.endswith("/index")
        and f":link: {ls.docname.rsplit('/', 1)[1]}\n" not in index
    ]
    assert not missing, f"lessons/{level}/index.md has no grid-item-card linking to {missing}"


@pytest.mark.parametrize("level", list(LEVELS))
def test_level_is_complete(level: str) -> None:
    problems = []
    if not (LESSONS / level / "index.md").is_file():
        problems.append(f"lessons/{level}/index.md is missing")
    lessons = sorted((LESSONS / level).glob("[0-9]*.md"))
    if len(lessons) < MIN_LESSONS_PER_LEVEL:
        problems.append(
            f"lessons/{level}/ has {len(lessons)} lessons, needs {MIN_LESSONS_PER_LEVEL}"
        )
    checkpoint = EXERCISES / level / "checkpoint.md"
    if not checkpoint.is_file():
        problems.append(f"exercises/{level}/checkpoint.md is missing")
    else:
        loaded = [rubric(p) for p in page_rubrics(checkpoint) if p.is_file()]
        choice = sum(isinstance(r, ChoiceRubric) for r in loaded)
        reply = sum(isinstance(r, ReplyRubric) for r in loaded)
        if choice < 2 or reply < 1:
            problems.append(
                f"exercises/{level}/checkpoint.md needs at least 2 choice and 1 reply rubric, "
                f"has {choice} choice and {reply} reply"
            )
    assert not problems, "\n".join(problems)


# --- lessons -----------------------------------------------------------------------------------

H2_PARTS = ("The story", "The principle", "Worked example", "Practice")


@dataclass
class Step:
    what: str
    kind: str  # "heading" or "directive"
    match: Any


def lesson_steps(level: str) -> list[Step]:
    def admonition(cls: str, title: str) -> Any:
        return lambda d: d.name == "admonition" and cls in d.classes and d.arg.lower() == title

    return [
        Step("a (lesson-<slug>)= label", "label", lambda label: label.startswith("lesson-")),
        Step("the # title", "heading", lambda h: h[1] == 1),
        Step(f"the {level} badge {{bdg-{LEVELS.get(level, '?')}}}", "badge", level),
        Step(
            "```{admonition} Learning objectives with :class: objectives",
            "directive",
            admonition("objectives", "learning objectives"),
        ),
        *(Step(f"## {t}", "heading", lambda h, t=t: h[1] == 2 and h[2] == t) for t in H2_PARTS),
        Step("an ```{exercise} in Practice", "directive", lambda d: d.name == "exercise"),
        Step("## Habit to build", "heading", lambda h: h[1] == 2 and h[2] == "Habit to build"),
        Step(
            "```{admonition} Habit to build with :class: habit",
            "directive",
            admonition("habit", "habit to build"),
        ),
        # The notes are for the instructor edition only (book/_ext/edition.py): the learner
        # edition drops the directive, and the heading with it, since nothing else is under it.
        Step(
            "## Facilitator notes", "heading", lambda h: h[1] == 2 and h[2] == "Facilitator notes"
        ),
        Step(
            "```{facilitator} (instructor edition only) under ## Facilitator notes",
            "directive",
            lambda d: d.name == "facilitator",
        ),
    ]


def structure_problems(text: str, level: str) -> list[str]:
    """What is missing or out of order, against the lesson parts in CONTRIBUTING.md."""
    _, body = split_front_matter(text)
    page = read_myst(body)
    events: list[tuple[int, str, Any]] = [(i, "label", lbl) for i, lbl in page.labels]
    events += [(i, "heading", (i, lvl, t)) for i, lvl, t in page.headings]
    events += [(d.line, "directive", d) for d in page.directives if d.depth == 0]
    badge = f"{{bdg-{LEVELS.get(level, '?')}}}`"
    events += [(i, "badge", level) for i, line in enumerate(page.lines) if badge in line]
    events.sort(key=lambda e: e[0])
    problems = []
    pos = 0
    for step in lesson_steps(level):
        for k in range(pos, len(events)):
            _, kind, value = events[k]
            if kind == step.kind and (kind == "badge" or step.match(value)):
                pos = k + 1
                break
        else:
            problems.append(f"missing, or out of order: {step.what}")
    # the practice exercise must sit inside ## Practice, before ## Habit to build
    sections = {t: i for i, lvl, t in page.headings if lvl == 2}
    if "Practice" in sections and "Habit to build" in sections:
        lo, hi = sections["Practice"], sections["Habit to build"]
        if not any(d.name == "exercise" and lo < d.line < hi for d in page.directives):
            problems.append("no ```{exercise} between ## Practice and ## Habit to build")
    return problems


@pytest.mark.parametrize("lesson", LESSON_PAGES, ids=rel)
def test_lesson_has_the_parts_in_order(lesson: Path) -> None:
    problems = structure_problems(lesson.read_text(encoding="utf-8"), lesson.parent.name)
    assert not problems, f"{rel(lesson)} (see CONTRIBUTING.md):\n" + "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSON_PAGES, ids=rel)
def test_lesson_objectives_worked_example_and_practice(lesson: Path) -> None:
    _, body = split_front_matter(lesson.read_text(encoding="utf-8"))
    page = read_myst(body)
    problems = []
    objectives = [
        d for d in page.directives if d.name == "admonition" and "objectives" in d.classes
    ]
    if objectives:
        bullets = [x for x in objectives[0].body if re.match(r"^\s*[-*+]\s", x)]
        if not 2 <= len(bullets) <= 4:
            problems.append(f"learning objectives have {len(bullets)} bullet points, want 2 to 4")
    sections = {t: i for i, lvl, t in page.headings if lvl == 2}
    if "Worked example" in sections and "Practice" in sections:
        lo, hi = sections["Worked example"], sections["Practice"]
        cards = {
            d.arg.strip().lower()
            for d in page.directives
            if d.name in {"card", "grid-item-card"} and lo < d.line < hi
        }
        if not {"before", "after"} <= cards:
            problems.append("## Worked example needs two cards titled Before and After")
    targets = [
        t
        for d in page.directives
        if d.name == "exercise"
        for t in re.findall(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", "\n".join(d.body))
    ]
    if not targets:
        problems.append("the ```{exercise} does not link an exercise page with {doc}")
    for t in targets:
        target = (ROOT / t.lstrip("/")) if t.startswith("/") else (lesson.parent / t)
        if not target.with_suffix(".md").resolve().is_file():
            problems.append(f"the exercise links {t!r}, which does not exist")
    assert not problems, f"{rel(lesson)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSON_PAGES, ids=rel)
def test_lesson_ideas_exist(lesson: Path) -> None:
    ideas = lesson_ideas()[rel(lesson)]
    assert ideas, f"{rel(lesson)}: front matter has no ideas: [...] list"
    unknown = [i for i in ideas if i not in seed_ideas()]
    assert not unknown, f"{rel(lesson)}: ideas not in book/seed-ideas.yml: {unknown}"


@pytest.mark.parametrize("idea", list(seed_ideas()))
def test_seed_idea_is_taught(idea: str) -> None:
    teaching = [page for page, ideas in lesson_ideas().items() if idea in ideas]
    assert teaching, (
        f"no lesson teaches {idea!r} (planned for {seed_ideas()[idea]}): add it to a lesson's "
        "ideas: front matter"
    )


def test_there_are_enough_lessons() -> None:
    assert len(LESSON_PAGES) >= MIN_LESSONS, (
        f"{len(LESSON_PAGES)} lessons, need at least {MIN_LESSONS}: "
        + ", ".join(rel(p) for p in LESSON_PAGES)
    )


def test_lessons_are_easy_to_read() -> None:
    assert LESSON_PAGES, "no lessons yet"
    grades = {
        rel(p): grade_level(lesson_prose(p.read_text(encoding="utf-8"))) for p in LESSON_PAGES
    }
    report = "\n".join(f"  {g:5.1f}  {page}" for page, g in sorted(grades.items()))
    average = sum(grades.values()) / len(grades)
    print(f"reading grade per lesson (target 8 or below):\n{report}\n  average {average:.1f}")
    assert average <= MAX_AVERAGE_GRADE, (
        f"the lessons' average reading grade is {average:.1f}, above {MAX_AVERAGE_GRADE}:\n{report}"
    )


# --- what the exercises cover ------------------------------------------------------------------


@pytest.mark.parametrize("platform", REQUIRED_PLATFORMS)
def test_exercises_cover_platform(platform: str) -> None:
    found = sorted(
        {r.scenario.platform for r in loaded_rubrics() if r.scenario and r.scenario.platform}
    )
    assert platform in found, f"no exercise scenario is set on {platform!r}; platforms: {found}"


@pytest.mark.parametrize("situation", REQUIRED_SITUATIONS)
def test_exercises_cover_situation(situation: str) -> None:
    found = sorted({r.situation for r in loaded_rubrics() if r.situation})
    assert situation in found, f"no exercise has situation: {situation}; situations: {found}"
