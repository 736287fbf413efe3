"""A full disk while `analyze_file` writes its rows: the partial meta says `partial` with the rows kept (README:
`partial` "when it stops on Ctrl-C or an error"), though the disk leaves no room for an atomic write's temporary;
it said `running` (with frames_processed 0 and the dead run's pid), and `result_status` read `running`."""

import json

import pytest
from support.clips import write_clip
from test_result_files import _whole_rows, disk_fills_in_rows

from merstudio.analysis.files import analyze_file, result_status
from merstudio.errors import OutputError

N = 40


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N)


def test_a_full_disk_leaves_the_partial_meta_saying_partial(clip, tmp_path, monkeypatch):
    disk_fills_in_rows(monkeypatch, temporaries=True)  # no room for a temporary either
    with pytest.raises(OutputError, match="No space left"):
        analyze_file(clip, tmp_path, "clip")
    rows = _whole_rows(tmp_path / "clip.partial.csv")
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert meta["status"] == "partial" and meta["rows"] == rows and "pid" not in meta, meta
    assert meta["frames_processed"] > 0
    assert result_status(tmp_path, "clip") == "partial"
