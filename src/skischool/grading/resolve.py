"""Which rubric an ``answer("….yaml", …)`` call means: beside the notebook, or in the course.

A learner keeps their work in a folder of their own (``work/green-circle/checkpoint.ipynb``),
not beside the course's rubrics, and ``checkpoint-q1.yaml`` exists in every level. So a name is
looked for, in order:

1. as a path from the notebook's folder (a notebook kept beside its page, or a full path);
2. in the course: a rubric with that file name in its level folder, the level taken from the
   name itself (``green-circle/checkpoint-q1.yaml``), from ``page="green-circle/checkpoint"``,
   or from a folder above the notebook named after a level; a name found in one level only
   needs none of these.

The notebook (``answer()``) and ``skischool grade`` both use :func:`resolve`, so a name that
works when the learner runs the cell is the name grading finds.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..course import KEY_RE, Course, Exercise, key_for

#: Suffixes a rubric file may have: YAML sources, or the compiled JSON of the live notebooks.
RUBRIC_SUFFIXES = (".yaml", ".yml", ".json")
_MAX_NAME = 300


class RubricNotFound(ValueError):
    """No rubric, or more than one, answers to the name; the message says what to write."""


@dataclass(frozen=True)
class Target:
    """The rubric an answer is judged with, and the course's exercise when it is one."""

    path: Path
    key: str  # the exercise's key; for a rubric the course lacks, its path
    exercise: Exercise | None = None


CourseSource = Course | None | Callable[[], Course | None]


def shown(written: str, limit: int = 80) -> str:
    """A learner's rubric name for a message: quoted and clipped (it may be anything)."""
    text = written if len(written) <= limit else written[: limit - 1] + "…"
    return f"'{text}'"


def resolve(written: str, folder: Path, course: CourseSource = None, *, page: str = "") -> Target:
    """The rubric ``written`` names, seen from a notebook in ``folder``; :class:`RubricNotFound`
    with a message that says what to write instead."""
    if not written.strip() or len(written) > _MAX_NAME or "\x00" in written:
        raise RubricNotFound(
            f"{shown(written)} is not a rubric file name; expected one such as 'checkpoint-q1.yaml'"
        )
    get = course if callable(course) else (lambda: course)
    beside = _beside(written, folder)
    if beside is not None:
        return _target(beside, get())
    model = get()
    if model is None:
        raise RubricNotFound(
            f"no rubric {shown(written)} beside the notebook (in {folder}), and no course "
            "(course.yml) above it to look in; expected the name of a rubric file"
        )
    return _from_course(written, folder, model, page)


def _beside(written: str, folder: Path) -> Path | None:
    candidate = Path(written).expanduser()
    if not candidate.is_absolute():
        candidate = folder / candidate
    try:
        if candidate.is_file() and candidate.suffix.lower() in RUBRIC_SUFFIXES:
            return candidate.resolve()
    except (OSError, ValueError):
        return None
    return None


def _target(path: Path, course: Course | None) -> Target:
    """A rubric file found on disk: the course's exercise when it is one of the course's."""
    if course is not None:
        try:
            key = key_for(path)
        except ValueError:
            key = ""
        exercise = _exercise(course, key)
        if exercise is not None:
            return Target(exercise.rubric_path or path, exercise.key, exercise)
    return Target(path, display_path(path))


def display_path(path: Path) -> str:
    """A file as a learner finds it: from the current folder when inside it, else in full."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def _exercise(course: Course, key: str) -> Exercise | None:
    if not KEY_RE.fullmatch(key):
        return None
    try:
        return course.exercise(key)
    except KeyError:
        return None


def _from_course(written: str, folder: Path, course: Course, page: str) -> Target:
    name = PurePosixPath(written.replace("\\", "/"))
    stem = name.stem if name.suffix.lower() in RUBRIC_SUFFIXES else name.name
    slugs = [level.slug for level in course.levels]
    level = _level_hint(name, _below(folder, course), slugs, page)
    everywhere = [ex for ex in course.exercises() if ex.key.split("/", 1)[1] == stem]
    matches = [ex for ex in everywhere if level is None or ex.level == level]
    if len(matches) == 1:
        ex = matches[0]
        return Target(ex.rubric_path or Path(written), ex.key, ex)
    if len(matches) > 1:
        levels = ", ".join(ex.level for ex in matches)
        raise RubricNotFound(
            f"{shown(written)} is a rubric in {len(matches)} levels ({levels}); say which: write "
            f"the level first, as in '{matches[0].level}/{name.name}', or keep the notebook in a folder named after "
            "its level"
        )
    if level is not None:
        in_level = sorted(ex.key.split("/", 1)[1] for ex in course.exercises(level))
        if not in_level:
            raise RubricNotFound(
                f"no rubric {shown(written)} in level {level}: it has no exercises"
            )
        hint = difflib.get_close_matches(stem, in_level, n=1)
        closest = f" (the closest is '{hint[0]}.yaml')" if hint else ""
        raise RubricNotFound(
            f"no rubric {shown(written)} beside the notebook or in level {level} of the "
            f"course{closest}; expected one of the level's rubric files, such as "
            f"'{in_level[0]}.yaml'"
        )
    stems = sorted({ex.key.split("/", 1)[1] for ex in course.exercises()})
    hint = difflib.get_close_matches(stem, stems, n=1)
    closest = f" (the closest is '{hint[0]}.yaml')" if hint else ""
    raise RubricNotFound(
        f"no rubric {shown(written)} beside the notebook (in {folder}) or in the course"
        f"{closest}; expected the file name of an exercise's rubric, such as "
        "'checkpoint-q1.yaml'"
    )


def _below(folder: Path, course: Course) -> tuple[str, ...]:
    """The notebook's folders below the course root (or its last three): where a level's name
    means the level, not a word in the path to someone's home folder."""
    try:
        here = folder.resolve()
        if course.root is not None:
            return here.relative_to(course.root.resolve()).parts
    except (OSError, ValueError):
        pass
    return folder.parts[-3:]


def _level_hint(
    name: PurePosixPath, folders: tuple[str, ...], slugs: list[str], page: str
) -> str | None:
    """The level an answer is for: named in the rubric's path, its page, or the notebook's folders."""
    if len(name.parts) >= 2 and name.parts[-2] in slugs:
        return name.parts[-2]
    head = page.split("/", 1)[0]
    if head in slugs:
        return head
    for part in reversed(folders):
        if part in slugs:
            return part
    return None


__all__ = ["RUBRIC_SUFFIXES", "RubricNotFound", "Target", "display_path", "resolve", "shown"]
