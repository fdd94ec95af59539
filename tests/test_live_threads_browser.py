"""End to end, in real offline Chromium: a live conversation and a live triage queue.

The built site is served on 127.0.0.1 (the shared ``site`` fixture). Each verdict is compared
with the same engine run in CPython on the same rubric. Screenshots go to
``test-artifacts/live/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from skischool import load_rubric
from skischool.conversation import ConversationRubric
from skischool.triage import TriageRubric

from .browser import Watch, browser_context, serve
from .conftest import ROOT
from .test_live_browser import XSS, all_ready, attempts_of, axe_serious, shot, unexpected_404s

pytestmark = pytest.mark.browser

CONVERSATION_PAGE = "exercises/bunny-hill/08-wrong-day-for-clay-club"
TRIAGE_PAGE = "exercises/blue-square/09-monday-at-the-city-farm"


def conversation() -> ConversationRubric:
    rubric = load_rubric(ROOT / f"{CONVERSATION_PAGE}.yaml")
    assert isinstance(rubric, ConversationRubric)
    return rubric


def triage() -> TriageRubric:
    rubric = load_rubric(ROOT / f"{TRIAGE_PAGE}.yaml")
    assert isinstance(rubric, TriageRubric)
    return rubric


def wait_for_attempts(page: Any, exercise: str, n: int) -> None:
    """Until the page's store holds ``n`` attempts at ``exercise``."""
    page.wait_for_function(
        "([ex, n]) => skischoolLive.store.all().filter(a => a.exercise === ex).length === n",
        arg=[exercise, n],
    )


@pytest.fixture(scope="module")
def browser(site: Any) -> Iterator[tuple[Any, Watch, str]]:
    with serve(site) as url, browser_context() as (context, watch):
        page = context.new_page()
        yield page, watch, url


def open_conversation(browser: tuple[Any, Watch, str]) -> tuple[Any, ConversationRubric]:
    """The conversation page, loaded with Python ready, and the rubric it runs."""
    page, _watch, url = browser
    page.goto(f"{url}{CONVERSATION_PAGE}.html")
    all_ready(page)
    return page, conversation()


def test_a_conversation_answers_back_turn_by_turn(browser: tuple[Any, Watch, str]) -> None:
    page, rubric = open_conversation(browser)
    send = page.locator("button.ss-check")
    assert send.inner_text().strip() == "Send reply"
    first, second = (t.model_reply for t in rubric.turns)
    page.locator("textarea.ss-text").fill(first)
    send.click()
    expected_post = rubric.next_post([first])
    assert expected_post is not None
    page.locator(".ss-thread .ss-bubble", has_text=expected_post[:40]).wait_for()
    assert "Reply 2 of 2" in page.locator(".ss-turn").inner_text()
    assert page.locator("textarea.ss-text").input_value() == ""
    assert attempts_of(page, rubric.id) == 0, "an attempt is the whole conversation"
    page.locator("textarea.ss-text").fill(second)
    page.locator("textarea.ss-text").focus()
    page.keyboard.press("Control+Enter")
    wait_for_attempts(page, rubric.id, 1)
    expected = rubric.check([first, second])
    assert expected.passed
    assert expected.summary in page.locator(".ss-announce").inner_text()
    feedback = page.locator(".ss-feedback").inner_text()
    assert "The conversation" in feedback and expected_post[:40] in feedback
    saved = page.evaluate(
        "(ex) => skischoolLive.store.all().filter(a => a.exercise === ex).pop()", rubric.id
    )
    assert saved["kind"] == "conversation" and json.loads(saved["answer"]) == [first, second]
    assert not page.locator("textarea.ss-text").is_visible()
    shot(page, "20-conversation-done", full=True)
    page.locator("button.ss-restart").click()
    assert page.locator("textarea.ss-text").is_visible()
    assert page.locator(".ss-thread").inner_html() == ""
    assert attempts_of(page, rubric.id) == 1, "a new conversation keeps the saved attempt"


def test_an_argument_brings_the_hotter_post_and_markup_never_runs(
    browser: tuple[Any, Watch, str],
) -> None:
    page, rubric = open_conversation(browser)
    argued = rubric.turns[0].next["argued"].post
    first = f"{XSS} It's not our fault, you should have read the flyer properly."
    assert rubric.next_post([first]) == argued, "the engine reads this reply as arguing"
    page.locator("textarea.ss-text").fill(first)
    page.locator("button.ss-check").click()
    page.locator(".ss-thread .ss-bubble", has_text=argued[:30]).wait_for()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".ss-thread img").count() == 0
    assert axe_serious(page, "section.ss-live") == []


def test_a_reload_mid_thread_picks_the_conversation_up_where_it_was(
    browser: tuple[Any, Watch, str],
) -> None:
    page, rubric = open_conversation(browser)
    page.locator("button.ss-reset").click()  # whatever an earlier test left: a new start
    first, second = (t.model_reply for t in rubric.turns)
    page.locator("textarea.ss-text").fill(first)
    page.locator("button.ss-check").click()
    expected_post = rubric.next_post([first])
    assert expected_post is not None
    page.locator(".ss-thread .ss-bubble", has_text=expected_post[:40]).wait_for()
    draft = "Half of my second reply, typed before the reload"
    page.locator("textarea.ss-text").fill(draft)
    page.reload()
    all_ready(page)
    assert page.locator(".ss-thread .ss-bubble", has_text=expected_post[:40]).count() == 1
    assert page.locator(".ss-thread").inner_text().count(first[:40]) == 1, "the reply sent, once"
    assert "Reply 2 of 2" in page.locator(".ss-turn").inner_text()
    assert page.locator("textarea.ss-text").input_value() == draft, "the draft is kept too"
    assert "back where you left it" in page.locator(".ss-announce").inner_text()
    assert attempts_of(page, rubric.id) == 0, "replaying the thread records nothing"
    page.locator("textarea.ss-text").fill(second)
    page.locator("button.ss-check").click()
    wait_for_attempts(page, rubric.id, 1)
    saved = page.evaluate(
        "(ex) => skischoolLive.store.all().filter(a => a.exercise === ex).pop()", rubric.id
    )
    assert json.loads(saved["answer"]) == [first, second], "the whole thread was judged"
    page.reload()
    all_ready(page)
    assert page.locator(".ss-thread").inner_html() == "", "a finished conversation is not resumed"
    assert "Reply 1 of 2" in page.locator(".ss-turn").inner_text()


def test_a_triage_queue_is_sorted_with_selects_and_marked_row_by_row(
    browser: tuple[Any, Watch, str],
) -> None:
    page, _watch, url = browser
    rubric = triage()
    page.goto(f"{url}{TRIAGE_PAGE}.html")
    all_ready(page)
    assert page.locator("li.ss-item").count() == len(rubric.items)
    for item in rubric.items:
        row = page.locator(f'li.ss-item[data-ss-item="{item.id}"]')
        row.locator("select.ss-action").select_option(item.action)
        row.locator("select.ss-reason").select_option(item.reasons[0])
    first = rubric.items[0]
    note = "Ask Priya before we promise <b>anything</b>"
    page.get_by_label("Note for your team (optional, not scored)").first.fill(note)
    page.locator("button.ss-check").click()
    wait_for_attempts(page, rubric.id, 1)
    assert page.locator("li.ss-item-met").count() == len(rubric.items)
    saved = page.evaluate(
        "(ex) => skischoolLive.store.all().filter(a => a.exercise === ex)[0]", rubric.id
    )
    assert json.loads(saved["answer"])[first.id]["note"] == note  # kept, and not scored
    assert "Pass" in page.locator(".ss-announce").inner_text()
    critical = next(i for i in rubric.items if i.critical)
    wrong = "leave" if critical.action != "leave" else "reply"
    page.locator(f'li.ss-item[data-ss-item="{critical.id}"] select.ss-action').select_option(wrong)
    page.locator("button.ss-check").click()
    wait_for_attempts(page, rubric.id, 2)
    expected = rubric.check(
        {
            i.id: {"action": wrong if i is critical else i.action, "reason": i.reasons[0]}
            for i in rubric.items
        }
    )
    assert not expected.passed
    assert expected.summary in page.locator(".ss-announce").inner_text()
    row = page.locator(f'li.ss-item[data-ss-item="{critical.id}"]')
    assert "ss-item-unmet" in (row.get_attribute("class") or "")
    assert "look again" in row.locator(".ss-mark").inner_text()
    shot(page, "21-triage-checked", full=True)
    assert axe_serious(page, "section.ss-live") == []


def test_the_thread_and_queue_pages_stayed_offline_and_error_free(
    browser: tuple[Any, Watch, str],
) -> None:
    _page, watch, _url = browser
    assert watch.outside == []
    assert watch.console_errors == []
    assert watch.page_errors == []
    assert unexpected_404s(watch) == []
