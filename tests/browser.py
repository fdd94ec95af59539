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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
    watch = Watch()
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    context.on("request", lambda r: None if is_local(r.url) else watch.outside.append(r.url))
    context.on("page", watch.attach)
    return context, watch


@contextmanager
def browser_context(**options: Any) -> Iterator[tuple[Any, Watch]]:
    """Debian's Chromium, offline, and a fresh context in it; both closed afterwards."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        context, watch = new_context(browser, **options)
        try:
            yield context, watch
        finally:
            context.close()
            browser.close()
