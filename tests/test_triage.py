"""Triage rubrics: each item judged on its action and its reason, critical items gate the pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from skischool.errors import RubricError
from skischool.examples import triage_sorting
from skischool.loader import load_rubric, rubric_from_dict
from skischool.render import result_html, result_text
from skischool.triage import ACTIONS, TriageRubric, as_sorting

SAMPLE = Path(__file__).parent / "data" / "triage-sample.yaml"


@pytest.fixture(scope="module")
def rubric() -> TriageRubric:
    r = load_rubric(SAMPLE)
    assert isinstance(r, TriageRubric)
    return r


def best(rubric: TriageRubric, **changes: tuple[str, str]) -> dict[str, Any]:
    sorting = triage_sorting(rubric, "best")
    for item, (action, reason) in changes.items():
        sorting[item] = {"action": action, "reason": reason}
    return sorting


def met(result: Any) -> dict[str, bool | None]:
    return {c.id: c.met for c in result.criteria}


def test_the_best_sorting_passes_with_every_item_met(rubric: TriageRubric) -> None:
    result = rubric.check(best(rubric))
    assert result.passed and result.score == 100
    assert result.summary == "4 of 4 criteria met"


def test_the_right_action_for_the_wrong_reason_earns_part(rubric: TriageRubric) -> None:
    result = rubric.check(best(rubric, c01=("reply", "scam")))
    assert met(result)["c01"] is False
    assert 0 < result.score < 100
    message = next(f.message for f in result.findings if f.criterion == "c01")
    assert "good call" in message and "not what makes it right" in message


def test_an_accepted_action_counts_and_names_the_better_one(rubric: TriageRubric) -> None:
    result = rubric.check(best(rubric, c04=("leave", "nothing-to-add")))
    assert met(result)["c04"] is True
    message = next(f.message for f in result.findings if f.criterion == "c04")
    assert ACTIONS["reply"] in message


def test_a_critical_item_wrong_fails_whatever_the_score(rubric: TriageRubric) -> None:
    result = rubric.check(best(rubric, c03=("leave", "nothing-to-add")))
    assert not result.passed
    assert result.score < result.pass_score
    assert any("could hurt someone" in n for n in result.notes)
    finding = next(f for f in result.findings if f.criterion == "c03")
    assert finding.severity == "error"
    assert "Leave it" in finding.message
    assert ACTIONS["escalate"] not in finding.message, (
        "a wrong answer hears a nudge, not the answer"
    )


def test_unsorted_items_are_counted_and_nudged(rubric: TriageRubric) -> None:
    sorting = best(rubric)
    del sorting["c01"]
    result = rubric.check(sorting)
    assert met(result)["c01"] is False
    assert any("1 of 4 items are not sorted" in n for n in result.notes)
    assert result.answer_length == 3


@pytest.mark.parametrize(
    "raw",
    [
        {"c01": "reply waiting"},
        {"c01": ["reply", "waiting"]},
        {"c01": {"action": "reply", "reason": "waiting", "note": "quick one"}},
        '{"c01": {"action": "reply", "reason": "waiting"}}',
    ],
)
def test_a_sorting_reads_in_every_written_form(rubric: TriageRubric, raw: object) -> None:
    sorting, notes = as_sorting(raw, rubric)
    assert (sorting["c01"].action, sorting["c01"].reason) == ("reply", "waiting")
    assert notes == []


def test_unknown_items_actions_and_reasons_become_notes(rubric: TriageRubric) -> None:
    result = rubric.check({"zz": "reply waiting", "c01": "shout waiting", "c02": "hide because"})
    notes = " ".join(result.notes)
    assert "“zz” is not an item" in notes
    assert "“shout” is not an action" in notes
    assert "“because” is not one of the reasons" in notes
    assert met(result)["c01"] is False


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "",
        "not json",
        [1, 2],
        42,
        {"c01": None},
        {"c01": {"action": ["x"], "reason": {"y": 1}}},
        {"c01": "<script>alert(1)</script>"},
        {"<b>x</b>": "reply"},
        {f"k{i}": "reply" for i in range(100_000)},
        {"c01": {"action": "reply", "reason": "waiting", "note": "🎿" * 1_000_000}},
        "\x00\x1b[2J",
        "[" * 100_000,  # nested too deep for json: must not raise RecursionError
        '{"c01": ' * 50_000,
    ],
)
def test_any_input_is_judged_never_raises(rubric: TriageRubric, answer: object) -> None:
    result = rubric.check(answer)
    assert result.kind == "triage" and not result.passed
    html = result_html(result)
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "\x1b" not in result_text(result)
    assert len(result.notes) < 50, "a flood of unknown ids is cut short, not listed in full"


def test_the_model_lists_every_item_with_why(rubric: TriageRubric) -> None:
    lines = rubric.model_reply.splitlines()
    assert len(lines) == len(rubric.items)
    assert all("→" in line for line in lines)


def data() -> dict[str, Any]:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def _problems(mutate: Any) -> list[str]:
    d = data()
    mutate(d)
    with pytest.raises(RubricError) as caught:
        rubric_from_dict(d, "triage.yaml", require_examples=True)
    return [f"{p.field}: {p.message}" for p in caught.value.problems]


def test_a_hint_that_names_the_answer_is_refused() -> None:
    problems = _problems(lambda d: d["items"][2].update(hint="Escalate this one."))
    assert any(p.startswith("items[2].hint:") and "names the answer" in p for p in problems)


def test_an_unknown_reason_is_named() -> None:
    problems = _problems(lambda d: d["items"][0].update(reasons=["nope"]))
    assert any(p.startswith("items[0].reasons[0]:") and "'nope'" in p for p in problems)


def test_an_unknown_action_is_named() -> None:
    problems = _problems(lambda d: d["items"][0].update(action="shout"))
    assert any(p.startswith("items[0].action:") for p in problems), problems


def test_a_duplicate_item_is_named() -> None:
    problems = _problems(lambda d: d["items"][1].update(id="c01"))
    assert any(p.startswith("items[1].id:") and "duplicate" in p for p in problems)


def test_an_example_changing_an_unknown_item_is_named() -> None:
    problems = _problems(
        lambda d: d["examples"][1]["change"].append({"item": "zz", "action": "leave"})
    )
    assert any(p.startswith("examples[1].change[1].item:") for p in problems), problems


def test_the_sample_rubric_validates() -> None:
    from skischool.examples import validate_file

    assert validate_file(SAMPLE) == []


def test_items_to_look_at_again_come_first_and_the_right_ones_fold(rubric: TriageRubric) -> None:
    html = result_html(rubric.check(best(rubric, c03=("leave", "nothing-to-add"))))
    assert "Sorted well (3)</summary>" in html
    folded = html.index("Sorted well (3)")
    assert html.index("Who in the building needs to know") < folded, "the wrong one comes first"
    assert html.count("right call") == 3
