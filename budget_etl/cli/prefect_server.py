"""Prefect's temporary API server of a CLI run, tied to the life of the CLI process.

Without ``PREFECT_API_URL`` Prefect starts a temporary server (a uvicorn child) on first use and
stops it at interpreter exit — which never comes when the CLI is SIGKILLed: the server then
lives on as an orphan. So the commands that run flows first start a tiny *reaper*: it notes,
twice a second, the uvicorn children of the CLI, and blocks reading a pipe from the CLI.
However the CLI ends, the kernel closes the pipe; the reaper reads EOF and ends the servers it
noted (SIGTERM, then SIGKILL), after checking each pid still names a uvicorn process so a
recycled pid is never hit. It also covers a server that is still starting up when the CLI dies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: the reaper: watch the CLI's uvicorn children until EOF on stdin (the CLI is gone), then end them
REAPER = """
import os, select, signal, sys, time
parent = int(sys.argv[1])
def is_server(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"uvicorn" in f.read()
    except OSError:
        return False
def children():
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == parent and is_server(entry):
                        found.add(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found
seen = set()
while True:
    ready, _, _ = select.select([0], [], [], 0.5)
    seen |= children()
    if ready and not os.read(0, 4096):
        break
for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
    live = [pid for pid in seen if is_server(pid)]
    for pid in live:
        try:
            os.kill(pid, sig)
        except OSError:
            pass
    deadline = time.monotonic() + wait
    while any(is_server(pid) for pid in live) and time.monotonic() < deadline:
        time.sleep(0.05)
"""


def needs_temporary_server() -> bool:
    """True when no Prefect API is configured, i.e. Prefect would start its temporary server."""
    from prefect.settings import get_current_settings

    return not get_current_settings().api.url


#: the reapers of this process; their pipes must stay open until the process itself ends
_REAPERS: list[subprocess.Popen[bytes]] = []


@contextmanager
def temporary_api() -> Iterator[None]:
    """From here on, a temporary Prefect server (started by Prefect, if needed) cannot outlive us.

    The pipe is left open on purpose: at a normal exit Prefect stops its server from ``atexit``
    (after flushing logs to it), then the process ends and the reaper finds nothing to do.
    """
    if needs_temporary_server() and not _REAPERS:
        _REAPERS.append(start_reaper(os.getpid()))
    yield


def start_reaper(parent: int) -> subprocess.Popen[bytes]:
    """The watchdog, in its own session (a Ctrl-C to the CLI's process group does not end it first)."""
    return subprocess.Popen(
        [sys.executable, "-c", REAPER, str(parent)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True, env={"PATH": os.environ.get("PATH", "")},
    )
