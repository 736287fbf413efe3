"""The real smile clip with a cover painted on it, as the auditor did (a grey block over the mouth; dark lenses over
the eyes): the mesh fitted to a face whose mouth or eyes it cannot see moves the brows' blendshapes (the neutral
frames read AU1 1.0-1.6 under the block, AU2 0.5-1.2 behind the lenses, both marked present), so the brows read
unknown there; and behind the lenses the lids are the mesh's guess, so no blink is marked (the guess read false
blinks at frames 23-24 and 35-38, `blink` 1 there and 0.2 s after each, not the real one at 26-28) (merstudio.features.aus: ALSO_HIDDEN and
the blink marker's unknown score); a run names the regions unknown on most frames (covered_notes)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest

from merstudio.analysis.pipeline import Analysis
from merstudio.features.aus import AUS, au_r, covered_notes
from merstudio.features.blendshape_aus import AU_MAP
from merstudio.io import open_source

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces"
NEUTRAL = range(0, 17)  # the coder's neutral frames (annotation.csv: 0-16 neutral, the smile's onset at 17)
BROWS = ("AU01", "AU02", "AU04")

pytestmark = pytest.mark.skipif(not (REAL / "smile_man.mp4").is_file(), reason="shared real-face clip absent")


def _painted(tmp_path: Path, paint, frames: int = 48) -> tuple[pd.DataFrame, list[str]]:  # noqa: ANN001
    """The clip's first `frames` frames, each painted by `paint(rgb, landmarks)` from its own mesh, analysed: the
    rows and the run's warnings."""
    from merstudio.face.detector import FaceMeshDetector

    with open_source(REAL / "smile_man.mp4") as src:
        clip = [rgb for _, rgb in src.iter_frames(0, frames)]
    path = tmp_path / "painted.avi"
    h, w = clip[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (w, h))
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        for rgb in clip:
            (face,) = det.detect(rgb)
            writer.write(cv2.cvtColor(paint(rgb, face.landmarks), cv2.COLOR_RGB2BGR))
    writer.release()
    with open_source(path) as src:
        analysis = Analysis(src)
        rows = pd.DataFrame(list(analysis.rows()))
    assert len(rows) == frames and rows.success.all()
    return rows.set_index("frame"), analysis.warnings


def _faces(rows: pd.DataFrame) -> dict[int, np.ndarray]:
    """covered_notes' input from a per-frame table: each face's AU intensities in AUS order."""
    return {int(fid): g[[au_r(a) for a in AUS]].to_numpy(float) for fid, g in rows.groupby("face_id")}


def _grey_block(rgb: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """The auditor's mask: a flat grey rectangle from under the nose to below the chin, cheek to cheek."""
    out = rgb.copy()
    x0, x1 = lm[58, 0] - 5, lm[288, 0] + 5
    y0, y1 = lm[2, 1] + 2, lm[152, 1] + 10
    cv2.rectangle(out, (int(x0), int(y0)), (int(x1), int(y1)), (150, 150, 150), -1)
    return out


def _dark_lenses(rgb: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """The auditor's dark glasses: a filled near-black ellipse over each eye."""
    out = rgb.copy()
    iod = float(np.linalg.norm(lm[33] - lm[263]))
    for a, b in ((33, 133), (362, 263)):
        c = (lm[a] + lm[b]) / 2
        cv2.ellipse(out, (int(c[0]), int(c[1])), (int(0.30 * iod), int(0.20 * iod)), 0, 0, 360, (25, 25, 25), -1,
                    cv2.LINE_AA)
    return out


def _brows_unknown(rows: pd.DataFrame, frames: pd.Index) -> None:
    for au in BROWS:
        assert rows.loc[frames, f"{au}_r"].isna().all(), au
        assert rows.loc[frames, f"{au}_c"].isna().all(), au  # empty in the CSV, not 0 (absent) or 1


def test_a_grey_block_over_the_mouth_leaves_the_brows_unknown_not_raised(tmp_path):
    rows, warnings = _painted(tmp_path, _grey_block, frames=30)
    covered = rows.index[rows.AU12_r.isna()]
    assert len(covered) == len(rows)  # the lips' check finds the block on every frame
    _brows_unknown(rows, covered)
    for au in BROWS:
        assert not (rows.loc[list(NEUTRAL), f"{au}_c"] == 1).any(), au
    assert rows.loc[covered, "AU45_r"].notna().all()  # the eyes, above the block, still read
    note = ("face 0: AUs unknown on most of its frames (covered: a mask, dark glasses, a hand or the frame's edge): "
            "mouth on 30 of 30, brows on 30 of 30")
    assert note in warnings  # the run says it (the CLI's summary, the app's status bar print its warnings)


def test_a_run_names_the_regions_unknown_on_most_of_a_face_s_frames_only():
    """Ten frames of face 0: the mouth's AUs unknown on 6 (most), the eyes' on 5 (half: not most); face 1 has no
    reading at all (no mesh: not a cover); frames without a face (-1) are not counted."""
    rows = pd.DataFrame({"frame": range(10), "face_id": 0, **{au_r(a): 0.5 for a in AUS}})
    mouth = [au_r(a) for a, m in AU_MAP.items() if m.region == "mouth"]
    eyes = [au_r(a) for a, m in AU_MAP.items() if m.region == "eyes"]
    rows.loc[:5, mouth] = np.nan
    rows.loc[:4, eyes] = np.nan
    blank = pd.DataFrame({"frame": range(3), "face_id": 1, **{au_r(a): np.nan for a in AUS}})
    none = pd.DataFrame({"frame": range(20), "face_id": -1, **{au_r(a): np.nan for a in AUS}})
    notes = covered_notes(_faces(pd.concat([rows, blank, none])))
    assert notes == ["face 0: AUs unknown on most of its frames (covered: a mask, dark glasses, a hand or the "
                     "frame's edge): mouth on 6 of 10"]
    assert covered_notes(_faces(rows.assign(**{c: 0.0 for c in mouth + eyes}))) == []


def test_dark_lenses_mark_no_blink_and_leave_the_brows_unknown(tmp_path):
    rows, warnings = _painted(tmp_path, _dark_lenses)
    hidden = rows.index[rows.AU45_r.isna()]
    assert len(hidden) == len(rows)  # the eyes' check finds the lenses on every frame
    assert (rows.blink == 0).all(), rows.index[rows.blink == 1].tolist()
    _brows_unknown(rows, hidden)
    for au in BROWS:
        assert not (rows.loc[list(NEUTRAL), f"{au}_c"] == 1).any(), au
    assert rows.AU12_r.notna().all()  # the mouth, below the lenses, still reads
    assert ("face 0: AUs unknown on most of its frames (covered: a mask, dark glasses, a hand or the frame's edge): "
            "eyes on 48 of 48, brows on 48 of 48") in warnings
