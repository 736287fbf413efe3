"""Our .boris's media length keeps an event ending on the video's last frame inside BORIS's own arithmetic: BORIS
9.12.3 reads an entry's time as Decimal(t).quantize(0.001) (utilities.convert_time_to_decimal) and the length as
Decimal(length) (observation_operations.media_duration); its tabular export of the full observation keeps an entry
where 0 <= time <= length (export_observation.export_tabular_events), and names its media file from the length
floored to the ms (observation_operations.event2media_file_name). A length of exactly the last frame's end (2.4 for
72 frames at 30 fps, Decimal 2.3999...) left the event's STOP out, and the coder's event was refused on import."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from merstudio.interchange.boris_project import boris_project
from merstudio.interchange.common import Media
from merstudio.project.events import Event


def _stop_and_length(fps: float, n: int) -> tuple[Decimal, float]:
    ev = Event(video_id=1, onset=max(0, n - 3), apex=max(0, n - 2), offset=n - 1, emotion="happiness", aus="12", coder="a")
    [obs] = boris_project([ev], Media(path="/data/clip.mp4", fps=fps, frame_count=n, video_id=1))[
        "observations"].values()
    stop = max(Decimal(e[0]).quantize(Decimal(".001")) for e in obs["events"])
    return stop, obs["media_info"]["length"]["/data/clip.mp4"]


@pytest.mark.parametrize("fps", [25.0, 30.0, 30000 / 1001, 24000 / 1001, 60.0])
def test_the_last_frames_stop_lies_inside_the_length_as_boris_reads_it(fps):
    outside, not_found = [], []
    for n in range(2, 400):  # one frame: the event is a point event, no STOP (h185)
        stop, length = _stop_and_length(fps, n)
        # the STOP is the last frame's end: n frames at this rate (to the ms), as the video's own arithmetic says
        assert stop == Decimal(math.ceil(n * 1000 / fps - 1e-9)) / 1000
        if not stop <= Decimal(length):
            outside.append(n)
        end = Decimal(math.floor(length * 10**3)) / Decimal(10**3)  # event2media_file_name's cut to the ms
        if not stop <= end:
            not_found.append(n)
    assert outside == [] and not_found == []


def test_smile_man_length():
    """72 frames at 30 fps: the STOP at 2.400 s, inside the length written."""
    stop, length = _stop_and_length(30.0, 72)
    assert stop == Decimal("2.400") and Decimal(length) >= stop and length < 2.4 + 1 / 30
