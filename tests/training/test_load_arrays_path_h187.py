"""load_arrays takes a path object as well as a `--data` string (a notebook's Path("samples.csv") raised
AttributeError 'strip'; audit a91 finding 9)."""

from __future__ import annotations

from pathlib import Path

from merstudio.training.data import load_arrays, parse_data_spec


def test_a_path_object_is_read_as_its_text(tmp_path, flow_table) -> None:
    table = Path(flow_table(tmp_path / "flows"))
    assert parse_data_spec(table) == parse_data_spec(str(table)) == ("table", table)
    by_path, info = load_arrays(table, log=lambda *a, **k: None, cache_dir=tmp_path / "c")
    by_text, _ = load_arrays(str(table), log=lambda *a, **k: None, cache_dir=tmp_path / "c")
    assert len(by_path) == len(by_text) > 0 and info["input"]["modality"] == "flow"
