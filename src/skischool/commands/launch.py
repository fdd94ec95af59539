"""``skischool launch-link``: a link that opens the course (or one page) on a hub or on Binder.

skischool launch-link --hub https://hub.example.org --path exercises/bunny-hill/01-first-reply.md
skischool launch-link --binder --path lessons/bunny-hill/index.md

The repository defaults to ``repository.url`` in the course's ``_config.yml``, the same address
the book's launch buttons use, so a link and a button never disagree. While that address is
still the placeholder (``YOUR-ORG``), the link is printed with a note saying so on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..launch import (
    APPS,
    DEFAULT_BINDERHUB,
    PLACEHOLDER,
    LaunchError,
    binder_link,
    nbgitpuller_link,
    page_path,
)
from . import CommandError

CONFIG = "_config.yml"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "launch-link",
        help="print a link that opens the course on a JupyterHub (nbgitpuller) or on Binder",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--hub", metavar="URL", help="the JupyterHub's address")
    where.add_argument(
        "--binder",
        metavar="URL",
        nargs="?",
        const=DEFAULT_BINDERHUB,
        help=f"a BinderHub instead of a hub (default {DEFAULT_BINDERHUB})",
    )
    p.add_argument("--repo", metavar="URL", help=f"the course's git repository (default: {CONFIG})")
    p.add_argument("--branch", default="main", help="the branch to open (default: main)")
    p.add_argument(
        "--path",
        default="",
        help="a page or folder in the repository, e.g. exercises/bunny-hill/01-first-reply.md",
    )
    p.add_argument("--app", choices=tuple(APPS), default="lab", help="the interface (default: lab)")
    p.add_argument("--root", metavar="DIR", help="the course folder (default: found upwards)")
    p.set_defaults(func=run)


def _note(message: str) -> None:
    from ..cli import clean

    print(clean(f"note: {message}"), file=sys.stderr)


def configured_repository(root: Path) -> str:
    """``repository.url`` from ``root/_config.yml``; CommandError when it cannot be had."""
    path = root / CONFIG
    try:
        import yaml
    except ImportError:
        raise CommandError(
            f"reading {path} needs PyYAML (pip install 'skischool[yaml]'); or pass --repo URL"
        ) from None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(
            f"{path}: cannot read it ({exc.strerror or exc}); pass --repo URL"
        ) from None
    except yaml.YAMLError as exc:
        raise CommandError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    repository = data.get("repository") if isinstance(data, dict) else None
    url = repository.get("url") if isinstance(repository, dict) else None
    if not isinstance(url, str) or not url.strip():
        raise CommandError(f"{path}: expected repository.url to be set; or pass --repo URL")
    return url.strip()


def _course_folder(root: str | None) -> Path | None:
    from ..course import course_root

    if root:
        folder = Path(root)
        if not (folder / CONFIG).is_file():
            raise CommandError(f"{folder}: expected a course folder holding {CONFIG}")
        return folder
    found = course_root(Path.cwd())
    return found if found is not None and (found / CONFIG).is_file() else None


def run(args: argparse.Namespace) -> int:
    from ..cli import emit

    folder = None
    repo = args.repo
    if not repo:
        folder = _course_folder(args.root)
        if folder is None:
            raise CommandError(f"no --repo given and no {CONFIG} found here or above")
        repo = configured_repository(folder)
    try:
        if args.hub is not None:
            link = nbgitpuller_link(args.hub, repo, args.branch, args.path, args.app)
        else:
            link = binder_link(repo, args.branch, args.path, args.app, binderhub=args.binder)
        path = page_path(args.path)
    except LaunchError as exc:
        raise CommandError(str(exc)) from None
    emit(link)
    if PLACEHOLDER in repo:
        _note(
            f"{repo} is the placeholder address: put your organisation's repository in "
            f"repository.url of {CONFIG} (or pass --repo URL)"
        )
    if folder is not None and path and not (folder / path).exists():
        _note(f"{path} is not in {folder}: the link will open a page that does not exist")
    return 0
