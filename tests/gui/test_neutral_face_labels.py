"""With View > AUs relative to neutral on, the face label over the video follows the relative view (it showed the
absolute AUs beside a readout at 0.00); a relative export says which faces it left absolute."""

import pandas as pd
import pytest
from gui_fixtures import SPOTS, FakeAnalysis

from merstudio.features.neutral import NeutralBaseline, store_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral

pytestmark = pytest.mark.gui


def _analyse(qtbot, window, video_path):
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    return window


def test_the_face_label_follows_the_relative_view(qtbot, window, video_path):
    win = _analyse(qtbot, window, video_path)
    apex = SPOTS[0][1]
    assert win._face_note(0, apex) == "AU 12"  # absolute: 3.7
    # this person's neutral AU12 as high as 3.0 (a resting smile): 0.7 beyond it is below presence
    store_baselines(win.project, win.video.id, {0: NeutralBaseline(0, 20, 28, {"AU12_r": 3.0}, 9)})
    win.neutral.view_action.setChecked(True)
    win.neutral.update()
    assert win._face_note(0, apex) == ""
    assert win.neutral.column(0, "AU12_r")[apex] == pytest.approx(0.7, abs=1e-3)
    assert win.neutral.column(0, "AU12_c")[apex] == 0
    assert win.neutral.column(0, "AU04_r") is win.analysis.buffer.get(0, "AU04_r")  # no level: as stored
    win.neutral.view_action.setChecked(False)
    win.neutral.update()
    assert win._face_note(0, apex) == "AU 12"


def test_a_relative_export_names_the_faces_left_absolute(qtbot, window, video_path, tmp_path, monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "cut_at", 45)  # face 1 from frame 45: another person, not calibrated
    win = _analyse(qtbot, window, video_path)
    win.timeline.set_selection(3, 12)
    assert win.ctx.execute(SetNeutral, mode="selection", face=0), win.errors
    path = tmp_path / "rel.csv"
    assert win.ctx.execute(C.Export, kind="frames_neutral", path=str(path)), win.errors
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)
    assert not win.errors
    message = win.statusBar().currentMessage()
    assert message.startswith(f"Exported {path}") and "face 1: no neutral frames, left absolute" in message
    rel = pd.read_csv(path, keep_default_na=False)
    assert set(rel.loc[rel["face_id"] == 0, "neutral_frames"]) == {"3-12"}
    assert set(rel.loc[rel["face_id"] == 1, "neutral_frames"]) == {""}
