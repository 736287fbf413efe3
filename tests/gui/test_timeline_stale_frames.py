"""The timeline says where damaged video data left the picture stale. The frames after a lost keyframe, up to the
next one, decode to an older or smeared picture, and the analysis leaves them unknown: a face_id -1 row with every
AU NaN, where a frame seen without a face has AUs 0 (merstudio.io.FrameSource.stale_frames). Before, the curves just
broke there and the readout said "face 0 is not in this frame" with a face on screen. Now the AU lane shades those
frames (hatched, legend "damaged video: picture stale") and the readout says the picture is stale.

The clip: the bundled demo's first frames, re-encoded with a keyframe a second, five of them grey (no face) and the
keyframe at 2 s zeroed, analysed for real; the stale frames expected are the decoder's own (stale_frames)."""

from __future__ import annotations

import warnings
from pathlib import Path

import av
import numpy as np
import pytest
from gui_fixtures import shown_timeline
from support.damaged_clips import write_h264, zero_frames

from merstudio.analysis import Analysis, AnalysisSettings
from merstudio.gui.results_loader import read_curves
from merstudio.gui.state import CurveBuffer
from merstudio.io import open_source
from merstudio.project import Project

pytestmark = pytest.mark.gui

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"
N, GOP, LOST = 120, 30, 60
GREY = range(10, 15)  # frames with no face in them: AUs 0, not stale
STALE_TEXT = "picture stale (damaged video data)"
STALE_LABEL = "damaged video: picture stale"


def _analyse(path: Path) -> tuple[list[dict], list[tuple[int, int]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_source(path) as src:
            rows = list(Analysis(src, AnalysisSettings()).rows())
            return rows, list(src.stale_frames)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("stale_timeline")
    with av.open(str(DEMO)) as container:
        frames = [f.to_ndarray(format="rgb24") for _, f in zip(range(N), container.decode(video=0), strict=False)]
    grey = np.full_like(frames[0], 128)
    clean = write_h264(d / "clean.mp4", N, lambda i: grey if i in GREY else frames[i], gop=GOP,
                       options={"preset": "ultrafast", "x264-params": "scenecut=0"})
    damaged = zero_frames(clean, d / "damaged.mp4", [LOST], keyframes=True)
    rows, spans = _analyse(damaged)
    clean_rows, clean_spans = _analyse(clean)
    assert len(spans) == 1 and spans[0][1] - spans[0][0] >= 10 and clean_spans == [], "test clip is no test"
    faceless = {r["frame"] for r in rows if r["face_id"] == -1 and r["AU12_r"] == 0}
    assert set(GREY) <= faceless, "test clip is no test: the grey frames are not seen without a face"
    return {"rows": rows, "spans": spans, "frames": max(r["frame"] for r in rows) + 1, "clean": clean_rows}


def _expected(spans: list[tuple[int, int]], n: int) -> np.ndarray:
    want = np.zeros(n, bool)
    for a, b in spans:
        want[a:b] = True
    return want


def _streamed(rows: list[dict], n: int) -> CurveBuffer:
    buf = CurveBuffer(n)
    for k in range(0, len(rows), 16):  # in batches, as a live run streams them
        buf.add_rows(rows[k:k + 16])
    return buf


def test_streamed_rows_mark_the_stale_frames_not_the_faceless_ones(clips):
    n = clips["frames"]
    buf = _streamed(clips["rows"], n)
    assert np.array_equal(buf.stale, _expected(clips["spans"], n))
    assert not buf.stale[list(GREY)].any()  # seen without a face: AUs 0
    (a, b), = clips["spans"]
    starts, lengths = buf.stale_runs()
    assert starts.tolist() == [a] and lengths.tolist() == [b - a]
    assert buf.is_stale(a) and buf.is_stale(b - 1) and not buf.is_stale(b) and not buf.is_stale(a - 1)


def test_the_stored_analysis_read_back_marks_the_same_frames(clips, tmp_path):
    n = clips["frames"]
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\0" * 4096)
    with Project.create(tmp_path / "p.merproj") as proj:
        v = proj.add_video(video, fps=30.0, frame_count=n, width=64, height=48)
        aid = proj.begin_analysis(v.id)
        proj.append_frames(aid, clips["rows"])
        proj.finish_analysis(aid)
        buf = read_curves(proj, v.id, n)
    assert np.array_equal(buf.stale, _expected(clips["spans"], n))


def test_a_clean_copy_has_no_stale_frame(clips):
    rows = clips["clean"]
    assert any(r["face_id"] == -1 for r in rows)  # its grey frames: rows without a face
    assert not _streamed(rows, clips["frames"]).stale.any()


@pytest.fixture
def timeline(qtbot, clips):
    # (1000, 330): about the timeline's size in a 1366x768 window
    return shown_timeline(qtbot, clips["frames"], (1000, 330), buffer=_streamed(clips["rows"], clips["frames"]))


def _legend_labels(tl) -> list[str]:
    return [label.text for _sample, label in tl.stale_legend.items]


def test_the_au_lane_shades_the_stale_frames_cells(timeline, clips):
    (a, b), = clips["spans"]
    bars = timeline.stale_bars.opts
    # frame f's cell is f - 1/2 .. f + 1/2: the run a..b-1 covers a - 1/2 .. b - 1/2
    assert np.asarray(bars["x0"]).tolist() == [a - 0.5] and np.asarray(bars["width"]).tolist() == [b - a]
    assert timeline.stale_bars.getViewBox() is timeline.au_plot.vb
    motion = timeline.stale_motion_bars  # the motion lane breaks there too: hatched the same
    assert np.asarray(motion.opts["x0"]).tolist() == [a - 0.5] and np.asarray(motion.opts["width"]).tolist() == [b - a]
    assert motion.getViewBox() is timeline.motion_plot.vb
    heat = timeline.stale_heat_bars  # the heat map's cells there are blank like a face gone: hatched too
    assert np.asarray(heat.opts["x0"]).tolist() == [a - 0.5] and np.asarray(heat.opts["width"]).tolist() == [b - a]
    assert heat.getViewBox() is timeline.heat_plot.vb and heat.zValue() > timeline.heat.zValue()


def test_the_heat_map_key_names_the_stale_cells_only_where_there_are_some(qtbot, timeline, clips):
    qtbot.waitUntil(lambda: "(this video)" in timeline.heat_scale.text, timeout=3000)
    assert "picture stale" in timeline.heat_scale.text and "unknown" in timeline.heat_scale.text
    timeline.set_buffer(_streamed(clips["clean"], clips["frames"]), 0)
    qtbot.waitUntil(lambda: "picture stale" not in timeline.heat_scale.text, timeout=3000)
    assert "unknown" in timeline.heat_scale.text
    assert np.asarray(timeline.stale_heat_bars.opts["width"]).tolist() == []


def test_the_readout_says_the_picture_is_stale(timeline, clips):
    (a, b), = clips["spans"]
    timeline.set_playhead((a + b) // 2)
    assert STALE_TEXT in timeline.readout.text and "not in this frame" not in timeline.readout.text
    timeline.set_playhead(GREY[0])  # no face there: said as before
    assert "face 0 is not in this frame" in timeline.readout.text and STALE_TEXT not in timeline.readout.text
    timeline.set_playhead(b + 5)
    assert STALE_TEXT not in timeline.readout.text


def test_the_legend_entry_is_there_only_with_stale_frames(timeline, clips, qtbot):
    assert _legend_labels(timeline) == [STALE_LABEL]
    box = timeline.legend_boxes[timeline.au_plot]
    entry = timeline.stale_legend.mapRectToScene(timeline.stale_legend.childrenBoundingRect())
    assert box.sceneBoundingRect().contains(entry)  # whole, in the AU lane's legend column
    au = timeline.au_plot.legend
    assert all(not label.sceneBoundingRect().intersects(entry) for _s, label in au.items)  # under the AUs'
    timeline.set_buffer(_streamed(clips["clean"], clips["frames"]), 0)  # another video's results: none stale
    assert _legend_labels(timeline) == []
    assert len(timeline.stale_bars.opts["x0"]) == 0
    timeline.set_buffer(None)
    assert _legend_labels(timeline) == []
