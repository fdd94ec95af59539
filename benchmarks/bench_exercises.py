"""Do the exercise rubrics judge fresh replies fairly? Replies written blind from the scenarios.

    .venv/bin/python benchmarks/bench_exercises.py [--misses]

benchmarks/judge/blind-replies*.yaml hold rounds of replies per exercise, written by someone who
saw only the task, the post and the context, never the rubric: a plain good reply, a good reply
worded unusually, (from round 2) the shortest good reply, a sneaky-bad reply and keyword salad.
A good reply should pass and a bad one fail; the figures say how often each kind gets the
verdict it deserves. Each file's header gives its figures from before any change was made for it.

benchmarks/judge/blind-threads.yaml does the same for conversations (three threads each, played
turn by turn from the posts that came back) and for the triage queues (a careful sorting each).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from skischool.loader import load_rubric

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("good-plain", "good-unusual", "good-brief", "bad-sneaky", "bad-salad")
#: Each round of blind replies, oldest first. Only the newest untouched round is still blind:
#: once its misses have been read and fixed, a round is a development set (its header says so).
ROUNDS = tuple(f"blind-replies{n}.yaml" for n in ("", *(f"-{i}" for i in range(2, 14))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--misses", action="store_true", help="list the replies judged wrongly")
    args = ap.parse_args(argv)
    for name in ROUNDS:
        path = ROOT / "benchmarks/judge" / name
        if path.exists():
            replies_round(path, args.misses)
    threads(args.misses)
    return 0


def replies_round(path: Path, show_misses: bool) -> None:
    """One round of blind replies: how often each kind gets the verdict it deserves."""
    replies = yaml.safe_load(path.read_text(encoding="utf-8"))["replies"]
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for r in replies:
        result = load_rubric(ROOT / r["rubric"]).check(r["text"])
        total[r["kind"]] += 1
        if result.passed == r["kind"].startswith("good"):
            right[r["kind"]] += 1
        else:
            misses.append((r, result))
    print(f"{path.name}: blind replies to {len({r['rubric'] for r in replies})} exercises")
    for kind in (k for k in KINDS if total[k]):
        verb = "passed" if kind.startswith("good") else "failed"
        print(f"  {kind:<13} {right[kind]:>3} of {total[kind]:<3} {verb}")
    good = [k for k in KINDS if k.startswith("good")]
    bad = [k for k in KINDS if k.startswith("bad")]
    print(
        f"  good replies passed {sum(right[k] for k in good)}/{sum(total[k] for k in good)}; "
        f"bad replies failed {sum(right[k] for k in bad)}/{sum(total[k] for k in bad)}"
    )
    if show_misses:
        for r, res in misses:
            unmet = ", ".join(c.id for c in res.criteria if c.met is False)
            print(
                f"\n  {r['kind']} {r['rubric']} score {res.score} (unmet: {unmet})\n    {r['text']}"
            )


def threads(show_misses: bool) -> None:
    """The blind conversations and sortings: how often each gets the verdict it deserves."""
    data = yaml.safe_load((ROOT / "benchmarks/judge/blind-threads.yaml").read_text())
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for t in data["threads"]:
        result = load_rubric(ROOT / t["rubric"]).check(t["replies"])
        total[t["kind"]] += 1
        if result.passed == t["kind"].startswith("good"):
            right[t["kind"]] += 1
        elif show_misses:
            unmet = ", ".join(c.id for c in result.criteria if c.met is False)
            print(f"  miss: {t['kind']} {t['rubric']} score {result.score} (unmet: {unmet})")
    print(f"Blind conversations ({len({t['rubric'] for t in data['threads']})} exercises):")
    for kind in ("good-plain", "good-unusual", "bad-sneaky"):
        verb = "passed" if kind.startswith("good") else "failed"
        print(f"  {kind:<13} {right[kind]:>3} of {total[kind]:<3} {verb}")
    print("Blind sortings of the triage queues:")
    for s in data["sortings"]:
        result = load_rubric(ROOT / s["rubric"]).check(s["sorting"])
        verdict = "passed" if result.passed else "not passed"
        print(f"  {s['rubric']}: {result.summary}, score {result.score}, {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
