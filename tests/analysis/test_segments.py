"""A video analysed in segments gives the rows and spots of an unsplit run (issue 12): byte for byte, with two
faces (one entering and leaving), head motion across the seams and a smile whose onset and offset lie on two
sides of a seam."""

import math
import pickle
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from support.clips import _face

from merstudio.analysis.files import analyze_file
from merstudio.analysis.outputs import read_table
from merstudio.analysis.pipeline import AnalysisSettings, restart_frames, warmup_frames
from merstudio.analysis.segments import (
    analyze_segment,
    map_track_ids,
    merge_segments,
    plan_segments,
)

FPS = 15
N = 45
SMILE = range(26, 33)  # over the seam at frame 30; 7 frames, 0.47 s: a micro-expression
SECOND_FACE = range(12, 38)  # enters in the first segment, leaves in the third
# A restart (and a possible seam) every second: the default is 60 s; small here to keep the clip short.
SETTINGS = AnalysisSettings(keyframe_s=1.0)


def _two_faces(path):
    canvas, lm = _face()
    face = canvas[20:220, 60:260]
    small = cv2.resize(face, (150, 150))
    lms = (lm - np.array([60, 20])) * 0.75
    from merstudio.synth.warps import au_displacement, warp

    first, last = SMILE.start, SMILE.stop - 1
    apex = (first + last) // 2
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (480, 240))
    for i in range(N):
        img = np.full((240, 480, 3), 90, np.uint8)
        a = small
        if first <= i <= last:
            amp = 3.0 * (1 - abs(i - apex) / (apex - first + 1))
            a = warp(small, au_displacement(lms, small.shape[:2], {12: amp}))
        dx = int(round(10 * math.sin(i / 3.5)))  # the head moves all the time, seams included
        img[45:195, 30 + dx:180 + dx] = a
        if i in SECOND_FACE:
            img[40:190, 300:450] = np.ascontiguousarray(small[:, ::-1])
        writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return _two_faces(tmp_path_factory.mktemp("seg") / "two.avi")


@pytest.fixture(scope="module")
def unsplit(clip, tmp_path_factory):
    out = tmp_path_factory.mktemp("unsplit")
    return analyze_file(clip, out, "two", SETTINGS)


def test_plan_cuts_on_the_restart_grid():
    s = AnalysisSettings()  # restarts every 60 s
    assert plan_segments(30 * 3600 * 3, 30.0, 600, s)[:2] == [(0, 18000), (18000, 36000)]
    plan = plan_segments(30 * 3600 * 3, 30.0, 600, s)
    assert plan[-1][1] == 30 * 3600 * 3 and len(plan) == 18
    assert all(a[1] == b[0] for a, b in zip(plan, plan[1:], strict=False))
    assert plan_segments(1000, 30.0, 20, s) == [(0, 1000)]  # shorter than one restart interval: one segment
    assert plan_segments(5000, 30.0, 600, AnalysisSettings(keyframe_s=None)) == [(0, 5000)]
    assert plan_segments(45, 15.0, 1.0, SETTINGS) == [(0, 15), (15, 30), (30, 45)]
    # each seam's warm-up starts at a restart of every run
    w = warmup_frames(15.0)
    assert {15 - w, 30 - w} - {0} <= restart_frames(SETTINGS, 15.0, 1, 45)


def test_split_run_equals_unsplit_row_for_row(clip, unsplit, tmp_path):
    assert unsplit.complete and unsplit.face_ids == [0, 1]
    assert any(s.onset < 30 <= s.offset for s in unsplit.spots), unsplit.spots  # the smile spans the seam
    plan = plan_segments(N, FPS, 1.0, SETTINGS)
    assert len(plan) == 3
    # one segment keeps its rows in a work folder, the others carry them (as from a process pool or Ray task);
    # all go through pickle as they would between processes
    results = [pickle.loads(pickle.dumps(analyze_segment(clip, a, b, SETTINGS,
                                                         work_dir=tmp_path / "work" if k == 1 else None)))
               for k, (a, b) in enumerate(plan)]
    merged = merge_segments(list(reversed(results)), tmp_path / "out", "two", SETTINGS)
    assert merged.complete and merged.face_ids == [0, 1] and merged.rows == unsplit.rows
    assert (tmp_path / "out" / "two.csv").read_bytes() == unsplit.paths.csv.read_bytes()
    assert (tmp_path / "out" / "two.spots.csv").read_bytes() == unsplit.paths.spots.read_bytes()
    assert [s.face_id for s in merged.spots] == [s.face_id for s in unsplit.spots]
    # who each track is (the face sheet of --plot): the same frame and box, split or not
    assert set(unsplit.portraits) == {0, 1} and merged.portraits == unsplit.portraits
    assert merged.face_frames == unsplit.face_frames and unsplit.face_frames[0] == N
    assert 0 < unsplit.face_frames[1] <= len(SECOND_FACE)  # found within a few frames of entering

    # the same segments into Parquet: the same table
    pq = merge_segments(results, tmp_path / "pq", "two", SETTINGS, fmt="parquet")
    pd.testing.assert_frame_equal(read_table(pq.paths.csv), read_table(unsplit.paths.csv), check_dtype=False)
    # ... stored alike: an unknown float is NaN in both, never null in one (segment files spell it "nan")
    import pyarrow.parquet as pq_io

    whole = analyze_file(clip, tmp_path / "pq_whole", "two", SETTINGS, fmt="parquet")
    nulls = [pq_io.read_table(f).to_pandas().isna().sum().to_dict() for f in (pq.paths.csv, whole.paths.csv)]
    kinds = [{n: t.column(n).null_count for n in t.column_names}
             for t in (pq_io.read_table(f) for f in (pq.paths.csv, whole.paths.csv))]
    assert nulls[0] == nulls[1] and kinds[0] == kinds[1]


def test_track_ids_follow_the_faces_across_seams():
    """The merge matches a segment's tracks to the previous one's by the boxes both computed; new tracks are
    numbered after the last id in order of creation."""
    from merstudio.analysis.pipeline import _TrackSignals
    from merstudio.analysis.segments import SegmentResult

    def seg(start, stop, ids, head, tail):
        r = SegmentResult("v", start, stop, [], 0, stop - start, True, 60, 30.0, False, 6, 0.0)
        r.signals = {i: _TrackSignals() for i in ids}
        r.head, r.tail = head, tail
        return r

    a, b, c = (0, 0, 10, 10), (50, 0, 60, 10), (100, 0, 110, 10)
    s0 = seg(0, 20, [0, 1], [], [(18, 0, a), (18, 1, b), (19, 0, a), (19, 1, b)])
    # the next segment found the faces in the other order, and a third face after its warm-up
    s1 = seg(20, 40, [0, 1, 2], [(18, 0, b), (18, 1, a), (19, 0, b), (19, 1, (0.5, 0, 10.5, 10))],
             [(38, 2, c)])
    s2 = seg(40, 60, [0, 1], [(38, 0, c)], [])
    assert map_track_ids([s0, s1, s2]) == [{0: 0, 1: 1}, {0: 1, 1: 0, 2: 2}, {0: 2, 1: 3}]


def test_a_segment_off_the_restart_grid_is_refused(clip):
    from merstudio.errors import InputError

    with pytest.raises(InputError, match="restart grid"):
        analyze_segment(clip, 7, 15, SETTINGS)


REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
@pytest.mark.parametrize("model", [False, True])
def test_split_equals_unsplit_on_a_real_face(tmp_path, model):
    """MediaPipe's tracking of a real face: seams (every second here) inside the smile's onset and held phase; with
    a model, the seam at frame 30 falls at the end of the blink (shut 26-28), whose frames the model is told of
    only once the frames after them are known (merstudio.features.blinks)."""
    from merstudio.resources import starter_checkpoint

    settings = AnalysisSettings(keyframe_s=1.0, checkpoint=starter_checkpoint() if model else None)
    unsplit_run = analyze_file(REAL, tmp_path / "full", "real", settings)
    plan = plan_segments(unsplit_run.frame_count, unsplit_run.fps, 1.0, settings)
    assert len(plan) == 3
    merged = merge_segments([analyze_segment(REAL, a, b, settings) for a, b in plan], tmp_path / "split", "real",
                            settings)
    assert merged.paths.csv.read_bytes() == unsplit_run.paths.csv.read_bytes()
    assert merged.paths.spots.read_bytes() == unsplit_run.paths.spots.read_bytes()


def test_with_a_model_a_split_run_equals_unsplit_too(clip, tmp_path):
    """The model's columns too: its motion gate's noise floor starts over on the restart grid, as the per-face state
    does, so each segment gates the frames an unsplit run gates."""
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    assert ckpt is not None, "resources/models/starter.pt (committed) is missing"
    settings = AnalysisSettings(keyframe_s=1.0, checkpoint=ckpt)
    whole = analyze_file(clip, tmp_path / "whole", "two", settings)
    results = [analyze_segment(clip, a, b, settings) for a, b in plan_segments(N, FPS, 1.0, settings)]
    assert merge_segments(results, tmp_path / "out", "two", settings).complete
    df = read_table(whole.paths.csv)
    assert df["p_none"].notna().any() and df.loc[df["success"] == 1, "p_none"].isna().any()  # some gated, some not
    assert (tmp_path / "out" / "two.csv").read_bytes() == whole.paths.csv.read_bytes()
