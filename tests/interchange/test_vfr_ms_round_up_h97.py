"""A variable-rate video's frame boundaries in ms are rounded up, as at a constant rate, so each time lies inside
its frame: half-up wrote a frame at 333.33 ms as 333, where ELAN shows the frame before (100 of 450 boundaries of
the auditor's 30/20 fps clip, 222 of its phone clip's).

The clip is written with PyAV at exact times in 1/120 s (40 frames at 30 fps, 60 at 24, 40 at 30 again): the
expected ms are those pts rounded up, arithmetic of the input.
"""

from __future__ import annotations

import csv
import math
import warnings
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np
from support.vfr_clips import write_grey_ticks

from merstudio.interchange import (
    FrameClock,
    Media,
    read_boris,
    read_eaf,
    write_boris,
    write_eaf,
    write_events_csv,
)
from merstudio.io import open_source
from merstudio.project import Event

TB = Fraction(1, 120)
TICKS = np.r_[0, np.cumsum(np.r_[np.full(40, 4), np.full(60, 5), np.full(39, 4)])]
PTS = TICKS / 120.0
UP = [-(-int(t) * 1000 // 120) for t in TICKS]  # ceil(ticks * 1000 / 120) in whole numbers: no float rounding


def _clip(path: Path) -> Path:
    return write_grey_ticks(path, TICKS, TB)


# onsets on frames whose time has a fraction of a ms below one half (1/3 ms: 333.33 was written 333)
EVENTS = [Event(0, 1, 2, 4, emotion="happiness", aus="12", coder="ann"),
          Event(0, 10, 13, 16, emotion="surprise", aus="1+2", coder="ann"),
          Event(0, 121, 124, 127, emotion="disgust", aus="9", coder="bob")]


def test_frame_clock_rounds_variable_times_up() -> None:
    clock = FrameClock(30.0, PTS)
    assert clock.variable
    assert [clock.ms(f) for f in range(len(PTS))] == UP
    assert clock.ms(1) == 34 and clock.ms(10) == 334  # 33.33 and 333.33 ms: inside frames 1 and 10
    for f in range(len(PTS)):
        assert clock.frame(UP[f], "start") == f == clock.frame(UP[f], "end")
    # a file merstudio wrote before (half-up ms: 333 for frame 10) still reads back onto its frames
    assert clock.frame(333, "start") == 10 and clock.frame(33, "start") == 1


def test_exports_write_the_frames_pts_rounded_up(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(_clip(tmp_path / "switch.mp4"))
    with src:
        assert src.is_vfr
        media = Media(str(src.path), fps=float(src.fps), frame_count=src.frame_count, times=src.variable_times)
    marks = [(e.onset, e.apex, e.offset + 1) for e in EVENTS]

    eaf = write_eaf(EVENTS, tmp_path / "e.eaf", media)
    slots = {int(ts.get("TIME_VALUE")) for ts in ET.parse(eaf).getroot().iter("TIME_SLOT")}
    assert {UP[on] for on, _, _ in marks} | {UP[end] for _, _, end in marks} <= slots
    assert not slots & {math.floor(PTS[on] * 1000 + 0.5) for on, _, _ in marks}  # 33, 333, ...: the frame before

    tsv = write_boris(EVENTS, tmp_path / "e.tsv", media)
    rows = list(csv.DictReader(tsv.open(newline="", encoding="utf-8"), delimiter="\t"))
    got = sorted((float(r["Start (s)"]), float(r["Apex (s)"]), float(r["Stop (s)"])) for r in rows)
    assert got == sorted((UP[a] / 1000, UP[b] / 1000, UP[c] / 1000) for a, b, c in marks)

    ev = write_events_csv(EVENTS, tmp_path / "e.csv", media)
    rows = list(csv.DictReader(ev.open(newline="", encoding="utf-8")))
    np.testing.assert_allclose(sorted(float(r["onset_time"]) for r in rows), sorted(PTS[e.onset] for e in EVENTS),
                               atol=1e-6)  # the events CSV carries the times in full

    # and each file reads back onto the same frames
    canon = sorted((e.onset, e.apex, e.offset) for e in EVENTS)
    assert sorted((e.onset, e.apex, e.offset) for e in read_eaf(eaf, fps=media.fps, times=media.times).accept()) == canon
    assert sorted((e.onset, e.apex, e.offset) for e in read_boris(tsv, fps=media.fps, times=media.times).accept()) \
        == canon
