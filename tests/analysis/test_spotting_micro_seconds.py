"""Spotting's micro / macro type by length: micro is at most 0.5 s (CAS(ME)^2's bound), whatever the frame rate.

An interval's frames are inclusive (onset..offset), so it lasts (offset - onset + 1) / fps seconds; the expected
type comes from that arithmetic in exact fractions, not from the module's own rule. At 15 fps an 8-frame interval
lasts 0.533 s and at 31 fps a 16-frame one 0.516 s: both macro (Python's half-to-even round() of 7.5 and 15.5 made
the bound 8 and 16 frames). That bound types ground truth; an unmatched spot is typed by the spotter's own bound,
0.5 s and a frame of rounding."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from merstudio.analysis.spotting_eval import LongVideo, Span, evaluate_video, pooled, span_type


def _seconds_type(frames: int, fps: str) -> str:
    return "micro" if Fraction(frames) / Fraction(fps) <= Fraction(1, 2) else "macro"


@pytest.mark.parametrize("fps", ["15", "25", "29.97", "30", "31", "50", "59.94", "200"])
def test_micro_is_at_most_half_a_second_at_any_rate(fps: str) -> None:
    bound = float(Fraction(fps) / 2)
    for frames in range(max(1, int(bound) - 2), int(bound) + 4):
        span = Span(100, 100 + frames - 1)  # inclusive: `frames` frames
        assert span_type(span, float(fps)) == _seconds_type(frames, fps), (fps, frames)


def test_the_rates_that_were_right_keep_their_bound() -> None:
    # 25 fps: 12 frames (0.48 s) micro, 13 (0.52 s) macro; 30 fps: 15 (0.5 s) micro, 16 macro; 200 fps: 100 / 101
    for fps, last_micro in ((25.0, 12), (30.0, 15), (200.0, 100)):
        assert span_type(Span(0, last_micro - 1), fps) == "micro"
        assert span_type(Span(0, last_micro), fps) == "macro"


def test_an_unmatched_spot_is_typed_by_the_spotters_bound_not_the_gt_bound() -> None:
    # GT 0-4 (micro, matched by spot 0-4). Spot 50-57 matches nothing: 8 frames / 15 fps = 0.533 s, past CAS(ME)^2's
    # 0.5 s but within the spotter's frame of rounding (0.5 + 1/15 = 0.567 s): the spotter kept it as a micro
    # candidate, so it is a micro FP. Spot 80-88, 9 frames = 0.6 s, is past that too: a macro FP.
    video = LongVideo("v", Path("v"), [Span(0, 4, "micro")])
    scores = pooled([evaluate_video(video, [Span(0, 4), Span(50, 57), Span(80, 88)], fps=15.0)])
    assert (scores["micro"].tp, scores["micro"].fp) == (1, 1)
    assert scores["macro"].fp == 1
