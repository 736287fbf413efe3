"""One decision of "is this video variable-rate" for the source, the app's clock and every export.

Clips written with PyAV at exact presentation times (time base 1/120 s: a 30 fps frame is 4 ticks, a 24 fps one 5),
so the expected times are the written pts, not anything merstudio computes. Before: a clean 30 -> 24 -> 30 switch
(its longer intervals exactly the quarter-frame tolerance off) was constant-rate everywhere, and a phone-like clip
(jittered 30 then 24 fps, header at the mean) was variable-rate to the source but not to the exports, which wrote
frame / fps times (frames up to 10 early in ELAN and BORIS).
"""

from __future__ import annotations

import csv
import warnings
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np
from support.vfr_clips import write_grey_ticks

from merstudio.interchange import Media, write_boris, write_eaf, write_events_csv
from merstudio.io import detect_vfr, open_source
from merstudio.project import Event

TICK = Fraction(1, 120)


def _write(path: Path, ticks: np.ndarray, tb: Fraction = TICK) -> Path:
    return write_grey_ticks(path, ticks, tb)


def _switch_ticks() -> np.ndarray:
    """40 frames at 30 fps, 60 at 24, 40 at 30 again (in 1/120 s)."""
    steps = np.r_[np.full(40, 4), np.full(60, 5), np.full(39, 4)]
    return np.r_[0, np.cumsum(steps)]


def _phone_ticks() -> np.ndarray:
    """A phone's capture, in 1/3000 s: 60 frames at 30 fps, then 90 at 24, each up to 2 ms early or late (no
    interval alone is a quarter frame off the header's mean rate, 26.1 fps)."""
    rng = np.random.default_rng(7)
    grid = np.r_[np.arange(60) * 100, 6000 + np.arange(90) * 125]
    jitter = rng.integers(-6, 7, grid.size)
    jitter[0] = 0
    return grid + jitter


def _open(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_source(path)


EVENTS = [Event(0, 50, 60, 70, emotion="happiness", aus="6+12", coder="ann"),
          Event(0, 100, 110, 120, emotion="surprise", aus="1+2", coder="ann")]


def _exported_ms(tmp_path: Path, src) -> dict[str, list[int]]:
    """Each export's onset/apex/end boundaries in ms: ELAN's slots, BORIS's seconds, the events CSV's times."""
    media = Media(str(src.path), fps=float(src.fps), frame_count=src.frame_count, times=src.variable_times)
    eaf = write_eaf(EVENTS, tmp_path / "e.eaf", media)
    slots = sorted(int(ts.get("TIME_VALUE")) for ts in ET.parse(eaf).getroot().iter("TIME_SLOT"))
    boris = write_boris(EVENTS, tmp_path / "e.tsv", media)
    rows = list(csv.DictReader(boris.open(newline="", encoding="utf-8"), delimiter="\t"))
    bo = sorted(round(float(r[c]) * 1000) for r in rows for c in ("Start (s)", "Stop (s)"))
    ev = write_events_csv(EVENTS, tmp_path / "e.csv", media)
    rows = list(csv.DictReader(ev.open(newline="", encoding="utf-8")))
    onsets = sorted(float(r["onset_time"]) * 1000 for r in rows)
    return {"eaf": slots, "boris": bo, "csv": onsets}


def _assert_on_pts(got: dict[str, list[float]], pts_ms: np.ndarray) -> None:
    # within the millisecond the files store: frame / fps times were 300-1,300 ms early here
    bounds = sorted(pts_ms[f] for e in EVENTS for f in (e.onset, e.offset + 1))
    assert np.abs(np.asarray(got["boris"]) - bounds).max() < 1.0, got["boris"]
    assert all(any(abs(s - pts_ms[f]) < 1.0 for s in got["eaf"]) for e in EVENTS for f in (e.onset, e.offset + 1))
    np.testing.assert_allclose(got["csv"], sorted(pts_ms[e.onset] for e in EVENTS), atol=1e-3)


def test_a_clean_30_24_30_switch_is_variable_rate_and_exported_at_its_times(tmp_path: Path) -> None:
    ticks = _switch_ticks()
    pts = ticks / 120.0
    assert detect_vfr(pts, 30.0)  # frame 139 is at 5.1 s, where 139 / 30 puts 4.63 s
    with _open(_write(tmp_path / "switch.mp4", ticks)) as src:
        assert src.frame_count == len(ticks)
        assert src.is_vfr and src.seek_trouble is not None
        np.testing.assert_allclose(src.timestamps, pts, atol=1e-6)
        np.testing.assert_allclose(src.variable_times, pts, atol=1e-6)  # the app's clock
        _assert_on_pts(_exported_ms(tmp_path, src), pts * 1000.0)


def test_a_phone_clip_is_variable_rate_to_its_exports_as_to_its_source(tmp_path: Path) -> None:
    ticks = _phone_ticks()
    pts = ticks / 3000.0
    with _open(_write(tmp_path / "phone.mp4", ticks, Fraction(1, 3000))) as src:
        assert src.is_vfr
        np.testing.assert_allclose(src.timestamps, pts, atol=1e-6)
        assert Media(str(src.path), fps=float(src.fps), times=src.variable_times).clock("t").variable
        _assert_on_pts(_exported_ms(tmp_path, src), pts * 1000.0)


def test_a_constant_29_97_clip_is_not_variable_rate(tmp_path: Path) -> None:
    tb = Fraction(1, 30000)
    ticks = np.arange(200) * 1001
    with _open(_write(tmp_path / "ntsc.mp4", ticks, tb)) as src:
        assert not src.is_vfr and src.variable_times is None
        assert abs(src.fps - 30000 / 1001) < 1e-3
        np.testing.assert_allclose(src.timestamps, ticks / 30000, atol=1e-4)  # i / 29.97: the header rate
        assert not detect_vfr(src.timestamps, src.fps)
