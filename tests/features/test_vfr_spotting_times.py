"""Spotting on a variable-rate video (a phone's recording) goes by the frames' times: the motion after a frame is read
at the frame the lag later, an interval is widened by at most the lag in seconds and its length is its frames' time.
With frames counted at the video's mean rate, the demo re-timed with a stretch at half rate put apexes up to 2 frames
off, and re-timed to 5 fps after 10 s at 30 dropped two expressions of its 30 fps part as longer than a
micro-expression."""

from __future__ import annotations

import numpy as np
import pytest
from support.vfr_clips import write_kept_frames

from merstudio.analysis.pipeline import spot_times
from merstudio.features.micromotion import ahead_frames, extend_interval
from merstudio.features.spotting import interval_seconds

# 30 fps to 0.5 s, then 10 fps to 1.5 s, a 2 s pause, 10 fps again
TIMES = np.concatenate([np.arange(16) / 30, 0.6 + np.arange(10) / 10, 3.5 + np.arange(5) / 10])


def test_the_motion_after_a_frame_is_read_the_lag_later_by_time():
    ahead = ahead_frames(TIMES, 0.2)
    assert ahead[0] == 6 and TIMES[6] == pytest.approx(0.2)  # 30 fps: 6 frames on
    assert TIMES[ahead[15]] == pytest.approx(0.7)  # 0.5 s: 0.7 is nearest (0.6 is 0.1 short)
    assert TIMES[ahead[16]] == pytest.approx(0.8) and ahead[16] == 18  # 10 fps: 2 frames on
    assert ahead[24] == 25  # 1.4 s: the nearest frame to 1.6 s is 1.5 s (the next is 3.5 s)
    assert ahead[25] == -1  # the next frame is 2 s later: a pause, nothing to compare
    assert ahead[27] == 29 and (ahead[29:] == -1).all()  # the lag reaches past the last frame


def test_an_interval_is_widened_by_the_lag_in_seconds():
    # motion since the lag before: up from frame 8 (0.27 s), settled after frame 20 (1.0 s)
    past = np.where((TIMES > 0.25) & (TIMES < 1.05), 1.0, 0.0)
    # the core: frames 14-17 (0.47-0.7 s)
    on, off = extend_interval(14, 15, 17, past, 4, 0.5, times=TIMES, lag_s=0.2)
    assert TIMES[on] == pytest.approx(0.2667, abs=1e-3)  # back 0.2 s at 30 fps: 6 frames, where the motion starts
    # on to 0.8 s (frame 18): the motion from it, read at 1.0 s, is up; the motion from 0.9 s, read at 1.1 s, is not
    assert off == 18
    # by frames (4 of the mean rate), back only 0.13 s, and the motion from frame 18 read at frame 22 (1.2 s)
    assert extend_interval(14, 15, 17, past, 4, 0.5) == (10, 17)


def test_an_intervals_length_is_its_frames_time():
    # 12 frames at 30 fps in a video whose frames average 17.6 fps: 0.4 s, not 12 / 17.6 = 0.68 s
    times = np.arange(12) / 30
    assert interval_seconds(0, 11, 17.6, times) == pytest.approx(0.4)
    assert interval_seconds(0, 11, 17.6) == pytest.approx(12 / 17.6)


def test_a_constant_rate_and_holes_in_it_count_frames():
    grid = np.arange(100) / 30
    assert spot_times(grid, 100, 30.0) is None
    ms = np.round(grid * 1000) / 1000  # a millisecond time base's rounding
    assert spot_times(ms, 100, 30.0) is None
    holed = np.delete(grid, [40, 41, 42])  # damaged data left a hole: frames count, as the micro-motion did
    assert spot_times(holed, 97, 30.0) is None
    half = np.concatenate([grid[:50], grid[50::2]])  # the rate halves: the mean, 22.4 fps, is neither
    assert spot_times(half, len(half), (len(half) - 1) / half[-1]) is not None


def test_a_clean_switch_to_24_fps_under_a_header_rate_of_30_goes_by_its_times():
    """30 fps for 60 frames, 24 fps for 60, at the header's 30: each longer interval (41.7 ms) is exactly a quarter
    frame off 33.3 ms, inside the interval check's margin, but frame 119 lies at 4.458 s, not 119 / 30 = 3.967 s."""
    times = np.concatenate([np.arange(60) / 30, 59 / 30 + np.arange(1, 61) / 24])
    assert spot_times(times, 120, 30.0) is not None


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::merstudio.io.frames.SourceWarning")  # the variable rate, as it should
def test_the_demos_expressions_spot_at_the_same_times_when_the_rate_drops_between_them(tmp_path):
    """The bundled demo's frames 100-239 (its brow lowering at 4.2 s, its brow raise at 6.6 s), at 30 fps and with
    only every 4th frame kept between them (1.7 s at 7.5 fps; the frames keep their times, the mean rate is 21.6
    fps): the same intervals, at the same times."""
    import av

    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source
    from merstudio.resources import demo_video

    with av.open(str(demo_video())) as c:
        frames = [f.to_ndarray(format="rgb24") for _, f in zip(range(240), c.decode(video=0), strict=False)][100:]
    kept = [k for k in range(len(frames)) if not 36 <= k < 88 or k % 4 == 0]
    spots = {}
    for name, pts in (("cfr", range(len(frames))), ("vfr", kept)):
        with open_source(write_kept_frames(tmp_path / f"{name}.mp4", frames, pts)) as src:
            assert src.is_vfr == (name == "vfr")
            run = Analysis(src)
            for _ in run.rows():
                pass
            spots[name] = [(s.onset_time, s.apex_time, s.offset_time) for s in run.spots()]
    assert len(spots["cfr"]) == 2, spots  # the demo's truth: frames 120-133 and 195-202 of the whole clip
    assert len(spots["vfr"]) == len(spots["cfr"]), spots
    # the same times, to the millisecond (both rates are 30 fps there). By frames (4 of the mean rate: 0.13 s at
    # 30 fps, where the lag is 0.2 s) the brow lowering was not found, and the brow raise's apex came a frame late
    assert np.allclose(spots["vfr"], spots["cfr"], atol=1e-3), spots
