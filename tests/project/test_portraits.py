"""The portraits a run records (each face's largest view) as they are stored, read back and carried by face edits."""

from __future__ import annotations

from merstudio.project.portraits import carry, decode, encode


def test_stored_portraits_read_back_with_int_ids():
    raw = encode({0: (5, (1.04, 2, 30.06, 40)), 3: (9, (0, 0, 8, 8))})
    assert raw == {"0": [5, [1.0, 2.0, 30.1, 40.0]], "3": [9, [0.0, 0.0, 8.0, 8.0]]}  # JSON keys are strings
    assert decode(raw) == {0: (5, (1.0, 2.0, 30.1, 40.0)), 3: (9, (0.0, 0.0, 8.0, 8.0))}


def test_a_malformed_record_costs_the_pictures_only():
    assert decode(None) == {} and decode({}) == {}
    assert decode({"0": [5, [1, 2, 3]]}) == {}  # a box of three numbers
    assert decode({"x": [5, [0, 0, 1, 1]]}) == {}
    assert decode("not a mapping") == {}


def test_a_merge_keeps_the_larger_view_and_a_split_moves_the_view_with_its_frame():
    raw = encode({0: (5, (0, 0, 10, 10)), 1: (30, (0, 0, 50, 40)), 2: (26, (0, 0, 5, 5))})
    merged = decode(carry(raw, source=1, target=0, start=0))
    assert merged == {0: (30, (0.0, 0.0, 50.0, 40.0)), 2: (26, (0.0, 0.0, 5.0, 5.0))}
    assert decode(carry(raw, source=2, target=0, start=0))[0] == (5, (0.0, 0.0, 10.0, 10.0))  # smaller: not taken
    # A split at frame 20: face 1's view (frame 30) goes with the new face, face 2's (frame 26) too.
    split = decode(carry(raw, source=1, target=7, start=20))
    assert 1 not in split and split[7] == (30, (0.0, 0.0, 50.0, 40.0))
    assert decode(carry(raw, source=1, target=7, start=31)) == decode(raw)  # the view is before the cut: it stays
