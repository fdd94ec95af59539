"""Messages between the practice room's page and Python, in the browser only.

Why: a second "Practise live" click in the book re-uses the open practice-room tab. Its
address changes only after ``#``, which does not reload the page; the page then posts
``{"type": "open", "exercise": id, "session": s}`` on a BroadcastChannel. Python, running in a Web Worker,
listens on the same channel and switches exercise, so the learner does not wait for Python to
start again. Python answers ``{"type": "opened", ...}`` so the page can show the exercise's
address and title. ``session`` is a random id per practice-room page: with two rooms open in
two tabs, each Python obeys only its own page.

Outside a browser (CPython, tests) :func:`connect` does nothing and returns ``False``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .catalogue import LiveExercise
from .room import PracticeRoom

__all__ = ["CHANNEL_NAME", "connect", "handle_message"]

CHANNEL_NAME = "skischool-live"
MAX_MESSAGE_CHARS = 10_000


def handle_message(room: PracticeRoom, data: object, session: str = "") -> bool:
    """Act on one message from the page; anything malformed or foreign is ignored."""
    if not isinstance(data, str) or len(data) > MAX_MESSAGE_CHARS:
        return False
    try:
        message = json.loads(data)
    except ValueError:
        return False
    if not isinstance(message, dict) or message.get("type") != "open":
        return False
    if message.get("session", "") != session:
        return False
    exercise_id = message.get("exercise")
    if not isinstance(exercise_id, str):
        return False
    if exercise_id == room.current.id:
        return True
    return room.show(exercise_id)


def opened_message(exercise: LiveExercise, session: str = "") -> str:
    return json.dumps(
        {"type": "opened", "exercise": exercise.id, "title": exercise.title, "session": session}
    )


def connect(room: PracticeRoom, session: str = "") -> bool:
    """Listen for the page's messages (Pyodide only); returns whether a channel was opened."""
    if sys.platform != "emscripten":
        return False
    from js import BroadcastChannel  # type: ignore[import-not-found]
    from pyodide.ffi import create_proxy  # type: ignore[import-not-found]

    channel = BroadcastChannel.new(CHANNEL_NAME)

    def on_message(event: Any) -> None:
        try:
            handle_message(room, event.data, session)
        except Exception as exc:  # a bad message must never kill the kernel's event loop
            room.notice.value = f"<p>Could not switch exercise ({type(exc).__name__}).</p>"

    channel.onmessage = create_proxy(on_message)
    room.on_open.append(lambda exercise: channel.postMessage(opened_message(exercise, session)))
    room._channel = channel  # keep the channel (and its proxy) alive with the room
    channel.postMessage(opened_message(room.current, session))
    return True
