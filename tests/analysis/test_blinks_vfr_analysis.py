"""A variable-rate video's blinks go by the frames' times in the analysis (the AU estimator gives the blink marker
each frame's time): the bundled demo's blink at 30 fps in a video averaging 15 fps reads AU6 as the constant-rate
copy does round it. In frames of the mean rate (one frame, 0.03 s, either side of the shut frames) the lids opening
read AU6 1.3-1.6 for 0.1 s where the constant-rate copy reads 0."""

from __future__ import annotations

import numpy as np
import pytest
from support.vfr_clips import write_kept_frames


def _au6(path) -> dict[int, float]:
    """{time in ms: AU06_r} of face 0."""
    from merstudio.analysis.pipeline import Analysis
    from merstudio.features.aus import au_r
    from merstudio.io import open_source

    with open_source(path) as src:
        rows = [r for r in Analysis(src).rows() if r["face_id"] == 0]
    return {round(r["timestamp"] * 1000): r[au_r(6)] for r in rows}


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::merstudio.io.frames.SourceWarning")  # the variable rate, as it should
def test_the_demos_blink_at_30_fps_in_a_15_fps_video_reads_au6_as_at_a_constant_rate(tmp_path):
    import av

    from merstudio.resources import demo_video

    with av.open(str(demo_video())) as c:  # frames 200-339: the blink shuts on 273-275, here 73-75 (2.43-2.5 s)
        frames = [f.to_ndarray(format="rgb24") for _, f in zip(range(340), c.decode(video=0), strict=False)][200:]
    kept = [k for k in range(len(frames)) if 62 <= k <= 90 or k % 3 == 0]  # 30 fps from 2.07 s to 3 s, else 10
    cfr = _au6(write_kept_frames(tmp_path / "cfr.mp4", frames, range(len(frames))))
    vfr = _au6(write_kept_frames(tmp_path / "vfr.mp4", frames, kept))
    assert 14 < (len(kept) - 1) / ((kept[-1] - kept[0]) / 30) < 15  # the mean rate: one frame is 0.07 s
    opening = [round(k / 30 * 1000) for k in (77, 78, 79)]  # the frames after the shut ones: the lids opening
    assert max(abs(cfr[t]) for t in opening) < 0.2, cfr
    assert max(abs(vfr[t] - cfr[t]) for t in opening) < 0.3, (vfr, cfr)
    both = sorted(set(cfr) & set(vfr))
    assert np.nanmean([abs(vfr[t] - cfr[t]) for t in both]) < 0.1
