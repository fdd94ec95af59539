"""End to end, in real offline Chromium: the book's pages, and live exercises in the practice room.

The built site (the shared ``book_build`` fixture, the same ``scripts/build.sh`` a person runs)
is served on 127.0.0.1. Chromium cannot resolve any other host, and every request to one is
recorded and fails the test (``tests/browser.py``).

The live tests share one practice room, as a learner would: the book's reply-exercise page is
opened, its "Practise live" button clicked, and the room that opens (Python starting in the
browser) is used for the reply checks, then switched to a choice exercise from another page's
button, then reloaded. Expected feedback is computed by the same engine in CPython from the same
rubric, so the browser must agree with it. Screenshots of every step go to
``test-artifacts/live/``; look at them.

Speed targets live in ``benchmarks/bench_live.py``. The bounds here only catch a hang.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skischool import load_rubric
from skischool.model import ChoiceRubric, ReplyRubric

from .browser import Watch, browser_context, close_quietly, new_context, serve
from .conftest import ROOT
from .test_book import pages

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "live"
REPLY_PAGE = "exercises/bunny-hill/01-first-reply"
CHOICE_PAGE = "exercises/bunny-hill/04-outsource-or-learn"
#: Python must start within this, or the room is broken (the target, 30 s, is a benchmark).
START_TIMEOUT_MS = 150_000
#: A checked 1 MB reply must show its result within this. The engine checks 1 MB in about
#: 0.7 s in CPython and Pyodide runs it a few times slower; the text also crosses from the page
#: to Python and back. 20 s leaves room for a loaded 2-core CI machine while still failing on a
#: hang or on anything quadratic, which would take minutes.
MEGABYTE_BOUND_S = 20.0
#: The page itself must keep answering while Python works (Python runs in a Web Worker).
RESPONSIVE_BOUND_S = 1.0
XSS = '<img src=x onerror="window.top.__xss=1;alert(1)">'

# Console errors that are known and harmless. Each entry: (pattern, why it is harmless).
ALLOWED_CONSOLE_ERRORS: list[tuple[str, str]] = [
    # JupyterLite asks its contents API for an index (all.json) of every folder Python looks in,
    # and the drive of a static site has none for most of them; JupyterLite logs "don't worry,
    # nothing's broken" for each. The resource 404 itself shows up as a console error.
    (r"Failed to load resource: the server responded with a status of 404", "drive index"),
]
# 404s that are expected for the same reason (paths under the JupyterLite drive API).
ALLOWED_404 = re.compile(r"/lite/api/contents/.*/all\.json$|/lite/api/contents/all\.json$")


def unexpected_console_errors(watch: Watch) -> list[str]:
    return [
        e
        for e in watch.console_errors
        if not any(re.search(pattern, e) for pattern, _why in ALLOWED_CONSOLE_ERRORS)
    ]


def unexpected_404s(watch: Watch) -> list[str]:
    return [f for f in watch.failed if not ALLOWED_404.search(f)]


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


# --- every page of the book -----------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def test_every_book_page_loads_offline_without_console_errors(site: Path, base_url: str) -> None:
    book_pages = [p.relative_to(site).as_posix() for p in pages(site)]
    book_pages = [p for p in book_pages if not p.startswith("lite/")]  # the room: tests below
    assert len(book_pages) > 50
    with browser_context() as (context, watch):
        page = context.new_page()
        for rel in book_pages:
            page.goto(base_url + rel, wait_until="load")
            if rel.startswith("exercises/"):  # widgets render after load, from embedded state
                page.wait_for_selector(".ss-exercise", timeout=15_000)
        shot(page, "00-last-book-page")
    assert watch.outside == [], f"requests outside 127.0.0.1: {watch.outside[:10]}"
    assert unexpected_console_errors(watch) == []
    assert watch.page_errors == []
    assert unexpected_404s(watch) == []


# --- the practice room ------------------------------------------------------------------------


@dataclass
class Live:
    context: Any
    watch: Watch
    book: Any  # the book tab
    room: Any  # the practice-room tab
    base_url: str
    cold_start_s: float
    loading_text: str

    @property
    def frame(self) -> Any:
        return self.room.frame_locator("#room")


@pytest.fixture(scope="module")
def live(base_url: str) -> Iterator[Live]:
    with browser_context() as (context, watch):
        book = context.new_page()
        book.goto(f"{base_url}{REPLY_PAGE}.html", wait_until="load")
        shot(book, "01-book-exercise-page")
        start = time.monotonic()
        with book.expect_popup() as popup:
            book.click("a.ss-practise-live")
        room = popup.value
        room.wait_for_selector("#loading-title", timeout=30_000)
        room.wait_for_timeout(4_000)
        loading_text = room.inner_text("#loading")
        shot(room, "02-starting-python")
        room.wait_for_selector("body[data-live=ready]", timeout=START_TIMEOUT_MS)
        cold = time.monotonic() - start
        shot(room, "03-room-ready")
        yield Live(context, watch, book, room, base_url, cold, loading_text)


def reply_widget(live: Live) -> Any:
    return live.frame.locator(".ss-room .ss-exercise").first


def check_reply(live: Live, text: str, timeout_ms: int = 30_000) -> str:
    """Type (paste) a reply, press Check, and return the feedback once it has changed."""
    widget = reply_widget(live)
    box = widget.locator("textarea")
    before = widget.locator(".ss-attempts").inner_text()
    box.fill(text)
    widget.locator("button", has_text="Check").click()
    live.frame.locator(".ss-room .ss-attempts").filter(has_not_text=before).first.wait_for(
        timeout=timeout_ms
    )
    return widget.inner_text()


def reply_rubric() -> ReplyRubric:
    rubric = load_rubric(ROOT / f"{REPLY_PAGE}.yaml")
    assert isinstance(rubric, ReplyRubric)
    return rubric


def test_practise_live_opens_the_exercise_after_showing_progress(live: Live) -> None:
    assert "Starting Python in your browser" in live.loading_text
    assert re.search(r"\d+ s", live.loading_text), live.loading_text
    assert live.room.url.endswith("#bunny-hill/01-first-reply")
    title = reply_rubric().title
    live.frame.locator(".ss-room h2", has_text="Your first reply").wait_for(timeout=5_000)
    assert live.frame.locator(".ss-room textarea").count() == 1
    assert title in live.frame.locator(".ss-room").inner_text()
    assert live.room.locator("#loading").is_hidden()
    print(f"\ncold start (click to exercise ready): {live.cold_start_s:.1f} s")


def test_poor_reply_shows_its_specific_findings(live: Live) -> None:
    text = "Please DM us."
    expected = reply_rubric().check(text)
    assert not expected.passed
    feedback = check_reply(live, text)
    shot(live.room, "04-poor-reply")
    assert expected.summary in feedback  # "N of M criteria met", as the engine says in CPython
    assert expected.findings
    flat = " ".join(feedback.split())
    for finding in expected.findings:  # the same specific findings the engine gives in CPython
        assert " ".join(finding.message.split()) in flat, finding.message
    assert "DM" in feedback  # the learner's own words are quoted back


def test_good_reply_passes(live: Live) -> None:
    rubric = reply_rubric()
    good = next(e.text for e in rubric.examples if e.expect == "pass")
    expected = rubric.check(good)
    assert expected.passed
    feedback = check_reply(live, good)
    shot(live.room, "05-good-reply")
    assert expected.summary in feedback


def test_pasted_html_is_judged_as_text_and_never_runs(live: Live) -> None:
    text = f"Please DM us {XSS} we are open Sundays 9 to 2"
    feedback = check_reply(live, text)
    shot(live.room, "06-pasted-html")
    # judged like any reply: the learner's own words are quoted back in the findings
    assert "“Please DM us”" in feedback or "Please DM us" in feedback
    # and the markup stayed text: no element was made from it, its handler never ran
    assert live.frame.locator(".ss-room textarea").first.input_value() == text
    assert live.frame.locator('img[src="x"]').count() == 0
    assert live.room.evaluate("() => window.__xss === undefined")
    assert live.watch.dialogs == []


def test_a_megabyte_paste_gets_a_result_without_freezing_the_page(live: Live) -> None:
    text = ("We hear you, and we are sorry. " * 40_000)[:1_000_000]
    widget = reply_widget(live)
    before = widget.locator(".ss-attempts").inner_text()
    widget.locator("textarea").fill(text)
    start = time.monotonic()
    widget.locator("button", has_text="Check").click()
    slowest_ping = 0.0
    done = live.frame.locator(".ss-room .ss-attempts").filter(has_not_text=before).first
    while not done.count():
        assert time.monotonic() - start < MEGABYTE_BOUND_S, "no result for 1 MB within the bound"
        t = time.monotonic()
        assert live.room.evaluate("() => 1 + 1") == 2
        slowest_ping = max(slowest_ping, time.monotonic() - t)
        live.room.wait_for_timeout(100)
    elapsed = time.monotonic() - start
    shot(live.room, "07-megabyte")
    feedback = widget.inner_text()
    assert "criteria met" in feedback
    assert slowest_ping < RESPONSIVE_BOUND_S, f"the page froze for {slowest_ping:.1f} s"
    print(f"\n1 MB reply: result in {elapsed:.1f} s; slowest page response {slowest_ping:.2f} s")


def choice_rubric() -> ChoiceRubric:
    rubric = load_rubric(ROOT / f"{CHOICE_PAGE}.yaml")
    assert isinstance(rubric, ChoiceRubric) and not rubric.multiple
    return rubric


def test_choice_exercise_opened_from_another_page_gives_the_right_feedback(live: Live) -> None:
    rubric = choice_rubric()
    live.book.goto(f"{live.base_url}{CHOICE_PAGE}.html", wait_until="load")
    start = time.monotonic()
    live.book.click("a.ss-practise-live")  # the same named tab: no reload, Python keeps running
    exercise_id = CHOICE_PAGE.removeprefix("exercises/")
    live.room.wait_for_selector(f'body[data-exercise="{exercise_id}"]', timeout=30_000)
    live.frame.locator(".ss-room .ss-choice").wait_for(timeout=10_000)
    warm = time.monotonic() - start
    assert live.room.url.endswith("#" + exercise_id)
    assert len(live.context.pages) == 2, "the second button must reuse the practice-room tab"
    best = max(rubric.options, key=lambda o: o.score)
    worst = min(rubric.options, key=lambda o: o.score)
    choice = live.frame.locator(".ss-room .ss-choice")
    for option, name in ((worst, "08-choice-wrong"), (best, "09-choice-right")):
        expected = rubric.check([option.id])
        before = choice.locator(".ss-attempts").inner_text()
        choice.locator("label", has_text=option.text[:40]).click()
        choice.locator("button", has_text="Check").click()
        choice.locator(".ss-attempts").filter(has_not_text=before).wait_for(timeout=30_000)
        shot(live.room, name)
        feedback = " ".join(choice.inner_text().split())
        assert " ".join(option.feedback.split())[:80] in feedback
        assert expected.passed == (option is best)
        assert expected.summary in feedback
    print(f"\nwarm start (second exercise, same room): {warm:.2f} s")


def test_progress_survives_a_reload_and_downloads_as_a_file(live: Live, tmp_path: Path) -> None:
    progress = live.frame.locator(".ss-room .ss-progress")
    summary = progress.inner_text()
    match = re.search(r"Saved in this browser: (\d+) attempts?", summary)
    assert match, summary
    saved = int(match.group(1))
    assert saved >= 6  # the checks made by the tests above
    with live.room.expect_download() as download_info:
        live.frame.locator(".ss-room a.ss-download").click()
    download = download_info.value
    assert download.suggested_filename == "skischool-progress.json"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["format"] == "skischool-progress"
    assert len(document["attempts"]) == saved
    exercises = {a["exercise"] for a in document["attempts"]}
    assert {reply_rubric().id, choice_rubric().id} <= exercises
    assert any(a["answer"].startswith("Please DM us") for a in document["attempts"])

    live.room.reload()
    live.room.wait_for_selector("body[data-live=ready]", timeout=START_TIMEOUT_MS)
    shot(live.room, "10-after-reload")
    after = live.frame.locator(".ss-room .ss-progress").inner_text()
    assert f"Saved in this browser: {saved} attempts" in after
    assert "attempts" in live.frame.locator(".ss-room .ss-exercise .ss-attempts").first.inner_text()


def test_the_practice_room_stayed_offline_and_error_free(live: Live) -> None:
    assert live.watch.outside == [], f"requests outside 127.0.0.1: {live.watch.outside[:10]}"
    assert unexpected_console_errors(live.watch) == []
    assert live.watch.page_errors == []
    assert unexpected_404s(live.watch) == []
    assert live.watch.dialogs == []


def test_notebook_view_runs_the_exercise_and_shares_progress_with_the_room(live: Live) -> None:
    """The room's "Open as a notebook" view: same engine, same progress file.

    A new profile in the same browser, so the progress seen at the end is this test's alone.
    """
    base_url = live.base_url
    page_id = REPLY_PAGE.removeprefix("exercises/")
    context, watch = new_context(live.context.browser)
    try:
        page = context.new_page()
        page.goto(f"{base_url}lite/notebooks/index.html?path=exercises/{page_id}.ipynb")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        page.wait_for_timeout(2_000)  # let the kernel connect before asking it to run
        page.click("text=Run")
        page.click("text=Run All Cells")
        widget = page.locator(".ss-exercise").first
        widget.wait_for(timeout=START_TIMEOUT_MS)
        text = "Please DM us."
        widget.locator("textarea").fill(text)
        widget.locator("button", has_text="Check").click()
        widget.locator(".ss-attempts", has_text="1 attempt").wait_for(timeout=30_000)
        assert reply_rubric().check(text).summary in widget.inner_text()
        shot(page, "11-notebook-view")

        room = context.new_page()
        room.goto(f"{base_url}lite/practise.html#{page_id}")
        room.wait_for_selector("body[data-live=ready]", timeout=START_TIMEOUT_MS)
        progress = room.frame_locator("#room").locator(".ss-room .ss-progress")
        assert "Saved in this browser: 1 attempt at 1 exercise" in progress.inner_text()
        shot(room, "12-room-after-notebook")
    finally:
        close_quietly("closing the notebook-view context", context.close)
    assert watch.outside == []
    assert unexpected_console_errors(watch) == []
    assert watch.page_errors == []
