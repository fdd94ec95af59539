"""The ski pass: what a learner earns by passing the checkpoint of every level.

Three pieces, each with one job:

* :mod:`.svg` draws the pass as a card (a self-contained SVG, no fonts or images fetched);
* :mod:`.badge` writes it as an Open Badges 3.0 ``OpenBadgeCredential`` (JSON), whose criteria
  list every checkpoint from the course model;
* :mod:`.signing` signs that credential as a VC-JWT, only where a signing library
  (``cryptography``) is installed and an organisation gives its own key.

Whether the pass is earned, and when, is decided by :mod:`skischool.standing` alone; this
package only presents it. :func:`missing` says what is still to do, checkpoint by checkpoint.
"""

from __future__ import annotations

from ..standing import ExerciseStanding, LevelStanding, Standing


def missing(standing: Standing) -> list[tuple[LevelStanding, list[ExerciseStanding]]]:
    """Each level whose checkpoint is not done yet, with its checkpoint exercises not passed."""
    return [
        (level, [e for e in level.checkpoint if not e.passed])
        for level in standing.levels
        if not level.done
    ]


__all__ = ["missing"]
