"""Variable-frame-rate video in ELAN, BORIS and the events CSV: boundaries at the frames' own times.

The times follow a real phone clip's (face_noface.mov: 30 fps for a second, one 14 ms frame, then 24 fps; its
header says 26.4): frame 45 starts at 0.98067 + 15/24 = 1.606 s, where the header's rate puts it at 1.705 s.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from ix_helpers import canon
from support.vfr_clips import times

from merstudio.errors import FrameRateMismatch
from merstudio.interchange import (
    FrameClock,
    Media,
    export_project_events,
    frame_to_ms,
    preview_import,
    read_boris,
    read_eaf,
    read_events_csv,
    write_boris,
    write_eaf,
    write_events_csv,
)
from merstudio.interchange.common import variable_times
from merstudio.project import Event

NOMINAL = 26.4
TIMES = times(100)  # 100 frames: 30 fps, a 14 ms frame, then 24 fps


def _media(tmp_path, times=TIMES):
    return Media(str(tmp_path / "phone.mov"), fps=NOMINAL, frame_count=len(TIMES), times=times)


def _events():
    return [Event(0, 45, 47, 50, emotion="happiness", aus="6+12", coder="ann"),
            Event(0, 5, 6, 8, emotion="surprise", aus="1+2", coder="ann"),
            Event(0, 90, 95, 99, emotion="disgust", aus="9", coder="bob")]


def test_clock_boundaries_are_the_frames_own_times_and_read_back_exactly():
    clock = FrameClock(NOMINAL, TIMES)
    assert clock.variable
    assert clock.ms(45) == 1606 and clock.ms(30) == 981 and clock.ms(29) == 967
    assert clock.ms(100) == round((TIMES[-1] + 1 / NOMINAL) * 1000)  # the end of the last frame
    for f in range(101):
        assert clock.frame(clock.ms(f), "start") == f and clock.frame(clock.ms(f), "end") == f
        assert clock.seconds_frame(clock.ms(f) / 1000.0) == f  # BORIS: seconds to the ms
        if f < 100:
            assert clock.seconds_frame(float(TIMES[f])) == f  # the events CSV: the time in full
    # a time drawn by hand inside frame 45 (1606-1647 ms): the frame holding it, or the next boundary for an end
    assert clock.frame(1620, "start") == 45 and clock.frame(1620, "end") == 46
    assert clock.frame(5000, "start") == 100 + int((5.0 - TIMES[-1] - 1 / NOMINAL) * NOMINAL)  # past the end


def test_a_constant_rate_keeps_the_arithmetic_whatever_its_container_rounded():
    mkv = np.round(np.arange(300) / 30.0, 3)  # a Matroska file's millisecond times: 33, 67, 100 ...
    assert variable_times(mkv, 30.0) is None
    assert variable_times(TIMES, NOMINAL) is not None
    clock = Media("a.mkv", fps=30.0, times=variable_times(mkv, 30.0)).clock("test")
    assert not clock.variable and [clock.ms(f) for f in (1, 2, 299)] == [frame_to_ms(f, 30.0) for f in (1, 2, 299)]


def _slot_values(path):
    root = ET.parse(path).getroot()
    return {ts.get("TIME_SLOT_ID"): int(ts.get("TIME_VALUE")) for ts in root.iter("TIME_SLOT")}


def test_eaf_places_events_at_the_frames_times_and_reads_them_back(tmp_path):
    media = _media(tmp_path)
    path = write_eaf(_events(), tmp_path / "phone.eaf", media)
    values = set(_slot_values(path).values())
    assert {1606, 1856} <= values  # frame 45 starts at 1.606 s, frame 50 ends where frame 51 starts (1.856 s)
    assert frame_to_ms(45, NOMINAL) not in values  # not at 45 / 26.4 s = 1.705 s
    prev = read_eaf(path, fps=NOMINAL, times=TIMES)
    assert canon(prev.accept()) == canon(_events())
    assert any("variable frame rate" in n for n in prev.notes)
    # read at the header's rate, the same file lands on other frames: the reason times must be passed
    wrong = read_eaf(path, fps=NOMINAL).accept()
    assert sorted((e.onset, e.offset) for e in wrong) != sorted((e.onset, e.offset) for e in _events())


def test_boris_times_are_the_frames_times(tmp_path):
    path = write_boris(_events(), tmp_path / "phone.tsv", _media(tmp_path))
    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8"), delimiter="\t"))
    happy = next(r for r in rows if r["Behavior"] == "happiness")
    assert (happy["Start (s)"], happy["Apex (s)"], happy["Stop (s)"]) == ("1.606", "1.689", "1.856")
    assert happy["Media duration (s)"] == f"{(TIMES[-1] + 1 / NOMINAL):.3f}"
    # BORIS's own tables carry times only: drop our frame columns and read the times back
    for r in rows:
        for c in ("Start frame", "Apex frame", "Stop frame"):
            r[c] = ""
    bare = tmp_path / "bare.tsv"
    with bare.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t")
        w.writeheader()
        w.writerows(rows)
    back = read_boris(bare, fps=NOMINAL, times=TIMES).accept()
    assert sorted((e.onset, e.apex, e.offset) for e in back) == sorted((e.onset, e.apex, e.offset) for e in _events())


def test_events_csv_of_a_variable_rate_video_is_not_taken_for_another_rate(tmp_path):
    """frame / time runs from 30 down towards 26.4 along the clip: its median is no frame rate, so the file was
    refused as 'coded at another rate'; checked against the video's own times it is the video's."""
    path = write_events_csv(_events(), tmp_path / "phone.csv", _media(tmp_path))
    row = next(r for r in csv.DictReader(path.open(newline="")) if r["onset"] == "45")
    assert float(row["onset_time"]) == TIMES[45]
    with pytest.raises(FrameRateMismatch):
        read_events_csv(path, fps=NOMINAL)  # the header's rate alone: frame / time does not match it
    back = read_events_csv(path, fps=NOMINAL, times=TIMES)
    assert canon(back.accept()) == canon(_events())
    # really another video's rate: still refused, and --force-fps recomputes the frames from the times
    other = TIMES * 1.5
    with pytest.raises(FrameRateMismatch):
        read_events_csv(path, fps=NOMINAL / 1.5, times=other)
    forced = read_events_csv(path, fps=NOMINAL / 1.5, times=other, fps_override=True).accept()
    shown = [int(np.searchsorted(other, TIMES[f], side="right")) - 1 for f in (45, 5, 90)]  # on screen then
    assert sorted(e.onset for e in forced) == sorted(shown) == [3, 32, 62]


def test_project_uses_the_stored_frame_times(tmp_path):
    """Export and import through a project whose analysis stored the phone clip's frame times; a constant-rate
    video in the same project keeps the i * 1000 / fps boundaries."""
    from merstudio.project import Project

    (tmp_path / "phone.mov").write_bytes(b"\0" * 64)
    (tmp_path / "still.mp4").write_bytes(b"\1" * 64)
    with Project.create(tmp_path / "p.merproj") as proj:
        vfr = proj.add_video(tmp_path / "phone.mov", fps=NOMINAL, frame_count=len(TIMES), width=64, height=48).id
        cfr = proj.add_video(tmp_path / "still.mp4", fps=30.0, frame_count=len(TIMES), width=64, height=48).id
        for vid, times in ((vfr, TIMES), (cfr, np.round(np.arange(len(TIMES)) / 30.0, 3))):
            run = proj.begin_analysis(vid)
            proj.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": float(t), "confidence": 1.0,
                                      "success": 1} for i, t in enumerate(times)])
            proj.finish_analysis(run)
            proj.add_events([Event(vid, 45, 47, 50, emotion="happiness", coder="ann")])
        out = export_project_events(proj, vfr, tmp_path / "phone.eaf")[0]
        assert 1606 in set(_slot_values(out).values())
        out_cfr = export_project_events(proj, cfr, tmp_path / "still.eaf")[0]
        assert set(_slot_values(out_cfr).values()) == {frame_to_ms(f, 30.0) for f in (45, 51, 47, 48)}
        prev = preview_import(proj, out, vfr)
        assert [(e.onset, e.apex, e.offset) for e in prev.duplicates] == [(45, 47, 50)]  # the same event, found
        assert proj.timebase(vfr).span(45, 50) == pytest.approx(TIMES[51] - TIMES[45])
