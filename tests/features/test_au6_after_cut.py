"""AU6 of a person the video cuts back to in the middle of a blink (the auditor's cut clip, built here from the real
smile clip): the blink is not read as a cheek raise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def cut_rows(smile_clip, tmp_path_factory) -> pd.DataFrame:
    """The real clip's frames 0-23, a cut to the demo's face (24 frames, cropped to the same size), and a cut back to
    the clip's frames 24-47, whose blink (the clip's 26-28, inside the held smile coded 6+12+25) comes two frames
    after the cut."""
    import cv2

    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source
    from merstudio.resources import demo_video

    def frames(path, n):
        cap, out = cv2.VideoCapture(str(path)), []
        while len(out) < n:
            ok, f = cap.read()
            if not ok:
                break
            out.append(f)
        cap.release()
        return out

    smile, demo = frames(smile_clip, 48), frames(demo_video(), 24)
    assert len(smile) == 48 and len(demo) == 24 and smile[0].shape == (360, 640, 3)
    clip = tmp_path_factory.mktemp("cuts") / "cuts.mp4"
    out = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 30, (640, 360))
    for f in smile[:24] + [d[60:420] for d in demo] + smile[24:]:
        out.write(f)
    out.release()
    with open_source(clip) as src:
        rows = pd.DataFrame(list(Analysis(src).rows()))
    return rows


def test_a_blink_right_after_a_cut_back_is_no_cheek_raise(cut_rows, smile_table):
    uncut = smile_table[0].set_index("frame")
    back = cut_rows[cut_rows["frame"] >= 48].set_index("frame")
    assert back["face_id"].nunique() == 1 and len(back) == 24
    by_clip = back.set_index(back.index - 24)  # the clip's own frame numbers
    shut = by_clip.index[by_clip["AU45_r"] >= 1.0]
    assert list(shut) == [26, 27, 28]  # the blink, as in the uncut clip
    # It read 5.0 here (the shut lids' narrowing, with no earlier evidence to hold after the cut), 1.64 uncut.
    # Nothing tells the cheeks while the lids blink: unknown, from the first frame back to the blink's opening.
    assert by_clip.loc[24:30, "AU06_r"].isna().all(), by_clip.loc[24:30, "AU06_r"]
    assert by_clip.loc[24:30, "AU06_c"].isna().all()  # unknown too, not 0 (absent)
    # Once 0.25 s of the eyes after the blink are in, it reads as the uncut clip does.
    late = range(35, 48)
    assert np.allclose(by_clip.loc[late, "AU06_r"], uncut.loc[late, "AU06_r"], atol=0.5)
    assert (by_clip.loc[late, "AU06_c"] == 1).all()
    # The other AUs are not touched: the smile holds through the blink.
    assert (by_clip.loc[24:47, "AU12_r"] >= 4.0).all()
