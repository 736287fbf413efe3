"""Named per-frame tables stored beside a video's analysis: an imported OpenFace CSV, a model's predictions.
Project has these methods through OverlayTables."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from merstudio.errors import InputError
from merstudio.project.base import StoreBase

if TYPE_CHECKING:  # imported where used: a reader of the store (`merstudio project show`) needs no pandas
    import pandas as pd


# what an overlay's table is, as stored: two copies' overlays of a name hold the same table when these are equal (its
# kind, meta and time aside; project.merge)
OVERLAY_TABLE = ("columns", "int_columns", "n_rows", "keys", "vals")


@dataclass(frozen=True)
class Overlay:
    """A named per-frame table stored beside a video's analysis (see Project.save_overlay)."""

    video_id: int
    name: str
    kind: str  # "openface" | "model" | free text
    columns: tuple[str, ...]
    rows: int
    meta: dict[str, Any]
    created: float


class OverlayTables(StoreBase):
    def save_overlay(self, video_id: int, name: str, df: pd.DataFrame, kind: str = "",
                     meta: Mapping[str, Any] | None = None) -> Overlay:
        """Store a per-frame table under ``name`` for a video, replacing one of the same name (one transaction).
        ``frame`` is required, ``face_id`` defaults to 0; every other column must be numeric (stored as float32,
        integer columns read back as integers, or as floats with NaN where one had unknown cells). Use it for
        tables that are not our analysis: an imported OpenFace CSV, the predictions of the model used before a
        fine-tuning."""
        import pandas as pd

        name = name.strip()
        if not name:
            raise InputError("overlay: the name is empty")
        self.video(video_id)  # KeyError for an unknown video
        if "frame" not in df.columns:
            raise InputError(f"overlay {name}: the table has no frame column")
        cols = [str(c) for c in df.columns if c not in ("frame", "face_id")]
        bad = [c for c in cols if not pd.api.types.is_numeric_dtype(df[c])]
        if bad:
            raise InputError(f"overlay {name}: column(s) {', '.join(bad[:5])} are not numeric")
        n = len(df)
        frames = df["frame"].to_numpy()
        if n and (np.isnan(frames.astype(np.float64)).any() or (frames < 0).any()):
            raise InputError(f"overlay {name}: frame numbers must be 0 or more")
        face = df["face_id"].to_numpy() if "face_id" in df.columns else np.zeros(n)
        keys = np.column_stack([frames, face]).astype(np.int64) if n else np.zeros((0, 2), np.int64)
        # na_value: a nullable-integer column's gaps (pd.NA) are NaN here; pandas before 2.2.1 raised without it
        vals = df[cols].to_numpy(dtype=np.float32, na_value=np.nan) if cols else np.zeros((n, 0), np.float32)
        ints = [c for c in cols if pd.api.types.is_integer_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])]
        with self._tx() as con:
            con.execute("DELETE FROM overlays WHERE video_id = ? AND name = ?", (video_id, name))
            con.execute("INSERT INTO overlays (video_id, name, kind, created, meta, columns, int_columns, n_rows,"
                        " keys, vals) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (video_id, name, kind, time.time(), json.dumps(dict(meta or {}), default=str),
                         json.dumps(cols), json.dumps(ints), n, np.ascontiguousarray(keys).tobytes(),
                         np.ascontiguousarray(vals).tobytes()))
        return next(o for o in self.overlays(video_id) if o.name == name)

    def overlays(self, video_id: int) -> list[Overlay]:
        """The overlays of a video, oldest first (without their data)."""
        rows = self._query("SELECT name, kind, columns, n_rows, meta, created FROM overlays WHERE video_id = ?"
                           " ORDER BY created, id", (video_id,))
        return [Overlay(video_id, r[0], r[1], tuple(json.loads(r[2])), int(r[3]), json.loads(r[4]), float(r[5]))
                for r in rows]

    def load_overlay(self, video_id: int, name: str) -> pd.DataFrame:
        """An overlay's table: ``frame``, ``face_id`` then its columns in the order saved, sorted by frame."""
        import pandas as pd

        rows = self._query("SELECT columns, int_columns, n_rows, keys, vals FROM overlays"
                           " WHERE video_id = ? AND name = ?", (video_id, name))
        if not rows:
            raise KeyError(f"no overlay {name!r} for video {video_id} in {self.path}")
        cols, ints = json.loads(rows[0][0]), set(json.loads(rows[0][1]))
        n = int(rows[0][2])
        keys = np.frombuffer(rows[0][3], dtype=np.int64).reshape(n, 2)
        vals = np.frombuffer(rows[0][4], dtype=np.float32).reshape(n, len(cols))
        df = pd.DataFrame({"frame": keys[:, 0].copy(), "face_id": keys[:, 1].copy()})
        extra = pd.DataFrame(vals.astype(np.float64), columns=cols)
        for c in ints:  # unknown cells (an empty AUxx_c) stay NaN, as pandas reads them from a CSV: never 0
            if not extra[c].isna().any():
                extra[c] = extra[c].astype(np.int64)
        out = pd.concat([df, extra], axis=1)
        return out.sort_values(["frame", "face_id"], kind="stable").reset_index(drop=True)

    def overlay_record(self, video_id: int, name: str) -> dict[str, Any] | None:
        """An overlay's stored row as it is (its table undecoded; None: no overlay of that name), to copy it into
        another copy of the project (project.merge) or compare it with one there (OVERLAY_TABLE)."""
        with self._lock:
            cur = self._con.execute("SELECT * FROM overlays WHERE video_id = ? AND name = ?", (video_id, name))
            r = cur.fetchone()
            return None if r is None else dict(zip([d[0] for d in cur.description], r, strict=True))

    def delete_overlay(self, video_id: int, name: str) -> bool:
        """Remove an overlay; False when there was none of that name."""
        with self._tx() as con:
            return con.execute("DELETE FROM overlays WHERE video_id = ? AND name = ?", (video_id, name)).rowcount > 0
