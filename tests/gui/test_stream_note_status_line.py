"""The app's status bar keeps a reader's note to its first clause (gui.reencode.short_note) and its hover the
rest: a file of two video streams read "two_v.mp4: the file holds 2 video streams: #0" there (a72), the clause cut
inside its list. The note now leads with what is said in a few words."""

from __future__ import annotations

from pathlib import Path

from merstudio.gui.reencode import short_note
from merstudio.io.streams import Picture, StreamFacts


def test_a_file_of_two_video_streams_is_said_whole_in_the_status_line():
    path = Path("/v/two_v.mp4")
    facts = StreamFacts(pictures=(Picture(0, 0, 320, 180, False), Picture(1, 1, 640, 360, True)))
    note = facts.other_streams_note(path)
    assert short_note(note, path) == "only the first of its 2 video streams is analysed"
    assert "#1 (640x360, default)" in note and "ffmpeg -i two_v.mp4 -map 0:v:1" in note  # the hover's rest
