"""BORIS's "Aggregated events" export of merstudio's .boris: each apex point event is a row of its own (POINT,
start = stop, the emotion in Comment start; BORIS's load_aggregated_events_in_db). It is the apex of the event it
lies in, as in the .boris itself and BORIS's tabular export: not an event of its own with emotion "apex", leaving
the real event without its apex."""

from __future__ import annotations

import csv

from merstudio.interchange import read_boris

# BORIS 9.12.3's aggregated export (grouped, tsv) of our .boris of smile_man.mp4 (30 fps, 72 frames), as the
# auditor's run of BORIS's own code wrote it; the project's events were (onset, apex, offset): Zoë 17-20-71;
# alice 17-30-68 and 69-69-71; alice's rejected proposal 3-5-8; an open proposal (no coder) 40-44-50
HEADER = ["Observation id", "Observation date", "Description", "Observation type", "Source", "Time offset (s)",
          "Coding duration", "Media duration (s)", "FPS (frame/s)", "coder", "review status", "Subject",
          "Observation duration by subject by observation", "Behavior", "Behavioral category", "Modifier #1",
          "Behavior type", "Start (s)", "Stop (s)", "Duration (s)", "Media file name", "Image index start",
          "Image index stop", "Image file path start", "Image file path stop", "Comment start", "Comment stop"]
Z = "Zoë Ångström"


def _row(obs, coder, status, by_subject, behavior, mod, btype, start, stop, dur, i0, i1, comment=""):
    return [f"smile_man - {obs}", "2026-12-06 17:46:48", f"merstudio events of {coder} on smile_man.mp4",
            "Media file", "player #1:/data/smile_man.mp4", "0.0", "2.400", "2.400", "30.000", coder, status, "face 0",
            by_subject, behavior, "Not defined", mod, btype, start, stop, dur, "/data/smile_man.mp4", i0, i1, "", "",
            comment, ""]


ROWS = [
    _row(Z, Z, "accepted", "1.833", "happiness", "AU6,AU12,AU25", "STATE", "0.567", "2.400", "1.833", "17", "72",
         "réel, lèvres"),
    _row(Z, Z, "accepted", "1.833", "apex", "", "POINT", "0.667", "0.667", "NA", "20", "20", "happiness"),
    _row("alice", "alice", "accepted", "1.833", "Freude (Glück)", "L12,AU6", "STATE", "0.567", "2.300", "1.733",
         "17", "69"),
    _row("alice", "alice", "accepted", "1.833", "apex", "", "POINT", "1.000", "1.000", "NA", "30", "30",
         "Freude (Glück)"),
    _row("alice", "alice", "accepted", "1.833", "Freude (Glück)", "AU12", "STATE", "2.300", "2.400", "0.100", "69",
         "72", "lips closing"),
    _row("alice", "alice", "accepted", "1.833", "apex", "", "POINT", "2.300", "2.300", "NA", "69", "69",
         "Freude (Glück)"),
    _row("alice (rejected)", "alice", "rejected", "0.2", "surprise", "AU1,AU2", "STATE", "0.100", "0.300", "0.200",
         "3", "9"),
    _row("alice (rejected)", "alice", "rejected", "0.2", "apex", "", "POINT", "0.167", "0.167", "NA", "5", "5",
         "surprise"),
    _row("no coder (proposals)", "", "proposal", "0.366", "happiness", "AU12", "STATE", "1.334", "1.700", "0.366",
         "40", "51"),
    _row("no coder (proposals)", "", "proposal", "0.366", "apex", "", "POINT", "1.467", "1.467", "NA", "44", "44",
         "happiness"),
]


def _read(tmp_path, rows):
    p = tmp_path / "aggregated.tsv"
    with p.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter="\t").writerows([HEADER, *rows])
    return read_boris(p, fps=30.0, video_name="smile_man.mp4")


def test_apex_rows_are_the_apexes_of_their_events(tmp_path):
    pv = _read(tmp_path, ROWS)
    assert not pv.skipped
    got = sorted((e.coder, e.status, e.onset, e.apex, e.offset, e.emotion, e.aus, e.note) for e in pv.events)
    assert got == sorted([
        ("", "proposal", 40, 44, 50, "happiness", "12", ""),
        ("alice", "accepted", 17, 30, 68, "Freude (Glück)", "L12+6", ""),
        ("alice", "accepted", 69, 69, 71, "Freude (Glück)", "12", "lips closing"),
        ("alice", "rejected", 3, 5, 8, "surprise", "1+2", ""),
        (Z, "accepted", 17, 20, 71, "happiness", "6+12+25", "réel, lèvres"),
    ])
    assert not any("middle frame" in n for n in pv.notes)


def test_an_apex_outside_every_event_is_left_out_and_said(tmp_path):
    """An apex point no event of its subject holds (edited in BORIS) is no event: left out, with a note."""
    stray = _row("alice", "alice", "accepted", "1.833", "apex", "", "POINT", "2.367", "2.367", "NA", "71", "71",
                 "surprise")
    pv = _read(tmp_path, [*ROWS[:4], stray])
    assert sorted((e.onset, e.apex, e.offset, e.emotion) for e in pv.events) == [
        (17, 20, 71, "happiness"), (17, 30, 68, "Freude (Glück)")]
    assert any("apex at 2.367 s" in n and "left out" in n for n in pv.notes)
