"""calm_window looks for the calmest still second in the face's frames only: a frame marked moving outside them (an
event's interval that runs past the face's last frame, or starts before its first, after a face split) used to
index past the series (IndexError) or wrap round from its end (a negative index), taking a still frame of the face
for a moving one."""

import numpy as np

from merstudio.features.neutral import calm_window

FPS = 10.0  # a 1-s window: 10 frames


def _face(first: int, last: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """frames 0..n-1; the face seen on first..last: busy (1.0) but for its last 10 frames (0.1)."""
    frames = np.arange(n)
    act = np.full(n, np.nan)
    act[first:last + 1] = 1.0
    act[last - 9:last + 1] = 0.1
    return frames, act


def test_a_moving_frame_after_the_face_is_no_index_error():
    frames, act = _face(10, 39, 50)
    moving = np.zeros(50, bool)
    moving[42:48] = True  # an event's frames past the face's last one (39)
    assert calm_window(frames, act, FPS, moving=moving) == (30, 39, False)


def test_a_moving_frame_before_the_face_does_not_wrap_into_it():
    frames, act = _face(10, 39, 40)
    moving = np.zeros(40, bool)
    moving[3] = True  # before the face's first frame (10): 3 - 10 = -7 was frame 33, in the calm stretch
    assert calm_window(frames, act, FPS, moving=moving) == (30, 39, False)
