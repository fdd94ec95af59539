"""Every exercise notebook runs under nbval, as CI checks them for learners.

MyST sources are converted to .ipynb with jupytext in a temporary folder (next to copies of their
rubrics), then nbval executes each in a real kernel.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skischool.course import Course

from .conftest import EXERCISES, ROOT

#: Every exercise page and checkpoint of the course model.
NOTEBOOKS = [p.path for p in Course.load(ROOT).pages]


def test_there_are_exercise_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.book
def test_exercise_notebooks_pass_nbval(tmp_path: Path) -> None:
    work = tmp_path / "exercises"
    shutil.copytree(EXERCISES, work)
    ipynbs = []
    for source in NOTEBOOKS:
        assert source is not None
        md = work / source.relative_to(EXERCISES)
        subprocess.run(
            [sys.executable, "-m", "jupytext", "--quiet", "--to", "ipynb", str(md)],
            check=True,
            timeout=120,
        )
        ipynbs.append(str(md.with_suffix(".ipynb")))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", *ipynbs],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout, proc.stdout[-2000:]
