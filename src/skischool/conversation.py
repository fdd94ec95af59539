"""Conversation exercises: two or three turns, where the next post depends on the last reply.

Real threads have a second turn. The customer answers back, and the reply to the reply is where
a conversation is saved or lost. A conversation rubric is a short chain of reply rubrics: each
turn is judged with the ordinary criteria, and what the reply *did* picks the post that comes
next. The thread as a whole is judged too: did it stay calm, and did it close in public.

What a reply did is read from its own criteria, in a fixed order an author can rely on:

* ``argued``: it failed a criterion the turn's ``next.argued.when`` names (a jab, blame);
* ``deflected``: it failed one that ``next.deflected.when`` names (out of sight, boilerplate);
* ``owned``: it passed the turn;
* ``answered``: anything else, a reply that neither fought nor hid but did not yet own it.

Pure Python, so the notebook widget, the book page's worker and the CLI share it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import islice

from .criteria import Criterion
from .model import EMPTY_NOTE, ReplyRubric, RubricBase
from .result import (
    TONE_DIMENSIONS,
    CriterionResult,
    Finding,
    Result,
    ToneProfile,
    TurnRecord,
)

#: What a reply can do to a conversation, in the order they are tested.
MOVES = ("argued", "deflected", "owned", "answered")
#: How feedback names each move, after "Your reply ...".
MOVE_WORDS = {
    "argued": "argued back",
    "deflected": "moved it out of sight",
    "owned": "owned it",
    "answered": "answered without owning it yet",
}
CALM = "thread/calm"
PUBLIC = "thread/public"
#: The most replies one check reads; the rest of a pasted list is ignored with a note.
MAX_TURNS = 3


@dataclass(frozen=True)
class Branch:
    """The post that follows a reply that made ``move``, and what the next turn adds for it."""

    move: str
    post: str
    when: tuple[str, ...] = ()
    adds: tuple[Criterion, ...] = ()
    # Who posts it, when not the person who started the thread (a bystander joining in).
    author: str = ""
    # The people whose comments it holds, when not the thread's author alone.
    writers: tuple[str, ...] = ()


@dataclass
class Turn:
    id: str
    criteria: list[Criterion]
    next: dict[str, Branch] = field(default_factory=dict)
    model_reply: str = ""


@dataclass(frozen=True)
class Post:
    """A message in the thread that the learner answers: who wrote it, and what."""

    author: str
    text: str


@dataclass(frozen=True)
class TurnVerdict:
    """One judged turn: which post it answered, the reply, its result and its move."""

    number: int
    turn: Turn
    post: Post
    reply: str
    result: Result
    move: str


@dataclass
class ConversationRubric(RubricBase):
    turns: list[Turn] = field(default_factory=list)
    # Criteria of the last turn that, all met, close the thread in public; one that a path
    # into the last turn adds counts only on that path.
    closes: tuple[str, ...] = ()

    kind = "conversation"

    def __post_init__(self) -> None:
        self._rubrics: dict[tuple[int, str], ReplyRubric] = {}

    @property
    def model_reply(self) -> str:
        """The turns' model replies on the path where each reply owned it."""
        parts = [
            f"Reply {i + 1}: {t.model_reply.strip()}"
            for i, t in enumerate(self.turns)
            if t.model_reply.strip()
        ]
        return "\n\n".join(parts) if len(parts) == len(self.turns) else ""

    @property
    def author_name(self) -> str:
        a = self.scenario.author if self.scenario else None
        return (a.name or a.handle) if a else "They"

    def turn_rubric(self, index: int, came_by: str = "") -> ReplyRubric:
        """The reply rubric for one turn, reached by ``came_by`` (the move before it)."""
        key = (index, came_by)
        if key not in self._rubrics:
            turn = self.turns[index]
            adds: tuple[Criterion, ...] = ()
            if index and came_by:
                adds = self.turns[index - 1].next[came_by].adds
            self._rubrics[key] = ReplyRubric(
                id=f"{self.id}/{turn.id}",
                title=f"{self.title}, reply {index + 1}",
                file=self.file,
                pass_score=self.pass_score,
                lesson=self.lesson,
                scenario=self.scenario,
                criteria=[*turn.criteria, *adds],
                model_reply=turn.model_reply,
            )
        return self._rubrics[key]

    def walk(self, replies: Sequence[str]) -> tuple[list[TurnVerdict], Post | None]:
        """Judge the replies given so far, in order; returns them and the next post (or None)."""
        post = Post(self.author_name, self.scenario.post if self.scenario else "")
        came_by = ""
        writers: tuple[str, ...] = ()
        verdicts: list[TurnVerdict] = []
        for i, turn in enumerate(self.turns):
            if i >= len(replies):
                return verdicts, post
            scenario = (
                replace(self.scenario, post=post.text, writers=writers) if self.scenario else None
            )
            result = self.turn_rubric(i, came_by).check(replies[i], scenario)
            move = self.move(turn, result) if turn.next else ""
            verdicts.append(TurnVerdict(i + 1, turn, post, replies[i], result, move))
            if move:
                branch = turn.next[move]
                post, came_by = Post(branch.author or self.author_name, branch.post), move
                writers = branch.writers
        return verdicts, None

    @staticmethod
    def move(turn: Turn, result: Result) -> str:
        """What a reply did, read from its criteria in the fixed order of :data:`MOVES`.

        An empty reply fails every criterion, but it neither argued nor hid anything: it
        counts as ``answered``, so nobody is told a blank box "argued back"."""
        if EMPTY_NOTE in result.notes:
            return "answered"
        failed = {c.id for c in result.criteria if c.met is False}
        for move in ("argued", "deflected"):
            branch = turn.next.get(move)
            if branch and failed.intersection(branch.when):
                return move
        return "owned" if result.passed else "answered"

    def next_message(self, replies: object) -> Post | None:
        """The post the learner answers next, with its author; None once every turn is in."""
        return self.walk(as_replies(replies)[: len(self.turns)])[1]

    def next_post(self, replies: object) -> str | None:
        """The text of the post the learner answers next, or None at the end."""
        post = self.next_message(replies)
        return None if post is None else post.text

    def check(self, replies: object) -> Result:
        """Judge a whole conversation. Never raises: odd input becomes notes and failed turns."""
        given = as_replies(replies)
        notes: list[str] = []
        if len(given) > len(self.turns):
            notes.append(
                f"This conversation has {len(self.turns)} turns; only your first "
                f"{len(self.turns)} replies were read."
            )
            given = given[: len(self.turns)]
        if len(given) < len(self.turns):
            n = len(self.turns)
            notes.append(
                f"The conversation stopped after {len(given)} of {n} replies: "
                "every turn needs a reply before it can pass."
            )
        verdicts, _ = self.walk([*given, *([""] * (len(self.turns) - len(given)))])
        return self._result(verdicts, tuple(notes), sum(len(r) for r in given))

    # -- the verdict ------------------------------------------------------------------------
    def _result(self, verdicts: list[TurnVerdict], notes: tuple[str, ...], length: int) -> Result:
        criteria: list[CriterionResult] = []
        for v in verdicts:
            for c in v.result.criteria:
                cid = f"{v.turn.id}/{c.id}"
                criteria.append(
                    replace(
                        c,
                        id=cid,
                        title=f"reply {v.number}: {c.title}",
                        findings=tuple(replace(f, criterion=cid) for f in c.findings),
                    )
                )
        calm, public = self._calm(verdicts), self._public(verdicts)
        criteria += [calm, public]
        # The reply to the reply can save a thread: an earlier turn that answered without yet
        # owning it may pass, but a red flag (severity error) anywhere stays a red flag.
        flagged = any(
            c.met is False and c.severity == "error" for v in verdicts for c in v.result.criteria
        )
        last_ok = bool(verdicts) and verdicts[-1].result.passed
        thread_ok = calm.met is True and public.met is True
        raw = round(sum(v.result.score for v in verdicts) / len(verdicts)) if verdicts else 0
        blocked = flagged or not thread_ok
        score = min(raw, round(raw * (self.pass_score - 1) / 100)) if blocked else raw
        passed = (
            last_ok
            and not blocked
            and score >= self.pass_score
            and not any(EMPTY_NOTE in v.result.notes for v in verdicts)
        )
        turn_notes = [
            f"Reply {v.number}: {n}"
            for v in verdicts
            for n in v.result.notes
            if n != EMPTY_NOTE or v.reply
        ]
        records = tuple(
            TurnRecord(
                number=v.number,
                id=v.turn.id,
                author=v.post.author,
                post=v.post.text,
                reply=v.reply,
                move=v.move,
                passed=v.result.passed,
                score=v.result.score,
                summary=v.result.summary,
            )
            for v in verdicts
        )
        return Result(
            rubric=self.id,
            kind="conversation",
            passed=passed,
            score=max(0, min(100, score)),
            pass_score=self.pass_score,
            criteria=tuple(criteria),
            tone=_mean_tone([v.result.tone for v in verdicts]),
            answer_length=length,
            notes=(*notes, *turn_notes),
            lesson=self.lesson,
            turns=records,
        )

    def _calm(self, verdicts: list[TurnVerdict]) -> CriterionResult:
        """The thread stays calm when no reply argued back."""
        argued = [v for v in verdicts if v.move == "argued"]
        if not argued:
            return CriterionResult(CALM, "the thread stayed calm", True, "error", 2)
        v = argued[0]
        when = set(v.turn.next["argued"].when)
        quote = next(
            (f.quote for c in v.result.criteria if c.id in when for f in c.findings if f.quote),
            "",
        )
        said = f"“{quote}” in reply {v.number}" if quote else f"Reply {v.number}"
        finding = Finding(
            CALM,
            "error",
            f"{said} argued back, so the next post in the thread got hotter, not cooler.",
            "Everyone reading the thread judges the organisation by its calmest voice. Winning "
            "the point loses the room.",
            suggestion="Answer the feeling and the facts; leave the point-scoring out.",
            quote=quote,
        )
        return CriterionResult(CALM, "the thread stayed calm", False, "error", 2, "", (finding,))

    def _public(self, verdicts: list[TurnVerdict]) -> CriterionResult:
        """The last reply closes the thread where everyone can see it."""
        title = "closed the thread in public"
        last = verdicts[-1] if verdicts else None
        if last is None:
            return CriterionResult(PUBLIC, title, False, "error", 2)
        unmet = [c for c in last.result.criteria if c.id in self.closes and c.met is not True]
        if not unmet:
            return CriterionResult(PUBLIC, title, True, "error", 2)
        missing = "; ".join(c.title for c in unmet)
        finding = Finding(
            PUBLIC,
            "error",
            f"Your last reply leaves the thread open: it still needs to show {missing}.",
            "Most people who read a thread never post in it. They scroll to the end to see "
            "whether it was sorted, so the ending is what they remember.",
            suggestion="End with what happens now, said in the thread itself.",
        )
        return CriterionResult(PUBLIC, title, False, "error", 2, "", (finding,))


def as_replies(value: object) -> list[str]:
    """Replies from any input: a list of texts, a JSON list, one text, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        stripped = value.lstrip()
        if stripped.startswith("["):
            try:
                decoded = json.loads(value)
            except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested deep
                return [value]
            if isinstance(decoded, list):
                return [_text(x) for x in decoded[: MAX_TURNS + 1]]
        return [value]
    try:
        # islice: an endless iterable (a generator in a notebook) must not hang the check.
        items = list(islice(iter(value), MAX_TURNS + 1))  # type: ignore[call-overload]
    except TypeError:
        return [_text(value)]
    return [_text(x) for x in items]


def _text(x: object) -> str:
    return x if isinstance(x, str) else ("" if x is None else str(x))


def _mean_tone(tones: list[ToneProfile]) -> ToneProfile:
    values: dict[str, int | None] = {}
    for dim in TONE_DIMENSIONS:
        seen = [t.values.get(dim) for t in tones if t.values.get(dim) is not None]
        values[dim] = round(sum(seen) / len(seen)) if seen else None  # type: ignore[arg-type]
    return ToneProfile(values)


def transcript(result: Result) -> list[tuple[str, str]]:
    """The thread as (speaker, text) pairs, for renderers: their post, your reply, ..."""
    out: list[tuple[str, str]] = []
    for t in result.turns:
        out.append((t.author, t.post))
        out.append(("You", t.reply))
    return out


__all__ = [
    "CALM",
    "MOVES",
    "MOVE_WORDS",
    "PUBLIC",
    "Branch",
    "ConversationRubric",
    "Post",
    "Turn",
    "TurnVerdict",
    "as_replies",
    "transcript",
]
