"""The one way merstudio writes CSV rows that may carry free text (a coder's note, a name): each row ends in "\\n"
(or the ``end`` asked for) and every cell holding a carriage return or a line feed is quoted, so the file reads back
with pandas and the csv module with the text intact.

Python's csv writer (and pandas' ``to_csv``, built on it) quotes a cell for a line break only when the line
terminator holds that character (Python 3.11): with ``lineterminator="\\n"`` a note holding a bare "\\r" (pasted
from an old Mac program or a Windows text box that dropped its "\\n") is written unquoted, and a reader ends the row
there. So rows are written with the terminator "\\r\\n", which quotes both, and each row's "\\r\\n" (always the last
two characters of one write: the writer hands the file one whole row at a time) becomes ``end`` on its way out.

The per-frame tables (numbers only) keep their own faster writers; every reader is merstudio.textfile.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_QUOTING_END = "\r\n"  # the terminator that makes the csv writer quote a cell holding \r or \n


class RowEnds:
    """A text file seen by csv.writer / DataFrame.to_csv writing with ``lineterminator="\\r\\n"``: each row goes to
    ``fh`` ending in ``end`` instead."""

    def __init__(self, fh: IO[str], end: str = "\n") -> None:
        self._fh, self._end = fh, end

    def write(self, row: str) -> int:
        if row.endswith(_QUOTING_END):
            row = row[:-len(_QUOTING_END)] + self._end
        return self._fh.write(row)

    def __iter__(self) -> Iterator[str]:  # pandas takes an object as a file when it has write and __iter__
        return iter(())


def row_writer(fh: IO[str], end: str = "\n", **fmt: Any) -> Any:
    """A csv.writer onto ``fh`` (opened with ``newline=""``) whose rows end in ``end``, cells holding \\r or \\n
    quoted; ``fmt``: the csv format (delimiter, quoting, ...)."""
    return csv.writer(RowEnds(fh, end), lineterminator=_QUOTING_END, **fmt)


def dict_row_writer(fh: IO[str], fieldnames: list[str], end: str = "\n", **fmt: Any) -> csv.DictWriter[str]:
    """:func:`row_writer` for rows given as dicts by column."""
    return csv.DictWriter(RowEnds(fh, end), fieldnames=fieldnames, lineterminator=_QUOTING_END, **fmt)


def frame_to_csv(df: pd.DataFrame, path: str | os.PathLike[str], mode: str = "w", **to_csv: Any) -> None:
    """``df.to_csv(path, **to_csv)`` with its rows ending in "\\n" and every cell holding \\r or \\n quoted (UTF-8,
    as pandas writes a path). ``mode="a"`` appends rows (give ``header=False``)."""
    with open(path, mode, newline="", encoding="utf-8") as fh:
        df.to_csv(RowEnds(fh), lineterminator=_QUOTING_END, **to_csv)
