"""A learned calibration of the situation judge: measured here, not shipped to learners.

A logistic regression over the judge's own findings (the score, the blocked red flags, which
concepts a reply uses, its length and shape) estimates how likely readers are to call a reply
good. ``train_calibration.py`` learns it on the real-reply corpus's train split and stores the
weights in ``calibration.json``; applying them is pure Python (so it could run in the browser),
and ``bench_judge.py`` reports it beside the rubrics on the test split.

It stays in the benchmarks because it has not earned a place in the course: on the 132 good or
poor replies of the test split it moved accuracy from 0.65 to 0.67 and AUC from 0.66 to 0.70,
inside the noise of a sample that size. The issue asked for it only "where it measurably helps".

:func:`features` is the one definition of the inputs, used by training and applying alike.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from skischool.criteria.base import Doc, Matcher, matcher
from skischool.loader import SITUATIONS
from skischool.result import Result

CALIBRATION_FILE = Path(__file__).parent / "calibration.json"
FORMAT_VERSION = 1


@cache
def _concept_matchers() -> dict[str, Matcher]:
    from skischool.concepts import lexicon

    return {cid: matcher({"concepts": [cid]}, "phrases", ()) for cid in sorted(lexicon())}


def features(situation: str, doc: Doc, result: Result) -> dict[str, float]:
    """The inputs of the estimate, each scaled to about 0..1 so one penalty suits them all."""
    text = doc.text
    f: dict[str, float] = {
        "score": result.score / 100,
        "passed": float(result.passed),
        "blocked": float(any(c.met is False and c.severity == "error" for c in result.criteria)),
        "warnings": min(
            sum(1 for c in result.criteria if c.met is False and c.severity == "warning"), 4
        )
        / 4,
        "length": math.log1p(len(text)) / 7,
        "exclamations": min(text.count("!"), 5) / 5,
        "questions": min(text.count("?"), 3) / 3,
        "telegraphic": float(doc.analysis.telegraphic),
    }
    for cid, m in _concept_matchers().items():
        f[f"concept:{cid}"] = float(bool(m.hits(doc, limit=1)))
    for name in SITUATIONS:
        f[f"situation:{name}"] = float(situation == name)
    return f


def sources_fingerprint() -> str:
    """A hash of everything the situation judge's verdicts depend on: its rubrics and concepts.

    The calibration records it when trained, and a test compares, so a changed rubric or concept
    cannot silently keep weights learned on the old verdicts.
    """
    from skischool.concepts import CONCEPT_DIR
    from skischool.situations import situation_path

    digest = hashlib.sha256()
    paths = [situation_path(n) for n in SITUATIONS] + sorted(CONCEPT_DIR.glob("*.yaml"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over :func:`features`, and the band where an estimate would say "unsure"."""

    weights: dict[str, float]
    intercept: float
    unsure: tuple[float, float]
    trained_on: str
    cross_validated: dict[str, Any]

    def probability(self, feats: dict[str, float]) -> float:
        z = self.intercept + sum(w * feats.get(k, 0.0) for k, w in self.weights.items())
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


def from_dict(data: dict[str, Any], where: str = CALIBRATION_FILE.name) -> Calibration:
    """A calibration from its JSON form; a wrong version or shape is a clear error, not a guess."""
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError(f"{where}: expected a calibration with version {FORMAT_VERSION}")
    try:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        lo, hi = (float(x) for x in data["unsure"])
        return Calibration(
            weights,
            float(data["intercept"]),
            (lo, hi),
            str(data["trained_on"]),
            dict(data.get("cross_validated") or {}),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{where}: malformed calibration ({exc})") from None


@cache
def load_calibration() -> Calibration | None:
    """The trained calibration, or None before ``train_calibration.py --write`` has run."""
    if not CALIBRATION_FILE.exists():
        return None
    return from_dict(json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")))


__all__ = ["Calibration", "features", "from_dict", "load_calibration", "sources_fingerprint"]
