"""A face back after a screen share that spans one of the analysis's restarts (every keyframe_s; they clear the
tracker's appearance memory, so rule 2b alone gave it a new id) takes its earlier id, in an unsplit run and in a
split one alike (merstudio.face.tracker.ReturnLabels, rule 2c). Built from the real clip: its 72 frames, a slide of
6 s, then the same frames again (or their mirror image: another face to the tracker's crop, a new id)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pandas as pd
import pytest
from support.damaged_clips import write_h264

from merstudio.analysis.files import analyze_file
from merstudio.analysis.pipeline import AnalysisSettings, restart_frames
from merstudio.analysis.segments import analyze_in_segments
from merstudio.face.tracker import ReturnLabels, TrackRecord

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces" / "smile_man.mp4"
N, SLIDE = 72, 180  # the clip's frames; the slide's (6 s at 30 fps)
BACK = N + SLIDE  # the frame the face is back
SETTINGS = AnalysisSettings(keyframe_s=3.0)  # restarts at 60, 150, 240 (90-frame grid, 30 frames of warm-up)

real_clip = pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/real-faces/smile_man.mp4 is absent")


def _clip(path: Path, mirrored: bool) -> Path:
    with av.open(str(REAL)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)][:N]
    slide = np.full_like(frames[0], 245)
    slide[:60] = (30, 60, 120)

    def picture(i: int) -> np.ndarray:
        if i < N:
            return frames[i]
        if i < BACK:
            return slide
        f = frames[i - BACK]
        return np.ascontiguousarray(f[:, ::-1]) if mirrored else f

    return write_h264(path, BACK + N, picture)


def _faces(csv: Path) -> dict[int, tuple[int, int, int]]:
    """face id -> (first frame, last frame, rows)."""
    d = pd.read_csv(csv)
    return {int(k): (int(g.frame.min()), int(g.frame.max()), len(g)) for k, g in d[d.face_id >= 0].groupby("face_id")}


@pytest.mark.slow
@real_clip
def test_a_face_back_across_a_restart_keeps_its_id_split_or_not(tmp_path):
    clip = _clip(tmp_path / "back.mp4", mirrored=False)
    # the slide holds a restart: the tracker's appearance memory is cleared while the face is away
    assert {150, 240} <= restart_frames(SETTINGS, 30.0, 1, BACK + N)
    whole = analyze_file(clip, tmp_path / "whole", "back", SETTINGS)
    assert whole.face_ids == [0]
    assert _faces(whole.paths.csv) == {0: (0, BACK + N - 1, 2 * N)}
    split = analyze_in_segments(clip, tmp_path / "split", "back", SETTINGS, max_seconds=3.0)  # 4 segments
    assert split.face_ids == [0]
    assert split.paths.csv.read_bytes() == whole.paths.csv.read_bytes()
    assert split.paths.spots.read_bytes() == whole.paths.spots.read_bytes()
    assert split.portraits == whole.portraits and split.face_frames == whole.face_frames == {0: 2 * N}


@pytest.mark.slow
@real_clip
def test_another_face_after_the_slide_gets_a_new_id(tmp_path):
    clip = _clip(tmp_path / "mirror.mp4", mirrored=True)
    whole = analyze_file(clip, tmp_path / "whole", "mirror", SETTINGS)
    assert _faces(whole.paths.csv) == {0: (0, N - 1, N), 1: (BACK, BACK + N - 1, N)}
    split = analyze_in_segments(clip, tmp_path / "split", "mirror", SETTINGS, max_seconds=3.0)
    assert split.paths.csv.read_bytes() == whole.paths.csv.read_bytes()


def _record(first: int, last: int, face: np.ndarray, rival: float = -1.0) -> TrackRecord:
    geometry = np.linspace(0.5, 1.5, 171)
    return TrackRecord(first, face, np.ones(face.shape, bool), geometry, np.ones(171, bool), rival, last, face,
                       geometry)


def test_the_rule_on_records():
    """Faces as 32x32 crops: the same crop correlates 1.0, two independent noise crops about 0."""
    rng = np.random.default_rng(0)
    a, b = (rng.normal(size=(32, 32)).astype(np.float32) for _ in range(2))

    def run(records: dict[int, TrackRecord], restart: int = 50) -> dict[int, int]:
        labels = ReturnLabels(lambda i: i / 30.0)
        for frame in sorted({r.first for r in records.values()}):
            labels.arrive(frame, sorted(t for t, r in records.items() if r.first == frame), records,
                          restart if frame >= restart else None)
        return labels.final

    # face a gone before the restart, back after it; face b new: ids 0 and 1, none skipped
    assert run({0: _record(0, 10, a), 1: _record(60, 90, a), 2: _record(60, 90, b)}) == {0: 0, 1: 0, 2: 1}
    # not before a restart: the tracker's own rules decided (a new id here)
    assert run({0: _record(0, 10, a), 1: _record(30, 40, a)}) == {0: 0, 1: 1}
    # two new faces of one frame ask for the same earlier face: neither takes it
    assert run({0: _record(0, 10, a), 1: _record(60, 90, a), 2: _record(60, 90, a)}) == {0: 0, 1: 1, 2: 2}
    # a face the tracker knew when the new one began looks as much like it (rival): a new id
    assert run({0: _record(0, 10, a), 1: _record(60, 90, a, rival=0.95)}) == {0: 0, 1: 1}
    # two earlier faces alike: seen in one frame (two people), so a new id; never together (one person split
    # before), so the one seen last takes it
    together = {0: _record(0, 10, a), 1: _record(0, 20, a), 2: _record(60, 90, a)}
    together[0].met, together[1].met = {1}, {0}
    assert run(together) == {0: 0, 1: 1, 2: 2}
    apart = {0: _record(0, 10, a), 1: _record(12, 20, a), 2: _record(60, 90, a)}
    assert run(apart)[2] == 1
    # gone less than coast_frames before the new one began: it may still come back by continuity
    assert run({0: _record(0, 49, a), 1: _record(52, 90, a)}) == {0: 0, 1: 1}
