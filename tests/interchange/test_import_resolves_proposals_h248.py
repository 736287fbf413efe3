"""An import of reviewed events (a colleague's accepted and rejected model proposals) into a video analysed already
resolves the open proposals they cover, by the rule a re-run of the analysis drops its new proposals by
(merstudio.project.review): the events are the same whichever came first (h248; before, the proposals stayed open
beside their reviewed copies and were counted as still to review). A coder's own events are never touched."""

from __future__ import annotations

from collections import Counter

from merstudio.cli.main import main
from merstudio.interchange import Media, commit_import, preview_import, write_events_csv
from merstudio.project import Event, Project
from merstudio.project.review import unreviewed_proposals


def _proposal(vid: int, on: int, off: int, face: int = 0, aus: str = "12") -> Event:
    return Event(vid, on, (on + off) // 2, off, face_id=face, emotion="happiness", aus=aus, coder="model",
                 source="model", status="proposal")


def _run(vid: int) -> list[Event]:
    """What an analysis of the video proposes (the same each time)."""
    return [_proposal(vid, 10, 17), _proposal(vid, 40, 49, aus="4"), _proposal(vid, 70, 75),
            _proposal(vid, 10, 17, face=1)]


def _file(tmp_path, vid: int, with_open: bool = True):
    """A colleague's export: 10-17 accepted (AUs edited), 40-49 rejected (onset nudged to 41), a coded event of
    their own on 70-75 (coding, not a review: the proposal there stays), the open proposal on face 1 as it was
    (``with_open``: its coder "model" is then one of the file's, whose events a Replace replaces)."""
    evs = [Event(vid, 10, 13, 17, emotion="happiness", aus="L12+R6", coder="aud", source="model", status="accepted"),
           Event(vid, 41, 45, 49, emotion="anger", aus="4", coder="aud", source="model", status="rejected"),
           Event(vid, 70, 72, 75, emotion="surprise", aus="1+2", coder="aud", source="manual", status="accepted"),
           *([_proposal(vid, 10, 17, face=1)] if with_open else [])]
    return write_events_csv(evs, tmp_path / "A.events.csv", Media("clip.mp4", fps=30.0))


def _own(vid: int) -> list[Event]:
    """The coder's own events here: one of status proposal on 40-49 (an events CSV's), one accepted on 10-17."""
    return [Event(vid, 40, 44, 49, emotion="anger", aus="4", coder="bob", source="manual", status="proposal"),
            Event(vid, 10, 12, 17, emotion="happiness", aus="12", coder="bob", source="manual", status="accepted")]


def _shape(evs: list[Event]) -> Counter:
    return Counter((e.face_id, e.onset, e.offset, e.status, e.source, e.coder, e.aus) for e in evs)


def test_import_after_analysis_resolves_covered_proposals(project, tmp_path):
    vid = project.videos()[0].id
    project.add_events(_own(vid))
    project.replace_proposals(vid, _run(vid))  # analysed
    src = _file(tmp_path, vid)
    prev = preview_import(project, src, vid)
    assert [(e.onset, e.offset, e.face_id) for e in prev.resolves] == [(10, 17, 0), (40, 49, 0)]
    assert "2 open proposals replaced by the imported reviewed events" in prev.summary()
    commit_import(project, prev)
    after = project.events(vid)
    open_model = sorted((e.face_id, e.onset, e.offset) for e in after if e.status == "proposal"
                        and e.source == "model")
    assert open_model == [(0, 70, 75), (1, 10, 17)]  # a coded event is no review; another face is another face
    assert _shape(_own(vid)) <= _shape(after)  # the coder's own events, the open one too, untouched

    # the other order: the file imported first, then the same analysis (the re-run's rule drops what it covers)
    with Project.create(tmp_path / "other.merproj") as other:
        v2 = other.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=100, width=64, height=48).id
        other.add_events(_own(v2))
        commit_import(other, preview_import(other, src, v2))
        other.replace_proposals(v2, unreviewed_proposals(_run(v2), other.events(v2)))
        assert _shape(other.events(v2)) == _shape(after)


def test_cli_import_resolves_and_says_so(project, tmp_path, capsys):
    vid = project.videos()[0].id
    project.replace_proposals(vid, _run(vid))
    src = _file(tmp_path, vid)
    project.close()
    proj = str(tmp_path / "study.merproj")
    # --status accepted: the rejected copy is left out, so its proposal stays open
    assert main(["convert", "--project", proj, "--import", str(src), "--status", "accepted"]) == 0
    assert "1 open proposal replaced by the imported reviewed events" in capsys.readouterr().err
    with Project.open(proj) as p:
        assert sorted((e.onset, e.offset) for e in p.events(vid) if e.status == "proposal" and e.face_id == 0) == \
            [(40, 49), (70, 75)]
    assert main(["convert", "--project", proj, "--import", str(src)]) == 0  # the rest of the file
    assert "1 open proposal replaced by the imported reviewed events" in capsys.readouterr().err
    with Project.open(proj) as p:
        assert sorted((e.onset, e.offset) for e in p.events(vid) if e.status == "proposal" and e.face_id == 0) == \
            [(70, 75)]


def test_replace_import_resolves_too(project, tmp_path):
    vid = project.videos()[0].id
    project.replace_proposals(vid, _run(vid))
    project.add_events([Event(vid, 70, 72, 75, emotion="surprise", aus="1", coder="aud", source="manual")])
    prev = preview_import(project, _file(tmp_path, vid, with_open=False), vid, replace=True)
    assert [(e.onset, e.offset) for e in prev.replaces] == [(70, 75)]  # aud's own coding: replaced by the file's
    assert [(e.onset, e.offset) for e in prev.resolves] == [(10, 17), (40, 49)]
    commit_import(project, prev)
    assert sorted((e.onset, e.offset, e.face_id) for e in project.events(vid, status="proposal")) == \
        [(10, 17, 1), (70, 75, 0)]


def test_cli_done_line_says_it_one_video_and_all_videos(project, tmp_path, capsys):
    vid = project.videos()[0].id
    project.replace_proposals(vid, _run(vid))
    src = _file(tmp_path, vid)
    project.close()
    proj = str(tmp_path / "study.merproj")
    assert main(["convert", "--project", proj, "--import", str(src), "--video", "all"]) == 0
    out = capsys.readouterr().out
    assert "2 open proposals replaced by the imported reviewed events" in out, out
    with Project.open(proj) as p:
        assert sorted((e.onset, e.offset) for e in p.events(vid) if e.status == "proposal" and e.face_id == 0) == \
            [(70, 75)]
        p.replace_proposals(vid, _run(vid))  # open again beside their reviews, as the old import left them
    # the same file again: its reviews are here, beside open proposals (an import before h248): resolved now
    assert main(["convert", "--project", proj, "--import", str(src)]) == 0
    out = capsys.readouterr().out
    assert "imported 0 event(s)" in out and "2 open proposals replaced by the imported reviewed events" in out, out
