"""The live exercises' build (scripts/build_live.py) and what it puts in the built site.

The unit tests read the repository's own pages; the site tests use the shared book build and
check, without a browser, what the browser tests rely on: Pyodide and every kernel wheel are
served locally with matching hashes, PyPI fallback is off, the engine's wheel is pure, every
live exercise on every page has its compiled rubric where the page's worker looks for it, and
every page has its notebook form. Ordinary pages do not load the runtime.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest

from skischool import load_rubric
from skischool.live.page import KEY_RE

from .conftest import ROOT


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_live = _load("build_live", ROOT / "scripts" / "build_live.py")

EXERCISE_SOURCES = sorted((ROOT / "exercises").glob("*/*.md"))


# --- reading the book's exercise pages -------------------------------------------------------


def test_the_live_site_serves_the_course_models_pages_in_book_order() -> None:
    model = build_live.course()
    assert {p.path for p in model.pages} == set(EXERCISE_SOURCES)
    numbers = [model.level(p.level).number for p in model.pages]
    assert numbers == sorted(numbers) and numbers[0] == 1 and numbers[-1] == len(model.levels)


def test_a_course_with_problems_is_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    from skischool.course import Course
    from skischool.errors import Problem

    real = Course.problems
    monkeypatch.setattr(
        Course, "problems", lambda self: [*real(self), Problem("x.yaml", 3, 1, "title", "drift")]
    )
    with pytest.raises(build_live.LiveBuildError, match=r"x\.yaml:3:1: title: drift"):
        build_live.course()


def test_notebook_is_plain_and_uses_the_browser_kernel() -> None:
    model = build_live.course()
    page = model.page("green-circle/checkpoint")
    nb = build_live.notebook(page, model.level("green-circle"))
    assert nb["metadata"]["kernelspec"]["name"] == "python"  # not python3: no such kernel there
    sources = [c["source"] for c in nb["cells"]]
    assert sources[1].startswith(build_live.INSTALL_LINE)
    calls = [s for s in sources if s.startswith("exercise(")]
    assert calls == [
        f'exercise("{ex.key.split("/")[1]}.json", page="green-circle/checkpoint")'
        for ex in page.exercises
    ]
    assert len(calls) == 3
    text = "\n".join(sources)
    assert "{doc}" not in text and "```{" not in text and "{bdg" not in text
    assert "*Level 2 · Green Circle.*" in sources[0]
    assert "../../../exercises/green-circle/checkpoint.html" in sources[0]
    for ex in page.exercises:  # each exercise under its page heading
        assert f"## {ex.heading}" in sources


def test_check_site_refuses_a_cdn_or_pypi_fallback(tmp_path: Path) -> None:
    def config(url: str, fallback: object) -> None:
        settings = {"pyodideUrl": url, "disablePyPIFallback": fallback}
        data = {
            "jupyter-config-data": {
                "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": settings}
            }
        }
        (tmp_path / "jupyter-lite.json").write_text(json.dumps(data))

    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "pyodide.mjs").write_text("")
    config("./static/pyodide.mjs", True)
    build_live.check_site(tmp_path)
    config("https://cdn.jsdelivr.net/pyodide/v0.29.0/full/pyodide.mjs", True)
    with pytest.raises(build_live.LiveBuildError, match="CDN"):
        build_live.check_site(tmp_path)
    config("./static/pyodide.mjs", False)
    with pytest.raises(build_live.LiveBuildError, match="disablePyPIFallback"):
        build_live.check_site(tmp_path)


# --- the built site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(site: Path) -> Path:
    path = site / "live"
    assert (path / "engine.json").is_file(), "the book build made no live/ folder"
    return path


def test_the_engine_manifest_names_this_builds_wheel_and_snapshot(live: Path) -> None:
    """The worker trusts engine.json for both names: they must exist and belong together."""
    import gzip

    engine = json.loads((live / "engine.json").read_text(encoding="utf-8"))
    assert engine["format"] == build_live.ENGINE_FORMAT and engine["version"] == 1
    wheel = live / engine["wheel"]
    pypi = next((live / "pypi").glob("skischool-*-py3-none-any.whl"))
    assert wheel.read_bytes() == pypi.read_bytes(), "the worker's wheel is the notebooks' wheel"
    assert engine["wheel"] == f"skischool-{_sha256(wheel)[:16]}.whl"
    packed = (live / engine["snapshot"]).read_bytes()
    assert engine["snapshot"] == f"python-{hashlib.sha256(packed).hexdigest()[:16]}.snapshot.gz"
    assert len(gzip.decompress(packed)) > 10_000_000  # Python's memory, not an empty file
    npm = json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text())
    assert engine["pyodide"] == npm["version"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pyodide_and_kernel_wheels_are_local_with_matching_hashes(live: Path) -> None:
    build_live.check_site(live)
    folder = live / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    local = {n: e for n, e in lock["packages"].items() if (folder / e["file_name"]).is_file()}
    for name in build_live.KERNEL_START:
        assert name in local, f"{name} is not served by the site"
    for name, entry in local.items():
        assert entry["sha256"] == _sha256(folder / entry["file_name"]), name
    assert len(local) >= 15


def test_piplite_index_serves_the_engine_and_widgets(live: Path) -> None:
    index = json.loads((live / "pypi" / "all.json").read_text(encoding="utf-8"))
    assert {"skischool", "ipywidgets", "comm", "jupyterlab-widgets"} <= set(index)
    for releases in index.values():
        for files in releases["releases"].values():
            for f in files:
                assert (live / "pypi" / f["url"]).is_file(), f["url"]
    engine = next((live / "pypi").glob("skischool-*-py3-none-any.whl"))
    with zipfile.ZipFile(engine) as wheel:
        names = wheel.namelist()
        meta = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "skischool/live/__init__.py" in names
    hard = [
        ln for ln in meta.splitlines() if ln.startswith("Requires-Dist") and "extra ==" not in ln
    ]
    assert hard == [], "the browser engine must install without compiled dependencies"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("class") == "ss-live":
            self.keys.append(a.get("data-ss-rubric") or "")
        for name in ("src", "href"):
            if tag in {"script", "link", "iframe", "img"} and a.get(name):
                self.loads.append(a[name] or "")


def test_every_live_exercise_finds_its_rubric_and_every_page_its_notebook(
    site: Path, live: Path
) -> None:
    """What the page's worker fetches exists, and is the same rubric as the YAML beside the page."""
    total = 0
    for source in EXERCISE_SOURCES:
        rel = source.relative_to(ROOT).with_suffix(".html").as_posix()
        parser = _Page()
        parser.feed((site / rel).read_text(encoding="utf-8"))
        assert parser.keys, f"{rel} holds no live exercise"
        for key in parser.keys:
            assert KEY_RE.fullmatch(key), key
            # The learner edition ships rubrics without their examples (tests/test_editions.py).
            compiled = load_rubric(live / "rubrics" / f"{key}.json", require_examples=False)
            original = load_rubric(ROOT / "exercises" / f"{key}.yaml")
            assert compiled.id == original.id and compiled.title == original.title
            total += 1
        assert any("skischool-live.js" in u for u in parser.loads), rel
        level, page = source.parent.name, source.stem
        nb = json.loads((live / "files" / "exercises" / level / f"{page}.ipynb").read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python"
    assert total >= len(EXERCISE_SOURCES)


def test_the_built_course_file_and_pages_name_the_course_and_each_page(
    site: Path, live: Path
) -> None:
    """course.json reads back as the model; every live exercise records its page; the script
    tag names the course and release, so downloads can be told apart in a class report."""
    from skischool.course import Course

    model = Course.load(ROOT)
    built = Course.from_json((live / "course.json").read_text(encoding="utf-8"))
    assert [ex.key for ex in built.exercises()] == [ex.key for ex in model.exercises()]
    assert (built.id, built.release) == (model.id, model.release)
    drive = Course.from_json((live / "files" / "course.json").read_text(encoding="utf-8"))
    assert drive.id == model.id  # where progress_view() in a notebook finds the course
    for page in model.pages:
        html = (site / f"{page.docname}.html").read_text(encoding="utf-8")
        pages = re.findall(r'data-ss-page="([^"]*)"', html)
        assert pages == [page.id] * len(page.exercises), page.id
        assert (
            f'data-ss-course="{model.id}"' in html and f'data-ss-release="{model.release}"' in html
        )


def test_exercise_pages_launch_their_colab_notebook_and_lessons_do_not(site: Path) -> None:
    """The launch menu's Colab entry (book/_ext/colab_launch.py) opens colab/<page>.ipynb on
    GitHub, a file that exists in the repository; lesson pages have none."""
    from skischool.course import Course

    model = Course.load(ROOT)
    for page in model.pages:
        html = (site / f"{page.docname}.html").read_text(encoding="utf-8")
        links = re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', html)
        assert len(links) == 1, (page.id, links)
        assert links[0].endswith(f"/blob/main/colab/{page.docname}.ipynb"), links[0]
        assert (ROOT / "colab" / f"{page.docname}.ipynb").is_file()
    lesson = (site / f"{model.lessons[1].docname}.html").read_text(encoding="utf-8")
    assert "colab.research.google.com" not in lesson
    assert "mybinder.org" in lesson  # the launch menu is there, without Colab


def test_ordinary_pages_do_not_load_the_runtime(site: Path) -> None:
    """Pyodide is fetched by the worker, never by a page; lessons load nothing of it at all."""
    for page in [*site.glob("lessons/*/*.html"), *site.glob("exercises/*/*.html")]:
        parser = _Page()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not [u for u in parser.loads if "live/" in u or "pyodide" in u], page
        if page.parent.parent.name == "lessons":
            assert not [u for u in parser.loads if "skischool-live" in u], page


def test_an_unchanged_live_folder_is_not_rebuilt(live: Path) -> None:
    stamp = (live / ".skischool-inputs.sha256").read_text()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_live.py"), "--output", str(live)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "is up to date" in proc.stdout
    assert (live / ".skischool-inputs.sha256").read_text() == stamp
