"""Loaded rubrics and how they judge an answer.

A reply rubric scores free text criterion by criterion; a choice rubric scores the options a
learner picked. Both return the same :class:`~skischool.result.Result`, so widgets, the CLI and
progress records treat every exercise alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .criteria import Criterion, Doc
from .criteria.base import Scenario
from .result import LOWER_IS_BETTER, TONE_DIMENSIONS, CriterionResult, Finding, Result, ToneProfile
from .textmatch import clip

EMPTY_NOTE = "There is no reply yet. Write one in your own words, then check it."
# Beyond this a "reply" is a paste accident; checking only its start keeps the time bounded.
MAX_CHECK_CHARS = 1_000_000
#: Feedback while the learner types (the tone meter, "so far") stops past this length, on the
#: book page and in the notebook widget alike; Check still judges the whole reply.
PREVIEW_MAX_CHARS = 20_000
LONG_NOTE = "Only the first 1,000,000 characters were checked; a reply this long will not be read."
TELEGRAPHIC_NOTE = (
    "This reads as a list of keywords rather than sentences, so the moves it names don't count "
    "yet. Write it the way you'd say it to the person."
)


@dataclass(frozen=True)
class Example:
    """An example answer the rubric carries, with the verdict it must get."""

    expect: str  # "pass" or "fail"
    text: str = ""
    choose: tuple[str, ...] = ()
    fails: tuple[str, ...] = ()
    note: str = ""
    index: int = 0
    # A conversation's replies, one per turn, and the moves they must make (all but the last).
    replies: tuple[str, ...] = ()
    moves: tuple[str, ...] = ()
    # A triage's sorting: a starting point ("best", "leave-all", ...) and changes to it, as
    # (item id, action, reason) triples.
    start: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()


@dataclass
class RubricBase:
    id: str
    title: str
    file: str
    pass_score: int
    task: str = ""
    level: str = ""
    lesson: str = ""
    situation: str = ""
    scenario: Scenario | None = None
    examples: list[Example] = field(default_factory=list)

    kind = "base"


@dataclass
class ReplyRubric(RubricBase):
    criteria: list[Criterion] = field(default_factory=list)
    model_reply: str = ""

    kind = "reply"

    def check(self, text: object, scenario: Scenario | None = None) -> Result:
        """Judge a reply. Never raises for any text: bad input is feedback, not a crash."""
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        notes: tuple[str, ...] = ()
        if len(text) > MAX_CHECK_CHARS:
            text, notes = text[:MAX_CHECK_CHARS], (LONG_NOTE,)
        doc = Doc(text, scenario or self.scenario)
        if not text.strip():
            results = tuple(
                CriterionResult(c.id, c.title, False, c.severity, c.weight) for c in self.criteria
            )
            return self._result(results, len(text), (EMPTY_NOTE,))
        if doc.analysis.telegraphic:
            notes = (*notes, TELEGRAPHIC_NOTE)
        results = []
        for c in self.criteria:
            met, findings, evidence = c.evaluate(doc)
            results.append(
                CriterionResult(c.id, c.title, met, c.severity, c.weight, evidence, tuple(findings))
            )
        return self._result(tuple(results), len(text), notes)

    def _result(
        self, results: tuple[CriterionResult, ...], length: int, notes: tuple[str, ...]
    ) -> Result:
        applicable = [r for r in results if r.met is not None]
        total = sum(r.weight for r in applicable)
        got = sum(r.weight for r in applicable if r.met)
        raw = 100 * got / total if total else (0 if EMPTY_NOTE in notes else 100)
        blocked = any(r.met is False and r.severity == "error" for r in applicable)
        # A red flag fails a reply whatever else it does, so its score says so too: it is scaled
        # into the range below the pass mark, keeping the order among blocked replies.
        score = (
            round(raw * (self.pass_score - 1) / 100)
            if blocked and self.pass_score > 0
            else round(raw)
        )
        passed = EMPTY_NOTE not in notes and not blocked and score >= self.pass_score
        return Result(
            rubric=self.id,
            kind="reply",
            passed=passed,
            score=score,
            pass_score=self.pass_score,
            criteria=results,
            tone=self._tone(results),
            answer_length=length,
            notes=notes,
            lesson=self.lesson,
        )

    def _tone(self, results: tuple[CriterionResult, ...]) -> ToneProfile:
        by_id = {c.id: c for c in self.criteria}
        values: dict[str, int | None] = {}
        for dim in TONE_DIMENSIONS:
            total = got = 0.0
            for r in results:
                if r.met is None or dim not in by_id[r.id].tone:
                    continue
                total += r.weight
                got += r.weight if r.met else 0
            if not total:
                values[dim] = None
            else:
                share = round(100 * got / total)
                values[dim] = 100 - share if dim in LOWER_IS_BETTER else share
        return ToneProfile(values)


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    score: int
    feedback: str
    if_missed: str = ""


@dataclass
class ChoiceRubric(RubricBase):
    question: str = ""
    multiple: bool = False
    options: list[Option] = field(default_factory=list)

    kind = "choice"

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def check(self, chosen: object, *, checkpoint: bool = False) -> Result:
        """Judge the picked option ids. Unknown ids and odd input become notes, never errors.

        ``checkpoint``: the question is on a level's checkpoint, which tests what stuck. There a
        failed multi-select says how many good options were left out, not which: naming them
        would make the retake a copy of the feedback.
        """
        if isinstance(chosen, str):
            picked = [chosen]
        elif chosen is None:
            picked = []
        else:
            try:
                picked = [str(c) for c in chosen]  # type: ignore[union-attr]
            except TypeError:
                picked = [str(chosen)]
        notes: list[str] = []
        valid = []
        for pid in picked:
            if self.option(pid) is None:
                notes.append(f"“{clip(pid, 40)}” is not one of the options, so it was not counted.")
            elif pid not in valid:
                valid.append(pid)
        if not self.multiple and len(valid) > 1:
            notes.append("This question takes one answer; only your first choice was counted.")
            valid = valid[:1]
        if not valid:
            notes.append("Pick an option, then check your answer.")
        return self._judge(valid, tuple(notes), checkpoint)

    def _judge(self, chosen: list[str], notes: tuple[str, ...], checkpoint: bool) -> Result:
        findings = []
        for oid in chosen:
            opt = self.option(oid)
            assert opt is not None
            good = opt.score >= self.pass_score if not self.multiple else opt.score > 0
            findings.append(
                Finding(
                    criterion=opt.id,
                    severity="info" if good else "warning",
                    message=opt.feedback,
                    why="",
                    quote=clip(opt.text, 120),
                )
            )
        if self.multiple:
            positive = sum(o.score for o in self.options if o.score > 0)
            raw = sum(self.option(o).score for o in chosen)  # type: ignore[union-attr]
            score = max(0, min(100, round(100 * raw / positive))) if positive else 0
            passed = bool(chosen) and score >= self.pass_score
            missed = [o for o in self.options if o.score > 0 and o.id not in chosen]
            # In a checkpoint a failed answer hears how many good options it left out, never
            # which (no id, no text, no if_missed): the learner rereads and decides again.
            veiled = checkpoint and not passed
            results = []
            for o in self.options:
                wanted = o.score > 0
                met = (o.id in chosen) == wanted
                extra: tuple[Finding, ...] = ()
                if wanted and o.id not in chosen and o.if_missed and not veiled:
                    extra = (Finding(o.id, "warning", o.if_missed, ""),)
                own = tuple(f for f in findings if f.criterion == o.id)
                results.append(
                    CriterionResult(o.id, clip(o.text, 60), met, "warning", 1, "", own + extra)
                )
            if veiled and missed and chosen:
                results.append(_missed_count(len(missed)))
            criteria = tuple(results)
        else:
            score = self.option(chosen[0]).score if chosen else 0  # type: ignore[union-attr]
            score = max(0, min(100, score))
            met = bool(chosen) and score >= self.pass_score
            criteria = (
                CriterionResult("answer", "best answer", met, "error", 1, "", tuple(findings)),
            )
        passed = bool(chosen) and score >= self.pass_score
        return Result(
            rubric=self.id,
            kind="choice",
            passed=passed,
            score=score,
            pass_score=self.pass_score,
            criteria=criteria,
            answer_length=len(chosen),
            notes=notes,
            lesson=self.lesson,
        )


#: The nudge a failed checkpoint multi-select gets instead of the missed options' own feedback.
CHECKPOINT_NUDGE = (
    "Reread the scenario, then weigh each option you did not pick against what the lesson taught."
)


def _missed_count(n: int) -> CriterionResult:
    """A finding that counts the good options left out, without naming one."""
    what = "1 good option" if n == 1 else f"{n} good options"
    message = f"You left out {what}. {CHECKPOINT_NUDGE}"
    # Not a criterion of its own (met=None): it adds no point and takes none away.
    return CriterionResult(
        "missed",
        "good options left out",
        None,
        "warning",
        0,
        "",
        (Finding("missed", "warning", message, ""),),
    )


Rubric = ReplyRubric | ChoiceRubric
