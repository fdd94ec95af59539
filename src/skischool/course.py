"""The course model: levels, lessons, exercise pages and their rubrics, read from one place.

Why a model: the build, the Sphinx extension, the live site, the tests, the class report,
``grade`` and the ski pass all need to know what the course is made of. Each used to parse the
folders and ``_toc.yml`` its own way, and they drifted. Now :meth:`Course.load` reads
``course.yml`` (each level declared once: slug, caption, badge colour, order) and the pages it
implies, and everything else asks it:

* :func:`toc` writes ``_toc.yml`` from it (Jupyter Book's file; never edited by hand);
* :data:`KEY_RE` is the one rule for an exercise's key, ``<level>/<rubric file stem>``;
* :meth:`Course.problems` checks what authors restate (a rubric's ``level:``, its title against
  the page heading, a page's badge and lesson link) and names file, line and field;
* :meth:`Course.to_json` / :meth:`Course.from_json` are the one writer and the one reader of the
  built course file (``course.json``), which carries a ``version`` that the reader checks.

Import-light on purpose: the loader imports this module in the browser (Pyodide, no PyYAML),
where only :data:`KEY_RE` and the JSON reader are used. YAML is imported inside functions.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .errors import Problem, RubricError
from .links import lesson_docname

COURSE_FILE = "course.yml"
TOC = "_toc.yml"
#: ``format:`` and ``version:`` of ``course.yml`` this reader understands.
FORMAT = "skischool-course"
VERSION = 1
#: ``format:`` and ``version:`` of the built course file (``course.json``).
JSON_FORMAT = "skischool-course-built"
JSON_VERSION = 1
#: Source files Sphinx builds a page from, and so what a docname can stand for.
PAGE_SUFFIXES = (".md", ".ipynb", ".rst")
#: sphinx-design badge colours a level may use.
BADGES = ("primary", "secondary", "success", "info", "warning", "danger", "light", "dark")
#: A level slug: also its folder under lessons/ and exercises/, and the first half of a key.
SLUG_RE = re.compile(r"^[a-z][a-z-]*$")
#: An exercise's key, ``<level>/<rubric file stem>``: the one id rule. It names the compiled
#: rubric (``live/rubrics/<key>.json``), so it is checked strictly: it ends up in a URL.
KEY_RE = re.compile(r"^[a-z][a-z-]*/[0-9a-z][0-9a-z-]*$")
#: ``exercise("….yaml")`` at the start of a line of a code cell: how a page places an exercise.
EXERCISE_CALL = re.compile(r'^exercise\(\s*"([^"]+\.ya?ml)"\s*\)', re.M)
#: The page name of a level's checkpoint.
CHECKPOINT = "checkpoint"
#: The kinds of exercise a rubric can be (its `kind:`).
RUBRIC_KINDS = ("reply", "choice", "conversation", "triage")
# Folders that mean "an installed package", never part of a course, even inside a course's .venv.
_INSTALLED = frozenset({"site-packages", "dist-packages"})
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BADGE = re.compile(r"\{bdg-([a-z]+)\}`([^`]*)`")
_PRACTISES = re.compile(r"\{doc\}`\.\./\.\./(lessons/[^`<>]+?)`")
#: Prefixes a heading may put before the exercise's title ("Exercise: ", "Question 2: ", "3. ").
_TITLE_PREFIX = re.compile(
    r"^(?:exercise|question \d+|checkpoint \d+|your reply|\d+\.)\s*:?\s*", re.I
)


class CourseError(RubricError):
    """``course.yml`` or the pages it implies are broken; every problem names file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the course"
        self.args = (head + ":\n" + "\n".join(f"  {p}" for p in self.problems),)


def key_for(path: Path) -> str:
    """The key of a rubric file of the course: its level folder and its file stem."""
    key = f"{path.parent.name}/{path.stem}"
    if not KEY_RE.fullmatch(key):
        raise ValueError(f"{path}: an exercise's rubric must be exercises/<level>/<name>.yaml")
    return key


def page_for(rubric_path: str | Path) -> str:
    """The exercise page (``<level>/<page stem>``) that places a rubric, or "" when none does.

    Rubrics sit beside their page, so only that folder's pages are read; no YAML is needed, so
    a notebook finds its page quickly, and so does the browser's notebook form.
    """
    path = Path(rubric_path)
    folder = path.resolve().parent
    try:
        candidates = sorted(folder.glob("*.md"))
    except OSError:
        return ""
    for page in candidates:
        try:
            text = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if any(
            (folder / m.group(1)).resolve() == path.resolve() for m in EXERCISE_CALL.finditer(text)
        ):
            return f"{folder.name}/{page.stem}"
    return ""


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of the course, declared once in ``course.yml``."""

    slug: str  # "green-circle": its folder under lessons/ and exercises/
    caption: str  # "Green Circle"
    badge: str  # sphinx-design colour: "success"
    number: int  # 1-based place in the course
    about: str = ""

    @property
    def label(self) -> str:
        """How the book names it: ``Level 2 · Green Circle``."""
        return f"Level {self.number} · {self.caption}"

    @property
    def index(self) -> str:
        """The docname of the level's overview page."""
        return f"lessons/{self.slug}/index"

    @property
    def badge_markup(self) -> str:
        """The MyST badge every page of the level carries."""
        return f"{{bdg-{self.badge}}}`{self.caption}`"


@dataclass(frozen=True)
class Lesson:
    """A lesson page (``lessons/<level>/NN-slug.md``, or the level's ``index``)."""

    docname: str
    level: str
    title: str
    path: Path


@dataclass(frozen=True)
class Exercise:
    """One rubric placed on one exercise page: what a learner attempts."""

    key: str  # "green-circle/checkpoint-q1": the one id rule (KEY_RE)
    page: str  # "green-circle/checkpoint": the page it is placed on
    level: str
    rubric_id: str  # the rubric's own ``id:``, what attempts record
    title: str  # the rubric's ``title:``
    heading: str  # the page heading it sits under (the page title on a one-exercise page)
    kind: str  # "reply", "choice", "conversation" or "triage"
    lesson: str  # the lesson docname it practises
    rubric_path: Path | None  # None when read from a built course file
    checkpoint: bool
    line: int = 0  # line of the exercise("…") call on its page

    def rubric(self) -> Any:
        """The loaded rubric (ReplyRubric or ChoiceRubric); loaded on demand, it costs."""
        from .loader import load_rubric

        if self.rubric_path is None:
            raise ValueError(f"{self.key}: the built course file holds no rubric to load")
        return load_rubric(self.rubric_path)


@dataclass(frozen=True)
class ExercisePage:
    """An exercise page (or a level's checkpoint) and the exercises placed on it, in order."""

    id: str  # "green-circle/03-spot-the-outsider"
    level: str
    title: str  # its "# " heading
    path: Path | None
    exercises: tuple[Exercise, ...]

    @property
    def docname(self) -> str:
        return f"exercises/{self.id}"

    @property
    def checkpoint(self) -> bool:
        return self.id.endswith("/" + CHECKPOINT)


@dataclass(frozen=True)
class Course:
    """What the course is made of, in course order."""

    id: str
    title: str
    release: str
    levels: tuple[Level, ...]
    lessons: tuple[Lesson, ...]
    pages: tuple[ExercisePage, ...]
    root_page: str = "book/intro"
    start: tuple[str, ...] = ()
    finish: tuple[str, ...] = ()
    instructors: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    root: Path | None = None
    #: Authoring problems found while reading pages (see :meth:`problems`).
    _page_problems: tuple[Problem, ...] = field(default=(), repr=False, compare=False)

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, root: str | Path) -> Course:
        """Read ``course.yml`` at ``root`` and the pages it implies; :class:`CourseError` if broken."""
        root = Path(root).resolve()
        path = root / COURSE_FILE
        data, where = _read_course_file(path)
        levels = tuple(
            Level(
                slug=d["slug"],
                caption=d["caption"],
                badge=d["badge"],
                number=i,
                about=d.get("about", ""),
            )
            for i, d in enumerate(data["levels"], 1)
        )
        lessons: list[Lesson] = []
        pages: list[ExercisePage] = []
        problems: list[Problem] = []
        for level in levels:
            lesson_dir = root / "lessons" / level.slug
            index = lesson_dir / "index.md"
            if not index.is_file():
                line, col = where(("levels", level.number - 1, "slug"))
                problems.append(
                    Problem(
                        str(path),
                        line,
                        col,
                        f"levels[{level.number - 1}].slug",
                        f"level {level.slug!r} has no overview page {_rel(index, root)}; "
                        "expected lessons/<slug>/index.md",
                    )
                )
            for lesson_path in [index, *sorted(lesson_dir.glob("[0-9]*.md"))]:
                if lesson_path.is_file():
                    lessons.append(
                        Lesson(
                            _docname(lesson_path, root),
                            level.slug,
                            _page_title(lesson_path),
                            lesson_path,
                        )
                    )
            exercise_dir = root / "exercises" / level.slug
            sources = sorted(exercise_dir.glob("[0-9]*.md"))
            if (exercise_dir / f"{CHECKPOINT}.md").is_file():
                sources.append(exercise_dir / f"{CHECKPOINT}.md")
            for source in sources:
                page, found = _read_page(source, level, root)
                pages.append(page)
                problems += found
        course = cls(
            id=data["id"],
            title=data["title"],
            release=str(data["release"]),
            levels=levels,
            lessons=tuple(lessons),
            pages=tuple(pages),
            root_page=data.get("root", "book/intro"),
            start=tuple(data.get("start", ())),
            finish=tuple(data.get("finish", ())),
            instructors=tuple(data.get("instructors", ())),
            reference=tuple(data.get("reference", ())),
            root=root,
            _page_problems=tuple(problems),
        )
        return course

    # -- asking ----------------------------------------------------------------------------

    def level(self, slug: str) -> Level:
        for level in self.levels:
            if level.slug == slug:
                return level
        raise KeyError(f"no level {slug!r} in course {self.id!r}")

    def exercises(self, level: str | None = None) -> Iterator[Exercise]:
        """Every exercise in course order (or one level's)."""
        for page in self.pages:
            if level is None or page.level == level:
                yield from page.exercises

    def exercise(self, key: str) -> Exercise:
        for ex in self.exercises():
            if ex.key == key:
                return ex
        raise KeyError(f"no exercise {key!r} in course {self.id!r}")

    def checkpoints(self) -> list[Exercise]:
        """The exercises of every level's checkpoint: passing them all earns the ski pass."""
        return [ex for ex in self.exercises() if ex.checkpoint]

    def by_rubric_id(self) -> dict[str, Exercise]:
        """Exercises by the rubric ``id:`` that attempts record (ids are unique course-wide)."""
        return {ex.rubric_id: ex for ex in self.exercises()}

    def for_attempt(self, exercise: str, page: str = "") -> Exercise | None:
        """The exercise an attempt was made at: by page and rubric id, or by rubric id alone
        (attempts made before pages were recorded); None for a rubric this course lacks."""
        found = self._by_rubric_id.get(exercise)
        if found is None or (page and found.page != page):
            return None
        return found

    @cached_property
    def _by_rubric_id(self) -> dict[str, Exercise]:
        return self.by_rubric_id()

    def page(self, page_id: str) -> ExercisePage:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(f"no exercise page {page_id!r} in course {self.id!r}")

    def docnames(self) -> list[str]:
        """Every page the book builds, in book order (what ``_toc.yml`` lists)."""
        out = [self.root_page, *self.start]
        for level in self.levels:
            out += [ls.docname for ls in self.lessons if ls.level == level.slug]
            out += [p.docname for p in self.pages if p.level == level.slug]
        return [*out, *self.finish, *self.instructors, *self.reference]

    # -- checking --------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """What authors restated that disagrees with the course; empty when all agrees."""
        problems = list(self._page_problems)
        seen: dict[str, str] = {}
        for ex in self.exercises():
            if ex.rubric_id in seen and seen[ex.rubric_id] != ex.key:
                problems.append(
                    Problem(
                        str(ex.rubric_path),
                        None,
                        None,
                        "id",
                        f"rubric id {ex.rubric_id!r} is also used by {seen[ex.rubric_id]}; "
                        "expected an id unique in the course",
                    )
                )
            seen.setdefault(ex.rubric_id, ex.key)
        return problems

    # -- the built course file -------------------------------------------------------------

    def to_json(self) -> str:
        """The built course file: what a report or ``grade`` needs, without the sources."""
        doc = {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "id": self.id,
            "title": self.title,
            "release": self.release,
            "levels": [
                {"slug": lv.slug, "caption": lv.caption, "badge": lv.badge, "about": lv.about}
                for lv in self.levels
            ],
            "pages": [
                {
                    "id": p.id,
                    "title": p.title,
                    "exercises": [
                        {
                            "key": ex.key,
                            "rubric_id": ex.rubric_id,
                            "title": ex.title,
                            "heading": ex.heading,
                            "kind": ex.kind,
                            "lesson": ex.lesson,
                        }
                        for ex in p.exercises
                    ],
                }
                for p in self.pages
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "course.json") -> Course:
        """Read a built course file; :class:`CourseError` names what is wrong with it."""

        def fail(message: str) -> CourseError:
            return CourseError([Problem(source, None, None, "", message)])

        try:
            doc = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise fail(f"is not JSON ({exc})") from None
        if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
            raise fail(f'is not a built course file (expected "format": "{JSON_FORMAT}")')
        if doc.get("version") != JSON_VERSION or isinstance(doc.get("version"), bool):
            raise fail(
                f"course file version {doc.get('version')!r}; this skischool reads version "
                f"{JSON_VERSION}: rebuild the course with this skischool"
            )
        try:
            levels = tuple(
                Level(d["slug"], d["caption"], d["badge"], i, d.get("about", ""))
                for i, d in enumerate(doc["levels"], 1)
            )
            pages = []
            for p in doc["pages"]:
                level = p["id"].split("/", 1)[0]
                checkpoint = p["id"].endswith("/" + CHECKPOINT)
                exercises = tuple(
                    Exercise(
                        key=e["key"],
                        page=p["id"],
                        level=level,
                        rubric_id=e["rubric_id"],
                        title=e["title"],
                        heading=e.get("heading", ""),
                        kind=e["kind"],
                        lesson=e.get("lesson", ""),
                        rubric_path=None,
                        checkpoint=checkpoint,
                    )
                    for e in p["exercises"]
                )
                pages.append(ExercisePage(p["id"], level, p["title"], None, exercises))
            return cls(
                id=doc["id"],
                title=doc["title"],
                release=str(doc["release"]),
                levels=levels,
                lessons=(),
                pages=tuple(pages),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise fail(f"is missing or has a malformed field ({exc!r})") from None


def load(root: str | Path | None = None) -> Course:
    """The course at ``root``, or at the course folder above the current directory."""
    if root is None:
        found = course_root(Path.cwd())
        if found is None:
            raise CourseError(
                [Problem(str(Path.cwd()), None, None, "", f"no {COURSE_FILE} here or above")]
            )
        root = found
    return Course.load(root)


# --- reading course.yml ------------------------------------------------------------------------


_LEVEL_FIELDS = {"slug": str, "caption": str, "badge": str, "about": str}
_TOP_FIELDS = {
    "format": str,
    "version": int,
    "id": str,
    "title": str,
    "release": str,
    "root": str,
    "start": list,
    "levels": list,
    "finish": list,
    "instructors": list,
    "reference": list,
}


def _read_course_file(path: Path) -> tuple[dict[str, Any], Any]:
    """The checked data of ``course.yml`` and a ``where(field path)`` for its positions."""
    from .source import load_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError(
            [Problem(str(path), None, None, "", "file not found; expected the course file")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError([Problem(str(path), None, None, "", f"cannot read: {exc}")]) from None
    try:
        source = load_yaml(text, str(path))
    except RubricError as exc:
        raise CourseError(exc.problems) from None
    data = source.data
    problems: list[Problem] = []

    def bad(fpath: tuple[object, ...], message: str) -> None:
        line, col = source.where(fpath)
        name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in fpath).lstrip(".")
        problems.append(Problem(str(path), line, col, name, message))

    if not isinstance(data, dict):
        raise CourseError(
            [Problem(str(path), 1, 1, "", "expected a mapping with format, version and levels")]
        )
    for key in data:
        if key not in _TOP_FIELDS:
            line, col = source.key_position((key,))
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    str(key),
                    f"unknown field; expected one of {', '.join(_TOP_FIELDS)}",
                )
            )
    if data.get("format") != FORMAT:
        bad(("format",), f"expected {FORMAT!r}, got {data.get('format')!r}")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        bad(
            ("version",), f"course file version {version!r}; this skischool reads version {VERSION}"
        )
    for key in ("id", "title", "release", "levels"):
        if key not in data:
            bad((), f"missing field {key!r}")
    for key, kind in _TOP_FIELDS.items():
        if key in data and not isinstance(data[key], kind) and key != "version":
            bad((key,), f"expected a {kind.__name__}, got {type(data[key]).__name__}")
    if isinstance(data.get("id"), str) and not SLUG_RE.fullmatch(data["id"]):
        bad(("id",), "expected lowercase letters and hyphens, e.g. 'social-media-ski-school'")
    for key in ("start", "finish", "instructors", "reference"):
        for i, item in enumerate(data.get(key) or []):
            if not isinstance(item, str) or not item:
                bad((key, i), "expected a docname such as 'book/glossary'")
    slugs: set[str] = set()
    levels = data.get("levels") if isinstance(data.get("levels"), list) else []
    if isinstance(data.get("levels"), list) and not levels:
        bad(("levels",), "expected at least one level")
    for i, level in enumerate(levels):
        if not isinstance(level, dict):
            bad(("levels", i), "expected a mapping with slug, caption and badge")
            continue
        for key in level:
            if key not in _LEVEL_FIELDS:
                line, col = source.key_position(("levels", i, key))
                problems.append(
                    Problem(
                        str(path),
                        line,
                        col,
                        f"levels[{i}].{key}",
                        f"unknown field; expected one of {', '.join(_LEVEL_FIELDS)}",
                    )
                )
        for key, kind in _LEVEL_FIELDS.items():
            if key == "about" and key not in level:
                continue
            if not isinstance(level.get(key), kind) or not level.get(key):
                bad(("levels", i, key), f"expected a non-empty {kind.__name__}")
        slug = level.get("slug")
        if isinstance(slug, str) and slug:
            if not SLUG_RE.fullmatch(slug):
                bad(("levels", i, "slug"), "expected lowercase letters and hyphens (a folder name)")
            if slug in slugs:
                bad(("levels", i, "slug"), f"level {slug!r} is declared twice; expected each once")
            slugs.add(slug)
        badge = level.get("badge")
        if isinstance(badge, str) and badge and badge not in BADGES:
            bad(
                ("levels", i, "badge"),
                f"unknown badge colour {badge!r}; expected one of {', '.join(BADGES)}",
            )
    if problems:
        raise CourseError(problems)
    return data, source.where


# --- reading pages -----------------------------------------------------------------------------


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _docname(path: Path, root: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


def _headings(text: str) -> Iterator[tuple[int, int, str]]:
    """(line number, depth, title) of each MyST heading outside code fences."""
    fence = ""
    for n, line in enumerate(text.splitlines(), 1):
        opened = _FENCE.match(line)
        if fence:
            if (
                opened
                and line.strip()
                and line.strip()[0] == fence[0]
                and len(line.strip()) >= len(fence)
                and not line.strip().strip(fence[0])
            ):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = _HEADING.match(line)
        if match:
            yield n, len(match.group(1)), match.group(2)


def _page_title(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return next((t for _, depth, t in _headings(text) if depth == 1), "")


def bare_title(heading: str) -> str:
    """A heading without its numbering: ``Exercise: Spot it`` and ``Question 2: spot it`` ->
    ``Spot it`` / ``spot it``; what a rubric's ``title`` is compared with."""
    return _TITLE_PREFIX.sub("", heading.strip()).strip()


def _same_title(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[^0-9a-z]+", " ", bare_title(s).lower()).strip()  # noqa: E731
    return norm(a) == norm(b)


def _read_page(source: Path, level: Level, root: Path) -> tuple[ExercisePage, list[Problem]]:
    """One exercise page: its title, and each exercise call with the heading above it."""
    from .source import load_yaml

    problems: list[Problem] = []
    rel = _rel(source, root)
    page_id = f"{level.slug}/{source.stem}"
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, None, None, "", f"cannot read the page: {exc}"))
        return ExercisePage(page_id, level.slug, "", source, ()), problems
    title = ""
    heading_at: dict[int, str] = {}
    for n, depth, heading in _headings(text):
        if depth == 1 and not title:
            title = heading
        heading_at[n] = heading
    if not title:
        problems.append(Problem(rel, None, None, "# heading", "the page has no '# ' title"))
    badge = _BADGE.search(text)
    if badge is None or badge.group(0) != level.badge_markup:
        line = text[: badge.start()].count("\n") + 1 if badge else None
        problems.append(
            Problem(
                rel,
                line,
                None,
                "badge",
                f"expected the level badge {level.badge_markup}, found "
                f"{badge.group(0) if badge else 'none'}",
            )
        )
    practised = _PRACTISES.search(text)
    checkpoint = source.stem == CHECKPOINT
    calls = [(text[: m.start()].count("\n") + 1, m.group(1)) for m in EXERCISE_CALL.finditer(text)]
    if not calls:
        problems.append(Problem(rel, None, None, "exercise", 'no exercise("….yaml") call found'))
    exercises: list[Exercise] = []
    for line, name in calls:
        rubric_path = (source.parent / name).resolve()
        heading = ""
        for n in range(line, 0, -1):
            if n in heading_at:
                heading = heading_at[n]
                break
        try:
            key = key_for(rubric_path)
        except ValueError as exc:
            problems.append(Problem(rel, line, None, "exercise", str(exc)))
            continue
        try:
            data = load_yaml(rubric_path.read_text(encoding="utf-8"), str(rubric_path)).data
        except FileNotFoundError:
            problems.append(
                Problem(rel, line, None, "exercise", f"names {name}, which does not exist")
            )
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(_rel(rubric_path, root), None, None, "", f"cannot read: {exc}"))
            continue
        except RubricError as exc:
            problems += exc.problems
            continue
        if not isinstance(data, dict):
            problems.append(Problem(_rel(rubric_path, root), 1, None, "", "expected a mapping"))
            continue
        kind = data.get("kind") if data.get("kind") in RUBRIC_KINDS else "reply"
        rubric_title = str(data.get("title") or "")
        rubric_rel = _rel(rubric_path, root)
        if data.get("level") not in (None, level.slug):
            problems.append(
                Problem(
                    rubric_rel,
                    None,
                    None,
                    "level",
                    f"is {data.get('level')!r}, but the rubric sits in exercises/{level.slug}/; "
                    f"expected {level.slug!r} (or leave it out: the folder says it)",
                )
            )
        if rubric_path.parent != source.parent:
            problems.append(
                Problem(rel, line, None, "exercise", f"{name}: expected a rubric beside its page")
            )
        compare = heading if checkpoint or len(calls) > 1 else title
        if compare and rubric_title and not _same_title(compare, rubric_title):
            problems.append(
                Problem(
                    rubric_rel,
                    None,
                    None,
                    "title",
                    f"{rubric_title!r} differs from its heading on {rel} ({compare!r}); "
                    "expected the same words, so the learner sees one name",
                )
            )
        lesson = str(data.get("lesson") or "")
        if not checkpoint and practised and lesson_docname(lesson) != practised.group(1):
            problems.append(
                Problem(
                    rel,
                    None,
                    None,
                    "practises",
                    f"links to {practised.group(1)}, but {rubric_rel} says lesson: {lesson}; "
                    "expected the same lesson",
                )
            )
        exercises.append(
            Exercise(
                key=key,
                page=page_id,
                level=level.slug,
                rubric_id=str(data.get("id") or ""),
                title=rubric_title,
                heading=heading,
                kind=kind,
                lesson=lesson_docname(lesson) or "",
                rubric_path=rubric_path,
                checkpoint=checkpoint,
                line=line,
            )
        )
    return ExercisePage(page_id, level.slug, title, source, tuple(exercises)), problems


# --- _toc.yml, written from the course -----------------------------------------------------------


def toc(course: Course) -> str:
    """``_toc.yml`` for Jupyter Book, written from the course (the only writer)."""
    out = [
        "# Written from course.yml by `python -m skischool course toc --write`: do not edit.",
        "# Jupyter Book 1.x (sphinx-external-toc). With `only_build_toc_files: true`, a page not",
        "# listed here is not built; each level globs its own folders, so a new lesson or",
        "# exercise page joins the book by its name.",
        "format: jb-book",
        f"root: {course.root_page}",
        "parts:",
    ]
    if course.start:
        out += ["  - caption: Start here", "    chapters:"]
        out += [f"      - file: {d}" for d in course.start]
    for level in course.levels:
        out += [
            f"  - caption: {level.label}",
            "    chapters:",
            f"      - file: {level.index}",
            "        sections:",
            f"          - glob: lessons/{level.slug}/[0-9]*",
            f"          - glob: exercises/{level.slug}/[0-9]*",
            f"          - file: exercises/{level.slug}/{CHECKPOINT}",
        ]
    for caption, docnames in (
        ("The finish line", course.finish),
        ("For instructors", course.instructors),
        ("Reference", course.reference),
    ):
        if docnames:
            out += [f"  - caption: {caption}", "    chapters:"]
            out += [f"      - file: {d}" for d in docnames]
    return "\n".join(out) + "\n"


# --- where the course is, and whether a lesson: names a page it builds ---------------------------


def course_root(start: str | Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``course.yml``, or None.

    The packaged situation rubrics (``src/skischool/rubrics``) find the repository root this
    way; an installed copy stops at ``site-packages`` and finds none.
    """
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if folder.name in _INSTALLED:
            return None
        if (folder / COURSE_FILE).is_file():
            return folder
    return None


def toc_docnames(root: Path) -> frozenset[str] | None:
    """Every docname the course at ``root`` builds, or None when it cannot be read."""
    try:
        mtime = (root / COURSE_FILE).stat().st_mtime_ns
    except OSError:
        return None
    return _docnames(str(root), mtime)


@lru_cache(maxsize=8)
def _docnames(root: str, _mtime: int) -> frozenset[str] | None:
    try:
        import yaml  # noqa: F401
    except ImportError:  # the browser: no PyYAML, and no course on disk either
        return None
    try:
        return frozenset(Course.load(root).docnames())
    except (CourseError, OSError):
        return None


def lesson_problem(value: str, root: Path) -> str | None:
    """Why ``value`` is not a page the course at ``root`` builds, or None when it is.

    The message says what was expected and names the closest existing lesson, so a typo or a
    renamed lesson is fixed without searching the folders.
    """
    docname = lesson_docname(value)
    if docname is None:
        return None  # the loader already reports a value of the wrong shape
    listed = toc_docnames(root)
    exists = any((root / f"{docname}{s}").is_file() for s in PAGE_SUFFIXES)
    if not exists:
        hint = _closest(docname, root, listed)
        return (
            f"'{value}' names no lesson: there is no {docname}.md in the course at {root}; "
            f"expected an existing lesson{hint}"
        )
    if listed is not None and docname not in listed:
        return (
            f"'{value}' is not a page of the course ({COURSE_FILE} and the level folders), so "
            f"the book does not build it (only_build_toc_files) and the link would 404; "
            "expected a lesson of a level: lessons/<level>/index or lessons/<level>/NN-slug"
        )
    return None


def _closest(docname: str, root: Path, listed: frozenset[str] | None) -> str:
    """The existing page most like ``docname``: by its slug first (a renumbered or misspelt
    lesson), then by the whole path (the level folder)."""
    candidates = sorted(listed) if listed else _lesson_files(root)
    top = docname.split("/", 1)[0]
    candidates = [c for c in candidates if c.split("/", 1)[0] == top] or candidates
    if not candidates:
        return ""
    want = _slug(docname)

    def likeness(c: str) -> tuple[float, float]:
        by_slug = difflib.SequenceMatcher(None, want, _slug(c)).ratio()
        return by_slug, difflib.SequenceMatcher(None, docname, c).ratio()

    return f" (the closest is '{max(candidates, key=likeness)}')"


def _slug(docname: str) -> str:
    """``lessons/x/04-safe-to-fall`` -> ``safe-to-fall``: the part an author remembers."""
    return re.sub(r"^[0-9]+-", "", docname.rsplit("/", 1)[-1])


def _lesson_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).with_suffix("").as_posix() for p in root.glob("lessons/**/*.md")
    )


__all__ = [
    "COURSE_FILE",
    "KEY_RE",
    "TOC",
    "Course",
    "CourseError",
    "Exercise",
    "ExercisePage",
    "Lesson",
    "Level",
    "bare_title",
    "course_root",
    "key_for",
    "lesson_problem",
    "load",
    "page_for",
    "toc",
    "toc_docnames",
]
