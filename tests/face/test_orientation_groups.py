"""A group photo that is upside down or sideways (no rotation flag): faces of 15-20 % of the photo's height,
which MediaPipe's short-range detector does not see on the whole frame at any turn, so the turn is read from the
full-range detector (merstudio.face.orientation)."""

from __future__ import annotations

import numpy as np
import pytest
from support.occluders import astronaut_face
from support.placed_faces import lfw_face, placed

from merstudio.face.detector import FaceMeshDetector
from merstudio.face.orientation import TURNS, choose_turn, turn
from merstudio.io import open_source
from merstudio.resources import demo_video


def _group(size: tuple[int, int], share: float, xs: tuple[float, ...], bg: int = 200) -> np.ndarray:
    """Three real faces (the astronaut, an LFW face, the demo's interviewee) side by side in a grey photo, each
    face's landmark box `share` of the photo's height high, at these fractions of its width."""
    with open_source(demo_video()) as src:
        demo = src.frame(150)
    w, h = size
    photo = np.full((h, w, 3), bg, np.uint8)
    fh = share * h
    with FaceMeshDetector(max_faces=1, video_mode=False, small_faces=False) as det:
        for k, (img, x) in enumerate(zip((astronaut_face(), lfw_face(3), demo), xs, strict=True)):
            y = h * (0.3 + 0.15 * (k % 2))
            photo = placed(det, img, (x * w, y, x * w + 0.8 * fh, y + fh), size=size, onto=photo)
    return photo


@pytest.fixture(scope="module")
def group() -> np.ndarray:
    return _group((1600, 700), 0.17, (0.08, 0.45, 0.8))


def test_the_short_range_detector_alone_sees_no_face_of_the_group(group):
    """Why the full-range detector is needed: the short-range one scores 0 at every turn, upright included."""
    from merstudio.face.orientation import _detector, _scores

    with _detector(None, model=0) as det:
        mean, _, _ = _scores(det, [group], tiled=False)
    assert mean.max() == 0.0


@pytest.mark.parametrize("deg", TURNS)
def test_a_group_photo_turned_any_way_is_turned_upright(group, deg):
    """Turned `deg` clockwise, the photo is upright again after 360 - `deg` more (before: 0 at every turn, the
    upside-down faces read as frowns)."""
    assert choose_turn([turn(group, deg)]) == (360 - deg) % 360


def test_a_wide_group_photo_turned_is_turned_upright():
    """A 2400x1000 photo of faces 16 % of its height: its faces are 13 px in the full-range detector's 192-px view
    of the whole frame, and its 768-px tiles show them larger."""
    photo = _group((2400, 1000), 0.16, (0.1, 0.45, 0.8))
    assert choose_turn([photo]) == 0
    assert choose_turn([turn(photo, 180)]) == 180
    assert choose_turn([turn(photo, 90)]) == 270


class _Refuses:
    def process(self, rgb):
        raise AssertionError("the full-range detector was asked")


def test_a_portrait_is_decided_without_the_full_range_detector():
    """The cost of a portrait's check stays what it was: its face is seen clearly upright or turned, so the
    full-range pass is not run."""
    face = astronaut_face()
    assert choose_turn([face], finder=_Refuses()) == 0
    assert choose_turn([turn(face, 180)], finder=_Refuses()) == 180


def test_no_face_no_turn_with_the_full_range_detector_too():
    from skimage import data

    for img in (data.coffee(), data.chelsea(), data.rocket(), np.full((1080, 1920, 3), 90, np.uint8)):
        assert choose_turn([img]) == 0


def test_one_face_on_its_side_does_not_outscore_the_upright_group(group):
    """In a 768-px tile the full-range detector scored one face of the upright group 0.9 with the photo turned
    270°, as high as the best upright face: a turn's score counts the faces it misses."""
    from merstudio.face.orientation import TURN_MARGIN, TURN_MIN_SCORE, _detector, _scores

    with _detector(None, model=1) as det:
        _, mean, _ = _scores(det, [group], tiled=True)
    assert mean[0] >= TURN_MIN_SCORE and mean[0] - np.delete(mean, 0).max() >= TURN_MARGIN
