"""A re-run's proposals are stored with its status, in one transaction (Project.finish_analysis(proposals=...)): a
fault or a kill between the two left the complete run, given back on the next open, with the dead re-run's
proposals and its own gone."""

from __future__ import annotations

import pytest
from project_rows import rows
from support.dying_connection import KillAt, Killed

from merstudio.project import Event, Project


def _proposal(vid: int, onset: int, emotion: str) -> Event:
    return Event(vid, onset, onset + 2, onset + 5, source="model", status="proposal", coder="model", emotion=emotion)


def _open_proposals(proj: Project, vid: int) -> list[tuple[int, str]]:
    return [(e.onset, e.emotion) for e in proj.proposals(vid)]


@pytest.fixture
def rerun(project: Project):
    """The fixture's complete run (one open proposal, at 33) and a re-run of it with all its rows stored."""
    vid = project.videos()[0].id
    aid = project.begin_analysis(vid)
    project.append_frames(aid, rows(40))
    return project, vid, aid


def test_finish_stores_the_proposals_with_the_status(rerun):
    proj, vid, aid = rerun
    first = _open_proposals(proj, vid)
    removed, stored = proj.finish_analysis(aid, "complete", found={"turned": 90},
                                           proposals=[_proposal(vid, 10, "run2")])
    assert [(e.onset, e.emotion) for e in removed] == first and first == [(33, "")]
    assert [(e.onset, e.emotion) for e in stored] == _open_proposals(proj, vid) == [(10, "run2")]
    a = proj.analysis(vid)
    assert (a.id, a.status, a.settings["turned"]) == (aid, "complete", 90)
    assert proj.finish_analysis(aid, "complete") is None  # no proposals: none swapped


def test_a_kill_before_the_status_leaves_the_old_proposals_and_gives_the_complete_run_back(rerun):
    proj, vid, aid = rerun
    first_run, first = proj.previous_analysis(vid).id, _open_proposals(proj, vid)
    con = proj._con
    proj._con = KillAt(con, "UPDATE analyses SET status")
    with pytest.raises(Killed):
        proj.finish_analysis(aid, "complete", proposals=[_proposal(vid, 10, "run2")])
    proj._con = con
    assert _open_proposals(proj, vid) == first, "the proposals were swapped without the status"
    a = proj.analysis(vid)
    assert (a.id, a.status) == (aid, "running")
    path = proj.path
    proj.close()
    with Project.open(path) as again:  # the writer's open after the kill
        assert again.restored_analyses == {vid: first_run}
        assert again.analysis(vid).id == first_run
        assert _open_proposals(again, vid) == first
