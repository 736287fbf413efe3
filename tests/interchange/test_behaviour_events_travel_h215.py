"""Behaviour events travel to another copy of a project: the all-videos export writes them in a file of their own
beside the events CSV (it left them out without a word), and that `_behaviours.csv` imports back (it was refused
"missing column(s) apex"), behaviours made by name where the copy lacks them (audit a96, finding 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.merge_copies import behaviour_coding, copy_without_behaviours

from merstudio import interchange as ix
from merstudio.errors import InputError
from merstudio.project import Project


def test_the_all_videos_export_writes_the_behaviour_events_beside_and_they_import_back(tmp_path: Path) -> None:
    a, b = copy_without_behaviours(tmp_path)
    with Project.open(a, read_only=True) as p:
        done = ix.export_all_events(p, tmp_path / "all.csv")
    assert done.behaviours == tmp_path / "all_behaviours.csv" and done.behaviours.is_file()
    assert done.paths == [tmp_path / "all.csv", tmp_path / "all_behaviours.csv"]
    assert "1 behaviour event(s) to all_behaviours.csv beside it" in done.summary()
    assert any("all_behaviours.csv" in n for n in done.notes)
    with Project.open(b) as p:
        found = ix.preview_all_events(p, done.behaviours)
        [(video, prev)] = found.parts
        assert "1 behaviour event(s) to import (gaze away)" in prev.summary()
        assert ix.commit_import(p, prev) == []  # no coded events: the behaviour events went to their own table
        assert [(x.name, x.key, x.kind) for x in p.behaviours()] == [("gaze away", "g", "state")]
        again = ix.preview_import(p, done.behaviours, video.id)  # one video, the same file: already there
        assert (again.behaviour_rows, again.behaviour_duplicates) == ([], 1)
    assert behaviour_coding(b) == [("alice", 50, 60, "")]


def test_rows_past_the_end_are_named_and_nothing_is_imported_unless_confirmed(tmp_path: Path) -> None:
    a, b = copy_without_behaviours(tmp_path)
    f = tmp_path / "x_behaviours.csv"
    f.write_text("video,behaviour,kind,onset_frame,offset_frame,coder\n"
                 "clip.avi,nod,point,10,10,carol\nclip.avi,nod,point,900,900,carol\n", encoding="utf-8")
    with Project.open(b) as p:
        prev = ix.preview_import(p, f, p.videos()[0].id)
        assert len(prev.behaviour_rows) == 1 and "past the end of clip.avi" in str(prev.skipped[0])
        with pytest.raises(InputError, match="row 3: frames 900-900: past the end"):
            ix.commit_import(p, prev)
        assert p.behaviours() == []
        ix.commit_import(p, prev, skip_bad=True)
    assert behaviour_coding(b) == [("carol", 10, 10, "")]
