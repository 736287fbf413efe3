"""A BORIS table's event that starts past its media file's end (the rows' Media duration) is noted, in a file-to-file
conversion too (a point at 199.96 s on a 180.05-s video converted without a word)."""

from __future__ import annotations

from merstudio.cli.main import main
from merstudio.interchange import Media, read_boris, write_boris
from merstudio.project import Event

HEADER = ("Observation id\tMedia file name\tMedia duration (s)\tFPS (frame/s)\tSubject\tBehavior\tModifier #1\t"
          "Behavior type\tStart (s)\tStop (s)\n")


def test_a_point_past_the_media_duration_is_noted(tmp_path, capsys):
    src = tmp_path / "obs.tsv"
    src.write_text(HEADER + "o1\tC:\\v\\50FPS.mp4\t180.050\t50\t\tp\t\tPOINT\t12.000\t12.000\n"
                   "o1\tC:\\v\\50FPS.mp4\t180.050\t50\t\tp\t\tPOINT\t199.960\t199.960\n"
                   "o1\tC:\\v\\50FPS.mp4\t180.050\t50\t\ts\t\tSTATE\t170.000\t185.000\n", encoding="utf-8")
    prev = read_boris(src)
    assert len(prev.events) == 3  # kept: a conversion writes what the file holds
    assert ("1 event(s) start past the end of '50FPS.mp4' (its Media duration 180.050 s): observation 'o1', 'p' of "
            "'no focal subject' at 199.960 s (line 3)") in prev.notes
    assert main(["convert", str(src), str(tmp_path / "out.events.csv")]) == 0
    assert "start past the end of '50FPS.mp4'" in capsys.readouterr().err


def test_our_own_table_of_events_inside_the_video_gives_no_note(tmp_path):
    evs = [Event(0, 0, 5, 9, emotion="happiness", aus="12", coder="a"),
           Event(0, 99, 99, 99, emotion="surprise", aus="1+2", coder="a")]  # the last frame: still in it
    path = write_boris(evs, tmp_path / "ours.tsv", Media(str(tmp_path / "clip.mp4"), fps=25.0, frame_count=100))
    assert read_boris(path).notes == []
    late = [*evs, Event(0, 100, 100, 101, emotion="fear", aus="4", coder="a")]  # from the frame after the last
    path = write_boris(late, tmp_path / "late.tsv", Media(str(tmp_path / "clip.mp4"), fps=25.0, frame_count=100))
    assert read_boris(path).notes == ["1 event(s) start past the end of 'clip.mp4' (its Media duration 4.000 s): "
                                      "observation 'a', 'fear' of 'face 0' at 4.000 s (line 4)"]
