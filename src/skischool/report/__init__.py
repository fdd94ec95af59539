"""The class report: a folder of handed-in progress files -> an HTML report and gradebooks.

One module per job: :mod:`.collect` reads the folder (and names every file it cannot count),
:mod:`.roster` groups attempts by learner and folds them with :mod:`skischool.standing`,
:mod:`.analysis` computes the figures, :mod:`.recheck` re-checks a sample of failed replies to
find the criteria missed most, :mod:`.anonymise` makes quoted replies safe to show,
:mod:`.svg` draws the charts, :mod:`.html` and :mod:`.gradebook` write the files, and
:mod:`.build` runs them in order. ``skischool report FOLDER`` is the command.
"""

from __future__ import annotations

from .build import CANVAS, GRADEBOOK, HTML, Report, build, texts

__all__ = ["CANVAS", "GRADEBOOK", "HTML", "Report", "build", "texts"]
