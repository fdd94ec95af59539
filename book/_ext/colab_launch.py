"""A Colab entry in the launch menu of every exercise page.

Colab opens only ``.ipynb`` notebooks from GitHub, and the pages are MyST markdown, so the
theme's own Colab button (``launch_buttons.colab_url``) would link to files that do not exist.
The course keeps a Colab notebook per exercise page under ``colab/`` (written from the course
model by ``skischool colab --write``; a test fails when they are stale). This extension adds
the menu entry for exactly those pages, after the theme has made the menu, pointing at
``colab/<page>.ipynb`` in the repository of ``_config.yml``. Like every launch button it is a
plain link: the page loads nothing for it.

Switched by ``skischool_colab`` (``sphinx: config:`` in ``_config.yml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _add_colab(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not app.config.skischool_colab:
        return
    notebook = f"colab/{pagename}.ipynb"
    if not (Path(app.srcdir) / notebook).is_file():
        return  # not an exercise page: no Colab notebook to open
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not groups:
        return
    from skischool.launch import LaunchError, colab_link

    options = app.config.html_theme_options
    try:
        url = colab_link(
            str(options.get("repository_url", "")),
            str(options.get("repository_branch", "main")),
            notebook,
        )
    except LaunchError as exc:
        logger.warning("no Colab entry on %s: %s", pagename, exc, type="skischool")
        return
    groups[0]["buttons"].append(
        {
            "type": "link",
            "text": "Colab",
            "tooltip": "Launch on Colab",
            "icon": "_static/images/logo_colab.png",
            "url": url,
            "label": "colab-button",
        }
    )


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("skischool_colab", False, "html", types=[bool])
    # After sphinx-book-theme's add_launch_buttons (priority 501), which makes the menu.
    app.connect("html-page-context", _add_colab, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
