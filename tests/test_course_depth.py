"""The course practises conversations and volume, not only single shots (issue 12).

Counted from the course model, so a conversation or queue that is removed, thinned or left
without its facts fails here rather than in a trainer's review.
"""

from __future__ import annotations

import pytest

from skischool.conversation import MOVES, ConversationRubric
from skischool.course import Course, Exercise
from skischool.examples import run_examples
from skischool.triage import TAGS, TriageRubric

from .conftest import ROOT

COURSE = Course.load(ROOT)
CONVERSATIONS = [ex for ex in COURSE.exercises() if ex.kind == "conversation"]
TRIAGES = [ex for ex in COURSE.exercises() if ex.kind == "triage"]


def test_there_are_six_conversations_across_the_levels_with_a_troll_and_a_crisis() -> None:
    assert len(CONVERSATIONS) >= 6
    assert len({ex.level for ex in CONVERSATIONS}) >= 4
    situations = {ex.rubric().situation for ex in CONVERSATIONS}
    assert {"troll", "crisis"} <= situations, situations


@pytest.mark.parametrize("ex", CONVERSATIONS, ids=lambda ex: ex.key)
def test_every_conversation_turn_declares_its_facts(ex: Exercise) -> None:
    rubric = ex.rubric()
    assert isinstance(rubric, ConversationRubric)
    for turn in rubric.turns:
        kinds = {c.data["type"] for c in turn.criteria}
        assert "facts" in kinds, f"{ex.rubric_path}: turn '{turn.id}' has no facts criterion"


@pytest.mark.parametrize("ex", CONVERSATIONS, ids=lambda ex: ex.key)
def test_every_move_is_reached_by_an_example(ex: Exercise) -> None:
    """Each follow-up post is something a learner can meet, so each must be exercised."""
    rubric = ex.rubric()
    assert isinstance(rubric, ConversationRubric)
    first = {o.result.turns[0].move for o in run_examples(rubric)}
    assert set(MOVES) <= first, f"{ex.rubric_path}: first reply never {set(MOVES) - first}"


@pytest.mark.parametrize("ex", CONVERSATIONS, ids=lambda ex: ex.key)
def test_each_follow_up_post_is_its_own(ex: Exercise) -> None:
    rubric = ex.rubric()
    assert isinstance(rubric, ConversationRubric)
    for turn in rubric.turns[:-1]:
        posts = [b.post for b in turn.next.values()]
        assert len(set(posts)) == len(MOVES), f"{ex.rubric_path}: turn '{turn.id}' repeats a post"


def test_there_are_two_triage_queues() -> None:
    assert len(TRIAGES) >= 2


@pytest.mark.parametrize("ex", TRIAGES, ids=lambda ex: ex.key)
def test_a_queue_is_realistic_in_size_and_mix(ex: Exercise) -> None:
    rubric = ex.rubric()
    assert isinstance(rubric, TriageRubric)
    assert 20 <= len(rubric.items) <= 30, f"{ex.rubric_path}: {len(rubric.items)} items"
    tags = {i.tag for i in rubric.items}
    missing = set(TAGS) - {"other"} - tags
    assert not missing, f"{ex.rubric_path}: the queue has no {sorted(missing)}"
    assert any(i.critical for i in rubric.items if i.tag == "safety")
    actions = {i.action for i in rubric.items}
    assert actions == {"reply", "escalate", "hide", "leave"}, actions


@pytest.mark.parametrize("ex", TRIAGES, ids=lambda ex: ex.key)
def test_a_lazy_sorting_never_passes(ex: Exercise) -> None:
    """Putting every item in one pile, or the same reason everywhere, must not pass."""
    rubric = ex.rubric()
    assert isinstance(rubric, TriageRubric)
    for action in ("reply", "escalate", "hide", "leave"):
        for reason in rubric.reasons:
            result = rubric.check({i.id: f"{action} {reason.id}" for i in rubric.items})
            assert not result.passed, f"{ex.rubric_path}: all '{action} {reason.id}' passed"


#: The fields of a rubric file a learner reads (posts, tasks, feedback), wherever they sit.
LEARNER_TEXT = frozenset(
    {"task", "post", "context", "message", "why", "hint", "feedback", "text", "if_missed"}
)


def _learner_text(data: object, key: str = "") -> list[str]:
    """Every learner-facing string in rubric data; example answers are left out."""
    if isinstance(data, dict):
        return [t for k, v in data.items() if k != "examples" for t in _learner_text(v, str(k))]
    if isinstance(data, list):
        return [t for v in data for t in _learner_text(v, key)]
    return [data] if isinstance(data, str) and key in LEARNER_TEXT and " " in data else []


@pytest.mark.parametrize("ex", list(COURSE.exercises()), ids=lambda ex: ex.key)
def test_every_exercise_reads_at_grade_nine_or_below(ex: Exercise) -> None:
    """Posts, tasks and feedback together, the way a learner meets them on the page."""
    import yaml

    from skischool.readability import grade_level

    data = yaml.safe_load(ex.rubric_path.read_text(encoding="utf-8"))
    texts = _learner_text(data)
    assert texts, f"{ex.rubric_path}: no learner-facing text found"
    grade = grade_level(
        " ".join(t if t.rstrip().endswith((".", "?", "!")) else t + "." for t in texts)
    )
    assert grade <= 9, f"{ex.rubric_path}: reading grade {grade:.1f}"


def test_every_conversation_and_queue_was_tried_blind() -> None:
    """benchmarks/bench_exercises.py prints how the blind tries fare; here, that they exist."""
    import yaml

    data = yaml.safe_load((ROOT / "benchmarks/judge/blind-threads.yaml").read_text("utf-8"))
    kinds: dict[str, set[str]] = {}
    for t in data["threads"]:
        kinds.setdefault(t["rubric"], set()).add(t["kind"])
        rubric = COURSE.exercise(f"{t['rubric'].split('/')[1]}/{t['rubric'].split('/')[2][:-5]}")
        assert rubric is not None and len(t["replies"]) == len(rubric.rubric().turns), t
    for ex in CONVERSATIONS:
        path = f"exercises/{ex.key}.yaml"
        assert kinds.get(path) == {"good-plain", "good-unusual", "bad-sneaky"}, path
    sorted_queues = {s["rubric"] for s in data["sortings"]}
    assert sorted_queues == {f"exercises/{ex.key}.yaml" for ex in TRIAGES}
