"""Address the person by the name or handle the scenario gives: people, not tickets."""

from __future__ import annotations

from typing import Any

from ..result import Finding
from ..textmatch import Phrase, PhraseSet
from .base import Author, Criterion, Doc, Scenario, TypeExample


class Address(Criterion):
    type_name = "address"
    doc = "Met when the reply uses the author's name, first name or handle (with or without @)."
    fields = []
    placeholders = ("name",)
    tone_default = ("warmth",)
    examples = [
        TypeExample(
            config={},
            scenario=Scenario(platform="x", author=Author(name="Priya Shah", handle="@priya_s")),
            passes=[
                "Priya, I'm sorry.",
                "@priya_s thanks!",
                "Thank you, priya shah",
                "priya_s: on it",
            ],
            fails=["Sorry about that.", "Hi there, thanks", "Priyanka, sorry"],
        )
    ]

    @classmethod
    def check_config(
        cls, data: dict[str, Any], rubric: dict[str, Any]
    ) -> list[tuple[tuple[object, ...], str]]:
        problems = super().check_config(data, rubric)
        scenario = rubric.get("scenario")
        author = (scenario or {}).get("author") or {}
        if scenario and not (author.get("name") or author.get("handle")):
            problems.append(
                ((), "an 'address' criterion needs scenario.author with a name or handle")
            )
        return problems

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self._cache: tuple[Author, PhraseSet] | None = None

    def names(self, author: Author) -> PhraseSet:
        if self._cache is not None and self._cache[0] == author:
            return self._cache[1]
        phrases = []
        if author.name.strip():
            phrases.append(Phrase(author.name))
            phrases.append(Phrase(author.name.split()[0]))
        handle = author.handle.strip().lstrip("@")
        if handle:
            phrases.append(Phrase("@" + handle))
            phrases.append(Phrase(handle))
        ps = PhraseSet(phrases)
        self._cache = (author, ps)
        return ps

    def evaluate(self, doc: Doc) -> tuple[bool | None, list[Finding], str]:
        author = doc.scenario.author
        if not (author.name.strip() or author.handle.strip()):
            return None, [], ""  # no one named in the scenario: nothing to judge
        hit = self.names(author).first(doc.norm)
        if hit is None:
            return False, [self.finding(doc)], ""
        return True, [], doc.quote(hit.start, hit.end)
