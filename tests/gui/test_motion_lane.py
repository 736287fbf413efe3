"""The micro-motion lane and the 17-AU / NaN columns of the per-frame table (issue 10) on the timeline."""

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import AUS, BLINK, MOTION_FROM, N_FRAMES, REGIONS, shown_timeline
from helpers import click, plot_to_widget
from PySide6.QtGui import QColor

from merstudio.gui import commands as C
from merstudio.gui.state import CurveBuffer, au_column

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait for stored curves

OPENFACE_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)
M_AUS = (1, 2, 4, 6, 9, 10, 12, 14, 15, 17)
SIDED = (2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 20, 23, 45)
N = 100
GAP = (40, 60)  # frames where the mouth's motion and AU12 are NaN (a hand over the mouth, a head turn)


def _table() -> pd.DataFrame:
    """A per-frame table shaped like the pipeline's: every column family of issue 10, NaN where it is unknown."""
    i = np.arange(N)
    face = i >= 2  # no face in frames 0-1
    df = pd.DataFrame({"frame": i, "face_id": np.where(face, 0, -1), "timestamp": i / 30.0,
                       "confidence": np.where(face, 0.9, 0.0), "success": face.astype(int)})
    for r in ("Rx", "Ry", "Rz"):
        df[f"pose_{r}"] = np.where(face, 0.3, np.nan)  # radians: must not be drawn as an AU
    for k, a in enumerate(OPENFACE_AUS):
        df[f"AU{a:02d}_r"] = np.where(face, 0.5 + 0.1 * k, 0.0)
        df[f"AU{a:02d}_c"] = 0
    df.loc[GAP[0]: GAP[1] - 1, "AU12_r"] = np.nan
    for a in SIDED:
        df[f"AU{a:02d}_L"] = 4.9  # per side: would stand out at the top of the 0-5 track
        df[f"AU{a:02d}_R"] = 4.8
    for r in REGIONS:
        df[f"motion_{r}"] = np.where(face & (i >= 8), 0.2 if r == "mouth" else 0.4, np.nan)
    df.loc[GAP[0]: GAP[1] - 1, "motion_mouth"] = np.nan
    df["motion"] = df[[f"motion_{r}" for r in REGIONS if r != "eyes"]].max(axis=1, skipna=False)
    df["blink"] = ((i >= 70) & (i < 74)).astype(int) | ((i >= 90) & (i < 92)).astype(int)
    for a in M_AUS:
        df[f"AU{a:02d}_m"] = np.where(i >= 8, 0.2, np.nan)
    return df


@pytest.fixture
def timeline(qtbot):
    return shown_timeline(qtbot, N, (1000, 900), buffer=CurveBuffer.from_frame(_table(), N))


def _colour_between(tl, img, plot, frame: float, y_hi: float, y_lo: float, colour: str) -> bool:
    """Whether any pixel of this colour lies in the widget column of ``frame`` between two data y values."""
    top, bottom = plot_to_widget(tl, plot, frame, y_hi), plot_to_widget(tl, plot, frame, y_lo)
    want = QColor(colour)
    for dx in (-1, 0, 1):
        for y in range(top.y(), bottom.y() + 1):
            c = img.pixelColor(top.x() + dx, y)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < 30:
                return True
    return False


def test_state_sorts_the_new_columns():
    buf = CurveBuffer.from_frame(_table(), N)
    assert buf.au_columns() == [f"AU{a:02d}_r" for a in OPENFACE_AUS]  # 17, no _L/_R/_m among them
    assert buf.au_columns("_m") == [f"AU{a:02d}_m" for a in M_AUS]
    assert buf.motion_columns() == [f"motion_{r}" for r in REGIONS]
    kept = set(buf.columns)
    assert not {c for c in kept if c.startswith("pose_")}  # no view shows them
    assert {"AU12_L", "AU12_R"} <= kept  # the face note's sides (h216), never among the AU curves above
    assert {"motion", "blink"} <= kept
    assert not au_column("AU12_R") and not au_column("AU12_L") and not au_column("AU12_m") and au_column("AU12_r")
    starts, lengths = buf.blinks(0)
    assert starts.tolist() == [70, 90] and lengths.tolist() == [4, 2]
    assert buf.blinks(5)[0].size == 0  # an unknown face has no blinks
    # the apex signal skips NaN (an occluded AU counts 0, the frame stays usable) and blinks (AU45)
    act = buf.activity(0)
    assert np.isfinite(act[2:]).all()
    assert act[50] == pytest.approx(sum(0.5 + 0.1 * k for k, a in enumerate(OPENFACE_AUS) if a not in (12, 45)))
    # streamed rows keep numpy scalars and NaN as they come
    live = CurveBuffer(10)
    live.add_rows([{"frame": 3, "face_id": 0, "motion_mouth": np.float32(0.25), "AU12_r": float("nan"),
                    "AU12_L": 1.0, "pose_Rx": 0.1, "blink": np.int64(1)}])
    assert live.get(0, "motion_mouth")[3] == pytest.approx(0.25) and live.get(0, "blink")[3] == 1
    assert np.isnan(live.get(0, "AU12_r")).all() and live.get(0, "AU12_L")[3] == 1.0 and live.get(0, "pose_Rx") is None


def test_au_track_draws_17_intensities_and_nothing_else(timeline):
    tl = timeline
    assert set(tl._curves) == {f"AU{a:02d}_r" for a in OPENFACE_AUS}
    names = [item.name() for item in tl.au_plot.listDataItems()]
    assert sorted(names) == sorted(str(a) for a in OPENFACE_AUS)  # the legend: "12" for AU12, one row
    colours = {tl._curves[c].opts["pen"].color().name() for c in tl._curves}
    assert len(colours) == 17  # one colour per AU
    # the heat map has the 17 AUs as rows, NaN (no face, the occluded AU12) left blank, not 0
    img = tl.heat.image
    assert img.shape == (17, N)
    row12 = tl.buffer.au_columns().index("AU12_r")
    assert np.isnan(img[row12, GAP[0]: GAP[1]]).all() and np.isnan(img[:, :2]).all()
    assert np.isfinite(img[row12, GAP[1]:]).all()


def test_lane_draws_regions_with_gaps_not_zeros(qtbot, timeline):
    tl = timeline
    assert tl.motion_plot in tl.plots and tl.motion_plot.isVisible()
    assert tl.motion_plot.vb.linkedView(0) is tl.au_plot.vb  # panned and zoomed with the other tracks
    assert set(tl._motion_curves) == {f"motion_{r}" for r in REGIONS}
    legend = [label.text for _sample, label in tl.motion_legend.items]
    assert legend == list(REGIONS) + ["blink mask"]
    for col, curve in tl._motion_curves.items():
        assert curve.opts["connect"] == "finite", col
    y = tl.curve_data("motion_mouth")
    assert np.isnan(y[:8]).all() and np.isnan(y[GAP[0]: GAP[1]]).all() and (y[8: GAP[0]] == np.float32(0.2)).all()
    y12 = tl.curve_data("AU12_r")
    assert np.isnan(y12[GAP[0]: GAP[1]]).all()
    assert not tl._no_motion.isVisible()
    # blinks are shaded: one bar per run
    assert tl._blink_bars.opts["x0"].tolist() == [69.5, 89.5] and tl._blink_bars.opts["width"].tolist() == [4, 2]

    # rendered: the mouth curve is at 0.2 beside the gap and nowhere (not at 0) inside it; same for AU12
    img = tl.grab().toImage()
    mouth, au12 = tl._motion_curves["motion_mouth"], tl._curves["AU12_r"]
    c_mouth, c_au12 = mouth.opts["pen"].color().name(), au12.opts["pen"].color().name()
    top = tl.motion_plot.vb.viewRange()[1][1]
    assert top == pytest.approx(1.0, abs=0.05)
    assert _colour_between(tl, img, tl.motion_plot, 25, 0.3, -0.02, c_mouth)
    assert not _colour_between(tl, img, tl.motion_plot, 50, 0.3, -0.02, c_mouth)
    assert _colour_between(tl, img, tl.au_plot, 25, 3.0, -0.05, c_au12)
    assert not _colour_between(tl, img, tl.au_plot, 50, 3.0, -0.05, c_au12)


def test_lane_by_au_shows_directed_motion_in_the_au_colours(timeline):
    tl = timeline
    tl.set_motion_by_au(True)
    assert set(tl._motion_curves) == {f"AU{a:02d}_m" for a in M_AUS}
    assert "AU12_m" not in tl._curves  # never on the 0-5 intensity track
    assert tl._motion_curves["AU12_m"].opts["pen"].color() == tl._curves["AU12_r"].opts["pen"].color()
    tl.set_visible_aus(["AU12_r"])  # the AUs menu applies to the lane in this mode
    assert set(tl._motion_curves) == {"AU12_m"} and set(tl._curves) == {"AU12_r"}
    tl.set_motion_by_au(False)
    assert set(tl._motion_curves) == {f"motion_{r}" for r in REGIONS}


def test_all_nan_and_old_analyses(qtbot, timeline):
    """A track whose motion is all NaN (a head turning throughout) draws nothing and does not crash; an analysis
    stored before the lane existed shows the hint."""
    tl = timeline
    df = _table()
    for c in [c for c in df.columns if c.startswith("motion") or c.endswith("_r")]:
        df[c] = np.nan
    tl.set_buffer(CurveBuffer.from_frame(df, N), 0)
    tl.grab()
    assert np.isnan(tl.curve_data("motion_brows")).all() and np.isnan(tl.heat.image).all()
    old = df[["frame", "face_id", "timestamp", "confidence", "success", "AU12_r", "AU12_c"]].assign(AU12_r=1.0)
    tl.set_buffer(CurveBuffer.from_frame(old, N), 0)
    tl.grab()
    assert not tl._motion_curves and tl._no_motion.isVisible()
    assert not [s for s, _label in tl.motion_legend.items]  # no blink entry without a blink column
    tl.set_buffer(None)
    assert not tl._motion_curves and tl._blink_bars.opts["x0"].size == 0


def test_window_lane_from_an_analysis_follows_the_play_head(qtbot, window, video_path, fake_analysis):
    fake_analysis.occluded = (70, 76)
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert not win.errors
    tl = win.timeline
    # the stored table (Project.load_frames) drawn: regions in the lane, AUs on the AU track, nothing mixed up
    assert set(tl._motion_curves) == {f"motion_{r}" for r in REGIONS}
    assert set(tl._curves) == {f"AU{a:02d}_r" for a in AUS}
    mouth = tl.curve_data("motion_mouth")
    assert len(mouth) == N_FRAMES and np.isnan(mouth[:MOTION_FROM]).all()
    assert int(np.nanargmax(mouth)) in {ap for _on, ap, _off in ((20, 24, 28), (55, 58, 62))}
    eyes = tl.curve_data("motion_eyes")
    assert np.isnan(eyes[BLINK[0]: BLINK[1]]).all() and np.isfinite(eyes[BLINK[1]:]).all()
    assert tl._blink_bars.opts["x0"].tolist() == [BLINK[0] - 0.5]
    assert np.isnan(tl.curve_data("AU12_r")[70:76]).all()
    win.activity()  # the apex signal copes with the occluded frames
    # the AUs menu lists intensities only
    win._build_au_menu()
    assert [a.text() for a in win.au_menu.actions()] == [f"AU{a:02d}" for a in AUS]
    # the lane's play head moves with the others; a click in the lane seeks
    win.transport.seek(33)
    assert [line.value() for line in tl.playheads] == [33] * len(tl.playheads)
    tl.au_plot.setXRange(0, N_FRAMES, padding=0)
    qtbot.wait(20)
    click(tl.viewport(), plot_to_widget(tl, tl.motion_plot, 60, 0.5))
    assert abs(win.current_frame - 60) <= 1
    lane_head = tl.playheads[tl.plots.index(tl.motion_plot)]
    assert lane_head.value() == win.current_frame
    # View menu: M hides the lane, Shift+M shows the directed motion per AU
    win.motion_action.trigger()
    assert not tl.motion_plot.isVisible()
    win.motion_action.trigger()
    win.motion_by_au_action.trigger()
    assert tl.motion_plot.isVisible() and set(tl._motion_curves) == {f"AU{a:02d}_m" for a in AUS}
