"""Length limits: a reply must fit its platform, and say enough to help."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..result import Finding
from ..schema import Field, Num, OneOf, Str
from .base import Author, Criterion, Doc, Scenario, TypeExample, fill, min_above_max, person


class Length(Criterion):
    type_name = "length"
    doc = "Met when the reply's length in characters is within [min, max]; max may be 'platform'."
    fields = [
        Field(
            "max",
            OneOf(
                [Num(integer=True, minimum=1), Str(enum=("platform",))],
                label="a whole number or 'platform'",
            ),
            "Most characters allowed, or 'platform' for the scenario platform's limit.",
        ),
        Field("min", Num(integer=True, minimum=0), "Fewest characters that can do the job."),
        Field("short_message", Str(), "Shown instead of 'message' when the reply is too short."),
    ]
    placeholders = ("name", "count", "limit", "match")
    tone_default = ("clarity",)
    examples = [
        TypeExample(
            config={"max": "platform", "min": 20},
            scenario=Scenario(platform="x", author=Author(name="Kim")),
            passes=["Sorry Kim, the refund is on its way today.", "x" * 280],
            fails=["ok thanks", "x" * 281, ""],
        )
    ]

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        return super().check_config(data, rubric) + min_above_max(data)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.max: int | str | None = data.get("max")
        self.min: int = int(data.get("min", 0))

    def limit(self, doc: Doc) -> int | None:
        if self.max == "platform":
            return doc.platform_limit
        return self.max if isinstance(self.max, int) else None

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        count = len(doc.text)
        limit = self.limit(doc)
        if limit is None and self.min == 0:
            return None, [], ""  # 'platform' with no platform known: nothing to judge
        if limit is not None and count > limit:
            span = (limit, min(count, limit + 40))
            values = {"count": count, "limit": limit}
            return False, [self.finding(doc, span=span, values=values)], ""
        if count < self.min:
            values = {"count": count, "limit": self.min}
            f = self.finding(doc, values=values)
            short = self.data.get("short_message")
            if short:
                f = replace(f, message=fill(short, {**values, "name": person(doc)}))
            return False, [f], ""
        return True, [], ""
