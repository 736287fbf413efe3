"""Switching video while a frame decodes goes on at once (a118 finding 8: a far seek in long-GOP footage decoded
for 1.7 s and the switch waited for it on the GUI thread): the old loader finishes in the background, its frame
dropped, its source closed after; never two loaders decode one source; the window's shutdown joins them."""

from __future__ import annotations

import threading

import numpy as np

from merstudio.gui.transport import Transport
from merstudio.gui.workers import FrameLoader, LatestRequestThread

SAFETY_S = 3.0  # the old code's switch waits for the decode: released after this, so that it fails, not hangs


class HeldSource:
    """A source whose frame(i) blocks until ``release`` is set (a decode that cannot be interrupted)."""

    def __init__(self, name: str, frame_count: int = 10) -> None:
        self.path, self.frame_count, self.fps = name, frame_count, 30.0
        self.release = threading.Event()
        self.started = threading.Event()
        self.closed = False
        self.busy = 0  # decodes running now (more than 1: two threads in a source that is not thread-safe)
        self.most_busy = 0

    def frame(self, i: int) -> np.ndarray:
        assert not self.closed, "decoded after close"
        self.busy += 1
        self.most_busy = max(self.most_busy, self.busy)
        self.started.set()
        try:
            self.release.wait(SAFETY_S * 2)
            return np.full((4, 4, 3), i, np.uint8)
        finally:
            self.busy -= 1

    def close(self) -> None:
        self.closed = True


def _frames(transport: Transport) -> list[tuple[int, int]]:
    got: list[tuple[int, int]] = []
    transport.frameReady.connect(lambda i, rgb: got.append((i, int(rgb[0, 0, 0]))))
    return got


def test_a_switch_does_not_wait_for_the_decode_in_progress(qtbot) -> None:
    transport = Transport()
    got = _frames(transport)
    a, b = HeldSource("a.mp4", 600), HeldSource("b.mp4")
    b.release.set()
    transport.set_source(a)
    transport.seek(595)
    assert a.started.wait(5)  # the far seek is decoding
    safety = threading.Timer(SAFETY_S, a.release.set)
    safety.start()
    try:
        transport.set_source(b)
        assert not a.release.is_set(), "the switch waited for the old video's decode to end"
        assert not a.closed  # still decoding: closed once it is done
        transport.start()
        qtbot.waitUntil(lambda: (0, 0) in got)  # the new video's first frame, while the old decode runs
        a.release.set()
        qtbot.waitUntil(lambda: a.closed)  # the old loader ended and let go of its source
        assert not LatestRequestThread._detached
        qtbot.wait(50)  # its frame 595, queued, would have come by now
        assert got == [(0, 0)]  # never drawn under the new video
    finally:
        a.release.set()
        safety.cancel()
        transport.shutdown()


def test_shutdown_joins_a_loader_let_go_of(qtbot) -> None:
    transport = Transport()
    a, b = HeldSource("a.mp4", 600), HeldSource("b.mp4")
    b.release.set()
    transport.set_source(a)
    transport.seek(300)
    assert a.started.wait(5)
    transport.set_source(b)
    old = next(iter(LatestRequestThread._detached))
    threading.Timer(0.2, a.release.set).start()
    transport.shutdown()  # the window closing: no thread outlives it
    assert not old.isRunning() and a.closed and b.closed
    assert not LatestRequestThread._detached


def test_one_source_is_never_decoded_by_two_loaders(qtbot) -> None:
    a = HeldSource("a.mp4", 600)
    old = FrameLoader(a)
    old.start()
    old.request(5)
    assert a.started.wait(5)
    old.stop(wait=False)
    threading.Timer(0.2, a.release.set).start()
    new = FrameLoader(a)  # the same source again: waits for the old decode, which leaves it open
    assert not old.isRunning() and not a.closed
    new.start()
    with qtbot.waitSignal(new.frameReady):
        new.request(6)
    new.stop()
    assert a.most_busy == 1 and a.closed
