"""The gradebook as CSV: one for any spreadsheet, one in Canvas's gradebook-import layout.

Every cell that holds learner text is made safe for a spreadsheet: control characters and line
breaks become spaces, and a cell starting with ``=``, ``+``, ``-`` or ``@`` is prefixed with
``'`` so no spreadsheet runs it as a formula (CSV injection).

The Canvas layout follows Canvas's own importer (``app/models/gradebook_importer.rb`` in
instructure/canvas-lms): a header row ``Student, ID, SIS User ID, SIS Login ID, Section`` then
one column per assignment; a second row whose first cell is ``Points Possible``; a column whose
title matches no assignment creates one. A student with no ID is matched by name, so the
``Student`` cell is the learner's name as handed in. Totals are left out of it: Canvas would
read a "Total" column as one more assignment.
"""

from __future__ import annotations

import csv
import io
import re

from .roster import Roster

POINTS_POSSIBLE = "Points Possible"
CANVAS_HEAD = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: Points an exercise is worth in the gradebook: its best score, 0 to 100.
POINTS = 100
_FORMULA = ("=", "+", "-", "@")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
MAX_CELL = 200


def safe_cell(value: object) -> str:
    """A text cell no spreadsheet will run or split: see the module docstring."""
    text = " ".join(_UNSAFE.sub(" ", str(value)).split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return "'" + text if text.startswith(_FORMULA) else text


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def gradebook_csv(r: Roster) -> str:
    """Learner, one column per exercise key (best score, blank if not tried), then totals."""
    keys = [ex.key for ex in r.course.exercises()]
    levels = len(r.course.levels)
    rows = [
        ["Learner", *keys, "Total", "Exercises passed", "Levels done"],
        [
            POINTS_POSSIBLE,
            *(str(POINTS) for _ in keys),
            str(POINTS * len(keys)),
            str(len(keys)),
            str(levels),
        ],
    ]
    for learner in r.learners:
        st = learner.standing
        exercises = st.exercises
        rows.append(
            [
                safe_cell(learner.name),
                *("" if e.best is None else str(e.best) for e in exercises),
                str(sum(e.best or 0 for e in exercises)),
                str(sum(e.passed for e in exercises)),
                str(st.levels_done),
            ]
        )
    return _csv(rows)


def canvas_csv(r: Roster) -> str:
    """Canvas's gradebook-import layout (see the module docstring)."""
    keys = [ex.key for ex in r.course.exercises()]
    blank = [""] * (len(CANVAS_HEAD) - 1)
    rows = [
        [*CANVAS_HEAD, *keys],
        [POINTS_POSSIBLE, *blank, *(str(POINTS) for _ in keys)],
    ]
    for learner in r.learners:
        scores = ("" if e.best is None else str(e.best) for e in learner.standing.exercises)
        rows.append([safe_cell(learner.name), *blank, *scores])
    return _csv(rows)


__all__ = ["CANVAS_HEAD", "POINTS", "POINTS_POSSIBLE", "canvas_csv", "gradebook_csv", "safe_cell"]
