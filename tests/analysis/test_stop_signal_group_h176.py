"""The app's analysis child leaves a stop signal to its parent (h176): `timeout`, Ctrl-C in a terminal and a closed
terminal signal the whole process group, so the child got SIGTERM (SIGINT, SIGHUP) with the app and died of it at
once, and the app, quitting cleanly on the same signal, stored the run as *failed* instead of stopped with its rows
kept. The child now runs on while its parent stops it (`analysis.remote.wait_for_parent_on_stop`), and still ends
by a signal sent to it alone (`kill` in top), after a grace period."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.clips import write_clip

pytestmark = pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")

# a child's signal handling, alone, after the imports (numpy's threads are running): `cancel` stands for the
# parent's stop request
_CHILD = textwrap.dedent("""
    import os, signal, sys, threading, time
    from merstudio.analysis import remote

    if __name__ == "__main__":
        case = sys.argv[1]
        if case == "nohup":
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
        cancel = threading.Event()
        remote.wait_for_parent_on_stop(cancel, grace=0.5)
        if case == "nohup":
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(1.0)
            print("ran on", flush=True)
            sys.exit(0)
        os.kill(os.getpid(), signal.SIGTERM)  # as `timeout` sends it to the group: the parent gets it too
        if case == "parent stops":
            time.sleep(0.1)
            cancel.set()  # the parent's clean stop asks the child to stop
            time.sleep(1.0)  # past the grace: the child's own cancel path ends it
            print("ran on", flush=True)
            os.kill(os.getpid(), signal.SIGTERM)  # a second one ends it at once
        time.sleep(30)
        print("not ended", flush=True)
""")


def _child(tmp_path: Path, case: str) -> subprocess.CompletedProcess:
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    return subprocess.run([sys.executable, str(script), case], capture_output=True, text=True, timeout=60)


def test_a_stop_signal_waits_for_the_parent_which_stops_the_child(tmp_path: Path) -> None:
    done = _child(tmp_path, "parent stops")
    assert done.stdout.splitlines() == ["ran on"], done.stderr
    assert done.returncode == -signal.SIGTERM  # the second signal, at once (no "not ended" after 30 s)


def test_a_signal_sent_to_the_child_alone_still_ends_it(tmp_path: Path) -> None:
    done = _child(tmp_path, "alone")
    assert done.returncode == -signal.SIGTERM, done.stdout + done.stderr  # as before: AnalysisProcessStopped
    assert done.stdout == ""


def test_a_sighup_ignored_when_the_child_starts_stays_ignored(tmp_path: Path) -> None:
    done = _child(tmp_path, "nohup")
    assert (done.returncode, done.stdout) == (0, "ran on\n"), done.stderr


# the app's part, as StopSignals and AnalysisWorker play it: SIGTERM recorded by a handler, the analysis cancelled
_APP = textwrap.dedent("""
    import signal, sys
    from merstudio.analysis.remote import ProcessAnalysis

    if __name__ == "__main__":
        stop = []
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.append(signum))
        remote = ProcessAnalysis(sys.argv[1])
        print("started", flush=True)
        rows = 0
        for row in remote.rows(cancel=lambda: bool(stop)):
            rows += 1
            if rows == 5:
                print("analysing", flush=True)
        print("cancelled" if remote.cancelled else "complete", bool(stop), remote.frames_done, flush=True)
""")


@pytest.mark.slow
def test_the_app_stops_its_analysis_when_timeout_signals_the_process_group(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "face.avi", n=400)
    script = tmp_path / "app.py"
    script.write_text(_APP)
    # a session of its own, as `timeout` makes: SIGTERM to the group reaches the app and its analysis child
    app = subprocess.Popen([sys.executable, str(script), str(clip)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert app.stdout is not None
        for expected in ("started", "analysing"):
            line = app.stdout.readline()
            assert line.strip() == expected, line + (app.stderr.read() if app.stderr else "")
        os.killpg(app.pid, signal.SIGTERM)
        out, err = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGKILL)
            app.communicate()
    assert app.returncode == 0, err
    status, stopped, frames = out.split()
    assert (status, stopped) == ("cancelled", "True"), err  # it was "AnalysisProcessStopped: ... by SIGTERM"
    assert 5 <= int(frames) < 400
