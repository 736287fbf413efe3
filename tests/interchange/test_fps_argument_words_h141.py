"""read_events' fps as a notebook passes it: 0, a negative or NaN rate is refused as a bad argument (it read as a
video at 0 fps whose rate differs from the file's, with the CLI's --force-fps as the advice), and the messages that
ask for a rate name the argument as well as the CLI's flag."""

from __future__ import annotations

import math

import pytest
from ix_helpers import sample_events

from merstudio.errors import FrameRateMismatch, InputError
from merstudio.interchange import Media, read_events, write_events

FORMATS = ("coded.eaf", "coded.tsv", "coded.events.csv")


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("fps, shown", [(0, "0"), (0.0, "0"), (-1, "-1"), (math.nan, "nan"), (-math.inf, "-inf")])
def test_a_rate_of_no_video_is_refused_as_such(tmp_path, name, fps, shown):
    path = write_events(sample_events(), tmp_path / name, Media("clip.mp4", fps=30.0))
    assert read_events(path, fps=30.0).accept()  # the file reads at a real rate
    with pytest.raises(InputError) as exc:
        read_events(path, fps=fps)
    assert not isinstance(exc.value, FrameRateMismatch)
    assert str(exc.value) == f"{path}: fps must be a positive number, got {shown}"


def test_a_rate_that_is_no_number_is_a_type_error(tmp_path):
    path = write_events(sample_events(), tmp_path / "coded.eaf", Media("clip.mp4", fps=30.0))
    for fps in ("30", True, [30.0]):
        with pytest.raises(TypeError, match="fps must be a number of frames per second or None, got"):
            read_events(path, fps=fps)


def test_an_unknown_rate_is_asked_for_by_its_argument_and_its_flag(tmp_path):
    with pytest.raises(InputError) as exc:
        write_events(sample_events(), tmp_path / "coded.eaf", Media("clip.mp4"))
    assert str(exc.value) == "clip.mp4: the frame rate is unknown; give it (e.g. fps=30 / --fps 30)"
