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


def test_no_face_no_turn():
    assert choose_turn([np.full((120, 160, 3), 90, np.uint8)]) == 0
    assert choose_turn([]) == 0


def test_samples_spread_over_the_input():
    assert sample_frames(1) == [0]
    assert sample_frames(100) == [10, 30, 50, 70, 90]
    assert sample_frames(3) == [0, 1, 2]
    assert sample_frames(0) == []
