"""What a learner actually sees: the built book in a real, offline, headless browser.

The built site (the shared ``book_build`` fixture) is served on 127.0.0.1 from a thread, and
Debian's Chromium takes screenshots of a lesson page and an exercise page at a phone and a
desktop size. They are kept in ``test-artifacts/screenshots/`` for a person to look at.

The checks are deliberately simple, but each can fail:

* every screenshot is a real PNG of the requested width, with some weight and many colours
  (a blank, white or single-colour page fails);
* on the exercise page, after the page's JavaScript has run, the live exercise's script has
  added the progress panel, which the page's static HTML does not have: the script ran,
  offline. (What it does after that is tests/test_live_browser.py's job.)

Chromium is told that every host except 127.0.0.1 does not exist, so nothing can be fetched
from the internet. Without Chromium the tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .browser import chromium_path, serve
from .conftest import ROOT, Build

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
EXERCISE_PAGE = "exercises/bunny-hill/01-first-reply.html"
PREFERRED_LESSON_PAGE = "lessons/blue-square/index.html"
VIEWPORTS = {"phone": (390, 1600), "desktop": (1280, 1400)}
REPLY_PLACEHOLDER = "Write your reply here"
CHROMIUM_TIMEOUT_S = 120
MIN_PNG_BYTES = 8_000
MIN_COLOURS = 8  # distinct colours among the sampled pixels


# --- a tiny PNG reader (standard library only; PIL is not a dependency) ------------------------


@dataclass
class Png:
    width: int
    height: int
    channels: int
    rows: list[bytes]  # unfiltered scanlines, `channels` bytes per pixel

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        i = x * self.channels
        return tuple(self.rows[y][i : i + self.channels])


CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (8-bit, no palette)


def read_png(data: bytes) -> Png:
    """Decode an 8-bit greyscale/RGB(A) PNG, the kind Chromium writes."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(
            f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}"
        )
    bpp = CHANNELS[colour]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
            elif kind != 0:
                raise ValueError(f"bad PNG filter {kind} on row {y}")
        rows.append(bytes(line))
        prev = line
    return Png(width, height, bpp, rows)


def sample_colours(png: Png, grid: int = 24) -> set[tuple[int, ...]]:
    return {
        png.pixel(
            min(png.width - 1, gx * png.width // grid), min(png.height - 1, gy * png.height // grid)
        )
        for gx in range(grid)
        for gy in range(grid)
    }


def _png_bytes(width: int, height: int, rgb: tuple[int, int, int], filt: int = 0) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = bytes([filt]) + bytes(rgb) + (bytes(3) if filt == 1 else bytes(rgb)) * (width - 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def test_png_reader_decodes_and_unfilters() -> None:
    png = read_png(_png_bytes(5, 3, (10, 200, 30)))
    assert (png.width, png.height, png.channels) == (5, 3, 3)
    assert sample_colours(png) == {(10, 200, 30)}
    # filter 1 (Sub): every pixel adds the one to its left, so zero deltas repeat the first
    sub = read_png(_png_bytes(4, 2, (1, 2, 3), filt=1))
    assert sub.pixel(3, 1) == (1, 2, 3)
    with pytest.raises(ValueError):
        read_png(b"GIF89a")


# --- serving the site and driving Chromium ----------------------------------------------------


@pytest.fixture(scope="module")
def built(book_build: Build) -> Path:
    """The built site; the pages these tests need must exist even if the build warned."""
    html = book_build.html
    if not (html / EXERCISE_PAGE).is_file():
        pytest.fail(
            f"{EXERCISE_PAGE} was not built (exit {book_build.returncode}):\n{book_build.log}",
            pytrace=False,
        )
    return html


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    with serve(built) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_path()


def run_chromium(chromium: str, tmp: Path, *args: str, size: tuple[int, int] = (1280, 1400)) -> str:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--virtual-time-budget=8000",
        f"--window-size={size[0]},{size[1]}",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S)
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc.stdout


def lesson_page(built: Path) -> str:
    if (built / PREFERRED_LESSON_PAGE).is_file():
        return PREFERRED_LESSON_PAGE
    lessons = sorted(built.glob("lessons/*/[0-9]*.html"))
    if not lessons:
        pytest.fail("the site has no lesson pages (lessons/<level>/NN-slug.html)", pytrace=False)
    return lessons[0].relative_to(built).as_posix()


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.book
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("which", ["lesson", "exercise"])
def test_screenshot_shows_a_real_page(
    which: str, viewport: str, built: Path, base_url: str, chromium: str, tmp_path: Path
) -> None:
    page = EXERCISE_PAGE if which == "exercise" else lesson_page(built)
    width, height = VIEWPORTS[viewport]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{which}-{viewport}.png"
    out.unlink(missing_ok=True)
    run_chromium(chromium, tmp_path, f"--screenshot={out}", base_url + page, size=(width, height))
    assert out.is_file(), f"chromium wrote no screenshot of {page}"
    data = out.read_bytes()
    assert len(data) >= MIN_PNG_BYTES, f"{out.name} is only {len(data)} bytes: a blank page?"
    png = read_png(data)
    assert png.width == width, f"{out.name} is {png.width} px wide, asked for {width}"
    colours = sample_colours(png)
    assert len(colours) >= MIN_COLOURS, (
        f"{out.name} ({page}) has only {len(colours)} colours in a 24x24 sample: "
        f"a blank or unstyled page? {sorted(colours)[:5]}"
    )


class _LiveFinder(HTMLParser):
    """Live exercises and the progress panel in a DOM dump."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.exercises = 0
        self.panels = 0
        self.labelled_boxes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = set(a.get("class", "").split())
        self.exercises += tag == "section" and "ss-live" in classes
        self.panels += "ss-progress-panel" in classes
        self.labelled_boxes += tag == "textarea" and "ss-text" in classes


@pytest.mark.browser
@pytest.mark.book
def test_the_live_exercise_script_runs_in_the_browser(
    built: Path, base_url: str, chromium: str, tmp_path: Path
) -> None:
    static = (built / EXERCISE_PAGE).read_text(encoding="utf-8")
    before = _LiveFinder()
    before.feed(static)
    assert before.exercises >= 1 and before.labelled_boxes >= 1, "no live exercise in the page"
    assert before.panels == 0, "the static page already has the panel: this test proves nothing"

    dom = run_chromium(chromium, tmp_path, "--dump-dom", base_url + EXERCISE_PAGE)
    after = _LiveFinder()
    after.feed(dom)
    assert after.panels == 1, "the live exercise's script did not run (no progress panel)"
    assert after.exercises == before.exercises
