"""Participant calibration in the app: neutral frames set from the timeline's selection (or found), one undo step,
stored in the project; View > AUs relative to neutral draws the AU lane, heat map and readout relative to them."""

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import SPOTS
from helpers import open_and_analyse

from merstudio.features.neutral import load_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral

pytestmark = pytest.mark.gui


@pytest.fixture
def analysed(qtbot, window, video_path):
    return open_and_analyse(qtbot, window, video_path)


def test_neutral_frames_from_the_selection_are_one_undo_step_and_draw_relative_aus(analysed):
    win = analysed
    tl = win.timeline
    apex = SPOTS[0][1]
    raw = tl.curve_data("AU12_r").copy()
    assert raw[5] == pytest.approx(0.2)  # the fake face rests at 0.2 on every AU (an absolute floor)
    assert not win.neutral.view_action.isChecked() and tl.neutral is None
    n = win.undo_stack.count()
    tl.set_selection(3, 12)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    b = load_baselines(win.project, win.video.id)[0]
    assert (b.first, b.last, b.auto) == (3, 12, False) and b.values["AU12_r"] == pytest.approx(0.2)
    assert win.undo_stack.count() == n + 1 and "Neutral frames of face 0: 3–12" in win.undo_stack.text(n)
    # the view turns on: rest reads 0, the expression keeps what it adds beyond rest; the readout says so
    assert win.neutral.view_action.isChecked()
    rel = tl.curve_data("AU12_r")
    assert rel[5] == 0 and rel[apex] == pytest.approx(raw[apex] - 0.2, abs=1e-3)
    assert np.nanmax(tl.heat.image) == pytest.approx(np.nanmax(raw) - 0.2, abs=1e-3)
    tl.set_playhead(apex)
    assert "neutral" in tl.readout.text
    assert tl._neutral_band.isVisible() and tl._neutral_band.getRegion() == pytest.approx((2.5, 12.5))
    assert "neutral frames 3-12" in win.statusBar().currentMessage()
    # the toggle shows the absolute values again; the stored analysis never changed
    win.neutral.view_action.trigger()
    assert tl.neutral is None and tl.curve_data("AU12_r")[5] == pytest.approx(0.2)
    win.neutral.view_action.trigger()
    # undo removes the baseline (the view falls back to absolute and says why); redo brings it back
    win.undo_stack.undo()
    assert load_baselines(win.project, win.video.id) == {} and tl.neutral is None
    win.neutral.view_action.trigger()
    win.neutral.view_action.trigger()
    assert "no neutral frames" in win.statusBar().currentMessage()
    win.undo_stack.redo()
    assert load_baselines(win.project, win.video.id)[0] == b and tl.curve_data("AU12_r")[5] == 0


def test_found_automatically_stored_with_the_project(qtbot, analysed):
    win = analysed
    assert win.ctx.execute(SetNeutral, mode="auto"), win.errors
    b = load_baselines(win.project, win.video.id)[0]
    # every second of this 3-s clip touches an expression: a shorter still stretch between them, at the rest level
    assert b.auto and 10 <= b.last - b.first + 1 <= 30 and b.values["AU12_r"] == pytest.approx(0.2, abs=0.01)
    path = win.project.path
    win.session.close_project()
    assert win.ctx.execute(C.OpenProject, path=str(path), read_only=True)
    assert load_baselines(win.project, win.video.id)[0] == b
    # a read-only project refuses a change, in one line
    assert not win.ctx.execute(SetNeutral, mode="clear")
    assert "read-only" in win.errors[-1]


def test_what_cannot_be_done_says_why(analysed):
    win = analysed
    win.timeline.clear_selection()
    assert not win.ctx.execute(SetNeutral, mode="selection")
    assert "select the neutral frames first" in win.errors[-1]
    assert not win.ctx.execute(SetNeutral, mode="clear")
    assert "no neutral frames to clear" in win.errors[-1]
    win.timeline.set_selection(0, 1)  # no face in the first frames
    assert not win.ctx.execute(SetNeutral, mode="selection")
    assert "at least 5" in win.errors[-1]


def test_export_relative_to_neutral(qtbot, analysed, tmp_path):
    win = analysed
    assert not win.ctx.execute(C.Export, kind="frames_neutral", path=str(tmp_path / "rel.csv"))
    assert "no neutral frames set" in win.errors[-1] and not (tmp_path / "rel.csv").exists()
    win.timeline.set_selection(3, 12)
    assert win.ctx.execute(SetNeutral, mode="selection")
    for kind, name in (("frames_neutral", "rel.csv"), ("frames", "abs.csv")):
        assert win.ctx.execute(C.Export, kind=kind, path=str(tmp_path / name))
        qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)  # written in a worker
    assert len(win.errors) == 1  # only the refusal above
    rel, absolute = (pd.read_csv(tmp_path / f).set_index("frame") for f in ("rel.csv", "abs.csv"))
    assert absolute.loc[5, "AU12_r"] == pytest.approx(0.2) and rel.loc[5, "AU12_r"] == 0
    apex = SPOTS[0][1]
    assert rel.loc[apex, "AU12_r"] == pytest.approx(absolute.loc[apex, "AU12_r"] - 0.2, abs=1e-4)
    assert list(rel.columns) == [*absolute.columns, "neutral_frames"] and set(rel["neutral_frames"].dropna()) == {"3-12"}
    pd.testing.assert_series_equal(rel["p_positive"], absolute["p_positive"])  # only the AU intensities change
