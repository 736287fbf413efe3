"""BORIS's tabular events export of merstudio's .boris: an observation whose ``coder`` variable is empty (the
model's open proposals) comes back with no coder, not with the observation id as a made-up coder (which the
agreement then counted as one)."""

from __future__ import annotations

import csv

from merstudio.interchange import read_boris

# BORIS 9.12.3's export_tabular_events of the "no coder (proposals)" observation of our .boris (the auditor's run
# of BORIS's own code: its independent variables "coder" and "review status" are columns of their own)
HEADER = ["Observation id", "Observation date", "Description", "Observation duration", "Observation type", "Source",
          "Time offset (s)", "Media duration (s)", "FPS", "coder", "review status", "Subject", "Behavior",
          "Behavioral category", "Modifier #1", "Behavior type", "Time", "Media file name", "Image index",
          "Image file path", "Comment"]
OBS = "smile_man - no coder (proposals)"


def _row(behavior, mod, flag, time, index, comment=""):
    return [OBS, "2026-12-06 17:46:48", "merstudio open (unreviewed) model proposals of no coder on smile_man.mp4",
            "2.399999999999999911182158030", "Media file(s)", "player #1:/data/smile_man.mp4", "0.0", "2.400",
            "30.000", "", "proposal", "face 0", behavior, "", mod, flag, time, "/data/smile_man.mp4", index, "NA",
            comment]


def test_empty_coder_variable_is_no_coder(tmp_path):
    p = tmp_path / f"{OBS}.tsv"
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerows([HEADER, _row("happiness", "AU12", "START", "1.334", "40"),
                     _row("apex", "", "POINT", "1.467", "44", "happiness"),
                     _row("happiness", "AU12", "STOP", "1.700", "51")])
    pv = read_boris(p, fps=30.0, video_name="smile_man.mp4")
    assert not pv.skipped
    [e] = pv.events
    assert (e.onset, e.apex, e.offset, e.emotion, e.status) == (40, 44, 50, "happiness", "proposal")
    assert e.coder == ""
