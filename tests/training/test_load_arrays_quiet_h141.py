"""load_arrays as a notebook calls it prints nothing (it printed the class map to stdout): its lines go to `log`, by
default the logging module (merstudio.training.data, INFO); the CLI passes print and still shows them."""

from __future__ import annotations

import logging

from merstudio.training import load_arrays


def test_load_arrays_prints_nothing_and_logs_its_class_map(tmp_path, flow_table, capsys, caplog):
    table = flow_table(tmp_path / "flows")
    with caplog.at_level(logging.INFO, logger="merstudio.training.data"):
        arrays, info = load_arrays(str(table), cache_dir=tmp_path / "c")
    assert capsys.readouterr().out == ""
    assert len(arrays.y) == 24 and info["class_map"]  # the table's 24 rows, and the map it describes
    assert info["class_map"] in caplog.text  # said where a notebook's logging shows it


def test_load_arrays_still_says_its_lines_to_a_given_log(tmp_path, flow_table):
    said: list[str] = []
    _, info = load_arrays(str(flow_table(tmp_path / "flows")), cache_dir=tmp_path / "c", log=said.append)
    assert said[0] == info["class_map"]
