"""The built book: it builds without a single warning, and its pages work offline.

One session fixture (``book_build`` in ``conftest.py``, shared with the other book tests) builds
the book once, with the same script a person uses (``scripts/build.sh``), into a temporary folder.
If that build fails, every test here fails and shows the build log.

"Works offline" is checked statically on the built HTML and CSS:

* nothing is loaded from outside the site (no CDN, web fonts, analytics, thebe);
* every asset a page or stylesheet refers to exists on disk (a 404 is a bug);
* the widget manager, its fonts and RequireJS are served from the site itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from .conftest import ROOT, Build

EXERCISE_PAGE = "exercises/bunny-hill/01-first-reply.html"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"

# <link rel=...> values that make the browser fetch something (others, like next/prev, are links).
FETCHING_LINK_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
}
# tag -> attributes whose URL the browser loads by itself (plain <a href> is a link, not a load)
FETCHING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE)
CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""", re.IGNORECASE)
# Sphinx's own warnings ("path:line: WARNING: ..." or "WARNING: ..."), not a kernel's log lines
# such as "[IPKernelApp] WARNING | ...".
SPHINX_WARNING_RE = re.compile(r"(^|: )(WARNING|ERROR|CRITICAL): ", re.MULTILINE)


# --- parsing helpers ---------------------------------------------------------------------------


@dataclass
class Ref:
    tag: str
    attr: str
    url: str


class PageParser(HTMLParser):
    """Collects the URLs a page makes the browser fetch, inline CSS, and <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[Ref] = []
        self.inline_css: list[str] = []
        self.scripts: list[dict[str, str]] = []  # attributes + "body"
        self._in_script: dict[str, str] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & FETCHING_LINK_RELS and a.get("href"):
                self.refs.append(Ref(tag, "href", a["href"]))
        for attr in FETCHING_ATTRS.get(tag, ()):
            value = a.get(attr)
            if not value:
                continue
            if attr == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append(Ref(tag, attr, candidate.strip().split()[0]))
            else:
                self.refs.append(Ref(tag, attr, value))
        if a.get("style"):
            self.inline_css.append(a["style"])
        if tag == "script":
            self._in_script = {**a, "body": ""}
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append(self._in_script)
            self._in_script = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script["body"] += data
        elif self._in_style:
            self.inline_css.append(data)


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


# live/ holds JupyterLite (the notebook form of each exercise), a JupyterLab build whose bundles
# name CDNs as defaults it never uses here; its offline proof is the browser test
# (tests/test_live_browser.py) plus the checks on its configuration in tests/test_build_live.py.
# The live exercises' own script and stylesheet are in _static/ and are checked here.


def _ours(site: Path, path: Path) -> bool:
    return path.relative_to(site).parts[0] != "live"


def pages(site: Path) -> list[Path]:
    """Every HTML page of the site (not the theme's template snippets under _static/)."""
    found = [
        p
        for p in sorted(site.rglob("*.html"))
        if p.relative_to(site).parts[0] not in {"_static", "_sources", "_images"} and _ours(site, p)
    ]
    assert found, f"no HTML pages under {site}"
    return found


def css_files(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.css")) if _ours(site, p)]


def css_refs(css: str) -> list[str]:
    urls = [m.group(2).strip() for m in CSS_URL_RE.finditer(css)]
    urls += [m.group(1).strip() for m in CSS_IMPORT_RE.finditer(css)]
    return [u for u in urls if u]


def is_external(url: str) -> bool:
    """True for anything the browser would fetch from another host (scheme or //host)."""
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = urlsplit(url).scheme.lower()
    return scheme not in {"", "data", "blob", "about"}


def local_target(base_file: Path, url: str, site: Path) -> Path | None:
    """The file a same-site URL points at, or None for data:, fragments, etc."""
    if is_external(url) or urlsplit(url).scheme:
        return None
    path = unquote(urlsplit(url).path)
    if not path:
        return None  # "#fragment" or "?query" only
    if path.startswith("/"):
        return site / path.lstrip("/")
    return (base_file.parent / path).resolve()


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.book
def test_build_succeeds_with_zero_warnings(book_build: Build) -> None:
    assert book_build.returncode == 0, f"jupyter-book build failed:\n{book_build.log}"
    warnings = [m.group(0) for m in SPHINX_WARNING_RE.finditer(book_build.log)]
    assert not warnings, f"the build printed warnings:\n{book_build.log}"
    assert "build succeeded" in book_build.log, book_build.log


@pytest.mark.book
def test_build_prints_a_summary_and_keeps_the_noise_in_a_log(book_build: Build) -> None:
    """Thousands of Sphinx and kernel lines belong in _build/logs/build.log, not the terminal."""
    lines = [line for line in book_build.terminal.splitlines() if line.strip()]
    assert len(lines) <= 20, book_build.terminal
    assert "TCP without encryption" not in book_build.terminal
    assert any("build: jupyter-book build" in line and "done in" in line for line in lines), lines


@pytest.mark.book
def test_expected_pages_are_built(site: Path) -> None:
    for page in (
        "index.html",
        "book/intro.html",
        "book/how-to-use.html",
        "book/course-map.html",
        "book/ideas-map.html",
        "book/glossary.html",
        "book/rubric-format.html",
        "book/references.html",
        "book/acknowledgements.html",
        EXERCISE_PAGE,
    ):
        assert (site / page).is_file(), f"{page} was not built"


@pytest.mark.book
def test_pages_load_nothing_from_outside_the_site(site: Path) -> None:
    problems = []
    for page in pages(site):
        parsed = parse_page(page)
        name = page.relative_to(site)
        for ref in parsed.refs:
            if is_external(ref.url):
                problems.append(f"{name}: <{ref.tag} {ref.attr}={ref.url!r}>")
        for css in parsed.inline_css:
            problems += [f"{name}: inline CSS loads {u!r}" for u in css_refs(css) if is_external(u)]
        for script in parsed.scripts:
            kind = script.get("type", "text/javascript").lower()
            if kind in {"", "text/javascript", "application/javascript", "module"}:
                # e.g. sphinx-thebe's `const THEBE_JS_URL = "https://unpkg.com/..."`
                for url in re.findall(
                    r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'"`]*""", script["body"]
                ):
                    problems.append(f"{name}: inline script mentions {url!r}")
    assert not problems, "pages load from outside the site:\n" + "\n".join(problems)


@pytest.mark.book
def test_stylesheets_load_nothing_from_outside_the_site(site: Path) -> None:
    problems = []
    for css in css_files(site):
        for url in css_refs(css.read_text(encoding="utf-8", errors="replace")):
            if is_external(url):
                problems.append(f"{css.relative_to(site)}: {url}")
    assert not problems, "stylesheets load from outside the site:\n" + "\n".join(problems)


@pytest.mark.book
def test_every_local_asset_exists(site: Path) -> None:
    missing = []
    for page in pages(site):
        parsed = parse_page(page)
        urls = [r.url for r in parsed.refs] + [u for c in parsed.inline_css for u in css_refs(c)]
        for url in urls:
            target = local_target(page, url, site)
            if target is not None and not target.is_file():
                missing.append(f"{page.relative_to(site)} -> {url}")
    for css in css_files(site):
        for url in css_refs(css.read_text(encoding="utf-8", errors="replace")):
            target = local_target(css, url, site)
            if target is not None and not target.is_file():
                missing.append(f"{css.relative_to(site)} -> {url}")
    assert not missing, "referenced but not in the built site (404s):\n" + "\n".join(missing)


@pytest.mark.book
def test_exercise_pages_hold_live_exercises_and_only_they_load_the_script(site: Path) -> None:
    """Each exercise page carries its exercises as HTML with the live script; no other page does.

    No widget state anywhere: the 4 MB widget manager is loaded by no page of the book.
    """
    exercise_pages, problems = 0, []
    for page in pages(site):
        parsed = parse_page(page)
        rel = page.relative_to(site).as_posix()
        srcs = [s.get("src", "") for s in parsed.scripts]
        live_js = sum("/skischool-live.js" in s for s in srcs)
        sections = page.read_text(encoding="utf-8").count('<section class="ss-live"')
        if any(s.get("type") == WIDGET_STATE_MIME for s in parsed.scripts):
            problems.append(f"{rel} holds widget state")
        if rel.startswith("exercises/") and not rel.endswith("index.html"):
            exercise_pages += 1
            if sections == 0 or live_js != 1:
                problems.append(f"{rel}: {sections} live exercises, script loaded {live_js} times")
        elif sections or live_js:
            problems.append(f"{rel} is not an exercise page but loads the live exercise script")
    assert exercise_pages >= 25
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_live_exercise_buttons_are_disabled_in_the_page_as_built(site: Path) -> None:
    """Before the page's script runs, Check is disabled and the line under it says why."""
    html = (site / EXERCISE_PAGE).read_text(encoding="utf-8")
    buttons = re.findall(r'<button type="button" class="ss-check"[^>]*>', html)
    assert buttons and all("disabled" in b for b in buttons), buttons
    assert "Check needs Python" in html
    assert re.search(r'<label class="ss-label" for="ss-[^"]+-text">Your (reply|post)</label>', html)


@pytest.mark.book
def test_widget_scripts_only_on_widget_pages(site: Path) -> None:
    # Jupyter Book adds every .js under a source `_static/` folder to *every* page; the vendored
    # files must stay out of that (they are 4 MB and would load twice on widget pages). A page
    # loads the widget manager exactly when it holds widget state (today none does: exercises
    # are live HTML; a widget added to a lesson would load the vendored copy, never a CDN).
    problems: list[str] = []
    for page in pages(site):
        parsed = parse_page(page)
        has_state = any(s.get("type") == WIDGET_STATE_MIME for s in parsed.scripts)
        srcs = " ".join(s.get("src", "") for s in parsed.scripts)
        loads = {name for name in ("embed-amd.js", "require.js") if name in srcs}
        if has_state and len(loads) != 2:
            problems.append(f"{page.relative_to(site)} has widgets but loads only {sorted(loads)}")
        if not has_state and loads:
            problems.append(f"{page.relative_to(site)} has no widgets but loads {sorted(loads)}")
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_widget_fonts_resolve_next_to_embed_amd(site: Path) -> None:
    """The font-404 class of bug: embed-amd.js builds its font URLs at run time."""
    folder = site / "_static" / "html-manager"
    js = (folder / "embed-amd.js").read_text(encoding="utf-8")
    assets = set(re.findall(r"""\.p\+"([0-9a-f]+\.(?:woff2?|ttf|eot|svg))\"""", js))
    assert assets, "found no font assets in embed-amd.js (did its bundle format change?)"
    missing = sorted(a for a in assets if not (folder / a).is_file())
    assert not missing, f"fonts embed-amd.js asks for, missing next to it: {missing}"
    # Without the prologue scripts/vendor.sh adds, the fonts are requested relative to the page.
    assert "requirejs.config" in js.split("define(", 1)[0], "the font path fix is missing"


@pytest.mark.book
def test_mathjax_is_served_locally(site: Path) -> None:
    # No page has math yet, so check the vendored copy Sphinx would point at.
    mathjax = site / "_static" / "mathjax"
    assert (mathjax / "tex-mml-chtml.js").is_file()
    fonts = list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert fonts, "MathJax's CHTML fonts are missing"
    for page in pages(site):
        for script in parse_page(page).scripts:
            if "mathjax" in script.get("src", "").lower():
                assert not is_external(script["src"]), f"{page}: {script['src']}"


class _LinkParser(HTMLParser):
    """Every <a href> on a page, and whether it sits inside an inline <svg>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "svg":
            self._svg += 1
        elif tag == "a" and a.get("href"):
            self.links.append((a["href"], self._svg > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg = max(0, self._svg - 1)


@pytest.mark.book
def test_course_map_runs_link_to_every_level(site: Path) -> None:
    page = site / "book" / "course-map.html"
    parser = _LinkParser()
    parser.feed(page.read_text(encoding="utf-8"))
    in_map = [href for href, in_svg in parser.links if in_svg]
    levels = ("bunny-hill", "green-circle", "blue-square", "black-diamond", "locals")
    for level in levels:
        hrefs = [h for h in in_map if f"lessons/{level}/index.html" in h]
        assert hrefs, f"the course map has no run linking to the {level} level: {in_map}"
        target = local_target(page, hrefs[0], site)
        assert target is not None and target.is_file(), f"the map's {level} link is broken"


@pytest.mark.book
def test_ideas_map_lists_every_seed_idea(site: Path) -> None:
    ideas = yaml.safe_load((ROOT / "book" / "seed-ideas.yml").read_text(encoding="utf-8"))
    html = (site / "book" / "ideas-map.html").read_text(encoding="utf-8")
    for bad in ("Traceback", "output traceback", "output stderr"):
        assert bad not in html, f"the ideas map's code cell printed an error ({bad!r})"
    rows = re.findall(r"<tr[ >]", html.split("<tbody", 1)[-1])
    assert len(rows) == len(ideas), f"the ideas table has {len(rows)} rows, want {len(ideas)}"
