"""Which media descriptor of an .eaf the events are on: the one that names the video they are imported into (an
.eaf linking a face and a scene camera, each with its own TIME_ORIGIN), else the first video one; and media URLs
that cannot be parsed (urlparse's "Invalid IPv6 URL") are media that is not here, not a failed import."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from support.elan_files import media_descriptors, spans_eaf

from merstudio.cli.main import main
from merstudio.interchange import (
    Media,
    commit_import,
    export_project_events,
    preview_import,
    read_eaf,
    read_events,
    remember_elan_media,
    write_eaf,
)

# ELAN's layout for two cameras: the scene camera (no offset) first, the face camera 500 ms later
TWO_CAMS = ('<MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/other.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="0"/>'
            '<MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/clip.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="500"/>')


def _eaf(path: Path, descriptors: str, spans: Sequence[tuple[int, int]] = ((1000, 1800),)) -> Path:
    return spans_eaf(path, descriptors, spans, tier="dana/event")


def _spans(path: Path) -> list[tuple[int, int]]:
    root = ET.parse(path).getroot()
    slots = {ts.get("TIME_SLOT_ID"): int(ts.get("TIME_VALUE", "")) for ts in root.iter("TIME_SLOT")}
    return [(slots[a.get("TIME_SLOT_REF1")], slots[a.get("TIME_SLOT_REF2")])
            for t in root.iter("TIER") if t.get("TIER_ID", "").endswith("/event")
            for a in t.iter("ALIGNABLE_ANNOTATION")]


def test_the_descriptor_naming_the_video_gives_the_offset(tmp_path):
    """1000-1800 ms on clip.mp4 (offset 500) is 1500-2300 ms of the video: frames 45-68 at 30 fps, not 30-53
    (other.mp4's offset 0); other.mp4 is the linked media, and nothing claims the media is another file."""
    src = _eaf(tmp_path / "two.eaf", TWO_CAMS)
    for name in ("clip.mp4", "/data/P1/clip.mp4", "CLIP.MP4"):  # a name, a path, another letter case
        prev = read_eaf(src, fps=30.0, video_name=name)
        assert [(e.onset, e.offset) for e in prev.events] == [(45, 68)], name
        assert prev.media == "clip.mp4" and prev.time_origin == 500
        assert [(m.url, m.time_origin) for m in prev.linked_media] == [("file:///elsewhere/other.mp4", "0")]
        assert not any("imported anyway" in n for n in prev.notes), prev.notes
        assert any("placed on 'clip.mp4' (the video they are imported into)" in n and "other.mp4" in n
                   for n in prev.notes), prev.notes
    # read_events (the CLI's and the app's reader) hands the video's name on
    prev = read_events(src, fps=30.0, video_name="clip.mp4")
    assert prev.time_origin == 500 and [(e.onset, e.offset) for e in prev.events] == [(45, 68)]


def test_without_a_matching_descriptor_the_first_video_is_used(tmp_path):
    src = _eaf(tmp_path / "two.eaf", TWO_CAMS)
    prev = read_eaf(src, fps=30.0)  # no video named: the first video descriptor, as before
    assert prev.media == "other.mp4" and [(e.onset, e.offset) for e in prev.events] == [(30, 53)]
    prev = read_eaf(src, fps=30.0, video_name="third.mp4")
    assert prev.media == "other.mp4" and prev.time_origin == 0
    (note,) = [n for n in prev.notes if "third.mp4" in n]
    assert note == ("none of the ELAN file's media (other.mp4, clip.mp4) is 'third.mp4'; imported anyway, timed as "
                    "on 'other.mp4'")
    one = read_eaf(_eaf(tmp_path / "one.eaf", TWO_CAMS.split("/>")[0] + "/>"), fps=30.0, video_name="clip.mp4")
    assert "the ELAN file's media is 'other.mp4', not 'clip.mp4'; imported anyway" in one.notes


def test_project_import_and_export_keep_both_cameras(tmp_path, project):
    """The app's path: imported into clip.mp4 the events lie on its frames; the export writes clip.mp4 (its
    offset, the file's annotation times) and other.mp4 once each."""
    vid = project.videos()[0].id
    src = _eaf(tmp_path / "two.eaf", TWO_CAMS)
    prev = preview_import(project, src, vid)
    assert [(e.onset, e.offset) for e in prev.events] == [(45, 68)]
    commit_import(project, prev, skip_bad=True)
    assert remember_elan_media(project, vid, prev)
    out = export_project_events(project, vid, tmp_path / "back.eaf")[0]
    video, other = media_descriptors(out)
    assert video["MEDIA_URL"].endswith("/clip.mp4") and video["TIME_ORIGIN"] == "500"
    assert other["MEDIA_URL"] == "file:///elsewhere/other.mp4" and other["TIME_ORIGIN"] == "0"
    assert _spans(out) == [(1000, 1800)]


def test_cli_convert_with_video_picks_its_descriptor(tmp_path, capsys):
    src = _eaf(tmp_path / "two.eaf", TWO_CAMS)
    assert main(["convert", str(src), str(tmp_path / "out.eaf"), "--fps", "30", "--video", "clip.mp4"]) == 0
    capsys.readouterr()
    video, other = media_descriptors(tmp_path / "out.eaf")
    assert video["MEDIA_URL"].endswith("/clip.mp4") and video["TIME_ORIGIN"] == "500"
    assert other["MEDIA_URL"] == "file:///elsewhere/other.mp4"
    assert _spans(tmp_path / "out.eaf") == [(1000, 1800)]



def test_cli_convert_with_media_picks_its_descriptor(tmp_path, capsys):
    """--media names the video the output is for: an ELAN file linking two cameras is read against its descriptor
    (it took the first camera's offset)."""
    src = _eaf(tmp_path / "two.eaf", TWO_CAMS)
    media = tmp_path / "clip.mp4"
    assert main(["convert", str(src), str(tmp_path / "out.csv"), "--fps", "30", "--media", str(media)]) == 0
    capsys.readouterr()
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert int(row["onset"]) == 45  # 1000 ms in the file is 1500 ms into clip.mp4 (its 500 ms offset; other.mp4: 30)

BAD = {
    "media": '<MEDIA_DESCRIPTOR MEDIA_URL="http://[broken/clip.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="500"/>',
    "relative": ('<MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/clip.mp4" RELATIVE_MEDIA_URL="http://[x/clip.mp4" '
                 'MIME_TYPE="video/mp4" TIME_ORIGIN="500"/>'),
    "linked": ('<MEDIA_DESCRIPTOR MEDIA_URL="file:///elsewhere/clip.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="500"/>'
               '<MEDIA_DESCRIPTOR MEDIA_URL="http://[y/a.wav" MIME_TYPE="audio/x-wav"/>'),
}


def test_an_unparseable_media_url_is_media_not_here(tmp_path, project):
    """urlparse's "Invalid IPv6 URL" blocked the import (ImportEvents failed (ValueError ...)); now the URL is a
    media location that is not here, one note names it, and the events come in."""
    vid = project.videos()[0].id
    for kind, desc in BAD.items():
        src = _eaf(tmp_path / f"{kind}.eaf", desc)
        prev = preview_import(project, src, vid)
        assert [(e.onset, e.offset) for e in prev.events] == [(45, 68)], kind
        bad = [n for n in prev.notes if "is no URL that can be read" in n]
        assert len(bad) == 1 and "taken as media that is not here" in bad[0], (kind, prev.notes)
        assert prev.media == "clip.mp4", kind
    prev = read_eaf(tmp_path / "media.eaf", fps=30.0)
    assert prev.media_path == ""  # no location where the URL cannot be read
    assert read_eaf(tmp_path / "relative.eaf", fps=30.0).media_path == "/elsewhere/clip.mp4"  # the other URL serves
    linked = read_eaf(tmp_path / "linked.eaf", fps=30.0)
    (wav,) = linked.linked_media
    assert wav.url == "http://[y/a.wav" and wav.location == ""
    # written back as it was written
    out = write_eaf(linked.events, tmp_path / "back.eaf", Media(str(tmp_path / "clip.mp4"), fps=30.0,
                                                                 time_origin=500, linked=linked.linked_media))
    assert media_descriptors(out)[1] == {"MEDIA_URL": "http://[y/a.wav", "MIME_TYPE": "audio/x-wav"}
