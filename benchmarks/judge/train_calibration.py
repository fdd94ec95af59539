"""Learn the judge's calibration from the real-reply corpus's train split, and report it honestly.

    .venv/bin/python benchmarks/judge/train_calibration.py [--write]

Logistic regression (scikit-learn, a dev-only dependency) over ``skischool.calibration.features``
of every good or poor reply in the train split. The penalty is chosen by cross-validation grouped
by source (all replies from one article fall in one fold, as the train/test split does), and the
cross-validated accuracy and AUC are printed and stored with the weights. The test split is never
read here: ``bench_judge.py`` reports it.

``--write`` stores the weights in ``benchmarks/judge/calibration.json``; the result is deterministic,
so rerunning after a change to the situation rubrics or the concepts shows exactly what moved.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench_judge import auc, scenario_for  # noqa: E402
from judge.calibration import (  # noqa: E402
    CALIBRATION_FILE,
    FORMAT_VERSION,
    features,
    sources_fingerprint,
)
from judge.corpus import load  # noqa: E402

from skischool.criteria.base import Doc  # noqa: E402
from skischool.situations import load_situation  # noqa: E402

FOLDS = 5
PENALTIES = (0.03, 0.1, 0.3, 1.0, 3.0)  # sklearn's C: smaller is a stronger pull towards zero
UNSURE = (0.35, 0.65)  # between these, the estimate says it is unsure


def training_rows() -> tuple[list[dict[str, float]], list[int], list[str]]:
    xs, ys, groups = [], [], []
    for e in load():
        if e.split != "train" or e.verdict == "mixed":
            continue
        scenario = scenario_for(e)
        result = load_situation(e.situation).check(e.reply, scenario)
        xs.append(features(e.situation, Doc(e.reply, scenario), result))
        ys.append(1 if e.good else 0)
        groups.append(e.source)
    return xs, ys, groups


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help=f"store the weights in {CALIBRATION_FILE}")
    args = ap.parse_args(argv)

    xs, ys, groups = training_rows()
    names = sorted(xs[0])
    matrix = [[x[k] for k in names] for x in xs]
    print(f"Train split: {len(ys)} good/poor replies from {len(set(groups))} sources")

    def cross_validate(c: float) -> tuple[float, float]:
        probs = [0.0] * len(ys)
        for train, held in GroupKFold(n_splits=FOLDS).split(matrix, ys, groups):
            model = LogisticRegression(C=c, max_iter=2000)
            model.fit([matrix[i] for i in train], [ys[i] for i in train])
            for i, p in zip(
                held, model.predict_proba([matrix[i] for i in held])[:, 1], strict=True
            ):
                probs[i] = float(p)
        acc = sum((p >= 0.5) == (y == 1) for p, y in zip(probs, ys, strict=True)) / len(ys)
        a = auc(
            [p for p, y in zip(probs, ys, strict=True) if y],
            [p for p, y in zip(probs, ys, strict=True) if not y],
        )
        return acc, a or 0.0

    best = None
    for c in PENALTIES:
        acc, a = cross_validate(c)
        print(f"  C={c:<5} grouped {FOLDS}-fold CV: accuracy {acc:.3f}  AUC {a:.3f}")
        if best is None or a > best[2]:
            best = (c, acc, a)
    assert best is not None
    c, acc, a = best
    model = LogisticRegression(C=c, max_iter=2000).fit(matrix, ys)
    weights = {k: round(float(w), 6) for k, w in zip(names, model.coef_[0], strict=True)}
    print(f"Chosen C={c}: cross-validated accuracy {acc:.3f}, AUC {a:.3f}")
    top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:10]
    print("Largest weights: " + ", ".join(f"{k} {w:+.2f}" for k, w in top))
    if args.write:
        data = {
            "version": FORMAT_VERSION,
            "about": "Logistic calibration of the situation judge; written by "
            "benchmarks/judge/train_calibration.py --write. Do not edit by hand.",
            "trained_on": sources_fingerprint(),
            "cross_validated": {
                "replies": len(ys),
                "sources": len(set(groups)),
                "folds": FOLDS,
                "C": c,
                "accuracy": round(acc, 3),
                "auc": round(a, 3),
            },
            "unsure": list(UNSURE),
            "intercept": round(float(model.intercept_[0]), 6),
            "weights": weights,
        }
        CALIBRATION_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"Wrote {CALIBRATION_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
