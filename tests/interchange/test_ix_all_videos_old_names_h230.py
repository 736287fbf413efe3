"""An all-videos events CSV written before a video was renamed names it by its old name: the import takes those
rows into the video the project knows the name from (Project.old_names), with a note naming the mapping; it refused
the whole file ("names video(s) not in …: smile_man.mp4; nothing imported") while `--video smile_man.mp4` was taken
(audit a99 finding 2, h230 item 1). The app's Import events uses the same preview_all_events."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.errors import InputError
from merstudio.interchange import export_all_events, preview_all_events
from merstudio.project import Behaviour, BehaviourEvent, Event, Project


def _renamed_after_export(tmp_path: Path) -> tuple[Path, Path]:
    """A project of a.avi and smile_man.avi, each with an event (and a behaviour event on smile_man), exported to
    all.csv; then smile_man.avi renamed P01.avi (found by its content: its old name kept) and the events removed
    (the file's come back)."""
    proj = tmp_path / "p.merproj"
    with Project.create(proj) as p:
        a = p.add_video(tiny_video(tmp_path / "a.avi", n=40), fps=30.0, frame_count=40, width=64, height=48)
        s = p.add_video(tiny_video(tmp_path / "smile_man.avi", n=45), fps=30.0, frame_count=45, width=64, height=48)
        p.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="bob"),
                      Event(s.id, 17, 30, 35, emotion="happiness", coder="bob")])
        nod = p.add_behaviour(Behaviour("nod", kind="point"))
        assert nod.id is not None
        p.add_behaviour_event(BehaviourEvent(s.id, nod.id, 20, 20, coder="bob"))
        export_all_events(p, tmp_path / "all.csv")
        for e in p.events():
            assert e.id is not None
            p.delete_event(e.id)
        for b in p.behaviour_events():
            assert b.id is not None
            p.delete_behaviour_event(b.id)
    (tmp_path / "smile_man.avi").rename(tmp_path / "P01.avi")
    with Project.open(proj) as p, pytest.warns(UserWarning, match="found renamed"):
        assert p.locate_video(2) == tmp_path / "P01.avi"
    with Project.open(proj, read_only=True) as p:
        assert p.video(2).name == "P01.avi" and p.old_names(2) == ["smile_man.avi"]
    return proj, tmp_path / "all.csv"


def test_rows_naming_a_video_by_its_old_name_are_its_own(tmp_path: Path) -> None:
    proj, csv = _renamed_after_export(tmp_path)
    with Project.open(proj, read_only=True) as p:
        found = preview_all_events(p, csv)
        assert found.unknown == []
        assert [(v.name, [(e.video_id, e.onset) for e in prev.events]) for v, prev in found.parts] == [
            ("a.avi", [(1, 3)]), ("P01.avi", [(2, 17)])]
        note = "all.csv: its rows of 'smile_man.avi' are video 2's, P01.avi now (found renamed or relinked since)"
        assert note in dict((v.name, prev) for v, prev in found.parts)["P01.avi"].notes
        assert found.lines() == ["a.avi: 1 new", "P01.avi (smile_man.avi in the file): 1 new"]
        beside = preview_all_events(p, tmp_path / "all_behaviours.csv")  # the behaviour events written beside it
        assert beside.unknown == []
        assert [(v.name, [r[3].onset for r in prev.behaviour_rows]) for v, prev in beside.parts] == [
            ("P01.avi", [20])]


def test_the_cli_imports_an_all_videos_file_of_old_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, csv = _renamed_after_export(tmp_path)
    code, out, err = run(capsys, "convert", "--project", proj, "--import", csv, "--video", "all")
    assert code == 0, err
    assert "its rows of 'smile_man.avi' are video 2's, P01.avi now" in err
    assert "imported 1 into video 1 (a.avi); 1 into video 2 (P01.avi)" in out
    with Project.open(proj, read_only=True) as p:
        assert [(e.video_id, e.onset) for e in p.events()] == [(1, 3), (2, 17)]


def test_a_file_naming_one_video_by_its_old_and_its_new_name_is_refused(tmp_path: Path) -> None:
    proj, csv = _renamed_after_export(tmp_path)
    rows = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join([*rows, *(r.replace("smile_man.avi", "P01.avi") for r in rows[1:])]) + "\n",
                   encoding="utf-8")
    with Project.open(proj, read_only=True) as p, \
            pytest.raises(InputError, match=r"names video 2 by 2 names, P01.avi, smile_man.avi \(renamed meanwhile\)"):
        preview_all_events(p, csv)
