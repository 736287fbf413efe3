"""A py-feat CSV's ``input`` (the file py-feat analysed) checked against the video it is imported into, as the
ELAN, BORIS and events-CSV readers check theirs, and frames it has no row for (its skip_frames) counted, as for
OpenFace."""

from __future__ import annotations

import unicodedata

import pytest
from support.pyfeat_files import pyfeat_csv

from merstudio.cli.main import main
from merstudio.interchange import read_pyfeat

ROWS = [(f, 0, 90.0) for f in range(10)]


def test_another_video_or_a_photo_is_a_mismatch_imported_anyway(tmp_path):
    other = pyfeat_csv(tmp_path / "003.csv", ROWS, inputs=["/data/003.mp4"] * 10)
    t = read_pyfeat(other, fps=30.0, frame_count=10, video_name="001.mp4")
    assert t.mismatches == ["the file's video '003.mp4' is not '001.mp4'; imported anyway"]
    assert len(t.frames) == 10  # imported all the same
    photo = pyfeat_csv(tmp_path / "photo.csv", [(0, 0, 90.0)], inputs=["C:\\py-feat\\tests\\single_face.jpg"])
    t = read_pyfeat(photo, fps=30.0, frame_count=10, video_name="001.mp4")
    assert t.mismatches == ["the file's input 'single_face.jpg' is a photo, not the video '001.mp4'; imported anyway"]
    # converted without a video: a note, not a mismatch
    assert read_pyfeat(photo).notes == ["the file's input 'single_face.jpg' is a photo"]
    same = pyfeat_csv(tmp_path / "001.csv", ROWS, inputs=["/data/001.mp4"] * 10)
    assert read_pyfeat(same, fps=30.0, frame_count=10, video_name="/videos/001.mp4").mismatches == []
    # a Mac's py-feat run writes "Gespräch" decomposed (a + U+0308): the same video to its user, no mismatch
    mac = pyfeat_csv(tmp_path / "mac.csv", ROWS, inputs=[unicodedata.normalize("NFD", "/data/Gespräch.mp4")] * 10)
    assert read_pyfeat(mac, fps=30.0, frame_count=10, video_name="Gespräch.mp4").mismatches == []


def test_rows_every_second_frame_say_which_frames_have_none(tmp_path):
    t = read_pyfeat(pyfeat_csv(tmp_path / "skip.csv", [(f, 0, 90.0) for f in range(0, 20, 2)]), frame_count=20)
    assert t.mismatches == ["9 frame(s) have no row (a row every 2 frames)"]
    # the one rule of both readers, in OpenFace's words
    from merstudio.interchange.openface import frames_without_row

    assert frames_without_row([0, 1, 3, 4], 5) == ["1 frame(s) have no row"]
    assert frames_without_row(range(5), 5) == []


def test_the_cli_import_warns_of_another_video(tmp_path, capsys, project):
    path = project.path
    project.close()
    src = pyfeat_csv(tmp_path / "feat.csv", [(f, 0, 90.0) for f in range(100)], inputs=["other.mp4"] * 100)
    assert main(["convert", "--project", str(path), "--import", str(src)]) == 0
    err = capsys.readouterr().err
    assert "feat.csv: the file's video 'other.mp4' is not 'clip.mp4'; imported anyway" in err


@pytest.mark.parametrize("video_name", [None, "clip.mp4"])
def test_the_video_analysed_gives_no_word(tmp_path, video_name):
    t = read_pyfeat(pyfeat_csv(tmp_path / "clip.csv", ROWS), fps=30.0, frame_count=10, video_name=video_name)
    assert t.mismatches == [] and t.notes == []
