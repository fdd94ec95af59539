"""How well the situation rubrics agree with the public on real organisations' replies.

    .venv/bin/python benchmarks/bench_judge.py [--split test|train|all]

For every reply in the real-reply corpus (benchmarks/judge/real-replies.yaml) whose split is
asked for (the held-out test split by default), the situation's general rubric checks the reply
against the post it answered. A pass predicts "good", a fail "poor"; the score ranks replies for
the AUC. Replies the public judged "mixed" are left out of the binary figures and reported
apart. Beside the rubrics: their learned calibration (judge/calibration.py, a logistic regression
trained on the train split; it predicts "good" at 0.5 or more), VADER (a sentiment lexicon) and a
judge that always says "good", all scored on the same replies; on the test split also a
learned-words yardstick (judge/baselines.py) fitted on the train split. The figures are then
split by the reader labels (judge/reader-labels.yaml): whether the verdict can be reached from
the words, and whether the reply takes a shot at the poster. Targets: accuracy >= 0.85 and
AUC >= 0.90.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from judge.calibration import features as calibration_features
from judge.calibration import load_calibration
from judge.corpus import SITUATIONS, Entry, load, load_reader_labels, load_reader_ratings

from skischool.criteria.base import Doc, Scenario
from skischool.platforms import PLATFORMS
from skischool.situations import load_situation

TARGET_ACCURACY, TARGET_AUC = 0.85, 0.90
READERS_GOOD = 3.5  # a mean rating between "either way" (3) and "probably good" (4)


@dataclass(frozen=True)
class Judged:
    entry: Entry
    passed: bool
    score: float
    vader: float
    estimate: float | None  # the calibration's probability of "good", when one is shipped
    words: float | None = None  # the learned-words baseline's probability, on the test split only
    readers: float | None = None  # careful readers' mean 1-5 rating, on the test split only


def scenario_for(e: Entry) -> Scenario:
    platform = e.platform if e.platform in PLATFORMS else ""
    if platform and len(e.reply) > PLATFORMS[platform].limit:
        platform = ""  # a long statement quoted from a thread or an image: no reply limit applies
    return Scenario(platform=platform, post=e.post)


def judge(entries: list[Entry]) -> list[Judged]:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer().polarity_scores
    except ImportError:  # pragma: no cover - it is in requirements.txt
        vader = None
    cal = load_calibration()
    out = []
    for e in entries:
        scenario = scenario_for(e)
        r = load_situation(e.situation).check(e.reply, scenario)
        v = vader(e.reply)["compound"] if vader else 0.0
        p = None
        if cal is not None:
            p = cal.probability(calibration_features(e.situation, Doc(e.reply, scenario), r))
        out.append(Judged(e, r.passed, float(r.score), v, p))
    return out


def auc(pos: list[float], neg: list[float]) -> float | None:
    """Probability that a random good reply outranks a random poor one (ties count half)."""
    if not pos or not neg:
        return None
    wins = 0.0
    for p in pos:
        for n in neg:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(pos) * len(neg))


@dataclass(frozen=True)
class Figures:
    n: int
    accuracy: float
    auc: float | None
    tp: int
    fn: int
    fp: int
    tn: int


def figures(rows: list[tuple[bool, bool, float]]) -> Figures:
    """rows: (truly good, predicted good, score)."""
    tp = sum(1 for t, p, _ in rows if t and p)
    fn = sum(1 for t, p, _ in rows if t and not p)
    fp = sum(1 for t, p, _ in rows if not t and p)
    tn = sum(1 for t, p, _ in rows if not t and not p)
    n = len(rows)
    a = auc([s for t, _, s in rows if t], [s for t, _, s in rows if not t])
    return Figures(n, (tp + tn) / n if n else 0.0, a, tp, fn, fp, tn)


def rubric_rows(rows: list[Judged]) -> list[tuple[bool, bool, float]]:
    return [(j.entry.good, j.passed, j.score) for j in rows]


def calibrated_rows(rows: list[Judged]) -> list[tuple[bool, bool, float]]:
    return [(j.entry.good, (j.estimate or 0.0) >= 0.5, j.estimate or 0.0) for j in rows]


def words_rows(rows: list[Judged]) -> list[tuple[bool, bool, float]]:
    return [(j.entry.good, (j.words or 0.0) >= 0.5, j.words or 0.0) for j in rows]


def readers_rows(rows: list[Judged]) -> list[tuple[bool, bool, float]]:
    return [(j.entry.good, (j.readers or 0.0) >= READERS_GOOD, j.readers or 0.0) for j in rows]


def with_readers(judged: list[Judged]) -> list[Judged]:
    """Add the careful readers' mean rating (judge/reader-ratings.yaml): a ceiling, not a rival."""
    ratings = load_reader_ratings(load())
    return [replace(j, readers=sum(r := ratings[j.entry.id]) / len(r)) for j in judged]


def with_learned_words(judged: list[Judged]) -> tuple[list[Judged], str]:
    """Add the learned-words baseline (judge/baselines.py), trained on the train split only."""
    from judge.baselines import learned_words

    predict, account = learned_words([e for e in load() if e.split == "train"])
    return [replace(j, words=predict(j.entry)) for j in judged], account


def bootstrap(
    rows: list[Judged], rowsof=rubric_rows, rounds: int = 2000, seed: int = 8
) -> tuple[float, ...]:
    """95% intervals for accuracy and AUC, resampling replies with replacement (fixed seed)."""
    rng = random.Random(seed)
    accs, aucs = [], []
    for _ in range(rounds):
        sample = [rows[rng.randrange(len(rows))] for _ in rows]
        f = figures(rowsof(sample))
        accs.append(f.accuracy)
        if f.auc is not None:
            aucs.append(f.auc)
    accs.sort()
    aucs.sort()

    def pick(xs: list[float], q: float) -> float:
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")

    return pick(accs, 0.025), pick(accs, 0.975), pick(aucs, 0.025), pick(aucs, 0.975)


def _fmt_auc(a: float | None) -> str:
    return "  n/a" if a is None else f"{a:5.2f}"


def report(judged: list[Judged], split: str) -> dict[str, Figures]:
    binary = [j for j in judged if j.entry.verdict != "mixed"]
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in binary:
        groups[j.entry.situation].append(j)
    groups["ALL"] = binary
    print(
        f"Real-reply corpus, {split} split: {len(judged)} replies "
        f"({len(binary)} good/poor, {len(judged) - len(binary)} mixed)"
    )
    print(f"Targets: accuracy >= {TARGET_ACCURACY}, AUC >= {TARGET_AUC}\n")
    calibrated = all(j.estimate is not None for j in judged)
    cal_head = f"  {'calibrated':>10} {'AUC':>5}  {'TP FN FP TN':>13}" if calibrated else ""
    learned = all(j.words is not None for j in judged)
    words_head = f"  {'words acc':>9} {'AUC':>5}" if learned else ""
    read = all(j.readers is not None for j in judged)
    words_head += f"  {'readers acc':>11} {'AUC':>5}" if read else ""
    head = f"{'situation':<15}{'n':>4}  {'rubric acc':>10} {'AUC':>5}  {'TP FN FP TN':>13}{cal_head}{words_head}  {'VADER acc':>9} {'AUC':>5}  {'always-good':>11}"
    print(head)
    print("-" * len(head))
    out: dict[str, Figures] = {}
    for name in (*SITUATIONS, "ALL"):
        rows = groups.get(name, [])
        if not rows:
            continue
        ours = figures(rubric_rows(rows))
        vad = figures([(j.entry.good, j.vader >= 0.05, j.vader) for j in rows])
        always = sum(1 for j in rows if j.entry.good) / len(rows)
        out[name] = ours
        conf = f"{ours.tp:>3}{ours.fn:>3}{ours.fp:>3}{ours.tn:>3}"
        cal_cols = ""
        if calibrated:
            cf = figures(calibrated_rows(rows))
            out[f"{name} calibrated"] = cf
            cconf = f"{cf.tp:>3}{cf.fn:>3}{cf.fp:>3}{cf.tn:>3}"
            cal_cols = f"  {cf.accuracy:>10.2f} {_fmt_auc(cf.auc)}  {cconf:>13}"
        words_cols = ""
        if learned:
            wf = figures(words_rows(rows))
            out[f"{name} words"] = wf
            words_cols = f"  {wf.accuracy:>9.2f} {_fmt_auc(wf.auc)}"
        if read:
            rf = figures(readers_rows(rows))
            out[f"{name} readers"] = rf
            words_cols += f"  {rf.accuracy:>11.2f} {_fmt_auc(rf.auc)}"
        print(
            f"{name:<15}{ours.n:>4}  {ours.accuracy:>10.2f} {_fmt_auc(ours.auc)}  {conf:>13}"
            f"{cal_cols}{words_cols}  {vad.accuracy:>9.2f} {_fmt_auc(vad.auc)}  {always:>11.2f}"
        )
    print(f"\n95% bootstrap intervals over all {len(binary)} good/poor replies (small samples):")
    judges = [("rubric", rubric_rows)] + ([("calibrated", calibrated_rows)] if calibrated else [])
    judges += [("words", words_rows)] if learned else []
    judges += [("readers", readers_rows)] if read else []
    for label, rowsof in judges:
        lo_acc, hi_acc, lo_auc, hi_auc = bootstrap(binary, rowsof)
        print(f"  {label:<11} accuracy {lo_acc:.2f}-{hi_acc:.2f}, AUC {lo_auc:.2f}-{hi_auc:.2f}")
    breakdown(binary, judges)
    mixed = [j for j in judged if j.entry.verdict == "mixed"]
    if mixed:
        good = [j.score for j in binary if j.entry.good]
        poor = [j.score for j in binary if not j.entry.good]
        mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
        print(
            f"\nMean rubric score: good {mean(good):.0f}, mixed {mean([j.score for j in mixed]):.0f}, "
            f"poor {mean(poor):.0f} (mixed should fall between)"
        )
    return out


Rows = list[tuple[bool, bool, float]]


def breakdown(
    binary: list[Judged], judges: list[tuple[str, Callable[[list[Judged]], Rows]]]
) -> None:
    """The same figures on the subsets the reader labels pick out (judge/reader-labels.yaml).

    If the misses sat where a verdict rests on context the words do not show, or on the public
    cheering a put-down the course teaches against, the figures on the rest would be high.
    """
    labels = load_reader_labels(load())
    subsets = (
        ("verdict decided by the text", lambda j: labels[j.entry.id].decided_by_text),
        ("verdict rests on context", lambda j: not labels[j.entry.id].decided_by_text),
        ("reply takes a shot at the poster", lambda j: labels[j.entry.id].shot),
        ("reply takes no shot", lambda j: not labels[j.entry.id].shot),
    )
    print("\nBy what the verdict rests on (reader labels):")
    for title, keep in subsets:
        rows = [j for j in binary if keep(j)]
        if not rows:
            continue
        good = sum(1 for j in rows if j.entry.good) / len(rows)
        cols = "  ".join(
            f"{label} {f.accuracy:.2f} / {_fmt_auc(f.auc).strip()}"
            for label, rowsof in judges
            for f in [figures(rowsof(rows))]
        )
        print(f"  {title:<33}{len(rows):>4} replies, {good:.0%} good   {cols}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("test", "train", "all"), default="test")
    ap.add_argument("--misses", action="store_true", help="list the replies judged wrongly")
    args = ap.parse_args(argv)
    entries = [e for e in load() if args.split == "all" or e.split == args.split]
    judged = judge(entries)
    if args.split == "test":
        judged, account = with_learned_words(judged)
        judged = with_readers(judged)
        print(
            f"Beside the rubrics, {account}; and, as a ceiling, two careful readers' mean rating "
            f"(judge/reader-ratings.yaml, {READERS_GOOD} or more is 'good').\n"
        )
    report(judged, args.split)
    if args.misses:
        print("\nJudged wrongly:")
        for j in judged:
            if j.entry.verdict != "mixed" and j.passed != j.entry.good:
                print(
                    f"  {j.entry.id} [{j.entry.situation}] public {j.entry.verdict}, "
                    f"rubric {'pass' if j.passed else 'fail'} {j.score:.0f}: {j.entry.reply[:110]!r}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
