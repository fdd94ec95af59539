"""Conversation rubrics: the next post follows what a reply did, and the thread is judged too."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from skischool.conversation import CALM, MOVES, PUBLIC, ConversationRubric, as_replies
from skischool.errors import RubricError
from skischool.loader import load_rubric, rubric_from_dict
from skischool.render import result_html, result_text

SAMPLE = Path(__file__).parent / "data" / "conversation-sample.yaml"
OWNED = "Priya, I'm so sorry your dad waited in the cold. From today we ring every family if the bus is late."
ARGUED = "With respect, the breakdown was not our fault."
DEFLECTED = "Please send us a private message and we'll look into it."
ANSWERED = "I'm sorry about yesterday. The van broke down."
PROMISE = "Yes, we'll ring you straight away if it's ever late again."


@pytest.fixture(scope="module")
def rubric() -> ConversationRubric:
    r = load_rubric(SAMPLE)
    assert isinstance(r, ConversationRubric)
    return r


def data() -> dict[str, Any]:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("first", "move"),
    [(OWNED, "owned"), (ARGUED, "argued"), (DEFLECTED, "deflected"), (ANSWERED, "answered")],
)
def test_the_next_post_depends_on_what_the_reply_did(
    rubric: ConversationRubric, first: str, move: str
) -> None:
    verdicts, post = rubric.walk([first])
    assert verdicts[0].move == move
    assert post is not None and post.text == rubric.turns[0].next[move].post
    assert post.author == "Priya Shah"
    assert rubric.next_post([first]) == post.text


def test_every_move_leads_somewhere_different(rubric: ConversationRubric) -> None:
    posts = {rubric.next_post([r]) for r in (OWNED, ARGUED, DEFLECTED, ANSWERED)}
    assert len(posts) == len(MOVES)


def test_the_first_post_is_the_scenario_and_the_end_has_none(rubric: ConversationRubric) -> None:
    assert rubric.next_post([]) == rubric.scenario.post
    assert rubric.next_post([OWNED, PROMISE]) is None


def test_a_thread_that_owns_it_and_closes_in_public_passes(rubric: ConversationRubric) -> None:
    result = rubric.check([OWNED, PROMISE])
    assert result.passed, result.to_text()
    assert [t.move for t in result.turns] == ["owned", ""]
    met = {c.id: c.met for c in result.criteria}
    assert met[CALM] is True and met[PUBLIC] is True
    assert result.summary == f"{result.criteria_total} of {result.criteria_total} criteria met"


def test_the_reply_to_the_reply_can_save_a_thread(rubric: ConversationRubric) -> None:
    """A first reply that answered without a fix fails its turn, but the thread can pass."""
    result = rubric.check([ANSWERED, PROMISE])
    assert result.turns[0].passed is False and result.turns[0].move == "answered"
    assert result.passed, result.to_text()


def test_arguing_breaks_the_calm_and_adds_a_criterion(rubric: ConversationRubric) -> None:
    result = rubric.check([ARGUED, PROMISE])
    ids = {c.id: c for c in result.criteria}
    assert "second/take-back" in ids, "the argued path adds its own criterion to turn 2"
    assert ids[CALM].met is False
    assert "argued back" in ids[CALM].findings[0].message
    assert not result.passed
    assert result.score < result.pass_score


def test_a_red_flag_in_an_early_turn_is_never_saved(rubric: ConversationRubric) -> None:
    result = rubric.check([DEFLECTED, "I'm sorry. We'll ring you next time, here in public."])
    assert result.turns[0].move == "deflected"
    assert result.turns[1].passed
    assert not result.passed
    assert any(c.id == "first/in-public" and c.met is False for c in result.criteria)


def test_a_last_reply_that_leaves_it_open_fails_closing_in_public(
    rubric: ConversationRubric,
) -> None:
    result = rubric.check([OWNED, "Thanks for your feedback."])
    public = next(c for c in result.criteria if c.id == PUBLIC)
    assert public.met is False
    assert "promises the call" in public.findings[0].message
    assert not result.passed


def test_a_conversation_cut_short_fails_and_says_so(rubric: ConversationRubric) -> None:
    result = rubric.check([OWNED])
    assert not result.passed
    assert any("stopped after 1 of 2" in n for n in result.notes)
    assert len(result.turns) == 2 and result.turns[1].reply == ""


def test_extra_replies_are_ignored_with_a_note(rubric: ConversationRubric) -> None:
    result = rubric.check([OWNED, PROMISE, "and another", "and more"])
    assert result.passed
    assert any("only your first 2 replies" in n for n in result.notes)


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "",
        [],
        ["", ""],
        42,
        [None, 3],
        "[not json",
        json.dumps(["x"] * 10),
        ["🎿" * 5000, "\x00\x1b[31m\u202e"],
        ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"],
        ["a" * 1_000_001, "b"],
        {"not": "a list"},
        "[" * 100_000,  # nested too deep for json: must not raise RecursionError
    ],
)
def test_any_input_is_judged_never_raises(rubric: ConversationRubric, answer: object) -> None:
    result = rubric.check(answer)
    assert result.kind == "conversation"
    html = result_html(result)
    assert "<script>" not in html and "<img src=x" not in html
    assert "\x1b" not in result_text(result)


def test_as_replies_reads_lists_json_and_text() -> None:
    assert as_replies(["a", "b"]) == ["a", "b"]
    assert as_replies('["a", "b"]') == ["a", "b"]
    assert as_replies("just one") == ["just one"]
    assert as_replies(None) == []
    assert as_replies([None, 1]) == ["", "1"]
    endless = itertools.count()
    assert as_replies(endless) == ["0", "1", "2", "3"], "an endless iterable is cut, not read"


def test_the_thread_is_shown_with_each_turn(rubric: ConversationRubric) -> None:
    result = rubric.check([ANSWERED, PROMISE])
    html = result_html(result)
    assert "The conversation" in html
    assert rubric.turns[0].next["answered"].post.split(".")[0] in html
    assert "answered without owning it yet" in html
    text = result_text(result)
    assert "reply 1:" in text and "answered without owning it yet" in text
    assert json.loads(result.to_json())["turns"][0]["move"] == "answered"


def test_model_replies_join_every_turn(rubric: ConversationRubric) -> None:
    assert rubric.model_reply.startswith("Reply 1: ")
    assert "Reply 2: " in rubric.model_reply


# --- a broken conversation rubric names the file, line, field and what was expected -----------


def _problems(mutate: Any) -> list[str]:
    d = data()
    mutate(d)
    with pytest.raises(RubricError) as caught:
        rubric_from_dict(d, "conv.yaml", require_examples=True)
    return [f"{p.field}: {p.message}" for p in caught.value.problems]


def test_a_turn_without_next_is_named() -> None:
    problems = _problems(lambda d: d["turns"][0].pop("next"))
    assert any(p.startswith("turns[0]:") and "needs 'next'" in p for p in problems), problems


def test_the_last_turn_cannot_have_next() -> None:
    def add(d: dict[str, Any]) -> None:
        d["turns"][1]["next"] = copy.deepcopy(d["turns"][0]["next"])

    problems = _problems(add)
    assert any(p.startswith("turns[1].next:") and "last turn" in p for p in problems), problems


def test_when_must_name_a_criterion_of_its_turn() -> None:
    problems = _problems(lambda d: d["turns"][0]["next"]["argued"].update(when=["nope"]))
    assert any(
        p.startswith("turns[0].next.argued.when[0]:") and "'nope' is not a criterion" in p
        for p in problems
    ), problems


def test_argued_needs_when_and_owned_takes_none() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["turns"][0]["next"]["argued"].pop("when")
        d["turns"][0]["next"]["owned"]["when"] = ["sorry"]

    problems = _problems(bad)
    assert any("'argued' needs 'when'" in p for p in problems), problems
    assert any("'owned' is read from the verdict" in p for p in problems), problems


def test_closes_must_name_a_last_turn_criterion() -> None:
    problems = _problems(lambda d: d.update(closes=["sorry"]))
    assert any(p.startswith("closes[0]:") and "last turn" in p for p in problems), problems


def test_every_move_needs_a_post() -> None:
    problems = _problems(lambda d: d["turns"][0]["next"].pop("deflected"))
    assert any("deflected" in p and "missing" in p for p in problems), problems


def test_an_example_needs_one_reply_per_turn() -> None:
    problems = _problems(lambda d: d["examples"][0].update(replies=["only one"]))
    assert any(p.startswith("examples[0].replies:") and "one per turn" in p for p in problems), (
        problems
    )


def test_a_bad_added_criterion_is_named_where_it_is() -> None:
    problems = _problems(
        lambda d: d["turns"][0]["next"]["argued"]["adds"][0].update(severity="error")
    )
    assert any(p.startswith("turns[0].next.argued.adds[0].severity:") for p in problems), problems


def test_a_wrong_move_in_an_example_is_reported(tmp_path: Path) -> None:
    from skischool.examples import validate_file

    d = data()
    d["examples"][0]["moves"] = ["argued"]
    path = tmp_path / "conv.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")
    problems = validate_file(path)
    assert any("moves argued but they made owned" in p.message for p in problems), problems
    assert all(p.line for p in problems)


def test_the_sample_rubric_validates() -> None:
    from skischool.examples import validate_file

    assert validate_file(SAMPLE) == []


def test_a_blank_reply_is_not_called_an_argument(rubric: ConversationRubric) -> None:
    result = rubric.check(["", ""])
    assert result.turns[0].move == "answered"
    assert next(c for c in result.criteria if c.id == CALM).met is True
    assert not result.passed


def test_a_bystander_can_post_the_follow_up() -> None:
    d = data()
    d["turns"][0]["next"]["argued"]["author"] = "Ola Reyes"
    rubric = rubric_from_dict(d, "conv.yaml")
    assert isinstance(rubric, ConversationRubric)
    post = rubric.next_message([ARGUED])
    assert post is not None and post.author == "Ola Reyes"
    assert rubric.next_message([OWNED]).author == "Priya Shah"  # type: ignore[union-attr]
    result = rubric.check([ARGUED, PROMISE])
    assert [t.author for t in result.turns] == ["Priya Shah", "Ola Reyes"]
    assert "<b>Ola Reyes</b>" in result_html(result)


def test_closes_may_name_what_one_path_adds_and_other_paths_skip_it() -> None:
    d = data()
    d["closes"] = ["promise", "take-back"]
    rubric = rubric_from_dict(d, "conv.yaml")
    assert isinstance(rubric, ConversationRubric)
    owned = rubric.check([OWNED, PROMISE])
    assert next(c for c in owned.criteria if c.id == PUBLIC).met is True
    argued = rubric.check([ARGUED, PROMISE])
    public = next(c for c in argued.criteria if c.id == PUBLIC)
    assert public.met is False and "takes back the jab" in public.findings[0].message


MOTORWAY = Path(__file__).parent.parent / "exercises/black-diamond/10-stuck-on-the-motorway.yaml"
SNAP = "Please be patient, everyone, and scroll up: we said 6pm. The coach is stuck after a crash."


@pytest.mark.parametrize(
    ("second", "met"),
    [
        # After a snap, Nicola and Dev Patel both comment: greeting either is answering them.
        ("Dev, you're right, and I'm sorry, my last reply came out wrong. Nobody is hurt.", True),
        ("Nicola, I'm sorry, my last reply came out wrong. Nobody is hurt.", True),
        # Rob is on the coach; he wrote none of it.
        ("Rob, sorry, my last reply came out wrong. Nobody is hurt.", False),
    ],
)
def test_a_reply_may_greet_any_writer_of_the_comments_it_answers(second: str, met: bool) -> None:
    r = load_rubric(MOTORWAY)
    assert isinstance(r, ConversationRubric)
    verdicts, _ = r.walk([SNAP, second])
    assert verdicts[0].move == "argued" and verdicts[1].post.author == "Two new comments"
    facts = next(c for c in verdicts[1].result.criteria if c.id == "facts")
    assert facts.met is met, [f.message for f in facts.findings]
    if not met:
        assert "the post is from Nicola Baines and Dev Patel" in facts.findings[0].message


def test_greeting_a_bystander_when_the_author_alone_wrote_is_still_wrong() -> None:
    r = load_rubric(MOTORWAY)
    assert isinstance(r, ConversationRubric)
    first = r.model_reply.split("\n\n")[0].removeprefix("Reply 1: ")
    verdicts, _ = r.walk([first, "Dev, I'm sorry: nobody has gone to hospital. Next update 6pm."])
    assert verdicts[0].move == "owned"
    facts = next(c for c in verdicts[1].result.criteria if c.id == "facts")
    assert facts.met is False and "the post is from Nicola Baines" in facts.findings[0].message


def test_writers_must_be_names() -> None:
    problems = _problems(lambda d: d["turns"][0]["next"]["argued"].update(writers=["sue"]))
    assert any(
        p.startswith("turns[0].next.argued.writers[0]:") and "capital first" in p for p in problems
    ), problems
