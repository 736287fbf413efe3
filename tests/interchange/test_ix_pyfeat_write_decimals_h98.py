"""py-feat export: AUxx = AUxx_r / 5 is written as the decimals the intensity holds, without float noise."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from merstudio.interchange.pyfeat import write_pyfeat


def test_rescaled_intensities_carry_no_float_noise(tmp_path):
    """0.555 / 5 is 0.111 (0.11100000000000002 in floats); a project stores intensities as float32 (0.96 is
    0.9599999785423279 there), whose / 5 is 0.192, not 0.19199999570846558."""
    au12 = [0.555, float(np.float32(0.96)), float(np.float32(4.222)), 5.0]
    frames = pd.DataFrame({"frame": [0, 1, 2, 3], "face_id": [0] * 4, "success": [1] * 4,
                           "AU12_r": au12, "AU06_r": [0.0, 0.3, 1.15, 2.5]})
    write_pyfeat(frames, tmp_path / "f.csv")
    with (tmp_path / "f.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["AU12"] for r in rows] == ["0.111", "0.192", "0.8444", "1.0"]
    assert [r["AU06"] for r in rows] == ["0.0", "0.06", "0.23", "0.5"]


def test_py_feat_probabilities_are_written_as_they_were(tmp_path):
    """A table read from py-feat (AUxx_p, no AUxx_r) keeps its probabilities' every digit."""
    frames = pd.DataFrame({"frame": [0], "face_id": [0], "success": [1], "AU12_p": [0.123456789012]})
    write_pyfeat(frames, tmp_path / "f.csv")
    with (tmp_path / "f.csv").open(newline="") as fh:
        assert next(csv.DictReader(fh))["AU12"] == "0.123456789012"
