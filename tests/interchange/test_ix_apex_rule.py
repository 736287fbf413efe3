"""One rule for the apex a file does not give (common.imputed_apex), whichever reader meets it: the middle frame,
the earlier of two, tagged as imputed unless the event is one frame long (its apex is then no choice)."""

from __future__ import annotations

import csv
import re

from ix_helpers import write_frames, write_xlsx

from merstudio.datasets.sample import Sample
from merstudio.interchange import (
    Media,
    events_from_samples,
    preview_sheet,
    read_boris,
    read_eaf,
    write_events,
)
from merstudio.project import Event
from merstudio.project.apex import APEX_IMPUTED, apex_imputed

# a one-frame event on frame 5 and a two-frame one on frames 10-11, at 25 fps
SPANS = [(5, 5), (10, 11)]
WANT = [(5, 5, 5, False), (10, 10, 11, True)]


def _got(events) -> list[tuple[int, int, int, bool]]:
    return sorted((e.onset, e.apex, e.offset, APEX_IMPUTED in e.note) for e in events)


def _eaf(tmp_path) -> list[Event]:
    path = write_events([Event(0, a, a, b, coder="ann", emotion="fear") for a, b in SPANS], tmp_path / "c.eaf",
                        Media(str(tmp_path / "clip.mp4"), fps=25.0, frame_count=100))
    text = re.sub(r'<TIER [^>]*TIER_ID="ann/apex".*?</TIER>', "", path.read_text(encoding="utf-8"), flags=re.S)
    path.write_text(text, encoding="utf-8")  # ELAN as people use it: no apex tier
    return read_eaf(path, fps=25.0).accept()


def _boris(tmp_path) -> list[Event]:
    path = tmp_path / "agg.tsv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["Observation id", "Media file name", "FPS", "Subject", "Behavior", "Modifiers", "Behavior type",
                    "Start (s)", "Stop (s)"])
        for a, b in SPANS:  # BORIS's aggregated export: states with no apex
            w.writerow(["obs", "clip.mp4", "25.0", "Anna", "fear", "", "STATE", f"{a / 25:.3f}", f"{(b + 1) / 25:.3f}"])
    return read_boris(path, fps=25.0).accept()


def _sheet(tmp_path) -> list[Event]:
    header = ["Subject", "Filename", None, "OnsetFrame", "ApexFrame", "OffsetFrame", None, "Action Units",
              "Estimated Emotion"]
    rows = [["01", "EP01", None, a + 1, "/", b + 1, None, "4", "fear"] for a, b in SPANS]  # frame n is img<n+1>
    sheet = write_xlsx(tmp_path / "CASME2-coding.xlsx", [header, *rows])
    return preview_sheet(sheet, "casme2", "EP01", 0, first_frame=1).accept()


def _samples(tmp_path, kind: str) -> list[Event]:
    folder = tmp_path / "EP01"
    files = write_frames(folder, range(1, 21))
    out = []
    for a, b in SPANS:
        if kind == "video":
            s = Sample("d", "d_s1", f"EP01_{a}", "fear", "fear", tmp_path / "clip.mp4", onset=a, offset=b,
                       meta={"kind": "video"})
        else:  # as the loaders give a frame folder without an apex: the later of two middles, flagged
            span = files[a:b + 1]
            s = Sample("d", "d_s1", f"EP01_{a}", "fear", "fear", folder, frames=span, onset=a + 1,
                       apex=a + 1 + len(span) // 2, offset=b + 1, onset_pos=0, apex_pos=len(span) // 2,
                       offset_pos=len(span) - 1, meta={"apex_is_middle": True})
        out += events_from_samples([s], 0, clip=None)
    return out


def test_every_reader_imputes_the_same_apex(tmp_path):
    got = {"ELAN": _got(_eaf(tmp_path)), "BORIS": _got(_boris(tmp_path)), "dataset sheet": _got(_sheet(tmp_path)),
           "dataset samples (video)": _got(_samples(tmp_path, "video")),
           "dataset samples (frame folder)": _got(_samples(tmp_path, "frames"))}
    assert got == dict.fromkeys(got, WANT)


def test_the_agreement_sees_the_imputed_apex_as_imputed(tmp_path):
    # a two-frame event from a frame folder: its tag holds only while the apex is the middle the rule chose
    (_, two) = sorted(_samples(tmp_path, "frames"), key=lambda e: e.onset)
    assert apex_imputed(two)
