"""An events table whose face column is headed ``face`` (a coder's own sheet, another tool's), in any case and
spacing, is read as ``face_id``, as the other usual spellings are (h198 item 1): it was an ignored column, every
event landing on face 0. Where the file has both, ``face_id`` wins and the note says which column was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.interchange.events_csv import read_events_csv

ROWS = "v.mp4,1,10,12,15,happiness,ann\nv.mp4,2,20,22,25,fear,ann\n"


@pytest.mark.parametrize("head", ["face", "Face", " FACE ", "face id", "Face_ID"])
def test_a_face_column_is_read_as_face_id(tmp_path: Path, head: str) -> None:
    p = tmp_path / "sheet.csv"
    p.write_text(f"video,{head},onset,apex,offset,emotion,coder\n{ROWS}", encoding="utf-8")
    prev = read_events_csv(p, fps=30.0)
    assert [(e.onset, e.face_id) for e in prev.events] == [(10, 1), (20, 2)]
    assert not prev.skipped
    assert not any("ignored" in n for n in prev.notes), prev.notes
    if head != "Face_ID":  # our own name, in another case: nothing to say
        assert any(f"'{head.strip()}' as face_id" in n for n in prev.notes), prev.notes


def test_face_id_wins_over_face_and_the_note_says_so(tmp_path: Path) -> None:
    p = tmp_path / "both.csv"
    p.write_text("video,Face,onset,apex,offset,emotion,coder,face_id\n"
                 "v.mp4,7,10,12,15,happiness,ann,1\nv.mp4,7,20,22,25,fear,ann,2\n", encoding="utf-8")
    prev = read_events_csv(p, fps=30.0)
    assert [(e.onset, e.face_id) for e in prev.events] == [(10, 1), (20, 2)]
    assert any("ignored: 'Face' (face_id read from 'face_id')" in n for n in prev.notes), prev.notes
