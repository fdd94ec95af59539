"""scripts/ipc_kernels.py: kernels started at once get Unix sockets of their own, never one TCP port.

A CI build once failed with "ZMQError: Address already in use": two Sphinx processes had each
been handed the same free port for a kernel. These start real kernels, in a child process so the
patch never leaks into this one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SCRIPTS = ROOT / "scripts"

CHILD = r"""
import json, os, sys, threading
sys.path.insert(0, sys.argv[1])
import ipc_kernels
from jupyter_client import KernelManager
import nbformat
from nbclient import NotebookClient

ipc_kernels.use_ipc_kernels()
ipc_kernels.use_ipc_kernels()  # a second call must not wrap twice
report = {"dir": ipc_kernels.socket_dir(), "kernels": []}

def run(km):
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    reply = kc.execute_interactive("print(6 * 7)", timeout=60,
                                   output_hook=lambda msg: outputs.append((km, msg)))
    kc.stop_channels()

outputs = []
kms = [KernelManager(kernel_name="python3") for _ in range(3)]
threads = [threading.Thread(target=run, args=(km,)) for km in kms]
for t in threads: t.start()
for t in threads: t.join()
for km in kms:
    printed = "".join(m["content"].get("text", "") for k, m in outputs if k is km
                      and m["msg_type"] == "stream")
    sockets = [f"{km.ip}-{port}" for port in km.ports]
    report["kernels"].append({"transport": km.transport, "ip": km.ip, "printed": printed,
                              "sockets_while_up": all(os.path.exists(s) for s in sockets)})
    km.shutdown_kernel(now=True)
    report["kernels"][-1]["sockets_after"] = any(os.path.exists(s) for s in sockets)

nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('nb ran')")])
client = NotebookClient(nb, kernel_name="python3", timeout=60)
made = []
create = client.create_kernel_manager
client.create_kernel_manager = lambda: made.append(create()) or made[-1]
client.execute()  # nbclient makes its own kernel manager, as the book build's does
report["nbclient"] = {"transport": made[0].transport, "ip": made[0].ip,
                      "printed": nb.cells[0].outputs[0]["text"]}

chosen = KernelManager(kernel_name="python3")
chosen.transport = "ipc"
chosen.ip = os.path.join(report["dir"], "chosen-by-hand")
chosen.start_kernel()
report["chosen_ip"] = chosen.ip
chosen.shutdown_kernel(now=True)
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def report() -> dict:
    """One child process starts every kernel these tests look at."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(SCRIPTS)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_kernels_started_together_each_get_their_own_unix_sockets(report: dict) -> None:
    kernels = report["kernels"]
    assert [k["transport"] for k in kernels] == ["ipc"] * 3
    assert len({k["ip"] for k in kernels}) == 3  # no two kernels share a socket path
    for kernel in kernels:
        assert kernel["ip"].startswith(report["dir"] + "/")
        assert len(kernel["ip"]) + 3 < 108  # fits a Unix socket path, with "-N" added
        assert kernel["printed"] == "42\n"  # the kernel really ran code over those sockets
        assert kernel["sockets_while_up"] and not kernel["sockets_after"]


def test_notebook_execution_uses_them_and_a_chosen_address_is_kept(report: dict) -> None:
    assert report["nbclient"]["transport"] == "ipc"
    assert report["nbclient"]["ip"].startswith(report["dir"] + "/")
    assert report["nbclient"]["printed"] == "nb ran\n"
    assert report["chosen_ip"].endswith("/chosen-by-hand")  # configured kernels are left alone


def test_the_book_build_and_the_nbval_runs_turn_it_on() -> None:
    code = (
        "import sys, runpy; sys.path.insert(0, sys.argv[1]);"
        "import jupyter_book.cli.main as m; m.main = lambda: 0;"
        "ns = runpy.run_path(sys.argv[1] + '/run_jupyter_book.py'); ns['main']();"
        "from jupyter_client.provisioning.local_provisioner import LocalProvisioner as P;"
        "print(getattr(P.pre_launch, 'skischool_ipc', False))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(SCRIPTS)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "True"


def test_nbval_kernels_use_ipc_through_the_plugin(tmp_path: Path) -> None:
    """The kernel itself reports its transport; nbval compares it with the stored output."""
    import nbformat

    cell = nbformat.v4.new_code_cell(
        "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport)"
    )
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ipc\n")]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "which.ipynb")
    env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval"]
    with_plugin = subprocess.run(
        [*base, "-p", "ipc_kernels", "which.ipynb"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert with_plugin.returncode == 0, with_plugin.stdout[-3000:]
    without = subprocess.run(
        [*base, "which.ipynb"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert without.returncode != 0 and "tcp" in without.stdout  # the check can fail
