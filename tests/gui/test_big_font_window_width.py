"""At a 200%-scaled 1920x1080 screen (960 logical px) with a 16-pt app font the main window was 1165 px at its
narrowest: the status labels and the frame label kept their whole text's width, the events table 300 px (a scale
factor leaves logical sizes as they are: 16 pt at scale 1 measures what it does at scale 2)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui




@pytest.fixture
def big_window(big_font, qtbot, qsettings, fake_analysis):
    from gui_fixtures import shown_window

    win = shown_window(qtbot, qsettings, (960, 540))
    yield win
    win.shutdown()


def test_the_window_fits_a_960_px_screen_at_a_big_font(qtbot, big_window, video_path):
    win = big_window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    # the starter model's badge as a demo shows it
    win.model_note.badge.setText("starter model: synthetic faces only — not evidence")
    win.model_note.badge.show()
    win.device_label.setText("analysis on CUDA (NVIDIA GeForce RTX 4090)")
    assert win.minimumSizeHint().width() <= 960
    win.resize(960, 540)
    qtbot.wait(20)
    assert win.width() <= 960 and win.model_note.badge.isVisible()


def test_a_status_label_gives_way_with_an_ellipsis_and_keeps_its_text(qtbot):
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from merstudio.gui.look import ElidedLabel

    box = QWidget()
    qtbot.addWidget(box)
    QHBoxLayout(box).addWidget(label := ElidedLabel("analysis on CUDA (NVIDIA GeForce RTX 4090)"))
    box.resize(80, 30)
    box.show()
    qtbot.waitExposed(box)
    assert label.minimumSizeHint().width() < 60
    assert label.text() == "analysis on CUDA (NVIDIA GeForce RTX 4090)"  # what the tests and the hover read
    assert label.toolTip() == label.text()
    box.resize(900, 30)
    qtbot.waitUntil(lambda: label.toolTip() == "")


def test_the_frame_label_is_sized_from_the_videos_frame_count(qtbot, window, video_path):
    """Its reserve follows the video's frame numbers (a 90-frame clip needs 2 digits, not 5)."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    fm = win.frame_label.fontMetrics()
    assert win.frame_label.minimumSizeHint().width() < fm.horizontalAdvance("frame 00000 / 00000  00:00:00.000")
    assert win.frame_label.sizeHint().width() >= fm.horizontalAdvance(
        f"frame {win.frame_count - 1} / {win.frame_count - 1}  00:00:00.000")


def test_a_short_badge_keeps_its_short_form_whole(qtbot):
    """The synthetic-model badge: where the status bar cannot show its whole text, its short form ("synthetic
    only — not evidence") is shown whole, not the long text cut before its warning."""
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from merstudio.gui.look import ElidedLabel

    box = QWidget()
    qtbot.addWidget(box)
    QHBoxLayout(box).addWidget(label := ElidedLabel())
    label.short = label.least = "synthetic only — not evidence"
    label.setText("starter model: trained on synthetic faces only (180 rendered clips) — not evidence")
    box.show()
    qtbot.waitExposed(box)
    box.resize(label.minimumSizeHint().width() + 40, 30)
    qtbot.waitUntil(lambda: QLabel.text(label) == "synthetic only — not evidence")
    assert label.text().startswith("starter model")  # the whole text stays the label's (and the tooltip's)


def test_a_label_given_its_size_hint_shows_its_whole_text(qtbot):
    """Laid out at its size hint (a status bar with room), the device label read "analysis on C…": the elided
    text is measured a little wider than the hint's advance."""
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from merstudio.gui.look import ElidedLabel

    for text in ("analysis on CPU", "coder: demo-coder", "analysis on CUDA (NVIDIA H100 80GB HBM3)"):
        box = QWidget()
        qtbot.addWidget(box)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(label := ElidedLabel(text))
        lay.addStretch(1)
        box.resize(label.sizeHint().width() + 400, 30)
        box.show()
        qtbot.waitExposed(box)
        assert label.width() == label.sizeHint().width()
        assert QLabel.text(label) == text
