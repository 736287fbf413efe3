"""SIGTERM and SIGHUP (`timeout`, SLURM, systemd, `docker stop`, a closed terminal) stop a command as Ctrl-C does:
under a watch they raise Interrupted and nothing is moved into place after, and the command's exit status and line
name the signal (143 "stopped by SIGTERM", 129 for SIGHUP). They were handled as a kill: no partial meta, spots or
manifest settled, locks left. Real signals sent to this process while the watch's handler is installed."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
from support.interrupt import send_own

from merstudio import interrupts
from merstudio.atomic import write_text_atomic

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_stop_signal_interrupts_as_ctrl_c_does_and_names_itself(tmp_path: Path, name: str, code: int,
                                                                   sighup_delivered):
    signum = getattr(signal, name)
    out = tmp_path / "result.csv"
    out.write_text("an earlier run\n")
    with interrupts.watched() as watch:
        with pytest.raises(interrupts.Interrupted):
            send_own(signum)
        assert watch.received and watch.signum == signum
        with pytest.raises(KeyboardInterrupt):  # nothing replaced after it
            write_text_atomic(out, "written after the signal\n")
    assert out.read_text() == "an earlier run\n"
    assert interrupts.stopped_by() == signum
    assert interrupts.exit_code() == code
    assert interrupts.stop_line() == f"stopped by {name}"
    assert signal.getsignal(signum) is not interrupts._on_sigint  # put back


def test_ctrl_c_keeps_its_status_and_line():
    with interrupts.watched(), pytest.raises(interrupts.Interrupted):
        interrupts._on_sigint(signal.SIGINT, None)
    assert (interrupts.exit_code(), interrupts.stop_line()) == (130, "interrupted")
    with interrupts.watched():  # the next command starts afresh
        assert interrupts.stopped_by() is None


def test_a_sighup_ignored_by_nohup_stays_ignored():
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with interrupts.watched():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is interrupts._on_sigint
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, old)
