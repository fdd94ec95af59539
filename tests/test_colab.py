"""The Colab notebooks (skischool.colab, ``colab/``): current, valid, and they really run.

Colab itself is off-line here, so the last test runs a notebook's cells the way Colab would,
in a fresh Python: the first cell clones the course (from this checkout, by file://) and asks
pip to install it (a dry run, offline), then the exercise cells build their widgets from the
clone's rubric files.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from skischool.cli import main
from skischool.colab import colab_path, notebook, setup_code
from skischool.course import Course

from .conftest import ROOT

COURSE = Course.load(ROOT)


def test_the_committed_colab_notebooks_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["colab", "--check", "--root", str(ROOT)])
    out = capsys.readouterr().out
    assert status == 0, out + "\n(run: skischool colab --write)"


@pytest.mark.parametrize("page", COURSE.pages, ids=lambda p: p.id)
def test_each_exercise_page_has_a_valid_colab_notebook(page: object) -> None:
    path = ROOT / colab_path(page)  # type: ignore[arg-type]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for source in code:
        ast.parse(source)  # every cell is Python Colab can run
    assert "git" in code[0] and "pip" in code[0] and "enable_custom_widget_manager" in code[0]
    calls = [s for s in code if s.startswith("exercise(")]
    assert calls == [
        f'exercise("{ex.key.split("/")[1]}.yaml", page="{page.id}")'  # type: ignore[attr-defined]
        for ex in page.exercises  # type: ignore[attr-defined]
    ]


def test_a_stale_or_stray_notebook_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_course_model import make_course

    root = make_course(tmp_path)
    (root / "_config.yml").write_text(
        "repository:\n  url: https://github.com/acme/ski\n  branch: trunk\n", encoding="utf-8"
    )
    assert main(["colab", "--check", "--root", str(root)]) == 1
    assert main(["colab", "--write", "--root", str(root)]) == 0
    assert main(["colab", "--check", "--root", str(root)]) == 0
    first = json.loads((root / "colab/exercises/first-run/01-spot.ipynb").read_text())
    assert "'https://github.com/acme/ski', 'trunk'" in "".join(first["cells"][1]["source"])
    stray = root / "colab/exercises/first-run/99-gone.ipynb"
    stray.write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["colab", "--check", "--root", str(root)]) == 1
    assert "99-gone.ipynb: stale" in capsys.readouterr().out
    assert main(["colab", "--write", "--root", str(root)]) == 0 and not stray.exists()


def test_a_repository_colab_cannot_open_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_course_model import make_course

    root = make_course(tmp_path)
    args = ["colab", "--write", "--root", str(root), "--branch", "main"]
    assert main([*args, "--repo", "https://gitlab.com/acme/ski"]) == 1
    assert "GitHub only" in capsys.readouterr().err


def test_a_colab_notebook_runs_its_cells_against_a_fresh_clone(tmp_path: Path) -> None:
    """The first cell clones and installs; the exercise cells then find their rubrics."""
    page = COURSE.page("green-circle/checkpoint")
    branch = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    nb = notebook(page, COURSE.level("green-circle"), repo=ROOT.as_uri(), branch=branch)
    cells = [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]  # type: ignore[index]
    home = tmp_path / "clone"
    cells[0] = setup_code(ROOT.as_uri(), branch, "green-circle", home=str(home))
    # pip for real, but as a dry run without an index: the clone must install with its extras.
    pip = tmp_path / "python"
    pip.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "$@" --dry-run --no-index --no-build-isolation\n',
        encoding="utf-8",
    )
    pip.chmod(0o755)
    program = "\n".join(
        [
            "import sys, json, os",
            f"sys.executable = {str(pip)!r}",
            "cells = json.loads(sys.stdin.read())",
            "out = None",
            "for cell in cells:",
            "    out = eval(cell) if cell.startswith(('exercise(', 'progress_view(')) else exec(cell)",
            "    if cell.startswith('exercise('):",
            "        print(type(out).__name__, out.recorder.page, out.rubric.id)",
            "print(os.getcwd())",
        ]
    )
    env = {
        "SKISCHOOL_PROGRESS": str(tmp_path / "p.sqlite3"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-c", program],
        input=json.dumps(cells),
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[-1] == str(home / "exercises" / "green-circle")
    assert (home / "course.yml").is_file()  # really cloned
    kinds = [ln.split()[0] for ln in lines[:-1]]
    assert kinds == ["ChoiceExercise", "ChoiceExercise", "ReplyExercise"]
    assert all(ln.split()[1] == "green-circle/checkpoint" for ln in lines[:-1])
