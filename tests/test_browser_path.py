"""The path a browser (Pyodide) takes must need only pure-Python code: no PyYAML, no compiled deps.

We prove it the way the browser gets the engine: build the wheel (which compiles the shipped
rubrics and concepts to JSON), unpack it, and run the whole path in a fresh interpreter that sees
only the unpacked wheel and where importing PyYAML, jsonschema, pydantic, regex and re2 is made
impossible.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The engine's wheel, built as scripts/build_live.py builds it, unpacked as Pyodide installs it."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_live import engine_wheel
    finally:
        sys.path.pop(0)
    wheel = engine_wheel(tmp_path_factory.mktemp("wheel"), b"k" * 32)  # any build's seal key
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return site


BLOCKED = [
    "yaml",
    "_yaml",
    "jsonschema",
    "rpds",
    "pydantic",
    "pydantic_core",
    "regex",
    "re2",
    "textstat",
    "pyphen",
]

SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {site!r})
    for name in {blocked!r}:
        sys.modules[name] = None  # any import of it now raises ImportError
    import skischool
    assert skischool.__file__.startswith({site!r}), skischool.__file__
    from skischool import load_situation
    from skischool.loader import load_rubric
    r = load_situation("complaint")
    result = r.check("Please DM us")
    assert not result.passed
    compiled = load_rubric({compiled!r})
    assert compiled.id == "complaint"
    from skischool.concepts import lexicon
    assert "thanks" in lexicon()
    from skischool.widgets import exercise
    ex = exercise(compiled)
    ex.text.value = "Please DM us"
    ex.check_button.click()
    assert "Please DM us" in ex.feedback.value
    bad = sorted(m for m in sys.modules if m.split(".")[0] in {blocked!r} and sys.modules[m] is not None)
    assert not bad, bad
    print("ok")
    """
)


def test_wheel_carries_compiled_rubrics_and_concepts_without_positions(
    unpacked_wheel: Path,
) -> None:
    import json

    from skischool.loader import SITUATIONS

    pkg = unpacked_wheel / "skischool"
    for name in SITUATIONS:
        doc = json.loads((pkg / "rubrics" / f"{name}.json").read_text(encoding="utf-8"))
        assert doc["positions"] == {} and doc["rubric"]["id"] == name
        assert doc["source"] == f"src/skischool/rubrics/{name}.yaml"
    bundle = json.loads((pkg / "concepts" / "concepts.json").read_text(encoding="utf-8"))
    assert len(bundle["concepts"]) == len(list((ROOT / "src/skischool/concepts").glob("*.yaml")))
    assert not list((ROOT / "src/skischool/rubrics").glob("*.json")), (
        "compiled JSON is never committed"
    )


def assert_prints_ok(code: str) -> None:
    """Run ``code`` in a fresh Python with a bare environment; it must print exactly "ok"."""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"SKISCHOOL_PROGRESS": "off", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_browser_path_needs_no_compiled_packages(unpacked_wheel: Path) -> None:
    compiled = unpacked_wheel / "skischool" / "rubrics" / "complaint.json"
    code = SCRIPT.format(blocked=BLOCKED, compiled=str(compiled), site=str(unpacked_wheel))
    assert_prints_ok(code)


def test_import_is_light() -> None:
    code = "import sys, skischool; print(sorted(m for m in ('yaml','ipywidgets','sqlite3') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_compiled_json_is_strictly_validated(tmp_path: Path) -> None:
    """A hand-broken compiled rubric still gets a located error naming the YAML source."""
    import json

    from skischool.errors import RubricError
    from skischool.loader import load_rubric
    from skischool.situations import compile_yaml, situation_path

    doc = json.loads(compile_yaml(situation_path("complaint"), positions=True))
    doc["rubric"]["criteria"][0]["severty"] = "error"
    bad = tmp_path / "complaint.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    try:
        load_rubric(bad)
    except RubricError as exc:
        (p,) = exc.problems
        assert p.file.endswith("complaint.yaml") and p.line is not None
        assert "did you mean 'severity'" in p.message
    else:
        raise AssertionError("a broken compiled rubric must not load")


WORKER_SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {site!r})
    for name in {blocked!r} + ["ipywidgets", "sqlite3", "_sqlite3"]:
        sys.modules[name] = None  # the book pages' worker has none of these
    from skischool.live.page import Session
    session = Session("../../")
    info = json.loads(session.open("black-diamond/x", open({compiled!r}).read()))
    assert info["kind"] == "reply", info
    verdict = json.loads(session.check("black-diamond/x", "Please DM us <b>now</b>"))
    assert verdict["passed"] is False and "criteria met" in verdict["summary"]
    assert "<b>now</b>" not in verdict["html"], verdict["html"]
    assert 'href="../../lessons/' in verdict["html"], "lesson links resolve from the page"
    print("ok")
    """
)


def test_the_book_pages_worker_needs_no_widgets_sqlite_or_compiled_packages(
    unpacked_wheel: Path,
) -> None:
    """What skischool-live-worker.js runs: the wheel alone, no ipywidgets, no SQLite, no YAML."""
    compiled = unpacked_wheel / "skischool" / "rubrics" / "complaint.json"
    code = WORKER_SCRIPT.format(blocked=BLOCKED, compiled=str(compiled), site=str(unpacked_wheel))
    assert_prints_ok(code)
