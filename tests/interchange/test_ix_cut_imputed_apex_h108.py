"""An event without an apex that runs past the video's end (an ELAN annotation 2000-2415 ms on a 72-frame 30 fps
clip: frames 60-72) is cut at the last frame 71, and its imputed apex is imputed again on the cut span: the middle of
60..71, (60 + 71) // 2 = 65. It was left at 66 (the middle of 60..72), which the agreement then took for a coded apex
(|d_apex| 3 against a coder's 64 instead of being left out). A coded apex stays where the coder put it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from merstudio.agreement.report import agreement_from_events
from merstudio.interchange import commit_import, preview_import
from merstudio.project import Event, Project
from merstudio.project.apex import APEX_IMPUTED, apex_imputed, with_span

FPS, FRAMES = 30.0, 72  # the smile clip: frames 0..71, frame i starts at i / 30 s


def _eaf(path: Path, start_ms: int, end_ms: int, coder: str = "erin") -> Path:
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">'
                    '<HEADER TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="file:///nowhere/smile.mp4" '
                    'MIME_TYPE="video/mp4" RELATIVE_MEDIA_URL="./smile.mp4"/></HEADER><TIME_ORDER>'
                    f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{start_ms}"/>'
                    f'<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="{end_ms}"/></TIME_ORDER>'
                    f'<TIER TIER_ID="{coder}/event" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION '
                    'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>happiness | 12'
                    "</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>",
                    encoding="utf-8")
    return path


@pytest.fixture
def smile(tmp_path):
    video = tmp_path / "smile.mp4"
    video.write_bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with Project.create(tmp_path / "s.merproj") as proj:
        proj.add_video(video, fps=FPS, frame_count=FRAMES, width=64, height=48)
        yield proj


def test_an_imputed_apex_cut_at_the_end_is_the_middle_of_the_cut_span(tmp_path, smile):
    vid = smile.videos()[0].id
    prev = preview_import(smile, _eaf(tmp_path / "erin.eaf", 2000, 2415), vid)
    (e,) = prev.events
    assert (e.onset, e.offset) == (2000 * 30 // 1000, FRAMES - 1) == (60, 71)
    assert e.apex == (60 + 71) // 2 == 65 and APEX_IMPUTED in e.note and apex_imputed(e)
    assert any("offset moved to its last frame 71" in n and "imputed apex 66 to 65" in n for n in prev.notes)
    commit_import(smile, prev)
    (stored,) = smile.events(vid)
    assert stored.apex == 65 and apex_imputed(stored)


def test_the_agreement_leaves_the_cut_imputed_apex_out(tmp_path, smile):
    """carol's CSV row has no apex and ends at 75, past the end; dave coded apex 64 on 60-71: no apex difference."""
    vid = smile.videos()[0].id
    carol = tmp_path / "c1.events.csv"
    carol.write_text("video,face_id,onset,apex,offset,emotion,aus,coder\nsmile.mp4,0,60,,75,happiness,12,carol\n",
                     encoding="utf-8")
    dave = tmp_path / "c3.events.csv"
    dave.write_text("video,face_id,onset,apex,offset,emotion,aus,coder\nsmile.mp4,0,60,64,71,happiness,12,dave\n",
                    encoding="utf-8")
    for f in (carol, dave):
        commit_import(smile, preview_import(smile, f, vid))
    report = agreement_from_events(smile.events(vid), frame_counts={vid: FRAMES})
    (row,) = [r for r in report.matches.to_dict("records") if r["status"] == "matched"]
    assert row["apex_a"] == 65 and (row["d_apex"] is None or row["d_apex"] != row["d_apex"])  # None or NaN
    assert np.isnan(report.pairs["mean_abs_d_apex"].iloc[0])


def test_a_coded_apex_stays_where_the_coder_put_it(tmp_path, smile):
    """Coded apexes are not imputed: 70 stays (inside 60..71), 74 moves to the last frame 71; a coder-moved apex
    (its note still tagged, but not at the middle) counts as coded and stays too."""
    vid = smile.videos()[0].id
    table = tmp_path / "coded.events.csv"
    table.write_text("video,face_id,onset,apex,offset,emotion,aus,coder,note\n"
                     "smile.mp4,0,60,70,75,happiness,12,a,\n"
                     "smile.mp4,0,62,74,76,happiness,12,b,\n"
                     f"smile.mp4,0,64,69,78,happiness,12,c,{APEX_IMPUTED}\n",
                     encoding="utf-8")
    prev = preview_import(smile, table, vid)
    assert [(e.coder, e.onset, e.apex, e.offset) for e in prev.events] == [
        ("a", 60, 70, 71), ("b", 62, 71, 71), ("c", 64, 69, 71)]
    assert any("apex 74 too" in n for n in prev.notes)


def test_with_span_reimputes_only_an_imputed_apex():
    imputed = Event(0, 60, 66, 72, emotion="happiness", note=APEX_IMPUTED)
    assert with_span(imputed, 60, 71).apex == 65
    coded = Event(0, 60, 66, 72, emotion="happiness")
    assert with_span(coded, 60, 71).apex == 66
    assert with_span(Event(0, 60, 72, 72, emotion="happiness"), 60, 71).apex == 71
