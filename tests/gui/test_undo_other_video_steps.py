"""The undo history is the project's (docs/gui.md, Ctrl+Z): a step made on another video opens that video and the
status bar names it. Coded events did; a behaviour event and a face split or merge were undone out of sight (the
video shown stayed, the status said only "Undone: gaze away at 30", the change on the other video was gone unseen:
their commands named no video)."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video

from merstudio.gui import commands as C
from merstudio.gui.behaviours import CodeBehaviour
from merstudio.gui.faces import MergeFaces, SplitFace
from merstudio.gui.video_list import SelectVideo
from merstudio.project import Behaviour

pytestmark = pytest.mark.gui


@pytest.fixture
def two_videos(qtbot, window, video_path, tmp_path):
    """A project with clip.avi (analysed: face 0 on frames 2-89) and second.avi, clip.avi shown."""
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    first = win.video
    assert win.project.face_spans(first.id) == {0: (2, 89, 88)}
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    second = win.video
    assert second.id != first.id
    _show(qtbot, win, first.id)
    return win, first, second


def _show(qtbot, win, video_id):
    assert win.ctx.execute(SelectVideo, video_id=video_id)
    qtbot.waitUntil(lambda: win.video.id == video_id and win.buffer is not None, timeout=20000)


def _undo_from_the_other_video(qtbot, win, first, second, text):
    """Show the other video and undo: the step's video opens, and the status bar names it."""
    _show(qtbot, win, second.id)
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: win.video.id == first.id, timeout=20000)
    assert win.statusBar().currentMessage() == f"Undone: {text} (on {first.name})"


def test_undo_of_a_behaviour_event_opens_its_video(qtbot, two_videos):
    win, first, second = two_videos
    gaze = win.behaviours.add(Behaviour("gaze away", key="G", kind="point"))
    assert win.ctx.execute(CodeBehaviour, behaviour_id=gaze.id, frame=30)
    assert [e.onset for e in win.project.behaviour_events(first.id)] == [30]
    _undo_from_the_other_video(qtbot, win, first, second, "gaze away at 30")
    assert win.project.behaviour_events(first.id) == []
    _show(qtbot, win, second.id)
    win.undo_stack.redo()
    qtbot.waitUntil(lambda: win.video.id == first.id, timeout=20000)
    assert win.statusBar().currentMessage() == f"Redone: gaze away at 30 (on {first.name})"
    assert [e.onset for e in win.project.behaviour_events(first.id)] == [30]


def test_undo_of_a_face_split_and_merge_opens_their_video(qtbot, two_videos):
    win, first, second = two_videos
    assert win.ctx.execute(SplitFace, face=0, at=30)
    split = {0: (2, 29, 28), 1: (30, 89, 60)}  # the clip's face from frame 2, the new one from frame 30 on
    assert win.project.face_spans(first.id) == split
    _undo_from_the_other_video(qtbot, win, first, second, "Split face 0 at frame 30")
    assert win.project.face_spans(first.id) == {0: (2, 89, 88)}
    win.undo_stack.redo()
    assert win.project.face_spans(first.id) == split
    assert win.ctx.execute(MergeFaces, keep=0, merged=1)
    assert win.project.face_spans(first.id) == {0: (2, 89, 88)}
    _undo_from_the_other_video(qtbot, win, first, second, "Merge face 1 into face 0")
    assert win.project.face_spans(first.id) == split
    assert not win.errors
