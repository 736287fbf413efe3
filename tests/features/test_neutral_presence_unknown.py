"""Presences recomputed relative to a neutral face keep an unknown frame unknown (an empty AUxx_c), as the
analysis writes it; they read 0 (absent) before. The hysteresis is the estimator's: an unknown frame turns it off."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from merstudio.features.neutral import NeutralBaseline, apply_baselines, presence


def test_an_unknown_intensity_gives_an_unknown_presence_and_turns_the_hysteresis_off():
    got = presence(np.array([1.5, np.nan, np.nan, 0.8, 1.2, 0.7]))
    # unknown on 1-2; after them 0.8 is below PRESENCE_ON: off, as the estimator reads it
    assert np.array_equal(got, [1, np.nan, np.nan, 0, 1, 1], equal_nan=True)
    assert np.isnan(presence(np.array([np.nan]), on=True)[0])


def _table() -> pd.DataFrame:
    f = np.arange(8)
    au12 = np.array([0.5, 2.5, 2.5, np.nan, np.nan, 2.5, 0.5, 0.5])  # a hand over the smile on 3-4
    return pd.DataFrame({"frame": f, "face_id": 0, "success": 1, "AU12_r": au12,
                         "AU12_c": pd.array([0, 1, 1, None, None, 1, 0, 0], dtype="Int8")})


def test_relative_presences_keep_the_unknown_frames_and_are_written_empty_there():
    b = NeutralBaseline(0, 0, 0, {"AU12_r": 0.5}, 1, False)
    rel = apply_baselines(_table(), [b])
    assert rel["AU12_c"].isna().tolist() == [False, False, False, True, True, False, False, False]
    assert rel["AU12_c"].dropna().tolist() == [0, 1, 1, 1, 0, 0]
    text = io.StringIO()
    rel.to_csv(text, index=False)
    assert [line.split(",")[-1] for line in text.getvalue().splitlines()[1:]] == \
        ["0", "1", "1", "", "", "1", "0", "0"]


def test_a_table_read_from_csv_with_empty_presences_and_chunks_carry_the_state():
    df = pd.read_csv(io.StringIO(_table().to_csv(index=False)))  # AU12_c float with NaN, as pandas reads it
    b = NeutralBaseline(0, 0, 0, {"AU12_r": 0.5}, 1, False)
    state: dict[tuple[int, str], bool] = {}
    first = apply_baselines(df.iloc[:4], [b], state)  # ends on an unknown frame: the state is off
    assert state[(0, "AU12_c")] is False and pd.isna(first["AU12_c"].iloc[-1])
    second = apply_baselines(df.iloc[4:], [b], state)
    assert second["AU12_c"].isna().tolist() == [True, False, False, False]
    assert second["AU12_c"].iloc[1] == 1


def test_a_presence_left_absolute_is_written_as_integers_too():
    # AU04 has no neutral level (only AU12 is baselined): read from a CSV its presence is a float column, which
    # the relative table wrote as 1.0 / 0.0 beside AU12_c's 1 / 0.
    df = _table()
    df["AU04_r"] = [np.nan, np.nan, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0]
    df["AU04_c"] = pd.array([None, None, 0, 0, 1, 1, 0, 0], dtype="Int8")
    df = pd.read_csv(io.StringIO(df.to_csv(index=False)))
    rel = apply_baselines(df, [NeutralBaseline(0, 0, 0, {"AU12_r": 0.5}, 1, False)])
    text = io.StringIO()
    rel[["frame", "AU04_c"]].to_csv(text, index=False)
    assert [line.split(",")[1] for line in text.getvalue().splitlines()[1:]] == ["", "", "0", "0", "1", "1", "0", "0"]
