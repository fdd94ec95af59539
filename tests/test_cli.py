"""The command line, run as a real subprocess like a user or CI would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import PACKAGE_RUBRICS, ROOT
from .test_loader import GOOD

GOOD_REPLY = (
    "That's frustrating, and I'm sorry. The parcel should have reached you last week and that's "
    "on us. I've sent a replacement by express, and it will reach you by Friday. Thanks for telling us."
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skischool", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )


def test_validate_all_shipped_rubrics() -> None:
    proc = run("validate", str(PACKAGE_RUBRICS))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "problems" not in proc.stdout and "checked: ok" in proc.stdout


def test_validate_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        GOOD.replace("severity: error", "severty: error"), encoding="utf-8"
    )
    (tmp_path / "b.yaml").write_text(
        GOOD.replace("title: Late parcel\n", "title: x\ntitle: y\n"), encoding="utf-8"
    )
    (tmp_path / "ok.yaml").write_text(GOOD, encoding="utf-8")
    proc = run("validate", str(tmp_path))
    assert proc.returncode == 1
    assert "a.yaml:10:5: criteria[0].severty: unknown key" in proc.stdout
    assert "b.yaml:3:1: title: duplicate key 'title'" in proc.stdout
    assert "3 rubric files checked: 2 problems" in proc.stdout
    as_json = json.loads(run("validate", "--json", str(tmp_path)).stdout)
    assert len(as_json["problems"]) == 2 and as_json["files"] == 3


def test_check_situation_pass_and_fail() -> None:
    ok = run("check", "--situation", "complaint", "--text", GOOD_REPLY)
    assert ok.returncode == 0, ok.stdout
    assert "PASS" in ok.stdout and "criteria met" in ok.stdout
    bad = run("check", "--situation", "complaint", "--text", "Please DM us.")
    assert bad.returncode == 1
    assert '"Please DM us"' in bad.stdout or "“Please DM us”" in bad.stdout
    # A general rubric says what its verdict is worth, every time.
    assert "second opinion" in ok.stdout and "two times in three" in bad.stdout


def test_check_json_output() -> None:
    proc = run("check", "--situation", "complaint", "--json", "--text", "Please DM us.")
    data = json.loads(proc.stdout)
    assert data["passed"] is False and "second opinion" in data["note"]
    for key in ("score", "criteria_met", "criteria_total", "findings"):
        assert key in data
    assert any(
        f["criterion"] == "no-deflect" and f["quote"] == "Please DM us" for f in data["findings"]
    )


def test_check_reply_from_stdin_and_file(tmp_path: Path) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text(GOOD, encoding="utf-8")
    proc = run("check", str(rubric), "-", stdin="Sorry Dana, fixed today.")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "second opinion" not in proc.stdout  # an exercise's own rubric is the verdict
    reply = tmp_path / "reply.txt"
    reply.write_bytes("Please DM us \xff".encode("latin-1"))
    proc = run("check", str(rubric), str(reply))
    assert proc.returncode == 1  # invalid UTF-8 in the reply is replaced, not a crash
    proc = run("check", "--situation", "complaint", str(reply))
    assert proc.returncode == 1


def test_check_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run("check", "--text", "x").returncode == 2  # no rubric or situation
    assert run("check", "--situation", "nope", "--text", "x").returncode == 2
    assert run("check", "--situation", "complaint").returncode == 2  # no reply
    assert run("frobnicate").returncode == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: reply\n", encoding="utf-8")
    proc = run("check", str(broken), "--text", "x")
    assert proc.returncode == 2 and "missing required key 'title'" in proc.stderr


def test_check_scenario_overrides() -> None:
    proc = run(
        "check",
        "--situation",
        "complaint",
        "--platform",
        "x",
        "--name",
        "Dana",
        "--json",
        "--text",
        "x" * 400,
    )
    data = json.loads(proc.stdout)
    fits = next(c for c in data["criteria"] if c["id"] == "fits")
    assert fits["met"] is False


def test_list_shows_situations(tmp_path: Path) -> None:
    proc = run("list")
    assert proc.returncode == 0
    for name in ("complaint", "question", "praise", "troll", "rant", "misinformation", "crisis"):
        assert name in proc.stdout
    data = json.loads(run("list", "--json", str(PACKAGE_RUBRICS)).stdout)
    assert len(data["situations"]) == 7 and len(data["rubrics"]) >= 7


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "skischool"
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "skischool" in proc.stdout


CHOICE = """\
kind: choice
title: Where to answer
question: A customer complains on X. Where do you answer?
options:
  - {id: public, text: Right there, score: 100, feedback: Others see it solved.}
  - {id: dm, text: Ask them to DM, score: 0, feedback: That hides the fix.}
examples:
  - {choose: [public], expect: pass}
  - {choose: [dm], expect: fail}
  - {choose: [], expect: fail}
  - {choose: [dm, public], expect: fail}
"""


def test_check_choice_rubric_with_choose(tmp_path: Path) -> None:
    rubric = tmp_path / "q.yaml"
    rubric.write_text(CHOICE, encoding="utf-8")
    ok = run("check", str(rubric), "--choose", "public")
    assert ok.returncode == 0 and "Others see it solved." in ok.stdout
    bad = run("check", str(rubric), "--choose", "dm", "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout)["passed"] is False
    missing = run("check", str(rubric))
    assert missing.returncode == 2 and "--choose IDS (from: public, dm)" in missing.stderr
    assert run("check", "--situation", "complaint", "--choose", "a").returncode == 2


def test_check_prints_the_lesson_file_of_failed_criteria() -> None:
    bad = run("check", "--situation", "complaint", "--text", "Please DM us.")
    assert bad.returncode == 1
    assert "      lesson: lessons/blue-square/01-fix-it-where-they-said-it.md" in bad.stdout
    lines = [ln.split("lesson: ", 1)[1] for ln in bad.stdout.splitlines() if "lesson: " in ln]
    assert lines and all(ln.endswith(".md") and (ROOT / ln).is_file() for ln in lines)
    ok = run("check", "--situation", "complaint", "--text", GOOD_REPLY)
    assert "lesson:" not in ok.stdout


def test_validate_reports_a_lesson_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "course.yml").write_text(
        "format: skischool-course\nversion: 1\nid: c\ntitle: C\nrelease: '1'\nroot: intro\n"
        "levels:\n  - {slug: a, caption: A, badge: dark}\n",
        encoding="utf-8",
    )
    (tmp_path / "lessons" / "a").mkdir(parents=True)
    for name in ("index.md", "01-listen-first.md"):
        (tmp_path / "lessons" / "a" / name).write_text("# x\n", encoding="utf-8")
    (tmp_path / "exercises").mkdir()
    rubric = tmp_path / "exercises" / "r.yaml"
    rubric.write_text(
        GOOD.replace(
            "    why: It shows you care.\n",
            "    why: It shows you care.\n    lesson: lessons/a/01-listen-frist\n",
        ),
        encoding="utf-8",
    )
    proc = run("validate", str(tmp_path / "exercises"))
    assert proc.returncode == 1, proc.stdout
    assert (
        f"{rubric}:19:13: criteria[1].lesson: 'lessons/a/01-listen-frist' names no lesson"
        in proc.stdout
    )
    assert "(the closest is 'lessons/a/01-listen-first')" in proc.stdout


# --- Robustness: every path ends in a message and an exit code, never a traceback. -------------

import os  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from skischool import cli  # noqa: E402
from skischool.platforms import PLATFORMS  # noqa: E402


def run_bytes(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[bytes]:
    """The CLI with raw bytes out, so an encoding problem shows as it would on a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "skischool", *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        **kw,  # type: ignore[arg-type]
    )


def no_traceback(
    proc: subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes],
) -> None:
    text = ""
    for part in (proc.stdout, proc.stderr):
        text += part.decode("utf-8", "replace") if isinstance(part, bytes) else (part or "")
    assert "Traceback" not in text and "Exception ignored" not in text, text


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def choice_rubric(tmp_path: Path) -> Path:
    rubric = tmp_path / "q.yaml"
    rubric.write_text(CHOICE, encoding="utf-8")
    return rubric


def test_reply_from_closed_stdin_is_a_usage_error() -> None:
    # fd 0 really closed (`skischool check ... - 0<&-`): Python sets sys.stdin to None.
    proc = subprocess.run(
        [sys.executable, "-m", "skischool", "check", "--situation", "complaint", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    no_traceback(proc)
    assert proc.returncode == 2
    assert "stdin is closed" in one_line(proc.stderr)
    # An empty stdin (</dev/null) is an empty reply: judged, with the engine's note, not refused.
    empty = subprocess.run(
        [sys.executable, "-m", "skischool", "check", "--situation", "complaint", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    no_traceback(empty)
    assert empty.returncode == 1 and "There is no reply yet" in empty.stdout


def test_reply_from_closed_stdin_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    assert cli.main(["check", "--situation", "complaint", "-"]) == 2
    assert "stdin is closed" in one_line(capsys.readouterr().err)


def test_compile_into_impossible_places(tmp_path: Path) -> None:
    rubric = choice_rubric(tmp_path)
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    cases = {
        "under-a-file": (str(a_file / "sub"), "cannot create the folder"),
        "is-a-file": (str(a_file), "is a file, not a folder"),
    }
    taken = tmp_path / "taken"
    (taken / "q.json").mkdir(parents=True)  # the output path itself is a folder
    cases["target-is-a-folder"] = (str(taken), "Is a directory")
    for name, (out, message) in cases.items():
        proc = run("compile", str(rubric), "--out", out)
        no_traceback(proc)
        assert proc.returncode == 2, name
        line = one_line(proc.stderr)
        assert message in line and line.startswith("compile: "), (name, line)
    assert a_file.read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in taken.iterdir()) == ["q.json"]  # no temporary file left
    good = tmp_path / "good"
    proc = run("compile", str(rubric), "--out", str(good))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((good / "q.json").read_text(encoding="utf-8"))
    assert [p.name for p in good.iterdir()] == ["q.json"]


def test_compile_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A read-only folder, as root cannot make one: the rename into place is refused.
    rubric = choice_rubric(tmp_path)
    out = tmp_path / "out"
    out.mkdir()

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(cli.os, "replace", refuse)
    assert cli.main(["compile", str(rubric), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) == f"compile: cannot write {out / 'q.json'}: Permission denied"
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_compile_into_read_only_folder(tmp_path: Path) -> None:
    rubric = choice_rubric(tmp_path)
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = run("compile", str(rubric), "--out", str(out))
    finally:
        out.chmod(0o755)
    no_traceback(proc)
    assert proc.returncode == 2 and "Permission denied" in one_line(proc.stderr)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("encoding", ["ascii:strict", "utf-8:strict", "latin-1:strict"])
def test_json_survives_any_output_encoding(encoding: str) -> None:
    # An emoji, and a lone surrogate: undecodable bytes in argv arrive as one.
    reply = "Sorry about the parcel \U0001f600, Please DM us \udcff"
    proc = run_bytes(
        "check", "--situation", "complaint", "--json", "--text", reply,
        env={"PYTHONIOENCODING": encoding},
    )  # fmt: skip
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout.decode(encoding.split(":")[0]))
    assert data["passed"] is False and data["findings"]
    if encoding.startswith("ascii"):
        assert proc.stdout.isascii()


def test_text_output_replaces_what_the_terminal_cannot_show() -> None:
    proc = run_bytes(
        "check", "--situation", "complaint", "--text", "Please DM us \U0001f600 \udcff",
        env={"PYTHONIOENCODING": "ascii:strict", "LANG": "C", "LC_ALL": "C"},
    )  # fmt: skip
    no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stdout.isascii() and b"Please DM us" in proc.stdout


def test_choose_never_echoes_escape_codes(tmp_path: Path) -> None:
    rubric = choice_rubric(tmp_path)
    proc = run("check", str(rubric), "--choose", "\x1b[31mred,\x07bell\r")
    no_traceback(proc)
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stderr
    assert "\\x1b[31mred" in line and "expected ids from: public, dm" in line
    # Other echoes of what the user typed are escaped the same way.
    for args in (
        ["check", "--situation", "\x1b]0;owned\x07", "--text", "x"],
        ["check", "--situation", "complaint", "--platform", "\x1b[2J", "--text", "x"],
        ["list", "--\x1b[2Jflag"],
    ):
        proc = run(*args)
        no_traceback(proc)
        assert proc.returncode == 2 and "\x1b" not in proc.stderr, args
    # A space after a comma is not part of an id.
    assert run("check", str(rubric), "--choose", "dm, public").returncode == 1


def test_reply_file_is_read_up_to_a_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (cli.MAX_REPLY_BYTES + 1))
    for source in ([str(big)], ["/dev/zero"]):
        if not Path(source[0]).exists():
            continue
        proc = run("check", "--situation", "complaint", *source)
        no_traceback(proc)
        assert proc.returncode == 2
        assert f"longer than {cli.MAX_REPLY_TEXT}" in one_line(proc.stderr)
    piped = subprocess.run(
        [sys.executable, "-m", "skischool", "check", "--situation", "complaint", "-"],
        input=b"y\n" * (cli.MAX_REPLY_BYTES // 2 + 1),
        capture_output=True,
        timeout=120,
    )
    no_traceback(piped)
    assert piped.returncode == 2 and b"longer than" in piped.stderr


def test_reply_file_odd_inputs(tmp_path: Path) -> None:
    proc = run("check", "--situation", "complaint", str(tmp_path))
    no_traceback(proc)
    assert proc.returncode == 2 and "is a folder" in one_line(proc.stderr)
    proc = run("check", "--situation", "complaint", str(tmp_path / "missing.txt"))
    no_traceback(proc)
    assert proc.returncode == 2 and "No such file or directory" in one_line(proc.stderr)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Please DM us, caf\xe9".encode("latin-1"))
    proc = run("check", "--situation", "complaint", str(latin))
    no_traceback(proc)
    assert proc.returncode == 1  # judged, with the odd byte replaced and a warning saying so
    assert "not valid UTF-8" in one_line(proc.stderr)
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffPlease DM us".encode())
    proc = run("check", "--situation", "complaint", "--json", str(bom))
    assert proc.returncode == 1 and proc.stderr == ""
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Please DM us".encode("utf-16"))
    proc = run("check", "--situation", "complaint", "--json", str(utf16))
    assert proc.returncode == 1 and proc.stderr == ""
    assert any(f["quote"] == "Please DM us" for f in json.loads(proc.stdout)["findings"])


def test_rubric_that_is_a_device_is_refused() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    proc = run("check", "/dev/zero", "--text", "x")
    no_traceback(proc)
    assert proc.returncode == 2 and "/dev/zero: is a device" in proc.stderr
    proc = run("validate", "/dev/zero")
    assert proc.returncode == 1 and "is a device" in proc.stdout


def test_unknown_platform_is_refused_listing_the_known_ones() -> None:
    proc = run("check", "--situation", "complaint", "--platform", "myspace", "--text", "x" * 400)
    no_traceback(proc)
    assert proc.returncode == 2 and proc.stdout == ""
    last = proc.stderr.strip().splitlines()[-1]
    assert "unknown platform 'myspace'" in last and ", ".join(PLATFORMS) in last
    ok = run("check", "--situation", "complaint", "--platform", "X", "--json", "--text", "x" * 400)
    fits = next(c for c in json.loads(ok.stdout)["criteria"] if c["id"] == "fits")
    assert ok.returncode == 1 and fits["met"] is False  # names are not case-sensitive
    listed = run("list")
    assert "--platform NAME" in listed.stdout
    for name in PLATFORMS:
        assert f"\n  {name} " in listed.stdout
    data = json.loads(run("list", "--json").stdout)
    assert [p["platform"] for p in data["platforms"]] == list(PLATFORMS)
    help_text = " ".join(run("check", "--help").stdout.split())
    assert ", ".join(PLATFORMS) in help_text


def test_closed_pipe_ends_quietly() -> None:
    # `skischool list | head -1`: the reader is gone before the output is flushed. Buffered
    # output (the default, not PYTHONUNBUFFERED) fails only at the final flush.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for command in ("list", "schema"):
        proc = subprocess.Popen(
            [sys.executable, "-m", "skischool", command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        proc.stdout.close()
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and err == b"", (command, err.decode())


def test_full_disk_is_one_line() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "skischool", "schema"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    no_traceback(proc)
    assert proc.returncode == 2
    assert "No space left on device" in one_line(proc.stderr)


def test_interrupt_and_internal_error_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_list", interrupted)
    try:
        status = cli.main(["list"])
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped main()")
    assert status == 130
    assert capsys.readouterr().err == "skischool: interrupted\n"

    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "cmd_list", broken)
    monkeypatch.delenv("SKISCHOOL_DEBUG", raising=False)
    try:
        status = cli.main(["list"])
    except RuntimeError:
        pytest.fail("an internal error escaped main() as a traceback")
    assert status == 3
    assert "internal error: RuntimeError: a bug" in one_line(capsys.readouterr().err)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_ctrl_c_while_waiting_for_stdin() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "skischool", "check", "--situation", "complaint", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until the child sleeps in its read of stdin (state S for a while), so SIGINT
        # reaches the CLI rather than the interpreter's start-up.
        deadline, sleeping = time.monotonic() + 60, 0
        while time.monotonic() < deadline and sleeping < 5:
            stat = Path(f"/proc/{proc.pid}/stat").read_text()
            sleeping = sleeping + 1 if stat.rsplit(")", 1)[1].split()[0] == "S" else 0
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert err == "skischool: interrupted\n" and out == ""
