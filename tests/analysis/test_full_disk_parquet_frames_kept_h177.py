"""A full disk while `analyze_file` writes a Parquet table: the partial meta's `rows` and `frames_processed` count
the rows and frames the partial file keeps, as the CSV route does (test_full_disk_frames_kept_h170), not the frames
analysed before the write failed. pyarrow writes no footer once a row group's write failed, so a disk that fills
part-way through a row group leaves a file that holds no readable row; a write refused before any byte (the writer
still sound) leaves the row groups written before, readable."""

import errno
import json

import pyarrow.parquet as pq
import pytest
from support.clips import write_clip
from test_result_files import _FullDisk

import merstudio.analysis.outputs as outputs
from merstudio.analysis.files import analyze_file
from merstudio.analysis.outputs import ParquetRowWriter
from merstudio.errors import OutputError

N = 40
GROUPS = 6  # row groups written whole before the disk fills (one row each: one face per frame)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N)


def parquet_disk_fills(monkeypatch, groups: int | None, torn: bool = True) -> None:
    """From now on the Parquet writer writes a row group per row, and the disk is full after `groups` of them
    (None: every row group fits, the footer does not): `torn`, part-way through the next write (the bytes that fit
    are written, then ENOSPC, as a real full disk does); else that row group's write is refused before any byte."""
    monkeypatch.setattr(outputs, "ROW_GROUP_CELLS", 1)
    real = pq.ParquetWriter

    class FillingWriter(real):  # type: ignore[misc, valid-type]
        def __init__(self, where, schema, **kwargs):
            self.sink, self.groups = _FullDisk(open(where, "wb")), 0  # noqa: SIM115 - closed in close()
            self.sink.limit = 1 << 40
            super().__init__(self.sink, schema, **kwargs)

        def write_table(self, table, *args, **kwargs):
            if self.groups == groups:
                if not torn:
                    raise OSError(errno.ENOSPC, "No space left on device")
                self.sink.limit = self.sink.written + 100
            self.groups += 1
            return super().write_table(table, *args, **kwargs)

        def close(self):
            if groups is None:
                self.sink.limit = self.sink.written + 10
            try:
                super().close()
            finally:
                self.sink.close()

    monkeypatch.setattr(pq, "ParquetWriter", FillingWriter)


def _kept(tmp_path):
    """The partial meta, and the frames of the rows the partial table holds (none where it is gone or unreadable)."""
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    part = tmp_path / "clip.partial.parquet"
    try:
        frames = pq.read_table(part, columns=["frame"]).column("frame").to_pylist()
    except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        frames = []
    return meta, frames


def test_a_disk_full_part_way_through_a_row_group_keeps_and_counts_no_rows(clip, tmp_path, monkeypatch):
    parquet_disk_fills(monkeypatch, GROUPS, torn=True)
    with pytest.raises(OutputError, match="No space left") as err:
        analyze_file(clip, tmp_path, "clip", fmt="parquet")
    meta, frames = _kept(tmp_path)
    assert frames == [] and not (tmp_path / "clip.partial.parquet").exists()  # no footer: no table, not kept
    assert meta["status"] == "partial", meta["status"]
    assert (meta["rows"], meta["frames_processed"]) == (0, 0), (meta["rows"], meta["frames_processed"])
    msg = str(err.value)
    assert "\n" not in msg and "it keeps the" not in msg and "lost" in msg, msg


def test_a_row_group_refused_whole_keeps_and_counts_those_written_before(clip, tmp_path, monkeypatch):
    parquet_disk_fills(monkeypatch, GROUPS, torn=False)
    with pytest.raises(OutputError, match="No space left") as err:
        analyze_file(clip, tmp_path, "clip", fmt="parquet")
    meta, frames = _kept(tmp_path)
    assert frames == list(range(GROUPS)), frames
    assert meta["status"] == "partial"
    assert (meta["rows"], meta["frames_processed"]) == (GROUPS, GROUPS), (meta["rows"], meta["frames_processed"])
    assert f"it keeps the {GROUPS} rows written before" in str(err.value)


def test_a_disk_full_at_the_footer_keeps_and_counts_no_rows(clip, tmp_path, monkeypatch):
    """Every row group written, no room for the footer (as `merstudio analyze --format parquet` met a 60 kB tmpfs:
    the partial meta said `running`, 0 frames, about a file that holds no table)."""
    parquet_disk_fills(monkeypatch, None)
    with pytest.raises(OutputError, match="No space left") as err:
        analyze_file(clip, tmp_path, "clip", fmt="parquet")
    meta, frames = _kept(tmp_path)
    assert frames == [] and not (tmp_path / "clip.partial.parquet").exists()
    assert (meta["status"], meta["rows"], meta["frames_processed"]) == ("partial", 0, 0), meta
    assert f"the {N} rows written before are lost" in str(err.value), str(err.value)


def test_a_frame_cut_between_two_row_groups_is_not_counted(tmp_path, monkeypatch):
    """Rows of one frame (several faces) split by a refused row group: that frame is not whole in the file."""
    parquet_disk_fills(monkeypatch, 2, torn=False)
    w = ParquetRowWriter(tmp_path / "x.parquet", ["frame", "face_id"])
    with pytest.raises(OutputError, match="it keeps the 2 rows written before"):
        w.write_all([{"frame": 0, "face_id": 0}, {"frame": 1, "face_id": 0}, {"frame": 1, "face_id": 1},
                     {"frame": 2, "face_id": 0}])
    w.close()
    assert w.failed and w.rows == 2 and w.last_whole_frame == 0
    assert pq.read_table(tmp_path / "x.parquet").column("frame").to_pylist() == [0, 1]
