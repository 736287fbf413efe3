"""BORIS's tabular events export of an event that ends on the video's last frame: BORIS keeps entries up to the
media length read as Decimal(float) (2.4 is 2.3999...), so the STOP at 2.400 is left out of a full-observation
export; and it names an entry's media file from the length floored to the ms (2.034 s is 2.033: "Not found").
merstudio's .boris wrote such lengths (the last frame's end), and the coder's event was refused on import ("never
stopped"). The rows below are as BORIS 9.12.3's export_tabular_events wrote them for our .boris (the auditor's run
of BORIS's own code)."""

from __future__ import annotations

import csv

from merstudio.interchange import read_boris

HEADER = ["Observation id", "Observation date", "Description", "Observation duration", "Observation type", "Source",
          "Time offset (s)", "Media duration (s)", "FPS", "coder", "review status", "Subject", "Behavior",
          "Behavioral category", "Modifier #1", "Behavior type", "Time", "Media file name", "Image index",
          "Image file path", "Comment"]


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter="\t").writerows([HEADER, *rows])
    return path


def _smile(behavior, mod, flag, time, index, comment=""):
    """smile_man.mp4: 72 frames at 30 fps, length written 2.4; Zoë's event 17-20-71 (full observation)."""
    return ["smile_man - Zoë Ångström", "2026-12-06 17:46:48", "merstudio events of Zoë Ångström on smile_man.mp4",
            "2.399999999999999911182158030", "Media file(s)", "player #1:/data/smile_man.mp4", "0.0", "2.400",
            "30.000", "Zoë Ångström", "accepted", "face 0", behavior, "", mod, flag, time, "/data/smile_man.mp4",
            index, "NA", comment]


def test_a_stop_left_out_at_the_medias_end_closes_the_event_there(tmp_path):
    p = _write(tmp_path / "smile_man - Zoë Ångström.tsv", [
        _smile("happiness", "AU6,AU12,AU25", "START", "0.567", "17", "réel, lèvres"),
        _smile("apex", "", "POINT", "0.667", "20", "happiness")])  # BORIS wrote no STOP (2.400 > 2.3999...)
    pv = read_boris(p, fps=30.0, video_name="smile_man.mp4")
    assert not pv.skipped
    [e] = pv.events
    # 2.400 s is the end of frame 71 (72 frames of 1/30 s): the event as coded
    assert (e.onset, e.apex, e.offset, e.emotion, e.aus, e.coder) == (17, 20, 71, "happiness", "6+12+25",
                                                                     "Zoë Ångström")
    assert any("no STOP in the table: closed at the media's end (2.400 s" in n for n in pv.notes)


def _clip(behavior, mod, flag, time, media, index, comment=""):
    """clip.mp4: 61 frames at 30 fps, length written 2.034; alice's event 40-44-60 (export limited to the events,
    which keeps the STOP but names its media file "Not found")."""
    return ["clip - alice", "2026-12-06 18:05:48", "merstudio events of alice on clip.mp4", "0.700", "Media file(s)",
            "player #1:/data/clip.mp4", "0.0", "2.034", "30.000", "alice", "accepted", "face 0", behavior, "", mod,
            flag, time, media, index, "NA", comment]


def test_a_stop_in_media_not_found_pairs_with_its_start(tmp_path):
    p = _write(tmp_path / "clip - alice.tsv", [
        _clip("happiness", "AU12", "START", "1.334", "/data/clip.mp4", "40"),
        _clip("apex", "", "POINT", "1.467", "/data/clip.mp4", "44", "happiness"),
        _clip("happiness", "AU12", "STOP", "2.034", "Not found", "61")])
    pv = read_boris(p, fps=30.0, video_name="clip.mp4")
    assert not pv.skipped
    [e] = pv.events
    assert (e.onset, e.apex, e.offset, e.emotion) == (40, 44, 60, "happiness")  # 2.034 s ends frame 60 (61 * 1/30)
    assert pv.media == "clip.mp4"
