"""A segment reads its tail: the frames after its end go through the AU estimator as in an unsplit run (their rows
dropped), so its last frames' AUs see the frames after them, as the unsplit run's do: the blink look-ahead (a blink
is told by the lids opening again) and AU6's median window centred on the frame (merstudio.features.aus)."""

from __future__ import annotations

import cv2
import pytest
from support.real_clips import NEEDS_REAL, REAL, first_frames

from merstudio.analysis.files import analyze_file
from merstudio.analysis.outputs import read_table
from merstudio.analysis.pipeline import AnalysisSettings, restart_frames
from merstudio.analysis.segments import analyze_segment, merge_segments, plan_segments


@pytest.mark.slow
@NEEDS_REAL
def test_seams_inside_a_real_smile_and_next_to_a_blink_read_as_unsplit(tmp_path):
    """smile_man (AU12 from frame 18, its blink shut 26-28) cut every 32 frames: the seams at 32 and 64 fall inside
    the held smile and 4 frames after the blink, and not on a restart (30 frames before each grid point), where the
    unsplit run would finish its frames too. A segment that finished its last frames at its end read AU6 there from
    the frames before them only, where the unsplit run's centred window reads the frames after them too."""
    settings = AnalysisSettings(keyframe_s=32 / 30)
    whole = analyze_file(REAL, tmp_path / "whole", "real", settings)
    plan = plan_segments(whole.frame_count, whole.fps, settings.keyframe_s, settings)
    assert [a for a, _b in plan] == [0, 32, 64]
    assert not {32, 64} & restart_frames(settings, whole.fps, 1, whole.frame_count)
    split = merge_segments([analyze_segment(REAL, a, b, settings) for a, b in plan], tmp_path / "split", "real",
                           settings)
    assert split.paths.csv.read_bytes() == whole.paths.csv.read_bytes()
    assert split.paths.spots.read_bytes() == whole.paths.spots.read_bytes()


@pytest.mark.slow
@NEEDS_REAL
def test_a_seam_inside_a_real_blink_reads_as_unsplit(tmp_path):
    """smile_man with its first frame held 6 frames longer, so that its blink (shut 26-28) lies on 32-34 and a seam
    (every 32 frames) falls inside it: whether a frame is in a blink is told only once the lids open again, frames
    after the seam. A segment that decided its last frames at its end, without them, marked them otherwise than
    the unsplit run (the blink's frames: AU5/AU7 unknown, AU6 held) and read the held smile's AU6 from a shorter
    window."""
    frames = first_frames(REAL, 72)
    clip = tmp_path / "held.avi"
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (w, h))
    for rgb in [frames[0]] * 6 + frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    settings = AnalysisSettings(keyframe_s=32 / 30)
    whole = analyze_file(clip, tmp_path / "whole", "held", settings)
    rows = read_table(whole.paths.csv)
    assert rows.loc[rows["frame"].between(31, 35), "AU05_r"].isna().any()  # the blink, unsplit, on the seam
    plan = plan_segments(whole.frame_count, whole.fps, settings.keyframe_s, settings)
    assert [a for a, _b in plan] == [0, 32, 64]
    split = merge_segments([analyze_segment(clip, a, b, settings) for a, b in plan], tmp_path / "split", "held",
                           settings)
    assert split.paths.csv.read_bytes() == whole.paths.csv.read_bytes()
