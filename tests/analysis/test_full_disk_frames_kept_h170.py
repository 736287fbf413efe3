"""A full disk while `analyze_file` writes its rows: the partial meta's `frames_processed` (and the result's `frames`,
which the stop line's "frames 0-N kept" names) counts the frames whose rows the file kept, not the frames analysed
before the write failed (410 against 378 rows kept on a 150 KB tmpfs)."""

import csv
import json

import pytest
from support.clips import write_clip
from test_result_files import _FullDisk, disk_fills_in_rows

from merstudio.analysis.files import _RowWriter, analyze_file
from merstudio.errors import OutputError

N = 40


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N)


def test_a_full_disk_counts_the_frames_the_rows_file_kept(clip, tmp_path, monkeypatch):
    disk_fills_in_rows(monkeypatch, temporaries=True)
    with pytest.raises(OutputError, match="No space left"):
        analyze_file(clip, tmp_path, "clip")
    with open(tmp_path / "clip.partial.csv", newline="") as fh:
        frames = {int(r["frame"]) for r in csv.DictReader(fh)}
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert frames and frames == set(range(len(frames))), frames
    assert meta["frames_processed"] == len(frames), (meta["frames_processed"], len(frames))


def test_a_frame_cut_between_two_writes_is_not_counted(tmp_path):
    """Rows of one frame (several faces) split by a failed write: that frame is not whole in the file."""
    w = _RowWriter(tmp_path / "x.csv", ["frame", "face_id"])
    w._fh = _FullDisk(w._fh)
    w.write_all([{"frame": 0, "face_id": 0}, {"frame": 1, "face_id": 0}])
    w.flush()
    w.write_all([{"frame": 1, "face_id": 1}, {"frame": 2, "face_id": 0}])
    w._fh.full = True  # the disk is full from now on
    with pytest.raises(OutputError):
        w.flush()
    w.close()
    assert w.failed and w.rows == 2 and w.last_whole_frame == 0
