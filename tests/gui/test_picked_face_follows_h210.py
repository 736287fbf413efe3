"""The face the coder picked in the face list follows its person through a re-run that numbers the people otherwise,
as the events coded on them do (h204), and back through the re-run's undo and redo; where the re-run left that
person out, the face nearest their box at the play head is shown (h210: on swap.mp4 the picker stayed on face 1,
another person after the re-run, while the event went to face 2)."""

from __future__ import annotations

import pytest
from gui_fixtures import FakeAnalysis
from helpers import open_and_analyse

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

FAR = 300  # the third person's box: this far right of the person on the left


class People(FakeAnalysis):
    """Two people side by side from frame 2 (FakeAnalysis' video call: faces 1 and 2, face 2 on the right). ``swap``:
    the tracker numbers them the other way round. ``third``: the person on the right is not analysed; a third, far
    right, is face 5 on every frame (seen most)."""

    swap = False
    third = False

    def __init__(self, source, settings):
        super().__init__(source, settings)
        self.pair_at = 2

    def rows(self, progress=None, cancel=None):
        for row in super().rows(progress, cancel):
            if self.third:
                if row["face_id"] == 2:
                    continue
                if row["face_id"] == -1:  # FakeAnalysis' faceless first frames: face 5 is there already
                    row = {**row, "face_id": 5, "success": 1, "confidence": 0.9}
                    row.update({f"x_{k}": 80.0 + FAR + 25 * (k % 2) for k in range(468)})
                    row.update({f"y_{k}": 60.0 + 30 * (k % 2) for k in range(468)})
                    yield row
                    continue
                yield row
                if row["face_id"] == 1:
                    yield {**row, "face_id": 5, **{f"x_{k}": row[f"x_{k}"] + FAR for k in range(468)}}
                continue
            yield {**row, "face_id": 3 - row["face_id"]} if self.swap and row["face_id"] in (1, 2) else row

    def spots(self):
        return []


@pytest.fixture
def people(qtbot, qsettings):
    from merstudio.gui.main_window import MainWindow

    People.swap = People.third = False
    win = MainWindow(qsettings=qsettings, make_analysis=lambda src, settings: People(src, settings))
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    yield win
    People.swap = People.third = False
    win.shutdown()


def _rerun(qtbot, win) -> None:
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert not win.errors, win.errors


def _shown(win) -> tuple:
    """The face the face list, the timeline's curves and the video's bold box show."""
    return win.selected_face(), win.timeline.face, win.video_view.selected_face


def test_the_picked_face_follows_its_person_through_a_rerun_its_undo_and_redo(qtbot, people, video_path, tmp_path):
    win = people
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "two.merproj"))
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    vid = win.video.id
    win.pick_face(2)  # the person on the right
    assert win.ctx.execute(C.GoToFrame, frame=20), win.errors
    assert _shown(win) == (2, 2, 2)
    People.swap = True  # the re-run calls the person on the right face 1, the one on the left face 2
    _rerun(qtbot, win)
    assert sorted(win.project.face_spans(vid)) == [1, 2]
    assert _shown(win) == (1, 1, 1)  # was face 2: the person on the left now
    win.undo_stack.undo()  # the run before: the right person is face 2 again
    assert _shown(win) == (2, 2, 2)
    win.undo_stack.redo()
    assert _shown(win) == (1, 1, 1)
    assert not win.errors, win.errors


def test_a_picked_person_the_rerun_left_out_gives_the_face_nearest_them(qtbot, people, video_path, tmp_path):
    """The re-run does not analyse the person on the right: the face list shows the one beside them at the play
    head (face 1, on the left), not the face seen most (face 5, far right), nor keeps a number no face has."""
    win = people
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "two.merproj"))
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    vid = win.video.id
    win.pick_face(2)
    assert win.ctx.execute(C.GoToFrame, frame=20), win.errors
    People.third = True
    _rerun(qtbot, win)
    assert sorted(win.project.face_spans(vid)) == [1, 5]
    assert win.buffer.main_face() == 5
    assert _shown(win) == (1, 1, 1)
    win.undo_stack.undo()  # the run before has the right person: face 2 again
    assert _shown(win) == (2, 2, 2)
    assert not win.errors, win.errors
