"""Hand outlines against face regions (the geometry; MediaPipe Hands itself is Google's model), and the lips'
contrast that tells a covered mouth on a real face."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.face.align import canonical_landmarks
from merstudio.face.occlusion import (
    EYE_CONTRAST_MIN,
    JUDGE_MIN_IOD,
    LIP_CONTRAST_MIN,
    REGION_POINTS,
    EyesVisibility,
    MouthVisibility,
    covered_regions,
    eye_contrast,
    lip_contrast,
)


def test_a_hand_over_the_mouth_covers_the_mouth_only():
    mesh = canonical_landmarks(256)
    mouth = mesh[list(REGION_POINTS["mouth"])]
    x0, y0 = mouth.min(axis=0) - 6
    x1, y1 = mouth.max(axis=0) + 6
    hand = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    cov = covered_regions([hand], mesh)
    assert cov["mouth"] == 1.0
    assert cov["eyes"] == 0.0 and cov["brows"] == 0.0


def test_no_hands_cover_nothing():
    assert set(covered_regions([], canonical_landmarks(256)).values()) == {0.0}


# -- whatever covers the lips ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def faces():
    """The real portrait, its greyscale copy, and the two painted occluders, each with the mesh fitted to it (as
    the pipeline fits it: on the occluded image, where the mesh guesses the hidden lips)."""
    import cv2
    from support.occluders import astronaut_face, paint_mask, paint_patch, paint_sunglasses

    from merstudio.face.detector import FaceMeshDetector

    face = astronaut_face()
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        lm = det.detect(face)[0].landmarks
        images = {"colour": face, "grey": np.repeat(cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2),
                  "mask": paint_mask(face, lm), "patch": paint_patch(face, lm), "dark glasses": paint_sunglasses(face, lm)}
        return {k: (im, det.detect(im)[0].landmarks) for k, im in images.items()}


def test_real_lips_are_seen_in_colour_and_in_grey(faces):
    # Measured: colour 1.9, grey 0.32 (lightness alone); real clips read 0.14-2.6 (docs/aus.md, Occlusion).
    assert lip_contrast(*faces["colour"]) > 10 * LIP_CONTRAST_MIN
    assert lip_contrast(*faces["grey"]) > 3 * LIP_CONTRAST_MIN


@pytest.mark.parametrize("cover", ["mask", "patch"])
def test_a_cover_over_the_lips_hides_them(faces, cover):
    assert lip_contrast(*faces[cover]) < LIP_CONTRAST_MIN / 2
    assert MouthVisibility().update(0, *faces[cover]) == 1.0
    assert MouthVisibility().update(0, *faces["colour"]) == 0.0


def test_mouth_visibility_goes_by_the_median_of_the_frames_round_each(faces):
    seen = MouthVisibility(fps=30)  # two frames either side
    order = ["colour", "mask", "colour", "colour", "colour", "mask", "mask", "mask", "colour", "colour"]
    for i, name in enumerate(order):
        seen.judge(7, i, *faces[name])
    # one dark or blurred frame does not blank a mouth; a cover that stays does, from its first frame to its last
    assert [seen.decide(7, i) for i in range(len(order))] == [0, 0, 0, 0, 0, 1, 1, 1, 0, 0]
    seen.judge(8, 0, *faces["colour"])
    assert seen.decide(8, 0) == 0.0  # each track on its own
    seen.forget({8})
    seen.judge(7, 20, *faces["colour"])
    assert seen.decide(7, 20) == 0.0  # a forgotten track starts afresh


def test_lips_outside_the_frame_or_too_small_are_not_judged(faces):
    im, lm = faces["colour"]
    assert lip_contrast(im[:300], lm) is None  # the mouth is below the cut
    assert lip_contrast(im, lm * 0.02) is None  # a face of a few pixels


# -- eyes behind dark glasses ----------------------------------------------------------------------------------------
def test_real_open_eyes_are_seen_in_colour_and_in_grey(faces):
    # Measured: 42 open-eyed real faces in 18 photographs 1.09 and up, the real clips 0.94 (darkened) and up; real
    # dark glasses 0.41 (docs/aus.md, Occlusion)
    assert eye_contrast(*faces["colour"]) > 2 * EYE_CONTRAST_MIN
    assert eye_contrast(*faces["grey"]) > 2 * EYE_CONTRAST_MIN  # lightness only: grey video loses nothing
    assert EyesVisibility().update(0, *faces["colour"]) == 0.0


def test_dark_glasses_hide_the_eyes(faces):
    im, lm = faces["dark glasses"]  # the mesh fitted on the image with the lenses: it guesses eyes behind them
    assert eye_contrast(im, lm) < EYE_CONTRAST_MIN / 2
    assert EyesVisibility().update(0, im, lm) == 1.0
    assert MouthVisibility().update(0, im, lm) == 0.0  # the mouth is still seen


def test_closing_tiny_or_cut_eyes_are_not_judged(faces):
    im, lm = faces["colour"]
    shut = lm.copy()
    for upper, lower in ((159, 145), (386, 374)):
        shut[lower] = shut[upper]  # the lids meet: a blink says nothing about glasses
    assert eye_contrast(im, shut) is None
    c = lm.mean(axis=0)
    small = (lm - c) * (0.9 * JUDGE_MIN_IOD / np.linalg.norm(lm[33] - lm[263])) + c
    assert eye_contrast(im, small) is None  # the eyes a few pixels tall
    assert eye_contrast(im[:int(lm[159, 1])], lm) is None  # the eyes cut by the frame's edge
    seen = EyesVisibility()
    seen.update(3, *faces["dark glasses"])
    assert seen.update(3, im, shut) == 1.0  # a blink behind the glasses: the last judgement holds


def test_hands_are_looked_for_round_a_small_face_and_in_the_whole_of_a_close_up():
    from merstudio.face.occlusion import HAND_MARGIN, hand_window

    assert hand_window((720, 1280, 3), []) is None
    assert hand_window((360, 640, 3), [(250.0, 60.0, 450.0, 300.0)]) is None  # a close-up: the whole frame
    cx, cy, side = hand_window((720, 1280, 3), [(300.0, 300.0, 400.0, 420.0)])  # a face 120 px high in 720p
    assert (cx, cy) == (350.0, 360.0) and side == pytest.approx(120 + 2 * HAND_MARGIN * 120)
    cx, cy, side = hand_window((2160, 3840, 3), [(1000.0, 900.0, 1200.0, 1150.0), (2000.0, 950.0, 2200.0, 1200.0)])
    assert (cx, cy) == (1600.0, 1050.0) and side == pytest.approx(1200 + 2 * HAND_MARGIN * 250)  # both faces


def test_faces_far_apart_get_a_window_each_and_a_close_up_among_them_the_whole_frame(monkeypatch):
    from merstudio.face import occlusion
    from merstudio.face.occlusion import hand_window, hand_windows

    left, right = (150.0, 300.0, 230.0, 400.0), (1050.0, 300.0, 1130.0, 400.0)  # two people in a wide 720p shot
    assert hand_window((720, 1280, 3), [left, right]) is None  # one square round both: nearly the whole frame
    assert hand_windows((720, 1280, 3), [right, left]) == [hand_window((720, 1280, 3), [left]),
                                                            hand_window((720, 1280, 3), [right])]
    near = (240.0, 305.0, 320.0, 405.0)  # beside the left face: their joint window 1.28 times their own
    assert hand_windows((720, 1280, 3), [left, near, right]) == [hand_window((720, 1280, 3), [left, near]),
                                                                  hand_window((720, 1280, 3), [right])]
    apart = (300.0, 305.0, 380.0, 405.0)  # further: 1.52 times, a window each
    assert hand_windows((720, 1280, 3), [left, apart, right]) == [None]  # three groups: one round all, the frame
    assert hand_windows((720, 1280, 3), [left, apart]) == [hand_window((720, 1280, 3), [left]),
                                                           hand_window((720, 1280, 3), [apart])]
    monkeypatch.setattr(occlusion, "MAX_HAND_WINDOWS", 1)
    assert hand_windows((720, 1280, 3), [left, right]) == [None]  # more groups than trackers: the whole frame
    monkeypatch.undo()
    close_up = (700.0, 100.0, 1200.0, 700.0)
    assert hand_windows((720, 1280, 3), [left, close_up]) == [None]
    assert hand_windows((720, 1280, 3), [left]) == [hand_window((720, 1280, 3), [left])]
    assert hand_windows((720, 1280, 3), []) == [None]


class _Hand:
    """A stand-in for MediaPipe Hands that sees a hand at the middle of every image with any light in it."""

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []
        self.blank: list[bool] = []

    def process(self, image: np.ndarray):  # noqa: ANN201 - mediapipe's result type
        from types import SimpleNamespace as NS

        self.shapes.append(image.shape)
        self.blank.append(not image.any())
        pts = [NS(x=0.5 + dx, y=0.5 + dy) for dx, dy in ((-0.05, -0.05), (0.05, -0.05), (0.05, 0.05), (-0.05, 0.05))]
        return NS(multi_hand_landmarks=[NS(landmark=pts)] if image.any() else None)

    def close(self) -> None:
        pass


def test_a_hand_found_in_the_window_is_placed_in_the_frame_and_a_moved_window_forgets_it():
    from merstudio.face.occlusion import HandOcclusion

    hands = HandOcclusion(every=1)
    hands._lookers[0].graph.close()
    hands._lookers[0].graph = fake = _Hand()
    frame = np.full((720, 1280, 3), 90, np.uint8)
    face = (300.0, 300.0, 400.0, 420.0)
    (outline,) = hands.update(0, frame, [face])
    side = fake.shapes[0][0]
    assert fake.shapes == [(side, side, 3)] and side < 720  # the window, not the frame
    assert np.allclose(outline.mean(axis=0), (350, 360), atol=1.5)  # the window's middle, in frame pixels
    hands.update(1, frame, [(305.0, 302.0, 405.0, 422.0)])  # the face hardly moved: the same window, tracking on
    assert len(fake.shapes) == 2
    (outline,) = hands.update(2, frame, [(700.0, 300.0, 800.0, 420.0)])  # it moved: forget, then look there
    assert fake.blank == [False, False, True, False]  # a blank image through the tracker, in the old window's size
    assert fake.shapes[2] == (side, side, 3)
    assert np.allclose(outline.mean(axis=0), (750, 360), atol=1.5)
    (outline,) = hands.update(3, np.full((360, 640, 3), 90, np.uint8), [(250.0, 60.0, 450.0, 300.0)])
    assert fake.shapes[-1] == (360, 640, 3)  # a close-up: the whole frame
    assert np.allclose(outline.mean(axis=0), (320, 180), atol=1.5)


def test_two_windows_track_on_their_own_and_one_moving_leaves_the_other_tracking(monkeypatch):
    from merstudio.face import occlusion
    from merstudio.face.occlusion import HandOcclusion

    fakes: list[_Hand] = []

    def graph(self):  # noqa: ANN001, ANN202
        fakes.append(_Hand())
        return fakes[-1]

    monkeypatch.setattr(occlusion.HandOcclusion, "_graph", graph)
    hands = HandOcclusion(every=6)
    frame = np.full((720, 1280, 3), 90, np.uint8)
    left, right = (150.0, 300.0, 230.0, 400.0), (1050.0, 300.0, 1130.0, 400.0)
    outlines = hands.update(0, frame, [left, right])
    assert len(fakes) == 2 and [len(f.shapes) for f in fakes] == [1, 1]  # a second graph, each in its window
    centres = sorted(tuple(np.round(o.mean(axis=0))) for o in outlines)
    assert centres == [(190.0, 350.0), (1090.0, 350.0)]  # each hand in frame pixels, at its window's middle
    hands.update(1, frame, [left, right])  # both hold a hand: both track on the next frame
    assert [len(f.shapes) for f in fakes] == [2, 2]
    moved = (1150.0, 300.0, 1230.0, 400.0)
    hands.update(2, frame, [left, moved])  # the right face moved: its tracker forgets (blank) and looks there
    assert [f.blank for f in fakes] == [[False] * 3, [False, False, True, False]]
    hands.update(3, frame, [left])  # one face left: one window; the idle tracker forgets its hands
    assert fakes[1].blank[-1] and len(fakes[0].shapes) == 4
    hands.forget()
    assert not hands.update(4, frame, [left])  # frame 4 is no multiple of 6 and no hand is held: no look
    assert len(fakes) == 2  # the graphs are kept for the next time
