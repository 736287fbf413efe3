"""A per-frame table read as a coder (events_from_frames): an AU covered for part of a run counts over the frames
where it is known. Unknown frames counted as absent dropped AU6 from a smile whose eyes were covered for 6 of its
10 frames (AUs "12" instead of "6+12")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from merstudio.agreement.frames import events_from_frames


def test_an_au_covered_for_part_of_a_run_is_judged_on_the_frames_it_was_seen() -> None:
    n = 10
    df = pd.DataFrame({"frame": np.arange(n), "face_id": 0, "success": 1,
                       "AU12_r": 3.0, "AU12_c": 1,
                       "AU06_r": [2.0] * 4 + [np.nan] * 6, "AU06_c": pd.array([1] * 4 + [None] * 6, dtype="Int8"),
                       "AU04_r": [0.0] * 4 + [np.nan] * 6, "AU04_c": pd.array([0] * 4 + [None] * 6, dtype="Int8")})
    evs = events_from_frames(df, video_id=1)
    assert [(e.onset, e.offset) for e in evs] == [(0, 9)]
    assert evs[0].aus == "6+12"  # AU4: known absent on its 4 frames, unknown on the rest: not in


def test_an_au_never_seen_in_the_run_is_not_in_it() -> None:
    df = pd.DataFrame({"frame": np.arange(4), "face_id": 0, "success": 1, "AU12_r": 3.0, "AU12_c": 1,
                       "AU06_r": np.nan, "AU06_c": pd.array([None] * 4, dtype="Int8")})
    assert [e.aus for e in events_from_frames(df, video_id=1)] == ["12"]
