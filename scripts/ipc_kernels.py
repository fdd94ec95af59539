"""Start Jupyter kernels on Unix sockets, so kernels started at once never fight over a port.

    import ipc_kernels; ipc_kernels.use_ipc_kernels()     (scripts/run_jupyter_book.py does this)
    python -m pytest -p ipc_kernels ...                   (with scripts/ on PYTHONPATH; nbval runs)

jupyter_client gives a kernel TCP ports by binding port 0, reading the port the system chose, and
closing the socket; the kernel process binds that port a second or two later. Nothing stops
another process from being handed the same port in between. That is harmless when one process
starts kernels one at a time, but the book build reads pages in two Sphinx processes and the
nbval test runs two pytest processes, each starting kernels. Once in many CI runs both chose one
port, the second kernel died with "ZMQError: Address already in use", and the build failed.

Unix-domain sockets have no shared port space: each kernel gets a path of its own, made from a
fresh uuid inside a private directory. jupyter_client supports this transport ("ipc") and
removes the socket files when the kernel shuts down. The one place every local kernel launch
passes, nbclient's and nbval's alike, is LocalProvisioner.pre_launch, so that is what is wrapped.
A kernel someone configured deliberately (another transport, or fixed ports) is left alone.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import uuid
from typing import Any

#: Unix socket paths must fit in 108 bytes (sun_path), with "-N" added per channel.
MAX_PREFIX = 90

_socket_dir: str | None = None


def socket_dir() -> str:
    """This process's private socket directory (made on first use, removed at exit)."""
    global _socket_dir
    if _socket_dir is None:
        base = tempfile.gettempdir()
        if len(base) > MAX_PREFIX - 50:
            base = "/tmp"  # a long TMPDIR would push socket paths past the limit
        _socket_dir = tempfile.mkdtemp(prefix="skk-", dir=base)
        owner = os.getpid()

        def remove() -> None:
            if os.getpid() == owner:  # never from a forked Sphinx worker
                shutil.rmtree(_socket_dir or "", ignore_errors=True)

        atexit.register(remove)
    return _socket_dir


def use_ipc_kernels() -> None:
    """Make every kernel this process, and any process it forks, starts use the ipc transport."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    original = LocalProvisioner.pre_launch
    if getattr(original, "skischool_ipc", False):
        return
    directory = socket_dir()

    @functools.wraps(original)
    async def pre_launch(self: Any, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        untouched = km is not None and km.transport == "tcp" and not any(km.ports)
        if untouched and not km._connection_file_written:
            km.transport = "ipc"
            km.ip = os.path.join(directory, uuid.uuid4().hex[:16])
            km.cache_ports = False  # the port cache binds TCP sockets, which a path cannot
        return await original(self, **kwargs)

    pre_launch.skischool_ipc = True  # type: ignore[attr-defined]
    LocalProvisioner.pre_launch = pre_launch  # type: ignore[method-assign]


def pytest_configure(config: Any) -> None:
    """As a pytest plugin (-p ipc_kernels): nbval's kernels use ipc too."""
    use_ipc_kernels()
