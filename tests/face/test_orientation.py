"""Footage that is not upright: which quarter turn makes its faces upright, and landmarks turned back into the
file's own coordinates."""

from __future__ import annotations

import numpy as np
import pytest
from support.occluders import astronaut_face

from merstudio.face.orientation import TURNS, choose_turn, sample_frames, turn, unturn_points


@pytest.mark.parametrize("deg", TURNS)
def test_points_found_in_a_turned_frame_come_back_to_the_file_pixels(deg):
    frame = np.zeros((30, 50, 3), np.uint8)
    spots = [(7, 3), (44, 25), (0, 0), (49, 29)]  # (x, y) pixels of the file's frame
    for k, (x, y) in enumerate(spots):
        frame[y, x] = 10 * (k + 1)
    turned = turn(frame, deg)
    found = []
    for k in range(len(spots)):
        y, x = np.argwhere(turned[..., 0] == 10 * (k + 1))[0]
        found.append((x + 0.5, y + 0.5))  # MediaPipe's convention: pixel centres at +0.5
    back = unturn_points(np.array(found), deg, 50, 30)
    np.testing.assert_allclose(back, np.array(spots) + 0.5)


def test_turn_is_clockwise():
    frame = np.zeros((2, 3, 3), np.uint8)
    frame[0, 0] = 255  # top left
    assert turn(frame, 90).shape == (3, 2, 3) and turn(frame, 90)[0, 1, 0] == 255  # now top right


def test_a_real_face_upright_stays_and_upside_down_is_turned():
    face = astronaut_face()
    assert choose_turn([face]) == 0
    assert choose_turn([turn(face, 180)]) == 180  # upside down: turning it 180 more makes it upright
    assert choose_turn([turn(face, 90)]) == 270


def test_a_real_face_on_its_side_is_turned_either_way():
    """Turned 270°, the portrait scores nearly as well as upright (the detector tolerates that roll better), so
    only its key points (mouth to eyes pointing left) tell that it lies on its side."""
    face = astronaut_face()
    assert choose_turn([turn(face, 270)]) == 90
    assert choose_turn([turn(face, 270)] * 3) == 90


def test_sideways_key_points_are_not_trusted_against_the_scores():
    """The key points point at a quarter turn only where that turn also scores like an upright face: a group
    photo of small faces (best 0.59) and a face whose key points were fitted upside down stay with the scores."""
    from merstudio.face.orientation import pick_turn

    assert pick_turn(np.array([0.59, 0.58, 0.0, 0.52]), -58.0) == 0  # measured: a group photo turned 270°
    assert pick_turn(np.array([0.70, 0.96, 0.97, 0.77]), 73.0) == 180  # a face rolled ~120°: 270 scores 0.77
    assert pick_turn(np.array([0.93, 0.77, 0.73, 0.87]), 19.9) == 0  # upright, head turned 45° away


def test_no_face_no_turn():
    assert choose_turn([np.full((120, 160, 3), 90, np.uint8)]) == 0
    assert choose_turn([]) == 0


def test_samples_spread_over_the_input():
    assert sample_frames(1) == [0]
    assert sample_frames(100) == [10, 30, 50, 70, 90]
    assert sample_frames(3) == [0, 1, 2]
    assert sample_frames(0) == []
