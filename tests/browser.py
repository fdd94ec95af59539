"""Real, offline Chromium for the tests and benchmarks: a local server and a guarded browser.

Debian's ``/usr/bin/chromium`` is driven by Playwright from pip; no browser is ever downloaded.
Chromium is told that every host except 127.0.0.1 does not exist, so nothing can leave the
machine, and every request the pages make is also watched: one to any other host is recorded,
and the tests count it as a failure. (Watching, not routing: Playwright turns the HTTP cache off
when requests are routed, which would make warm starts look slower than a learner's.) Without Chromium the browser tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL_SCHEMES = {"data", "blob", "about"}
VIEWPORT = {"width": 1280, "height": 900}
# Closing a context or browser normally takes well under a second. One run of the suite hung for
# more than 8 minutes in a context's close, so every close is bounded: past this, the browser
# and Playwright's driver (our child processes) are killed and the test goes on.
CLOSE_TIMEOUT = 30.0


def chromium_path() -> str:
    """Debian's Chromium, or skip (fail under CI=true) with what to install."""
    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    reason = ""
    if path is None:
        reason = "Chromium is not installed (apt-get install chromium; scripts/setup.sh does it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -r requirements.txt)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; the browser tests must run in CI", pytrace=False)
        pytest.skip(reason)
    assert path is not None
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain dict
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Watch:
    """What the pages of one browser context did that a test may need to refuse."""

    outside: list[str] = field(default_factory=list)  # requests to any host but 127.0.0.1
    console_errors: list[str] = field(default_factory=list)  # "<page url>: <text>"
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm(): an injection ran
    failed: list[str] = field(default_factory=list)  # HTTP status >= 400 from our server

    def attach(self, page: Any) -> None:
        page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: self.page_errors.append(f"{page.url}: {e}"))
        page.on("dialog", self._dialog)
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


def new_context(browser: Any, **options: Any) -> tuple[Any, Watch]:
    """A fresh context (new profile: empty cache and storage) whose outside requests are recorded.

    Use this for a second context while a :func:`browser_context` is open: Playwright's sync
    API allows only one running instance per thread.
    """
    context = browser.new_context(**{"viewport": VIEWPORT, **options})
    return context, watched(context)


def watched(context: Any) -> Watch:
    """Record what the context's pages do: requests off the machine, errors, dialogs, 404s."""
    watch = Watch()
    context.on("request", lambda r: None if is_local(r.url) else watch.outside.append(r.url))
    context.on("page", watch.attach)
    return watch


def descendants(root: int | None = None) -> list[int]:
    """Process ids below ``root`` (this process by default), read from /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # exited meanwhile
        # The name sits in parentheses and may hold spaces; the parent id follows it.
        parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    wanted, found = {root or os.getpid()}, []
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                found.append(pid)
                changed = True
    return found


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


@contextmanager
def bounded(
    what: str, timeout: float = CLOSE_TIMEOUT, victims: Any = descendants
) -> Iterator[None]:
    """Run the body; if it takes longer than ``timeout``, kill ``victims()`` so that it returns.

    Playwright's sync calls cannot be interrupted from another thread, but they do return (with
    an error) once the processes they wait on are gone. The kill is reported as a warning.
    """
    done = threading.Event()
    fired: list[int] = []

    def watchdog() -> None:
        if not done.wait(timeout):
            pids = list(victims())
            fired.extend(pids)
            kill_all(pids)

    thread = threading.Thread(target=watchdog, name=f"bounded {what}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if fired:
            warnings.warn(
                f"{what} took over {timeout:.0f} s; killed processes {fired}", stacklevel=3
            )


def close_quietly(what: str, close: Any) -> None:
    """Close a context or browser within CLOSE_TIMEOUT; a close that failed is only reported."""
    with bounded(what):
        try:
            close()
        except Exception as exc:  # the watchdog killed it, or it was already gone
            warnings.warn(f"{what}: {exc}", stacklevel=2)


@contextmanager
def browser_context(**options: Any) -> Iterator[tuple[Any, Watch]]:
    """Debian's Chromium, offline, and a fresh context in it; both closed afterwards, in bounded time."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    manager = sync_playwright()
    p = manager.start()
    try:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            context, watch = new_context(browser, **options)
            try:
                yield context, watch
            finally:
                close_quietly("closing the browser context", context.close)
        finally:
            close_quietly("closing the browser", browser.close)
    finally:
        close_quietly("stopping Playwright", p.stop)


@contextmanager
def browser_profile(**options: Any) -> Iterator[tuple[Any, Watch]]:
    """Debian's Chromium, offline, with a new profile on disk, as a learner's browser has.

    Unlike :func:`browser_context` (an in-memory context), the profile keeps what a real
    browser keeps between pages: the HTTP cache, compiled WebAssembly and Cache Storage. The
    benchmarks use it, so that a warm start is measured as a learner would meet it.
    """
    import tempfile

    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    manager = sync_playwright()
    p = manager.start()
    try:
        with tempfile.TemporaryDirectory(prefix="skischool-profile-") as folder:
            context = p.chromium.launch_persistent_context(
                folder,
                executable_path=executable,
                args=FLAGS,
                **{"viewport": VIEWPORT, **options},
            )
            try:
                yield context, watched(context)
            finally:
                close_quietly("closing the browser profile", context.close)
    finally:
        close_quietly("stopping Playwright", p.stop)
