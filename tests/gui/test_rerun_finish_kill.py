"""The analysis worker stores a re-run's proposals with its status, in one transaction: killed between the two (two
transactions until now) the writer's next open gave the complete run back with the dead re-run's proposals, its own
gone from everywhere but the event log."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, H, W
from support.dying_connection import KillAt, Killed

from merstudio.gui.workers import AnalysisWorker
from merstudio.project import Project

pytestmark = pytest.mark.gui


def _worker(proj: Project, vid: int, video_path) -> AnalysisWorker:
    return AnalysisWorker(proj, vid, str(video_path), {"landmarks": True},
                          make_analysis=lambda src, st: FakeAnalysis(src, st), batch_seconds=0.0)


def test_a_rerun_killed_as_it_finishes_leaves_the_complete_run_with_its_proposals(qapp, tmp_path, video_path,
                                                                                  fake_analysis):
    path = tmp_path / "p.merproj"
    proj = Project.create(path)
    vid = proj.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
    _worker(proj, vid, video_path).run()  # in this thread: the worker's run, start to end
    first = proj.analysis(vid)
    assert first is not None and first.status == "complete"
    proposals = [(e.id, e.onset) for e in proj.proposals(vid)]
    assert proposals
    con = proj._con
    proj._con = KillAt(con, "UPDATE analyses SET status")  # killed as the re-run is marked complete
    with pytest.raises(Killed):
        _worker(proj, vid, video_path).run()
    proj._con = con
    assert [(e.id, e.onset) for e in proj.proposals(vid)] == proposals, "the proposals went without the status"
    proj.close()
    with Project.open(path) as again:
        assert again.restored_analyses == {vid: first.id}
        assert again.analysis(vid).id == first.id
        assert [(e.id, e.onset) for e in again.proposals(vid)] == proposals
