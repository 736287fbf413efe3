"""The micro-motion lane on a variable-rate video (a phone's recording): given the frames' times, the baseline is the
frame nearest `lag_s` before, so the motion over equal time lags reads the same whatever the momentary rate (with
k frames from the mean rate, the real clip's 30 fps part read 24 % low and its 10 fps part 11 % high)."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.features.micromotion import MicroMotionEstimator
from merstudio.synth import warps as W

# 0.8 s at 30 fps, then 1 s at 10 fps; the estimator's rate is the mean (20 fps: k = 4 frames).
TIMES = np.concatenate([np.arange(24) / 30.0, 0.8 + np.arange(10) / 10.0])
MEAN_FPS = (len(TIMES) - 1) / TIMES[-1]


def _ramp(aligned_face, times: np.ndarray, speed: float = 3.0) -> list[np.ndarray]:
    """The aligned face's inner brows rising steadily (AU1 amplitude `speed` x t, from -2.7 to 2.7 where the warp
    is about linear): equal time lags, equal movement."""
    rng = np.random.default_rng(0)
    img, lm = aligned_face.image, aligned_face.landmarks
    return [W.sensor_noise(W.warp(img, W.au_displacement(lm, img.shape[:2], {1: speed * (t - 0.9)})), 1.0, rng)
            for t in times]


def test_motion_over_equal_time_lags_is_equal_whatever_the_rate(aligned_face):
    est = MicroMotionEstimator(fps=MEAN_FPS)
    assert est.k == 4
    out = [est.update(0, i, img, aligned_face.landmarks, time=float(t))
           for i, (img, t) in enumerate(zip(_ramp(aligned_face, TIMES), TIMES, strict=True))]
    motion = np.array([m.motion for m in out])
    assert np.isnan(motion[:6]).all() and np.isfinite(motion[6:]).all()  # a baseline from 0.2 s on
    fast, slow = np.median(motion[6:24]), np.median(motion[26:])  # 30 fps, 10 fps (its baselines at 10 fps too)
    assert fast > 0.2, fast  # the still face's noise reads about 0.03
    assert 0.85 < slow / fast < 1.18, (fast, slow)  # k = 4 frames of the mean rate: 0.13 s, then 0.4 s (x3)
    assert [m.base for m in out[6:24]] == list(range(0, 18))  # 6 frames back at 30 fps ...
    assert [m.base for m in out[26:]] == list(range(24, 32))  # ... 2 at 10 fps


def test_the_baseline_is_the_frame_nearest_the_lag_before_and_a_gap_leaves_none(aligned_face):
    img, lm = aligned_face.image, aligned_face.landmarks
    est = MicroMotionEstimator(fps=20.0)
    # 0, 0.07, 0.14, 0.21, 0.28 s: 0.2 s before 0.28 is 0.08, nearest 0.07 (frame 1); before 0.21, 0.01 (frame 0)
    out = [est.update(0, i, img, lm, time=0.07 * i) for i in range(5)]
    assert [m.base for m in out] == [None, None, None, 0, 1]
    # 0.5 s at 2 fps: the baseline is at least one frame back (the previous one, 0.5 s before)
    slow = MicroMotionEstimator(fps=2.0)
    assert [slow.update(0, i, img, lm, time=0.5 * i).base for i in range(3)] == [None, 0, 1]
    # the track missed frames 2-3 (0.2 s before frames 8-9): no baseline there, as on a constant rate
    gap = MicroMotionEstimator(fps=30.0)
    bases = [gap.update(0, i, img, lm, time=i / 30.0).base for i in (0, 1, 4, 5, 6, 7, 8, 9, 10, 11)]
    assert bases == [None] * 4 + [0, 1, None, None, 4, 5], bases  # 8 and 9 would compare with 2 and 3
    # a time repeated between frames in order (a container's duplicate): the history goes on (it restarted: frames 3
    # and 4 had no baseline); and a seek back still restarts it
    rep = MicroMotionEstimator(fps=10.0)
    assert [rep.update(0, i, img, lm, time=t).base for i, t in enumerate((0, .1, .2, .2, .3))] == \
        [None, None, 0, 0, 1]
    assert rep.update(0, 2, img, lm, time=.2).base is None
    # a pause in the recording: the frame after it is compared with nothing, not with one 5 s older
    pause = MicroMotionEstimator(fps=10.0)
    assert [pause.update(0, i, img, lm, time=t).base for i, t in enumerate((0, .1, .2, .3, 5.3, 5.4, 5.5))] == \
        [None, None, 0, 1, None, 4, 4]  # after it the nearest frame to 0.2 s before, the pause's end


def test_a_constant_rate_still_counts_frames(aligned_face):
    img, lm = aligned_face.image, aligned_face.landmarks
    est = MicroMotionEstimator(fps=30.0)
    assert [est.update(0, i, img, lm).base for i in range(8)] == [None] * 6 + [0, 1]


def test_a_cover_on_the_time_baseline_frame_hides_the_motion_on_a_variable_rate(portrait):
    """The AU estimator reads the cover (and the blink) of the frame the baseline really is: 6 frames back at
    30 fps, where k from a 10 fps mean rate is 2."""
    from merstudio.features.aus import AUEstimator

    crop, obs, aligner = portrait
    est = AUEstimator(fps=10.0)
    rows = {}
    for i in range(22):
        aligned = aligner.align(0, obs.landmarks, crop, frame_index=i)
        covered = {"mouth": 1.0} if i in (10, 11) else {}
        for act in est.push(0, obs, aligned, i, covered, time=i / 30.0):
            rows[act.frame_index] = act
    for act in est.flush():
        rows[act.frame_index] = act
    unknown = {i for i, a in rows.items() if np.isnan(a.micro.regions["mouth"])}
    # 0-5 have no baseline yet; 10-11 covered; 16-17 compare with a covered frame
    assert unknown == {0, 1, 2, 3, 4, 5, 10, 11, 16, 17}, sorted(unknown)
    assert all(np.isfinite(rows[i].micro.regions["brows"]) for i in range(6, 22))
    # AU6's eye evidence: the frames of the last 0.25 s (8 at 30 fps), not 3 from the 10 fps mean
    assert len(est._tracks[0].au6_eye) == 8


def test_a_phone_like_variable_rate_clip_reads_the_motion_of_the_constant_rate_one(smile_clip, smile_table, tmp_path):
    """The real clip re-encoded as a variable-rate video (its 36 first frames at 30 fps, then every third: 10 fps)
    through the whole analysis reads the motion of the original at the same source frames (with k = 4 frames of
    the 21.8 fps mean rate the 30 fps part read 24 % low)."""
    import subprocess

    import imageio_ffmpeg
    import pandas as pd

    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source
    from merstudio.io.frames import SourceWarning

    vfr = tmp_path / "vfr.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(smile_clip), "-vf",
                    r"select='lt(n\,36)+eq(mod(n\,3)\,0)',setpts=PTS-STARTPTS", "-fps_mode", "vfr",
                    "-c:v", "libx264", str(vfr)], check=True, timeout=120)
    with pytest.warns(SourceWarning, match="variable frame rate"), open_source(vfr) as src:
        assert src.is_vfr
        rows = pd.DataFrame(Analysis(src).rows())
    orig = smile_table[0].set_index("frame")["motion"]
    got = rows[rows.face_id >= 0].set_index("frame")["motion"]
    source = np.array([j if j < 36 else 36 + 3 * (j - 36) for j in got.index])
    x, y = got.to_numpy(), orig.loc[source].to_numpy()
    ok = np.isfinite(x) & np.isfinite(y)
    fast, slow = ok & (source < 36), ok & (source >= 36)
    assert fast.sum() >= 25 and slow.sum() >= 10
    assert 0.9 < x[fast].sum() / y[fast].sum() < 1.12, (x[fast].sum(), y[fast].sum())
    assert np.mean(np.abs(x[fast] - y[fast])) < 0.1
    assert 0.8 < x[slow].sum() / y[slow].sum() < 1.2, (x[slow].sum(), y[slow].sum())
