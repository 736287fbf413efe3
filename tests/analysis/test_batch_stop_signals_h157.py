"""A batch's own graceful-stop handler (run_batch's `sigint_cancels`) takes SIGTERM and SIGHUP as its first Ctrl-C:
the manifest rows are settled and the partial rows kept, where a SIGTERM killed the batch (rows left `running`,
`manifest.lock` left). A real signal sent to this process while the handler is installed."""

from __future__ import annotations

import signal
import threading

import pytest
from support.interrupt import send_own

from merstudio import interrupts
from merstudio.analysis.batch import sigint_cancels

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a handler is installed in the main thread only (signals go there)")


def test_a_batch_takes_sigterm_as_its_first_ctrl_c(sighup_delivered):
    """run_batch's own handler: the first SIGTERM stops the batch gracefully (the manifest and partial rows are
    written, not refused) and is recorded for the exit status; a second one raises KeyboardInterrupt."""
    stop, flag = threading.Event(), [False]
    with interrupts.watched() as watch, sigint_cancels(stop, flag):
        send_own(signal.SIGTERM)
        assert stop.is_set() and flag[0]
        assert not watch.received  # its graceful stop's writes go through
        assert watch.signum == signal.SIGTERM
        with pytest.raises(KeyboardInterrupt):
            send_own(signal.SIGHUP)
    assert interrupts.exit_code() == 143
