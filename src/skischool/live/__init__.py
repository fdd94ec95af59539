"""Live exercises: Python in the learner's browser (Pyodide), with no server.

Two forms of every exercise:

* on its book page (``page.py``): the build writes the exercise as HTML and the page's script
  runs this engine in a Web Worker; progress is kept by that script, in the browser;
* as a notebook in JupyterLite, one click from the page: ``from skischool.live import exercise``
  gives the ipywidget, saving attempts on JupyterLite's drive (``persist.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .persist import DOWNLOAD_NAME, MirroredStore, download_link_html

# Imported on first use: the book pages' worker imports skischool.live.page, and must not pull
# in persist.py's SQLite (which Pyodide does not load by default).
_LAZY = {"DOWNLOAD_NAME", "MirroredStore", "download_link_html"}
_stores: dict[Path, MirroredStore] = {}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import persist

        return getattr(persist, name)
    raise AttributeError(f"module 'skischool.live' has no attribute '{name}'")


__all__ = [
    "DOWNLOAD_NAME",
    "PROGRESS_FILE",
    "MirroredStore",
    "browser_store",
    "download_link_html",
    "exercise",
]

#: Where the browser keeps progress, relative to the JupyterLite drive (browser storage).
PROGRESS_FILE = "skischool-progress/progress.json"
#: Where JupyterLite's Pyodide kernel mounts that drive.
DRIVE = Path("/drive")


def browser_store(progress: str | Path | None = None) -> MirroredStore:
    """The one progress store of this Python for a mirror file (shared by every exercise).

    By default the mirror is on the JupyterLite drive, wherever the notebook is; outside the
    browser, ``PROGRESS_FILE`` relative to the working folder.
    """
    if progress is None:
        progress = DRIVE / PROGRESS_FILE if sys.platform == "emscripten" else Path(PROGRESS_FILE)
    from .persist import MirroredStore

    key = Path(progress).absolute()
    if key not in _stores:
        _stores[key] = MirroredStore(key)
    return _stores[key]


def exercise(
    rubric: Any, *, learner: str = "", progress: str | Path | None = None, page: str = ""
) -> Any:
    """Like :func:`skischool.exercise`, saving attempts on the JupyterLite drive.

    The JupyterLite notebooks use this, so attempts made there survive a reload. ``page`` is
    the exercise page the notebook stands for, recorded with every attempt.
    """
    from ..widgets import exercise as make

    if isinstance(rubric, (str, Path)) and str(rubric).endswith(".json"):
        # A rubric the live build compiled: the learner edition ships it without examples and
        # with its model reply sealed (seal.py), so it is opened here, not by load_rubric.
        from ..course import page_for
        from .seal import open_compiled

        page = page or page_for(rubric)
        rubric = open_compiled(rubric)
    return make(rubric, store=browser_store(progress), learner=learner, page=page)
