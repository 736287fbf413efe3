import pandas as pd
import pytest
from support.clips import write_clip

from merstudio.analysis.pipeline import Analysis
from merstudio.analysis.remote import ProcessAnalysis
from merstudio.errors import MerstudioError
from merstudio.io import open_source


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=90)


def test_same_rows_and_spots_as_in_process(clip):
    with open_source(clip) as src:
        local = Analysis(src)
        expected = list(local.rows())
    remote = ProcessAnalysis(clip)
    seen = []
    rows = list(remote.rows(progress=lambda d, n: seen.append((d, n))))
    # NaN (no baseline yet, unknown pose) != NaN, so compare as tables
    pd.testing.assert_frame_equal(pd.DataFrame(rows), pd.DataFrame(expected))
    assert remote.spots() == local.spots()
    assert seen[-1] == (90, 90) and not remote.cancelled


def test_cancel_stops_the_child(clip):
    remote = ProcessAnalysis(clip)
    got = []
    for row in remote.rows(cancel=lambda: len(got) >= 5):
        got.append(row)
    assert remote.cancelled and remote.frames_done < 90
    assert not remote._proc.is_alive()


def test_bad_input_is_a_user_error(tmp_path):
    bad = tmp_path / "x.avi"
    bad.write_bytes(b"nope")
    with pytest.raises(MerstudioError, match="x.avi"):
        ProcessAnalysis(bad)


def test_the_child_reports_the_models_class_names(clip):
    # the spots' labels are named after them (a column p_happily_surprised is the class "happily surprised")
    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.model import read_checkpoint_meta
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    remote = ProcessAnalysis(clip, AnalysisSettings(checkpoint=str(ckpt)))
    try:
        assert remote.class_names == list(read_checkpoint_meta(ckpt)["class_names"])
    finally:
        remote.close()
    remote = ProcessAnalysis(clip)
    try:
        assert remote.class_names == []
    finally:
        remote.close()
