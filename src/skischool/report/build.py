"""From a folder of progress files to the report's figures, and to the files it writes.

:func:`build` runs the steps in order (collect, roster, figures, re-checks) and returns a
:class:`Report` holding everything the page, the gradebooks and the terminal summary show, so
each is written from the same figures. :func:`texts` renders the three files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..course import Course
from . import analysis as an
from .collect import MAX_BYTES, collect
from .recheck import SAMPLE, TOP, Recheck, recheck
from .roster import Learner, Roster, roster

HTML, GRADEBOOK, CANVAS = "report.html", "gradebook.csv", "gradebook-canvas.csv"


@dataclass
class Report:
    course: Course
    folder: Path
    roster: Roster
    rates: list[an.ExerciseRate]
    overall: tuple[int, int]  # (passed, tried)
    bins: dict[str, list[int]]
    grid: list[tuple[Learner, list[an.LevelCell]]]
    items: list[an.Item]
    recheck: Recheck
    made: datetime
    sample: int = SAMPLE
    top: int = TOP
    hide_names: bool = False


def build(
    folder: Path,
    course: Course,
    *,
    ignore: tuple[Path, ...] = (),
    rubric_dir: Path | None = None,
    sample: int = SAMPLE,
    top: int = TOP,
    hide_names: bool = False,
    max_bytes: int = MAX_BYTES,
    now: datetime | None = None,
) -> Report:
    """Every figure of the report for the progress files in ``folder``."""
    r = roster(collect(folder, course, ignore=ignore, max_bytes=max_bytes), course)
    rates = an.exercise_rates(r)
    return Report(
        course=course,
        folder=folder,
        roster=r,
        rates=rates,
        overall=an.overall(rates),
        bins=an.score_bins(r),
        grid=an.progress_grid(r),
        items=an.item_analysis(r),
        recheck=recheck(r, sample=sample, rubric_dir=rubric_dir, top=top),
        made=now or datetime.now(timezone.utc),
        sample=sample,
        top=top,
        hide_names=hide_names,
    )


def texts(report: Report) -> dict[str, str]:
    """The files the report writes, by name. ``gradebook.csv`` starts with a byte-order mark so
    spreadsheet programs read its names as UTF-8; Canvas's file does not need one."""
    from .gradebook import canvas_csv, gradebook_csv
    from .html import render

    return {
        HTML: render(report),
        GRADEBOOK: "\ufeff" + gradebook_csv(report.roster),
        CANVAS: canvas_csv(report.roster),
    }


__all__ = ["CANVAS", "GRADEBOOK", "HTML", "Report", "build", "texts"]
