"""Social Media Ski School's exercise engine.

Kept import-light on purpose: ``import skischool`` must be fast and must not pull in PyYAML or
ipywidgets, so the same code runs in the browser (Pyodide). Public names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load_rubric": ("loader", "load_rubric"),
    "rubric_from_dict": ("loader", "rubric_from_dict"),
    "load_situation": ("situations", "load_situation"),
    "SITUATIONS": ("loader", "SITUATIONS"),
    "RubricError": ("errors", "RubricError"),
    "Result": ("result", "Result"),
    "exercise": ("live.page", "exercise"),
    "check": ("api", "check"),
    "progress_view": ("standing_view", "progress_view"),
    "answer": ("answering", "answer"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .answering import answer
    from .api import check
    from .errors import RubricError
    from .live.page import exercise
    from .loader import SITUATIONS, load_rubric, rubric_from_dict
    from .result import Result
    from .situations import load_situation
    from .standing_view import progress_view


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skischool' has no attribute '{name}'")


__all__ = [
    "SITUATIONS",
    "Result",
    "RubricError",
    "__version__",
    "answer",
    "check",
    "exercise",
    "load_rubric",
    "load_situation",
    "progress_view",
    "rubric_from_dict",
]
