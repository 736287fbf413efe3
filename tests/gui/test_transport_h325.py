"""The play head names the picture on screen (h325, a118 findings 3, 6, 7): while playing it follows the pictures the
loader delivers, not the clock ahead of them, and a pause stops on the picture shown; second and page steps go by the
frames' times; a dragged timeline play head rests on a frame."""

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal

from merstudio.gui.timeline import Timeline
from merstudio.gui.transport import Transport

pytestmark = pytest.mark.gui


class FakeSource:
    def __init__(self, n: int, fps: float, times: np.ndarray | None = None) -> None:
        self.frame_count, self.fps, self.variable_times, self.path = n, fps, times, None

    def frame(self, i: int) -> np.ndarray:
        return np.full((4, 4, 3), i % 256, np.uint8)

    def close(self) -> None:
        pass


class FakeLoader(QObject):
    """Decodes when the test says so (deliver): the clock can run ahead of the pictures, as on a busy machine."""

    frameReady = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def request(self, i: int) -> None:
        self.asked.append(int(i))

    def deliver(self, i: int) -> None:
        self.frameReady.emit(i, np.zeros((4, 4, 3), np.uint8))

    def stop(self, wait: bool = True) -> None:
        pass


def transport(qtbot, n: int = 100, fps: float = 30.0, times: np.ndarray | None = None):
    holder = QObject()
    t = Transport(holder)
    t.set_source(FakeSource(n, fps, times))
    t.loader.stop()  # the real loader's thread: replaced by one the test drives
    fake = FakeLoader()
    t.loader = fake
    fake.frameReady.connect(t._frame_ready)
    fake.failed.connect(t._frame_failed)
    t.start()
    fake.deliver(0)
    shown: list[int] = []
    moved: list[int] = []
    t.frameReady.connect(lambda i, _rgb: shown.append(i))
    t.frameChanged.connect(moved.append)
    return holder, t, fake, shown, moved


def test_pause_stops_on_the_picture_shown_not_the_clock(qtbot):
    holder, t, fake, shown, moved = transport(qtbot)
    t.play()
    for f in range(1, 6):  # the clock is at frame 5 ...
        t.playback.frameDue.emit(f)
    assert fake.asked[-1] == 5
    for f in (1, 2, 3):  # ... and the picture at 3
        fake.deliver(f)
    # while playing, the counter / cursor / readout (frameChanged) follow the picture, not the clock
    assert t.current_frame == 3 and moved == [1, 2, 3]
    t.request_current()  # the face overlay switched on while playing: the clock is not set back to the picture
    assert fake.asked[-1] == 5 and t.playback._current() == 5
    t.toggle_play()  # Space
    assert not t.playing and t.current_frame == 3 and moved[-1] == 3
    fake.deliver(4)  # the clock's frames still decoding when paused: not drawn over the frame paused on
    fake.deliver(5)
    assert shown == [1, 2, 3] and t.current_frame == 3
    t.step(1)  # a step goes from the picture paused on, and its picture is drawn
    assert t.current_frame == 4 and fake.asked[-1] == 4
    fake.deliver(4)
    assert shown[-1] == 4
    # playing again starts from the frame shown
    due: list[int] = []
    t.playback.frameDue.connect(due.append)
    asked = len(fake.asked)
    t.play()
    assert due == [4] and len(fake.asked) == asked  # shown already: not decoded again
    t.pause()
    holder.deleteLater()


def test_a_seek_while_playing_drops_the_clock_frames_before_it(qtbot):
    holder, t, fake, shown, moved = transport(qtbot)
    t.play()
    for f in (1, 2):
        t.playback.frameDue.emit(f)
    t.seek(60)  # a click on the timeline while playing
    assert t.current_frame == 60
    fake.deliver(2)  # asked for before the seek: the play head does not jump back to it
    assert t.current_frame == 60 and shown == []
    t.playback.frameDue.emit(61)
    fake.deliver(61)
    assert t.current_frame == 61 and shown == [61]
    t.pause()
    holder.deleteLater()


def test_playing_to_the_end_lands_on_the_last_frame(qtbot):
    holder, t, fake, shown, moved = transport(qtbot, n=10)
    t.play()
    for f in range(1, 10):
        t.playback.frameDue.emit(f)
    fake.deliver(7)
    t.playback.pause()  # Playback stops by itself at the end (tick)
    assert t.current_frame == 9 and moved[-1] == 9
    fake.deliver(8)  # an earlier frame still decoding is not drawn after the end's
    fake.deliver(9)
    assert shown == [7, 9]
    holder.deleteLater()


def test_second_and_page_steps_go_by_the_frames_times(qtbot):
    # 30 fps for 10 s, then 3 fps (a118's vfr2.mp4): the mean rate is 17.3 fps
    times = np.concatenate([np.arange(300) / 30.0, 10.0 + np.arange(1, 31) / 3.0])
    holder, t, fake, shown, moved = transport(qtbot, n=len(times), fps=len(times) / 20.0, times=times)
    tb = t.playback.timebase
    t.step_seconds(1.0)  # Alt+Right from frame 0: 1 s on (it was 17 frames: 0.57 s)
    assert t.current_frame == 30
    t.go_to(300)
    t.step_seconds(1.0)  # in the 3 fps part: 3 frames (it was 17: 5.67 s)
    assert tb.time_of(t.current_frame) - tb.time_of(300) == pytest.approx(1.0)
    t.go_to(320)
    t.step_seconds(-10.0)  # PgUp: 10 s back (it was 11.77 s)
    assert tb.time_of(320) - tb.time_of(t.current_frame) == pytest.approx(10.0)
    t.go_to(310)
    t.step_seconds(0.4)  # 0.4 s in the 3 fps part: the nearest frame (0.33 s on), not 7 frames
    assert t.current_frame == 311
    t.step_seconds(0.01)  # less than a frame: still one frame
    assert t.current_frame == 312
    holder.deleteLater()


def test_second_steps_at_a_constant_rate(qtbot):
    holder, t, fake, shown, moved = transport(qtbot, n=100, fps=25.0)
    t.step_seconds(1.0)
    assert t.current_frame == 25
    t.step_seconds(-0.001)
    assert t.current_frame == 24
    t.step_seconds(10.0)  # clamped to the last frame
    assert t.current_frame == 99
    holder.deleteLater()


def test_a_dragged_play_head_rests_on_the_frame(qtbot):
    tl = Timeline()
    qtbot.addWidget(tl)
    tl.set_video(100, 30.0)
    sought: list[int] = []
    tl.seekRequested.connect(sought.append)
    tl.set_playhead(30)
    line = tl.playheads[0]
    line.setValue(30.4)  # what a drag of a third of a frame does, then emits sigDragged
    line.sigDragged.emit(line)
    assert sought == [30]
    assert [ln.value() for ln in tl.playheads] == [30] * len(tl.playheads)
    line.setValue(31.4)
    line.sigDragged.emit(line)
    assert [ln.value() for ln in tl.playheads] == [31] * len(tl.playheads) and sought == [30, 31]
