"""Every colour a curve is drawn in reads on the timeline's and the summary PNG's white: WCAG's 3:1 for graphics (a
1-px line). AU07's cyan was 1.76:1, AU20's grey 2.35, AU25's gold 2.39, the class `surprise` 2.0 and `none` 2.7;
palette.py said "all readable on white"."""

from __future__ import annotations

import itertools

import pytest

from merstudio.palette import AU_COLOURS, EMOTION_COLOURS, NONE_COLOUR, UNNAMED_EMOTION_COLOUR

pytestmark = pytest.mark.gui


def _contrast_on_white(c: str) -> float:
    """WCAG 2.1 contrast ratio of "#rrggbb" against white."""
    rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)


@pytest.mark.parametrize("colour", [*AU_COLOURS, *EMOTION_COLOURS.values(), NONE_COLOUR, UNNAMED_EMOTION_COLOUR])
def test_every_palette_colour_reads_as_a_line_on_white(colour: str) -> None:
    assert _contrast_on_white(colour) >= 3.0


def test_the_motion_lane_colours_read_on_white_too() -> None:
    from merstudio.gui.timeline import MOTION_COLOURS

    for region, colour in MOTION_COLOURS.items():
        assert _contrast_on_white(colour) >= 3.0, region


def test_the_au_colours_stay_17_different_colours() -> None:
    assert len(set(AU_COLOURS)) == 17
    for a, b in itertools.combinations(AU_COLOURS, 2):  # no two nearly alike (each channel within 16 of the other)
        assert max(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) for i in (1, 3, 5)) > 16, (a, b)
