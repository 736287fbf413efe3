"""The synthetic set's clips and the demo's video are renamed into place by their own code (a folder; a video whose
temporary keeps .mp4), not through merstudio.atomic: after a Ctrl-C under a watch (every command but the app) that
the code it landed in swallowed, they replaced an earlier clip or video. Now those stay as they were, no temporary is
left, and the Ctrl-C's KeyboardInterrupt is raised."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import numpy as np
import pytest

from merstudio import interrupts
from merstudio.synth import dataset, demo

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")


def _swallowed_ctrl_c() -> type:
    """A real SIGINT under the watch, swallowed where it lands (as numpy's or pandas' C code drops it)."""
    assert signal.getsignal(signal.SIGINT) is interrupts._on_sigint  # never pytest's: that would end the session
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
    except BaseException as exc:  # noqa: BLE001 - the swallowing this test is about
        return type(exc)
    return type(None)


def test_a_clip_is_not_replaced_after_a_ctrl_c(tmp_path: Path):
    folder = tmp_path / "frames" / "s01" / "c001"
    folder.mkdir(parents=True)
    (folder / "img00.jpg").write_bytes(b"an earlier clip's frame")
    images = [np.full((16, 16, 3), v, np.uint8) for v in (40, 200)]
    raised: list[type] = []
    with interrupts.watched():
        assert _swallowed_ctrl_c() is interrupts.Interrupted
        try:
            dataset._write_clip(folder, images)
        except KeyboardInterrupt as exc:
            raised.append(type(exc))
    assert raised == [interrupts.Interrupted]
    assert sorted(p.name for p in folder.iterdir()) == ["img00.jpg"]
    assert (folder / "img00.jpg").read_bytes() == b"an earlier clip's frame"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["c001"]  # no temporary folder


def test_the_demo_video_is_not_replaced_after_a_ctrl_c(tmp_path: Path):
    old = b"an earlier demo video"
    (tmp_path / "interview.mp4").write_bytes(old)
    swallowed: list[type] = []

    def progress(done: int, total: int) -> None:
        if not swallowed:
            swallowed.append(_swallowed_ctrl_c())

    raised: list[type] = []
    with interrupts.watched():
        try:
            demo.build_demo(tmp_path, progress=progress, n_frames=3)
        except KeyboardInterrupt as exc:
            raised.append(type(exc))
    assert swallowed == [interrupts.Interrupted]
    assert raised == [interrupts.Interrupted]
    assert (tmp_path / "interview.mp4").read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interview.mp4"]  # no temporary, no other file
