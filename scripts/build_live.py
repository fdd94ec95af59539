"""Build what live exercises need into the built book (``_build/html/live``), fully offline.

    python scripts/build_live.py --output _build/html/live

The exercise pages' script (``live/web/skischool-live.js``) starts Python in a Web Worker from
``live/static/pyodide/``: it reads ``live/engine.json``, restores Python's memory from the
snapshot it names (made here, in Node, by ``scripts/live_snapshot.mjs``), unpacks the engine's
wheel it names, and reads the page's rubrics from ``live/rubrics/<level>/<name>.json``. The same folder is a JupyterLite site, so every exercise
also opens as a notebook (``live/notebooks/``), one click from its page.

What goes in (all from the package registries, at build time; nothing from a CDN at run time):

* ``live/`` (this repo): ``jupyter-lite.json`` (PyPI fallback off);
* Pyodide's core files from the npm package ``pyodide`` (node_modules, pinned in package.json);
* the pure-Python wheels the notebook kernel loads at start-up, at the exact versions Pyodide's
  lock names, downloaded once from PyPI into ``.cache/live`` with their ``sha256`` written into
  a copy of the lock (the worker needs none of them);
* JupyterLite's ``pypi/`` index: ipywidgets, comm and jupyterlab_widgets at the versions
  installed in .venv (so the widgets' Python and JavaScript halves match), and the engine's own
  wheel, which is also copied, under a name with its hash, for the worker;
* the rubrics of every exercise page and checkpoint in ``_toc.yml``, compiled to JSON, for the
  worker (``rubrics/``) and, with a notebook per page, for JupyterLite's drive (the contents).

Why a script and not jupyterlite-sphinx: the site must be assembled from vendored files in an
exact layout (local Pyodide, rewritten lock, wheels) and checked afterwards; doing it here keeps
every step visible and testable, and the Sphinx build untouched.

Two editions (``--edition``, see book/_ext/edition.py). The learner edition (the default) ships
the rubrics with their examples left out (an empty list) and the model reply sealed
(skischool.live.seal), with a key made afresh for each build that only the engine's wheel
carries. The instructor edition
ships them whole; given ``--base``, an up-to-date learner edition's live folder, it is made from
that one in seconds (everything but the rubrics is the same).

The build is skipped when nothing that goes in has changed (``--force`` rebuilds).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # the engine of this checkout, installed or not

from skischool.course import Course, ExercisePage, Level  # noqa: E402
from skischool.live.seal import new_key  # noqa: E402

LIVE_SRC = ROOT / "live"
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / ".cache" / "live"
#: Core files of the npm package that JupyterLite's kernel loads (the rest is docs and maps).
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.js",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
    "package.json",
)
#: What the Pyodide kernel loads before the first cell runs (see its worker: micropip, then
#: piplite installs ipython and jedi); their dependencies are followed through the lock.
KERNEL_START = ("micropip", "packaging", "ipython", "jedi", "parso")
#: Installed by the first cell with %pip, from JupyterLite's pypi/ folder; versions from .venv.
PIPLITE_WHEELS = ("ipywidgets", "comm", "jupyterlab_widgets")
INSTALL_LINE = "%pip install -q skischool ipywidgets"


class LiveBuildError(RuntimeError):
    """A step of the live build failed; the message says which and what to do."""


def log(message: str) -> None:
    print(f"[skischool] live: {message}", flush=True)


# --- the exercise pages ---------------------------------------------------------------------


def course() -> Course:
    """The course model (``course.yml``): its exercise pages, in book order, are what the live
    site serves; a course with authoring problems is not built."""
    model = Course.load(ROOT)
    problems = model.problems()
    if problems:
        raise LiveBuildError(
            "the course has problems (skischool course check):\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    if not model.pages:
        raise LiveBuildError(f"{ROOT / 'course.yml'}: the course has no exercise pages")
    return model


# --- contents: notebooks and rubrics --------------------------------------------------------


def _cell(kind: str, source: str, **extra: object) -> dict[str, object]:
    cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source, **extra}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def notebook(page: ExercisePage, level: Level) -> dict[str, object]:
    """A plain notebook for the page: no MyST markup, which JupyterLab would show raw."""
    depth = page.id.count("/") + 1
    book = "../" * (depth + 1) + f"exercises/{page.id}.html"
    cells = [
        _cell(
            "markdown",
            f"# {page.title}\n\n*{level.label}.* This is the notebook form of "
            f"[the exercise page in the book]({book}), running in your browser. "
            "Run the cells from the top (Shift+Enter). Attempts made here are kept in this "
            "notebook's own browser storage, apart from the book pages' store: download them "
            "here and upload the file on a book page to join the two.",
        ),
        # skischool.live.exercise saves attempts on the JupyterLite drive (browser storage).
        _cell("code", INSTALL_LINE + "\nfrom skischool.live import exercise"),
    ]
    for ex in page.exercises:
        if ex.heading and len(page.exercises) > 1:
            cells.append(_cell("markdown", f"## {ex.heading}"))
        stem = ex.key.split("/", 1)[1]
        cells.append(_cell("code", f'exercise("{stem}.json", page="{page.id}")'))
    return {
        "cells": cells,
        "metadata": {
            # The Pyodide kernel is called "python" in JupyterLite ("python3" finds no kernel).
            "kernelspec": {
                "display_name": "Python (Pyodide)",
                "language": "python",
                "name": "python",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_contents(
    model: Course, content: Path, edition: str = "learner", key: bytes = b""
) -> None:
    """Each page's notebook and its rubrics compiled to JSON. The learner edition's rubrics have
    an empty list of examples and a sealed model reply (skischool.live.seal, with ``key``); the
    instructor edition's are whole."""
    from skischool.live.seal import for_learners
    from skischool.situations import compile_yaml

    # The notebooks' drive gets the built course file at its root, so progress_view() in a
    # JupyterLite notebook finds the course (there is no course.yml in the browser).
    content.mkdir(parents=True, exist_ok=True)
    (content / COURSE_JSON).write_text(model.to_json(), encoding="utf-8")
    for page in model.pages:
        folder = content / "exercises" / page.level
        folder.mkdir(parents=True, exist_ok=True)
        stem = page.id.split("/")[1]
        (folder / f"{stem}.ipynb").write_text(
            json.dumps(notebook(page, model.level(page.level)), indent=1, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )
        for ex in page.exercises:
            assert ex.rubric_path is not None  # read from the sources, not a built file
            compiled = compile_yaml(ex.rubric_path, positions=False)
            if edition == "learner":
                compiled = for_learners(compiled, key)
            (folder / f"{ex.rubric_path.stem}.json").write_text(compiled, encoding="utf-8")


# --- wheels and Pyodide ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LiveBuildError(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _cached(folder: Path, name: str, version: str) -> Path | None:
    for wheel in folder.glob("*.whl"):
        parts = wheel.name.split("-")
        if _norm(parts[0]) == _norm(name) and parts[1] == version:
            return wheel
    return None


def cached_wheel(name: str, version: str, python: str | None = None) -> Path:
    """A pure-Python wheel from PyPI, downloaded once into .cache/live."""
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = _cached(folder, name, version)
    if wheel is not None:
        return wheel
    log(f"downloading {name}=={version} from PyPI (once; cached in {folder.relative_to(ROOT)})")
    extra = ["--python-version", python] if python else []
    _pip(
        "download",
        "--no-deps",
        "--only-binary=:all:",
        *extra,
        "-d",
        str(folder),
        f"{name}=={version}",
    )
    wheel = _cached(folder, name, version)
    if wheel is None:
        raise LiveBuildError(f"pip downloaded no wheel named {name}-{version}-*.whl into {folder}")
    return wheel


def vendor_pyodide(static: Path) -> int:
    """Pyodide from npm plus its kernel-start wheels; returns how many wheels were added."""
    missing = [f for f in PYODIDE_FILES if not (PYODIDE_NPM / f).is_file()]
    if missing:
        raise LiveBuildError(
            f"{PYODIDE_NPM}: missing {', '.join(missing)}; run 'npm ci' (scripts/setup.sh does)"
        )
    dest = static / "pyodide"
    dest.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copy2(PYODIDE_NPM / name, dest / name)
    lock = json.loads((dest / "pyodide-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]
    # Dependencies are spelled as in their metadata ("prompt_toolkit"), keys normalised.
    by_norm = {_norm(key): key for key in packages}
    python = ".".join(lock["info"]["python"].split(".")[:2])
    needed: set[str] = set()
    todo = list(KERNEL_START)
    while todo:
        wanted = todo.pop()
        name = by_norm.get(_norm(wanted), "")
        if not name:
            raise LiveBuildError(f"pyodide-lock.json lacks a package the kernel needs: {wanted!r}")
        if name in needed:
            continue
        needed.add(name)
        todo.extend(packages[name].get("depends", []))
    for name in sorted(needed):
        entry = packages[name]
        if not entry["file_name"].endswith("-none-any.whl"):
            raise LiveBuildError(
                f"{name}: {entry['file_name']} is not a pure-Python wheel, so it cannot come "
                "from PyPI; it would have to come from Pyodide's CDN, which the site must not use"
            )
        wheel = cached_wheel(name, entry["version"], python)
        shutil.copy2(wheel, dest / wheel.name)
        entry["file_name"] = wheel.name
        entry["sha256"] = _sha256(wheel)
    (dest / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    return len(needed)


def engine_wheel(folder: Path, key: bytes) -> Path:
    """Build the engine's wheel from a copy of the source, leaving no build/ in the repo.

    The copy gets this build's seal key (``skischool/live/_seal_key.py``): the worker and the
    notebooks open the learner edition's sealed model replies with it. It exists only in the
    wheel, never in the repository.
    """
    from skischool.live.seal import key_module

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__"))
        (src / "src" / "skischool" / "live" / "_seal_key.py").write_text(
            key_module(key), encoding="utf-8"
        )
        for name in ("pyproject.toml", "setup.py", "README.md"):
            shutil.copy2(ROOT / name, src / name)
        _pip("wheel", "--no-deps", "-q", "-w", str(folder), str(src))
    wheels = sorted(folder.glob("skischool-*.whl"))
    if len(wheels) != 1:
        raise LiveBuildError(f"expected one skischool wheel in {folder}, found {wheels}")
    return wheels[0]


def piplite_wheels(pypi: Path, key: bytes) -> list[Path]:
    pypi.mkdir(parents=True, exist_ok=True)
    wheels = [engine_wheel(pypi, key)]
    for name in PIPLITE_WHEELS:
        wheel = cached_wheel(name, metadata.version(name))
        shutil.copy2(wheel, pypi / wheel.name)
        wheels.append(pypi / wheel.name)
    return wheels


# --- the whole site ---------------------------------------------------------------------------


def inputs_hash(edition: str = "learner") -> str:
    """Everything the site is made from; unchanged hash means the last build still stands."""
    digest = hashlib.sha256(f"edition={edition}\0".encode())
    files = [
        ROOT / "course.yml",
        ROOT / "package-lock.json",
        ROOT / "requirements.txt",
        Path(__file__),
        SNAPSHOT_SCRIPT,
    ]
    for folder in (ROOT / "src" / "skischool", ROOT / "exercises", LIVE_SRC):
        files += sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(sys.version.encode())
    for name in PIPLITE_WHEELS:  # ranges in requirements.txt: the installed version counts
        digest.update(f"{name}=={metadata.version(name)}".encode())
    return digest.hexdigest()


STAMP = ".skischool-inputs.sha256"
EDITIONS = ("learner", "instructor")


def build(
    output: Path, *, force: bool = False, edition: str = "learner", base: Path | None = None
) -> None:
    """Build the live folder of one edition. ``base``: an instructor edition starts from this
    learner edition's live folder when it is up to date (see :func:`derive`)."""
    if edition not in EDITIONS:
        raise LiveBuildError(f"unknown edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    stamp = output / STAMP
    want = inputs_hash(edition)
    if not force and stamp.is_file() and stamp.read_text().strip() == want:
        log(f"{output} is up to date")
        return
    model = course()
    if edition == "instructor" and base is not None:
        base_stamp = base / STAMP
        if base_stamp.is_file() and base_stamp.read_text().strip() == inputs_hash("learner"):
            derive(model, base, output, want)
            return
        log(f"{base} is not an up-to-date learner edition; building the instructor's in full")
    key = new_key()
    pages = model.pages
    jupyter = Path(sys.executable).parent / "jupyter"
    with tempfile.TemporaryDirectory(prefix="skischool-live-") as tmp:
        work = Path(tmp)
        lite_dir = work / "lite"
        lite_dir.mkdir()
        for config in LIVE_SRC.rglob("jupyter-lite.json"):  # the site's, and any per app
            target = lite_dir / config.relative_to(LIVE_SRC)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(config, target)
        n_kernel = vendor_pyodide(lite_dir / "static")
        wheels = piplite_wheels(lite_dir / "pypi", key)
        content = work / "content"
        write_contents(model, content, edition, key)
        log(
            f"{len(pages)} exercise pages, {n_kernel} kernel wheels, "
            f"{len(wheels)} piplite wheels; running jupyter lite build"
        )
        staged = work / "out"
        cmd = [
            str(jupyter), "lite", "build",
            "--lite-dir", str(lite_dir),
            "--contents", str(content),
            "--output-dir", str(staged),
            "--no-sourcemaps",
            "--no-unused-shared-packages",
        ]  # fmt: skip
        # A cached task database can silently drop the local pyodideUrl: always start clean.
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        if proc.returncode != 0:
            raise LiveBuildError(f"jupyter lite build failed:\n{proc.stdout}{proc.stderr}")
        # For the worker: the engine, Python's memory snapshot, what names them, the rubrics.
        worker_files(wheels[0], lite_dir / "static" / "pyodide", staged, work)
        shutil.copytree(
            content / "exercises", staged / "rubrics", ignore=shutil.ignore_patterns("*.ipynb")
        )
        # The built course file: a class report or `grade` away from the sources reads it.
        (staged / COURSE_JSON).write_text(model.to_json(), encoding="utf-8")
        check_site(staged)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), str(output))
    stamp.write_text(want + "\n")
    log(f"built {output} ({du(output) / 1e6:.1f} MB, {edition} edition)")


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _replace(path: Path, text: str) -> None:
    """Write a file that may be a hard link into the learner's folder: never through the link."""
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def derive(model: Course, base: Path, output: Path, want: str) -> None:
    """The instructor edition's live folder from an up-to-date learner edition's.

    Both editions run the same Pyodide, wheel, snapshot and notebooks; only the rubric files
    differ (whole here, sealed there). So the learner's folder is linked file by file (hard
    links, a copy where the disk has none) and the rubrics are written anew: seconds, where
    a full build takes minutes. JupyterLite's listing of the drive is updated to the new sizes.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".skischool-live-", dir=output.parent) as tmp:
        staged = Path(tmp) / "out"
        shutil.copytree(base, staged, symlinks=True, copy_function=_link_or_copy)
        content = Path(tmp) / "content"
        write_contents(model, content, "instructor")
        sizes: dict[str, int] = {}
        for compiled in sorted((content / "exercises").rglob("*.json")):
            rel = compiled.relative_to(content / "exercises").as_posix()
            text = compiled.read_text(encoding="utf-8")
            _replace(staged / "rubrics" / rel, text)
            _replace(staged / "files" / "exercises" / rel, text)
            sizes[f"exercises/{rel}"] = len(text.encode("utf-8"))
        for listing in sorted((staged / "api" / "contents").rglob("all.json")):
            data = json.loads(listing.read_text(encoding="utf-8"))
            entries = data.get("content") if isinstance(data, dict) else None
            changed = False
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and entry.get("path") in sizes:
                    entry["size"] = sizes[entry["path"]]
                    changed = True
            if changed:
                _replace(listing, json.dumps(data))
        _replace(staged / STAMP, want + "\n")
        if output.exists():
            shutil.rmtree(output)
        staged.rename(output)
    log(f"built {output} from {base} (instructor edition: the rubrics in full)")


#: The built course file (skischool.course.Course.to_json), beside the engine's files.
COURSE_JSON = "course.json"
#: The worker reads this first (never from a stale cache) to learn the other files' names.
ENGINE_MANIFEST = "engine.json"
ENGINE_FORMAT = "skischool-live-engine"
SNAPSHOT_SCRIPT = ROOT / "scripts" / "live_snapshot.mjs"


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def worker_files(wheel: Path, pyodide: Path, site: Path, work: Path) -> dict[str, object]:
    """The engine's wheel and Python's memory snapshot under content-hashed names, and the
    manifest naming them: a browser may keep both for ever, and never mixes two builds."""
    node = shutil.which("node")
    if node is None:
        raise LiveBuildError(
            "node is not installed; it makes Python's snapshot (scripts/setup.sh installs it)"
        )
    data = wheel.read_bytes()
    wheel_name = f"skischool-{_short_hash(data)}.whl"
    (site / wheel_name).write_bytes(data)
    raw = work / "python.snapshot"
    proc = subprocess.run(
        [node, str(SNAPSHOT_SCRIPT), str(pyodide), str(wheel), str(raw)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not raw.is_file():
        raise LiveBuildError(
            f"making Python's snapshot failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}"
        )
    made = json.loads(proc.stdout.strip().splitlines()[-1])
    packed = gzip.compress(raw.read_bytes(), compresslevel=6, mtime=0)
    snapshot_name = f"python-{_short_hash(packed)}.snapshot.gz"
    (site / snapshot_name).write_bytes(packed)
    manifest = {
        "format": ENGINE_FORMAT,
        "version": 1,
        "pyodide": made["pyodide"],
        "wheel": wheel_name,
        "snapshot": snapshot_name,
    }
    (site / ENGINE_MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    log(f"Python's snapshot: {made['bytes'] / 1e6:.1f} MB, {len(packed) / 1e6:.1f} MB gzipped")
    return manifest


def check_site(site: Path) -> None:
    """Refuse a site that would reach for a CDN: Pyodide must be local, PyPI fallback off."""
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    url = settings.get("pyodideUrl", "")
    if not url.startswith("./") or not (site / url).is_file():
        raise LiveBuildError(
            f"pyodideUrl is {url!r}, not the local copy: the kernel would use a CDN"
        )
    if settings.get("disablePyPIFallback") is not True:
        raise LiveBuildError("disablePyPIFallback is not true: piplite could fall back to PyPI")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "html" / "live")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument(
        "--edition",
        choices=EDITIONS,
        default="learner",
        help="learner (default): rubrics with no examples, model replies sealed; instructor: whole",
    )
    parser.add_argument(
        "--base",
        type=Path,
        help="instructor edition: start from this up-to-date learner edition's live folder",
    )
    args = parser.parse_args(argv)
    try:
        build(
            args.output.resolve(),
            force=args.force,
            edition=args.edition,
            base=args.base.resolve() if args.base else None,
        )
    except LiveBuildError as exc:
        print(f"[skischool] live: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
