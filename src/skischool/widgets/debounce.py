"""Debouncing without threads: Pyodide has none, so we use the running asyncio loop.

In a kernel (ipykernel or Pyodide's web loop) a burst of keystrokes becomes one check after a
short pause. With no running loop (plain Python, tests) the call happens at once, which keeps
behaviour deterministic where nothing could wait anyway.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import Any


class Debouncer:
    def __init__(self, delay: float, func: Callable[[], Any]) -> None:
        self.delay = delay
        self.func = func
        self._handle: asyncio.TimerHandle | None = None
        self.calls = 0  # how many times func actually ran (for tests and benchmarks)

    def _run(self) -> None:
        self._handle = None
        self.calls += 1
        self.func()

    def __call__(self) -> None:
        loop = _running_loop()
        if loop is None or self.delay <= 0:
            self._run()
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.delay, self._run)

    def flush(self) -> None:
        """Run a pending call now (used when the learner presses Check)."""
        if self._handle is not None:
            self._handle.cancel()
            self._run()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:  # Pyodide's WebLoop and ipykernel's loop run even outside a coroutine frame
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            loop = asyncio.get_event_loop()
    except RuntimeError:
        return None
    return loop if loop.is_running() else None
