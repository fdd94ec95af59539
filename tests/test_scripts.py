"""The shell scripts' own failure paths: one clear line and a non-zero exit, never a traceback.

Nothing here installs anything: serve.sh runs against a temporary folder, and setup.sh only
with an unknown step (refused before any work) or through lib.sh's logging helper.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

SCRIPTS = ROOT / "scripts"


def site(tmp_path: Path) -> Path:
    d = tmp_path / "html"
    d.mkdir()
    (d / "index.html").write_text("<p>the course</p>\n", encoding="utf-8")
    return d


def serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPTS / "serve.sh"), *args],
        env={**os.environ, "NO_COLOR": "1", "HOST": "127.0.0.1", **env},
        capture_output=True,
        text=True,
        timeout=60,  # a serve.sh that started serving despite the busy port fails here
        cwd=tmp_path,
    )


def test_serve_refuses_a_busy_port_in_one_line(tmp_path: Path) -> None:
    html = site(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for args in ((), ("--check",)):
            proc = serve(tmp_path, *args, PORT=str(port), SITE_DIR=str(html))
            assert proc.returncode != 0, args
            assert "Traceback" not in proc.stderr
            lines = proc.stderr.strip().splitlines()
            assert len(lines) == 1, proc.stderr
            assert f"serve: port {port} on 127.0.0.1 is in use" in lines[0]
            assert "PORT=" in lines[0] and f"PORT={port} " not in lines[0]


def test_serve_refuses_bad_settings(tmp_path: Path) -> None:
    html = site(tmp_path)
    for env, message in (
        ({"PORT": "http"}, "PORT must be a number from 1 to 65535, not 'http'"),
        ({"PORT": "70000"}, "PORT must be a number"),
        ({"SITE_DIR": str(tmp_path / "nothing")}, "index.html is missing; build first"),
    ):
        proc = serve(tmp_path, **{"PORT": "8000", "SITE_DIR": str(html), **env})
        assert proc.returncode == 1, env
        assert message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_serve_serves_site_dir_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    html = site(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["bash", str(SCRIPTS / "serve.sh")],
        env={**os.environ, "NO_COLOR": "1", "PORT": str(port), "SITE_DIR": str(html)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        body, deadline = b"", time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        assert body == b"<p>the course</p>\n"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == 0, err
    assert f"the course is at http://127.0.0.1:{port}/" in err and "serve: stopped" in err
    assert "Traceback" not in err


def test_setup_refuses_an_unknown_step_before_doing_anything(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "setup.log"
    proc = subprocess.run(
        ["bash", str(SCRIPTS / "setup.sh"), "vendor", "chrome"],
        env={**os.environ, "NO_COLOR": "1", "SKISCHOOL_SETUP_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "[skischool] ERROR: setup: unknown step 'chrome' (known: apt browser python node vendor)"
    )
    assert not log.exists()  # the vendor step before it did not run


def test_a_failing_setup_command_shows_its_output_and_the_log(tmp_path: Path) -> None:
    log = tmp_path / "setup.log"
    script = (
        f'source "{SCRIPTS / "lib.sh"}"\n'
        'step_begin "demo: installing"\n'
        f'run_logged "{log}" bash -c "echo quiet; echo fine >&2"\n'
        'step_end "done"\n'
        'step_begin "demo: breaking"\n'
        f'run_logged "{log}" bash -c "echo the real reason >&2; exit 7" || die "demo: failed"\n'
    )
    proc = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    err = proc.stderr.splitlines()
    assert err[0] == "[skischool] demo: installing ... done"  # one line, the output in the log
    assert err[1] == "[skischool] demo: breaking ... failed"
    assert "exit 7" in err[2] and "    the real reason" in err and "quiet" not in proc.stderr
    assert err[-2] == f"[skischool] full log: {log}"
    assert err[-1] == "[skischool] ERROR: demo: failed"
    assert "quiet" in log.read_text() and "the real reason" in log.read_text()


def setup_steps(script: str) -> list[str]:
    """The steps a script passes to setup.sh (setup.sh alone means all of them)."""
    for line in (SCRIPTS / script).read_text(encoding="utf-8").splitlines():
        if "scripts/setup.sh" in line and not line.lstrip().startswith("#"):
            return line.split('scripts/setup.sh"', 1)[1].split("#")[0].split()
    raise AssertionError(f"{script} does not run scripts/setup.sh")


@pytest.mark.parametrize(("script", "browser"), [("course.sh", False), ("test.sh", True)])
def test_only_the_test_command_installs_chromium(script: str, browser: bool) -> None:
    steps = setup_steps(script)
    assert {"apt", "python", "node", "vendor"} <= set(steps), steps  # self-sufficient
    assert ("browser" in steps) is browser
