"""Accessibility, phone layout and page weight of the built book, checked in offline Chromium.

* axe-core (vendored from npm: ``node_modules/axe-core/axe.min.js``, read from there and injected
  into each page by the test, never served to learners) runs on every page of the book: every
  page ``_toc.yml`` lists, plus the search and index pages. Zero violations of impact "serious"
  or "critical" against WCAG 2.0, 2.1 and 2.2 A/AA. A handful of pages are checked again in dark
  mode, since the theme swaps every colour there.
* At a phone's 390×844 nothing runs past the right edge of the screen on the welcome page, a
  lesson, the course map and the glossary. Screenshots go to ``test-artifacts/a11y/``.
* A lesson page loads no Font Awesome JavaScript (1.5 MB that only redraws the theme's few icons
  as SVG; the theme's stylesheet already draws them from its webfont) and no MathJax (it has no
  math); its total weight stays under a budget.

The live exercises' folder (``_build/html/live/``: Pyodide and the JupyterLite notebook form)
is not checked here: the live state of an exercise page has its own axe test in
tests/test_live_browser.py. One browser context and one page object are
reused for the whole book, and no exercise page boots Python during the sweep (see
PYTHON_NOT_STARTED), so that the file runs in under two minutes on two busy cores, once the book
is built (``SKISCHOOL_TEST_SITE=_build/html`` reuses a build while iterating).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from skischool.course import Course

from .browser import Watch, browser_context, close_quietly, new_context, serve
from .conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "a11y"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Sites built by other parts of the project; not pages of the book.
SKIPPED_FOLDERS = ("live", "_static", "_sources", "_images")
# Pages that are only a redirect (index.html points at the welcome page).
REDIRECT_MARK = 'http-equiv="Refresh"'
# Checked again with the browser in dark mode: the welcome page, the course map, the ideas map
# (every level's badge), a level, a lesson (its admonitions), an exercise page, a reference page.
DARK_PAGES = [
    "book/intro.html",
    "book/course-map.html",
    "book/ideas-map.html",
    "lessons/bunny-hill/index.html",
    "lessons/bunny-hill/01-nobody-can-ski-for-you.html",
    "exercises/bunny-hill/01-first-reply.html",
    "book/glossary.html",
]
PHONE = {"width": 390, "height": 844}
PHONE_PAGES = {
    "welcome": "book/intro.html",
    "lesson": "lessons/blue-square/01-fix-it-where-they-said-it.html",
    "course-map": "book/course-map.html",
    "glossary": "book/glossary.html",
}
LESSON_PAGE = "lessons/bunny-hill/01-nobody-can-ski-for-you.html"
# A lesson page, cold cache: theme CSS/JS, search index, one icon font. 2.5 MB while the theme
# loaded Font Awesome's JavaScript (1.5 MB of it); 1.0 MB without.
LESSON_BUDGET_BYTES = 1_200_000
PAGE_TIMEOUT_MS = 30_000


# --- which pages ---------------------------------------------------------------------------------


def toc_docnames() -> list[str]:
    """Every page the book builds, in book order: the course model's list (what _toc.yml is
    written from)."""
    return Course.load(ROOT).docnames()


def book_pages(site: Path) -> list[str]:
    """The book's HTML pages, as paths relative to the site: every built page, redirects and
    the live exercises' folder left out. Fails when a page of the TOC is missing,
    so a page that stopped building cannot quietly drop out of the check."""
    built = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] not in SKIPPED_FOLDERS
        and REDIRECT_MARK not in p.read_text(encoding="utf-8", errors="replace")[:2000]
    }
    missing = [d for d in toc_docnames() if f"{d}.html" not in built]
    assert not missing, f"pages of the course that were not built: {missing}"
    return sorted(built)


def test_toc_docnames_expands_globs() -> None:
    names = toc_docnames()
    assert names[0] == "book/intro"
    assert "lessons/bunny-hill/index" in names and "exercises/bunny-hill/checkpoint" in names
    lessons = [n for n in names if fnmatch.fnmatchcase(n, "lessons/bunny-hill/[0-9]*")]
    assert len(lessons) >= 3, lessons  # CONTRIBUTING: at least three lessons per level


# --- axe-core ------------------------------------------------------------------------------------


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it stands, WCAG 2.x A/AA rules only."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.join(' '),
                                          summary: n.failureSummary}))}));
        }""",
        WCAG_TAGS,
    )
    return list(result)


def blocking(path: str, violations: list[dict[str, Any]]) -> list[str]:
    """One line per serious/critical violation: page, rule id, the elements, and axe's summary."""
    lines = []
    for v in violations:
        nodes = [n for n in v["nodes"] if (n["impact"] or v["impact"]) in BLOCKING]
        if not nodes:
            continue
        targets = ", ".join(n["target"] for n in nodes[:5])
        more = f" (+{len(nodes) - 5} more)" if len(nodes) > 5 else ""
        why = (nodes[0]["summary"] or "").replace("\n", " ")[:240]
        lines.append(f"{path}: {v['id']} ({v['impact']}, {len(nodes)}×) {targets}{more}: {why}")
    return lines


WIDGET_STATE = 'script[type="application/vnd.jupyter.widget-state+json"]'


def load(page: Any, url: str) -> None:
    """Open a page and wait until its scripts have run: the theme's (deferred, so done by "load")
    and, on a page with saved ipywidgets, the widget manager's drawing of them. Not "networkidle":
    it costs half a second a page, and a live exercise keeps the network busy while Python starts."""
    page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
    if page.locator(WIDGET_STATE).count():
        page.wait_for_selector(".widget-subarea > *", state="attached", timeout=PAGE_TIMEOUT_MS)


# The sweep over every page sees each exercise page as a learner first does: Python still
# starting. Web Workers are stubbed out so that no page boots Pyodide: booting it on 28 pages
# would double the sweep's time on two cores, and axe would race the exercise's changing
# progress text. The exercise once Python is ready is audited by tests/test_live_browser.py,
# and the dark-mode test below runs one exercise page with its real worker.
PYTHON_NOT_STARTED = """
window.Worker = class {
    postMessage() {}
    terminate() {}
    addEventListener() {}
    removeEventListener() {}
};
"""


def test_blocking_lines_name_page_rule_and_targets() -> None:
    violations = [
        {
            "id": "color-contrast",
            "impact": "serious",
            "help": "",
            "nodes": [{"impact": "serious", "target": ".sd-badge", "summary": "2.45:1"}],
        },
        {
            "id": "region",
            "impact": "moderate",
            "help": "",
            "nodes": [{"impact": "moderate", "target": "p", "summary": ""}],
        },
    ]
    assert blocking("a.html", violations) == [
        "a.html: color-contrast (serious, 1×) .sd-badge: 2.45:1"
    ]


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[tuple[Any, Watch]]:
    """One offline Chromium context for the module (a new context per test would triple the time)."""
    with browser_context() as pair:
        yield pair


@pytest.mark.browser
def test_axe_finds_nothing_serious_on_any_page(
    site: Path, base_url: str, chromium: tuple[Any, Watch]
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (scripts/setup.sh node does)"
    context, watch = chromium
    pages = book_pages(site)
    assert len(pages) >= 60, f"only {len(pages)} pages found under {site}"
    page = context.new_page()
    page.add_init_script(PYTHON_NOT_STARTED)
    found: list[str] = []
    try:
        for path in pages:
            load(page, base_url + path)
            found += blocking(path, run_axe(page))
    finally:
        page.close()
    assert not found, f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)
    assert not watch.outside, f"requests that left the machine: {watch.outside[:5]}"


@pytest.mark.browser
def test_axe_finds_nothing_serious_in_dark_mode(
    site: Path, base_url: str, chromium: tuple[Any, Watch]
) -> None:
    context, _ = chromium
    dark, _watch = new_context(context.browser, color_scheme="dark")
    page = dark.new_page()
    found: list[str] = []
    try:
        for path in DARK_PAGES:
            load(page, base_url + path)
            theme = page.evaluate("document.documentElement.dataset.theme")
            assert theme == "dark", f"{path}: the page did not follow the system's dark mode"
            found += blocking(f"{path} (dark)", run_axe(page))
    finally:
        close_quietly("closing the dark-mode context", dark.close)
    assert not found, f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)


# --- phone ---------------------------------------------------------------------------------------

# `width` is the screen's width, passed in: with a phone's emulation, Chromium zooms out to fit a
# page that is too wide, and window.innerWidth grows with it, so it cannot be the yardstick.
OVERFLOW_JS = """(width) => {
    // Elements whose box runs past the right edge of the screen, except inside a container
    // that scrolls sideways on purpose (code blocks, wide tables).
    const vw = width;
    const scrolls = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const x = getComputedStyle(a).overflowX;
            if (x === 'auto' || x === 'scroll') return true;
        }
        return false;
    };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
    const over = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.right <= vw + 0.5) continue;
        if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        if (scrolls(el)) continue;
        over.push(`${name(el)} ends at ${Math.round(r.right)} px`);
    }
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
            width, over};
}"""


@pytest.mark.browser
def test_overflow_check_sees_a_wide_box_but_not_a_scrolling_one(
    chromium: tuple[Any, Watch],
) -> None:
    """The phone check below can fail: a 600 px box on a 390 px screen is found, the same box
    inside a code block that scrolls sideways is not."""
    context, _ = chromium
    phone = context.browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        page = phone.new_page()
        page.set_content(
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<div style="overflow-x:auto"><pre id="ok" style="width:600px">code</pre></div>'
            '<p id="wide" style="width:600px">text</p>'
        )
        found = page.evaluate(OVERFLOW_JS, PHONE["width"])
    finally:
        close_quietly("closing the phone context", phone.close)
    assert found["scrollWidth"] > PHONE["width"]
    assert [o.split(" ")[0] for o in found["over"]] == ["p#wide"], found["over"]


@pytest.mark.browser
@pytest.mark.parametrize("which", list(PHONE_PAGES))
def test_phone_has_no_sideways_overflow(
    which: str, site: Path, base_url: str, chromium: tuple[Any, Watch]
) -> None:
    context, _ = chromium
    path = PHONE_PAGES[which]
    assert (site / path).is_file(), f"{path} was not built"
    phone = context.browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    try:
        page = phone.new_page()
        load(page, base_url + path)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"phone-{which}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 5_000, f"{shot.name} looks blank"
        found = page.evaluate(OVERFLOW_JS, PHONE["width"])
    finally:
        close_quietly("closing the phone context", phone.close)
    assert found["scrollWidth"] <= found["width"] and found["innerWidth"] <= found["width"], (
        f"{path} at 390 px is {found['scrollWidth']} px wide (window {found['innerWidth']} px); "
        f"past the edge: {found['over'][:10]}"
    )
    assert not found["over"], (
        f"{path} at 390 px: elements past the right edge: {found['over'][:10]}"
    )


# --- weight --------------------------------------------------------------------------------------


def page_weight(context: Any, url: str) -> dict[str, int]:
    """Bytes of every response a page loads with an empty cache, by path."""
    sizes: dict[str, int] = {}
    page = context.new_page()

    def record(response: Any) -> None:
        with suppress(Exception):  # a redirect or an aborted request has no body
            sizes[response.url.split("?")[0]] = len(response.body())

    page.on("response", record)
    try:
        load(page, url)
    finally:
        page.close()
    return sizes


@pytest.mark.browser
def test_a_lesson_page_loads_only_what_it_uses(
    site: Path, base_url: str, chromium: tuple[Any, Watch]
) -> None:
    context, _ = chromium
    fresh, _watch = new_context(context.browser)  # empty cache: the first page a learner opens
    try:
        sizes = page_weight(fresh, base_url + LESSON_PAGE)
    finally:
        close_quietly("closing the empty-cache context", fresh.close)
    report = json.dumps(dict(sorted(sizes.items(), key=lambda kv: -kv[1])[:12]), indent=1)
    assert not [u for u in sizes if u.endswith("fontawesome.js")], (
        f"{LESSON_PAGE} loads Font Awesome's JavaScript:\n{report}"
    )
    assert not [u for u in sizes if "/mathjax/" in u], f"{LESSON_PAGE} loads MathJax:\n{report}"
    assert not [u for u in sizes if "embed-amd" in u], (
        f"{LESSON_PAGE} loads the widget manager:\n{report}"
    )
    total = sum(sizes.values())
    assert total <= LESSON_BUDGET_BYTES, f"{LESSON_PAGE} loads {total} bytes:\n{report}"


def test_mathjax_only_on_pages_with_math(site: Path) -> None:
    """Sphinx adds MathJax only to pages with math; no page of the course has any today, so a
    page that loads it pays 1 MB for nothing (unless it really shows a formula)."""
    pages = book_pages(site)
    with_mathjax = [p for p in pages if "mathjax/tex-mml-chtml.js" in (site / p).read_text("utf-8")]
    with_math = [p for p in pages if 'class="math' in (site / p).read_text("utf-8")]
    assert sorted(with_mathjax) == sorted(with_math), (
        f"MathJax on {sorted(set(with_mathjax) - set(with_math))}; "
        f"math without MathJax on {sorted(set(with_math) - set(with_mathjax))}"
    )


def test_every_page_has_our_favicon(site: Path) -> None:
    """Without one, every page's first visit asks for /favicon.ico and gets a 404."""
    for path in book_pages(site):
        html = (site / path).read_text(encoding="utf-8")
        assert 'rel="icon"' in html and "skischool-favicon.svg" in html, f"{path}: no favicon link"
    icon = ElementTree.parse(site / "_static" / "skischool-favicon.svg").getroot()
    assert icon.tag == "{http://www.w3.org/2000/svg}svg" and icon.get("viewBox"), icon.attrib
