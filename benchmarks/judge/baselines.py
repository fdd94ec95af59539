"""A learned text baseline for the real-reply corpus: how far do the words alone carry?

The situation rubrics are hand-built; the question a maintainer asks of their held-out figures is
whether a model that simply learns from the train split's words would do better. This is that
model: TF-IDF over character n-grams (2 to 5, within words, so inflections and spellings share
features) plus the situation, then logistic regression. Its penalty is chosen by grouped
cross-validation on the train split only, as ``train_calibration.py`` chooses the calibration's;
the test split is never read here. scikit-learn is a dev-only dependency, and nothing in the
course uses this model: it is a yardstick, printed beside the rubrics by ``bench_judge.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bench_judge import auc
from judge.corpus import Entry

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

FOLDS = 5
PENALTIES = (0.3, 1.0, 3.0, 10.0)


def _text(e: Entry) -> str:
    return f"[{e.situation}] {e.reply}"


def auc_of(probs: Sequence[float], ys: Sequence[int]) -> float:
    """bench_judge's AUC over probabilities and 0/1 truths; 0.5 when one class is missing."""
    pos = [p for p, y in zip(probs, ys, strict=True) if y]
    neg = [p for p, y in zip(probs, ys, strict=True) if not y]
    a = auc(pos, neg)
    return 0.5 if a is None else a


def learned_words(train: Sequence[Entry]) -> tuple[Callable[[Entry], float], str]:
    """Fit on the good/poor train replies; return P(good) for any entry and a one-line account."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline

    rows = [e for e in train if e.verdict != "mixed"]
    texts = [_text(e) for e in rows]
    ys = [1 if e.good else 0 for e in rows]
    groups = [e.source for e in rows]

    def model(c: float) -> Pipeline:
        return make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
            LogisticRegression(C=c, max_iter=3000),
        )

    def cross_validated(c: float) -> float:
        probs = [0.0] * len(ys)
        for fit, held in GroupKFold(n_splits=FOLDS).split(texts, ys, groups):
            m = model(c).fit([texts[i] for i in fit], [ys[i] for i in fit])
            for i, p in zip(held, m.predict_proba([texts[i] for i in held])[:, 1], strict=True):
                probs[i] = float(p)
        return auc_of(probs, ys)

    scores = {c: cross_validated(c) for c in PENALTIES}
    best = max(PENALTIES, key=lambda c: (scores[c], -c))
    fitted = model(best).fit(texts, ys)
    account = (
        f"learned words: char 2-5-gram TF-IDF + logistic regression on {len(ys)} train replies, "
        f"C={best} by grouped {FOLDS}-fold CV (train AUC {scores[best]:.2f})"
    )
    return (lambda e: float(fitted.predict_proba([_text(e)])[0, 1])), account
