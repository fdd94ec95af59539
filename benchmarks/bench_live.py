"""Benchmark the practice room in real offline Chromium and print the figures.

    bash scripts/build.sh && .venv/bin/python benchmarks/bench_live.py [--site _build/html] [--runs 2]

Targets (issue "Live exercises in the browser"), measured on the 2-core development machine:

| Measure                                                                   | Target     |
|---------------------------------------------------------------------------|------------|
| Cold start: click "Practise live" until the first feedback can be shown   | <= 30 s    |
| Warm start: the second exercise in the same session                       | <= 5 s     |
| Total size of the browser runtime in the built site                       | <= 60 MB   |
| Added weight of an ordinary lesson page (runtime loads only when asked)   | <= 300 kB  |

"Cold" is a new browser profile (empty cache), so every file of the runtime is fetched.
"Warm" is another exercise page's "Practise live" button with the room open: the room switches
exercise in the running Python. A reload of the room (new Python, files from the browser cache)
is reported too, since a learner who closes the tab pays that.
Sizes are the bytes of the files the server sent, read from disk by URL path.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import browser_context, serve  # noqa: E402

REPLY_PAGE = "exercises/bunny-hill/01-first-reply.html"
NEXT_PAGE = "exercises/bunny-hill/04-outsource-or-learn.html"
TARGETS = {"cold": 30.0, "warm": 5.0, "runtime_mb": 60.0, "lesson_kb": 300.0}


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


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def room_session(site: Path, base: str) -> dict[str, float]:
    """One new profile: cold start, warm switch, reload; plus what was fetched."""
    with browser_context() as (context, watch):
        fetched: list[str] = []
        context.on("request", lambda r: fetched.append(r.url))
        book = context.new_page()
        book.goto(base + REPLY_PAGE, wait_until="load")
        fetched.clear()
        start = time.monotonic()
        with book.expect_popup() as popup:
            book.click("a.ss-practise-live")
        room = popup.value
        room.wait_for_selector("body[data-live=ready]", timeout=180_000)
        frame = room.frame_locator("#room")
        frame.locator(".ss-room textarea").first.fill("Please DM us")
        frame.locator(".ss-room button", has_text="Check").first.click()
        frame.locator(".ss-room .ss-attempts", has_text="1 attempt").first.wait_for(timeout=60_000)
        cold = time.monotonic() - start
        cold_bytes = served_bytes(site, fetched)

        book.goto(base + NEXT_PAGE, wait_until="load")
        start = time.monotonic()
        book.click("a.ss-practise-live")
        room.wait_for_selector('body[data-exercise="bunny-hill/04-outsource-or-learn"]')
        frame.locator(".ss-room .ss-choice button", has_text="Check").wait_for()
        warm = time.monotonic() - start

        start = time.monotonic()
        room.reload()
        room.wait_for_selector("body[data-live=ready]", timeout=180_000)
        reload = time.monotonic() - start
        if watch.outside:
            raise SystemExit(f"requests left the machine: {watch.outside[:5]}")
    return {"cold": cold, "warm": warm, "reload": reload, "cold_mb": cold_bytes / 1e6}


def page_weight(site: Path, base: str, page: str) -> tuple[int, list[str]]:
    with browser_context() as (context, _watch):
        fetched: list[str] = []
        context.on("request", lambda r: fetched.append(r.url))
        tab = context.new_page()
        tab.goto(base + page, wait_until="networkidle")
        return served_bytes(site, fetched), [u for u in fetched if "/lite/" in u]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "lite" / "practise.html").is_file():
        raise SystemExit(f"{site} has no practice room; run: bash scripts/build.sh")
    with serve(site) as base:
        runs = [room_session(site, base) for _ in range(args.runs)]
        lesson_page = sorted(site.glob("lessons/green-circle/0*.html"))[0]
        lesson, lesson_lite = page_weight(site, base, lesson_page.relative_to(site).as_posix())
        exercise, exercise_lite = page_weight(site, base, REPLY_PAGE)
    runtime = du(site / "lite")
    html = (site / REPLY_PAGE).read_text(encoding="utf-8")
    at = html.index('<div class="ss-live-launch"')
    button = html.index("</div>", at) + len("</div>") - at  # the button's own HTML

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    rows = [
        ("cold start, click to first feedback (s)", med("cold"), TARGETS["cold"]),
        ("warm start, second exercise (s)", med("warm"), TARGETS["warm"]),
        ("reload of the room, cached files (s)", med("reload"), None),
        ("runtime in the built site (MB)", runtime / 1e6, TARGETS["runtime_mb"]),
        ("fetched on a cold start (MB)", med("cold_mb"), None),
        (
            "added to a lesson page (kB)",
            served_bytes(site, lesson_lite) / 1e3,
            TARGETS["lesson_kb"],
        ),
        (
            "added to an exercise page: button (kB)",
            (button + served_bytes(site, exercise_lite)) / 1e3,
            TARGETS["lesson_kb"],
        ),
        ("lesson page, everything it loads (kB)", lesson / 1e3, None),
        ("exercise page, everything it loads (kB)", exercise / 1e3, None),
    ]
    print(f"\npractice room, {args.runs} run(s), median; runs: {runs}")
    print(f"{'measure':45} {'value':>9} {'target':>8}")
    for name, value, target in rows:
        verdict = "" if target is None else ("ok" if value <= target else "MISSED")
        shown = "" if target is None else f"{target:g}"
        print(f"{name:45} {value:9.2f} {shown:>8} {verdict}")
    print(
        f"requests to lite/ from a lesson page: {len(lesson_lite)}, from an exercise page: "
        f"{len(exercise_lite)}; the Practise live button is {button} bytes of HTML"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
