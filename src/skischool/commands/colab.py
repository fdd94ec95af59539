"""``skischool colab``: write the Colab notebooks (``colab/``) from the course model.

    skischool colab --write      write colab/exercises/<level>/<page>.ipynb for every page
    skischool colab --check      exit 1 when they are stale (the tests run this too)

The repository the notebooks clone, and its branch, come from ``repository:`` in
``_config.yml`` (``--repo`` and ``--branch`` override them): when an organisation publishes its
copy and changes that address, ``--write`` brings the notebooks along.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import CommandError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("colab", help="write (or check) the Colab notebooks of the exercise pages")
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="write colab/ from the course")
    action.add_argument("--check", action="store_true", help="exit 1 if colab/ is stale")
    p.add_argument("--root", metavar="DIR", help="the course folder (default: found upwards)")
    p.add_argument(
        "--repo", metavar="URL", help="the repository Colab clones (default: _config.yml)"
    )
    p.add_argument("--branch", metavar="NAME", help="its branch (default: _config.yml, or main)")
    p.set_defaults(func=run)


def configured(root: Path) -> tuple[str, str]:
    """``repository.url`` and ``repository.branch`` of the course's ``_config.yml``."""
    from .launch import configured_repository

    url = configured_repository(root)
    import yaml

    data = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    branch = (data.get("repository") or {}).get("branch") or "main"
    return url, str(branch)


def run(args: argparse.Namespace) -> int:
    from ..cli import emit, write_atomic
    from ..colab import notebooks, stale
    from ..course import CourseError, load
    from ..launch import LaunchError, colab_link

    try:
        course = load(args.root)
    except CourseError as exc:
        raise CommandError(str(exc)) from None
    assert course.root is not None
    repo, branch = configured(course.root) if not (args.repo and args.branch) else ("", "")
    repo, branch = args.repo or repo, args.branch or branch
    try:
        colab_link(repo, branch, "colab/x.ipynb")  # Colab must be able to open it: GitHub only
    except LaunchError as exc:
        raise CommandError(str(exc)) from None
    wanted = notebooks(course, repo=repo, branch=branch)
    changed = stale(course.root, wanted)
    if args.check:
        for path in changed:
            emit(f"{path}: stale")
        if changed:
            emit("run: skischool colab --write")
            return 1
        emit(f"{len(wanted)} Colab notebooks are up to date")
        return 0
    for path in changed:
        target = course.root / path
        if path in wanted:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, wanted[path])
        else:
            target.unlink()  # a page that is gone: its notebook goes too
    emit(f"{len(changed)} of {len(wanted)} Colab notebooks written ({course.root / 'colab'})")
    return 0
