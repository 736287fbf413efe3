import threading

import numpy as np
import pytest
from gui_fixtures import N_FRAMES, frame_value
from PySide6.QtCore import Qt

from merstudio.gui import commands as C
from merstudio.gui.workers import FrameLoader

pytestmark = pytest.mark.gui


def shown_value(win) -> int:
    """Grey level of the frame the view shows (frame_value(i) identifies frame i)."""
    img = win.video_view._pixmap.pixmap().toImage()
    c = img.pixelColor(5, 5)
    return c.red()


def wait_frame(qtbot, win, i):
    qtbot.waitUntil(lambda: win.video_view.frame_index == i)
    assert abs(shown_value(win) - frame_value(i)) <= 3


def test_open_video_and_transport_keys(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.project is not None and window.project.path.name == "clip.merproj"
    assert window.frame_count == N_FRAMES
    wait_frame(qtbot, window, 0)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_frame(qtbot, window, 1)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_frame(qtbot, window, 11)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_frame(qtbot, window, 0)
    window.ctx.execute(C.GoToFrame, frame=45)  # Ctrl+G asks for the frame; do() is the same path
    wait_frame(qtbot, window, 45)
    assert "frame 45 / 89" in window.frame_label.text() and "00:00:01.500" in window.frame_label.text()
    qtbot.keyClick(window, Qt.Key.Key_J)
    assert window.speed == 0.5
    for _ in range(6):
        qtbot.keyClick(window, Qt.Key.Key_J)
    assert window.speed == 0.1
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.transport.playing
    qtbot.keyClick(window, Qt.Key.Key_L)  # while playing, L is faster
    assert window.speed == 0.25
    qtbot.waitUntil(lambda: window.current_frame > 45)
    qtbot.keyClick(window, Qt.Key.Key_K)
    assert not window.transport.playing
    qtbot.keyClick(window, Qt.Key.Key_Space)
    for _ in range(8):
        qtbot.keyClick(window, Qt.Key.Key_L)
    assert window.speed == 2.0
    qtbot.keyClick(window, Qt.Key.Key_Space)
    # the play head follows the video and seeking from the timeline moves the video
    assert window.timeline.playheads[0].value() == window.current_frame
    window.timeline.seekRequested.emit(70)
    wait_frame(qtbot, window, 70)
    assert window.slider.value() == 70


def test_zoom_and_pan_video(qtbot, window, video_path):
    """Ctrl+= zooms the video in and the zoom stays once Qt has laid the view out again (the scroll bars it
    brings resize the viewport: that refit the whole frame at once), through a window resize and the next frame;
    the zoomed picture pans; Ctrl+0 fits the whole frame again."""
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    wait_frame(qtbot, window, 0)
    view = window.video_view
    z = view.zoom_level
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)  # the layout that follows the zoom
    assert view.zoom_level == pytest.approx(1.25 * 1.25 * z)
    window.resize(window.width() - 60, window.height() - 40)
    qtbot.wait(100)
    assert view.zoom_level == pytest.approx(1.25 * 1.25 * z)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # the next frame keeps the zoom too
    wait_frame(qtbot, window, 1)
    assert view.zoom_level == pytest.approx(1.25 * 1.25 * z)
    # something to pan (the frame is fitted by its height in this wide view): the part of the frame shown moves
    bar = view.verticalScrollBar()
    assert bar.maximum() > bar.minimum()
    top = view.mapToScene(view.viewport().rect()).boundingRect().top()
    bar.setValue(bar.maximum())
    assert view.mapToScene(view.viewport().rect()).boundingRect().top() > top + 1
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)
    # the whole frame again, fitted to the (smaller) view: its height fills the viewport's
    shown = view.mapFromScene(view.scene().sceneRect()).boundingRect()
    assert view.viewport().rect().contains(shown.adjusted(1, 1, -1, -1))
    assert shown.height() == pytest.approx(view.viewport().height(), abs=3)


class GatedSource:
    """A source whose decode of frame 0 blocks until released, to pile up requests behind it."""

    frame_count, fps = 100, 30.0

    def __init__(self):
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls = []

    def frame(self, i):
        self.calls.append(i)
        if len(self.calls) == 1:
            self.started.set()
            self.release.wait()
        return np.full((4, 4, 3), i, np.uint8)


def test_frame_loader_serves_only_latest(qtbot):
    src = GatedSource()
    loader = FrameLoader(src)
    got = []
    loader.frameReady.connect(lambda i, rgb: got.append((i, int(rgb[0, 0, 0]))))
    loader.start()
    try:
        loader.request(0)
        assert src.started.wait(10)
        for i in range(1, 60):  # a fast scrub while the first decode is stuck
            loader.request(i)
        src.release.set()
        qtbot.waitUntil(lambda: bool(got) and got[-1][0] == 59)
    finally:
        loader.stop()
    assert src.calls == [0, 59]  # nothing in between was decoded
    assert got == [(0, 0), (59, 59)]
