"""Grade a learner's handed-in work: answers written in notebooks, and progress files.

Nothing a learner wrote is trusted or run:

* a notebook's ``answer(...)`` calls are read as text (:mod:`.calls`) and judged by the engine;
* a progress file is editable JSON, so its stored verdicts are ignored: each exercise's saved
  answers are judged again against its rubric (each distinct answer once, at most
  :data:`MAX_RECHECKS`, those the file scores best first), and the best new verdict counts.

Each exercise gets one :class:`Outcome` (its best answer across every file), and the
:class:`Report` says which exercises were required (``--require``) and whether they passed.
Anything that cannot be graded becomes an :class:`Issue` naming the file and the cell; it
never stops the rest of the work from being graded.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..course import Course, Exercise
from ..progress import Attempt
from ..result import Result
from .calls import Ungradable, calls, names, parse
from .notebooks import NotebookError, is_myst_notebook, myst_cells, read_cells, read_text
from .resolve import RubricNotFound, Target, display_path, resolve, shown

#: What ``--require`` may ask for.
REQUIRE = ("attempted", "checkpoints", "all")
NOTEBOOK_SUFFIXES = (".ipynb", ".md")
PROGRESS_SUFFIX = ".json"
#: A .json found in a folder is read as a progress file only when it says it is one.
_PROGRESS_MARK = "skischool-progress"
#: Saved answers judged again per exercise of a progress file (each distinct answer once).
MAX_RECHECKS = 20
_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "_build", "site-packages"})


class GradeUsageError(Exception):
    """The command cannot run as asked (a PATH that does not exist); exit status 2."""


@dataclass(frozen=True)
class Issue:
    """Something that could not be graded: a file, a cell, a call. Counts as a failure."""

    file: str
    where: str
    message: str
    key: str = ""  # the exercise, when it is known

    def __str__(self) -> str:
        where = f", {self.where}" if self.where else ""
        key = f" ({self.key})" if self.key and self.key not in self.message else ""
        return f"{self.file}{where}{key}: {self.message}"


@dataclass(frozen=True)
class Graded:
    """One answer, judged: where it was written and what the engine said."""

    file: str
    where: str
    result: Result
    seconds: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """One exercise: its best graded answer, or None when it was required but not answered."""

    key: str
    title: str
    page: str  # the exercise page id; "" for a rubric the course does not have
    level: str
    checkpoint: bool
    best: Graded | None = None
    answers: int = 0  # answers to it that were graded
    required_by: str = ""  # "checkpoints" or "all" when required without being answered

    @property
    def status(self) -> str:
        if self.best is None:
            return "missing"
        return "passed" if self.best.result.passed else "failed"

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class Report:
    """Everything ``skischool grade`` found, in course order."""

    require: str
    outcomes: tuple[Outcome, ...]
    issues: tuple[Issue, ...] = ()
    notes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def graded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.best is not None]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def missing(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "missing"]

    @property
    def ok(self) -> bool:
        """Every required exercise passed, and every answer could be graded."""
        return not (self.failed or self.missing or self.issues)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


@dataclass
class _Work:
    """What is gathered while reading files: graded answers by exercise, and issues."""

    course: Course | None
    graded: dict[str, list[Graded]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rubrics: dict[Path, Any] = field(default_factory=dict)  # a rubric, or why it cannot load

    def rubric(self, target: Target) -> Any:
        """The loaded rubric (each file loaded once); ValueError with a clear message."""
        if target.path not in self.rubrics:
            self.rubrics[target.path] = _load(target.path)
        found = self.rubrics[target.path]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def judge(
        self,
        target: Target,
        response: str | Sequence[str] | Mapping[str, object],
        file: str,
        where: str,
    ) -> None:
        """Judge one answer and keep it under its exercise; an issue if it cannot be."""
        try:
            rubric = self.rubric(target)
        except ValueError as exc:
            self.issues.append(Issue(file, where, str(exc), target.key))
            return
        if rubric.kind == "reply" and not isinstance(response, str):
            self.issues.append(
                Issue(
                    file,
                    where,
                    f"{target.key} is a reply exercise: write your reply as text in quotes, "
                    "not as a list",
                    target.key,
                )
            )
            return
        started = time.perf_counter()
        if rubric.kind == "choice" and not isinstance(response, str):
            # On a checkpoint, a failed multi-select must not name the missed options.
            on_checkpoint = target.exercise is not None and target.exercise.checkpoint
            result = rubric.check(list(response), checkpoint=on_checkpoint)
        elif rubric.kind == "conversation" and not isinstance(response, str):
            result = rubric.check(list(response))
        else:  # a reply; a choice, conversation or triage saved as text; a triage's sorting
            result = rubric.check(response)
        seconds = time.perf_counter() - started
        self.titles.setdefault(target.key, rubric.title)
        self.graded.setdefault(target.key, []).append(Graded(file, where, result, seconds))


def _load(path: Path) -> Any:
    """The rubric at ``path``, or a message saying why it cannot be used."""
    from ..errors import RubricError
    from ..loader import load_rubric

    shown_as = display_path(path)
    try:
        return load_rubric(path, require_examples=False)
    except RubricError as exc:
        first = exc.problems[0] if exc.problems else "unreadable"
        return (
            f"the rubric {shown_as} cannot be loaded ({first}); run: skischool validate {shown_as}"
        )
    except (OSError, ImportError) as exc:
        return f"the rubric {shown_as} cannot be read ({exc})"


# --- finding the files -------------------------------------------------------------------------


def collect(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str, bool]], list[str]]:
    """Files to grade as (path, name to show, named on the command line), each once, in order;
    and notes about folders with nothing in them."""
    found: list[tuple[Path, str, bool]] = []
    notes: list[str] = []
    seen: set[Path] = set()

    def add(path: Path, named: bool) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append((path, display_path(path), named))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            before = len(found)
            for file in _walk(path):
                add(file, False)
            if len(found) == before:
                notes.append(
                    f"{display_path(path)}: no notebooks (.ipynb, MyST .md) or progress files (.json)"
                )
        elif path.is_file():
            if path.suffix.lower() not in (*NOTEBOOK_SUFFIXES, PROGRESS_SUFFIX):
                raise GradeUsageError(
                    f"{display_path(path)}: expected a notebook (.ipynb or MyST .md), a progress "
                    "file (.json) or a folder of them"
                )
            add(path, True)
        elif path.exists():
            raise GradeUsageError(f"{display_path(path)}: is not a file or a folder")
        else:
            raise GradeUsageError(f"{display_path(path)}: no such file or folder")
    return found, notes


def _walk(folder: Path) -> list[Path]:
    """Notebooks and progress files under ``folder``, sorted; hidden and build folders skipped
    (``.ipynb_checkpoints`` holds stale copies of every notebook)."""
    out = []
    for here, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.startswith("."):
                continue
            suffix = Path(name).suffix.lower()
            if suffix in NOTEBOOK_SUFFIXES or suffix == PROGRESS_SUFFIX:
                out.append(Path(here) / name)
    return out


# --- reading notebooks -------------------------------------------------------------------------


def grade_notebook(work: _Work, path: Path, shown_as: str, named: bool) -> None:
    try:
        if path.suffix.lower() == ".md":
            text = read_text(path, shown_as)
            if not is_myst_notebook(text):
                if named:
                    work.notes.append(f"{shown_as}: has no code cells (not a MyST notebook)")
                return
            cells = myst_cells(text)
        else:
            cells = read_cells(path, shown_as)
    except NotebookError as exc:
        work.issues.append(Issue(shown_as, "", str(exc).removeprefix(f"{shown_as}: ")))
        return
    trees = []
    for cell in cells:
        tree = parse(cell.code)
        if isinstance(tree, Ungradable):
            work.issues.append(
                Issue(shown_as, cell.where(tree.line), f"not gradable: {tree.reason}")
            )
        trees.append(tree)
    funcs, modules = names(t for t in trees if t is not None and not isinstance(t, Ungradable))
    folder = path.resolve().parent
    for cell, tree in zip(cells, trees, strict=True):
        if tree is None or isinstance(tree, Ungradable):
            continue
        for found in calls(tree, funcs, modules):
            where = cell.where(found.line)
            if isinstance(found, Ungradable):
                key = _quiet_key(found.rubric, folder, work.course)
                work.issues.append(Issue(shown_as, where, f"not gradable: {found.reason}", key))
                continue
            try:
                target = resolve(found.rubric, folder, work.course, page=found.page)
            except RubricNotFound as exc:
                work.issues.append(Issue(shown_as, where, str(exc)))
                continue
            work.judge(target, found.response, shown_as, where)


def _quiet_key(rubric: str, folder: Path, course: Course | None) -> str:
    """The exercise an ungradable call was for, when it can be told; "" otherwise."""
    if not rubric:
        return ""
    try:
        return resolve(rubric, folder, course).key
    except RubricNotFound:
        return ""


# --- reading progress files --------------------------------------------------------------------


def grade_progress(work: _Work, path: Path, shown_as: str, named: bool) -> None:
    from ..progress import ProgressStoreError, read_export

    try:
        text = read_text(path, shown_as, what="a progress file")
    except NotebookError as exc:
        work.issues.append(Issue(shown_as, "", str(exc).removeprefix(f"{shown_as}: ")))
        return
    if not named and _PROGRESS_MARK not in text[:65536]:
        return  # some other JSON kept in the folder (settings, data): not the learner's answers
    try:
        export = read_export(text, source=shown_as)
    except ProgressStoreError as exc:
        work.issues.append(Issue(shown_as, "", str(exc).removeprefix(f"{shown_as}: ")))
        return
    course = work.course
    if course is None:
        work.issues.append(
            Issue(
                shown_as,
                "",
                "a progress file is graded against the course's rubrics, and no course "
                "(course.yml) was found; run from the course folder or give --course",
            )
        )
        return
    if export.course and export.course != course.id:
        work.notes.append(
            f"{shown_as}: was saved by the course {shown(export.course)}; graded against "
            f"{course.id} (only exercises both share are graded)"
        )
    elif export.release and export.release != course.release:
        work.notes.append(
            f"{shown_as}: was saved with release {shown(export.release)}; graded against the "
            f"rubrics of release {course.release}"
        )
    learners = {a.learner for a in export.attempts if a.learner}
    if len(learners) > 1:
        work.notes.append(
            f"{shown_as}: holds the attempts of {len(learners)} learners, graded together as "
            "one; grade one learner's file at a time to see each learner's results"
        )
    by_key: dict[str, list[Attempt]] = {}
    unknown, seen = 0, set()
    for attempt in export.attempts:
        if attempt.id in seen:  # the same attempt twice (a merged file): counted once
            continue
        seen.add(attempt.id)
        found = course.for_attempt(attempt.exercise, attempt.page)
        if found is None:
            unknown += 1
        else:
            by_key.setdefault(found.key, []).append(attempt)
    if unknown:
        work.notes.append(
            f"{shown_as}: {unknown} attempt{'s' * (unknown != 1)} at exercises this course does "
            "not have were not graded"
        )
    for ex in course.exercises():
        if ex.key in by_key:
            target = Target(ex.rubric_path or Path(ex.key), ex.key, ex)
            for attempt in _candidates(by_key[ex.key]):
                response: str | list[str] = attempt.answer
                if ex.kind == "choice":
                    response = [part for part in attempt.answer.split(",") if part]
                stamp = attempt.time[:16].replace("T", " ")
                work.judge(target, response, shown_as, f"saved attempt of {stamp} UTC")


def _candidates(attempts: list[Attempt]) -> list[Attempt]:
    """The saved answers to judge again: each distinct answer once, those the file scores best
    first, at most :data:`MAX_RECHECKS` (the file's scores only choose the order: they may have
    been edited, or made with an older rubric)."""
    out: list[Attempt] = []
    answers: set[str] = set()
    for attempt in sorted(attempts, key=lambda a: (a.score, a.time), reverse=True):
        if attempt.answer not in answers:
            answers.add(attempt.answer)
            out.append(attempt)
    return out[:MAX_RECHECKS]


# --- the whole run -----------------------------------------------------------------------------


def grade(
    paths: Iterable[str | Path], *, course: Course | None = None, require: str = "attempted"
) -> Report:
    """Grade every notebook and progress file under ``paths`` against ``course``."""
    if require not in REQUIRE:
        raise GradeUsageError(f"--require {require}: expected one of {', '.join(REQUIRE)}")
    if require != "attempted" and course is None:
        raise GradeUsageError(
            f"--require {require} needs the course (course.yml): run from the course folder "
            "or give --course"
        )
    files, notes = collect(paths)
    work = _Work(course, notes=notes)
    for path, shown_as, named in files:
        if path.suffix.lower() == PROGRESS_SUFFIX:
            grade_progress(work, path, shown_as, named)
        else:
            grade_notebook(work, path, shown_as, named)
    return Report(
        require,
        tuple(_outcomes(work, require)),
        tuple(work.issues),
        tuple(work.notes),
        tuple(shown_as for _, shown_as, _ in files),
    )


def _best(graded: list[Graded]) -> Graded:
    """The answer that counts: a pass over a fail, then the higher score, then the first."""
    return max(graded, key=lambda g: (g.result.passed, g.result.score))


def _outcomes(work: _Work, require: str) -> list[Outcome]:
    course = work.course
    wanted: dict[str, str] = {}
    if course is not None and require != "attempted":
        for ex in course.checkpoints() if require == "checkpoints" else course.exercises():
            wanted[ex.key] = require
    out = []
    order: list[Exercise] = list(course.exercises()) if course is not None else []
    for ex in order:
        answers = work.graded.get(ex.key, [])
        if not answers and ex.key not in wanted:
            continue
        out.append(
            Outcome(
                ex.key,
                ex.title,
                ex.page,
                ex.level,
                ex.checkpoint,
                _best(answers) if answers else None,
                len(answers),
                "" if answers else wanted[ex.key],
            )
        )
    known = {ex.key for ex in order}
    for key in sorted(k for k in work.graded if k not in known):
        answers = work.graded[key]
        out.append(
            Outcome(key, work.titles.get(key, key), "", "", False, _best(answers), len(answers))
        )
    return out


__all__ = [
    "REQUIRE",
    "GradeUsageError",
    "Graded",
    "Issue",
    "Outcome",
    "Report",
    "collect",
    "grade",
]
