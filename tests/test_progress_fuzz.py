"""Fuzzing ``parse_export``: whatever a learner hands in, a located error or attempts that save.

Why: exports are files people download, edit, truncate and hand in. The invariant is the
module's promise: ``parse_export`` returns attempts, or raises ``ProgressStoreError`` whose
message starts with the file's name; never any other exception. Attempts it returns must
also store, export and parse back unchanged (an OverflowError deep in sqlite3 is a bug too).

The in-suite run is small; a long one: ``SKISCHOOL_FUZZ_EXAMPLES=5000 pytest tests/test_progress_fuzz.py``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from skischool.progress import Attempt, ProgressStore, ProgressStoreError, parse_export

EXAMPLES = int(os.environ.get("SKISCHOOL_FUZZ_EXAMPLES", "150"))
SOURCE = "fuzz/handed-in.json"

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIELDS = [
    "exercise",
    "time",
    "score",
    "passed",
    "criteria_met",
    "criteria_total",
    "kind",
    "answer",
    "learner",
    "id",
]

# -- values ----------------------------------------------------------------------------------

ODD_CHARS = ["\ud800", "\udfff", "\x00", "\x1b", "\x7f", "\u2028", "\ufeff", "\U0001f3bf", "é", '"']
weird_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(ODD_CHARS), max_size=8).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=30),
    st.integers(0, 200_000).map(lambda n: "x" * n),
)
huge_numbers = st.one_of(
    st.integers(-(10**40), 10**40),
    st.sampled_from([0, -1, 100, 101, 10_000, 10_001, 2**63, -(2**63) - 1, 10**300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e300, -1e300, 0.5, -0.0]),
)
times = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.tuples(st.datetimes(), st.integers(-23 * 60 - 59, 23 * 60 + 59)).map(
        lambda t: (
            f"{t[0].isoformat()}{'+' if t[1] >= 0 else '-'}{abs(t[1]) // 60:02}:{abs(t[1]) % 60:02}"
        )
    ),
    st.sampled_from(
        [
            "99999-01-01T00:00:00Z",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+23:59",
            "2024-02-30T00:00:00Z",
            "2024-05-01",
            "2024-05-01T09:30:00",
            "",
            "Z",
        ]
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | huge_numbers | weird_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(weird_text, inner, max_size=4),
    max_leaves=12,
)
valid_values: dict[str, st.SearchStrategy[Any]] = {
    "exercise": st.text(min_size=1, max_size=20),
    "time": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    "score": st.integers(0, 100),
    "passed": st.booleans(),
    "criteria_met": st.integers(0, 3),
    "criteria_total": st.integers(3, 10),
    "kind": st.sampled_from(["reply", "choice"]),
    "answer": st.text(max_size=40),
    "learner": st.text(max_size=10),
    "id": st.uuids().map(str),
}
field_values: dict[str, st.SearchStrategy[Any]] = {
    **{name: st.one_of(strategy, json_values) for name, strategy in valid_values.items()},
    "time": st.one_of(valid_values["time"], times, json_values),
    "score": st.one_of(valid_values["score"], huge_numbers),
    "criteria_met": st.one_of(valid_values["criteria_met"], huge_numbers),
    "criteria_total": st.one_of(valid_values["criteria_total"], huge_numbers),
}

# -- documents -------------------------------------------------------------------------------


@st.composite
def records(draw: st.DrawFn) -> Any:
    """A valid attempt record, then a few of its fields changed, dropped or added."""
    record: dict[str, Any] = {name: draw(valid_values[name]) for name in FIELDS}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        action = draw(st.sampled_from(["change", "change", "drop"]))
        if action == "drop":
            record.pop(name, None)
        else:
            record[name] = draw(field_values[name])
    if draw(st.integers(0, 9)) == 0:
        record[draw(weird_text)] = draw(json_values)
    if draw(st.integers(0, 19)) == 0:
        return draw(json_values)  # not an object at all
    return record


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """An export skeleton with valid-ish attempts, then top-level fields mutated."""
    document: dict[str, Any] = {
        "format": "skischool-progress",
        "version": 1,
        "exported": draw(st.one_of(times, json_values)),
        "attempts": draw(st.lists(records(), max_size=6)),
    }
    for name in draw(st.lists(st.sampled_from(["format", "version", "attempts"]), max_size=1)):
        if draw(st.booleans()):
            document.pop(name)
        else:
            document[name] = draw(json_values)
    return document


def nest(text: str, depth: int) -> str:
    """``text`` inside ``depth`` lists, built as text: a Python object that deep cannot be dumped."""
    return "[" * depth + text + "]" * depth


@st.composite
def export_texts(draw: st.DrawFn) -> str:
    """JSON text of a mutated export, sometimes nested deep, truncated or edited as text."""
    document = draw(documents())
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    how = draw(st.sampled_from(["as-is"] * 6 + ["nest-attempt", "nest-all", "cut", "splice"]))
    depths = st.one_of(st.integers(1, 60), st.sampled_from([900, 1000, 3000, 100_000]))
    if how == "nest-attempt" and isinstance(document, dict):
        inner = nest(json.dumps(draw(json_values)), draw(depths))
        text = json.dumps({**document, "attempts": []}).replace(
            '"attempts": []', f'"attempts": [{inner}]'
        )
    elif how == "nest-all":
        text = nest(text, draw(depths))
    elif how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "splice":
        at = draw(st.integers(0, len(text)))
        piece = draw(
            st.sampled_from(
                ["NaN", "-Infinity", "1" + "0" * 5000, "\ud800", "\x00", "}", "[", ",", '"']
            )
        )
        text = text[:at] + piece + text[at:]
    return text


# -- the invariant ---------------------------------------------------------------------------


def note(outcome: str) -> None:
    """Count outcomes in ``--hypothesis-show-statistics`` (only inside a Hypothesis test)."""
    if currently_in_test_context():
        event(outcome)


def check(text: str) -> list[Attempt] | None:
    """Apply the invariant; return the attempts, or None for a (correctly) refused export."""
    try:
        attempts = parse_export(text, source=SOURCE)
    except ProgressStoreError as exc:
        message = str(exc)
        note("refused: " + message[len(SOURCE) + 2 :].split("(")[0].split(",")[0][:40])
        assert message.startswith(f"{SOURCE}: "), message
        assert len(message) > len(SOURCE) + 10, message
        assert len(message) < 2_000, f"unreadably long message ({len(message)} chars)"
        return None
    note(f"accepted: {min(len(attempts), 3)}{'+' if len(attempts) > 3 else ''} attempts")
    assert all(isinstance(a, Attempt) for a in attempts)
    with ProgressStore(":memory:") as store:
        assert store.import_attempts(attempts) == len({a.id for a in attempts})
        assert store.import_attempts(attempts) == 0, "importing twice adds nothing"
        stored = store.attempts()
        assert parse_export(store.export_json()) == stored
    assert {a.id for a in stored} == {a.id for a in attempts}
    return attempts


@FUZZ
@given(export_texts())
def test_parse_export_fuzz(text: str) -> None:
    check(text)


@FUZZ
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=200))
def test_parse_export_fuzz_arbitrary_text(text: str) -> None:
    assert check(text) is None or text.lstrip().startswith("{")


@pytest.mark.parametrize(
    "text",
    [
        nest("{}", 100_000),
        '{"format": "skischool-progress", "version": 1, "attempts": [' + nest("0", 100_000) + "]}",
        '{"format": "skischool-progress", "version": NaN, "attempts": []}',
        '{"format": "skischool-progress", "version": 1, "attempts": [], "x": 1' + "0" * 5000 + "}",
    ],
    ids=["deep-object", "deep-attempt", "NaN-version", "5000-digits"],
)
def test_fuzz_seeds_are_refused_with_a_located_error(text: str) -> None:
    """The shapes that crashed before the fix, pinned so they never depend on luck."""
    assert check(text) is None


def test_fuzz_generates_both_accepted_and_refused_exports() -> None:
    """Guard against a vacuous fuzzer: its documents must exercise both outcomes."""
    outcomes: set[bool] = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(export_texts())
    def sample(text: str) -> None:
        outcomes.add(check(text) is not None)

    sample()
    assert outcomes == {True, False}
