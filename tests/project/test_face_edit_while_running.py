"""A face edit on a run still running is refused in the store (the app's Redo of a merge during a re-run, the CLI):
it changed the rows stored so far while the rows still to come kept the tracker's ids, and recorded the edit as
made. The thread storing the run's rows may still edit (a re-run repeating the coder's edits once its rows are in)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from merstudio.errors import InputError
from merstudio.project import Project


def _shots(start: int, stop: int) -> list[dict]:
    """One person in two shots: face 0 in frames 0-4, face 1 from frame 5."""
    return [{"frame": i, "face_id": 0 if i < 5 else 1, "timestamp": i / 30, "confidence": 0.9, "success": 1,
             "AU12_r": 0.1 * i} for i in range(start, stop)]


def _in_thread(fn: Callable[[], Any]) -> Any:
    """``fn`` run in another thread (the analysis worker's); its result or its exception."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            out.append(exc)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0]


@pytest.fixture
def running(tmp_path, video_file):
    """A video whose active run this (the test's) thread is storing: 10 of its frames so far."""
    with Project.create(tmp_path / "p.merproj") as proj:
        vid = proj.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        aid = proj.begin_analysis(vid, {})
        proj.append_frames(aid, _shots(0, 10))
        yield proj, vid, aid


def test_a_merge_or_split_from_another_thread_is_refused_while_the_run_is_stored(running):
    proj, vid, aid = running
    for edit in (lambda: proj.merge_faces(vid, 0, 1), lambda: proj.split_face(vid, 1, 7)):
        err = _in_thread(edit)  # the app's Redo on the GUI thread while the worker stores the run
        assert isinstance(err, InputError) and "its analysis is running" in str(err), err
        assert "\n" not in str(err)
    assert sorted(proj.face_spans(vid)) == [0, 1]
    assert "face_edits" not in proj.analysis(vid).settings
    proj.append_frames(aid, _shots(10, 40))
    proj.finish_analysis(aid)
    change = _in_thread(lambda: proj.merge_faces(vid, 0, 1))  # finished: anyone's to edit
    assert not isinstance(change, Exception), change
    assert sorted(proj.face_spans(vid)) == [0]


def test_the_thread_storing_the_run_may_edit_its_faces(running):
    proj, vid, aid = running
    proj.merge_faces(vid, 0, 1)  # a re-run repeating the coder's merges once its rows are in
    assert sorted(proj.face_spans(vid)) == [0]
    assert proj.analysis(vid).settings["face_edits"][0]["op"] == "merge"


def test_a_run_whose_finish_failed_is_nobodys_to_wait_for(running, monkeypatch):
    """finish_analysis raising (the project itself failing) still lets go of the run: its faces are not refused
    'until it has finished' for the rest of the session."""
    proj, vid, aid = running

    def broken(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(proj, "_finish", broken)
    with pytest.raises(OSError):
        proj.finish_analysis(aid, "failed")
    monkeypatch.undo()
    change = _in_thread(lambda: proj.merge_faces(vid, 0, 1))
    assert not isinstance(change, Exception), change
