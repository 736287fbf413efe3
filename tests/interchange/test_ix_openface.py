"""OpenFace 2 per-frame CSV import: spaced headers, 1-based frames, failed frames, checks against the video."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.interchange import read_openface

AUS_R = ["AU01_r", "AU02_r", "AU04_r", "AU45_r"]
AUS_C = ["AU01_c", "AU04_c", "AU45_c"]


def openface_csv(path, n=6, fps=30.0, start=1, fail=(3,), faces=(0,), extra=True):
    """Written as OpenFace 2's FeatureExtraction does: ', ' between header names, frames from 1."""
    cols = ["frame", "face_id", "timestamp", "confidence", "success"]
    cols += ["gaze_0_x", "pose_Tx"] if extra else []
    cols += AUS_R + AUS_C
    lines = [", ".join(cols)]
    for k in range(n):
        f = start + k
        for face in faces:
            ok = 0 if f in fail else 1
            vals = [f, face, f"{(f - start) / fps:.3f}", "0.98" if ok else "0", ok]
            vals += ["0.1", "12.5"] if extra else []
            vals += [f"{0.5 * k + face:.2f}" for _ in AUS_R] + [1 if k % 2 else 0 for _ in AUS_C]
            lines.append(", ".join(str(v) for v in vals))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_spaced_header_and_one_based_frames(tmp_path):
    t = read_openface(openface_csv(tmp_path / "of.csv"), fps=30.0, frame_count=6)
    df = t.frames
    assert list(df.columns[:5]) == ["frame", "face_id", "timestamp", "confidence", "success"]
    assert df["frame"].tolist() == [0, 1, 2, 3, 4, 5]
    assert t.au_columns == AUS_R + AUS_C
    assert "gaze_0_x" not in df.columns
    # OpenFace frame 3 failed -> our frame 2: no face, no intensities (a gap, not zeros)
    failed = df[df["frame"] == 2].iloc[0]
    assert failed["face_id"] == -1 and failed["success"] == 0 and np.isnan(failed["AU04_r"])
    assert failed["AU04_c"] == 0
    assert df.loc[df["frame"] == 4, "AU04_r"].item() == pytest.approx(2.0)
    assert t.mismatches == [] and t.fps == pytest.approx(30.0, rel=1e-2) and t.frame_count == 6


def test_mismatches_with_the_video_are_reported(tmp_path):
    t = read_openface(openface_csv(tmp_path / "of.csv", n=10, fps=25.0), fps=30.0, frame_count=12)
    text = " | ".join(t.mismatches)
    assert "imply 25.000 fps, the video has 30 fps" in text
    assert "covers 10 frame(s), the video has 12" in text
    with pytest.raises(InputError, match="fps"):
        read_openface(tmp_path / "of.csv", fps=30.0, strict=True)


def test_several_faces_and_kept_columns(tmp_path):
    t = read_openface(openface_csv(tmp_path / "of.csv", faces=(0, 1), fail=()), fps=30.0, keep_other=True)
    df = t.frames
    assert len(df) == 12 and sorted(set(df["face_id"])) == [0, 1] and "pose_Tx" in df.columns
    assert df[(df["frame"] == 1) & (df["face_id"] == 1)]["AU01_r"].item() == pytest.approx(1.5)


def test_bad_files(tmp_path):
    (tmp_path / "x.csv").write_text("frame, timestamp, confidence\n1, 0.0, 0.9\n")
    with pytest.raises(InputError, match=r"missing OpenFace column\(s\) success, AUxx_r / AUxx_c"):
        read_openface(tmp_path / "x.csv")
    with pytest.raises(InputError, match="to be numbered from 1"):
        read_openface(openface_csv(tmp_path / "zero.csv", start=0), one_based=True)
    t = read_openface(tmp_path / "zero.csv", one_based=False)
    assert t.frames["frame"].min() == 0
    p = openface_csv(tmp_path / "neg.csv", start=0)
    p.write_text(p.read_text().replace("\n0, 0, 0.000", "\n-1, 0, 0.000", 1))
    with pytest.raises(InputError, match="negative frame -1"):
        read_openface(p, one_based=False)
    p = openface_csv(tmp_path / "text.csv")
    p.write_text(p.read_text().replace("0.98", "high", 1))
    with pytest.raises(InputError, match="row 2: column confidence is not a number"):
        read_openface(p)
    with pytest.raises(InputError, match="not found"):
        read_openface(tmp_path / "nope.csv")


def _rows_from(path, first_row_frame):
    """The file without its rows before ``first_row_frame`` (a face found late: OpenFace still starts at 1)."""
    lines = path.read_text().splitlines()
    kept = [ln for ln in lines[1:] if int(ln.split(",")[0]) >= first_row_frame]
    path.write_text("\n".join([lines[0], *kept]) + "\n")
    return path


@pytest.mark.parametrize(("start", "first_row", "fps", "one_based"), [
    (1, 1, 30.0, True),     # OpenFace: frame 1 at 0 s
    (0, 0, 30.0, False),    # merstudio's own CSV: frame 0 at 0 s
    (0, 1, 30.0, False),    # ... whose frame 0 has no row: the timestamps still say 0-based
    (1, 4, 25.0, True),     # OpenFace without its first rows, at another rate
    (0, 3, None, False),    # no video rate given: the rate the timestamps imply
])
def test_frame_numbering_is_detected(tmp_path, start, first_row, fps, one_based):
    """Reading a 0-based file as OpenFace's (or the reverse) shifts every frame by one without a visible error:
    the numbering is told apart by a frame 0 and by the timestamps (OpenFace puts frame 1 at 0 s)."""
    rate = fps or 30.0
    path = _rows_from(openface_csv(tmp_path / "of.csv", n=12, fps=rate, start=start, fail=()), first_row)
    t = read_openface(path, fps=fps)
    assert t.one_based is one_based, t.numbering
    first = first_row - (1 if one_based else 0)
    assert t.frames["frame"].iloc[0] == first
    # each row's time is its frame's time in our numbering: frame / fps
    assert np.allclose(t.frames["timestamp"], t.frames["frame"] / rate, atol=1e-3)
    assert ("from 1" if one_based else "from 0") in t.numbering_note


def test_numbering_can_be_given(tmp_path):
    path = openface_csv(tmp_path / "of.csv", n=6, start=1, fail=())
    assert read_openface(path, one_based=False).frames["frame"].tolist() == [1, 2, 3, 4, 5, 6]
    assert read_openface(path, one_based=True).numbering == "as told"
    lines = path.read_text().splitlines()  # no timestamps
    path.write_text("\n".join([lines[0]] + [", ".join(v if i != 2 else "" for i, v in enumerate(ln.split(", ")))
                                             for ln in lines[1:]]) + "\n")
    t = read_openface(path)
    assert t.one_based and "do not tell" in t.numbering  # OpenFace's convention, and said so
