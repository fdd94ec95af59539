"""Benchmark live exercises on the book's pages in real offline Chromium, and print the figures.

    bash scripts/build.sh && .venv/bin/python benchmarks/bench_live.py [--site _build/html] [--runs 3]

Targets (issue "Exercises live in place on the book page"), on the 2-core development machine:

| Measure                                                          | Target   | Before        |
|------------------------------------------------------------------|----------|---------------|
| Page load to a live exercise (Check enabled), cold cache         | <= 5 s   | 14.4 s        |
| Page load to a live exercise, warm cache                         | <= 2 s   | 0.9 s switch  |
| Check to feedback                                                | <= 100 ms| 0.25 s        |
| Added to a lesson page                                           | 0 bytes  |               |
| An exercise page before Python                                   | <= 1.5 MB| 7.1 MB        |

"Cold" is a new browser profile on disk (empty cache and storage) for every run. "Warm" is
another exercise page opened in that same profile afterwards: its files come from the
browser's cache, and Python is restored from the snapshot the cold start saved (see
live/web/skischool-live-worker.js).
Times are from the navigation's start to the moment every exercise on the page has Check
enabled (``performance.now()`` in the page). "Check to feedback" is measured in the page, from
the click to the verdict in place. Sizes are the bytes of the files the server sent, read from
disk by URL path; "before Python" is everything the page loads except the worker's files under
``live/`` (Pyodide, the engine's wheel, the rubrics), which are reported on their own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import browser_context, browser_profile, serve  # noqa: E402

REPLY_PAGE = "exercises/bunny-hill/01-first-reply.html"
WARM_PAGE = "exercises/blue-square/01-the-closed-pool.html"
LESSON_PAGE = "lessons/green-circle/01-insiders-know.html"
TARGETS = {"cold_s": 5.0, "warm_s": 2.0, "check_ms": 100.0, "lesson_live_bytes": 0, "page_mb": 1.5}
BEFORE = {"cold_s": "14.4", "warm_s": "0.9 (switch)", "check_ms": "250", "page_mb": "7.1"}
READY_JS = (
    "() => { const all = document.querySelectorAll('section.ss-live');"
    " return all.length > 0 && [...all].every(s => s.dataset.ssReady === 'true'); }"
)


def served_bytes(site: Path, urls: list[str]) -> int:
    total = 0
    for url in set(urls):
        path = unquote(urlsplit(url).path).lstrip("/")
        file = site / path
        if file.is_dir():
            file = file / "index.html"
        if file.is_file():
            total += file.stat().st_size
    return total


def is_worker_file(url: str) -> bool:
    return "/live/" in urlsplit(url).path


def open_ready(tab: Any, url: str) -> float:
    """Navigate and wait until every exercise has Check enabled; seconds since navigation start."""
    tab.goto(url)
    tab.wait_for_function(READY_JS, timeout=120_000)
    return float(tab.evaluate("() => skischoolLive.state.openedMs")) / 1000


def one_profile(site: Path, base: str, checks: int) -> dict[str, float]:
    with browser_profile() as (context, watch):
        fetched: list[str] = []
        context.on("request", lambda r: fetched.append(r.url))
        tab = context.new_page()
        cold = open_ready(tab, base + REPLY_PAGE)
        timings = tab.evaluate("() => skischoolLive.state.timings")
        page_bytes = served_bytes(site, [u for u in fetched if not is_worker_file(u)])
        worker_bytes = served_bytes(site, [u for u in fetched if is_worker_file(u)])
        check_ms = []
        for i in range(checks):
            tab.fill("textarea.ss-text", f"Hi Dana, welcome! Ask us anything here. ({i})")
            before = tab.evaluate("() => skischoolLive.store.all().length")
            tab.click("button.ss-check")
            tab.wait_for_function("(n) => skischoolLive.store.all().length > n", arg=before)
            check_ms.append(float(tab.get_attribute("section.ss-live", "data-ss-check-ms") or 0))
        warm = open_ready(tab, base + WARM_PAGE)
        warm_timings = tab.evaluate("() => skischoolLive.state.timings")
        if watch.outside:
            raise SystemExit(f"requests left the machine: {watch.outside[:5]}")
    return {
        "cold_s": cold,
        "warm_s": warm,
        "check_ms": statistics.median(check_ms),
        "check_ms_max": max(check_ms),
        "page_mb": page_bytes / 1e6,
        "worker_mb": worker_bytes / 1e6,
        "python_ms": float(timings.get("engine", 0)),
        "engine_ms": float(timings.get("ready", 0)) - float(timings.get("engine", 0)),
        "warm_python_ms": float(warm_timings.get("engine", 0)),
        "warm_from_snapshot": float(bool(warm_timings.get("snapshot"))),
    }


def lesson_live_bytes(site: Path, base: str) -> tuple[int, int]:
    """Bytes a lesson page loads that belong to live exercises, and everything it loads."""
    with browser_context() as (context, _watch):
        fetched: list[str] = []
        context.on("request", lambda r: fetched.append(r.url))
        tab = context.new_page()
        tab.goto(base + LESSON_PAGE, wait_until="networkidle")
        live = [u for u in fetched if is_worker_file(u) or "skischool-live" in u]
        return served_bytes(site, live), served_bytes(site, fetched)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checks", type=int, default=10, help="checks per run")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "live" / "engine.json").is_file():
        raise SystemExit(f"{site} has no live/ folder; run: bash scripts/build.sh")
    with serve(site) as base:
        runs = [one_profile(site, base, args.checks) for _ in range(args.runs)]
        lesson_live, lesson_all = lesson_live_bytes(site, base)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    rows: list[tuple[str, float, float | None, str]] = [
        (
            "page load to live exercise, cold cache (s)",
            med("cold_s"),
            TARGETS["cold_s"],
            BEFORE["cold_s"],
        ),
        (
            "page load to live exercise, warm cache (s)",
            med("warm_s"),
            TARGETS["warm_s"],
            BEFORE["warm_s"],
        ),
        (
            "check to feedback, median of runs' medians (ms)",
            med("check_ms"),
            TARGETS["check_ms"],
            BEFORE["check_ms"],
        ),
        ("check to feedback, slowest (ms)", max(r["check_ms_max"] for r in runs), None, ""),
        ("added to a lesson page (bytes)", float(lesson_live), TARGETS["lesson_live_bytes"], ""),
        ("exercise page before Python (MB)", med("page_mb"), TARGETS["page_mb"], BEFORE["page_mb"]),
        ("worker files fetched cold: Pyodide, wheel, rubrics (MB)", med("worker_mb"), None, ""),
        ("  in the worker: Python started (ms)", med("python_ms"), None, ""),
        ("  in the worker: engine unpacked and imported (ms)", med("engine_ms"), None, ""),
        ("  warm: Python restored from the snapshot (ms)", med("warm_python_ms"), None, ""),
        ("  warm starts that used the snapshot (share)", med("warm_from_snapshot"), None, ""),
        ("lesson page, everything it loads (MB)", lesson_all / 1e6, None, ""),
    ]
    print(f"\nlive exercises, {args.runs} new profile(s), median; runs: {runs}")
    print(f"{'measure':58} {'value':>9} {'target':>7} {'':6} {'before':>14}")
    for name, value, target, before in rows:
        verdict = "" if target is None else ("ok" if value <= target else "MISSED")
        shown = "" if target is None else f"{target:g}"
        print(f"{name:58} {value:9.2f} {shown:>7} {verdict:6} {before:>14}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
