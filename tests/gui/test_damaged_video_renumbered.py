"""A video with damaged data past its first frames, whose ends agree with the file's claim, opens numbered by that
claim (only a complete pass finds the damage). The analysis makes that pass in its own decoder: afterwards the
window's video is numbered as its frames decode (frame N shows frame N's picture under frame N's rows, the last
frame is the real last one), and a status line says why; a project reopened in a new session is indexed first
(merstudio.gui.video_opening.VideoOpener.check_index)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from gui_fixtures import reopened
from helpers import open_and_analyse
from PySide6.QtGui import QImage
from support.damaged_clips import H, W, decoded_codes, read_code, write_damaged_mp4

from merstudio.gui import commands as C
from merstudio.io import frames

pytestmark = pytest.mark.gui

SAMPLE = (250, 100, 296, 150)


@pytest.fixture
def damaged(tmp_path):
    frames._INDEXES.clear()
    yield write_damaged_mp4(tmp_path / "media" / "damaged.mp4")
    frames._INDEXES.clear()


def shown_code(win) -> int:
    img = win.video_view._pixmap.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    rgb = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)[:, :3 * w].reshape(h, w, 3)
    return read_code(cv2.resize(rgb, (W, H)) if (w, h) != (W, H) else rgb)


def shown_codes(qtbot, win) -> list[int]:
    out = []
    for n in SAMPLE:
        win.ctx.execute(C.GoToFrame, frame=n)
        qtbot.waitUntil(lambda n=n: win.video_view.frame_index == n and win.video_view.loading is None)
        out.append(shown_code(win))
    return out


def test_after_the_analysis_frame_n_shows_frame_n(qtbot, window, damaged):
    codes = decoded_codes(damaged)
    assert len(codes) == 297
    win = window
    lines: list[str] = []
    win.statusBar().messageChanged.connect(lines.append)
    assert win.ctx.execute(C.OpenVideo, path=str(damaged))
    assert win.frame_count == 300  # the file's claim: the damage is not seen at open
    open_and_analyse(qtbot, win, damaged)
    qtbot.waitUntil(lambda: win.frame_count == 297)  # numbered as the analysis' pass found
    assert win.slider.maximum() == 296 and win.timeline.frame_count == 297
    assert shown_codes(qtbot, win) == [codes[n] for n in SAMPLE]
    assert any("damaged data inside the video" in line and "renumbered" in line for line in lines)
    assert not win.errors


def test_a_reopened_project_is_indexed_before_it_is_numbered(qtbot, window, qsettings, damaged):
    codes = decoded_codes(damaged)
    open_and_analyse(qtbot, window, damaged)
    path = window.project.path
    window.close()
    frames._INDEXES.clear()  # a new session: nothing known of the file but the stored rows
    win = reopened(qtbot, qsettings, path)
    try:
        qtbot.waitUntil(lambda: win.frame_count == 297, timeout=20000)
        assert shown_codes(qtbot, win) == [codes[n] for n in SAMPLE]
        assert not win.errors
    finally:
        win.shutdown()


def test_the_index_the_analysis_child_sends_back_is_taken(qtbot, window, damaged, monkeypatch):
    """The app's analysis runs in a child process (analysis.remote), whose pass leaves this process's index as it
    was: the index comes back with the run's end (`found_index`), and the worker keeps it for the window."""
    from gui_fixtures import FakeAnalysis

    class InAnotherProcess(FakeAnalysis):
        def rows(self, progress=None, cancel=None):
            yield from super().rows(progress, cancel)
            self.found_index = frames.known_index(damaged)
            self.found_damage = frames.index_damage(damaged)
            frames._INDEXES.clear()  # found in the child: not in this process

    codes = decoded_codes(damaged)
    window.analysis._make_analysis = lambda src, settings: InAnotherProcess(src, settings)
    passes = []
    opener = window.session.opener
    real_open = opener.open
    monkeypatch.setattr(opener, "open", lambda path, then, verify=False: (passes.append(verify),
                                                                         real_open(path, then, verify)))
    open_and_analyse(qtbot, window, damaged)
    qtbot.waitUntil(lambda: window.frame_count == 297)
    assert passes == []  # numbered by the index that came back: no pass of its own
    assert window.session.source.damage == {70: 3}
    assert shown_codes(qtbot, window) == [codes[n] for n in SAMPLE]
