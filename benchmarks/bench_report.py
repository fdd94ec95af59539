"""Class-report benchmark: 500 learners x every exercise, built end to end (target <= 10 s).

Generates realistic progress files into a temp folder (answers drawn from each rubric's own
pass and fail examples, scored by the engine, one to four attempts per exercise, learners who
stopped at different levels, some files naming their learner and some named after them), then
runs ``skischool report`` on it in a fresh process and prints the wall time and the peak memory
(max RSS) of that process, and a per-step breakdown measured in this process.

Run: .venv/bin/python benchmarks/bench_report.py [--learners 500]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def examples(course):  # type: ignore[no-untyped-def]
    """Per exercise: (pass answers, fail answers), each answer with the engine's verdict."""
    out = {}
    for ex in course.exercises():
        rubric = ex.rubric()
        good, bad = [], []
        for example in rubric.examples:
            if rubric.kind == "choice":
                answer = ",".join(example.choose)
                result = rubric.check(list(example.choose))
            else:
                answer = example.text
                result = rubric.check(example.text)
            verdict = (
                answer,
                result.score,
                result.passed,
                result.criteria_met,
                result.criteria_total,
            )
            (good if result.passed else bad).append(verdict)
        out[ex.key] = (good or bad, bad or good)
    return out


def make_class(folder: Path, course, learners: int, seed: int = 7) -> int:  # type: ignore[no-untyped-def]
    """Write ``learners`` progress files; return the number of attempts written."""
    rng = random.Random(seed)
    answers = examples(course)
    levels = [list(course.exercises(level.slug)) for level in course.levels]
    start = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    written = 0
    for n in range(learners):
        name = f"Learner {n:03d} {rng.choice(['Okafor', 'Lopez', 'Nguyen', 'Smith', 'Kowalski'])}"
        ability = rng.random()
        reached = len(levels) if rng.random() < 0.8 else rng.randint(1, len(levels))
        clock = start + timedelta(minutes=rng.randint(0, 600))
        attempts = []
        for exercises in levels[:reached]:
            for ex in exercises:
                if rng.random() < 0.05:
                    continue  # skipped this one
                good, bad = answers[ex.key]
                for attempt_no in range(rng.randint(1, 4)):
                    passes = rng.random() < 0.3 + 0.5 * ability + 0.1 * attempt_no
                    answer, score, passed, met, total = rng.choice(good if passes else bad)
                    if ex.kind == "reply":  # real replies all differ: defeat the re-check cache
                        answer += " " * rng.randint(0, 60)
                    clock += timedelta(minutes=rng.randint(1, 30))
                    attempts.append(
                        {
                            "exercise": ex.rubric_id,
                            "page": ex.page,
                            "time": clock.isoformat(),
                            "score": score,
                            "passed": passed,
                            "criteria_met": met,
                            "criteria_total": total,
                            "kind": ex.kind,
                            "answer": answer,
                            "learner": name if n % 2 else "",
                            "id": str(uuid.UUID(int=rng.getrandbits(128))),
                        }
                    )
                    if passed:
                        break
        doc = {
            "format": "skischool-progress",
            "version": 1,
            "course": course.id,
            "release": course.release,
            "exported": clock.isoformat(),
            "attempts": attempts,
        }
        stem = name.lower().replace(" ", "-")
        (folder / f"{stem}.json").write_text(json.dumps(doc), encoding="utf-8")
        written += len(attempts)
    return written


def steps(folder: Path, course) -> None:  # type: ignore[no-untyped-def]
    """Where the time goes, step by step (in this process, the course already loaded)."""
    from skischool.report import analysis as an
    from skischool.report.build import Report, texts
    from skischool.report.collect import collect
    from skischool.report.recheck import recheck
    from skischool.report.roster import roster

    marks = []

    def mark(label: str, t0: float) -> float:
        now = time.perf_counter()
        marks.append(f"{label} {now - t0:.2f} s")
        return now

    t = time.perf_counter()
    collection = collect(folder, course)
    t = mark("read files", t)
    r = roster(collection, course)
    t = mark("standings", t)
    rates = an.exercise_rates(r)
    items, group = an.item_analysis(r)
    bins, grid = an.score_bins(r), an.progress_grid(r)
    t = mark("figures", t)
    rc = recheck(r)
    t = mark(f"re-checks ({rc.checked} engine runs, {rc.sampled} replies)", t)
    report = Report(
        course, folder, r, rates, an.overall(rates), bins, grid, items, group, rc,
        datetime.now(timezone.utc),
    )  # fmt: skip
    files = texts(report)
    mark("render", t)
    print("steps: " + "; ".join(marks))
    print(f"report.html: {len(files['report.html']) / 1024:.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=500)
    args = parser.parse_args()
    from skischool.course import Course

    course = Course.load(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        t0 = time.perf_counter()
        n = make_class(folder, course, args.learners)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(
            f"generated {args.learners} progress files, {n} attempts at "
            f"{len(list(course.exercises()))} exercises, {size / 1024 / 1024:.1f} MB "
            f"({time.perf_counter() - t0:.1f} s)"
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "skischool", "report", str(folder), "--course", str(ROOT)],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        load = os.getloadavg()[0]
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
            raise SystemExit(f"skischool report exited {proc.returncode}")
        print(
            f"skischool report, {args.learners} learners (fresh process: imports, course, "
            f"files, re-checks, 3 files written): {wall:.2f} s wall (target <= 10 s), "
            f"{cpu:.2f} s CPU, peak memory {after.ru_maxrss / 1024:.0f} MB max RSS; "
            f"load average {load:.1f} on {os.cpu_count()} cores (other work slows the wall time)"
        )
        steps(folder, course)


if __name__ == "__main__":
    main()
