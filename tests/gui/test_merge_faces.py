"""Analysis > Merge faces: one person cut from one shot to another is two face ids until the coder merges them;
the curves, face list and events then know one face; undo splits them; a re-run repeats the merge."""

import pytest
from gui_fixtures import N_FRAMES, SPOTS, FakeAnalysis
from helpers import open_and_analyse
from PySide6.QtWidgets import QInputDialog

from merstudio.gui import commands as C
from merstudio.gui.events_table import COLUMNS
from merstudio.gui.faces import MergeFaces

pytestmark = pytest.mark.gui


def _faces(win) -> list[str]:
    return [win.face_combo.itemText(i) for i in range(win.face_combo.count())]


def _table_faces(win) -> list[int]:
    model = win.table.model_
    return sorted(model.data(model.index(r, COLUMNS.index("face"))) for r in range(model.rowCount()))


@pytest.fixture
def two_shots(qtbot, window, video_path, monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "cut_at", 40)  # face 0 on frames 2-39 (a proposal at 20-28), face 1 after
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert _faces(window) == ["0  (38 frames)", "1  (50 frames)"] and window.selected_face() == 1
    assert _table_faces(window) == [0, 1]
    return window


def test_merging_two_shots_of_one_person_gives_one_face_and_undo_splits_them(qtbot, two_shots, monkeypatch):
    win = two_shots
    asked = []

    def pick(parent, title, label, items, current, editable):
        asked.append((label, list(items)))
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    assert win.ctx.execute(MergeFaces)
    assert asked[0][1] == ["0  (38 frames)"] and "into face 1 (the face shown)" in asked[0][0]
    assert _faces(win) == ["1  (88 frames)"] and win.selected_face() == 1 and win.timeline.face == 1
    au12 = win.timeline.curve_data("AU12_r")
    assert au12[SPOTS[0][1]] > 3  # the first shot's smile is now face 1's
    assert _table_faces(win) == [1, 1]
    assert "Face 0 merged into face 1: one face in 88 frames" in win.statusBar().currentMessage()
    assert win.undo_stack.undoText() == "Merge face 0 into face 1"
    win.undo_stack.undo()
    assert _faces(win) == ["0  (38 frames)", "1  (50 frames)"] and _table_faces(win) == [0, 1]
    assert win.selected_face() == 1
    win.undo_stack.redo()
    assert _faces(win) == ["1  (88 frames)"] and _table_faces(win) == [1, 1]
    frames = win.project.load_frames(win.video.id)
    assert sorted(set(frames["face_id"])) == [-1, 1] and len(frames) == N_FRAMES


def test_a_rerun_merges_again_what_the_coder_merged(qtbot, two_shots):
    win = two_shots
    assert win.ctx.execute(MergeFaces, keep=0, merged=1)  # kept the first shot's id this time
    assert _faces(win) == ["0  (88 frames)"] and win.selected_face() == 0
    assert not win.ctx.execute(MergeFaces, keep=0, merged=1)  # one face left
    assert "nothing to merge" in win.errors[-1]
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert _faces(win) == ["0  (88 frames)"] and _table_faces(win) == [0, 0]
    assert any("faces edited as in the previous run: face 1 into face 0" in w for w in win.analysis.last_warnings)
    win.undo_stack.undo()  # the re-run undone: the merged previous run is back
    assert _faces(win) == ["0  (88 frames)"]


def test_a_video_with_one_face_has_nothing_to_merge(qtbot, window, video_path):
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert not window.ctx.execute(MergeFaces)
    assert "nothing to merge" in window.errors[-1]


def test_a_right_click_on_a_face_offers_to_merge_it_into_the_face_shown(qtbot, two_shots):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QContextMenuEvent

    from merstudio.gui.faces import face_menu

    win = two_shots
    win.overlay_action.setChecked(True)
    win.transport.seek(5)  # face 0's frames; face 1 is shown
    view = win.video_view
    qtbot.waitUntil(lambda: view.frame_index == 5 and bool(view._boxes), timeout=5000)
    (_tid, box, _label, _corner), = view._boxes
    centre = view.mapFromScene(box.sceneBoundingRect().center())
    with qtbot.waitSignal(view.face_menu, timeout=2000) as sig:
        view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, view.mapToGlobal(centre)))
    assert sig.args[0] == 0 and view.face_at(QPointF(centre)) == 0
    assert [a.text() for a in win.face_popup.actions()] == [
        "Show face 0", "Merge face 0 into face 1 (the face shown)",
        "Split face 0: a new face from frame 5 on (another person)"]
    win.face_popup.close()
    menu = face_menu(win, 0)
    show, merge, _split = menu.actions()
    assert merge.text() == "Merge face 0 into face 1 (the face shown)" and merge.isEnabled()
    assert not face_menu(win, 1).actions()[1].isEnabled()  # not into itself
    merge.trigger()
    assert _faces(win) == ["1  (88 frames)"]
    assert view.face_at(QPointF(QPoint(2, 2))) is None


def test_the_face_list_shows_each_faces_picture(qtbot, window, video_path, monkeypatch):
    """Who is who: each face in the list with its largest view in the run (decoded off the GUI thread); after a
    merge the kept face keeps the larger view."""
    monkeypatch.setattr(FakeAnalysis, "cut_at", 40)
    monkeypatch.setattr(FakeAnalysis, "portraits", {0: (10, (10.0, 10.0, 50.0, 50.0)),
                                                    1: (60, (5.0, 5.0, 75.0, 75.0))}, raising=False)
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert window.project.analysis(window.video.id).settings["portraits"] == {
        "0": [10, [10.0, 10.0, 50.0, 50.0]], "1": [60, [5.0, 5.0, 75.0, 75.0]]}
    qtbot.waitUntil(lambda: sorted(window.face_pictures.icons) == [0, 1], timeout=10000)
    assert not window.face_combo.itemIcon(0).isNull() and not window.face_combo.itemIcon(1).isNull()
    picture = window.face_pictures.icons[1].pixmap(56).toImage()
    assert picture.width() == 56
    assert window.ctx.execute(MergeFaces, keep=0, merged=1)
    assert window.project.analysis(window.video.id).settings["portraits"] == {"0": [60, [5.0, 5.0, 75.0, 75.0]]}
    qtbot.waitUntil(lambda: sorted(window.face_pictures.icons) == [0], timeout=10000)
    assert not window.face_combo.itemIcon(0).isNull()
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: sorted(window.face_pictures.icons) == [0, 1], timeout=10000)


def test_no_merge_while_the_analysis_runs(qtbot, two_shots, fake_analysis):
    import threading

    win = two_shots
    fake_analysis.gate = threading.Event()
    assert win.ctx.execute(C.RunAnalysis, settings={})
    assert not win.ctx.execute(MergeFaces, keep=1, merged=0)
    assert "the analysis is running" in win.errors[-1]
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def test_split_face_here_gives_the_rest_a_new_face(qtbot, two_shots):
    from merstudio.gui.faces import SplitFace

    win = two_shots
    win.transport.seek(60)
    qtbot.waitUntil(lambda: win.transport.current_frame == 60, timeout=5000)
    assert win.ctx.execute(SplitFace)  # face 1, shown, from the play head on
    assert _faces(win) == ["0  (38 frames)", "1  (20 frames)", "2  (30 frames)"]
    assert "Face 1 split at frame 60: face 2 from there on" in win.statusBar().currentMessage()
    assert win.undo_stack.undoText() == "Split face 1 at frame 60"
    win.undo_stack.undo()
    assert _faces(win) == ["0  (38 frames)", "1  (50 frames)"]
    assert not win.ctx.execute(SplitFace, face=0, at=2)
    assert "face 0 is seen in frames 2-39" in win.errors[-1]


def test_another_video_without_pictures_shows_none_of_the_last_ones(qtbot, window, video_path, monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "cut_at", 40)
    monkeypatch.setattr(FakeAnalysis, "portraits", {0: (10, (10.0, 10.0, 50.0, 50.0)),
                                                    1: (60, (5.0, 5.0, 75.0, 75.0))}, raising=False)
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    qtbot.waitUntil(lambda: sorted(window.face_pictures.icons) == [0, 1], timeout=10000)
    monkeypatch.setattr(FakeAnalysis, "portraits", {}, raising=False)  # a run stored before portraits were
    other = video_path.with_name("other.avi")
    other.write_bytes(video_path.read_bytes() + b"another file")  # another hash: another video of the project
    open_and_analyse(qtbot, window, other, landmarks=True)
    assert window.video.id != 1 and window.face_combo.count() == 2
    assert window.face_pictures.icons == {}
    assert all(window.face_combo.itemIcon(i).isNull() for i in range(window.face_combo.count()))
