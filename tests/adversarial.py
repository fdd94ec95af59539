"""Texts built to make a checker slow: what hostile learners paste, and what regex engines hate.

Shared by the hang-guard test (100 kB, every shipped rubric) and ``benchmarks/bench_engine.py``
(1 MB, which prints the slowest rubric and input). Each input targets a way text processing
goes quadratic somewhere: runs of one punctuation mark (sentence splitters), acronym floods
(caps-word exceptions), hyphen chains (link and word patterns), fragments of every phrase and
exception the shipped rubrics and concepts use (partial matches that scanners must retry), long
words, mixed scripts and control characters.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PHRASE_KEYS = {"phrases", "exceptions", "also", "add", "except"}
PUNCTUATION = "!?.…,;:-–—'\"()[]*#@/\\_~`%&+=<>|"


def _strings(node: Any) -> Iterator[str]:
    """Phrase texts under any phrase-list key, with finite regexes spelled out."""
    from skischool.regexlit import as_phrases

    if isinstance(node, dict):
        for key, value in node.items():
            if key in PHRASE_KEYS and isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        yield item
                    elif isinstance(item, dict) and isinstance(item.get("phrase"), str):
                        yield item["phrase"]
                    elif isinstance(item, dict) and isinstance(item.get("regex"), str):
                        yield from (as_phrases(item["regex"]) or [])[:20]
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


@cache
def shipped_phrases() -> tuple[str, ...]:
    """Every phrase and exception in the shipped rubrics and concepts (sorted, unique)."""
    files = [
        *sorted((ROOT / "exercises").rglob("*.yaml")),
        *sorted((ROOT / "src/skischool/rubrics").glob("*.yaml")),
        *sorted((ROOT / "src/skischool/concepts").glob("*.yaml")),
    ]
    found: set[str] = set()
    for path in files:
        found.update(s for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))) if s)
    return tuple(sorted(found))


def _fill(unit: str, size: int) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def _cycle(parts: list[str], size: int, sep: str = " ") -> str:
    out: list[str] = []
    total = 0
    for part in itertools.cycle(parts):
        out.append(part)
        total += len(part) + len(sep)
        if total >= size:
            break
    return sep.join(out)[:size]


def hostile_texts(size: int) -> dict[str, str]:
    """Named inputs of exactly ``size`` characters each."""
    phrases = list(shipped_phrases())
    words = [w for p in phrases for w in p.split()]
    texts: dict[str, str] = {f"run of {ch!r}": _fill(ch, size) for ch in PUNCTUATION}
    texts |= {
        "FAQ FAQ ...": _fill("FAQ ", size),
        "NOT OK ...": _fill("NOT OK ", size),
        "caps words": _cycle([w.upper() for w in words], size),
        "a-a-a-...": _fill("a-", size),
        "hyphenated phrases": _cycle([p.replace(" ", "-") for p in phrases], size, "-"),
        "phrase halves": _cycle([p[: max(1, len(p) // 2)] for p in phrases], size),
        "phrases without their last word": _cycle(
            [p.rsplit(" ", 1)[0] for p in phrases if " " in p], size
        ),
        "every phrase, no spaces": _cycle([p.replace(" ", "") for p in phrases], size, ""),
        "every phrase, negated": _cycle([f"no need to {p}." for p in phrases], size),
        "every phrase, in quotes": _cycle([f'"{p}"' for p in phrases], size),
        "every phrase, one sentence": _cycle(phrases, size, ", "),
        "one long word": _fill("a", size),
        "long words": _fill("antidisestablishmentarianism" * 40 + " ", size),
        "digits and times": _fill("9am-2pm 10:30 £40 20% off 2026-12-01 ", size),
        "mixed scripts": _fill("Sorry Привет 对不起 آسف שלום ❤️🙏🏽 e\u0301\u200f\u200b ", size),
        "emoji": _fill("😀", size),
        "control characters": _fill("sorry\x00\x07\x1b[31m\r\n\t\x7f ", size),
        "line breaks": _fill("\n", size),
        "markup": _fill("<b>sorry</b><script>alert(1)</script>&amp; ", size),
    }
    return texts


__all__ = ["hostile_texts", "shipped_phrases"]
