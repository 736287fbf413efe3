"""The face the coder picked in the face list follows its person through a re-run that numbers the people otherwise,
as the events coded on them do (h204), and back through the re-run's undo and redo; where the re-run left that
person out, the face nearest their box at the play head is shown (h210: on swap.mp4 the picker stayed on face 1,
another person after the re-run, while the event went to face 2)."""

from __future__ import annotations

import pytest
from gui_fixtures import People, people_window, rerun_people

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


@pytest.fixture
def people(qtbot, qsettings, video_path, tmp_path):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        yield win


def _shown(win) -> tuple:
    """The face the face list, the timeline's curves and the video's bold box show."""
    return win.selected_face(), win.timeline.face, win.video_view.selected_face


def test_the_picked_face_follows_its_person_through_a_rerun_its_undo_and_redo(qtbot, people):
    win = people  # the person on the right (face 2) picked
    vid = win.video.id
    assert win.ctx.execute(C.GoToFrame, frame=20), win.errors
    assert _shown(win) == (2, 2, 2)
    People.swap = True  # the re-run calls the person on the right face 1, the one on the left face 2
    rerun_people(qtbot, win)
    assert sorted(win.project.face_spans(vid)) == [1, 2]
    assert _shown(win) == (1, 1, 1)  # was face 2: the person on the left now
    win.undo_stack.undo()  # the run before: the right person is face 2 again
    assert _shown(win) == (2, 2, 2)
    win.undo_stack.redo()
    assert _shown(win) == (1, 1, 1)
    assert not win.errors, win.errors


def test_a_picked_person_the_rerun_left_out_gives_the_face_nearest_them(qtbot, people):
    """The re-run does not analyse the person on the right: the face list shows the one beside them at the play
    head (face 1, on the left), not the face seen most (face 5, far right), nor keeps a number no face has."""
    win = people
    vid = win.video.id
    assert win.ctx.execute(C.GoToFrame, frame=20), win.errors
    People.third = True
    rerun_people(qtbot, win)
    assert sorted(win.project.face_spans(vid)) == [1, 5]
    assert win.buffer.main_face() == 5
    assert _shown(win) == (1, 1, 1)
    win.undo_stack.undo()  # the run before has the right person: face 2 again
    assert _shown(win) == (2, 2, 2)
    assert not win.errors, win.errors
