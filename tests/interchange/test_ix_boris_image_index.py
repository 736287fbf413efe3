"""BORIS's "Image index" (8.11 and later): the frame its player showed at each entry's time, used where it lies
within a frame of the time's, the time kept (with a note) further off, where the column is empty or NA, and where
the frames are placed otherwise (a forced frame rate, a variable-rate video)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from ix_helpers import write_xlsx
from support.boris_projects import behaviour, media_observation, point, write_boris

from merstudio.interchange import read_boris, read_boris_project

TABULAR = ("Observation id", "Observation date", "Description", "Observation duration", "Observation type",
           "Source", "Time offset (s)", "Media duration (s)", "FPS", "Subject", "Behavior", "Behavioral category",
           "Modifier #1", "Behavior type", "Time", "Media file name", "Image index", "Image file path", "Comment")

AGGREGATED = ("Observation id", "Observation date", "Description", "Observation type", "Source", "Time offset (s)",
              "Coding duration", "Media duration (s)", "FPS (frame/s)", "Subject",
              "Observation duration by subject by observation", "Behavior", "Behavioral category", "Modifier #1",
              "Behavior type", "Start (s)", "Stop (s)", "Duration (s)", "Media file name", "Image index start",
              "Image index stop", "Image file path start", "Image file path stop", "Comment start", "Comment stop")


def _tab(behavior, flag, time, index, fps="25.000", subject="Anna"):
    """A row of BORIS 9's tabular events export of a media observation (export_tabular_events)."""
    return ["obs", "2024-05-01 10:00:00", "", "60.0", "Media file(s)", "player #1:/m/p01.mp4", "0.0", "60.000", fps,
            subject, behavior, "", "AU12" if behavior != "apex" else "", flag, time, "/m/p01.mp4", index, "NA", ""]


def _agg(behavior, btype, start, stop, i0, i1, fps="25.000"):
    """A row of BORIS 9's aggregated events export of a media observation (export_aggregated_events)."""
    return ["obs", "2024-05-01 10:00:00", "", "Media file(s)", "player #1:/m/p01.mp4", "0.0", "60.000", "60.000",
            fps, "Anna", "60.0", behavior, "", "AU12", btype, start, stop, "", "/m/p01.mp4", i0, i1, "NA", "NA",
            "", ""]


def _write(path, header, rows):
    if path.suffix == ".xlsx":
        return write_xlsx(path, [header, *rows])
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t" if path.suffix == ".tsv" else ",")
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("ext", ["tsv", "csv", "xlsx"])
def test_a_tabular_exports_image_index_within_a_frame_of_the_time_is_used(tmp_path, ext):
    """At 25 fps frame 30 starts at 1.200 s: a START written 1 ms early (a container's timestamps) lies in frame 29
    by its time, but the player showed frame 30; the STOP's index is the first frame after the state (41: the
    state ends with frame 40), though its time 1 ms late ends frame 41; the apex point's index is its frame."""
    path = _write(tmp_path / f"tab.{ext}", TABULAR, [
        _tab("happiness", "START", "1.199", 30),
        _tab("apex", "POINT", "1.399", 35),
        _tab("happiness", "STOP", "1.641", 41),
    ])
    prev = read_boris(path, fps=25.0)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(30, 35, 40)]
    assert not any("image index" in n for n in prev.notes)


def test_the_auditors_stop_row_means_the_frame_after_the_state(tmp_path):
    """A STOP at 2.367 s with index 71 at 30 fps: frame 71 starts at 2.3667 s, so time and index agree that the
    state ends with frame 70 (BORIS's states span [start, stop); merstudio's .boris export writes offset + 1)."""
    path = _write(tmp_path / "tab.tsv", TABULAR, [
        _tab("happiness", "START", "0.567", 17, fps="30.000"),
        _tab("happiness", "STOP", "2.367", 71, fps="30.000"),
    ])
    prev = read_boris(path, fps=30.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(17, 70)]
    assert not any("image index" in n for n in prev.notes)


def test_an_index_further_than_a_frame_from_the_time_is_named_and_the_time_kept(tmp_path):
    """0.567 s is frame 17 at 30 fps; an index of 30 was counted at another rate (or edited): the time, which
    BORIS's own analyses use, places the event, and a note names both."""
    path = _write(tmp_path / "tab.tsv", TABULAR, [
        _tab("happiness", "START", "0.567", 30, fps="30.000"),
        _tab("happiness", "STOP", "2.367", 71, fps="30.000"),
    ])
    prev = read_boris(path, fps=30.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(17, 70)]
    assert any("BORIS's image index 30 of the start is 13 frames from its time's frame 17" in n
               and "the time used" in n for n in prev.notes)


@pytest.mark.parametrize("index", ["", "NA", "nan", "12.5", "-3"])
def test_no_usable_index_keeps_the_time(tmp_path, index):
    path = _write(tmp_path / "tab.tsv", TABULAR, [
        _tab("happiness", "START", "1.199", index),
        _tab("happiness", "STOP", "1.641", index),
    ])
    prev = read_boris(path, fps=25.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(29, 41)]  # by the times, as before BORIS 8.11
    assert not any("image ind" in n for n in prev.notes)


@pytest.mark.parametrize("ext", ["tsv", "csv", "xlsx"])
def test_an_aggregated_exports_image_index_start_and_stop_are_used(tmp_path, ext):
    path = _write(tmp_path / f"agg.{ext}", AGGREGATED, [
        _agg("happiness", "STATE", "1.199", "1.641", 30, 41),
        _agg("surprise", "STATE", "4.000", "4.400", 130, 120),  # both far off: the times, named
        _agg("blink", "POINT", "3.001", "3.001", 75, 75),  # a point: its one frame
    ])
    prev = read_boris(path)
    got = sorted((e.emotion, e.onset, e.offset) for e in prev.events)
    assert got == [("blink", 75, 75), ("happiness", 30, 40), ("surprise", 100, 109)]
    assert sum("image index" in n and "the time used" in n for n in prev.notes) == 2


def test_a_forced_frame_rate_or_a_variable_rate_video_places_by_the_times(tmp_path):
    """The index counts the file's frames at its rate: with --force-fps, and on a variable-rate video whose frames
    are placed by their own times, it is not used (said once)."""
    path = _write(tmp_path / "tab.tsv", TABULAR, [
        _tab("happiness", "START", "1.199", 30),
        _tab("happiness", "STOP", "1.641", 41),
    ])
    forced = read_boris(path, fps=30.0, fps_override=True)
    assert [(e.onset, e.offset) for e in forced.events] == [(35, 49)]  # 1.199 s * 30; 1.641 s ends frame 49
    assert sum("image indices not used" in n for n in forced.notes) == 1
    times = np.arange(100) / 25.0
    times[20:] += 0.013  # a variable rate: off the nominal grid from frame 20
    vfr = read_boris(path, fps=25.0, times=times)
    assert [(e.onset, e.offset) for e in vfr.events] == [(29, 40)]  # 1.199 s lies in frame 29 (1.173-1.213 s)
    assert sum("variable-frame-rate" in n and "image indices not used" in n for n in vfr.notes) == 1


def test_a_projects_frame_indices_are_read_as_the_tables_are(tmp_path):
    """A .boris project's entries [time, subject, code, modifier, comment, frame index] (BORIS 8.11+): the same
    rule as the exported tables; an entry without one (coded before BORIS noted frames) keeps its time."""
    media = "/m/p01.mp4"
    path = write_boris(tmp_path / "study.boris", {"obs": media_observation([media], [
        [1.199, "participant", "happiness", "", "", 30],
        [1.399, "participant", "apex", "", "", 35],
        [1.641, "participant", "happiness", "", "", 41],
        [4.0, "participant", "happiness", "", "", 130],  # far off: the time, named
        [4.4, "participant", "happiness", "", ""]], fps=25.0)},  # no index: the time
        subjects=["participant"], ethogram=[behaviour("happiness", key="h"), point("apex", key="a")], name="study")
    prev = read_boris_project(path, fps=25.0)
    assert sorted((e.onset, e.apex, e.offset) for e in prev.events) == [(30, 35, 40), (100, 104, 109)]
    assert sum("image index 130 of the start" in n for n in prev.notes) == 1
