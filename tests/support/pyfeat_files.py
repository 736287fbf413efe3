"""py-feat CSVs in the two layouts its releases write (column order and names as in py-feat's own test data and
docs samples): 0.6 (``frame`` first, lower-case emotions, ``input`` last) and 0.7 (capitalised emotions, then
``input, frame, approx_time, Identity``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

AUS = ("AU01", "AU02", "AU04", "AU05", "AU06", "AU07", "AU09", "AU10", "AU11", "AU12", "AU14", "AU15", "AU17",
       "AU20", "AU23", "AU24", "AU25", "AU26", "AU28", "AU43")
EMO_06 = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")
EMO_07 = ("Neutral", "Happy", "Sad", "Surprise", "Fear", "Disgust", "Anger")


def au12(frame: int, face: int) -> float:
    return round(0.1 + 0.08 * (frame % 10) + 0.05 * face, 4)


def pyfeat_csv(path: Path, rows: list[tuple[int, int, float]], version: str = "0.6",
               identity: list[str] | None = None, frame_column: bool = True, inputs: list[str] | None = None) -> Path:
    """``rows``: (frame, face, FaceRectX); face -1 writes py-feat's empty row (NaN everywhere) for that frame."""
    data: dict[str, list] = {}
    rect = ["FaceRectX", "FaceRectY", "FaceRectWidth", "FaceRectHeight", "FaceScore"]
    lm = [f"x_{i}" for i in range(68)] + [f"y_{i}" for i in range(68)]
    for frame, face, x in rows:
        none = face < 0
        vals = {"FaceRectX": x, "FaceRectY": 40.0, "FaceRectWidth": 120.0, "FaceRectHeight": 150.0,
                "FaceScore": 0.999}
        vals |= {c: 100.0 + k for k, c in enumerate(lm)}
        vals |= {"Pitch": 1.0, "Roll": -2.0, "Yaw": 3.0}
        vals |= {a: round(0.02 * k, 4) for k, a in enumerate(AUS)} | {"AU12": au12(frame, face)}
        emos = EMO_06 if version == "0.6" else EMO_07
        vals |= {e: round(1 / 7, 4) for e in emos}
        vals["happiness" if version == "0.6" else "Happy"] = au12(frame, face)
        if none:
            vals = {k: np.nan for k in vals}
        vals |= {"input": "clip.mp4", "frame": frame}
        if version == "0.7":
            vals["approx_time"] = f"00:00:{frame / 30:05.2f}"
        for k, v in vals.items():
            data.setdefault(k, []).append(v)
    df = pd.DataFrame(data)
    if version == "0.6":
        cols = ["frame", *rect, *lm, *AUS, "Pitch", "Roll", "Yaw", *EMO_06, "input"]
    else:
        cols = [*rect, *lm, "Pitch", "Roll", "Yaw", *AUS, *EMO_07, "input", "frame", "approx_time"]
        df["Identity"] = identity if identity is not None else [""] * len(df)
        cols.append("Identity")
    if inputs is not None:
        df["input"] = inputs
    if not frame_column:
        cols.remove("frame")
    df[cols].to_csv(path, index=False)
    return path
