"""What an OpenFace 2 round trip keeps (our per-frame table -> `convert --to openface` -> read back): the tests of
`convert RESULT.csv --to openface` and of `convert --project P --export --to openface` check the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.interchange import read_openface


def assert_round_trip(ours: pd.DataFrame, back: pd.DataFrame, openface_csv: Path, frames: int) -> None:
    """`back` (the OpenFace file read back as ours) holds `ours`' frames, faces and AUs within OpenFace's 2 decimals,
    its presences unknown (NaN) where ours are (an empty AUxx_c, never read back as 0: absent), and `openface_csv`
    reads as OpenFace's own: numbered from 1, nothing amiss over `frames` frames."""
    for c in ("frame", "face_id", "success"):
        assert back[c].tolist() == ours[c].tolist(), c
    for c in ("AU05_c", "AU12_c", "AU45_c"):  # NaN where NaN
        np.testing.assert_array_equal(back[c].to_numpy(float), ours[c].to_numpy(float), err_msg=c)
    for c in ("timestamp", "AU05_r", "AU12_r", "AU45_r"):
        np.testing.assert_allclose(back[c], ours[c], atol=0.0051, err_msg=c)  # NaN where NaN: gaps stay gaps
    t = read_openface(openface_csv, fps=30.0, frame_count=frames)
    assert t.one_based and t.mismatches == []
