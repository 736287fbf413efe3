"""ELAN's media URLs written back only where they lead somewhere; empty ELAN annotations counted; no "no apex" note
for one-frame events (a BORIS POINT, a one-frame ELAN annotation), whose only frame is their apex."""

from __future__ import annotations

from pathlib import Path

from support.elan_files import media_descriptors, timed_eaf

from merstudio.interchange import Media, read_boris, read_eaf, write_eaf
from merstudio.interchange.common import LinkedMedia
from merstudio.project import Event

EVENTS = [Event(0, 10, 12, 14, emotion="happiness", aus="12", coder="alice")]


def test_a_media_file_that_is_not_here_gets_no_relative_url_to_this_machines_folders(tmp_path):
    """pympi's sample: file:///Users/Shared/.../r03.wav with RELATIVE_MEDIA_URL ../../DemoMaterial/...: converted
    here, never ../../../Users/Shared/... (a path to a folder of this machine that the media is not in)."""
    gone = "/Users/Shared/MPI/DemoMaterial/yele/r03.wav"
    cam2 = LinkedMedia(url="file:///Users/Shared/cam2.mp4", location="/Users/Shared/cam2.mp4")
    video, linked = media_descriptors(write_eaf(EVENTS, tmp_path / "b.eaf", Media(gone, fps=25.0, linked=(cam2,))))
    assert video["MEDIA_URL"] == "file://" + gone and "RELATIVE_MEDIA_URL" not in video
    assert "RELATIVE_MEDIA_URL" not in linked  # the docs' rule for linked media: only where it lies here
    # the file's own relative URL (as the import read it) is written back
    (video,) = media_descriptors(write_eaf(EVENTS, tmp_path / "a" / "out.eaf",
                                      Media(gone, fps=25.0, relative="../../DemoMaterial/yele/r03.wav")))
    assert video["RELATIVE_MEDIA_URL"] == "../../DemoMaterial/yele/r03.wav"
    here = tmp_path / "media" / "clip.mp4"  # where it lies here: the relative URL from the new file, not the old one
    here.parent.mkdir()
    here.write_bytes(b"video")
    (md,) = media_descriptors(write_eaf(EVENTS, tmp_path / "c.eaf", Media(str(here), fps=25.0, relative="./old.mp4")))
    assert md["RELATIVE_MEDIA_URL"] == "./media/clip.mp4"


def test_the_import_keeps_the_files_relative_url(tmp_path):
    src = write_eaf(EVENTS, tmp_path / "x.eaf", Media("/Users/Shared/r03.mp4", fps=25.0, relative="../r03.mp4"))
    assert read_eaf(src, fps=25.0).media_relative == "../r03.mp4"


def test_convert_writes_the_files_relative_url_back(tmp_path, capsys):
    """`merstudio convert x.eaf y.eaf` of a file whose media is on another machine keeps the file's own relative URL
    (it was dropped: the writer was never given it) when the new file lies beside the old one; written elsewhere,
    that URL would lead nowhere, and none is written."""
    from merstudio.cli.main import main

    src = write_eaf(EVENTS, tmp_path / "x.eaf", Media("/Users/Shared/r03.mp4", fps=25.0, relative="../r03.mp4"))
    assert main(["convert", str(src), str(tmp_path / "y.eaf")]) == 0
    (video,) = media_descriptors(tmp_path / "y.eaf")
    assert video["MEDIA_URL"] == "file:///Users/Shared/r03.mp4" and video["RELATIVE_MEDIA_URL"] == "../r03.mp4"
    assert main(["convert", str(src), str(tmp_path / "sub" / "z.eaf")]) == 0
    (video,) = media_descriptors(tmp_path / "sub" / "z.eaf")
    assert video["MEDIA_URL"] == "file:///Users/Shared/r03.mp4" and "RELATIVE_MEDIA_URL" not in video


def _eaf(path: Path, values: list[tuple[int, int, str]], tier: str = "gestures") -> Path:
    return timed_eaf(path, values, tier=tier)


def test_empty_elan_annotations_are_counted_in_one_note(tmp_path):
    src = _eaf(tmp_path / "g.eaf", [(0, 400, ""), (400, 800, "  "), (800, 1200, "hold")])
    prev = read_eaf(src, fps=25.0, tier_coders={"gestures": "g"})
    assert [e.emotion for e in prev.events] == ["", "", "hold"]
    about = [n for n in prev.notes if "empty value" in n]
    assert about == ["g.eaf: 2 annotation(s) with an empty value imported as events without an emotion or AUs"]


def test_one_frame_events_get_no_apex_note(tmp_path):
    src = _eaf(tmp_path / "one.eaf", [(0, 40, "happiness"), (400, 800, "hold")], tier="alice/event")
    notes = [n for n in read_eaf(src, fps=25.0).notes if "no apex" in n]
    assert len(notes) == 1 and "annotation a2" in notes[0]
    table = tmp_path / "points.tsv"  # BORIS's aggregated export: POINT rows are one-frame events
    table.write_text("Observation id\tMedia file\tFPS\tSubject\tBehavior\tModifiers\tBehavior type\tStart (s)\t"
                     "Stop (s)\n"
                     "o\tclip.mp4\t25.0\tNo focal subject\tp\t\tPOINT\t1.000\t1.000\n"
                     "o\tclip.mp4\t25.0\tNo focal subject\ts\t\tSTATE\t2.000\t3.000\n")
    prev = read_boris(table)
    assert [(e.onset, e.apex, e.offset) for e in prev.events] == [(25, 25, 25), (50, 62, 74)]
    notes = [n for n in prev.notes if "no apex" in n]
    assert notes == ["points.tsv: observation 'o', 's' of 'No focal subject' at 2.000 s (line 3): no apex; using the "
                     "middle frame 62"]
