"""The note on what a py-feat export lacks lists no empty item."""

from __future__ import annotations

import pandas as pd

from merstudio.interchange.pyfeat import BOX_COLUMNS, write_pyfeat


def test_absent_columns_are_listed_without_an_empty_item(tmp_path):
    """A table with every AU py-feat names and its face boxes (one read from py-feat): only the rest is absent."""
    boxes = {c: [v, v] for c, v in zip(BOX_COLUMNS, (10.0, 20.0, 110.0, 140.0), strict=True)}
    frames = pd.DataFrame({"frame": [0, 1], "face_id": [0, 0], "timestamp": [0.0, 0.04], "success": [1, 1],
                           "confidence": [0.9, 0.9], **boxes,
                           **{f"AU{a:02d}_r": [1.0, 2.0] for a in (1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 17,
                                                                    20, 23, 24, 25, 26, 28, 43)}})
    note = write_pyfeat(frames, tmp_path / "f.csv")
    absent = note.split("py-feat columns absent: ", 1)[1]
    assert absent.startswith("landmarks, Pitch/Roll/Yaw, emotions, input, approx_time")
