"""`reencode` renames its own temporary over the output (not through merstudio.atomic): after a Ctrl-C under a watch
(every command but the app) that the code it landed in swallowed, the copy ran on to its rename and replaced the
existing output. Now the old output stays, the temporaries go, and the Ctrl-C's KeyboardInterrupt is raised."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import cv2
import pytest
from support.cli_run import tiny_video

from merstudio import interrupts
from merstudio.io.reencode import reencode

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")

OLD = b"an earlier copy the interrupted run must leave as it is\n"


def test_a_swallowed_ctrl_c_leaves_the_old_copy(tmp_path: Path):
    src = tiny_video(tmp_path / "in.avi", n=12, fps=25)
    out = tmp_path / "out.avi"
    out.write_bytes(OLD)
    sent: list[object] = []

    def progress(done: int, total: int) -> None:
        if sent:
            return
        sent.append(1)
        assert signal.getsignal(signal.SIGINT) is interrupts._on_sigint  # never pytest's handler
        try:  # a real SIGINT, swallowed where it lands (as numpy's or pandas' C code drops it)
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        except BaseException as exc:  # noqa: BLE001 - the swallowing this test is about
            sent.append(type(exc))

    raised: list[type] = []
    with interrupts.watched() as watch:
        try:
            reencode(src, out, overwrite=True, progress=progress)
        except KeyboardInterrupt as exc:
            raised.append(type(exc))
    assert sent == [1, interrupts.Interrupted] and watch.received
    assert raised == [interrupts.Interrupted]
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.avi", "out.avi"]  # no temporary left


def test_without_a_ctrl_c_the_copy_replaces_it(tmp_path: Path):
    src = tiny_video(tmp_path / "in.avi", n=12, fps=25)
    out = tmp_path / "out.avi"
    out.write_bytes(OLD)
    with interrupts.watched():
        res = reencode(src, out, overwrite=True)
    assert res.complete
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 12  # the decoder's count of the new copy
    cap.release()
