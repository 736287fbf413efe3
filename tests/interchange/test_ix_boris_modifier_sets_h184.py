"""A BORIS modifier set that holds no AUs (a90 finding 4): an "intensity" of 1, 2, 3 chosen as 2 was read as AU2
(outer brow raiser) with no word. A .boris project's ethogram names each set: only sets of AUs give AUs."""

from __future__ import annotations

import csv

from support.boris_projects import behaviour, media_observation, write_boris

from merstudio.interchange import read_events

_F = "/data/clip.mp4"


def _project(path, ethogram, events):
    """A .boris project as BORIS 8 saves it (tests/files/test.boris's layout), one observation on clip.mp4."""
    return write_boris(path, {"obs": media_observation([_F], events)}, ethogram=ethogram)


def test_a_project_reads_only_sets_of_aus_as_aus(tmp_path):
    path = _project(tmp_path / "p.boris", [
        behaviour("r", [("intensity", ["1", "2", "3"])]),
        behaviour("h", [("AU", ["1", "2", "12"])]),  # bare numbers in a set named AU: AUs
        behaviour("c", [("codes", ["AU4", "AU12", "L12"])]),  # FACS codes in a set of another name: AUs
        behaviour("m", [("intensity", ["1", "2", "3"]), ("Action units", ["4", "12B"])]),
    ], [[1.0, "", "r", "2", "", 30], [2.0, "", "r", "2", "", 60],
        [3.0, "", "h", "1,12", "", 90], [4.0, "", "h", "1,12", "", 120],
        [5.0, "", "c", "AU4", "", 150], [6.0, "", "c", "AU4", "", 180],
        [7.0, "", "m", "3|12B", "", 210], [8.0, "", "m", "3|12B", "", 240]])
    prev = read_events(path, fps=30.0)
    got = {e.emotion: (e.aus, e.note.split("[")[0].strip()) for e in prev.events}
    assert got == {"r": ("", "modifiers: intensity: 2"), "h": ("1+12", ""), "c": ("4", ""),
                   "m": ("12B", "modifiers: intensity: 3")}
    said = [n for n in prev.notes if "'intensity' of the ethogram read as no AUs" in n]
    assert len(said) == 1  # once, not per event


def test_a_table_says_a_bare_number_is_read_as_an_au(tmp_path):
    # BORIS 7's aggregated export (tests/files/test_export_aggregated_events_test_full_1.tsv's columns): the
    # Modifiers cell does not name its set
    path = tmp_path / "agg.tsv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["Observation id", "Observation date", "Description", "Media file", "Total length", "FPS",
                    "Subject", "Behavior", "Behavioral category", "Modifiers", "Behavior type", "Start (s)",
                    "Stop (s)", "Duration (s)", "Comment start", "Comment stop"])
        w.writerow(["obs", "2016-12-01", "", "clip.mp4", "60.0", "30.0", "No focal subject", "r", "", "2",
                    "STATE", "1.000", "2.000", "1.000", "", ""])
        w.writerow(["obs", "2016-12-01", "", "clip.mp4", "60.0", "30.0", "No focal subject", "h", "", "AU12",
                    "STATE", "3.000", "4.000", "1.000", "", ""])
    prev = read_events(path, fps=30.0)
    assert [e.aus for e in prev.events] == ["2", "12"]
    assert any(n.startswith("modifier value(s) '2' read as AU codes: a BORIS table does not name its modifier sets")
               for n in prev.notes)
