"""A JupyterHub learner's route, end to end, on a real Jupyter server.

On a hub, nbgitpuller puts the course in the learner's home and JupyterLab opens an exercise
page (MyST markdown) as a notebook; its kernel runs the page's cells, the learner types into the
exercise widget and presses Check, and the attempt lands in the progress store. This test takes
the same route without a browser: a real ``jupyter server`` (as a hub's single-user server runs
it) on 127.0.0.1, its REST API for the session, and the kernel's websocket for the cells and
the clicks. The server gets its own root folder, Jupyter folders and progress file, and is
always stopped, killed if it will not stop.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext
import pytest
import websocket

from skischool import load_rubric
from skischool.model import ReplyRubric
from skischool.progress import ProgressStore

from .browser import descendants, kill_all
from .conftest import ROOT

PAGE = "exercises/bunny-hill/01-first-reply"
PAGE_ID = "bunny-hill/01-first-reply"  # the exercise page an attempt must name
REPLY = "Hi Noor! Yes, we are open until 6 today. Thanks for asking, see you soon!"
START_TIMEOUT_S = 30.0
CELL_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    token: str
    root: Path
    progress: Path
    process: subprocess.Popen[bytes]
    log: Path
    sessions: list[str] = field(default_factory=list)

    def api(self, method: str, path: str, body: object | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=CELL_TIMEOUT_S) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def stop(server: Server) -> None:
    """Shut the kernels down, then the server; kill whatever is left (only our own children)."""
    for session in server.sessions:
        with contextlib.suppress(Exception):
            server.api("DELETE", f"/api/sessions/{session}")
    children = descendants(server.process.pid)
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(STOP_TIMEOUT_S)
    kill_all([pid for pid in children if Path(f"/proc/{pid}").exists()])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "home"
    folder = root / Path(PAGE).parent
    folder.mkdir(parents=True)
    for suffix in (".md", ".yaml"):  # the page and its rubric, as nbgitpuller would leave them
        shutil.copy(ROOT / f"{PAGE}{suffix}", folder)
    progress = tmp_path / "progress.sqlite3"
    log = tmp_path / "server.log"
    env = {
        k: v for k, v in os.environ.items() if k not in {"SKISCHOOL_BOOK_BUILD", "JUPYTER_TOKEN"}
    }
    env.update(
        SKISCHOOL_PROGRESS=str(progress),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        IPYTHONDIR=str(tmp_path / "ipython"),
    )
    port, token = free_port(), secrets.token_hex(16)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                "--no-browser",
                "--allow-root",  # containers and CI often run as root
                "--ip=127.0.0.1",
                f"--port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    srv = Server(f"http://127.0.0.1:{port}", token, root, progress, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter server exited ({process.returncode}):\n{srv.log_text()}")
            try:
                srv.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter server not up in {START_TIMEOUT_S} s:\n{srv.log_text()}")
                time.sleep(0.2)
        yield srv
    finally:
        stop(srv)


class Kernel:
    """One kernel's websocket: run code, keep every message its runs produce."""

    def __init__(self, server: Server, kernel_id: str) -> None:
        ws_base = server.base.replace("http://", "ws://")
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"{ws_base}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"Authorization: token {server.token}"],
            timeout=CELL_TIMEOUT_S,
        )

    def run(self, code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Execute ``code``; its execute_reply content and every iopub message it caused."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "session": self.session,
                        "username": "learner",
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        reply: dict[str, Any] | None = None
        iopub: list[dict[str, Any]] = []
        idle = False
        deadline = time.monotonic() + CELL_TIMEOUT_S
        while reply is None or not idle:
            if time.monotonic() > deadline:
                raise AssertionError(f"no reply to {code[:60]!r} within {CELL_TIMEOUT_S} s")
            message = json.loads(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["channel"] == "shell" and message["msg_type"] == "execute_reply":
                reply = message["content"]
            elif message["channel"] == "iopub":
                iopub.append(message)
                idle = message["msg_type"] == "status" and (
                    message["content"]["execution_state"] == "idle"
                )
        errors = [m["content"] for m in iopub if m["msg_type"] == "error"]
        assert reply["status"] == "ok" and not errors, f"{code[:80]!r} failed: {errors or reply}"
        return reply, iopub

    def close(self) -> None:
        self.ws.close()


@pytest.mark.timeout(120)
def test_an_attempt_on_a_jupyter_server_reaches_the_progress_store(server: Server) -> None:
    rubric = load_rubric(ROOT / f"{PAGE}.yaml")
    assert isinstance(rubric, ReplyRubric)
    expected = rubric.check(REPLY)

    # With jupytext in the server (as on a hub built from binder/), the page is a notebook.
    served = server.api("GET", f"/api/contents/{PAGE}.md?content=1")
    assert served["type"] == "notebook", served["type"]

    session = server.api(
        "POST",
        "/api/sessions",
        {
            "path": f"{PAGE}.md",
            "name": f"{Path(PAGE).name}.md",
            "type": "notebook",
            "kernel": {"name": "python3"},
        },
    )
    server.sessions.append(session["id"])
    kernel = Kernel(server, session["kernel"]["id"])
    try:
        notebook = jupytext.read(server.root / f"{PAGE}.md")
        cells = [c.source for c in notebook.cells if c.cell_type == "code"]
        assert cells, "the exercise page has no code cells"
        assert [
            c["source"] for c in served["content"]["cells"] if c["cell_type"] == "code"
        ] == cells
        shown = []
        for source in cells:
            _reply, iopub = kernel.run(source)
            shown += [m["content"]["data"] for m in iopub if m["msg_type"] == "execute_result"]
        assert any(WIDGET_VIEW in data for data in shown), f"no exercise widget shown: {shown}"

        # The learner writes and presses Check: the widget as the page's cell made it.
        _reply, iopub = kernel.run(
            "import json\n"
            "w = [v for v in Out.values() if type(v).__name__ == 'ReplyExercise'][-1]\n"
            f"w.text.value = {REPLY!r}\n"
            "w.check_button.click()\n"
            "print(json.dumps({'feedback': w.feedback.value, 'attempts': w.attempts.value,"
            " 'passed': w.last_result.passed, 'score': w.last_result.score}))"
        )
        printed = "".join(m["content"]["text"] for m in iopub if m["msg_type"] == "stream").strip()
        state = json.loads(printed.splitlines()[-1])
        assert state["passed"] is expected.passed and state["score"] == expected.score
        assert expected.summary in state["feedback"]
        assert "1 attempt" in state["attempts"]
        # What a browser would draw: the widget's new state went out over the wire.
        updates = [
            m["content"]["data"]["state"]
            for m in iopub
            if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update"
        ]
        assert any(expected.summary in str(u.get("value", "")) for u in updates), updates
    finally:
        kernel.close()

    store = ProgressStore(server.progress)
    try:
        attempts = store.attempts()
    finally:
        store.close()
    assert len(attempts) == 1, attempts
    (attempt,) = attempts
    assert attempt.exercise == rubric.id
    assert attempt.page == PAGE_ID
    assert attempt.answer == REPLY
    assert (attempt.score, attempt.passed) == (expected.score, expected.passed)
    assert attempt.kind == "reply"
