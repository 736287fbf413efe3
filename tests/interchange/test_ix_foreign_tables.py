"""Per-frame tables from other tools as they come: OpenFace's ~700 columns kept in one go, an OpenFace run without
-aus told as such, and a table of a tool merstudio does not read (iMotions) refused naming what it reads."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from merstudio.errors import InputError
from merstudio.interchange import detect_format, looks_openface, read_events, read_openface
from merstudio.interchange.au_tables import au_table_kind, read_au_table


def _landmark_columns(n: int) -> list[str]:
    return [f"{axis}_{k}" for axis in ("x", "y", "X", "Y", "Z") for k in range(n)]


def test_a_wide_openface_file_is_kept_without_fragmenting_the_table(tmp_path):
    """OpenFace with -2Dfp -3Dfp: hundreds of landmark columns beside the AUs (py-feat's OpenFace_Test.csv)."""
    extra = _landmark_columns(68)
    head = ["frame", "face_id", "timestamp", "confidence", "success", *extra, "AU01_r", "AU12_r", "AU01_c"]
    rows = [[f, 0, f"{(f - 1) / 30:.3f}", "0.98", 1, *(["1.5"] * len(extra)), "0.5", "1.0", 1] for f in range(1, 6)]
    p = tmp_path / "wide.csv"
    p.write_text("\n".join(", ".join(map(str, r)) for r in [head, *rows]) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        t = read_openface(p, keep_other=True)
    assert list(t.frames.columns[:8]) == ["frame", "face_id", "timestamp", "confidence", "success", "AU01_r",
                                          "AU12_r", "AU01_c"]
    assert list(t.frames.columns[8:]) == extra and t.frames["frame"].tolist() == [0, 1, 2, 3, 4]


def test_an_openface_run_without_aus_is_told_so(tmp_path):
    """FeatureExtraction without -aus (FaceMirror's Shorty_head.csv): landmarks, no AU columns."""
    p = tmp_path / "landmarks.csv"
    head = ["frame", "face_id", "timestamp", "confidence", "success", *_landmark_columns(3)]
    p.write_text(",".join(head) + "\n" + ",".join(["1", "0", "0.000", "0.98", "1"] + ["2.0"] * 15) + "\n")
    assert looks_openface(p) and not looks_openface(p, aus=True) and au_table_kind(p) == "openface"
    for read in (lambda: read_au_table(p, "openface"), lambda: detect_format(p), lambda: read_events(p)):
        with pytest.raises(InputError, match=r"missing OpenFace AU columns \(this OpenFace run had no -aus") as err:
            read()
        assert "Behavior" not in str(err.value)


def test_a_table_of_a_tool_merstudio_does_not_read_names_what_it_reads(tmp_path):
    p = tmp_path / "imotions.csv"  # iMotions' layout (py-feat's iMotions_Test.csv)
    p.write_text("Joy,Anger,Surprise,AU1,AU2,AU4,NoOfFaces,Yaw Degrees\n0.4,-0.8,0.9,0.2,0.3,-0.2,1,0.6\n")
    assert au_table_kind(p) is None
    with pytest.raises(InputError) as err:
        read_events(p, fps=30.0)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{p}: not a table merstudio reads (first row: Joy, Anger")
    for fmt in ("BORIS", "events CSV", "OpenFace", "py-feat"):
        assert fmt in msg
