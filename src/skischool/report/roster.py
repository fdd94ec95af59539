"""Who is in the class and where each learner stands, from the files that were counted.

A learner is named by their attempts' ``learner`` field when it is set, else by the file's
name (``ana-lopez.json`` -> ``ana-lopez``); when a file names exactly one learner, its unnamed
attempts are theirs too (made before they gave their name). Two files naming the same learner are one learner.
Where a learner stands comes from :func:`skischool.standing.standing`, the one place that says
what "passed" and "done" mean. Attempts at exercises the course lacks are named per file and
left out; a file holding nothing else is not counted at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..course import Course
from ..progress import Attempt
from ..standing import Standing, standing
from ..textmatch import clip
from .collect import Collection, Skipped

#: A real name is short; a longer learner field is cut here (it is also how it is shown).
MAX_NAME = 100


@dataclass(frozen=True)
class Learner:
    name: str
    standing: Standing
    files: tuple[str, ...]
    attempts: tuple[Attempt, ...] = ()


@dataclass
class Roster:
    course: Course
    learners: list[Learner] = field(default_factory=list)
    #: Counted files.
    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    seen: int = 0


def roster(collection: Collection, course: Course) -> Roster:
    """Group the counted attempts by learner and fold each learner's into a standing."""
    groups: dict[str, list[Attempt]] = {}
    files_of: dict[str, list[str]] = {}
    source: dict[str, str] = {}
    for handed in collection.files:
        tidy = {raw: _name(raw) for raw in {a.learner for a in handed.attempts}}
        named = set(tidy.values()) - {""}
        # Attempts made before the learner gave their name belong to the one name the file has.
        default = next(iter(named)) if len(named) == 1 else _name(handed.stem)
        names = {name or default for name in tidy.values()} or {default}
        for name in names:
            groups.setdefault(name, [])
            files_of.setdefault(name, []).append(handed.name)
        for attempt in handed.attempts:
            groups[tidy[attempt.learner] or default].append(attempt)
            source[attempt.id] = handed.name
    standings = {
        name: standing(course, attempts, learner=name) for name, attempts in groups.items()
    }
    unknown: dict[str, dict[str, int]] = {}
    for st in standings.values():
        for attempt in st.unknown:
            where = unknown.setdefault(source[attempt.id], {})
            where[attempt.exercise] = where.get(attempt.exercise, 0) + 1
    totals = {h.name: len(h.attempts) for h in collection.files}
    empty = {name for name, found in unknown.items() if sum(found.values()) == totals.get(name, 0)}
    out = Roster(
        course,
        skipped=list(collection.skipped),
        notes=list(collection.notes),
        seen=collection.seen,
    )
    for name, found in sorted(unknown.items()):
        ids = ", ".join(sorted(found)[:5]) + (", …" if len(found) > 5 else "")
        n = sum(found.values())
        if name in empty:
            out.skipped.append(
                Skipped(
                    name,
                    f"none of its {n} attempts is at an exercise of {course.id} ({ids}); "
                    "is it from another course?",
                )
            )
        else:
            out.notes.append(
                Skipped(
                    name,
                    f"{n} attempt{'s' * (n != 1)} at exercises this course does not have "
                    f"({ids}) left out",
                )
            )
    out.files = [h.name for h in collection.files if h.name not in empty]
    for name in sorted(groups, key=lambda n: (n.casefold(), n)):
        files = tuple(f for f in files_of[name] if f not in empty)
        if not files:
            continue
        out.learners.append(Learner(name, standings[name], files, tuple(groups[name])))
        if len(files) > 1:
            out.notes.append(
                Skipped(", ".join(files), f"all name the learner {name!r}; counted as one learner")
            )
    out.skipped.sort(key=lambda s: s.name)
    out.notes.sort(key=lambda s: s.name)
    return out


def _name(raw: str) -> str:
    """A learner's name as the report uses it: spaces tidied, at most :data:`MAX_NAME` chars."""
    return clip(raw.strip(), MAX_NAME)


__all__ = ["MAX_NAME", "Learner", "Roster", "roster"]
