"""A cover the lips' check finds reads unknown from its first frame to its last, at 15, 30 and 60 fps: the
decision is centred on the frame (merstudio.face.occlusion.CoverCheck), where a median of past judgements lagged
both edges by 0.2-0.4 s (a false end of a held smile under the cover, the smile unmeasured after it)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.analysis.pipeline import Analysis
from merstudio.io import open_source

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"


def _write(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def _unknown_mouth(path: Path) -> list[int]:
    with open_source(path) as src:
        rows = list(Analysis(src).rows())
    assert all(r["success"] for r in rows)
    return [r["frame"] for r in rows if np.isnan(r["AU12_r"])]


@pytest.mark.parametrize("fps", [15, 30])
def test_a_patch_over_the_mouth_of_a_portrait_reads_unknown_on_exactly_its_frames(tmp_path, fps):
    from support.occluders import astronaut_face, paint_patch

    from merstudio.face.detector import FaceMeshDetector

    face = astronaut_face()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        lm = det.detect(face)[0].landmarks
    covered = paint_patch(face, lm)
    on, off = fps, 2 * fps  # one second covered, after one second bare
    frames = [covered if on <= i < off else face for i in range(3 * fps)]
    assert _unknown_mouth(_write(tmp_path / "patch.avi", frames, fps)) == list(range(on, off))


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")
@pytest.mark.parametrize("step", [2, 1, 0.5])  # 15, 30, 60 fps
def test_a_skin_coloured_box_over_a_held_smile_reads_unknown_on_its_frames_only(tmp_path, step):
    """The real smile (held on frames 20-68 at 30 fps) with a box of skin colour over the mouth on frames 30-59,
    the auditor's ffmpeg drawbox repeated: AU12 read 0.0-0.4 (AU12_c 0) on the first six covered frames and NaN on
    the first six bare ones."""
    with open_source(REAL) as src:
        frames = [rgb for _, rgb in src.iter_frames()]
    for k in range(30, 60):
        frames[k] = frames[k].copy()
        cv2.rectangle(frames[k], (235, 195), (235 + 129, 195 + 84), (0xC8, 0x90, 0x70), -1)
    picked = [frames[int(j * step)] for j in range(int(len(frames) / step))]
    fps = 30 / step
    got = _unknown_mouth(_write(tmp_path / "boxed.avi", picked, fps))
    first, last = round(30 / step), round(60 / step) - 1
    assert got and abs(got[0] - first) <= 1 and abs(got[-1] - last) <= 1
    assert got == list(range(got[0], got[-1] + 1))  # no gap inside the cover


@pytest.mark.parametrize("keyframe_frames", [32, 31])
def test_a_cover_near_a_seam_or_a_restart_reads_alike_split_or_not(tmp_path, keyframe_frames):
    """A cover beginning two frames before a segment's end (a seam at 32) or before the periodic restart: a segment
    decided its last frames without the frames after it (AU12 0.00 on the cover's first frame, NaN unsplit), and a
    restart flushed the frames before it undecided likewise. The segment now reads those frames past its end, and
    the judgements carry across a restart."""
    from support.occluders import astronaut_face, paint_patch

    from merstudio.analysis.files import analyze_file
    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.analysis.segments import analyze_segment, merge_segments, plan_segments
    from merstudio.face.detector import FaceMeshDetector

    face = astronaut_face()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        lm = det.detect(face)[0].landmarks
    covered = paint_patch(face, lm)
    clip = _write(tmp_path / "patch.avi", [covered if 30 <= i < 60 else face for i in range(72)], 30)
    settings = AnalysisSettings(keyframe_s=keyframe_frames / 30)
    whole = analyze_file(clip, tmp_path / "whole", "x", settings)
    plan = plan_segments(whole.frame_count, whole.fps, settings.keyframe_s, settings)
    assert len(plan) > 1
    split = merge_segments([analyze_segment(clip, a, b, settings) for a, b in plan], tmp_path / "split", "x",
                           settings)
    assert split.paths.csv.read_bytes() == whole.paths.csv.read_bytes()
    with open_source(clip) as src:
        rows = list(Analysis(src, settings).rows())
    assert [r["frame"] for r in rows if np.isnan(r["AU12_r"])] == list(range(30, 60))
