"""``skischool check`` for conversations and triage, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skischool.cli import EXIT_FAIL, EXIT_OK, EXIT_USAGE, main

DATA = Path(__file__).parent / "data"
CONV = str(DATA / "conversation-sample.yaml")
TRIAGE = str(DATA / "triage-sample.yaml")
OWNED = "Priya, I'm so sorry your dad waited. From today we ring every family if the bus is late."
PROMISE = "Yes, we'll ring you straight away."


def test_replies_given_one_per_turn_are_judged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", CONV, "--reply", OWNED, "--reply", PROMISE]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("PASS") and "reply 1: " in out and "owned it" in out


def test_a_conversation_cut_short_shows_the_next_post(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", CONV, "--reply", "With respect, it was not our fault."]) == EXIT_FAIL
    out = capsys.readouterr().out
    assert "Next, Priya Shah writes: Wow. So it's my fault now?" in out
    assert "Give reply 2 of 2 with one more --reply." in out


def test_a_reply_file_separates_turns_with_dashes(tmp_path: Path) -> None:
    replies = tmp_path / "thread.txt"
    replies.write_text(f"{OWNED}\n---\n{PROMISE}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "skischool", "check", CONV, str(replies), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    data = json.loads(done.stdout)
    assert [t["reply"] for t in data["turns"]] == [OWNED, PROMISE]
    assert data["kind"] == "conversation" and data["passed"] is True


def test_stdin_not_a_terminal_and_no_replies_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "skischool", "check", CONV],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == EXIT_USAGE
    assert "conversation of 2 turns" in done.stderr and "--reply" in done.stderr


def test_reply_flag_on_a_reply_rubric_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rubric = Path(__file__).parents[1] / "exercises" / "blue-square" / "01-the-closed-pool.yaml"
    assert main(["check", str(rubric), "--reply", "hi"]) == EXIT_USAGE
    assert "--reply is for conversation rubrics" in capsys.readouterr().err


def test_a_triage_without_a_sorting_prints_the_queue_and_a_template(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", TRIAGE]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert "# 3. Jo Hart: The man in the blue coat" in captured.out
    assert "# What you know: You are Sam, on the library's social rota" in captured.out
    assert '"c01: reply waiting"' in captured.out, "the example uses this queue's own reason"
    assert "\nc03:\n" in captured.out
    assert "give your sorting as a FILE" in captured.err


def test_the_printed_queue_is_the_form_to_fill_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", TRIAGE])
    form = capsys.readouterr().out
    form = form.replace("c01:", "c01: reply waiting").replace("c03:", "c03: escalate danger")
    sorting = tmp_path / "mine.yaml"
    sorting.write_text(form, encoding="utf-8")
    assert main(["check", TRIAGE, str(sorting), "--json"]) == EXIT_FAIL
    result = json.loads(capsys.readouterr().out)
    met = {c["id"]: c["met"] for c in result["criteria"]}
    assert met == {"c01": True, "c02": False, "c03": True, "c04": False}
    assert any("2 of 4 items are not sorted" in n for n in result["notes"])


def test_a_sorting_file_is_judged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sorting = tmp_path / "mine.yaml"
    sorting.write_text(
        "c01: reply waiting\nc02: hide scam\nc03: escalate danger\nc04: leave nothing-to-add\n",
        encoding="utf-8",
    )
    assert main(["check", TRIAGE, str(sorting)]) == EXIT_OK
    assert capsys.readouterr().out.startswith("PASS  4 of 4 criteria met")
    sorting.write_text("c01: reply waiting\nc03: leave nothing-to-add\n", encoding="utf-8")
    assert main(["check", TRIAGE, str(sorting)]) == EXIT_FAIL
    out = capsys.readouterr().out
    assert "could hurt someone" in out and "Leave it" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c01: [unclosed\n", "mine.yaml:2:1: YAML syntax error"),
        ("- just\n- a list\n", "must map each item id"),
        ("", "must map each item id"),
    ],
)
def test_a_broken_sorting_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    sorting = tmp_path / "mine.yaml"
    sorting.write_text(text, encoding="utf-8")
    assert main(["check", TRIAGE, str(sorting)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
