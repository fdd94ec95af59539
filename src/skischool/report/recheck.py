"""Which criteria the class missed: failed replies re-checked with the engine, on a sample.

Why re-check: an attempt records its score, not which criteria it missed, so the stored answer
is checked again against the exercise's rubric. Why a sample: checking every failed reply of a
large class would take minutes. For each exercise the report takes, from each learner with a
failed reply, their latest one, and re-checks at most :data:`SAMPLE` of those learners, chosen
by a hash of learner and exercise (the same class gives the same sample every time). Identical
replies are checked once, and each rubric is loaded once. The report says how many replies its
figures rest on, and a criterion's count is scaled up from the sample to every learner who
failed the exercise ("about N learners").
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from pickle import PicklingError
from typing import Any

from ..course import Exercise
from ..progress import Attempt
from ..textmatch import clip
from .anonymise import Anonymiser
from .roster import Roster

#: Failed replies re-checked per exercise (one per learner).
SAMPLE = 20
#: Longer replies are not re-checked (a paste accident, and its check could take a second).
MAX_RECHECK_CHARS = 20_000
#: Most-missed criteria given an anonymised example.
TOP = 12


@dataclass
class Missed:
    """One criterion of one exercise, and how often the sample of failed replies missed it."""

    exercise: Exercise
    criterion: str
    title: str
    missed: int = 0
    sampled: int = 0  # failed replies of this exercise that were re-checked
    failing: int = 0  # learners with a failed reply at this exercise
    example: str = ""  # anonymised (for the first TOP rows only)
    _raw: str = field(default="", repr=False)

    @property
    def share(self) -> float:
        return self.missed / self.sampled if self.sampled else 0.0

    @property
    def estimate(self) -> int:
        """About how many learners missed it, scaled from the sample."""
        return round(self.share * self.failing)


@dataclass
class Recheck:
    missed: list[Missed] = field(default_factory=list)  # most missed first
    sampled: int = 0  # failed replies re-checked
    failing: int = 0  # learner-exercise pairs with a failed reply
    checked: int = 0  # engine runs (identical replies once)
    now_pass: int = 0  # re-checked replies that pass today (the rubric changed since)
    too_long: int = 0  # failed replies left out of the sample for their length
    problems: list[str] = field(default_factory=list)  # rubrics that could not be loaded


def load_rubric_for(exercise: Exercise, rubric_dir: Path | None = None) -> Any:
    """The exercise's rubric: from the course's sources, or from the compiled rubrics beside a
    built ``course.json`` (``rubrics/<key>.json``)."""
    if exercise.rubric_path is not None:
        return exercise.rubric()
    if rubric_dir is None:
        raise ValueError(
            "the built course file holds no rubrics, and no rubrics/ folder is beside it"
        )
    from ..loader import load_rubric

    return load_rubric(rubric_dir / f"{exercise.key}.json", require_examples=False)


@dataclass(frozen=True)
class _Job:
    """One exercise's sampled replies (distinct, in sample order), to judge in one place."""

    exercise: Exercise
    answers: tuple[str, ...]
    rubric_dir: Path | None = None


#: What judging a job gives: per answer, its misses (None: it passes today) and what to quote;
#: or a problem when the rubric could not be loaded.
_Judged = tuple[dict[str, list[tuple[str, str]] | None], dict[str, str], str]


def recheck(
    r: Roster,
    *,
    sample: int = SAMPLE,
    rubric_dir: Path | None = None,
    loader: Callable[[Exercise], Any] | None = None,
    top: int = TOP,
    workers: int | None = None,
) -> Recheck:
    """Re-check a bounded, deterministic sample of failed replies per exercise.

    Loading a rubric costs more than checking a reply, and exercises are independent, so the
    jobs are shared between ``workers`` processes (default: up to two, one per core); a custom
    ``loader`` (tests) or a platform without processes runs them here, with the same result.
    """
    failed = _latest_failed(r)
    out = Recheck()
    plans: list[tuple[Exercise, list[tuple[str, str]], int]] = []
    for exercise in r.course.exercises():
        mine = failed.get(exercise.key, {})
        if not mine:
            continue
        out.failing += len(mine)
        picked: list[tuple[str, str]] = []
        for name in sorted(mine, key=lambda name: _hash(exercise.key, name)):
            if len(picked) >= sample:
                break
            answer = mine[name].answer
            if len(answer) > MAX_RECHECK_CHARS:
                out.too_long += 1
                continue
            picked.append((name, answer))
        plans.append((exercise, picked, len(mine)))
    jobs = [
        _Job(ex, tuple(dict.fromkeys(a for _, a in picked)), rubric_dir) for ex, picked, _ in plans
    ]
    if loader is not None:
        judged = [_judge(job, loader) for job in jobs]
    else:
        judged = _judge_all(jobs, workers if workers is not None else min(2, os.cpu_count() or 1))
    rows: list[Missed] = []
    for (exercise, picked, failing), (verdicts, quotes, problem) in zip(plans, judged, strict=True):
        if problem:
            out.problems.append(problem)
            continue
        out.checked += len(verdicts)
        out.sampled += len(picked)
        by_criterion: dict[str, Missed] = {}
        for _name, answer in picked:
            found = verdicts[answer]
            if found is None:
                out.now_pass += 1
                continue
            for cid, title in found:
                row = by_criterion.get(cid)
                if row is None:
                    row = by_criterion[cid] = Missed(exercise, cid, title, _raw=quotes[answer])
                row.missed += 1
        for row in by_criterion.values():
            row.sampled, row.failing = len(picked), failing
            rows.append(row)
    rows.sort(key=lambda m: (-m.estimate, -m.share, m.exercise.key, m.criterion))
    anonymous = Anonymiser(learner.name for learner in r.learners)
    for row in rows[:top]:
        row.example = anonymous(row._raw)
    for row in rows:
        row._raw = ""
    out.missed = rows
    return out


def _judge(job: _Job, loader: Callable[[Exercise], Any] | None = None) -> _Judged:
    """Load the job's rubric and judge each of its answers."""
    try:
        rubric = (loader or (lambda ex: load_rubric_for(ex, job.rubric_dir)))(job.exercise)
    except Exception as exc:  # a broken or missing rubric must not stop the report
        return {}, {}, f"{job.exercise.key}: not re-checked ({_reason(exc)})"
    verdicts = {answer: _misses(rubric, answer) for answer in job.answers}
    quotes = {answer: _example(rubric, answer) for answer in job.answers}
    return verdicts, quotes, ""


def _judge_all(jobs: list[_Job], workers: int) -> list[_Judged]:
    """Judge the jobs in ``workers`` processes, or here when that is not possible."""
    if workers > 1 and len(jobs) > 1:
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(_judge, jobs))
        except (OSError, BrokenProcessPool, PicklingError, RuntimeError, ImportError):
            pass  # no processes here (a sandbox, a frozen app): the same work, in one
    return [_judge(job) for job in jobs]


def _latest_failed(r: Roster) -> dict[str, dict[str, Attempt]]:
    """Per exercise key, per learner: their latest attempt that did not pass."""
    out: dict[str, dict[str, Attempt]] = {}
    for learner in r.learners:
        for attempt in learner.attempts:
            if attempt.passed:
                continue
            exercise = r.course.for_attempt(attempt.exercise, attempt.page)
            if exercise is None:
                continue
            mine = out.setdefault(exercise.key, {})
            held = mine.get(learner.name)
            if held is None or (attempt.time, attempt.id) > (held.time, held.id):
                mine[learner.name] = attempt
    return out


def _hash(key: str, name: str) -> str:
    return hashlib.sha1(f"{key}\0{name}".encode("utf-8", "surrogatepass")).hexdigest()


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return clip(text, 200)


def _choices(answer: str) -> list[str]:
    return [part.strip() for part in answer.split(",") if part.strip()]


def _misses(rubric: Any, answer: str) -> list[tuple[str, str]] | None:
    """The criteria a failed answer misses, as (id, title); None when it passes today."""
    if rubric.kind == "choice":
        result = rubric.check(_choices(answer))
        if result.passed:
            return None
        if not rubric.multiple:
            picked = [f.criterion for f in result.findings]
            if not picked:
                return [("answer", "picked no option")]
            return [(f"picked:{oid}", f"picked “{_option(rubric, oid)}”") for oid in picked]
        out = []
        for c in result.criteria:
            if c.met is False:
                option = rubric.option(c.id)
                wanted = option is not None and option.score > 0
                verb = "left out" if wanted else "picked"
                out.append((f"{verb}:{c.id}", f"{verb} “{_option(rubric, c.id)}”"))
        return out
    result = rubric.check(answer)
    if result.passed:
        return None
    return [(c.id, c.title) for c in result.criteria if c.met is False]


def _option(rubric: Any, oid: str) -> str:
    option = rubric.option(oid)
    return clip(option.text if option is not None else oid, 70)


def _example(rubric: Any, answer: str) -> str:
    """What to quote: the reply itself, or the texts of the options a learner picked."""
    if rubric.kind == "choice":
        return "; ".join(_option(rubric, oid) for oid in _choices(answer)) or "(no option picked)"
    if rubric.kind == "conversation":
        from ..conversation import as_replies

        replies = as_replies(answer)
        return " / ".join(f"reply {n}: {r}" for n, r in enumerate(replies, 1)) or "(no reply)"
    if rubric.kind == "triage":
        from ..triage import ACTIONS, as_sorting

        sorting, _ = as_sorting(answer, rubric)
        return (
            "; ".join(
                f"{item} → {ACTIONS.get(s.action, 'not sorted')}" for item, s in sorting.items()
            )
            or "(nothing sorted)"
        )
    return answer


__all__ = ["MAX_RECHECK_CHARS", "SAMPLE", "TOP", "Missed", "Recheck", "load_rubric_for", "recheck"]
