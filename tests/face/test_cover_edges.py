"""The cover decision on a sequence of measures: centred on the frame, so it turns on at a cover's first frame and
off after its last, at any frame rate, and outvotes a dip as short as motion blur."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.face.occlusion import CoverCheck

SEEN, HIDDEN = 1.0, 0.0  # measures above and below the check's minimum (0.5)


def decisions(measures: list[float | None], fps: float) -> list[float]:
    """Run a CoverCheck over one track's per-frame measures as the pipeline does: every frame judged, a frame
    decided once the `lookahead` frames after it are judged, the last ones at the end."""
    values = iter(measures)
    check = CoverCheck(lambda _rgb, _mesh: next(values), 0.5, fps=fps)
    frame = np.zeros((2, 2, 3), np.uint8)
    out = []
    for i in range(len(measures)):
        check.judge(7, i, frame, np.zeros((468, 2)))
        if i >= check.lookahead:
            out.append(check.decide(7, i - check.lookahead))
    out += [check.decide(7, j) for j in range(len(out), len(measures))]
    return out


@pytest.mark.parametrize("fps", [15, 25, 30, 60])
def test_a_cover_is_decided_from_its_first_frame_to_its_last(fps):
    n, on, off = 4 * fps, fps, 2 * fps  # covered on frames [on, off)
    got = decisions([HIDDEN if on <= i < off else SEEN for i in range(n)], fps)
    assert np.flatnonzero(got).tolist() == list(range(on, off))


@pytest.mark.parametrize("fps", [15, 30, 60])
def test_a_one_frame_dip_is_outvoted_either_way(fps):
    n = 2 * fps
    blurred = [HIDDEN if i == fps else SEEN for i in range(n)]
    assert not any(decisions(blurred, fps))  # a blurred frame does not blank the mouth
    flash = [SEEN if i == fps else HIDDEN for i in range(n)]
    assert all(decisions(flash, fps))  # nor does one frame of lips between covered ones uncover it
    assert not any(decisions([HIDDEN, SEEN, SEEN, SEEN], fps))  # a track's first frame is no exception


def test_frames_without_a_judgement_keep_the_last_decision():
    # eyes closing in a blink are not judged (None): behind dark glasses they stay hidden
    got = decisions([HIDDEN] * 5 + [None] * 8 + [HIDDEN] * 5, 30)
    assert all(got)
    assert decisions([None, None], 30) == [0.0, 0.0]  # nothing judged yet: seen


def test_a_photo_is_decided_on_its_one_frame():
    check = CoverCheck(lambda _rgb, _mesh: 0.0, 0.5)
    assert check.update(3, np.zeros((2, 2, 3), np.uint8), np.zeros((468, 2))) == 1.0
