"""A full disk that leaves no rows (a92 finding 9 via h192): under `--format parquet` the partial meta named the
deleted `<name>.partial.parquet` as its "csv", `<name>.spots.partial.csv` held only its header (the spots are made of
the frames the table keeps: none) with nothing saying why, and the error read "the 0 rows written before are lost
with it". Now the meta names no table and no spots file and says why (`note`), and the line says "no rows were
kept"; the CSV writer that kept only its header says so too (was "it keeps the 0 rows written before")."""

import json

import pytest
from support.clips import write_clip
from test_full_disk_parquet_frames_kept_h177 import parquet_disk_fills
from test_result_files import _FullDisk

from merstudio.analysis.files import NOTHING_KEPT, _RowWriter, analyze_file
from merstudio.analysis.outputs import ParquetRowWriter
from merstudio.errors import OutputError


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=12)


def test_no_table_kept_the_meta_names_none_and_says_why(clip, tmp_path, monkeypatch):
    parquet_disk_fills(monkeypatch, None)  # every row group written, no room for the footer
    with pytest.raises(OutputError, match="No space left"):
        analyze_file(clip, tmp_path, "clip", fmt="parquet")
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert not (tmp_path / "clip.partial.parquet").exists()
    assert (meta["status"], meta["csv"], meta["rows"], meta["frames_processed"]) == ("partial", None, 0, 0), meta
    assert meta["spots_csv"] is None and meta["spots"] == 0 and meta["note"] == NOTHING_KEPT
    assert "no spots" in meta["note"]
    assert not (tmp_path / "clip.spots.partial.csv").exists()  # not a file of its header alone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.partial.meta.json"]


def test_a_kept_table_is_still_named(clip, tmp_path, monkeypatch):
    parquet_disk_fills(monkeypatch, 3, torn=False)  # three row groups kept
    with pytest.raises(OutputError, match="it keeps the 3 rows written before"):
        analyze_file(clip, tmp_path, "clip", fmt="parquet")
    meta = json.loads((tmp_path / "clip.partial.meta.json").read_text())
    assert (meta["csv"], meta["rows"], meta["spots_csv"]) == ("clip.partial.parquet", 3, "clip.spots.partial.csv")
    assert "note" not in meta and (tmp_path / "clip.spots.partial.csv").exists()


def test_the_first_row_group_lost_says_no_rows_were_kept(tmp_path, monkeypatch):
    parquet_disk_fills(monkeypatch, 0, torn=True)
    w = ParquetRowWriter(tmp_path / "x.parquet", ["frame"])
    with pytest.raises(OutputError, match="No space left") as err:
        w.write_all({"frame": i} for i in range(3))
        w.close()
    msg = str(err.value)
    assert "no rows were kept" in msg and "the 0 rows" not in msg and "\n" not in msg, msg


def test_a_csv_of_its_header_alone_says_no_rows_were_kept(tmp_path):
    w = _RowWriter(tmp_path / "x.csv", ["frame", "face_id"])
    w._fh = _FullDisk(w._fh)
    w._fh.full = True  # the disk is full after the header
    w.write_all([{"frame": 0, "face_id": 0}])
    with pytest.raises(OutputError, match="No space left") as err:
        w.flush()
    w.close()
    assert "no rows were kept (only its header)" in str(err.value) and "the 0 rows" not in str(err.value)
