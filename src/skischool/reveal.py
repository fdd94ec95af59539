"""When a learner may see an exercise's model reply: one rule for every surface.

A model reply shown after any first attempt turns practice into copying: type anything, press
Check, read the answer. So it is earned, by a pass or by real effort (a few attempts), and in a
checkpoint, which tests what stuck, by a pass alone. The notebook widget and the book page's
worker both ask this module, so the rule cannot drift between them. Pure Python (Pyodide too).
"""

from __future__ import annotations

from .course import CHECKPOINT

#: Attempts after which the model reply opens without a pass (never in a checkpoint).
ATTEMPTS_TO_UNLOCK = 3

__all__ = [
    "ATTEMPTS_TO_UNLOCK",
    "MODEL_BUTTONS",
    "MODEL_HEADS",
    "MODEL_NAMES",
    "is_checkpoint",
    "model_unlocked",
    "model_wait",
]


def is_checkpoint(page: str) -> bool:
    """Whether an exercise page id (``green-circle/checkpoint``) is a level's checkpoint."""
    return isinstance(page, str) and page.endswith("/" + CHECKPOINT)


def model_unlocked(attempts: int, passed: bool, checkpoint: bool) -> bool:
    """Whether the model reply may be shown, given the attempts so far and any pass among them."""
    if passed:
        return True
    if checkpoint:
        return False
    return max(0, attempts) >= ATTEMPTS_TO_UNLOCK


def model_wait(
    attempts: int, passed: bool, checkpoint: bool, what: str = "One reply that works appears"
) -> str:
    """What the learner reads instead of the model reply while it is locked ("" once open).

    ``what`` names the model for the exercise kind, with its verb ("One way to sort it
    appears" for a triage)."""
    if model_unlocked(attempts, passed, checkpoint):
        return ""
    if checkpoint:
        return f"{what} after you pass this checkpoint question."
    left = ATTEMPTS_TO_UNLOCK - max(0, attempts)
    return f"{what} after you pass, or after {ATTEMPTS_TO_UNLOCK} attempts ({left} to go)."


#: What each kind calls its model answer, with its verb, in the "... after you pass" line.
MODEL_NAMES = {
    "reply": "One reply that works appears",
    "choice": "One reply that works appears",
    "conversation": "Replies that work appear",
    "triage": "One way to sort it appears",
}

#: The button that shows the model answer, by kind (the widgets and the book page alike).
MODEL_BUTTONS = {
    "reply": "Show a model reply",
    "choice": "Show a model reply",
    "conversation": "Show model replies",
    "triage": "Show the sorted queue",
}
#: The model answer's heading, by kind: the words in bold, then the rest of the line.
MODEL_HEADS = {
    "reply": ("One reply that works", ""),
    "choice": ("One reply that works", ""),
    "conversation": ("Replies that work", ", on the path where each one owned it"),
    "triage": ("One way to sort it", ", with why"),
}
