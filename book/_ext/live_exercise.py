"""Live exercises on the book's pages: the build side.

An exercise page's code cell calls ``skischool.exercise("….yaml")``. While the book is built,
that call returns the exercise as plain HTML (``skischool.live.page.markup``), not as a widget:
this extension sets :data:`~skischool.live.page.BOOK_ENV` for the notebook kernels that the
build starts. So no page holds widget state, and none loads the 4 MB widget manager.

On pages that hold a live exercise, and only there, it adds ``skischool-live.js`` and its
stylesheet (from ``live/web``). The script starts Python in a Web Worker from the site's own
files (``_build/html/live/``, made by ``scripts/build_live.py``) and brings the exercise to life
in place. Other pages load nothing extra. The script tag names the course and its release
(from the course model), so a learner's download says which course it belongs to.

At the start of every build it reads the course model (``course.yml``): what authors restated
that disagrees with it, and a stale ``_toc.yml``, become build warnings, which the book's
build treats as errors.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Same value as ``skischool.live.page.BOOK_ENV`` (this extension must not import the engine:
#: Sphinx may load it before the engine's path is set up).
BOOK_ENV = "SKISCHOOL_BOOK_BUILD"
WEB = Path(__file__).resolve().parents[2] / "live" / "web"
SCRIPT = "skischool-live.js"
STYLESHEET = "skischool-live.css"
#: What ``markup`` opens every live exercise with.
MARKER = '<section class="ss-live"'


def _static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(WEB))


def _copy_web(app: Sphinx, exception: Exception | None) -> None:
    """Copy live/web into _static after every build, incremental ones included.

    Sphinx copies static files when it writes pages; a build that finds no page out of date
    leaves an edited script behind, and the pages would run the old one.
    """
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for source in WEB.iterdir():
            if source.is_file():
                shutil.copyfile(source, static / source.name)


def _course_check(app: Sphinx) -> None:
    """Read the course model once per build: its authoring problems are build warnings (the
    build treats warnings as errors), and a stale ``_toc.yml`` is one too."""
    from skischool.course import TOC, Course, CourseError, toc

    root = Path(app.srcdir)
    try:
        course = Course.load(root)
    except CourseError as exc:
        for problem in exc.problems:
            logger.warning("%s", problem, type="skischool", subtype="course")
        app.env.skischool_course = None  # type: ignore[attr-defined]
        return
    for problem in course.problems():
        logger.warning("%s", problem, type="skischool", subtype="course")
    written = (root / TOC).read_text(encoding="utf-8") if (root / TOC).is_file() else ""
    if written != toc(course):
        logger.warning(
            "%s is not what course.yml says; run: python -m skischool course toc --write",
            root / TOC,
            type="skischool",
            subtype="course",
        )
    app.env.skischool_course = (course.id, course.release)  # type: ignore[attr-defined]


def _page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if MARKER in context.get("body", ""):
        course, release = getattr(app.env, "skischool_course", None) or ("", "")
        app.add_css_file(STYLESHEET)
        app.add_js_file(
            SCRIPT, **{"async": "async", "data-ss-course": course, "data-ss-release": release}
        )


def setup(app: Sphinx) -> dict[str, object]:
    # Kernels are started by this process, so they inherit it.
    os.environ[BOOK_ENV] = "1"
    app.connect("config-inited", _static_path)
    app.connect("builder-inited", _course_check)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _copy_web)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
