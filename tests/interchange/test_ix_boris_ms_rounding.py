"""BORIS stores every time as seconds rounded to the millisecond (round(t, 3), its getLaps), so a frame's start can be
written up to half a millisecond *before* it: 0.133 s for frame 4 at 30 fps (4/30 = 0.1333 s). Files without an
image index (BORIS before 8.11) are placed by those times alone: every frame must come back from BORIS's own
arithmetic, not from ELAN's ceil-ms rule (which puts frame 4 at 134 ms and 133 ms in frame 3)."""

from __future__ import annotations

import json

import pytest
from support.boris_tables import AGGREGATED_HEAD as HEAD

from merstudio.interchange import ms_to_frame, read_events
from merstudio.interchange.common import FrameClock, seconds_to_frame

# what BORIS records for a 29.97 / 23.976 video: the container's rate as mpv reports it, and its rounded value
RATES = [30.0, 29.97, 30000 / 1001, 25.0, 23.976, 24000 / 1001, 60.0]
FRAMES = 400


def boris_time(frame: int, fps: float) -> float:
    """The time BORIS stores for an entry coded on ``frame``: the frame's start, rounded to the millisecond."""
    return round(frame / fps, 3)


@pytest.mark.parametrize("fps", RATES)
def test_every_frame_start_boris_writes_reads_back_as_that_frame(fps):
    for f in range(FRAMES):
        t = boris_time(f, fps)
        assert seconds_to_frame(t, fps, "start") == f, (fps, f, t)
        assert seconds_to_frame(t, fps, "end") == f, (fps, f, t)  # a STOP at t ends the state with frame f - 1
        assert FrameClock(fps).seconds_frame(t) == f


@pytest.mark.parametrize("fps", [30.0, 29.97, 25.0])
def test_a_time_pressed_during_playback_is_the_frame_on_screen(fps):
    """Not within half a millisecond of a frame's start: the frame showing at that time (floor(t * fps)) for a start
    or a point, and for a stop the state ends with that frame."""
    for f in (3, 10, 77, 250):
        t = round((f + 0.5) / fps, 3)  # mid-frame: 25 ms away from any start at 30 fps
        assert seconds_to_frame(t, fps, "start") == f
        assert seconds_to_frame(t, fps, "end") - 1 == f
        t = round((f + 1) / fps - 0.002, 3)  # 2 ms before the next frame starts: still frame f on screen
        assert seconds_to_frame(t, fps, "start") == f


def test_elan_milliseconds_keep_elans_rule():
    """ELAN shows t ms in frame floor(t / msPerFrame) and steps to frame k at ceil(k * msPerFrame): 133 ms is frame
    3 at 30 fps there, 134 ms frame 4 (ELAN's reader is not BORIS's)."""
    assert ms_to_frame(133, 30.0) == 3 and ms_to_frame(134, 30.0) == 4
    assert ms_to_frame(33, 30.0) == 0 and ms_to_frame(34, 30.0) == 1
    assert ms_to_frame(133, 30.0, "end") == 4  # the first boundary at or after it (134)


def _ethogram() -> dict:
    return {"0": {"type": "State event", "key": "h", "code": "happiness", "description": "", "category": "",
                  "modifiers": "", "excluded": "", "coding map": ""},
            "1": {"type": "Point event", "key": "s", "code": "surprise", "description": "", "category": "",
                  "modifiers": "", "excluded": "", "coding map": ""}}


def _spans(fps: float) -> list[tuple[int, int]]:
    """States on frames a..b (both included) spread over a few hundred frames, every start residue covered."""
    return [(a, a + 2 + a % 5) for a in range(1, FRAMES - 10, 9)]


def _boris8_project(path, fps: float, points: list[int]) -> None:
    """A project as BORIS 8 before 8.11 saves it: [time, subject, code, modifier, comment], no image index."""
    entries = []
    for a, b in _spans(fps):
        entries += [[boris_time(a, fps), "", "happiness", "", ""], [boris_time(b + 1, fps), "", "happiness", "", ""]]
    entries += [[boris_time(p, fps), "", "surprise", "", ""] for p in points]
    entries.sort(key=lambda e: e[0])
    media = "/home/coder/clip.mp4"
    obs = {"file": {str(k): ([media] if k == 1 else []) for k in range(1, 9)}, "type": "MEDIA",
           "date": "2024-01-01T10:00:00", "description": "", "time offset": 0.0, "events": entries,
           "observation time interval": [0, 0], "independent_variables": {}, "visualize_spectrogram": False,
           "visualize_waveform": False, "close_behaviors_between_videos": False,
           "media_info": {"length": {media: round(FRAMES / fps, 3)}, "fps": {media: fps},
                          "hasVideo": {media: True}, "hasAudio": {media: False}}}
    path.write_text(json.dumps({"time_format": "hh:mm:ss", "project_date": "2024-01-01T10:00:00",
                                "project_name": "p", "project_description": "", "project_format_version": "7.0",
                                "subjects_conf": {}, "behaviors_conf": _ethogram(), "observations": {"obs1": obs}},
                               indent=1))


@pytest.mark.parametrize("fps", [30.0, 29.97, 25.0, 23.976, 60.0])
def test_a_boris8_project_without_image_index_lands_on_the_coded_frames(tmp_path, fps):
    points = [7, 70, 101, 233, 388]
    _boris8_project(tmp_path / "b8.boris", fps, points)
    prev = read_events(tmp_path / "b8.boris", fps=fps)
    got = sorted((e.onset, e.offset) for e in prev.accept())
    assert got == sorted(_spans(fps) + [(p, p) for p in points])


@pytest.mark.parametrize("fps", [30.0, 29.97, 23.976])
def test_a_boris7_aggregated_table_lands_on_the_coded_frames(tmp_path, fps):
    """BORIS 7's aggregated export (its header, 'Media file', 'Total length'): Start (s) / Stop (s) to the ms."""
    rows, want = [], []
    for a, b in _spans(fps):
        t0, t1 = boris_time(a, fps), boris_time(b + 1, fps)
        rows.append(f"obs1\t2024-01-01 10:00:00\t\tclip.mp4\t{FRAMES / fps:.3f}\t{fps}\tNo focal subject\t"
                    f"happiness\t\t\tSTATE\t{t0:.3f}\t{t1:.3f}\t{t1 - t0:.3f}\t\t")
        want.append((a, b))
    for p in (7, 70, 199):
        t = boris_time(p, fps)
        rows.append(f"obs1\t2024-01-01 10:00:00\t\tclip.mp4\t{FRAMES / fps:.3f}\t{fps}\tNo focal subject\t"
                    f"surprise\t\t\tPOINT\t{t:.3f}\t{t:.3f}\tNA\t\t")
        want.append((p, p))
    (tmp_path / "agg.tsv").write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    prev = read_events(tmp_path / "agg.tsv", fps=fps)
    assert sorted((e.onset, e.offset) for e in prev.accept()) == sorted(want)
