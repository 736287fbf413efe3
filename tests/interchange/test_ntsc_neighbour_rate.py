"""A broadcast rate and its NTSC neighbour are two rates (30 and 30000/1001: 0.1 % apart, an event 11 minutes in
read 20 frames early), while one rate written two ways (29.97 for 30000/1001) is one (a120 finding 1: 30 passed as
29.97003 under a 0.1 % tolerance)."""

from __future__ import annotations

import pytest

from merstudio.errors import FrameRateMismatch
from merstudio.interchange import Media, read_boris, read_eaf, write_boris, write_eaf
from merstudio.interchange.common import fps_differs
from merstudio.project import Event

NTSC = 30000 / 1001


@pytest.mark.parametrize(("a", "b"), [(30.0, NTSC), (24.0, 24000 / 1001), (60.0, 60000 / 1001), (25.0, 24.975)])
def test_a_rate_and_its_ntsc_neighbour_differ(a, b):
    assert fps_differs(a, b) and fps_differs(b, a)


@pytest.mark.parametrize(("a", "b"), [(29.97, NTSC), (23.976, 24000 / 1001), (59.94, 60000 / 1001), (30.0, 30.0)])
def test_one_rate_written_two_ways_is_the_same(a, b):
    assert not fps_differs(a, b)


def test_an_elan_file_at_30_fps_is_refused_for_a_29_97_video(tmp_path):
    events = [Event(0, 9073, 9076, 9082, emotion="happiness", aus="12", coder="ann")]
    path = write_eaf(events, tmp_path / "ann.eaf", Media(str(tmp_path / "v.mp4"), fps=30.0, frame_count=20000))
    with pytest.raises(FrameRateMismatch, match=r"30 fps in the file differs from the video's 29.97003 \(30000/1001\) fps"):
        read_eaf(path, fps=NTSC)
    got = read_eaf(path, fps=30.0)  # at its own rate it reads back exactly
    assert [(e.onset, e.offset) for e in got.events] == [(9073, 9082)]


def test_a_boris_file_at_30_fps_is_refused_for_a_29_97_video(tmp_path):
    events = [Event(0, 9073, 9076, 9082, emotion="happiness", aus="12", coder="ann")]
    path = write_boris(events, tmp_path / "ann.tsv", Media(str(tmp_path / "v.mp4"), fps=30.0, frame_count=20000))
    with pytest.raises(FrameRateMismatch):
        read_boris(path, fps=NTSC)
