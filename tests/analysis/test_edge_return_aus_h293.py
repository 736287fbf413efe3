"""A face back over the frame's edge: AU6 and the micro-motion where it is tracked as itself again read as before h272
(h293).

Since h272 the frames of a face coming back over the edge carry its old id from its first frame (rule 2d, the
analysis holds them and releases them relabelled). They used to be a track of their own, so AU6's window of eye
evidence started afresh where the tracker knew the face again; relabelled, the half-visible frames' saturated
readings (5.0) filled the face's window and AU6 read 5.0 for 6 frames that read "not measured" before (smile_man
back over the top edge at 15 px a frame, 30 fps), and the micro-motion lane compared its first frames tracked as
itself with half-visible ones (motion_nose 14, NaN before). The run without rule 2d's relabelling (`final_id` the
tracker's own id, as before h272) is the reference for the frames after the relabelled ones."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.real_clips import NEEDS_REAL, REAL, first_frames

from merstudio.analysis.pipeline import Analysis
from merstudio.face.tracker import FaceTracker
from merstudio.io import open_source

pytestmark = NEEDS_REAL

# AU6, and the micro-motion lane (its baseline k frames back was a half-visible frame: motion_nose 14, NaN before)
COLUMNS = ("AU06_r", "AU06_L", "AU06_R", "motion_eyes", "motion_cheeks", "motion_nose", "motion_mouth", "motion_chin")


def _leave_and_return(faces: list[np.ndarray], speed: int = 15, out: int = 24, gap: int = 5) -> list[np.ndarray]:
    """As tests/face/test_edge_return_h272.py: 10 frames in view, sliding 360 px out over the top edge, `gap`
    empty frames, sliding back in at `speed` px a frame and 10 frames in view (the face's frames ping-pong)."""
    n = len(faces)

    def face(i: int) -> np.ndarray:
        i %= 2 * n - 2
        return faces[i if i < n else 2 * n - 2 - i]

    def shift(img: np.ndarray, by: int) -> np.ndarray:
        h, w = img.shape[:2]
        return cv2.warpAffine(img, np.float32([[1, 0, 0], [0, 1, -by]]), (w, h))

    out_n, in_n = -(-360 // out), -(-360 // speed)
    frames = [face(i) for i in range(10)] + [shift(face(10 + s), out * (s + 1)) for s in range(out_n)]
    frames += [np.zeros_like(faces[0])] * gap
    k = len(frames)
    frames += [shift(face(k + s), max(0, 360 - speed * s)) for s in range(in_n)]
    return frames + [face(k + in_n + s) for s in range(10)]


def _rows(path: Path) -> list[dict]:
    with open_source(path) as src:
        return [r for r in Analysis(src).rows() if r["success"]]


@pytest.fixture(scope="module")
def real() -> list[np.ndarray]:
    return first_frames(REAL, 72)  # 640x360


def test_au6_after_a_return_over_the_edge_reads_as_without_the_relabelling(real, tmp_path, monkeypatch) -> None:
    frames = _leave_and_return(real)
    path = tmp_path / "top.avi"
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (w, h))
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()

    rows = _rows(path)
    with monkeypatch.context() as m:  # the ids before h272: the first frames back a track of their own
        m.setattr(FaceTracker, "final_id", lambda self, tid: tid)
        before = _rows(path)
    assert {r["face_id"] for r in rows} == {0}
    own = [r["frame"] for r in before if r["face_id"] == 1]  # the frames rule 2d relabels
    assert own, "the clip no longer has frames that rule 2d relabels"
    back = {r["frame"]: r for r in before if r["face_id"] == 0 and r["frame"] > max(own)}
    now = {r["frame"]: r for r in rows if r["frame"] in back}
    assert len(now) == len(back) >= 10
    for f in sorted(back):
        for col in COLUMNS:
            # was 5.0 on the 6 frames after the relabelled ones (the reference: NaN), and too high after them
            np.testing.assert_equal(now[f][col], back[f][col], err_msg=f"{col} at frame {f}")
    assert any(np.isfinite(r["AU06_r"]) for r in now.values())  # AU6 is read there, not only NaN
