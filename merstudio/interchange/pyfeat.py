"""py-feat per-frame CSV (a ``Fex`` table saved with ``to_csv``) into our per-frame table convention.

py-feat's detector writes one row per face and frame: ``FaceRectX, FaceRectY, FaceRectWidth, FaceRectHeight,
FaceScore``, 68 landmarks ``x_0..y_67``, ``Pitch, Roll, Yaw``, AU columns named ``AU01 .. AU43`` without a suffix,
the emotions ``anger, disgust, fear, happiness, sadness, surprise, neutral``, ``input`` (the file analysed) and
``frame`` (0-based, as ours). Its AU values are probabilities that the AU is present (0-1), not OpenFace's 0-5
intensities, so they are kept as ``AUxx_p`` with the presence ``AUxx_c`` = p >= 0.5 (unknown, NaN, where a face's
p is missing, never 0: absent), and the emotions as class probabilities ``p_<emotion>``. py-feat does not track
faces: where a frame has several, they are numbered from the left (a face that moves past another swaps ids),
unless the file carries an ``identity`` column (``Person_3`` -> face 3). A row without a face (py-feat writes NaN)
is ``face_id`` -1, ``success`` 0, its presences 0 (as OpenFace writes a frame without a face).

``write_pyfeat`` writes a per-frame table under py-feat's names (``AU01 .. AU43``, 0-1) for scripts written for
py-feat; from our 0-5 intensities the values are ``AUxx_r / 5``: a rescaled intensity, not py-feat's model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.atomic import atomic_path
from merstudio.errors import InputError
from merstudio.face.boxes import Box, box_iou
from merstudio.features.blendshape_aus import MAX_INTENSITY
from merstudio.interchange.common import file_name, name_list, quote, same_name
from merstudio.interchange.openface import MAX_FRAME, frames_without_row, presence_values
from merstudio.io.frames import IMAGE_EXTENSIONS
from merstudio.textfile import pandas_encoding, read_head

_AU = re.compile(r"^AU(\d\d)$")
EMOTIONS = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")
# py-feat 0.7's names for them (its detector with the face mesh): read as the earlier ones, one class each
EMOTION_ALIASES = {"Anger": "anger", "Disgust": "disgust", "Fear": "fear", "Happy": "happiness", "Sad": "sadness",
                   "Surprise": "surprise", "Neutral": "neutral"}
PRESENT_P = 0.5  # an AU probability from which the AU counts as present (AUxx_c)
_IDENTITY = ("identity", "Identity")
_RECT = ("FaceRectX", "FaceRectY", "FaceRectWidth", "FaceRectHeight")
BOX_COLUMNS = ("box_x0", "box_y0", "box_x1", "box_y1")  # py-feat's face rectangle, kept to match faces to ours
PYFEAT_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 17, 20, 23, 24, 25, 26, 28, 43)  # the AUs its models give
MATCH_IOU = 0.3  # a py-feat face is one of ours on a frame from this overlap of their boxes
UNMATCHED = 1000  # py-feat faces that match none of ours keep their own number above this


def looks_pyfeat(path: str | os.PathLike[str]) -> bool:
    """Whether a file's header is a py-feat Fex table's (FaceScore and suffix-less AU columns), in any encoding."""
    p = Path(path)
    if p.suffix.lower() != ".csv":
        return False
    head = [h.strip().strip('"') for h in read_head(p).split(",")]
    return "FaceScore" in head and any(_AU.match(h) for h in head)


@dataclass
class PyFeatTable:
    """An imported py-feat CSV: ``frames`` in our convention and what did not line up with the video."""

    path: Path
    frames: pd.DataFrame
    frame_count: int
    mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def au_columns(self) -> list[str]:
        return [c for c in self.frames.columns if c.startswith("AU") and c.endswith("_p")]


def read_pyfeat(path: str | os.PathLike[str], fps: float | None = None, frame_count: int | None = None,
                video_name: str | None = None) -> PyFeatTable:
    """Read a py-feat CSV. ``fps``/``frame_count``: the video's (timestamps are frame / fps; rows past its end are
    listed in ``mismatches`` and dropped, frames without a row counted). ``video_name``: the video it is imported
    into; an ``input`` that is another file, or a photo, is a mismatch (imported anyway, as the events readers
    do)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: py-feat CSV not found")
    keep = {"frame", "input", "FaceScore", *_RECT, *EMOTIONS, *EMOTION_ALIASES, *_IDENTITY}
    try:
        df = pd.read_csv(p, encoding=pandas_encoding(p), low_memory=False,
                         usecols=lambda c: c.strip() in keep or bool(_AU.match(c.strip())))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{p}: not a readable py-feat CSV ({str(exc).splitlines()[0][:200]})") from None
    df.columns = [str(c).strip() for c in df.columns]
    aus = sorted((c for c in df.columns if _AU.match(c)), key=lambda c: int(c[2:]))
    if not aus or "FaceScore" not in df.columns:
        header = pd.read_csv(p, encoding=pandas_encoding(p), nrows=0).columns  # df kept only the columns we read
        raise InputError(f"{p}: no FaceScore and AU01.. columns: not a py-feat CSV (its columns: "
                         f"{name_list([str(c).strip() for c in header]) or 'none'})")
    if not len(df):
        raise InputError(f"{p}: the py-feat CSV has no rows")
    notes: list[str] = []
    inputs = df["input"].dropna().astype(str).unique() if "input" in df.columns else []
    if len(inputs) > 1 and "frame" in df.columns:
        raise InputError(f"{p}: the rows come from {len(inputs)} inputs ({name_list([Path(i).name for i in inputs])}"
                         "): save one video's rows per file (Fex rows where input is that video)")
    if "frame" in df.columns:
        frame = pd.to_numeric(df["frame"], errors="coerce")
        bad = ~np.isfinite(frame) | (frame < 0) | (frame != np.round(frame)) | (frame > MAX_FRAME)
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{p}: row {first + 2}: frame {quote(str(df['frame'].iloc[first]))} is not a frame "
                             "number (0, 1, 2 ...)")
        df["frame"] = frame.astype(np.int64)
    elif (len(inputs) == 1) if "input" in df.columns else (len(df) == 1):
        df["frame"] = 0  # one photo's faces: py-feat's image detection may write no frame column
        notes.append("no frame column: read as one photo (frame 0)")
    else:
        raise InputError(f"{p}: no frame column, so its rows cannot be put on the video's frames (py-feat writes "
                         "it when it analyses a video: detect_video)")
    face = pd.Series(-1, index=df.index, dtype=np.int64)
    found = pd.to_numeric(df["FaceScore"], errors="coerce").notna()
    ident = next((c for c in _IDENTITY if c in df.columns), None)
    ids = (pd.to_numeric(df[ident].astype(str).str.extract(r"(\d+)\s*$")[0], errors="coerce")
           if ident is not None else pd.Series(np.nan, index=df.index))
    if ids[found].notna().all() and found.any():  # py-feat's identities (Person_3 -> face 3)
        face[found] = ids[found].astype(np.int64)
    else:
        x = pd.to_numeric(df.get("FaceRectX", pd.Series(np.nan, index=df.index)), errors="coerce")
        order = x.where(found).groupby(df["frame"]).rank(method="first") - 1
        face[found] = order[found].fillna(0).astype(np.int64)
        if int(face.max()) > 0:
            notes.append("several faces in a frame and no identity column: numbered from the left in each frame "
                         "(py-feat does not track faces)")
    out = pd.DataFrame({"frame": df["frame"], "face_id": face})
    out["timestamp"] = out["frame"] / fps if fps else np.nan
    out["confidence"] = pd.to_numeric(df["FaceScore"], errors="coerce").where(found, 0.0)
    out["success"] = found.astype(np.int64)
    if all(c in df.columns for c in _RECT):
        x, y, w, h = (pd.to_numeric(df[c], errors="coerce") for c in _RECT)
        for col, v in zip(BOX_COLUMNS, (x, y, x + w, y + h), strict=True):
            out[col] = v.where(found)
    out_of_range = []
    for c in aus:
        v = pd.to_numeric(df[c], errors="coerce").where(found)
        if ((v < 0) | (v > 1)).any():
            out_of_range.append(c)
        out[f"AU{c[2:]}_p"] = v
        # a face whose probability is missing (NaN): the presence unknown, not 0 (absent); no face: 0, as OpenFace's
        out[f"AU{c[2:]}_c"] = presence_values(np.where(found & v.isna(), np.nan, v >= PRESENT_P))
    for col in df.columns:
        e = EMOTION_ALIASES.get(col, col if col in EMOTIONS else None)
        if e is not None and f"p_{e}" not in out.columns:
            out[f"p_{e}"] = pd.to_numeric(df[col], errors="coerce").where(found)
    mismatches = _input_mismatch([str(i) for i in inputs], video_name, notes)
    if out_of_range:
        mismatches.append(f"AU values outside 0-1 in {name_list(out_of_range)}: py-feat's AUs are probabilities, "
                          "these may be another model's scores")
    dup = out[out["face_id"] >= 0].duplicated(["frame", "face_id"])
    if dup.any():
        mismatches.append(f"{int(dup.sum())} row(s) repeat a frame and face: the first is kept")
        out = out[~(dup.reindex(out.index, fill_value=False))]
    if frame_count is not None and (past := out["frame"] >= frame_count).any():
        mismatches.append(f"{int(past.sum())} row(s) at frames {int(out['frame'][past].min())}-"
                          f"{int(out['frame'][past].max())}, past the video's {frame_count} frames: left out")
        out = out[~past]
    if len(out):  # py-feat's skip_frames, say: the curves would be drawn across the frames it did not analyse
        mismatches += frames_without_row(out["frame"], int(out["frame"].max()) + 1)
    out = out.sort_values(["frame", "face_id"], kind="stable").reset_index(drop=True)
    n = frame_count if frame_count is not None else int(out["frame"].max()) + 1 if len(out) else 0
    return PyFeatTable(p, out, n, mismatches, notes)


def _input_mismatch(inputs: Sequence[str], video_name: str | None, notes: list[str]) -> list[str]:
    """The mismatch where the file's ``input`` (the file py-feat analysed) is not the video imported into, in the
    events readers' words, or is a photo; without a video a photo is a note."""
    name = file_name(str(inputs[0])) if len(inputs) == 1 else ""
    photo = Path(name).suffix.lower() in IMAGE_EXTENSIONS
    want = file_name(video_name or "")
    if name and want and photo:
        return [f"the file's input {quote(name)} is a photo, not the video {quote(want)}; imported anyway"]
    if name and want and not same_name(name, want):
        return [f"the file's video {quote(name)} is not {quote(want)}; imported anyway"]
    if photo and not any("one photo" in n for n in notes):
        notes.append(f"the file's input {quote(name)} is a photo")
    return []


def match_faces(frames: pd.DataFrame, ours: Iterable[tuple[int, int, Box]]) -> tuple[pd.DataFrame, str]:
    """The table with each py-feat face given the id of our face it is on that frame (the largest overlap of their
    boxes, at least MATCH_IOU; ``ours``: (frame, face, box) of the video's run), so its curves are drawn under the
    right person; a face matching none of ours keeps its number above UNMATCHED. Returns the table and a note."""
    if not all(c in frames.columns for c in BOX_COLUMNS):
        return frames, "no face rectangles in the file: faces numbered as in the file"
    wanted = set(frames.loc[frames["face_id"] >= 0, "frame"].tolist())
    by_frame: dict[int, list[tuple[int, Box]]] = {}
    for frame, face, box in ours:
        if frame in wanted:
            by_frame.setdefault(frame, []).append((face, box))
    if not by_frame:
        return frames, "our analysis has no face boxes on its frames: faces numbered as in the file"
    out = frames.reset_index(drop=True)
    boxes = out[list(BOX_COLUMNS)].to_numpy(dtype=np.float64)
    ids = out["face_id"].to_numpy().copy()
    matched = unmatched = 0
    for frame, rows in out.groupby("frame").indices.items():
        faces = [i for i in rows if ids[i] >= 0]
        pairs = sorted(((box_iou(tuple(boxes[i]), box), i, face) for i in faces if np.isfinite(boxes[i]).all()
                        for face, box in by_frame.get(int(frame), [])), reverse=True)
        taken_rows: set[int] = set()
        taken_faces: set[int] = set()
        for iou, i, face in pairs:
            if iou >= MATCH_IOU and i not in taken_rows and face not in taken_faces:
                ids[i] = face
                taken_rows.add(i)
                taken_faces.add(face)
        matched += len(taken_rows)
        for i in faces:
            if i not in taken_rows:
                ids[i] = UNMATCHED + ids[i]
                unmatched += 1
    out["face_id"] = ids
    note = f"faces matched to ours by their boxes: {matched} row(s)"
    if unmatched:
        note += f"; {unmatched} matched none of ours (faces {UNMATCHED}+)"
    return out, note


def write_pyfeat(frames: pd.DataFrame, path: str | os.PathLike[str]) -> str:
    """Write a per-frame table in our convention under py-feat's names, laid out as py-feat 0.7 saves a ``Fex``
    (``FaceRect*`` when the table has py-feat's boxes, ``FaceScore``, ``AU01 .. AU43``, then ``frame`` and
    ``Identity``), for scripts written for py-feat. Its AUs are in 0-1: a table read from py-feat (no ``AUxx_r``)
    keeps its probabilities (``AUxx_p``) as they were; from our (or OpenFace's) 0-5 intensities the value is
    ``AUxx_r / 5`` clipped to 0-1 and rounded to 6 decimals, a rescaled intensity and neither py-feat's model nor a
    probability (py-feat's 0.5 is intensity 2.5 here; our presence begins at 1.0, 0.2 there). Only AUs in py-feat's list are written (not
    AU45, a blink: its AU43 is eyes closed). A row without a face has FaceScore and AUs empty (py-feat's NaN row);
    the face id is ``Identity`` Person_<id>, as py-feat 0.7 names its identities, so :func:`read_pyfeat` gives the
    faces their ids back. Written atomically; returns a note on the scale and the columns left out."""
    p = Path(path)
    n = len(frames)
    found = frames["success"].fillna(0).to_numpy().astype(np.int64) == 1 if "success" in frames.columns else \
        frames["face_id"].to_numpy() >= 0
    out = pd.DataFrame(index=frames.index)
    boxes = all(c in frames.columns for c in BOX_COLUMNS)
    if boxes:  # py-feat's own rectangles, read back
        x0, y0, x1, y1 = (pd.to_numeric(frames[c], errors="coerce").where(found) for c in BOX_COLUMNS)
        for col, v in zip(_RECT, (x0, y0, x1 - x0, y1 - y0), strict=True):
            out[col] = v
    out["FaceScore"] = frames["confidence"].where(found) if "confidence" in frames.columns else \
        np.where(found, 1.0, np.nan)
    probs = not any(f"AU{a:02d}_r" in frames.columns for a in PYFEAT_AUS)  # a py-feat table read back
    written = []
    for a in PYFEAT_AUS:
        src = f"AU{a:02d}_p" if probs else f"AU{a:02d}_r"
        if src in frames.columns:
            v = pd.to_numeric(frames[src], errors="coerce")
            # / 5 to 6 decimals: what an intensity holds (3 decimals, stored as float32: 0.96 is 0.95999997...);
            # unrounded, 0.555 / 5 was written 0.11100000000000002
            out[f"AU{a:02d}"] = (v if probs else (v / MAX_INTENSITY).clip(0.0, 1.0).round(6)).where(found)
            written.append(a)
    if not written:
        raise InputError(f"{p}: nothing to write as py-feat: no AU intensities (AUxx_r) or probabilities (AUxx_p) "
                         "of py-feat's AUs")
    out["frame"] = frames["frame"].to_numpy().astype(np.int64)
    face = frames["face_id"].to_numpy().astype(np.int64) if "face_id" in frames.columns else np.zeros(n, np.int64)
    out["Identity"] = np.where(found, np.char.add("Person_", face.astype(str)), "")
    with atomic_path(p) as tmp:
        out.to_csv(tmp, index=False)  # full precision, as py-feat saves a Fex
    scale = "py-feat's probabilities as they were" if probs else \
        f"AUxx = our AUxx_r / {MAX_INTENSITY:g} clipped to 0-1 (a rescaled intensity, not py-feat's model)"
    absent = [f"AU{a:02d}" for a in PYFEAT_AUS if a not in written] + ([] if boxes else ["FaceRect*"])
    absent += ["landmarks", "Pitch/Roll/Yaw", "emotions", "input", "approx_time"]
    extra = [c[:4] for c in frames.columns if re.fullmatch(r"AU\d\d_[rp]", c) and int(c[2:4]) not in PYFEAT_AUS]
    return (f"{scale}; py-feat columns absent: {', '.join(absent)} (no timestamps: give the rate when reading it "
            "back, fps= / --fps)"
            + (f"; not written (no py-feat name): {', '.join(dict.fromkeys(extra))}" if extra else ""))
