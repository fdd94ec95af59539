"""Live practice in the learner's browser (JupyterLite + Pyodide), opened by "Practise live".

The practice-room page runs, in a JupyterLite console::

    %pip install -q skischool ipywidgets
    from skischool.live import start
    start("green-circle/03-spot-the-outsider", session="…")

``start`` reads the exercise catalogue the build wrote into the site, keeps progress in the
browser (``persist.py``) and returns the :class:`PracticeRoom` widget, which the console shows.
"""

from __future__ import annotations

from pathlib import Path

from .catalogue import CATALOGUE_NAME, Catalogue, CatalogueError, LiveExercise
from .channel import connect
from .persist import DOWNLOAD_NAME, MirroredStore, download_link_html
from .room import PracticeRoom

__all__ = [
    "CATALOGUE_NAME",
    "DOWNLOAD_NAME",
    "PROGRESS_FILE",
    "Catalogue",
    "CatalogueError",
    "LiveExercise",
    "MirroredStore",
    "PracticeRoom",
    "download_link_html",
    "start",
]

#: Where the browser keeps progress, relative to the JupyterLite drive (browser storage).
PROGRESS_FILE = "skischool-progress/progress.json"


def start(
    exercise_id: str,
    *,
    catalogue: str | Path = f"exercises/{CATALOGUE_NAME}",
    progress: str | Path = PROGRESS_FILE,
    learner: str = "",
    session: str = "",
) -> PracticeRoom:
    """Open the practice room at one exercise page (an unknown id opens the first one).

    ``session`` is the practice-room page's id for its messages (see ``channel.py``).
    """
    room = PracticeRoom(
        Catalogue.load(catalogue), exercise_id, store=MirroredStore(progress), learner=learner
    )
    connect(room, session)
    return room
