"""`merstudio analyze --format parquet`: the run's summary calls the .parquet file what it is (it said "per-frame
CSV")."""

from __future__ import annotations

import pytest
from support.cli_run import run, tiny_video

pytest.importorskip("pyarrow")


def test_summary_names_the_table_format_it_wrote(tmp_path, capsys):
    clip = tiny_video(tmp_path / "c.avi", n=6)
    code, out, _ = run(capsys, "analyze", clip, "-o", tmp_path / "pq", "--format", "parquet", "-q")
    assert code == 0 and (tmp_path / "pq" / "c.parquet").is_file()
    assert f"  per-frame Parquet: {tmp_path / 'pq' / 'c.parquet'}  (" in out
    assert "per-frame CSV" not in out
    code, out, _ = run(capsys, "analyze", clip, "-o", tmp_path / "csv", "-q")
    assert code == 0 and f"  per-frame CSV : {tmp_path / 'csv' / 'c.csv'}  (" in out
