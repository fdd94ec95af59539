"""Every exercise notebook runs under nbval, as CI checks them for learners.

MyST sources are converted to .ipynb with jupytext in a temporary folder (next to copies of their
rubrics), then nbval executes each in a real kernel.
"""

from __future__ import annotations

import os
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


#: nbval runs in this many processes at once: each notebook waits on its own kernel, so two
#: halves use both cores of a CI machine instead of one.
NBVAL_PROCESSES = 2


@pytest.mark.book
def test_exercise_notebooks_pass_nbval(tmp_path: Path) -> None:
    work = tmp_path / "exercises"
    shutil.copytree(EXERCISES, work)
    sources = []
    for source in NOTEBOOKS:
        assert source is not None
        sources.append(work / source.relative_to(EXERCISES))
    # One jupytext process for them all: starting it once per page cost a second each.
    subprocess.run(
        [sys.executable, "-m", "jupytext", "--quiet", "--to", "ipynb", *map(str, sources)],
        check=True,
        timeout=300,
    )
    ipynbs = [str(md.with_suffix(".ipynb")) for md in sources]
    assert all(Path(nb).is_file() for nb in ipynbs)
    # -p ipc_kernels: the two processes start kernels at once, so they must not share TCP ports.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), os.environ.get("PYTHONPATH", "")]),
    }
    pytest_cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "ipc_kernels",
    ]
    runs = [
        subprocess.Popen(
            [*pytest_cmd, "--nbval-lax", *part],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in (ipynbs[i::NBVAL_PROCESSES] for i in range(NBVAL_PROCESSES))
    ]
    outputs = []
    try:
        for proc in runs:  # every half finishes (or is killed) before any verdict
            outputs.append((proc, *proc.communicate(timeout=600)))
    finally:
        for proc in runs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for proc, out, err in outputs:
        assert proc.returncode == 0, out[-4000:] + err[-2000:]
        assert " passed" in out and "failed" not in out, out[-2000:]
