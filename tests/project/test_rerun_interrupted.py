"""A re-run that dies part-way never replaces the complete run it was re-doing: on the writer's next open the
interrupted run is set aside (kept, inactive) and the complete one is the active run again; a re-run that failed
is set right by ``restore_complete_run`` (the GUI calls it). A first run interrupted stays active."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from project_rows import rows

from merstudio.project import Event, Project


def _complete_run(proj: Project, vid: int, n: int = 40) -> int:
    aid = proj.begin_analysis(vid, {"run": "first"})
    proj.append_frames(aid, rows(n))
    proj.finish_analysis(aid)
    return aid


def _killed_rerun(path, vid: int, n: int) -> None:
    """A re-run in another process, killed (-9) after storing `n` frames."""
    code = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
        from project_rows import rows
        from merstudio.project import Project
        proj = Project.open({str(path)!r})
        aid = proj.begin_analysis({vid}, {{"run": "second"}})
        proj.append_frames(aid, rows({n}))
        os.kill(os.getpid(), signal.SIGKILL)
        """)
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == -9


def test_an_interrupted_rerun_gives_the_complete_run_back(project: Project):
    path, vid = project.path, project.videos()[0].id
    first = project.analysis(vid).id
    project.close()
    _killed_rerun(path, vid, 6)
    with Project.open(path) as proj:
        a = proj.analysis(vid)
        assert (a.id, a.status) == (first, "complete"), "the interrupted re-run replaced the complete run"
        assert proj.frame_count_stored(vid) == 40
        prev = proj.previous_analysis(vid)
        assert prev is not None and prev.status == "interrupted" and not prev.active  # kept, as a record
        assert proj.interrupted_analyses == [prev.id]
        assert proj.restored_analyses == {vid: first}
        # the next re-run replaces the interrupted one, and keeps the complete one to undo to
        aid = proj.begin_analysis(vid)
        assert proj.previous_analysis(vid).id == first
        assert {r[0] for r in proj._query("SELECT id FROM analyses")} == {first, aid}
        proj.finish_analysis(aid)
    with Project.open(path) as proj:  # nothing more to set right
        assert proj.restored_analyses == {} and proj.analysis(vid).id == aid


def test_a_first_run_interrupted_stays_active(tmp_path, video_file):
    path = tmp_path / "first.merproj"
    with Project.create(path) as proj:
        vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
    _killed_rerun(path, vid, 6)
    with Project.open(path) as proj:
        a = proj.analysis(vid)
        assert a is not None and a.status == "interrupted" and proj.frame_count_stored(vid) == 6
        assert proj.restored_analyses == {}


def test_restore_complete_run_after_a_failed_rerun(project: Project):
    vid = project.videos()[0].id
    first = project.analysis(vid).id
    before = project.proposals(vid)
    aid = project.begin_analysis(vid)
    project.append_frames(aid, rows(6))
    removed, _ = project.swap_proposals(vid, [Event(vid, 1, 2, 3, source="model", status="proposal")])
    project.finish_analysis(aid, "failed")
    assert project.restore_complete_run(vid, removed) == first
    assert project.analysis(vid).id == first and project.frame_count_stored(vid) == 40
    assert project.previous_analysis(vid).id == aid
    assert [(e.id, e.onset) for e in project.proposals(vid)] == [(e.id, e.onset) for e in before]
    assert project.restore_complete_run(vid) is None  # the active run is complete: nothing to do
