"""`merstudio convert x.eaf out.csv --media clip.avi`: a file that states no frame rate, converted for a
constant-rate video given right there, takes that video's rate (it said "the frame rate is unknown; give it (e.g.
--fps 30)" unless the video had a variable rate)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.cli_run import tiny_video

from merstudio.cli.main import main


def _eaf(path: Path, media: str = "") -> Path:
    """One event of alice's, 1000-1400 ms, apex 1200 ms; no merstudio:fps property (ELAN writes none). `media`: a
    media descriptor as ELAN 6 writes it (an absolute URL on the coder's machine and the relative one)."""
    descriptor = (f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/Users/coder/study/{media}" MIME_TYPE="video/*" '
                  f'RELATIVE_MEDIA_URL="./{media}"/>' if media else "")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">'
        f'<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">{descriptor}</HEADER><TIME_ORDER>'
        '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1400"/>'
        '<TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1200"/><TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="1240"/>'
        '</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="merstudio-event" TIER_ID="alice/event"><ANNOTATION>'
        '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">'
        "<ANNOTATION_VALUE>happiness | 12</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
        '<TIER LINGUISTIC_TYPE_REF="merstudio-apex" PARENT_REF="alice/event" TIER_ID="alice/apex"><ANNOTATION>'
        '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">'
        "<ANNOTATION_VALUE>apex</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="merstudio-event" TIME_ALIGNABLE="true"/>'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="merstudio-apex" CONSTRAINTS="Included_In" TIME_ALIGNABLE="true"/>'
        "</ANNOTATION_DOCUMENT>", encoding="utf-8")
    return path


def test_the_media_given_times_the_frames(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = tiny_video(tmp_path / "clip.avi", n=50, fps=25.0)
    out = tmp_path / "o.csv"
    assert main(["convert", str(_eaf(tmp_path / "x.eaf")), str(out), "--media", str(clip)]) == 0, \
        capsys.readouterr().err
    with out.open(encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    # 25 fps: 1000 ms is frame 25, 1200 ms frame 30, 1400 ms the start of frame 35 (so the offset is 34)
    assert (int(row["onset"]), int(row["apex"]), int(row["offset"])) == (25, 30, 34)


def test_the_video_the_file_names_beside_it_times_the_frames(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # ELAN's own file for clip.avi lying beside it: no --fps or --media needed (it said "the frame rate is unknown")
    tiny_video(tmp_path / "clip.avi", n=50, fps=25.0)
    out = tmp_path / "o.csv"
    assert main(["convert", str(_eaf(tmp_path / "x.eaf", "clip.avi")), str(out)]) == 0, capsys.readouterr().err
    assert "25 fps" in capsys.readouterr().err
    with out.open(encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (int(row["onset"]), int(row["apex"]), int(row["offset"])) == (25, 30, 34)  # as with --media above


def test_without_media_the_rate_is_still_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(_eaf(tmp_path / "x.eaf")), str(tmp_path / "o.csv")]) != 0
    assert "frame rate is unknown" in capsys.readouterr().err
