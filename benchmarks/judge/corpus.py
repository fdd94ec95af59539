"""The real-reply corpus: organisations' public replies with the public's verdict on them.

Entries live in ``corpus/*.yaml`` (one file per collector). Each quotes a reply exactly from a
published write-up, with the post it answered, the verdict the source reports, and the source's
address. The train/test split is fixed by source: every entry from one article lands on the same
side, decided by a hash of its address, so nothing learned from an article leaks into the test of
that article's other replies, and adding entries never moves old ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

HERE = Path(__file__).parent
CORPUS_DIR = HERE / "corpus"
SITUATIONS = ("complaint", "question", "praise", "troll", "rant", "misinformation", "crisis")
VERDICTS = ("good", "poor", "mixed")
TEST_SHARE = 30  # percent of sources held out for testing
REQUIRED = (
    "id",
    "situation",
    "platform",
    "organisation",
    "post",
    "reply",
    "verdict",
    "why",
    "source",
)


@dataclass(frozen=True)
class Entry:
    id: str
    situation: str
    platform: str
    organisation: str
    post: str
    reply: str
    verdict: str
    why: str
    source: str
    file: str

    @property
    def split(self) -> str:
        return split_of(self.source)

    @property
    def good(self) -> bool:
        return self.verdict == "good"


def split_of(source: str) -> str:
    """'test' or 'train', fixed by the source address alone."""
    digest = hashlib.sha256(source.strip().encode("utf-8")).digest()
    return "test" if digest[0] * 100 // 256 < TEST_SHARE else "train"


CORPUS_FILE = HERE / "real-replies.yaml"


def corpus_files() -> list[Path]:
    return [CORPUS_FILE] if CORPUS_FILE.exists() else sorted(CORPUS_DIR.glob("*.yaml"))


def load(paths: list[Path] | None = None) -> list[Entry]:
    """Every entry, checked; raises ValueError naming the file and entry of each problem."""
    entries: list[Entry] = []
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    seen_replies: dict[str, str] = {}
    for path in paths or corpus_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for i, raw in enumerate(data.get("entries") or []):
            where = f"{path.name}: entries[{i}]"
            if not isinstance(raw, dict):
                problems.append(f"{where}: expected a mapping")
                continue
            missing = [k for k in REQUIRED if not str(raw.get(k) or "").strip()]
            if missing:
                problems.append(f"{where} ({raw.get('id')}): missing {', '.join(missing)}")
                continue
            if raw["situation"] not in SITUATIONS:
                problems.append(f"{where}: situation '{raw['situation']}' not one of {SITUATIONS}")
            if raw["verdict"] not in VERDICTS:
                problems.append(f"{where}: verdict '{raw['verdict']}' not one of {VERDICTS}")
            if not str(raw["source"]).startswith(("http://", "https://")):
                problems.append(f"{where}: source is not an address")
            if raw["id"] in seen_ids:
                problems.append(f"{where}: id {raw['id']} also in {seen_ids[raw['id']]}")
            key = " ".join(str(raw["reply"]).lower().split())
            if key in seen_replies:
                problems.append(f"{where}: the same reply as {seen_replies[key]}")
            seen_ids[raw["id"]] = path.name
            seen_replies[key] = raw["id"]
            entries.append(
                Entry(**{k: str(raw[k]) for k in REQUIRED}, file=path.name)  # type: ignore[arg-type]
            )
    if problems:
        raise ValueError("real-reply corpus problems:\n" + "\n".join(problems))
    return entries


READER_LABELS_FILE = HERE / "reader-labels.yaml"
BASES = ("text", "context")


@dataclass(frozen=True)
class ReaderLabels:
    """What two readers said a verdict rests on, and whether the reply takes a shot at anyone."""

    basis: tuple[str, str]
    shot: bool
    context_why: str = ""

    @property
    def decided_by_text(self) -> bool:
        """Both readers say a trainer could reach the verdict from the post and reply alone."""
        return self.basis == ("text", "text")


def load_reader_labels(
    entries: list[Entry], path: Path = READER_LABELS_FILE
) -> dict[str, ReaderLabels]:
    """The reader labels, one per corpus entry; raises ValueError naming each problem."""

    def parse(row: object) -> ReaderLabels | str:
        basis = row.get("basis") if isinstance(row, dict) else None
        if not (isinstance(basis, list) and len(basis) == 2 and set(basis) <= set(BASES)):
            return f"basis must be two of {BASES}, one per reader"
        assert isinstance(row, dict)
        if not isinstance(row.get("shot"), bool):
            return "shot must be true or false"
        return ReaderLabels((basis[0], basis[1]), row["shot"], str(row.get("context_why", "")))

    return _load_keyed(path, "labels", {e.id for e in entries}, "corpus entry", parse)


READER_RATINGS_FILE = HERE / "reader-ratings.yaml"
RATINGS = range(1, 6)


def load_reader_ratings(
    entries: list[Entry], path: Path = READER_RATINGS_FILE
) -> dict[str, tuple[int, ...]]:
    """Careful readers' 1-5 ratings of every test-split reply; raises ValueError naming problems."""

    def parse(row: object) -> tuple[int, ...] | str:
        if isinstance(row, list) and row and all(_rating(r) for r in row):
            return tuple(row)
        return "expected a list of ratings from 1 to 5, one per reader"

    test = {e.id for e in entries if e.split == "test"}
    return _load_keyed(path, "ratings", test, "test-split entry", parse)


def _rating(r: object) -> bool:
    return isinstance(r, int) and not isinstance(r, bool) and r in RATINGS


T = TypeVar("T")


def _load_keyed(
    path: Path, section: str, ids: set[str], what: str, parse: Callable[[object], T | str]
) -> dict[str, T]:
    """One value per id from ``section`` of a YAML file: every id present, no stranger, each
    row parsed (a string back is the problem with it); raises ValueError naming each problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw = data.get(section) or {}
    problems: list[str] = []
    out: dict[str, T] = {}
    for key, row in raw.items():
        where = f"{path.name}: {section}.{key}"
        value = parse(row) if key in ids else f"no {what} has this id"
        if isinstance(value, str):
            problems.append(f"{where}: {value}")
        else:
            out[key] = value
    problems += [f"{path.name}: no {section} for {i}" for i in sorted(ids - set(raw))]
    if problems:
        raise ValueError(f"reader {section} problems:\n" + "\n".join(problems))
    return out
