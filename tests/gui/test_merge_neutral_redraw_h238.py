"""File > Merge project… redraws what it brings for the video shown: the other copy's neutral frames (the relative AU
view stayed absolute until another video was picked: NeutralView caches a video's baselines) and its overlays (an
imported table's dashed curves), and so do the merge's undo and redo (h238)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import FPS, H, W, write_video
from support.merge_copies import two_copies

from merstudio.features.neutral import NeutralBaseline, setting_key
from merstudio.gui import commands as C
from merstudio.gui.state import CurveBuffer
from merstudio.project import Project
from merstudio.project.merge import apply_merge, plan_merge

pytestmark = pytest.mark.gui


def test_merged_neutral_frames_and_overlays_show_at_once_and_go_with_undo(qtbot, window, tmp_path, monkeypatch):
    assert FPS == 30.0
    a, b = two_copies(tmp_path / "copies", write_video(tmp_path / "src.avi", n=600), (W, H))
    with Project.open(b) as p:  # bob set neutral frames for face 0 and imported a table in his copy
        vid = p.videos()[0].id
        p.set_setting(setting_key(vid), [NeutralBaseline(0, 10, 40, {"AU12_r": 1.5}, 31).to_dict()])
        p.save_overlay(vid, "openface", pd.DataFrame({"frame": np.arange(600), "face_id": 0, "AU12_r": 2.0}))
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    n = window.frame_count
    window.analysis.buffer = CurveBuffer.from_frame(  # curves for face 0 (no analysis needed to show the view)
        pd.DataFrame({"frame": np.arange(n), "face_id": 0, "AU12_r": np.full(n, 2.0)}), n)
    window.analysis.bufferChanged.emit()
    window.neutral.view_action.setChecked(True)
    window.neutral.update()
    assert window.selected_face() == 0
    assert window.timeline.neutral is None and window.analysis.overlays == {}  # absolute: none here yet

    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    assert window.ctx.execute(C.MergeProject, path=str(b)), window.errors
    assert window.timeline.neutral == {"AU12_r": 1.5}  # relative at once, not after another video is picked
    assert list(window.analysis.overlays) == ["openface"]
    assert "neutral frames from the other copy for clip.avi" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert window.timeline.neutral is None and window.analysis.overlays == {}
    window.undo_stack.redo()
    assert window.timeline.neutral == {"AU12_r": 1.5} and list(window.analysis.overlays) == ["openface"]


def test_nothing_to_merge_but_an_analysis_says_to_run_it_here(qtbot, window, tmp_path):
    # the status bar said "this project holds everything that copy does": analyses are not merged
    a, b = two_copies(tmp_path / "copies", write_video(tmp_path / "src.avi", n=600), (W, H))
    with Project.open(a) as p:  # merged once: only the analysis made in B since is not here
        apply_merge(p, plan_merge(p, b))
    with Project.open(b) as p:
        p.finish_analysis(p.begin_analysis(p.videos()[0].id))
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    assert not window.ctx.execute(C.MergeProject, path=str(b))
    assert window.statusBar().currentMessage() == (
        "study.merproj: nothing to merge; analyses: clip.avi analysed in the other copy only; analyses are not merged "
        "(run the analysis here)")
