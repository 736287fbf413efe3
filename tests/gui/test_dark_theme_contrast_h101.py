"""Coloured text outside the timeline reads on a light and on a dark theme (WCAG 4.5:1 against the window): fixed
colours in style sheets were 1.5 to 2.9:1 on a dark palette's #2b2b2b (the busy indicator's #0d47a1, the model
badge's #37474f, the error lines' #c62828, the tier dialog's #555 and #2e7d32, the fine-tuning notes' #b35900),
and #2e7d32 and #b35900 were under 4.5:1 on Fusion's light #efefef too."""

from __future__ import annotations

import types

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from support.elan_files import tier_values_eaf

from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui

R = QPalette.ColorRole
# a system dark theme (the audit's) and Fusion's own light one
DARK = {R.Window: "#2b2b2b", R.WindowText: "#e0e0e0", R.Base: "#1e1e1e", R.AlternateBase: "#262626",
        R.Text: "#e0e0e0", R.Button: "#333333", R.ButtonText: "#e0e0e0", R.ToolTipBase: "#2b2b2b",
        R.ToolTipText: "#e0e0e0", R.PlaceholderText: "#8a8a8a"}
LIGHT = {R.Window: "#efefef", R.WindowText: "#000000", R.Base: "#ffffff", R.Text: "#000000", R.Button: "#efefef",
         R.ButtonText: "#000000"}


def _lum(c: QColor) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def _ratio(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_lum(a), _lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(params=["light", "dark"])
def theme(request, qapp):
    old = QApplication.palette()
    pal = QPalette(old)
    for role, colour in (DARK if request.param == "dark" else LIGHT).items():
        pal.setColor(role, QColor(colour))
    QApplication.setPalette(pal)
    yield pal.color(R.Window)
    QApplication.setPalette(old)


def _reads(widget: QWidget, window: QColor) -> float:
    """The contrast of the text colour the widget is drawn with (its style sheet's) against the window."""
    widget.ensurePolished()
    fg = widget.palette().color(widget.foregroundRole())
    return _ratio(fg, window)


def test_the_status_bars_busy_text_reads(qtbot, theme, window):
    window.busy.set("x", "Exporting events…")
    assert _reads(window.busy.label, theme) >= 4.5


def test_the_status_bars_model_badge_reads(qtbot, theme, window, video_path, tmp_path, monkeypatch):
    """A model trained on real data after the synthetic starter (whose badge is white on orange): its name, in a
    colour for the window."""
    from merstudio.gui import checkpoint_dialog
    from merstudio.gui.checkpoint_dialog import ModelNote

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.RunAnalysis, settings=None, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    note = win.model_note
    starter = tmp_path / "starter.pt"
    starter.write_bytes(b"x")
    monkeypatch.setattr(checkpoint_dialog, "read_meta", lambda path: {})
    monkeypatch.setattr(checkpoint_dialog, "provenance", lambda path, meta: types.SimpleNamespace(
        synthetic_only=True, lane_note=lambda: "starter model: synthetic faces only — not evidence"))
    monkeypatch.setattr(ModelNote, "model_path", lambda self: str(starter))
    note._key = None
    note.update()
    assert note.synthetic and note.badge.isVisible()
    monkeypatch.setattr(ModelNote, "model_path", lambda self: str(tmp_path / "finetuned-casme.pt"))  # not found
    note._key = None
    note.update()
    assert not note.synthetic and note.badge.isVisible()
    assert _reads(note.badge, theme) >= 4.5, note.badge.styleSheet()


def test_the_event_dialogs_error_line_reads(qtbot, theme):
    from merstudio.gui.dialogs import EventDialog

    d = EventDialog(Event(1, 10, 12, 14, emotion="positive", aus="12", id=1), 100)
    qtbot.addWidget(d)
    d.onset.setValue(13)  # after the apex
    assert d.problem.text() == "need onset <= apex <= offset"
    assert _reads(d.problem, theme) >= 4.5


def test_the_tier_dialogs_notes_read(qtbot, theme, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(tier_values_eaf(tmp_path / "t.eaf", {"Emotion": ("happiness",), "Gaze": ("away",)}))
    dlg = TierMapDialog(info, "t.eaf")
    qtbot.addWidget(dlg)
    dlg.set_all(True)  # no coder named in the file: the dialog asks for one
    assert dlg.problem.text().startswith("Name the coder")
    values = [w for w in dlg.findChildren(QWidget) if "happiness" in getattr(w, "text", lambda: "")()]
    assert values
    for label in (dlg.memory_note, dlg.problem, *values):
        assert _reads(label, theme) >= 4.5, label.styleSheet()


def test_the_fine_tuning_dialogs_warnings_read(qtbot, theme, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    video = tmp_path / "clip.avi"
    video.write_bytes(b"0" * 1000)  # counting reads the project only
    project = Project.create(tmp_path / "p.merproj")
    vid = project.add_video(video, fps=30.0, frame_count=200, width=320, height=240).id
    project.add_event(Event(vid, 2, 4, 8, emotion="happiness", aus="12", coder="ann"))
    try:
        dlg = FinetuneDialog(project.path, project=project)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        dlg.checkpoint.setText(str(tmp_path / "missing.pt"))
        dlg.update_data()
        assert dlg.data_label.text().startswith("cannot count them")  # said in the warning colour
        assert not dlg.start_button.isEnabled()
        assert _reads(dlg.data_label, theme) >= 4.5
        new, old = tmp_path / "ft.pt", tmp_path / "starter.pt"
        dlg.result = types.SimpleNamespace(checkpoint=new)
        dlg._model_in_use = lambda: old
        dlg.show_model_in_use()
        assert "not in use yet" in dlg.use_label.text()
        assert _reads(dlg.use_label, theme) >= 4.5
        res = types.SimpleNamespace(checkpoint=new, class_names=["negative", "positive"], before={}, after={},
                                    holdout={"by": "video", "groups": ["1"], "video_names": ["clip.avi"], "n": 2},
                                    train_events=[1, 2], coders=["ann"], split={}, split_saved=True,
                                    train_counts={"negative": 1, "positive": 1}, n_mix=0,
                                    split_note="the held-out videos were scored before")
        dlg._on_done(res)
        assert "⚠" in dlg.summary.text()
        assert _reads(dlg.summary, theme) >= 4.5
    finally:
        project.close()
