"""The ``practise-live`` directive: a "Practise live" button on every exercise page.

The button opens the page's exercise in the practice room, a JupyterLite site that the build
puts at ``lite/`` inside the book (``scripts/build_lite.py``), where Python runs in the
learner's browser. It is a plain link, so an ordinary page loads nothing extra: Python is
fetched only when the learner asks for it.

``target="skischool-live"`` names the tab: a second click, from any exercise page, reuses the
open practice room. Only the part after ``#`` changes, so the room does not reload; it tells the
running Python to switch exercise, which takes a moment instead of a new start.
"""

from __future__ import annotations

import re
from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

#: Same rule as ``skischool.live.catalogue.ID_RE``: ``<level>/<page>``.
ID_RE = re.compile(r"^[a-z][a-z-]*/[0-9a-z][0-9a-z-]*$")
TAB_NAME = "skischool-live"


def live_href(docname: str) -> str:
    """The practice room's address, relative to this page, with the exercise after ``#``."""
    exercise_id = docname.removeprefix("exercises/")
    if not docname.startswith("exercises/") or not ID_RE.fullmatch(exercise_id):
        raise ValueError(f"{docname}: practise-live belongs on an exercises/<level>/<page> page")
    return "../" * docname.count("/") + "lite/practise.html#" + exercise_id


class PractiseLive(SphinxDirective):
    """``{practise-live}`` with no arguments; the page it is on says which exercise to open."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        try:
            href = live_href(self.env.docname)
        except ValueError as exc:
            raise self.error(str(exc)) from None
        html = (
            '<div class="ss-live-launch" style="display:flex;flex-wrap:wrap;align-items:center;'
            'gap:.4em 1em;margin:1em 0">'
            f'<a class="sd-btn sd-btn-primary ss-practise-live" href="{escape(href)}" '
            f'target="{TAB_NAME}" style="font-weight:600">&#9654;&#xFE0E; Practise live</a>'
            '<span class="ss-live-note" style="color:#475467;font-size:.9em">'
            "Opens this exercise with Python running in your browser: nothing to install, no "
            "account. The first start takes about half a minute; the preview below is a "
            "picture until then.</span></div>"
        )
        return [nodes.raw("", html, format="html")]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("practise-live", PractiseLive)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
