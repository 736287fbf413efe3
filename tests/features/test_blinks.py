"""Which frames lie in a blink (merstudio.features.blinks): the shut frames and their closing and opening neighbours,
handed on in order once the frames after them are known."""

from __future__ import annotations

import math

from merstudio.features.blinks import BlinkMarker


def _run(marker: BlinkMarker, pushes: list[tuple[int, int, float]]) -> tuple[list, list]:
    """(what each push returned, in push order; then what flush returned)."""
    out = []
    for tid, f, score in pushes:
        out.append(marker.push(tid, f, score, f"{tid}:{f}"))
    return out, marker.flush()


def test_the_shut_frames_and_two_on_either_side_are_a_blink_and_frames_leave_two_frames_late() -> None:
    # the demo's blink scores (0.05 at rest, 0.29 closing, 0.51-0.53 shut, 0.35 and 0.22 opening)
    scores = [0.05] * 10 + [0.29, 0.51, 0.51, 0.53, 0.35, 0.22] + [0.05] * 10
    marker: BlinkMarker[str] = BlinkMarker(fps=30.0)
    assert marker.margin == 2
    out, rest = _run(marker, [(0, f, s) for f, s in enumerate(scores)])
    assert all(r == [] for r in out[:2])
    assert [len(r) for r in out[2:]] == [1] * (len(scores) - 2) and len(rest) == 2
    done = [x for r in out for x in r] + rest
    assert [(t, f, item) for t, f, item, _ in done] == [(0, f, f"0:{f}") for f in range(len(scores))]
    assert [f for _, f, _, b in done if b] == list(range(9, 16))  # shut 11-13, two frames either side


def test_a_lost_tracks_frames_leave_as_other_faces_frames_come() -> None:
    marker: BlinkMarker[str] = BlinkMarker(fps=30.0)
    got = marker.push(1, 10, 0.9, "a") + marker.push(2, 10, 0.1, "b") + marker.push(2, 11, 0.1, "c")
    assert got == []
    got = marker.push(2, 12, 0.1, "d")  # track 1 is not seen again: its frame 10 is two frames old now
    assert sorted(got) == [(1, 10, "a", True), (2, 10, "b", False)]


def test_scores_at_rest_a_smiles_narrowed_lids_and_unknown_scores_are_no_blink() -> None:
    # the real smile clip's scores: 0.11 at rest, 0.25-0.3 while the cheeks push the lower lids up
    scores = [0.11] * 5 + [0.16, 0.21, 0.28, 0.29, 0.3, 0.28, 0.25, math.nan, 0.24]
    marker: BlinkMarker[None] = BlinkMarker(fps=30.0)
    out, rest = _run(marker, [(0, f, s) for f, s in enumerate(scores)])
    assert not any(b for r in [*out, rest] for *_, b in r)


def test_the_margin_is_time_not_frames() -> None:
    assert BlinkMarker(fps=60.0).margin == 4
    assert BlinkMarker(fps=10.0).margin == 1  # at least one frame
