"""The analysis aligns each face by its frame's time (h322): the same frames with a hole muxed into .mp4 (exact
times; the header's rate is the mean over the hole) and .mkv (whole milliseconds; the header's rate 30 fps) give
the same rows, where the aligner's smoothing at the mp4's mean rate gave other motion columns (0.18 on the real
clip, before the hole too) and the model was asked on other frames."""

from __future__ import annotations

from fractions import Fraction

import cv2
import numpy as np
import pytest
from support.real_clips import DEMO, first_frames
from support.vfr_clips import write_at_ticks

KEPT = [i for i in range(36) if not 16 <= i <= 23]  # 30 fps frames, 8 gone (0.3 s: past the smoothing's 1/6 s)


def _rows(path) -> list[dict]:
    from merstudio.analysis.pipeline import Analysis, AnalysisSettings
    from merstudio.io import open_source

    with open_source(path) as src:
        assert src.is_vfr
        return list(Analysis(src, AnalysisSettings(occlusion=False)).rows())  # no hands to look for: quicker


@pytest.mark.slow  # two short analyses, about 4 s
@pytest.mark.filterwarnings("ignore::merstudio.io.frames.SourceWarning")  # the variable rate, as it should
def test_the_same_frames_in_mp4_and_mkv_give_the_same_rows(tmp_path) -> None:
    frames = first_frames(DEMO, 36)  # the demo's face, its head moving a little; half size: quicker
    picked = [cv2.resize(frames[i], (320, 240), interpolation=cv2.INTER_AREA) for i in KEPT]
    options = {"qp": "0", "bf": "0"}  # lossless: the two decode to the same pictures
    mp4 = _rows(write_at_ticks(tmp_path / "hole.mp4", picked, [i * 512 for i in KEPT], Fraction(1, 15360), options))
    mkv = _rows(write_at_ticks(tmp_path / "hole.mkv", picked, [round(i * 1000 / 30) for i in KEPT],
                               Fraction(1, 1000), options))
    assert len(mp4) == len(mkv) == len(KEPT)
    for a, b in zip(mp4, mkv, strict=True):
        assert abs(a.pop("timestamp") - b.pop("timestamp")) < 0.001  # the mkv's whole milliseconds
        differ = {k: (a[k], b[k]) for k in a if not (a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]))}
        assert not differ, (a["frame"], differ)  # at the mp4's mean rate motion* differed from frame 6 (hole: 16)
    assert np.nanmax([r["motion"] for r in mp4]) > 0.05  # there is motion to smooth
