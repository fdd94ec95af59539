"""Run jupyter-book's own command line, with Sphinx reading and writing pages in parallel.

    python scripts/run_jupyter_book.py build ROOT [jupyter-book options]   (scripts/build.sh runs it)

jupyter-book 1.x always asks Sphinx for one job, so a clean build executes its notebooks one at
a time and leaves a second core idle. Here Sphinx gets one job per core (SKISCHOOL_BUILD_JOBS
overrides it; 1 is plain jupyter-book). On the 2-core machine a clean learner build went from
176 s to 115 s, with the same pages.

Kernels start on Unix sockets rather than TCP ports (ipc_kernels.py beside this file says why):
two Sphinx processes starting kernels at once could be handed the same port, and one kernel died.

One extension jupyter-book bundles, sphinx_multitoc_numbering, never declared whether it is
safe for a parallel read, so Sphinx would fall back to a serial read with a warning, which is an
error under -W. It is safe: all it does is replace how section numbers are assigned, which
Sphinx does once, in the main process, after every page has been read. Its declaration is added
here; everything else is jupyter-book's own code.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from typing import Any


def jobs() -> int:
    """SKISCHOOL_BUILD_JOBS, or the cores this process may use (at most 4: each job runs kernels)."""
    asked = os.environ.get("SKISCHOOL_BUILD_JOBS", "").strip()
    if asked:
        try:
            return max(1, int(asked))
        except ValueError:
            sys.exit(f"SKISCHOOL_BUILD_JOBS must be a whole number, not {asked!r}")
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def declare_multitoc_numbering_parallel_safe() -> None:
    import sphinx_multitoc_numbering as numbering

    original = numbering.setup

    def setup(app: Any) -> dict[str, Any]:
        meta = original(app) or {}
        return {**meta, "parallel_read_safe": True, "parallel_write_safe": True}

    numbering.setup = setup


def main() -> int:
    import jupyter_book.sphinx as jb_sphinx
    from ipc_kernels import use_ipc_kernels  # scripts/ is sys.path[0] when run as a script

    use_ipc_kernels()

    n = jobs()
    if n > 1:
        if "jobs" not in inspect.signature(jb_sphinx.build_sphinx).parameters:
            sys.exit("scripts/run_jupyter_book.py: this jupyter-book's build_sphinx takes no jobs")
        # The build command imports build_sphinx from this module when it runs, so it gets this.
        jb_sphinx.build_sphinx = functools.partial(jb_sphinx.build_sphinx, jobs=n)
        declare_multitoc_numbering_parallel_safe()
    from jupyter_book.cli.main import main as jupyter_book

    return jupyter_book()  # click exits with the command's status


if __name__ == "__main__":
    sys.exit(main())
