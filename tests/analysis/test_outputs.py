"""Outputs that scale (issue 12): `--format parquet` holds what the CSV holds; inputs and outputs as fsspec URLs
(memory://, file://), published with the meta last."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.clips import write_clip

from merstudio.analysis.files import analyze_file, output_paths, prepare_output_dir, result_status
from merstudio.analysis.outputs import ParquetRowWriter, is_url, localize, publish, read_table
from merstudio.errors import InputError, OutputError

pq = pytest.importorskip("pyarrow.parquet")
fsspec = pytest.importorskip("fsspec")

N = 30
BLANK = range(12, 15)  # frames without a face: face_id -1, NaN pose and motion


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N, blank=BLANK)


@pytest.fixture(scope="module")
def csv_run(clip, tmp_path_factory):
    return analyze_file(clip, tmp_path_factory.mktemp("csv"), "clip")


def test_parquet_holds_what_the_csv_holds(clip, csv_run, tmp_path):
    out = analyze_file(clip, tmp_path, "clip", fmt="parquet")
    assert out.complete and out.paths.csv.name == "clip.parquet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.meta.json", "clip.parquet", "clip.spots.csv"]
    meta = json.loads((tmp_path / "clip.meta.json").read_text())
    assert meta["format"] == "parquet" and meta["csv"] == "clip.parquet" and meta["rows"] == N
    assert meta["csv_bytes"] == (tmp_path / "clip.parquet").stat().st_size
    assert result_status(tmp_path, "clip", verify=True) == "complete"

    a = pd.read_csv(csv_run.paths.csv)
    b = pq.read_table(tmp_path / "clip.parquet").to_pandas()
    assert list(a.columns) == list(b.columns)
    assert b["frame"].dtype == np.int64 and b["face_id"].dtype == np.int32
    assert b["success"].dtype == np.int8 and b["AU12_c"].dtype == np.int8 and b["AU12_r"].dtype == np.float64
    assert b.loc[b["frame"].isin(BLANK), "face_id"].eq(-1).all()
    assert b.loc[b["frame"].isin(BLANK), "pose_Rx"].isna().all()  # NaN stays NaN
    pd.testing.assert_frame_equal(a, b, check_dtype=False)  # every value, NaN included
    assert (tmp_path / "clip.spots.csv").read_bytes() == csv_run.paths.spots.read_bytes()


def test_parquet_rows_go_out_in_row_groups(tmp_path):
    path = tmp_path / "t.parquet"
    w = ParquetRowWriter(path, ["frame", "face_id", "AU12_r", "AU12_c"], flush_seconds=3600)
    for k in range(3):
        w.write_all({"frame": 10 * k + i, "face_id": 0, "AU12_r": "nan" if i == 3 else i / 7, "AU12_c": i % 2}
                    for i in range(10))
        w.flush()
        assert w.rows == 10 * (k + 1)
    w.close()
    f = pq.ParquetFile(path)
    assert f.num_row_groups == 3 and f.metadata.num_rows == 30
    t = read_table(path)
    assert t["frame"].tolist() == list(range(30)) and np.isnan(t["AU12_r"][3]) and t["AU12_r"][1] == 1 / 7


def test_unknown_format_is_one_line():
    with pytest.raises(InputError, match="format 'xlsx'"):
        output_paths(Path("."), "x", "xlsx")


def test_urls_in_and_out(clip, csv_run, tmp_path):
    """An input URL is fetched; an output URL gets the files of a local run, the meta last, and the local staging
    copies are removed once published; --overwrite is honoured at the URL; file:// is the local path."""
    assert is_url("memory://a/b") and is_url("file:///x") and not is_url("/x/y") and not is_url("C:\\x")
    # a URL that went through pathlib (a CLI's type=Path) is a URL again; file:// is the local path
    assert localize(Path("memory://a/b")) == "memory://a/b" and localize(Path("C:/x")) == Path("C:/x")
    assert localize(Path("file:///tmp/z")) == Path("/tmp/z") == localize("file:///tmp/z")
    mem = fsspec.filesystem("memory")
    mem.pipe_file("/inputs/face.avi", clip.read_bytes())
    out = analyze_file("memory://inputs/face.avi", "memory://results/run1", "clip", fmt="parquet")
    assert out.complete and out.remote == "memory://results/run1/clip.parquet"
    assert not out.paths.csv.exists() and not out.paths.meta.exists()  # the staging copies are gone
    meta = json.loads(mem.cat_file("/results/run1/clip.meta.json"))
    assert meta["status"] == "complete" and meta["input"] == "memory://inputs/face.avi"
    assert meta["csv_bytes"] == mem.size("/results/run1/clip.parquet")
    with mem.open("/results/run1/clip.parquet", "rb") as fh:
        pd.testing.assert_frame_equal(pq.read_table(fh).to_pandas(), pd.read_csv(csv_run.paths.csv),
                                      check_dtype=False)
    with pytest.raises(OutputError, match="already exists"):
        prepare_output_dir("memory://results/run1", [output_paths(tmp_path, "clip", "parquet")], overwrite=False)
    with pytest.raises(InputError, match="no such file"):
        analyze_file("memory://inputs/missing.avi", tmp_path / "x", "m")

    dest = (tmp_path / "local").as_uri()  # file:///...: the local path, written as any local result
    out = analyze_file(clip.as_uri(), dest, "clip")
    assert out.complete and out.remote is None and out.paths.csv == tmp_path / "local" / "clip.csv"
    assert out.paths.csv.read_bytes() == csv_run.paths.csv.read_bytes()
    assert result_status(tmp_path / "local", "clip", verify=True) == "complete"


def test_a_failed_upload_never_leaves_a_complete_meta_over_other_files(tmp_path, monkeypatch):
    mem = fsspec.filesystem("memory")
    mem.pipe_file("/pub/r.meta.json", json.dumps({"status": "complete", "run_id": "old"}).encode())
    table, spots, meta = tmp_path / "r.csv", tmp_path / "r.spots.csv", tmp_path / "r.meta.json"
    table.write_text("frame\n0\n")
    spots.write_text("face_id\n")
    meta.write_text(json.dumps({"status": "complete", "run_id": "new"}))
    calls = []

    def failing_put(self, lpath, rpath, **kw):
        calls.append(rpath)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(mem), "put_file", failing_put)
    with pytest.raises(OutputError, match="memory://pub/r.meta.json"):
        publish([(table, "memory://pub/r.csv"), (spots, "memory://pub/r.spots.csv")], meta,
                "memory://pub/r.meta.json", "new")
    assert calls and json.loads(mem.cat_file("/pub/r.meta.json"))["status"] == "committing"
    monkeypatch.undo()
    publish([(table, "memory://pub/r.csv"), (spots, "memory://pub/r.spots.csv")], meta,
            "memory://pub/r.meta.json", "new")
    assert json.loads(mem.cat_file("/pub/r.meta.json"))["run_id"] == "new"
    assert mem.cat_file("/pub/r.csv") == b"frame\n0\n"
