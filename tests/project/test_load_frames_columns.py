"""Project.load_frames(columns=...): only the stored columns asked for, as float32 (what the app's curves keep;
gui/results_loader.py reads a 60-minute video's this way), the same values as the whole table's."""

import numpy as np


def test_only_the_columns_asked_for_as_float32(project):
    vid = project.videos()[0].id
    whole = project.load_frames(vid)
    some = project.load_frames(vid, columns=lambda c: c.startswith("AU"))
    assert list(some.columns) == ["frame", "face_id", "timestamp", "confidence", "success"] + \
        [c for c in whole.columns if c.startswith("AU")]
    assert len(some) == len(whole) == 40
    for c in some.columns[5:]:
        assert some[c].dtype == np.float32, c
        assert np.array_equal(some[c].to_numpy(np.float64), whole[c].to_numpy(np.float64)), c
    assert (some["face_id"] == whole["face_id"]).all() and some["frame"].dtype == np.int64
    none = project.load_frames(vid, columns=lambda c: False)
    assert list(none.columns) == ["frame", "face_id", "timestamp", "confidence", "success"]
