"""The practice room's build (scripts/build_lite.py) and what it puts in the built site.

The unit tests read the repository's own pages; the site tests use the shared book build and
check, without a browser, what the browser tests rely on: Pyodide and every kernel wheel are
served locally with matching hashes, PyPI fallback is off, the engine's wheel is pure, every
exercise page has its notebook, rubrics and catalogue entry, and every exercise page in the book
has a "Practise live" button that points at it. Ordinary pages do not load the runtime.
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
from urllib.parse import urljoin, urlsplit

import pytest

from skischool import load_rubric
from skischool.live import Catalogue

from .conftest import ROOT


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_lite = _load("build_lite", ROOT / "scripts" / "build_lite.py")
practise_live = _load("practise_live", ROOT / "book" / "_ext" / "practise_live.py")

EXERCISE_SOURCES = sorted((ROOT / "exercises").glob("*/*.md"))


# --- reading the book's exercise pages -------------------------------------------------------


def test_every_exercise_page_becomes_a_live_page_in_book_order() -> None:
    pages = build_lite.exercise_pages()
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
def test_a_page_the_room_cannot_use_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _page_file(tmp_path, text)
    with pytest.raises(build_lite.LiteBuildError, match=re.escape(message)) as info:
        build_lite._read_page(tmp_path, "exercises/x-level/01-a", "Level 9")
    assert str(path) in str(info.value)


def test_notebook_is_plain_and_uses_the_browser_kernel() -> None:
    page = next(p for p in build_lite.exercise_pages() if p.id == "green-circle/checkpoint")
    nb = build_lite.notebook(page)
    assert nb["metadata"]["kernelspec"]["name"] == "python"  # not python3: no such kernel there
    sources = [c["source"] for c in nb["cells"]]
    assert sources[1].startswith(build_lite.INSTALL_LINE)
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
    build_lite.check_site(tmp_path)
    config("https://cdn.jsdelivr.net/pyodide/v0.29.0/full/pyodide.mjs", True)
    with pytest.raises(build_lite.LiteBuildError, match="CDN"):
        build_lite.check_site(tmp_path)
    config("./static/pyodide.mjs", False)
    with pytest.raises(build_lite.LiteBuildError, match="disablePyPIFallback"):
        build_lite.check_site(tmp_path)


@pytest.mark.parametrize(
    ("docname", "href"),
    [
        (
            "exercises/bunny-hill/01-first-reply",
            "../../lite/practise.html#bunny-hill/01-first-reply",
        ),
        ("exercises/locals/checkpoint", "../../lite/practise.html#locals/checkpoint"),
    ],
)
def test_practise_live_link_is_relative_to_the_page(docname: str, href: str) -> None:
    assert practise_live.live_href(docname) == href


@pytest.mark.parametrize("docname", ["lessons/bunny-hill/index", "exercises/x", "exercises/A/b"])
def test_practise_live_is_refused_outside_an_exercise_page(docname: str) -> None:
    with pytest.raises(ValueError, match="exercises/<level>/<page>"):
        practise_live.live_href(docname)


# --- the built site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lite(site: Path) -> Path:
    path = site / "lite"
    assert (path / "practise.html").is_file(), "the book build made no practice room"
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pyodide_and_kernel_wheels_are_local_with_matching_hashes(lite: Path) -> None:
    build_lite.check_site(lite)
    folder = lite / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    local = {n: e for n, e in lock["packages"].items() if (folder / e["file_name"]).is_file()}
    for name in build_lite.KERNEL_START:
        assert name in local, f"{name} is not served by the site"
    for name, entry in local.items():
        assert entry["sha256"] == _sha256(folder / entry["file_name"]), name
    assert len(local) >= 15


def test_piplite_index_serves_the_engine_and_widgets(lite: Path) -> None:
    index = json.loads((lite / "pypi" / "all.json").read_text(encoding="utf-8"))
    assert {"skischool", "ipywidgets", "comm", "jupyterlab-widgets"} <= set(index)
    for releases in index.values():
        for files in releases["releases"].values():
            for f in files:
                assert (lite / "pypi" / f["url"]).is_file(), f["url"]
    engine = next((lite / "pypi").glob("skischool-*-py3-none-any.whl"))
    with zipfile.ZipFile(engine) as wheel:
        names = wheel.namelist()
        meta = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "skischool/live/__init__.py" in names
    hard = [
        ln for ln in meta.splitlines() if ln.startswith("Requires-Dist") and "extra ==" not in ln
    ]
    assert hard == [], "the browser engine must install without compiled dependencies"


def test_every_exercise_page_has_its_notebook_rubrics_and_catalogue_entry(lite: Path) -> None:
    files = lite / "files" / "exercises"
    catalogue = Catalogue.load(files / "catalogue.json")
    assert len(catalogue.exercises) == len(EXERCISE_SOURCES)
    for exercise in catalogue.exercises:
        level, page = exercise.id.split("/")
        nb = json.loads((files / level / f"{page}.ipynb").read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python"
        for path in catalogue.rubric_paths(exercise):
            compiled = load_rubric(path)
            original = load_rubric(ROOT / "exercises" / level / path.with_suffix(".yaml").name)
            assert compiled.id == original.id and compiled.title == original.title


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[dict[str, str | None]] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and "ss-practise-live" in (a.get("class") or ""):
            self.live.append(a)
        for name in ("src", "href"):
            if tag in {"script", "link", "iframe", "img"} and a.get(name):
                self.loads.append(a[name] or "")


def test_every_exercise_page_has_one_practise_live_button(site: Path, lite: Path) -> None:
    catalogue = Catalogue.load(lite / "files" / "exercises" / "catalogue.json")
    for source in EXERCISE_SOURCES:
        rel = source.relative_to(ROOT).with_suffix(".html").as_posix()
        parser = _Links()
        parser.feed((site / rel).read_text(encoding="utf-8"))
        assert len(parser.live) == 1, rel
        button = parser.live[0]
        assert button["target"] == "skischool-live"
        url = urlsplit(urljoin(f"http://h/{rel}", button["href"] or ""))
        assert url.path == "/lite/practise.html", rel
        assert catalogue.get(url.fragment) is not None, url.fragment
        assert "Practise live" in (site / rel).read_text(encoding="utf-8")


def test_ordinary_pages_do_not_load_the_runtime(site: Path) -> None:
    for page in [*site.glob("lessons/*/*.html"), *site.glob("exercises/*/*.html")]:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not [u for u in parser.loads if "lite/" in u or "pyodide" in u], page


def test_an_unchanged_room_is_not_rebuilt(lite: Path) -> None:
    stamp = (lite / ".skischool-inputs.sha256").read_text()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_lite.py"), "--output", str(lite)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "is up to date" in proc.stdout
    assert (lite / ".skischool-inputs.sha256").read_text() == stamp
