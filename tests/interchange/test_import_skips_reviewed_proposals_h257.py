"""The rule of h248 the other way round: a file's OPEN model proposal on the interval of a proposal this project
reviewed already (accepted or rejected, merstudio.project.review) is not imported, the review stands, and the preview
says so (h257; before, it landed open beside bob's rejection, to be reviewed again)."""

from __future__ import annotations

import pytest

from merstudio.errors import InputError
from merstudio.interchange import Media, commit_import, preview_import, write_events_csv
from merstudio.project import Event


def _proposal(vid: int, on: int, off: int, face: int = 0) -> Event:
    return Event(vid, on, (on + off) // 2, off, face_id=face, emotion="surprise", aus="1+2", coder="model",
                 source="model", status="proposal")


def _file(tmp_path, evs: list[Event]):
    return write_events_csv(evs, tmp_path / "A.events.csv", Media("clip.mp4", fps=30.0))


def _shape(evs: list[Event]) -> list[tuple]:
    return sorted((e.face_id, e.onset, e.offset, e.status, e.coder) for e in evs)


def test_open_proposal_reviewed_here_is_skipped_and_said(project, tmp_path):
    vid = project.videos()[0].id
    project.add_events([Event(vid, 60, 62, 65, emotion="surprise", aus="1+2", coder="bob", source="model",
                              status="rejected"),  # bob rejected the model's 60-65
                        Event(vid, 20, 22, 25, emotion="surprise", aus="1", coder="bob", source="manual",
                              status="accepted")])  # bob's own coding: no review of a proposal
    src = _file(tmp_path, [_proposal(vid, 60, 65), _proposal(vid, 61, 66, face=1), _proposal(vid, 20, 25),
                           _proposal(vid, 80, 90)])
    prev = preview_import(project, src, vid)
    assert [(e.face_id, e.onset) for e in prev.reviewed_here] == [(0, 60)]
    assert "1 open proposal in the file skipped: reviewed here already" in prev.summary()
    commit_import(project, prev)
    assert _shape(project.events(vid)) == [
        (0, 20, 25, "accepted", "bob"), (0, 20, 25, "proposal", "model"), (0, 60, 65, "rejected", "bob"),
        (0, 80, 90, "proposal", "model"), (1, 61, 66, "proposal", "model")]


def test_file_of_reviewed_proposals_only_is_refused_in_one_line(project, tmp_path):
    vid = project.videos()[0].id
    project.add_events([Event(vid, 10, 12, 15, emotion="happiness", aus="12", coder="bob", source="model",
                              status="accepted")])
    before = _shape(project.events(vid))
    src = _file(tmp_path, [_proposal(vid, 10, 16), _proposal(vid, 11, 15)])
    prev = preview_import(project, src, vid)
    assert "2 open proposals in the file skipped: reviewed here already" in prev.summary()
    assert prev.file_coders == []  # the app's preview offered to record the model as having coded the video
    with pytest.raises(InputError, match="nothing to import: 2 open proposals in the file skipped: reviewed here "
                                         "already") as err:
        commit_import(project, prev)
    assert "\n" not in str(err.value)
    assert _shape(project.events(vid)) == before
    assert "model" not in project.coded_by(vid)


def test_a_review_the_import_replaces_covers_nothing(project, tmp_path):
    """Replace: bob's corrected file drops his rejection of 40-49; the model's proposal there is open again."""
    vid = project.videos()[0].id
    project.add_events([Event(vid, 40, 44, 49, emotion="anger", aus="4", coder="bob", source="model",
                              status="rejected")])
    src = _file(tmp_path, [Event(vid, 10, 12, 15, emotion="anger", aus="4", coder="bob", source="model",
                                 status="rejected"), _proposal(vid, 41, 49)])
    prev = preview_import(project, src, vid, replace=True)
    assert prev.reviewed_here == [] and "reviewed here already" not in prev.summary()
    commit_import(project, prev)
    assert _shape(project.events(vid)) == [(0, 10, 15, "rejected", "bob"), (0, 41, 49, "proposal", "model")]
