"""The fd-2 filter (merstudio.native_logs) in a hostile environment (a84 items 1, 2, 4): a native library's last
line before it aborts (MediaPipe's "F0000 ... Check failed", oneMKL's FATAL ERROR then exit) reaches the user; a
stderr that cannot be written does not stall the writers; a closed stderr (sys.stderr None) is no crash."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time

import pytest

from merstudio import native_logs
from merstudio.native_logs import NOISE, OUT_OF_MEMORY

FATAL = (b"F0000 00:00:1795640166.961235    3214 threadpool_pthread_impl.cc:53] Check failed: res == 0 (11 vs. 0) "
         b"pthread_create failed\n")
MKL = b"Intel oneMKL FATAL ERROR: Cannot load libtorch_cpu.so.\n"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "MERSTUDIO_MEDIAPIPE_LOGS"}


def test_fatal_lines_are_not_noise():
    for line in (FATAL, MKL, b"[ERROR:0@0.123] global thread.cpp Can't spawn new thread\n",
                 b"terminate called after throwing an instance of 'std::system_error'\n"):
        assert not NOISE.match(line), line


@pytest.mark.parametrize("death, code", [("os.abort()", -6), ("os._exit(2)", 2)])
def test_a_native_libraries_last_line_reaches_the_user_when_the_program_dies(death, code):
    backlog = b"note " * 3000 + b"\n"  # what the forwarder is still working through
    script = ("import os\nfrom merstudio.native_logs import install\n"
              "f = install(process=True)\n"
              f"os.write(2, {backlog!r})\n"
              f"os.write(2, {FATAL!r})\nos.write(2, {MKL!r})\n"
              f"{death}\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, env=_env())
    assert done.returncode == code
    # (h170: then merstudio's line naming the cause: FATAL says a thread could not be had)
    assert done.stderr.endswith(FATAL + MKL + OUT_OF_MEMORY), done.stderr[-300:]


def test_the_last_line_of_an_abort_while_a_graph_is_made_reaches_the_user():
    """merstudio.face makes its MediaPipe graphs inside `native_logs_filtered()`, where MediaPipe aborts when it
    cannot start its threads (`ulimit -v 2000000`): that block's own filter thread died with the program. Under the
    console's helper process it adds none, in a worker process (which inherits fd 2) too."""
    inner = ("import os\nfrom merstudio.native_logs import native_logs_filtered\n"
             f"with native_logs_filtered():\n    os.write(2, {FATAL!r})\n    os.abort()\n")
    script = ("import os, subprocess, sys\nfrom merstudio.native_logs import install\n"
              "f = install(process=True)\n"
              f"subprocess.run([sys.executable, '-c', {inner!r}])\n"  # a worker
              f"exec({inner!r})\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, env=_env())
    assert done.returncode == -6
    assert done.stderr == FATAL + FATAL + OUT_OF_MEMORY, done.stderr[-300:]  # the hint once, at the end


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("process", [False, True])
def test_a_stderr_on_a_full_disk_does_not_stall_the_writers(process):
    script = ("import os\nfrom merstudio.native_logs import install\n"
              f"f = install(process={process})\n"
              "os.write(2, b'x' * 70000 + b'\\n')\nos.write(2, b'line\\n' * 60000)\n"  # more than a pipe holds
              "f.close()\nprint('done')\n")
    done = subprocess.run(["bash", "-c", f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} 2>/dev/full"],
                          capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 0
    assert done.stdout == "done\n"


def test_install_with_sys_stderr_none(monkeypatch):
    """`2>&-`: Python starts with sys.stderr None; install() flushed it (AttributeError: every command exited 1)."""
    monkeypatch.delenv("MERSTUDIO_MEDIAPIPE_LOGS", raising=False)
    monkeypatch.setattr(sys, "stderr", None)
    filt = native_logs.install()
    assert filt is not None
    filt.close()


def test_the_helper_process_ends_with_the_filter():
    script = ("import os, sys\nfrom merstudio.native_logs import install\n"
              "f = install(process=True)\nos.write(2, b'a line\\n')\nf.close()\n"
              "print(f.pid)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=_env())
    assert done.returncode == 0 and done.stderr == "a line\n", done.stderr
    pid = int(done.stdout)
    time.sleep(0.05)
    with pytest.raises(ProcessLookupError):  # reaped, not left running or a zombie
        os.kill(pid, 0)
