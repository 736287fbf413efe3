"""Agreement between per-frame AU tables (OpenFace 2 style: frame, face_id, success, AUxx_r, AUxx_c), and the
per-frame table read as a coder of events.

Two tables are compared on the rows they share (same frame and face_id) where both tracked the face
(``success == 1`` when the column exists); each AU found as ``AUxx_r`` in both gets the Shrout & Fleiss ICCs,
and ``AUxx_c`` in both gets Cohen's kappa on presence, over the frames where both tables know it (an empty
``AUxx_c``, NaN, is unknown: a covered region, not an agreement on absence). A table with presence and no
intensities (py-feat's, whose AUs are probabilities: ``AUxx_p`` and ``AUxx_c``) is compared on presence alone, its
ICCs NaN and ``n_frames`` the frames its kappa compared.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from merstudio.agreement.stats import cohen_kappa, icc
from merstudio.project.events import Event

_AU_R = re.compile(r"^AU(\d{1,2})_r$")

ICC_COLUMNS = ("n_frames", "icc1_1", "icc2_1", "icc3_1", "icc1_k", "icc2_k", "icc3_k", "kappa_presence")


def au_intensity_columns(df: pd.DataFrame) -> dict[int, str]:
    """{AU number: column} for the ``AUxx_r`` columns of a per-frame table (OpenFace's leading spaces allowed)."""
    out = {}
    for c in df.columns:
        m = _AU_R.match(str(c).strip())
        if m:
            out[int(m.group(1))] = c
    return out


def _tracked(df: pd.DataFrame) -> pd.DataFrame:
    """Stripped column names (OpenFace writes ' AU01_r'), AU columns spelled AUxx_r / AUxx_c, a face_id column,
    and only the rows where the face was tracked."""
    def canon(c: object) -> str:
        name = str(c).strip()
        m = re.match(r"^AU(\d{1,2})_([rc])$", name)
        return f"AU{int(m.group(1)):02d}_{m.group(2)}" if m else name

    d = df.rename(columns=canon)
    if "face_id" not in d.columns:
        d = d.assign(face_id=0)
    if "success" in d.columns:
        d = d[d["success"].fillna(0).astype(float) > 0]
    return d


def frame_icc(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """One row per AU with intensities in both tables: ``au`` (number) and :data:`ICC_COLUMNS`.
    Tables need a ``frame`` column; rows are paired on (frame, face_id)."""
    ta, tb = _tracked(a), _tracked(b)
    for name, t in (("first", ta), ("second", tb)):
        if "frame" not in t.columns:
            raise ValueError(f"frame_icc: the {name} table has no 'frame' column")
    both_r = set(au_intensity_columns(ta)) & set(au_intensity_columns(tb))
    both_c = {au for au in range(100) if f"AU{au:02d}_c" in ta.columns and f"AU{au:02d}_c" in tb.columns}
    aus = sorted(both_r | both_c)
    cols = [f"AU{au:02d}_{k}" for au in aus for k in "rc"]
    sa = ta[["frame", "face_id", *[c for c in cols if c in ta.columns]]]
    sb = tb[["frame", "face_id", *[c for c in cols if c in tb.columns]]]
    joined = sa.merge(sb.rename(columns={c: c + "@b" for c in cols}), on=["frame", "face_id"])
    rows = []
    for au in aus:
        row: dict[str, float] = {"au": au, "n_frames": len(joined)} | {k: float("nan") for k in ICC_COLUMNS[1:]}
        if au in both_r:
            r = f"AU{au:02d}_r"
            res = icc(np.column_stack([joined[r].to_numpy(float), joined[r + "@b"].to_numpy(float)]))
            row |= {"n_frames": res.n, "icc1_1": res.icc1_1, "icc2_1": res.icc2_1, "icc3_1": res.icc3_1,
                    "icc1_k": res.icc1_k, "icc2_k": res.icc2_k, "icc3_k": res.icc3_k}
        if au in both_c:
            c = f"AU{au:02d}_c"
            fa, fb = _flags(joined[c]), _flags(joined[c + "@b"])
            row["kappa_presence"] = cohen_kappa(fa, fb)
            if au not in both_r:  # presence alone: the frames where both tables know it, as cohen_kappa compares
                row["n_frames"] = sum(x is not None and y is not None for x, y in zip(fa, fb, strict=True))
        rows.append(row)
    return pd.DataFrame(rows, columns=["au", *ICC_COLUMNS])


def _flags(s: pd.Series) -> list[int | None]:
    """Presences as 0 / 1, None where unknown (an empty cell: never an agreement on absence)."""
    return [None if np.isnan(x) else int(x > 0) for x in pd.to_numeric(s, errors="coerce").to_numpy(float)]


def events_from_frames(df: pd.DataFrame, video_id: int, coder: str = "frames", min_frames: int = 2,
                       max_gap: int = 0) -> list[Event]:
    """Read a per-frame table as a coder: each run of frames where at least one ``AUxx_c`` is 1 (gaps of up to
    ``max_gap`` frames bridged), at least ``min_frames`` long, becomes an event on its face track. Apex: the frame
    with the largest summed intensity of the run's AUs; AUs: those present in at least half of the run's frames
    where they are known (an AU covered for part of the run counts over the rest);
    emotion: the class with the highest mean ``p_<class>`` when the table has model probabilities.
    Events carry ``source="model"`` and ``status="proposal"``."""
    d = _tracked(df)
    pres = {int(str(c)[2:4]): c for c in d.columns if re.match(r"^AU\d{2}_c$", str(c))}
    if d.empty or not pres:
        return []
    inten = au_intensity_columns(d)
    probs = [c for c in d.columns if str(c).startswith("p_")]
    out: list[Event] = []
    for face, g in d.groupby("face_id", sort=True):
        g = g.sort_values("frame")
        frames = g["frame"].to_numpy(np.int64)
        on_mat = np.column_stack([g[pres[a]].fillna(0).to_numpy(float) > 0 for a in sorted(pres)])
        active = frames[on_mat.any(axis=1)]
        if active.size == 0:
            continue
        breaks = np.flatnonzero(np.diff(active) > max_gap + 1)
        starts = np.concatenate([[0], breaks + 1])
        ends = np.concatenate([breaks, [active.size - 1]])
        for s, e in zip(starts, ends, strict=True):
            onset, offset = int(active[s]), int(active[e])
            if offset - onset + 1 < min_frames:
                continue
            run = g[(g["frame"] >= onset) & (g["frame"] <= offset)]
            vals = np.column_stack([pd.to_numeric(run[pres[a]], errors="coerce").to_numpy(float)
                                    for a in sorted(pres)])
            run_on = np.nan_to_num(vals) > 0
            known = (~np.isnan(vals)).sum(axis=0)  # a share of the frames it was seen on: covered is not absent
            share = run_on.sum(axis=0) / np.maximum(known, 1)
            aus = [a for a, sh, k in zip(sorted(pres), share, known, strict=True) if k and sh >= 0.5]
            if not aus:  # no AU held for half the run: keep the most frequent one
                aus = [sorted(pres)[int(run_on.sum(axis=0).argmax())]]
            cols = [inten[a] for a in aus if a in inten]
            apex = onset
            if cols:
                apex = int(run["frame"].to_numpy()[int(np.nan_to_num(run[cols].to_numpy(float)).sum(axis=1).argmax())])
            emotion = ""
            if probs:
                means = run[probs].mean(axis=0, skipna=True)
                if means.notna().any():
                    emotion = str(means.idxmax())[2:]
            out.append(Event(video_id=video_id, onset=onset, apex=apex, offset=offset, face_id=int(face),
                             emotion=emotion, aus="+".join(str(a) for a in aus), coder=coder, source="model",
                             status="proposal"))
    return out
