"""The published JSON Schema for rubric files, generated from the one declaration in loader.py."""

from __future__ import annotations

from typing import Any

from . import __version__

SCHEMA_ID = "urn:skischool:rubric-schema"


def json_schema() -> dict[str, Any]:
    from .loader import RUBRIC

    schema = RUBRIC.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Social Media Ski School rubric (skischool {__version__})",
        "description": "A reply or choice rubric. See the book's rubric-format page.",
        **schema,
    }


def concept_json_schema() -> dict[str, Any]:
    """The published JSON Schema for concept files (src/skischool/concepts/*.yaml)."""
    from .concepts import CONCEPT

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:skischool:concept-schema",
        "title": f"Social Media Ski School concept (skischool {__version__})",
        "description": "A named meaning in the shared lexicon. See the book's rubric-format page.",
        **CONCEPT.json_schema(),
    }
