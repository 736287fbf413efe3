"""ELAN media descriptors: the media offset (TIME_ORIGIN) and files that link several media (a video and the .wav
ELAN extracted from it). ELAN plays media at annotation time + TIME_ORIGIN ms."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ix_helpers import canon
from support.elan_files import media_descriptors, spans_eaf

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import (
    Media,
    commit_import,
    export_project_events,
    preview_import,
    read_eaf,
    write_eaf,
)
from merstudio.project import Event


def _eaf(path: Path, descriptors: str, spans: list[tuple[int, int]], tier: str = "carol/event") -> Path:
    return spans_eaf(path, descriptors, spans, tier)


VIDEO = ('<MEDIA_DESCRIPTOR MEDIA_URL="file:///home/lab/clip.mp4" MIME_TYPE="video/mp4" '
         'RELATIVE_MEDIA_URL="./clip.mp4" TIME_ORIGIN="1000"/>')
WAV = ('<MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/Users/lab/clip.wav" MIME_TYPE="audio/x-wav" '
       'RELATIVE_MEDIA_URL="./clip.wav" EXTRACTED_FROM="file:///C:/Users/lab/clip.mp4"/>')
WIN_VIDEO = ('<MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/Users/lab/clip.mp4" MIME_TYPE="video/mp4" '
             'RELATIVE_MEDIA_URL="./clip.mp4"/>')


def _slot_values(path: Path) -> list[int]:
    return sorted(int(ts.get("TIME_VALUE", "")) for ts in ET.parse(path).getroot().iter("TIME_SLOT"))


def test_time_origin_shifts_every_annotation_onto_the_video(tmp_path):
    """Annotation 100-500 ms with a media offset of 1000 ms is video time 1100-1500 ms: frames 33-44 at 30 fps
    (not 3-14), and the preview says why."""
    prev = read_eaf(_eaf(tmp_path / "o.eaf", VIDEO, [(100, 500), (2000, 2100)]), fps=30.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(33, 44), (90, 92)]
    assert prev.time_origin == 1000
    assert any("media offset (TIME_ORIGIN) +1,000 ms" in n for n in prev.notes), prev.notes


def test_annotations_before_the_media_start_are_cut_or_skipped(tmp_path):
    """A negative offset moves annotations before the video's start: one that ends inside the video starts at
    its first frame (a note), one that ends before it is skipped, named."""
    desc = VIDEO.replace('TIME_ORIGIN="1000"', 'TIME_ORIGIN="-1000"')
    prev = read_eaf(_eaf(tmp_path / "neg.eaf", desc, [(500, 1500), (200, 900), (1500, 1600)]), fps=30.0)
    assert [(e.onset, e.offset) for e in prev.events] == [(0, 14), (15, 17)]
    assert any("before the video" in n and "first frame" in n for n in prev.notes), prev.notes
    (skip,) = prev.skipped
    assert "annotation a2" in skip.where and "before the video starts" in skip.reason


def test_bad_time_origin_is_one_line(tmp_path):
    with pytest.raises(InputError, match="TIME_ORIGIN 'soon' is no whole number"):
        read_eaf(_eaf(tmp_path / "bad.eaf", VIDEO.replace('"1000"', '"soon"'), [(0, 100)]), fps=30.0)


def test_export_writes_the_offset_back(tmp_path):
    """A Media with an offset: times written less the offset, TIME_ORIGIN on the video's descriptor; read back
    onto the same frames. An event before the offset cannot be written so (ELAN has no negative times): the
    video's own times, no offset."""
    evs = [Event(0, 33, 38, 44, emotion="happiness", aus="6+12", coder="carol")]
    out = write_eaf(evs, tmp_path / "out.eaf", Media(str(tmp_path / "clip.mp4"), fps=30.0, time_origin=1000))
    (md,) = media_descriptors(out)
    assert md["TIME_ORIGIN"] == "1000"
    assert _slot_values(out) == [100, 267, 300, 500]
    assert canon(read_eaf(out, fps=30.0).events) == canon(evs)
    early = write_eaf([Event(0, 3, 4, 5, coder="carol")], tmp_path / "early.eaf",
                      Media(str(tmp_path / "clip.mp4"), fps=30.0, time_origin=1000))
    assert "TIME_ORIGIN" not in media_descriptors(early)[0] and _slot_values(early)[0] == 100


def test_file_conversion_keeps_the_offset(tmp_path, capsys):
    src = _eaf(tmp_path / "o.eaf", VIDEO, [(100, 500)])
    assert main(["convert", str(src), str(tmp_path / "back.eaf"), "--fps", "30"]) == 0
    capsys.readouterr()
    (md,) = media_descriptors(tmp_path / "back.eaf")
    assert md["TIME_ORIGIN"] == "1000"
    assert _slot_values(tmp_path / "back.eaf")[0] == 100 and _slot_values(tmp_path / "back.eaf")[-1] == 500
    assert [(e.onset, e.offset) for e in read_eaf(tmp_path / "back.eaf", fps=30.0).events] == [(33, 44)]


def test_project_round_trip_keeps_the_offset_and_the_times(tmp_path, project):
    """eaf -> project -> eaf: the events on the video's frames in the project, the file's TIME_ORIGIN and
    annotation times in the export."""
    from merstudio.interchange import remember_elan_media

    vid = project.videos()[0].id
    src = _eaf(tmp_path / "o.eaf", VIDEO, [(100, 500)])
    prev = preview_import(project, src, vid)
    commit_import(project, prev, skip_bad=True)
    assert remember_elan_media(project, vid, prev)
    assert [(e.onset, e.offset) for e in project.events(vid)] == [(33, 44)]
    out = export_project_events(project, vid, tmp_path / "back.eaf")[0]
    (md,) = media_descriptors(out)
    assert md["TIME_ORIGIN"] == "1000"
    ann = next(ET.parse(out).getroot().iter("ALIGNABLE_ANNOTATION"))
    slots = {ts.get("TIME_SLOT_ID"): int(ts.get("TIME_VALUE", "")) for ts in ET.parse(out).getroot().iter("TIME_SLOT")}
    assert (slots[ann.get("TIME_SLOT_REF1")], slots[ann.get("TIME_SLOT_REF2")]) == (100, 500)


def test_cli_import_records_the_offset_for_export(tmp_path, capsys, project):
    vid = project.videos()[0].id
    project.close()
    src = _eaf(tmp_path / "o.eaf", VIDEO, [(100, 500)])
    proj = str(tmp_path / "study.merproj")
    assert main(["convert", "--project", proj, "--import", str(src), "--yes"]) == 0
    assert "media offset +1,000 ms" in capsys.readouterr().err
    assert main(["convert", "--project", proj, "--export", str(tmp_path / "x.eaf"), "--video", str(vid)]) == 0
    assert media_descriptors(tmp_path / "x.eaf")[0]["TIME_ORIGIN"] == "1000"


def test_the_video_descriptor_wins_and_the_others_are_kept(tmp_path):
    """An .eaf that links the extracted .wav first and the video second: the events are the video's, and a
    conversion back to ELAN keeps the .wav (as written: a Windows URL stays one, no made-up relative URL)."""
    src = _eaf(tmp_path / "two.eaf", WAV + VIDEO.replace(' TIME_ORIGIN="1000"', ""), [(100, 500)])
    prev = read_eaf(src, fps=30.0)
    assert prev.media == "clip.mp4"
    from merstudio.interchange.common import LinkedMedia

    assert prev.linked_media == (LinkedMedia(url="file:///C:/Users/lab/clip.wav", mime="audio/x-wav",
                                             relative="./clip.wav", location="C:/Users/lab/clip.wav",
                                             extracted_from="file:///C:/Users/lab/clip.mp4"),)
    assert any("2 media files linked" in n and "clip.wav" in n for n in prev.notes)
    assert main(["convert", str(src), str(tmp_path / "out" / "back.eaf"), "--fps", "30"]) == 0
    video, wav = media_descriptors(tmp_path / "out" / "back.eaf")
    assert video["MIME_TYPE"] == "video/mp4" and video["MEDIA_URL"] == "file:///home/lab/clip.mp4"
    assert wav == {"MEDIA_URL": "file:///C:/Users/lab/clip.wav", "MIME_TYPE": "audio/x-wav",
                   "EXTRACTED_FROM": "file:///C:/Users/lab/clip.mp4"}


def test_a_windows_media_path_is_no_relative_url(tmp_path, capsys):
    """An .eaf made on Windows (file:///C:/Users/...) converted here: the URL stays the Windows one, never
    ../../../C:/Users/... relative to the output (nor file:///C%3A/...); the file's own relative URL, which names the
    media beside the .eaf, is kept as written (h185)."""
    src = _eaf(tmp_path / "win.eaf", WIN_VIDEO, [(100, 500)])
    assert read_eaf(src, fps=30.0).media_path == "C:/Users/lab/clip.mp4"
    assert main(["convert", str(src), str(tmp_path / "a" / "b" / "out.eaf"), "--fps", "30"]) == 0
    (md,) = media_descriptors(tmp_path / "a" / "b" / "out.eaf")
    assert md["MEDIA_URL"] == "file:///C:/Users/lab/clip.mp4" and md["RELATIVE_MEDIA_URL"] == "./clip.mp4"
    assert main(["convert", str(tmp_path / "a" / "b" / "out.eaf"), str(tmp_path / "again.eaf")]) == 0
    assert media_descriptors(tmp_path / "again.eaf")[0]["MEDIA_URL"] == "file:///C:/Users/lab/clip.mp4"
