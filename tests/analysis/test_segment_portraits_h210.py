"""A split run keeps the portrait an unsplit run keeps: a face's box inside the frame before a larger one past its
right edge (h210: the segments' merge knew no frame size, so a face leaning out over the right or bottom edge in a
later segment won on size, its crop on the face sheet half black)."""

from __future__ import annotations

import cv2
import numpy as np
from support.occluders import astronaut_face

from merstudio.analysis.files import analyze_file
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.analysis.segments import analyze_segment, merge_segments, plan_segments

FPS, W, H = 15, 320, 240
SETTINGS = AnalysisSettings(keyframe_s=1.0)  # a restart (and a seam) every 15 frames


def _leaning_out(path):
    """The NASA portrait (the face's box: 0.26-0.57 of the picture's side across) inside the frame on frames 0-7,
    sliding right over 8-14 and growing; from frame 15 on (the second segment) a quarter of the face's box past the
    right edge, the box growing on: larger than any inside the frame, half black on the face sheet."""
    face = astronaut_face()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (W, H))
    for i in range(2 * FPS):
        side = 150 + 3 * max(0, i - 7)
        edge = W + 0.25 * 0.31 * side  # the face box's right edge from frame 15 on
        right = 236 + (edge - 236) * min(1.0, max(0, i - 7) / 8)
        x0, y0 = int(round(right - 0.57 * side)), (H - side) // 2
        img = np.full((H, W, 3), 90, np.uint8)
        part = cv2.resize(face, (side, side))[:, :W - x0]
        img[y0:y0 + side, x0:x0 + part.shape[1]] = part
        writer.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def test_a_split_run_keeps_the_portrait_inside_the_frame_as_unsplit(tmp_path):
    clip = _leaning_out(tmp_path / "lean.avi")
    whole = analyze_file(clip, tmp_path / "whole", "lean", SETTINGS)
    plan = plan_segments(whole.frame_count, whole.fps, 1.0, SETTINGS)
    assert plan == [(0, FPS), (FPS, 2 * FPS)]
    segs = [analyze_segment(clip, a, b, SETTINGS) for a, b in plan]
    assert [s.frame_size for s in segs] == [(W, H)] * 2
    # the second segment saw only the face leaning out: its portrait is past the right edge, and larger
    (late,) = segs[1].portraits.values()
    (early,) = segs[0].portraits.values()
    assert late[1][2] > W and (late[1][2] - late[1][0]) > (early[1][2] - early[1][0]), (early, late)
    split = merge_segments(segs, tmp_path / "split", "lean", SETTINGS)
    assert whole.face_ids == split.face_ids == [0]
    frame, box = split.portraits[0]
    assert frame < FPS and box[2] <= W, split.portraits
    assert split.portraits == whole.portraits
