"""A screen reader names every control under the video and in the status bar (an audit's walk of the accessibility
tree read '' for the transport slider, the volume slider and the video, a bare frame count for a progress bar and
"▶"/"⟲" glyphs at the end of the frame label), and a tier's row in the ELAN tier dialog by its whole tier name."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel
from support.elan_files import tier_values_eaf

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description


def _said(widget, what=NAME) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(what)


def test_the_transport_row_and_the_video_are_named(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert _said(win.slider) == "play head"
    assert "frame" in _said(win.slider, DESCRIPTION)
    assert _said(win.video_view) == "video"
    assert "face" in _said(win.video_view, DESCRIPTION)
    audio = win.audio_controls
    assert _said(audio.volume) == "volume"
    assert _said(audio.mute_button) == "mute"
    win.transport.playback.set_muted(True)
    assert _said(audio.mute_button) == "unmute"


def test_the_frame_label_is_heard_whole_and_in_words(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    win.transport.playback.set_loop(True)
    win.transport.go_to(20)
    qtbot.waitUntil(lambda: "⟲" in win.frame_label.text(), timeout=5000)
    said = _said(win.frame_label)
    assert said.startswith("frame 20 / 89") and said.endswith("looping"), said
    assert "⟲" not in said and "▶" not in said
    # drawn cut short in a narrow window, heard whole
    win.frame_label.setFixedWidth(90)
    QApplication.processEvents()
    assert QLabel.text(win.frame_label).endswith("…")
    assert _said(win.frame_label) == said


def test_the_analysis_progress_is_heard_as_a_percentage(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    bar = win.progress_bar
    bar.setFormat("analysis %p%")
    bar.show()
    win._progress(300, 660)  # what the analysis worker reports: rows (frames) done of the video's
    assert _said(bar) == "analysis 45 %"  # 300 / 660 = 45.5 %: drawn as 45 %
    assert _said(bar, DESCRIPTION) == "300 of 660 done"
    assert bar.text() == "analysis 45%"
    # an export's progress after it, the format changed with no value change: heard as drawn once painted
    bar.setFormat("export %p%")
    bar.repaint()
    assert _said(bar) == "export 45 %"


def test_a_worker_in_the_status_bar_is_heard_with_how_far_it_is(qtbot, window):
    busy = window.busy
    busy.set("x", "Exporting events…")
    assert _said(busy.bar) == "Exporting events…"
    assert _said(busy.bar, DESCRIPTION) == "busy"
    busy.progress("x", 3, 12)
    assert _said(busy.bar) == "Exporting events… 25 %"
    assert _said(busy.bar, DESCRIPTION) == "3 of 12 done"


def test_a_tier_row_is_named_by_its_whole_tier_name(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    long = "Dana_emotions_and_expressions_of_the_participant_during_the_interview"
    info = foreign_tiers(tier_values_eaf(tmp_path / "dana.eaf", {long: ("happiness",), "AU": ("6+12",)}, "Dana"))
    dlg = TierMapDialog(info, "dana.eaf")
    qtbot.addWidget(dlg)
    box, coder, kind = dlg.rows[long]
    assert "…" in box.text()  # drawn cut in its middle
    assert _said(box) == f"import tier {long}"
    assert _said(coder) == f"coder of tier {long}"
    assert kind.accessibleName() == f"what tier {long} holds"
