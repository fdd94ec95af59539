"""The path a browser (Pyodide) takes must need only pure-Python code: no PyYAML, no compiled deps.

We prove it by running that path in a fresh interpreter where importing PyYAML, jsonschema,
pydantic, regex and re2 is made impossible.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import ROOT

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
    for name in {blocked!r}:
        sys.modules[name] = None  # any import of it now raises ImportError
    import skischool
    from skischool import load_situation
    from skischool.loader import load_rubric
    r = load_situation("complaint")
    result = r.check("Please DM us")
    assert not result.passed
    compiled = load_rubric({compiled!r})
    assert compiled.id == "complaint"
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


def test_browser_path_needs_no_compiled_packages(tmp_path: Path) -> None:
    compiled = ROOT / "src" / "skischool" / "rubrics" / "complaint.json"
    code = SCRIPT.format(blocked=BLOCKED, compiled=str(compiled))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"SKISCHOOL_PROGRESS": "off", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_import_is_light() -> None:
    code = "import sys, skischool; print(sorted(m for m in ('yaml','ipywidgets','sqlite3') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_compiled_json_is_strictly_validated(tmp_path: Path) -> None:
    """A hand-broken compiled rubric still gets a located error naming the YAML source."""
    import json

    from skischool.errors import RubricError
    from skischool.loader import load_rubric

    src = ROOT / "src" / "skischool" / "rubrics" / "complaint.json"
    doc = json.loads(src.read_text(encoding="utf-8"))
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
