"""Grading handed-in work: answers written in notebooks, and progress files, checked in CI.

``skischool grade`` (:mod:`skischool.commands.grade`) is the command; this package is its logic:

* :mod:`.notebooks` reads a notebook's code cells as text (.ipynb or MyST .md);
* :mod:`.calls` finds ``answer("….yaml", …)`` calls in them with ``ast``, never running them;
* :mod:`.resolve` finds the rubric a call names (shared with :func:`skischool.answering.answer`);
* :mod:`.grader` judges every answer and decides what passed and what was required;
* :mod:`.outputs` writes the report for a terminal, a Markdown summary and JUnit XML.
"""

from __future__ import annotations

from .grader import REQUIRE, Graded, GradeUsageError, Issue, Outcome, Report, grade

__all__ = ["REQUIRE", "GradeUsageError", "Graded", "Issue", "Outcome", "Report", "grade"]
