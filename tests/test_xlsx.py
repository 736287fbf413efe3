"""merstudio.xlsx: the one XLSX writer (text stays text, numbers stay numbers, gaps stay empty)."""

from __future__ import annotations

import numpy as np
import openpyxl

from merstudio.xlsx import write_xlsx


def test_cells_read_back_as_written(tmp_path):
    rows = [["=1+1", np.int64(3), np.float32(0.5), float("nan"), None, "+cmd", "@x", "plain"]]
    path = write_xlsx(tmp_path / "out" / "t.xlsx", "sheet", ["a", "b", "c", "d", "e", "f", "g", "h"], rows)
    ws = openpyxl.load_workbook(path)["sheet"]
    header, row = list(ws.iter_rows(values_only=True))
    assert header == ("a", "b", "c", "d", "e", "f", "g", "h")
    assert row == ("=1+1", 3, 0.5, None, None, "+cmd", "@x", "plain")
    assert all(c.data_type == "s" for c in next(ws.iter_rows(min_row=2)) if isinstance(c.value, str))
    assert not list(tmp_path.glob("out/.*.part"))  # written atomically, nothing left beside it
