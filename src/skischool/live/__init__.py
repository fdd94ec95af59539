"""Live practice in the learner's browser (JupyterLite + Pyodide), opened by "Practise live".

The practice-room page runs, in a JupyterLite console::

    %pip install -q skischool ipywidgets
    from skischool.live import start
    start("green-circle/03-spot-the-outsider", session="…")

``start`` reads the exercise catalogue the build wrote into the site, keeps progress in the
browser (``persist.py``) and returns the :class:`PracticeRoom` widget, which the console shows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .catalogue import CATALOGUE_NAME, Catalogue, CatalogueError, LiveExercise
from .channel import connect
from .persist import DOWNLOAD_NAME, MirroredStore, download_link_html
from .room import PracticeRoom

_stores: dict[Path, MirroredStore] = {}

__all__ = [
    "CATALOGUE_NAME",
    "DOWNLOAD_NAME",
    "PROGRESS_FILE",
    "Catalogue",
    "CatalogueError",
    "LiveExercise",
    "MirroredStore",
    "PracticeRoom",
    "browser_store",
    "download_link_html",
    "exercise",
    "start",
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
    key = Path(progress).absolute()
    if key not in _stores:
        _stores[key] = MirroredStore(key)
    return _stores[key]


def exercise(rubric: Any, *, learner: str = "", progress: str | Path | None = None) -> Any:
    """Like :func:`skischool.exercise`, saving attempts where the practice room saves them.

    The lite site's notebooks use this, so a learner who prefers the notebook view keeps one
    progress file with the room.
    """
    from ..widgets import exercise as make

    return make(rubric, store=browser_store(progress), learner=learner)


def start(
    exercise_id: str,
    *,
    catalogue: str | Path = f"exercises/{CATALOGUE_NAME}",
    progress: str | Path | None = None,
    learner: str = "",
    session: str = "",
) -> PracticeRoom:
    """Open the practice room at one exercise page (an unknown id opens the first one).

    ``session`` is the practice-room page's id for its messages (see ``channel.py``).
    """
    room = PracticeRoom(
        Catalogue.load(catalogue), exercise_id, store=browser_store(progress), learner=learner
    )
    connect(room, session)
    return room
