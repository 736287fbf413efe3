"""A video's per-frame table as a pandas DataFrame, for merstudio used from Python.

    from merstudio.analysis import frame_table
    df = frame_table("clip.mp4")      # one row per frame and face, the per-frame CSV's columns
    df = frame_table("long.mp4", progress=lambda done, total: print(f"{done}/{total}", end="\r"))  # + cancel=

The dtypes are fixed by the column, not by what a video happens to hold: frame, face_id, success and blink int64;
AUxx_c (presence) the nullable Int8, <NA> where the AU is unknown (a cover, lids shut); everything else float64,
NaN where unknown. (Read from a CSV, pandas makes an AUxx_c int64, or float64 as soon as one cell is empty.)
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Sequence
from typing import Any, cast

import pandas as pd

from merstudio.analysis.pipeline import Analysis, AnalysisSettings, CancelFn, ProgressFn
from merstudio.features.aus import is_presence
from merstudio.io import open_source

INTEGER_COLUMNS = ("frame", "face_id", "success", "blink")
# values (rows x columns) turned into a typed frame at a time: a long video's rows are never all dicts at once,
# and a wide table (landmarks: ~1,000 columns) holds as few dicts as a narrow one (~60 bytes a value as dicts)
_CHUNK_CELLS = 250_000


def frame_table_dtypes(columns: Sequence[str]) -> dict[str, str]:
    """The dtype of each per-frame column (module docstring)."""
    return {c: "int64" if c in INTEGER_COLUMNS else "Int8" if is_presence(c) else "float64" for c in columns}


def typed_frame(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows (dicts, as `Analysis.rows()` yields them) as a DataFrame of `columns` with the fixed dtypes; a column
    a row lacks is unknown there."""
    df = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for c in columns:
        if is_presence(c):  # None where unknown: through float, as from_records may have made it object
            df[c] = pd.to_numeric(df[c], errors="coerce")
    return df.astype(frame_table_dtypes(columns))


def frame_table(path: str | os.PathLike[str], settings: AnalysisSettings | None = None,
                fps: float | None = None, progress: ProgressFn | None = None,
                cancel: CancelFn | None = None) -> pd.DataFrame:
    """Analyse a video file, frame folder or image (`merstudio analyze`'s per-frame rows, without writing files)
    and return the per-frame table: one row per frame and face, the per-frame CSV's columns in its order, dtypes
    fixed by the column (module docstring). `settings`: an AnalysisSettings (default: the CLI's defaults); `fps`:
    as `merstudio.io.open_source`'s. `progress(done, total)`: called after each frame (frames done, the input's
    frames), e.g. a tqdm bar's update; `cancel()`: asked before each frame, True stops the analysis (a
    threading.Event's is_set will do), as `Analysis.rows` takes them. A stopped run returns the rows of the frames
    done, with `df.attrs["cancelled"]` True (False after a whole run) and `df.attrs["frames_done"]`. Everything
    opened here is closed before it returns, also on an error or Ctrl-C. The spotted intervals and warnings: run
    `Analysis` itself (`rows()`, then `spots()`)."""
    with open_source(path, fps=fps) as source:
        analysis = Analysis(source, settings or AnalysisSettings())
        columns = analysis.columns()
        per_chunk = max(1, _CHUNK_CELLS // max(len(columns), 1))
        parts: list[pd.DataFrame] = []
        chunk: list[dict[str, Any]] = []
        rows = cast(Generator[dict[str, Any], None, None], analysis.rows(progress, cancel))
        try:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= per_chunk:
                    parts.append(typed_frame(chunk, columns))
                    chunk = []
        finally:
            rows.close()  # a stop part-way: the reader thread and the thread limits are released now
        parts.append(typed_frame(chunk, columns))
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    # a table stopped by cancel() is not the whole video's: said on the table itself, which the caller keeps
    df.attrs.update(cancelled=bool(analysis.cancelled), frames_done=int(analysis.frames_done))
    return df
