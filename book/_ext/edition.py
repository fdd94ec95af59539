"""One source, two editions of the book: for learners (the default) and for instructors.

``SKISCHOOL_EDITION=learner|instructor`` (``scripts/build.sh --edition``) picks the edition.
Authors mark what only instructors should read with a directive:

* ```` ```{facilitator} ```` : a lesson's facilitator notes (timing, a group activity, the
  mistakes people make), shown open, as a "Facilitator notes" box, in the instructor edition;
* ```` ```{instructor-only} ```` : any other instructor material (the levels' session plans and
  discussion prompts). Headings inside it become plain bold lines;
* ```` ```{session-plan} ```` and ```` ```{mistakes-to-expect} ```` (``instructor_material.py``)
  are instructor material by nature.

The learner edition drops all of it from the page before the page is written: it is not in
the HTML (not hidden with CSS), not in the search index, and not in the page's published source
(``_sources/``, which this extension cuts too). A section left with nothing but its heading,
such as a lesson's ``## Facilitator notes``, goes with it, and so does its entry in the page's
"On this page" list. The instructor edition also gets, on every exercise page, an instructor key
under each exercise (its model reply or right answers, what the rubric checks, its sample
answers); the live exercises' rubric files differ too (``scripts/build_live.py``).

Why at write time (``doctree-resolved``), not while reading: Sphinx then reads (and runs) every
page once, identically for both editions, and the instructor edition can be written from the
learner edition's read (``scripts/build.sh`` copies it) instead of running every notebook again.
So nothing that happens while reading may depend on the edition. The read cache of a build
(``_build/.doctrees``) therefore holds the instructor material; it is never published.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from source_strip import INSTRUCTOR_DIRECTIVES, drop_toc_entries, strip_source
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

EDITION_ENV = "SKISCHOOL_EDITION"
EDITIONS = ("learner", "instructor")
FACILITATOR_TITLE = "Facilitator notes"


class instructor_only(nodes.General, nodes.Element):
    """Material for the instructor edition; each edition decides what to do with it when the
    page is written."""


def edition_from_env(environ: dict[str, str] | None = None) -> str:
    """The edition this build makes: learner unless ``SKISCHOOL_EDITION`` says instructor."""
    value = (os.environ if environ is None else environ).get(EDITION_ENV, "").strip().lower()
    if value == "":
        return "learner"
    if value not in EDITIONS:
        raise ConfigError(
            f"{EDITION_ENV}={value!r} is not an edition; expected one of {', '.join(EDITIONS)}"
        )
    return value


def edition(app: Sphinx) -> str:
    return getattr(app, "skischool_edition", "learner")


# --- the directives (read time: the same in both editions) --------------------------------


class FacilitatorDirective(SphinxDirective):
    """A lesson's facilitator notes: a box titled "Facilitator notes", instructors only."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0] if self.arguments else FACILITATOR_TITLE
        box = nodes.admonition(classes=["facilitator"])
        self.set_source_info(box)
        words, messages = self.state.inline_text(title, self.lineno)
        box += nodes.title(title, "", *words)
        self.state.nested_parse(self.content, self.content_offset, box)
        wrapper = instructor_only(kind="facilitator")
        wrapper += box
        return [wrapper, *messages]


class InstructorOnlyDirective(SphinxDirective):
    """Any block of instructor material."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        wrapper = instructor_only(kind="instructor-only", classes=self.options.get("class", []))
        self.set_source_info(wrapper)
        self.state.nested_parse(self.content, self.content_offset, wrapper)
        return [wrapper]


# --- what each edition writes ------------------------------------------------------------

#: Nodes that do not keep a section alive on their own.
_NOT_CONTENT = (nodes.title, nodes.target, nodes.comment, nodes.system_message)


def _prune(node: nodes.Node | None) -> None:
    """Remove sections that hold nothing but a title once instructor material is gone."""
    while isinstance(node, nodes.section) and node.parent is not None:
        if any(not isinstance(child, _NOT_CONTENT) for child in node.children):
            return
        parent = node.parent
        parent.remove(node)
        node = parent


def drop_instructor_material(doctree: nodes.Node) -> int:
    """The learner edition: every instructor-only node out, emptied sections with it.
    Returns how many were dropped."""
    found = list(doctree.findall(instructor_only))
    for node in found:
        parent = node.parent
        if parent is None:
            continue
        parent.remove(node)
        _prune(parent)
    return len(found)


def open_instructor_material(doctree: nodes.Node) -> int:
    """The instructor edition: every instructor-only node becomes an ordinary block."""
    found = list(doctree.findall(instructor_only))
    for node in found:
        kind = str(node.get("kind", "instructor-only"))
        block = nodes.container(classes=["skischool-instructor", f"skischool-{kind}"])
        block["classes"] += node.get("classes", [])
        block.extend(node.children)
        node.replace_self(block)
    return len(found)


def _resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if edition(app) == "instructor":
        from instructor_material import add_instructor_material

        add_instructor_material(app, doctree, docname)
        open_instructor_material(doctree)
    else:
        drop_instructor_material(doctree)


def _page_toc(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The learner edition: no "On this page" entry for a section that was dropped."""
    if edition(app) != "learner" or doctree is None or not context.get("toc"):
        return
    present = {i for node in doctree.findall(nodes.Element) for i in node.get("ids", [])}
    context["toc"] = drop_toc_entries(context["toc"], present)


def strip_notebook(text: str) -> str:
    """A notebook's JSON with :func:`strip_source` applied to every Markdown cell."""
    notebook = json.loads(text)
    changed = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        joined = "".join(source) if isinstance(source, list) else str(source)
        stripped = strip_source(joined)
        if stripped != joined:
            cell["source"] = stripped.splitlines(keepends=True)
            changed = True
    if not changed:
        return text
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _strip_sources(app: Sphinx, exception: Exception | None) -> None:
    """The learner edition publishes each page's source (the Markdown, and the notebook
    myst-nb makes of it) without its instructor material."""
    if exception is not None or edition(app) != "learner" or app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_sources"
    if not folder.is_dir():
        return
    marks = tuple("{" + name + "}" for name in INSTRUCTOR_DIRECTIVES)
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in {".md", ".txt", ".rst", ".ipynb"}:
            continue
        text = path.read_text(encoding="utf-8")
        if not any(mark in text for mark in marks):
            continue
        stripped = strip_notebook(text) if path.suffix == ".ipynb" else strip_source(text)
        if stripped != text:
            path.write_text(stripped, encoding="utf-8")


def _title(app: Sphinx, config: Config) -> None:
    app.skischool_edition = edition_from_env()  # type: ignore[attr-defined]
    if edition(app) == "instructor":
        # An html-only setting: it does not make Sphinx read any page again.
        base = config.html_title or config.project
        config.html_title = f"{base} · Instructor edition"


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    from instructor_material import setup as material

    app.add_node(instructor_only, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("facilitator", FacilitatorDirective)
    app.add_directive("instructor-only", InstructorOnlyDirective)
    material(app)
    app.connect("config-inited", _title)
    app.connect("doctree-resolved", _resolved)
    app.connect("html-page-context", _page_toc)
    app.connect("build-finished", _strip_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
