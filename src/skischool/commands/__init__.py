"""The course-level commands of ``skischool`` (course, report, grade, progress, ...).

Each module here has one job and registers its own subcommand: it defines
``register(sub: argparse._SubParsersAction) -> None``, which adds a parser and sets
``func=`` to a handler taking the parsed arguments and returning an exit status. The CLI
finds them by listing this package, so a new command is a new file and nothing else.

Handlers print through :func:`skischool.cli.emit` (terminal-safe) and raise
:class:`CommandError` for a user's mistake: the CLI prints its message and exits 1.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


class CommandError(Exception):
    """A user's mistake (a missing folder, a broken file): one clear line, exit status 1."""


def register_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Let every command module of this package add its subcommand, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)


__all__ = ["CommandError", "register_all"]
