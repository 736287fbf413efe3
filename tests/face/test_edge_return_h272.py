"""A face that leaves over the frame's edge and comes back carries its id from its first frame back (h272).

The tracker tells who a face coming in over the edge is only once enough of it is in view (rule 2d, EDGE_MIN), or,
when the first fit of the face coming in reads off, on the frame after it: its first frames were a track of their
own, a new id in the rows for 1 (the real face coming back fast over the right edge) to 7 frames (slowly over the top
edge; 4-11 frames at 6-16 px a frame in a grid of clips). The analysis now holds those frames until the tracker has decided (`FaceTracker.undecided_from`, at most
rule 2d's window) and gives them the id decided (`final_id`); another face coming in there keeps an id of its own,
and a split run reads past a segment's end until the decision, so it numbers the faces as an unsplit run."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.real_clips import DEMO, NEEDS_REAL, REAL, first_frames

from merstudio.analysis.pipeline import Analysis
from merstudio.face.tracker import LATE_WINDOW_S, FaceTracker
from merstudio.io import open_source

pytestmark = NEEDS_REAL

# (direction, pixels a frame coming back): "right" is told on the frame after its first (its first fit's geometry
# read 0.09 off, a one-frame track), "top" once 70 % of it is in view, 7 frames after its first
SCENES = {"right": ((1, 0), 12), "top": ((0, -1), 10)}


def _shift(img: np.ndarray, d: tuple[int, int], by: int) -> np.ndarray:
    h, w = img.shape[:2]
    return cv2.warpAffine(img, np.float32([[1, 0, d[0] * by], [0, 1, d[1] * by]]), (w, h))


def _leave_and_return(faces: list[np.ndarray], d: tuple[int, int], speed: int, still: int = 10, out: int = 24,
                      gap: int = 5) -> list[np.ndarray]:
    """`still` frames of `faces` in view, sliding 360 px out over the edge (`out` px a frame), `gap` empty frames,
    sliding back in at `speed` and 5 frames in view (the face's frames go on through its clip, forth and back)."""
    n = len(faces)

    def face(i: int) -> np.ndarray:
        i %= 2 * n - 2
        return faces[i if i < n else 2 * n - 2 - i]

    out_n, in_n = -(-360 // out), -(-360 // speed)
    frames = [face(i) for i in range(still)] + [_shift(face(still + s), d, out * (s + 1)) for s in range(out_n)]
    frames += [np.zeros_like(faces[0])] * gap
    k = len(frames)
    frames += [_shift(face(k + s), d, max(0, 360 - speed * s)) for s in range(in_n)]
    return frames + [face(k + in_n + s) for s in range(5)]


def _write(path: Path, frames: list[np.ndarray]) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (w, h))
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def _ids(path: Path, **settings: object) -> dict[int, list[int]]:
    """The analysis' face ids -> their frames."""
    from merstudio.analysis.pipeline import AnalysisSettings

    with open_source(path) as src:
        rows = list(Analysis(src, AnalysisSettings(**settings)).rows())  # type: ignore[arg-type]
    out: dict[int, list[int]] = {}
    for r in rows:
        if r["success"]:
            out.setdefault(r["face_id"], []).append(r["frame"])
    return out


@pytest.fixture(scope="module")
def real() -> list[np.ndarray]:
    return first_frames(REAL, 72)  # 640x360


@pytest.mark.parametrize("scene", SCENES)
def test_a_face_back_over_the_edge_carries_its_id_from_its_first_frame(real, tmp_path, scene) -> None:
    d, speed = SCENES[scene]
    frames = _leave_and_return(real, d, speed)
    ids = _ids(_write(tmp_path / f"{scene}.avi", frames))
    assert list(ids) == [0]  # was id 1 on the first frame(s) back (right: 1, top: 7)
    assert max(ids[0]) == len(frames) - 1 and any(30 <= f < len(frames) - 10 for f in ids[0])  # found coming in


def test_the_tracker_says_which_frames_it_has_not_decided(real) -> None:
    frames = _leave_and_return(real, *SCENES["top"])
    raw, undecided = [], []
    with FaceTracker(max_faces=1) as tracker:
        for i, rgb in enumerate(frames):
            raw.append([f.track_id for f in tracker.update(i, rgb)])
            undecided.append(tracker.undecided_from())
    new = [i for i, r in enumerate(raw) if r == [1]]  # a track of its own while too little of it is in view
    assert new and {tracker.final_id(t) for r in raw for t in r} == {0}
    # undecided from its first frame until it was told, decided before and after
    assert [i for i, u in enumerate(undecided) if u is not None] == new
    assert {undecided[i] for i in new} == {new[0]} and len(new) < LATE_WINDOW_S * 30


def test_another_face_coming_in_there_keeps_its_own_id(real, tmp_path) -> None:
    demo = [f[60:420] for f in first_frames(DEMO, 72)]  # the demo's face, at the real clip's frame size
    frames = _leave_and_return(real, *SCENES["top"])
    other = _leave_and_return(demo, *SCENES["top"])
    ids = _ids(_write(tmp_path / "other.avi", frames[:30] + other[30:]))
    assert sorted(ids) == [0, 1] and max(ids[0]) < 30 and min(ids[1]) >= 30


def test_a_split_run_reads_past_its_end_for_the_decision(real, tmp_path) -> None:
    """A seam in the frames the tracker held: the face back over the top edge is a track of its own on 65-68 and
    told on 69; the segment ending at 66 (restarts every 66 frames) gave frame 65 the new id without the frames after
    its end (its cover checks read 2 past it)."""
    from merstudio.analysis.files import analyze_file
    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.analysis.segments import analyze_segment, merge_segments, plan_segments

    clip = _write(tmp_path / "seam.avi", _leave_and_return(real, *SCENES["top"], still=40, out=72, gap=2))
    settings = AnalysisSettings(keyframe_s=66 / 30)
    whole = analyze_file(clip, tmp_path / "whole", "x", settings)
    plan = plan_segments(whole.frame_count, whole.fps, settings.keyframe_s, settings)
    assert plan[0] == (0, 66)
    split = merge_segments([analyze_segment(clip, a, b, settings) for a, b in plan], tmp_path / "split", "x",
                           settings)
    assert split.paths.csv.read_bytes() == whole.paths.csv.read_bytes()
    assert list(_ids(clip, keyframe_s=settings.keyframe_s)) == [0]
