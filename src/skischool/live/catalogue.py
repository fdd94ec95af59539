"""The list of exercise pages the live practice room can open, read from ``catalogue.json``.

Why a file: the book's exercise pages are MyST sources that only the build can read; the build
(``scripts/build_lite.py``) writes this small JSON index beside the compiled rubrics, and the
browser, which has neither the sources nor PyYAML, reads only that.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CATALOGUE_FORMAT", "CATALOGUE_NAME", "Catalogue", "CatalogueError", "LiveExercise"]

CATALOGUE_NAME = "catalogue.json"
CATALOGUE_FORMAT = "skischool-live-catalogue"
#: ``<level>/<page>``: what the "Practise live" button puts after ``#``; checked strictly
#: because it arrives from a URL.
ID_RE = re.compile(r"^[a-z][a-z-]*/[0-9a-z][0-9a-z-]*$")


class CatalogueError(ValueError):
    """The catalogue is missing or malformed; the message names the file and the field."""


@dataclass(frozen=True)
class LiveExercise:
    """One exercise page of the book, as the practice room shows it."""

    id: str  # "green-circle/03-spot-the-outsider"
    title: str  # the page's heading
    level: str  # "Level 2 · Green Circle"
    rubrics: tuple[str, ...]  # compiled rubric files, relative to the catalogue's folder


@dataclass(frozen=True)
class Catalogue:
    """Exercise pages in course order, and the folder their rubric paths are relative to."""

    exercises: tuple[LiveExercise, ...]
    root: Path

    @classmethod
    def load(cls, path: str | Path) -> Catalogue:
        path = Path(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CatalogueError(f"{path}: cannot read the exercise catalogue ({exc})") from None
        except ValueError as exc:
            raise CatalogueError(f"{path}: is not JSON ({exc})") from None
        if not isinstance(document, dict) or document.get("format") != CATALOGUE_FORMAT:
            raise CatalogueError(f'{path}: expected an object with "format": "{CATALOGUE_FORMAT}"')
        entries = document.get("exercises")
        if not isinstance(entries, list) or not entries:
            raise CatalogueError(f'{path}: field "exercises" must be a non-empty list')
        exercises = [_entry(path, i, e) for i, e in enumerate(entries)]
        ids = [e.id for e in exercises]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise CatalogueError(f"{path}: exercise id {dup!r} appears twice")
        return cls(tuple(exercises), path.parent)

    def get(self, exercise_id: str) -> LiveExercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)

    def index(self, exercise_id: str) -> int:
        return next(i for i, e in enumerate(self.exercises) if e.id == exercise_id)

    def rubric_paths(self, exercise: LiveExercise) -> list[Path]:
        return [self.root / r for r in exercise.rubrics]


def _entry(path: Path, i: int, entry: object) -> LiveExercise:
    where = f"{path}: exercises[{i}]"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: must be an object")
    for name in ("id", "title", "level"):
        if not isinstance(entry.get(name), str) or not entry[name]:
            raise CatalogueError(f'{where}: field "{name}" must be a non-empty string')
    if not ID_RE.fullmatch(entry["id"]):
        raise CatalogueError(f"{where}: id {entry['id']!r} is not <level>/<page>")
    rubrics = entry.get("rubrics")
    if not isinstance(rubrics, list) or not rubrics or not all(isinstance(r, str) for r in rubrics):
        raise CatalogueError(f'{where}: field "rubrics" must be a non-empty list of paths')
    if any(r.startswith("/") or ".." in Path(r).parts for r in rubrics):
        raise CatalogueError(f'{where}: field "rubrics" must hold relative paths inside the site')
    return LiveExercise(entry["id"], entry["title"], entry["level"], tuple(rubrics))
