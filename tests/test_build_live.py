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


def test_every_exercise_page_becomes_a_live_page_in_book_order() -> None:
    pages = build_live.exercise_pages()
    assert {p.source for p in pages} == set(EXERCISE_SOURCES)
    levels = [p.level for p in pages]
    assert levels[0].startswith("Level 1") and levels[-1].startswith("Level 5")
    assert levels == sorted(levels)  # "Level 1 · …" < "Level 2 · …": levels stay together
    for page in pages:
        assert page.rubrics, page.id
        for rubric in page.rubrics:
            assert (page.source.parent / f"{rubric}.yaml").is_file()
    checkpoints = [p for p in pages if p.id.endswith("/checkpoint")]
    assert len(checkpoints) == 5 and all(len(p.rubrics) == 3 for p in checkpoints)
    assert all(all(h for h in p.headings) for p in checkpoints)


def _page_file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "exercises" / "x-level").mkdir(parents=True)
    path = tmp_path / "exercises" / "x-level" / "01-a.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('no heading\n\nexercise("01-a.yaml")\n', "has no '# ' heading"),
        ("# Title\n\nno exercise here\n", 'no exercise("….yaml") call'),
    ],
)
def test_a_page_the_build_cannot_use_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _page_file(tmp_path, text)
    with pytest.raises(build_live.LiveBuildError, match=re.escape(message)) as info:
        build_live._read_page(tmp_path, "exercises/x-level/01-a", "Level 9")
    assert str(path) in str(info.value)


def test_notebook_is_plain_and_uses_the_browser_kernel() -> None:
    page = next(p for p in build_live.exercise_pages() if p.id == "green-circle/checkpoint")
    nb = build_live.notebook(page)
    assert nb["metadata"]["kernelspec"]["name"] == "python"  # not python3: no such kernel there
    sources = [c["source"] for c in nb["cells"]]
    assert sources[1].startswith(build_live.INSTALL_LINE)
    calls = [s for s in sources if s.startswith("exercise(")]
    assert calls == [f'exercise("{r}.json")' for r in page.rubrics]
    text = "\n".join(sources)
    assert "{doc}" not in text and "```{" not in text and "{bdg" not in text
    assert "../../../exercises/green-circle/checkpoint.html" in sources[0]


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
            compiled = load_rubric(live / "rubrics" / f"{key}.json")
            original = load_rubric(ROOT / "exercises" / f"{key}.yaml")
            assert compiled.id == original.id and compiled.title == original.title
            total += 1
        assert any("skischool-live.js" in u for u in parser.loads), rel
        level, page = source.parent.name, source.stem
        nb = json.loads((live / "files" / "exercises" / level / f"{page}.ipynb").read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python"
    assert total >= len(EXERCISE_SOURCES)


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
