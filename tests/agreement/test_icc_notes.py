"""The ICC notes name only the ICCs the summary prints and give the reason that fits: a coder whose value never
changes (no between-target variance), few targets (single-coder forms), or coders going against each other (the
forms of the coders' mean, on any number of targets) (audit a89)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from merstudio.agreement import agreement_from_events
from merstudio.project import Event


def _table(au01: np.ndarray, au12: np.ndarray) -> pd.DataFrame:
    n = len(au01)
    return pd.DataFrame({"frame": np.arange(n), "face_id": 0, "success": 1, "AU01_r": au01, "AU12_r": au12})


def _printed_icc_columns(summary: str) -> set[str]:
    header = next(ln for ln in summary.splitlines() if ln.startswith("source ") and "icc" in ln)
    return {c for c in header.split() if c.startswith("icc")}


def test_a_constant_coder_is_named_as_such_and_notes_name_printed_columns_only() -> None:
    n = 60
    t = np.arange(n)
    smile = 2 + np.sin(t / 5)
    # model: AU01 0 on every frame; other: AU01 about 1, varying a little -> ICC(1,k) about -3 (in the CSV only),
    # the two-way ICCs 0: 60 frames are no "few targets"
    model = _table(np.zeros(n), smile)
    other = _table(1 + 0.1 * np.sin(t / 3), smile + 0.05 * np.cos(t))
    rep = agreement_from_events([Event(1, 5, 7, 9, aus="12", coder="ann")], frame_counts={1: n},
                                frame_tables={1: {"model": model, "other": other}})
    row = rep.icc.set_index("au").loc["AU01"]
    assert row["n"] == n and row["icc1_k"] < -1 and abs(row["icc3_1"]) < 1e-9
    printed = _printed_icc_columns(rep.summary())
    for note in rep.notes:
        named = set(re.findall(r"\bicc\d_[1k]\b", note))
        assert named <= printed, (note, printed)  # icc1_k -3 was named, a column the summary does not show
        assert "few targets" not in note
    flat = next(n for n in rep.notes if n.startswith("ICC with a coder whose value never changes"))
    assert "model on AU01 (model / other, frames of video 1)" in flat and "AU12" not in flat
    assert "no between-target variance" in flat


def _pairs(ann: list[str], bob: list[str]) -> list[Event]:
    return [Event(1, 10 * i, 10 * i + 1, 10 * i + 3, aus=a, coder=c)
            for c, aus in (("ann", ann), ("bob", bob)) for i, a in enumerate(aus)]


def test_mean_forms_outside_the_range_on_many_targets_are_not_blamed_on_few_targets() -> None:
    # ten pairs that go against each other: ICC(3,1) -0.8, so ICC(3,k) = 2x / (1 + x) = -8; ICC(2,1) -0.98
    ann = [f"12{c}" for c in "ABCDE" * 2]
    bob = [f"12{c}" for c in "ECDAB" * 2]
    rep = agreement_from_events(_pairs(ann, bob), frame_counts={1: 100})
    row = rep.icc.set_index("au").loc["AU12"]
    assert row["n"] == 10 and row["icc3_k"] < -1 and -1 < row["icc2_1"] < 0
    note = next(n for n in rep.notes if n.startswith("ICC outside [-1, 1]"))
    assert "AU12 ann / bob icc3_k -8.000 (n 10)" in note
    assert "few targets" not in note and "on any number of targets" in note and "no agreement" in note
    assert not any(n.startswith("ICC with a coder whose value never changes") for n in rep.notes)


def test_a_coder_with_one_letter_on_every_event_is_named() -> None:
    rep = agreement_from_events(_pairs(["12C"] * 4, ["12A", "12B", "12D", "12E"]), frame_counts={1: 100})
    flat = next(n for n in rep.notes if n.startswith("ICC with a coder whose value never changes"))
    assert "ann on AU12 (ann / bob, matched events)" in flat


def test_an_undefined_mean_form_beside_opposed_coders_is_explained() -> None:
    """Coders exactly opposed (other = max - model): ICC(3,1) is -1 and ICC(3,k) = 2x / (1 + x) has no value, shown
    "-" with no note (a92)."""
    n = 60
    t = np.arange(n)
    wave = 2 + np.sin(t / 5)
    rep = agreement_from_events([Event(1, 5, 7, 9, aus="12", coder="ann")], frame_counts={1: n},
                                frame_tables={1: {"model": _table(wave, wave), "other": _table(4 - wave, wave)}})
    row = rep.icc.set_index("au").loc["AU01"]
    assert abs(row["icc3_1"] + 1) < 1e-9 and row["icc3_k"] != row["icc3_k"]
    note = next((n for n in rep.notes if n.startswith("ICC undefined (shown -)")), None)
    assert note is not None, rep.notes
    assert "AU01 model / other icc3_k (n 60; icc3_1 -1.000)" in note and "exactly opposed" in note


def test_hand_made_events_with_seconds_times_fps_frames_get_one_line() -> None:
    """agreement_from_events on events built from seconds * fps (18.3) crashed in the frame slicing (TypeError:
    slice indices must be integers); whole floats and numpy ints are frames like any other (a91)."""
    import pytest

    from merstudio.errors import InputError

    with pytest.raises(InputError, match="onset must be a whole frame number, got 18.3"):
        agreement_from_events([Event(0, 18.3, 31.5, 68.1, coder="a"), Event(0, 17, 30, 69, coder="b")],  # type: ignore[arg-type]
                              frame_counts={0: 72})
    rep = agreement_from_events([Event(0, np.int64(18), 31.0, 68, coder="a"),  # type: ignore[arg-type]
                                 Event(0, 17, 30, 69, coder="b")], frame_counts={0: 72})
    assert int(rep.pairs.iloc[0]["matched"]) == 1
