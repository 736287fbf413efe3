"""Child processes in tests: SIGKILL one and reap it, closing its pipes, whatever state it is in."""

from __future__ import annotations

import os
import signal
import subprocess


def kill_and_reap(proc: subprocess.Popen) -> None:
    """kill -9 (a no-op on one already gone), wait for it, close the pipes the test opened."""
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
