"""The video's MIME_TYPE in an ELAN file written from another: as the source wrote it (an audio file's stayed
``video/*``, ELAN's "unknown" too), else ELAN's value for the file's extension (audio ones included)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from merstudio.cli.main import main
from merstudio.interchange import Media, read_eaf, write_events
from merstudio.project import Event


def _eaf(path: Path, url: str, mime: str) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" FORMAT="3.0" VERSION="3.0">'
        f'<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="{url}" MIME_TYPE="{mime}"/>'
        '</HEADER><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>'
        '<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="400"/></TIME_ORDER>'
        '<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="alice/event"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" '
        'TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>happiness | 12</ANNOTATION_VALUE>'
        '</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>', encoding="utf-8")
    return path


def _mime(path: Path) -> str:
    (md,) = ET.parse(path).getroot().iter("MEDIA_DESCRIPTOR")
    return md.get("MIME_TYPE") or ""


@pytest.mark.parametrize(("url", "mime"), [("file:///data/talk.audio.m4a", "unknown"),
                                           ("file:///data/talk.wav", "audio/wav"),
                                           ("file:///data/talk.mov", "video/quicktime")])
def test_eaf_to_eaf_keeps_the_media_type_as_written(tmp_path, capsys, url, mime):
    src = _eaf(tmp_path / "in.eaf", url, mime)
    assert read_eaf(src, fps=25.0).media_mime == mime
    out = tmp_path / "out.eaf"
    assert main(["convert", str(src), str(out), "--fps", "25"]) == 0
    assert _mime(out) == mime


def test_another_media_or_another_source_takes_elans_type_for_its_extension(tmp_path, capsys):
    src = _eaf(tmp_path / "in.eaf", "file:///data/talk.wav", "audio/x-wav")
    out = tmp_path / "out.eaf"
    assert main(["convert", str(src), str(out), "--fps", "25", "--media", str(tmp_path / "rec.m4a")]) == 0
    assert _mime(out) == "audio/mp4"  # --media names another file: its own type, not the source's
    ev = [Event(0, 0, 2, 9, emotion="happiness", aus="12", coder="alice")]
    for name, want in (("a.m4a", "audio/mp4"), ("a.mp3", "audio/mpeg"), ("a.wav", "audio/x-wav"),
                       ("a.mp4", "video/mp4"), ("a.xyz", "video/*")):
        p = write_events(ev, tmp_path / f"{name}.eaf", Media(path=str(tmp_path / name), fps=25.0))
        assert _mime(p) == want, name
