"""Turning a rubric file into a checked, ready-to-use rubric, or a full list of problems.

Three passes, each reporting every problem it finds: the declared shape (schema.py), then what a
shape cannot express (unique ids, links between criteria, regex safety, limits that contradict),
then building the objects. ``validate_file`` adds a fourth: running the rubric's own examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conversation import MAX_TURNS, MOVE_WORDS, MOVES, Branch, ConversationRubric, Turn
from .criteria import CRITERION_TYPES
from .criteria.base import (
    ID_PATTERN,
    PHRASE,
    Author,
    Scenario,
    one_of,
)
from .errors import Problem, RubricError, format_path
from .links import EXAMPLE_DOCNAME, lesson_docname
from .model import ChoiceRubric, Example, Option, ReplyRubric
from .platforms import PLATFORMS
from .schema import Bool, Field, ListOf, Num, Obj, Str, Tagged, validate
from .source import Source, load_source
from .textmatch import phrase_problems
from .triage import ACTIONS, TAGS, Item, Reason, TriageRubric

#: Where a triage example's sorting starts before its changes.
TRIAGE_STARTS = ("best", "none", *(f"{a}-all" for a in ACTIONS))

SITUATIONS = ("complaint", "question", "praise", "troll", "rant", "misinformation", "crisis")
# Situations an exercise may be about; the first seven also have general rubrics.
SITUATION_KINDS = (
    *SITUATIONS,
    "success-story",
    "delete-request",
    "apology",
    "champion-pitch",
    "outsourcing",
    "listening",
)
# The fewest examples a rubric must carry. Declared once: the loader and the course tests use it.
MIN_PASS_EXAMPLES = {"reply": 6, "choice": 1, "conversation": 3, "triage": 2}
MIN_FAIL_EXAMPLES = {"reply": 6, "choice": 3, "conversation": 4, "triage": 3}
# The longest phrase a rubric may list. The longest real one is under 50 characters; the phrase
# matcher builds its trie-shaped pattern one recursive step per character, so a phrase of a
# thousand characters would end in a RecursionError instead of a message.
MAX_PHRASE_LENGTH = 200

AUTHOR = Obj(
    "author",
    [
        Field("name", Str(), "The person's display name, e.g. 'Dana Ruiz'."),
        Field("handle", Str(), "Their handle, e.g. '@danaruiz'."),
    ],
)
SCENARIO = Obj(
    "scenario",
    [
        Field("platform", Str(enum=tuple(PLATFORMS)), "Where the post appeared.", required=True),
        Field("author", AUTHOR, "Who wrote the post."),
        Field("post", Str(), "The post the learner responds to.", required=True),
        Field("context", Str(), "What the learner knows that the post does not say."),
        Field(
            "writes",
            Str(enum=("reply", "post")),
            "'post' when the learner writes their own post from this brief (default 'reply').",
            default="reply",
        ),
    ],
    doc="The realistic post a learner responds to.",
)
COMMON_TOP = [
    Field("kind", Str(), "'reply', 'choice', 'conversation' or 'triage'.", required=True),
    Field("id", Str(pattern=ID_PATTERN), "Unique id; defaults to the file name."),
    Field("title", Str(), "Title shown above the exercise.", required=True),
    Field("task", Str(), "What the learner is asked to do."),
    Field("level", Str(), "The course level this belongs to."),
    Field(
        "lesson",
        Str(),
        f"The lesson that teaches it: its path from the course root, e.g. '{EXAMPLE_DOCNAME}'.",
    ),
    Field("situation", Str(enum=SITUATION_KINDS), "The kind of post (complaint, question, ...)."),
    Field("pass_score", Num(minimum=0, maximum=100), "Score needed to pass (0-100).", default=70),
    Field("scenario", SCENARIO, "The post being answered."),
]
REPLY_EXAMPLE = Obj(
    "reply example",
    [
        Field("text", Str(nonempty=False), "An example reply.", required=True),
        Field("expect", Str(enum=("pass", "fail")), "The verdict it must get.", required=True),
        Field(
            "fails",
            ListOf(Str(pattern=ID_PATTERN), min_items=1),
            "Criteria a failing example must fail.",
        ),
        Field("note", Str(), "Why it passes or fails, for authors."),
    ],
)
CHOICE_EXAMPLE = Obj(
    "choice example",
    [
        Field("choose", ListOf(Str(), min_items=0), "Option ids picked.", required=True),
        Field("expect", Str(enum=("pass", "fail")), "The verdict it must get.", required=True),
        Field("note", Str(), "Why, for authors."),
    ],
)
CRITERION = Tagged("type", {name: cls.shape() for name, cls in CRITERION_TYPES.items()})
OPTION = Obj(
    "option",
    [
        Field(
            "id", Str(pattern=ID_PATTERN), "Short id, e.g. 'a' or 'reply-publicly'.", required=True
        ),
        Field("text", Str(), "The option as the learner sees it.", required=True),
        Field(
            "score",
            Num(integer=True, minimum=-100, maximum=100),
            "Points for picking it.",
            required=True,
        ),
        Field("feedback", Str(), "Why this option works or not, shown when picked.", required=True),
        Field("if_missed", Str(), "Shown when a good option (multi-select) was not picked."),
    ],
)
REPLY = Obj(
    "reply rubric",
    [
        *COMMON_TOP,
        Field("criteria", ListOf(CRITERION, min_items=1), "What a good reply does.", required=True),
        Field(
            "model_reply",
            Str(),
            "A reply that passes, shown once earned: after a pass or 3 attempts (a checkpoint: a pass).",
        ),
        Field("examples", ListOf(REPLY_EXAMPLE), "Replies that must pass or fail.", required=True),
    ],
    doc="A rubric that judges a free-text reply.",
)
CHOICE = Obj(
    "choice rubric",
    [
        *COMMON_TOP,
        Field("question", Str(), "The question.", required=True),
        Field("multiple", Bool(), "Allow several answers.", default=False),
        Field("options", ListOf(OPTION, min_items=2), "The options.", required=True),
        Field("examples", ListOf(CHOICE_EXAMPLE), "Answers that must pass or fail.", required=True),
    ],
    doc="A rubric for a single- or multi-select question.",
)
BRANCH = Obj(
    "next post",
    [
        Field(
            "post", Str(), "What they post back after a reply that made this move.", required=True
        ),
        Field(
            "author",
            Str(),
            "Who posts it, when not the person who started the thread (e.g. a bystander).",
        ),
        Field(
            "writers",
            ListOf(Str(), min_items=1),
            "The people whose comments it holds, as the scenario names them ('Sue Marsh'), "
            "when not only the thread's author: a reply may greet any of them.",
        ),
        Field(
            "when",
            ListOf(Str(pattern=ID_PATTERN), min_items=1),
            "Criteria of this turn whose failure means the reply made this move "
            "(argued and deflected only).",
        ),
        Field(
            "adds",
            ListOf(CRITERION, min_items=1),
            "Criteria the next reply must also meet on this path, e.g. taking back a jab.",
        ),
    ],
)
NEXT = Obj(
    "next posts",
    [
        Field(move, BRANCH, f"The post after a reply that {words}.", required=True)
        for move, words in MOVE_WORDS.items()
    ],
    doc="Every turn but the last says what comes back after each of the four moves.",
)
TURN = Obj(
    "turn",
    [
        Field("id", Str(pattern=ID_PATTERN), "Short id, e.g. 'first'.", required=True),
        Field("criteria", ListOf(CRITERION, min_items=1), "What a good reply does.", required=True),
        Field("next", NEXT, "What they post back, by what this reply did (not on the last turn)."),
        Field(
            "model_reply", Str(), "A reply that passes this turn on the path where each owned it."
        ),
    ],
)
CONVERSATION_EXAMPLE = Obj(
    "conversation example",
    [
        Field(
            "replies",
            ListOf(Str(nonempty=False), min_items=1, max_items=MAX_TURNS),
            "One reply per turn.",
            required=True,
        ),
        Field("expect", Str(enum=("pass", "fail")), "The verdict it must get.", required=True),
        Field("moves", ListOf(Str(enum=MOVES)), "The move each reply but the last must make."),
        Field(
            "fails",
            ListOf(Str(), min_items=1),
            "Criteria a failing example must fail, as 'turn/criterion' or 'thread/calm', "
            "'thread/public'.",
        ),
        Field("note", Str(), "Why, for authors."),
    ],
)
CONVERSATION = Obj(
    "conversation rubric",
    [
        *COMMON_TOP,
        Field(
            "turns",
            ListOf(TURN, min_items=2, max_items=MAX_TURNS),
            "Two or three turns; the scenario's post opens the first.",
            required=True,
        ),
        Field(
            "closes",
            ListOf(Str(pattern=ID_PATTERN), min_items=1),
            "Criteria of the last turn (or added on a path into it) that, all met, close the "
            "thread in public.",
            required=True,
        ),
        Field(
            "examples",
            ListOf(CONVERSATION_EXAMPLE),
            "Conversations that must pass or fail.",
            required=True,
        ),
    ],
    doc="A rubric for a conversation of two or three turns.",
)
REASON = Obj(
    "reason",
    [
        Field("id", Str(pattern=ID_PATTERN), "Short id, e.g. 'waiting'.", required=True),
        Field("text", Str(), "The reason as the learner reads it.", required=True),
    ],
)
QUEUE_ITEM = Obj(
    "queue item",
    [
        Field("id", Str(pattern=ID_PATTERN), "Short id, e.g. 'c01'.", required=True),
        Field("author", AUTHOR, "Who posted it."),
        Field("text", Str(), "The comment as it appears in the queue.", required=True),
        Field("tag", Str(enum=TAGS), "What it is (for coverage and counts).", required=True),
        Field("action", Str(enum=tuple(ACTIONS)), "The best action.", required=True),
        Field(
            "accept", ListOf(Str(enum=tuple(ACTIONS)), min_items=1), "Other actions that also work."
        ),
        Field(
            "reasons",
            ListOf(Str(pattern=ID_PATTERN), min_items=1),
            "Reason ids that justify the action.",
            required=True,
        ),
        Field("weight", Num(integer=True, minimum=1, maximum=5), "How much it counts.", default=1),
        Field(
            "critical", Bool(), "A wrong action fails the round (threats, safety).", default=False
        ),
        Field(
            "why", Str(), "Why the action is right, shown when the learner gets it.", required=True
        ),
        Field(
            "hint",
            Str(),
            "A nudge shown when the learner gets it wrong; must not name the action.",
            required=True,
        ),
    ],
)
TRIAGE_CHANGE = Obj(
    "sorting change",
    [
        Field("item", Str(pattern=ID_PATTERN), "The item id.", required=True),
        Field(
            "action", Str(enum=("", *ACTIONS)), "The action ('' leaves it unsorted).", required=True
        ),
        Field("reason", Str(nonempty=False), "The reason id.", default=""),
    ],
)
TRIAGE_EXAMPLE = Obj(
    "triage example",
    [
        Field(
            "start",
            Str(enum=TRIAGE_STARTS),
            "The sorting to start from: the model's, or every item the same way.",
            required=True,
        ),
        Field("change", ListOf(TRIAGE_CHANGE), "Items sorted differently from the start."),
        Field("expect", Str(enum=("pass", "fail")), "The verdict it must get.", required=True),
        Field("fails", ListOf(Str(pattern=ID_PATTERN), min_items=1), "Items it must get wrong."),
        Field("note", Str(), "Why, for authors."),
    ],
)
TRIAGE = Obj(
    "triage rubric",
    [
        *COMMON_TOP,
        Field(
            "reasons",
            ListOf(REASON, min_items=3),
            "The reasons a learner picks from.",
            required=True,
        ),
        Field(
            "items",
            ListOf(QUEUE_ITEM, min_items=2),
            "The queue, in the order shown.",
            required=True,
        ),
        Field(
            "examples", ListOf(TRIAGE_EXAMPLE), "Sortings that must pass or fail.", required=True
        ),
    ],
    doc="A rubric for sorting a queue of comments.",
)
RUBRIC = Tagged(
    "kind",
    {"reply": REPLY, "choice": CHOICE, "conversation": CONVERSATION, "triage": TRIAGE},
    label="rubric",
)


AnyRubric = ReplyRubric | ChoiceRubric | ConversationRubric | TriageRubric


class _Problems:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.items: list[Problem] = []

    def add(self, path: tuple[object, ...], message: str) -> None:
        line, col = self.source.where(path)
        self.items.append(Problem(self.source.file, line, col, format_path(path), message))


def build(source: Source, *, require_examples: bool = True) -> AnyRubric:
    """Validate plain data and build the rubric; raises RubricError listing every problem."""
    if not isinstance(source.data, dict):
        what = "an empty file" if source.data is None else "not a mapping"
        raise RubricError(
            [Problem(source.file, 1, 1, "", f"{what}; expected a mapping with kind, title, ...")]
        )
    problems = validate(source, RUBRIC)
    if problems:
        raise RubricError(problems)
    p = _Problems(source)
    data = source.data
    _check_lessons(data, p)
    CHECKS[data["kind"]](data, p, require_examples)
    if p.items:
        raise RubricError(p.items)
    rubric = _make(source)
    for prefix, criteria in _criteria_sets(rubric):
        by_id = {c.id: c for c in criteria}
        for i, c in enumerate(criteria):
            for sub, message in c.link(by_id):
                p.add((*prefix, i, *sub), message)
    if p.items:
        raise RubricError(p.items)
    return rubric


def _criteria_sets(rubric: AnyRubric) -> list[tuple[tuple[object, ...], list[Any]]]:
    """Each list of criteria judged together, with the field path its entries sit under."""
    if isinstance(rubric, ReplyRubric):
        return [(("criteria",), rubric.criteria)]
    if isinstance(rubric, ConversationRubric):
        return [(("turns", i, "criteria"), t.criteria) for i, t in enumerate(rubric.turns)]
    return []


def lesson_fields(data: Any) -> list[tuple[tuple[object, ...], str]]:
    """Every ``lesson:`` in rubric data with its field path: the rubric's own, then each
    criterion's. Tolerates data that failed the schema (the course check runs on it too)."""
    if not isinstance(data, dict):
        return []
    out: list[tuple[tuple[object, ...], str]] = []
    if isinstance(data.get("lesson"), str):
        out.append((("lesson",), data["lesson"]))
    for prefix, criteria in _raw_criteria(data):
        for i, c in enumerate(criteria):
            if isinstance(c, dict) and isinstance(c.get("lesson"), str):
                out.append(((*prefix, i, "lesson"), c["lesson"]))
    return out


def _raw_criteria(data: dict[str, Any]) -> list[tuple[tuple[object, ...], list[Any]]]:
    """Every criteria list in rubric data, however malformed: a reply's, each turn's and each
    branch's ``adds``."""
    out: list[tuple[tuple[object, ...], list[Any]]] = []
    if isinstance(data.get("criteria"), list):
        out.append((("criteria",), data["criteria"]))
    turns = data.get("turns")
    for t, turn in enumerate(turns if isinstance(turns, list) else []):
        if not isinstance(turn, dict):
            continue
        if isinstance(turn.get("criteria"), list):
            out.append((("turns", t, "criteria"), turn["criteria"]))
        nxt = turn.get("next")
        for move, branch in nxt.items() if isinstance(nxt, dict) else []:
            if isinstance(branch, dict) and isinstance(branch.get("adds"), list):
                out.append((("turns", t, "next", move, "adds"), branch["adds"]))
    return out


def _check_lessons(data: dict[str, Any], p: _Problems) -> None:
    """A lesson value must be a plain course path: it becomes a link on every surface."""
    for path, value in lesson_fields(data):
        if value.strip() and lesson_docname(value) is None:
            p.add(
                path,
                f"'{value}' is not a lesson path; expected a page of this course relative to the "
                f"folder holding _toc.yml, such as '{EXAMPLE_DOCNAME}' (no scheme, '//', '..', "
                "'\\', '?' or '#')",
            )


def _check_reply(data: dict[str, Any], p: _Problems, require_examples: bool) -> None:
    ids: dict[str, int] = {}
    for i, c in enumerate(data["criteria"]):
        if c["id"] in ids:
            p.add(
                ("criteria", i, "id"),
                f"duplicate criterion id '{c['id']}' (also criteria[{ids[c['id']]}])",
            )
        ids.setdefault(c["id"], i)
        # Each type decodes its own fields; the loader knows none of their private keys.
        cls = CRITERION_TYPES[c["type"]]
        for sub, message in cls.check_config(c, data):
            p.add(("criteria", i, *sub), message)
        for sub, message in _phrase_field_problems(c, cls):
            p.add(("criteria", i, *sub), message)
    _check_contradictions(data, p)
    if require_examples:
        _check_examples(data, "reply", p, set(ids))


def _phrase_field_problems(c: dict[str, Any], cls: Any) -> list[tuple[tuple[object, ...], str]]:
    """Length limits for every phrase list a type declares, and safety where its type forgot.

    Found from the declared shape, not from key names, so a new type's phrase lists are covered
    too (voice's ``phrases`` were compiled without the regex check before this).
    """
    checked = {*cls.phrase_keys, "exceptions"}
    problems: list[tuple[tuple[object, ...], str]] = []
    for f in cls.shape().fields:
        if not (isinstance(f.type, ListOf) and f.type.item is PHRASE) or f.name not in c:
            continue
        for j, ph in enumerate(c[f.name]):
            if f.name not in checked:
                problems.extend(phrase_problems(ph, (f.name, j)))
            problems.extend(_phrase_length_problems(ph, (f.name, j)))
    return problems


def _phrase_length_problems(
    ph: Any, path: tuple[object, ...]
) -> list[tuple[tuple[object, ...], str]]:
    from .regexlit import as_phrases
    from .saferegex import check_pattern

    if isinstance(ph, str):
        text, where = ph, path
    elif isinstance(ph, dict) and isinstance(ph.get("phrase"), str):
        text, where = ph["phrase"], (*path, "phrase")
    elif isinstance(ph, dict) and isinstance(ph.get("regex"), str):
        # A regex standing for a few plain phrases is matched as those phrases (regexlit.py).
        if len(ph["regex"]) <= MAX_PHRASE_LENGTH or check_pattern(ph["regex"]) is not None:
            return []
        longest = max(as_phrases(ph["regex"]) or [""], key=len)
        if len(longest) <= MAX_PHRASE_LENGTH:
            return []
        message = (
            f"stands for a phrase of {len(longest)} characters; expected phrases of at most "
            f"{MAX_PHRASE_LENGTH} characters"
        )
        return [((*path, "regex"), message)]
    else:
        return []
    if len(text) <= MAX_PHRASE_LENGTH:
        return []
    message = f"is {len(text)} characters long; expected a phrase of at most {MAX_PHRASE_LENGTH}"
    return [(where, message)]


def _check_contradictions(data: dict[str, Any], p: _Problems) -> None:
    """A move's own phrase that an error-severity avoid forbids: writing it earns and fails at once.

    Forbidden phrases go into one dict, so the check is linear in the number of phrases.
    """
    from .concepts import lexicon

    forbidden: dict[str, str] = {}
    concepts = lexicon()
    for c in data["criteria"]:
        if c["type"] != "avoid" or c.get("severity", "warning") != "error":
            continue
        texts = list(c.get("phrases") or [])
        for cid in c.get("concepts") or []:
            if cid in concepts:
                texts.extend(concepts[cid].phrases)
        for ph in texts:
            text = ph if isinstance(ph, str) else ph.get("phrase", "")
            norm = " ".join(text.lower().split())
            if norm:
                forbidden.setdefault(norm, c["id"])
    if not forbidden:
        return
    for i, c in enumerate(data["criteria"]):
        if c["type"] != "move":
            continue
        for j, ph in enumerate(c.get("phrases") or []):
            text = ph if isinstance(ph, str) else ph.get("phrase", "")
            clash = forbidden.get(" ".join(text.lower().split()))
            if clash:
                p.add(
                    ("criteria", i, "phrases", j),
                    f"'{text}' makes this move but is forbidden by '{clash}' (severity error); "
                    "a reply that uses it would earn the move and fail",
                )


def _check_choice(data: dict[str, Any], p: _Problems, require_examples: bool) -> None:
    ids: dict[str, int] = {}
    for i, o in enumerate(data["options"]):
        if o["id"] in ids:
            p.add(
                ("options", i, "id"),
                f"duplicate option id '{o['id']}' (also options[{ids[o['id']]}])",
            )
        ids.setdefault(o["id"], i)
    pass_score = data.get("pass_score", 70)
    if data.get("multiple"):
        if not any(o["score"] > 0 for o in data["options"]):
            p.add(("options",), "no option has a positive score, so no answer can pass")
    else:
        best = max(o["score"] for o in data["options"])
        if best < pass_score:
            p.add(
                ("pass_score",),
                f"pass_score is {pass_score} but the best option scores {best}; expected a pass to be possible",
            )
        for i, o in enumerate(data["options"]):
            if o["score"] < 0:
                p.add(("options", i, "score"), "single-select scores run 0-100; expected 0 or more")
    if require_examples:
        _check_examples(data, "choice", p, set(ids))


class _Within:
    """Problems of a part of the file (a turn), reported at their full path."""

    def __init__(self, p: _Problems, prefix: tuple[object, ...], skip_below: int = 0) -> None:
        self.p, self.prefix, self.skip_below = p, prefix, skip_below

    def add(self, path: tuple[object, ...], message: str) -> None:
        if path[:1] == ("criteria",) and len(path) > 1 and isinstance(path[1], int):
            if path[1] < self.skip_below:  # already reported where those criteria live
                return
            if self.skip_below:
                path = (path[1] - self.skip_below, *path[2:])
        self.p.add((*self.prefix, *path), message)


def _check_conversation(data: dict[str, Any], p: _Problems, require_examples: bool) -> None:
    turns = data["turns"]
    ids: set[str] = set()
    seen: dict[str, int] = {}
    for t, turn in enumerate(turns):
        if turn["id"] in seen or turn["id"] == "thread":
            why = (
                "'thread' names the whole conversation"
                if turn["id"] == "thread"
                else (f"also turns[{seen[turn['id']]}]")
            )
            p.add(("turns", t, "id"), f"duplicate turn id '{turn['id']}' ({why})")
        seen.setdefault(turn["id"], t)
        merged = {**data, "criteria": turn["criteria"]}
        _check_reply(merged, _Within(p, ("turns", t)), False)  # type: ignore[arg-type]
        own = {c["id"] for c in turn["criteria"]}
        ids |= {f"{turn['id']}/{c}" for c in own}
        last = t == len(turns) - 1
        if last and "next" in turn:
            p.add(
                ("turns", t, "next"), "the last turn has no next post; the conversation ends here"
            )
        if not last and "next" not in turn:
            p.add(
                ("turns", t),
                "every turn but the last needs 'next': the post that follows each of "
                f"{', '.join(MOVES)}",
            )
        for move, branch in (turn.get("next") or {}).items():
            where = ("turns", t, "next", move)
            if move in ("argued", "deflected") and not branch.get("when"):
                p.add(where, f"'{move}' needs 'when': the criteria whose failure means it")
            if move in ("owned", "answered") and "when" in branch:
                p.add((*where, "when"), f"'{move}' is read from the verdict; it takes no 'when'")
            for j, person in enumerate(branch.get("writers") or []):
                if not (person.split() and person[:1].isupper()):
                    p.add(
                        (*where, "writers", j),
                        f"'{person}' is not a name as replies write it, with a capital first: "
                        "'Sue Marsh'",
                    )
            for j, cid in enumerate(branch.get("when") or []):
                if cid not in own:
                    p.add(
                        (*where, "when", j),
                        f"'{cid}' is not a criterion of this turn; expected one of {one_of(own)}",
                    )
            adds = branch.get("adds") or []
            if adds and not last:
                after = turns[t + 1]["criteria"]
                merged = {**data, "criteria": [*after, *adds]}
                _check_reply(merged, _Within(p, (*where, "adds"), len(after)), False)  # type: ignore[arg-type]
                ids |= {f"{turns[t + 1]['id']}/{c['id']}" for c in adds}
    # The last turn's own criteria, and those a path into it adds ("answers the question she
    # asks on this path"): on a path without it, an added one is simply not asked for.
    last_ids = {c["id"] for c in turns[-1]["criteria"]}
    if len(turns) > 1:
        for branch in (turns[-2].get("next") or {}).values():
            last_ids |= {c["id"] for c in branch.get("adds") or []}
    for j, cid in enumerate(data["closes"]):
        if cid not in last_ids:
            p.add(
                ("closes", j),
                f"'{cid}' is not a criterion of the last turn; expected one of {one_of(last_ids)}",
            )
    if require_examples:
        ids |= {"thread/calm", "thread/public"}
        _check_examples(data, "conversation", p, ids)
        for i, e in enumerate(data.get("examples") or []):
            n_turns, n = len(turns), len(e["replies"])
            if n != n_turns:
                p.add(
                    ("examples", i, "replies"),
                    f"has {n} replies; expected one per turn ({n_turns})",
                )
            if "moves" in e and len(e["moves"]) != n_turns - 1:
                p.add(
                    ("examples", i, "moves"),
                    f"has {len(e['moves'])} moves; expected one per turn but the last "
                    f"({n_turns - 1})",
                )


def _check_triage(data: dict[str, Any], p: _Problems, require_examples: bool) -> None:
    reasons: dict[str, int] = {}
    for i, r in enumerate(data["reasons"]):
        if r["id"] in reasons:
            p.add(
                ("reasons", i, "id"),
                f"duplicate reason id '{r['id']}' (also reasons[{reasons[r['id']]}])",
            )
        reasons.setdefault(r["id"], i)
    items: dict[str, int] = {}
    for i, item in enumerate(data["items"]):
        if item["id"] in items:
            p.add(
                ("items", i, "id"),
                f"duplicate item id '{item['id']}' (also items[{items[item['id']]}])",
            )
        items.setdefault(item["id"], i)
        for j, rid in enumerate(item["reasons"]):
            if rid not in reasons:
                p.add(
                    ("items", i, "reasons", j),
                    f"'{rid}' is not a reason id; expected one of {one_of(set(reasons))}",
                )
        if item["action"] in item.get("accept", ()):
            p.add(("items", i, "accept"), f"'{item['action']}' is the best action already")
        label = ACTIONS[item["action"]].lower()
        if label in item["hint"].lower():
            p.add(
                ("items", i, "hint"),
                f"names the answer ('{ACTIONS[item['action']]}'); expected a nudge that leaves "
                "the decision to the learner",
            )
    if require_examples:
        _check_examples(data, "triage", p, set(items))
        for i, e in enumerate(data.get("examples") or []):
            for j, ch in enumerate(e.get("change") or []):
                if ch["item"] not in items:
                    p.add(
                        ("examples", i, "change", j, "item"),
                        f"'{ch['item']}' is not an item id; expected one of {one_of(set(items))}",
                    )
                if ch.get("reason") and ch["reason"] not in reasons:
                    p.add(
                        ("examples", i, "change", j, "reason"),
                        f"'{ch['reason']}' is not a reason id; expected one of "
                        f"{one_of(set(reasons))}",
                    )


def _check_examples(data: dict[str, Any], kind: str, p: _Problems, ids: set[str]) -> None:
    examples = data.get("examples") or []
    passes = sum(1 for e in examples if e["expect"] == "pass")
    fails = sum(1 for e in examples if e["expect"] == "fail")
    need_p, need_f = MIN_PASS_EXAMPLES[kind], MIN_FAIL_EXAMPLES[kind]
    if passes < need_p or fails < need_f:
        p.add(
            ("examples",),
            f"has {passes} passing and {fails} failing examples; expected at least "
            f"{need_p} that must pass and {need_f} that must fail",
        )
    listed = one_of(ids)  # once, not once per problem
    for i, e in enumerate(examples):
        if kind in ("reply", "conversation", "triage"):
            if e["expect"] == "fail" and not e.get("fails"):
                p.add(
                    ("examples", i), "a failing example must name the criteria it fails in 'fails'"
                )
            if e["expect"] == "pass" and e.get("fails"):
                p.add(("examples", i, "fails"), "a passing example cannot name failing criteria")
            for j, cid in enumerate(e.get("fails") or []):
                if cid not in ids:
                    p.add(
                        ("examples", i, "fails", j),
                        f"'{cid}' is not a criterion id; expected one of {listed}"
                        if kind != "triage"
                        else f"'{cid}' is not an item id; expected one of {listed}",
                    )
        elif kind == "choice":
            for j, oid in enumerate(e["choose"]):
                if oid not in ids:
                    p.add(
                        ("examples", i, "choose", j),
                        f"'{oid}' is not an option id; expected one of {listed}",
                    )


def _scenario(data: dict[str, Any] | None) -> Scenario | None:
    if not data:
        return None
    a = data.get("author") or {}
    return Scenario(
        platform=data["platform"],
        author=Author(name=a.get("name", ""), handle=a.get("handle", "")),
        post=data["post"],
        context=data.get("context", ""),
        writes=data.get("writes", "reply"),
    )


def _turn(t: dict[str, Any]) -> Turn:
    def crit(items: list[dict[str, Any]]) -> list[Any]:
        return [CRITERION_TYPES[c["type"]](c) for c in items]

    branches = {
        move: Branch(
            move,
            b["post"],
            tuple(b.get("when", ())),
            tuple(crit(b.get("adds", []))),
            b.get("author", ""),
            tuple(b.get("writers", ())),
        )
        for move, b in (t.get("next") or {}).items()
    }
    return Turn(t["id"], crit(t["criteria"]), branches, t.get("model_reply", ""))


def _item(i: dict[str, Any]) -> Item:
    a = i.get("author") or {}
    return Item(
        id=i["id"],
        text=i["text"],
        tag=i["tag"],
        action=i["action"],
        reasons=tuple(i["reasons"]),
        why=i["why"],
        hint=i["hint"],
        author=Author(name=a.get("name", ""), handle=a.get("handle", "")),
        accept=tuple(i.get("accept", ())),
        weight=int(i.get("weight", 1)),
        critical=bool(i.get("critical", False)),
    )


def _make(source: Source) -> AnyRubric:
    d = source.data
    default_id = Path(source.file).stem.split(".")[0] or "rubric"
    common: dict[str, Any] = {
        "id": d.get("id", default_id),
        "title": d["title"],
        "file": source.file,
        "pass_score": int(d.get("pass_score", 70)),
        "task": d.get("task", ""),
        "level": d.get("level", ""),
        "lesson": d.get("lesson", ""),
        "situation": d.get("situation", ""),
        "scenario": _scenario(d.get("scenario")),
        "examples": [
            Example(
                expect=e["expect"],
                text=e.get("text", ""),
                choose=tuple(e.get("choose", ())),
                fails=tuple(e.get("fails", ())),
                note=e.get("note", ""),
                index=i,
                replies=tuple(e.get("replies", ())),
                moves=tuple(e.get("moves", ())),
                start=e.get("start", ""),
                changes=tuple(
                    (c["item"], c["action"], c.get("reason", "")) for c in e.get("change") or ()
                ),
            )
            for i, e in enumerate(d.get("examples") or [])
        ],
    }
    if d["kind"] == "reply":
        criteria = [CRITERION_TYPES[c["type"]](c) for c in d["criteria"]]
        return ReplyRubric(**common, criteria=criteria, model_reply=d.get("model_reply", ""))
    if d["kind"] == "conversation":
        return ConversationRubric(
            **common, turns=[_turn(t) for t in d["turns"]], closes=tuple(d["closes"])
        )
    if d["kind"] == "triage":
        return TriageRubric(
            **common,
            reasons=[Reason(r["id"], r["text"]) for r in d["reasons"]],
            items=[_item(i) for i in d["items"]],
        )
    options = [
        Option(o["id"], o["text"], int(o["score"]), o["feedback"], o.get("if_missed", ""))
        for o in d["options"]
    ]
    return ChoiceRubric(
        **common, question=d["question"], multiple=bool(d.get("multiple", False)), options=options
    )


def load_rubric(path: str | Path, *, require_examples: bool = True) -> AnyRubric:
    """Load a rubric from a ``.yaml`` or precompiled ``.json`` file."""
    return build(load_source(path), require_examples=require_examples)


def rubric_from_dict(
    data: dict[str, Any], name: str = "<rubric>", *, require_examples: bool = False
) -> AnyRubric:
    """Build a rubric from plain data (tests, notebooks)."""
    return build(Source(name, data, {}), require_examples=require_examples)


CHECKS = {
    "reply": _check_reply,
    "choice": _check_choice,
    "conversation": _check_conversation,
    "triage": _check_triage,
}

__all__ = [
    "RUBRIC",
    "SITUATIONS",
    "AnyRubric",
    "build",
    "lesson_fields",
    "load_rubric",
    "rubric_from_dict",
]
