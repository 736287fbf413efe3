"""After a video switch nothing of the last video lands: a frame it was decoding, a face picture it was decoding, and
its audio worker (deleted, not kept under the play state one per switch)."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
from gui_fixtures import two_video_project
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from merstudio.gui.audio_player import AudioPlayer, EnvelopeWorker
from merstudio.gui.faces import FacePictures
from merstudio.gui.playback import Playback

pytestmark = pytest.mark.gui


def slowed(source, started: threading.Event, secs: float = 0.4) -> None:
    """Make each decode of ``source`` take ``secs`` (a long-GOP seek), saying when one starts."""
    real = source.frame

    def frame(i):
        started.set()
        time.sleep(secs)
        return real(i)

    source.frame = frame


def test_a_frame_decoding_when_the_video_is_switched_is_not_shown(qtbot, window, tmp_path):
    """Frame 20 of a.avi decoding at the switch to b.avi: its frame (queued after the loader was stopped) was drawn
    as b's, under b's name and play head 0, with b's landmarks of frame 20 on it."""
    a, b = two_video_project(window, tmp_path)
    window.session.select_video(a.id)
    qtbot.waitUntil(lambda: window.video_view.frame_index == 0)
    started = threading.Event()
    slowed(window.transport.loader._source, started)
    emitted: list[tuple[str, int]] = []
    window.transport.frameReady.connect(lambda i, _rgb: emitted.append((window.video.name, i)))
    shown: list[tuple[str, int, int]] = []
    real_set_frame = window.video_view.set_frame

    def set_frame(i, rgb):
        shown.append((window.video.name, window.transport.current_frame, i))
        real_set_frame(i, rgb)

    window.video_view.set_frame = set_frame
    window.transport.seek(20)
    assert started.wait(5)  # a.avi's frame 20 is being decoded
    window.session.select_video(b.id)
    assert window.video.name == "b clip.avi"
    qtbot.waitUntil(lambda: ("b clip.avi", 0, 0) in shown)
    QApplication.processEvents()
    assert shown and all(s == ("b clip.avi", 0, 0) for s in shown), shown
    assert emitted and all(i == 0 for _name, i in emitted), emitted


def test_a_face_picture_of_the_last_video_does_not_land_on_this_ones_faces(qtbot, tmp_path):
    """Face 0's picture of video 1 decoding at the switch to video 2: it landed as video 2's face 0 (queued after the
    decoder was stopped)."""
    grey = {"a.avi": 200, "b.avi": 50}
    started = threading.Event()

    class Source:
        def __init__(self, path):
            self.value = grey[path.rsplit("/", 1)[-1]]

        def frame(self, i):
            started.set()
            time.sleep(0.3)
            return np.full((120, 160, 3), self.value, np.uint8)

    run = SimpleNamespace(id=1, settings={"portraits": {"0": [5, [40.0, 30.0, 90.0, 80.0]]}})
    project = SimpleNamespace(analysis=lambda _vid: run, locate_video=lambda vid: tmp_path / ("a.avi", "b.avi")[vid])
    win = QObject()
    win.project, win.video = project, SimpleNamespace(id=0)
    win.session = SimpleNamespace(open_source=Source)
    pictures = FacePictures(win)  # type: ignore[arg-type]
    grey_of_face0: list[int] = []

    def changed():
        if 0 in pictures.icons:
            img = pictures.icons[0].pixmap(56).toImage()
            grey_of_face0.append(img.pixelColor(28, 28).red())

    pictures.changed.connect(changed)
    pictures.update()  # a.avi's pictures
    assert started.wait(5)
    win.video = SimpleNamespace(id=1)
    pictures.update()  # the switch: b.avi's
    qtbot.waitUntil(lambda: 0 in pictures.icons, timeout=5000)
    pictures.stop()
    QApplication.processEvents()
    assert grey_of_face0 and all(abs(g - 50) <= 3 for g in grey_of_face0), grey_of_face0


def test_each_switch_deletes_the_last_videos_audio_worker(qtbot, video_path):
    """Every switch kept the previous EnvelopeWorker (a finished thread, its track and envelope) under the play
    state: 14 after 11 switches."""

    class NoOutput:
        def __call__(self, *a, **k):
            raise AssertionError("no sound in this test")

    pb = Playback(lambda: 0, player=AudioPlayer(NoOutput()))
    try:
        for _ in range(8):
            pb.set_video(90, 30.0, str(video_path))
            QApplication.processEvents()
        qtbot.waitUntil(lambda: len(pb.findChildren(EnvelopeWorker)) <= 1, timeout=5000)
    finally:
        pb.shutdown()
