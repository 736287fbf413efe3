import threading

import numpy as np
import pytest
from gui_fixtures import AUS, N_FRAMES, SPOTS
from helpers import open_and_analyse

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_analysis_runs_to_end_in_worker(qtbot, window, video_path):
    seen_rows = []
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    worker = window.worker
    worker.rows.connect(lambda rows: seen_rows.append(len(rows)))
    with qtbot.waitSignal(worker.finished_ok, timeout=20000) as sig:
        pass
    assert sig.args == ["complete"]
    qtbot.waitUntil(lambda: window.worker is None)
    vid = window.video.id
    df = window.project.load_frames(vid)
    assert list(df["frame"]) == list(range(N_FRAMES))  # every frame stored, face-less ones as success=0
    assert df.loc[0, "success"] == 0 and df.loc[5, "success"] == 1
    assert window.project.analysis(vid).status == "complete"
    assert "CPU" in window.device_label.text()
    # curves drawn from the results; AU12 peaks at the spots
    au12 = window.timeline.curve_data("AU12_r")
    assert au12 is not None and len(au12) == N_FRAMES
    assert abs(int(np.nanargmax(au12)) - SPOTS[0][1]) <= 1 or abs(int(np.nanargmax(au12)) - SPOTS[1][1]) <= 1
    assert window.timeline.curve_data("p_positive") is not None
    # spotting proposals arrive as events with status proposal
    props = [e for e in window.events if e.status == "proposal"]
    assert [(e.onset, e.apex, e.offset) for e in props] == list(SPOTS)
    assert all(e.source == "model" for e in props)
    assert window.table.model_.rowCount() == len(SPOTS)
    # the overlay reads stored landmarks (the subset) back for the shown frame
    faces = window.project.landmarks(vid, 30)
    assert list(faces) == [0] and faces[0].shape[1] == 2 and 80 < faces[0].shape[0] < 200
    window.transport.seek(30)
    qtbot.waitUntil(lambda: window.video_view.frame_index == 30)
    assert len(window.video_view._overlay.childItems()) == 3  # box, points, id label


def test_curves_grow_live_and_cancel(qtbot, window, video_path, fake_analysis):
    fake_analysis.gate = threading.Event()
    window.analysis.batch_seconds = 0.0  # store and send every row at once: frames 0..10 arrive before the gate
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.ctx.execute(C.RunAnalysis, settings={})
    worker = window.worker
    # rows of frames 0..10 stream in while the analysis is held at frame 11
    qtbot.waitUntil(lambda: window.buffer is not None and window.buffer.frames_done >= 11, timeout=20000)
    qtbot.waitUntil(lambda: window.timeline.curve_data("AU12_r") is not None, timeout=5000)
    y = window.timeline.curve_data("AU12_r")
    assert np.isfinite(y[2:11]).all() and np.isnan(y[12:]).all()
    assert worker.isRunning() and window.progress_bar.isVisible()
    window.ctx.execute(C.CancelAnalysis)
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert worker.status == "cancelled"
    a = window.project.analysis(window.video.id)
    assert a.status == "cancelled"
    assert len(window.project.load_frames(window.video.id)) == 11  # what was computed is kept
    assert not [e for e in window.events if e.status == "proposal"]


def test_analysis_error_is_a_dialog(qtbot, window, video_path, fake_analysis):
    fake_analysis.fail_at = 40
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.errors and "frame 40 cannot be decoded" in window.errors[-1]
    assert window.project.analysis(window.video.id).status == "failed"
    # the app keeps going: a second run works
    fake_analysis.fail_at = None
    window.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.project.analysis(window.video.id).status == "complete"


def test_second_run_while_running_is_refused(qtbot, window, video_path, fake_analysis):
    fake_analysis.gate = threading.Event()
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.ctx.execute(C.RunAnalysis, settings={})
    assert not window.ctx.execute(C.RunAnalysis, settings={})
    assert "already running" in window.errors[-1]
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)


def test_real_pipeline_on_a_face_clip(qtbot, qsettings, tmp_path):
    """The real streaming pipeline in the worker: a face clip's per-frame rows and landmarks, stored in the project."""
    from support.clips import write_clip

    from merstudio.analysis.pipeline import AnalysisSettings
    from merstudio.gui.main_window import MainWindow

    clip = write_clip(tmp_path / "face.avi", n=45)
    win = MainWindow(qsettings=qsettings)
    qtbot.addWidget(win)
    try:
        win.ctx.execute(C.OpenVideo, path=str(clip))
        win.ctx.execute(C.RunAnalysis, settings=AnalysisSettings(landmarks=True))
        qtbot.waitUntil(lambda: win.worker is None, timeout=120000)
        assert not win.errors
        df = win.project.load_frames(win.video.id)
        assert len(df) == 45 and df["success"].sum() >= 40
        assert win.project.landmarks(win.video.id, 10)
    finally:
        win.shutdown()




def test_an_analysis_stored_by_an_earlier_version_is_flagged(qtbot, window, video_path):
    """Runs record the pipeline's revision; a stored run from before it (or an older revision) says so on open,
    with the way to make it again: its AU values may differ from what this version computes."""
    from merstudio.analysis.pipeline import ANALYSIS_REVISION, analysis_revision

    open_and_analyse(qtbot, window, video_path, landmarks=True)
    win = window
    stored = win.project.analysis(win.video.id)
    assert analysis_revision(stored.settings) == ANALYSIS_REVISION
    vid, path = win.video.id, win.project.path
    old = win.project.begin_analysis(vid, {"landmarks": True})  # what runs before revisions recorded
    win.project.finish_analysis(old)
    win.session.close_project()
    assert win.ctx.execute(C.OpenProject, path=str(path))
    msg = win.statusBar().currentMessage()
    assert "earlier merstudio" in msg and "Ctrl+R" in msg, msg
    assert analysis_revision(win.project.analysis(vid).settings) == 1


def test_faces_per_frame_is_chosen_in_the_menu_used_by_the_next_run_and_remembered(qtbot, window, video_path,
                                                                                    qsettings):
    from merstudio.gui.main_window import MainWindow

    def action(win, text):
        return next(a for a in win.faces_menu.actions() if a.text().replace("&", "") == text)

    auto = "Automatic (4 in a video, 16 in a photo)"
    assert action(window, auto).isChecked() and window.analysis.max_faces is None
    action(window, "8").trigger()
    assert "Faces per frame: 8" in window.statusBar().currentMessage()
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.RunAnalysis)
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.project.analysis(window.video.id).settings["max_faces"] == 8
    again = MainWindow(qsettings=qsettings)  # the next session remembers it
    qtbot.addWidget(again)
    try:
        assert again.analysis.max_faces == 8 and action(again, "8").isChecked()
        action(again, auto).trigger()
        assert again.analysis.max_faces is None and not action(again, "8").isChecked()
        third = MainWindow(qsettings=qsettings)
        qtbot.addWidget(third)
        assert third.analysis.max_faces is None
        third.shutdown()
    finally:
        again.shutdown()


def test_a_face_label_names_the_aus_present_in_the_frame(qtbot, window, video_path):
    """The id label over each face box reads the AUs marked present (AUxx_c) in the frame shown, as a coder writes
    them: all faces of a group photo readable at once, not only the one the timeline draws."""
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

    open_and_analyse(qtbot, window, video_path, landmarks=True)

    def label_at(frame: int) -> str:
        window.transport.seek(frame)
        qtbot.waitUntil(lambda: window.video_view.frame_index == frame)
        texts = [c for i in window.video_view._overlay.childItems() for c in [i, *i.childItems()]
                 if isinstance(c, QGraphicsSimpleTextItem)]
        (label,) = texts
        return label.text()

    apex = SPOTS[0][1]
    assert window.analysis.buffer.get(0, "AU12_c")[apex] == 1  # the fake's smile peaks here
    assert label_at(apex) == "face 0  AU 12"
    assert label_at(40) == "face 0"  # between the smiles: nothing present


def test_what_the_run_warns_about_reaches_the_status_bar(qtbot, window, video_path, monkeypatch):
    """A run's warnings (here: the input was analysed turned, a camera mounted upside down) are said when it ends,
    not only written to a file the GUI user never opens."""
    from gui_fixtures import FakeAnalysis

    note = "the faces are upright only with the frames turned 180° clockwise: analysed so"
    monkeypatch.setattr(FakeAnalysis, "warnings", [note], raising=False)
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Analysis complete") and note in msg


def test_turn_video_is_chosen_per_video_in_the_project_and_used_by_its_next_run(qtbot, window, video_path):
    """Analysis > Turn video: a camera mounted upside down is a property of one recording, so the choice is kept
    in the project for that video only (not a preference that would turn the next video too)."""
    from support.clips import write_clip

    def action(text):
        return next(a for a in window.turn_menu.actions() if a.text().replace("&", "") == text)

    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    window.turn_menu.aboutToShow.emit()
    assert action("Automatic").isChecked() and window.analysis.turn() is None
    action("180° clockwise").trigger()
    assert "turn 180° clockwise, from the next analysis on" in window.statusBar().currentMessage()
    assert window.ctx.execute(C.RunAnalysis)
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    first = window.video.id
    assert window.project.analysis(first).settings["turn"] == 180
    other = write_clip(video_path.with_name("other.avi"), n=40)  # another recording (the project knows videos by content)
    assert window.ctx.execute(C.OpenVideo, path=str(other))
    window.turn_menu.aboutToShow.emit()
    assert window.video.id != first and window.analysis.turn() is None and action("Automatic").isChecked()
    assert window.ctx.execute(C.RunAnalysis)
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.project.analysis(window.video.id).settings["turn"] is None
    assert window.project.get_setting(f"analysis_turn/{first}") == 180  # kept with the project


def test_a_run_that_finds_no_face_says_so(qtbot, window, video_path, monkeypatch):
    from gui_fixtures import FakeAnalysis

    monkeypatch.setattr(FakeAnalysis, "faceless", True)
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Analysis complete") and "no face found (faces turned far from the camera" in msg


def test_a_turned_video_is_shown_turned_with_its_overlay(qtbot, window, video_path, monkeypatch):
    """A coder reads an upside-down face badly (the face inversion effect): the picture and its overlay are shown
    turned as the analysis saw them, whether the turn was chosen by hand or found by an automatic run. The
    scene stays in the file's pixels; only the view turns."""
    from gui_fixtures import FakeAnalysis

    view = window.video_view
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert view.turn == 0
    monkeypatch.setattr(FakeAnalysis, "turned", 180, raising=False)  # an automatic run found the faces upside down
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert view.turn == 180 and window.project.analysis(window.video.id).settings["turned"] == 180
    t = view.transform()
    assert t.m11() < 0 and t.m22() < 0 and abs(t.m12()) < 1e-9  # turned half way round, still fitted
    assert view.zoom_level > 0
    window.ctx.execute(C.TurnVideo, turn=90)  # chosen by hand: shown at once
    t = view.transform()
    assert view.turn == 90 and abs(t.m11()) < 1e-9 and t.m12() > 0
    window.ctx.execute(C.TurnVideo, turn=0)
    assert view.turn == 0 and view.transform().m11() > 0


def test_undoing_a_rerun_brings_back_the_turn_its_run_used(qtbot, window, video_path, monkeypatch):
    """The turn an automatic run found is recorded with that run: a re-run that found the faces upright shows the
    video upright, and undoing the re-run shows it turned again, as the run it brings back saw it."""
    from gui_fixtures import FakeAnalysis

    view = window.video_view
    monkeypatch.setattr(FakeAnalysis, "turned", 180, raising=False)
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert view.turn == 180
    monkeypatch.setattr(FakeAnalysis, "turned", 0, raising=False)
    assert window.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert view.turn == 0 and window.undo_stack.undoText().startswith("Re-run analysis")
    window.undo_stack.undo()
    assert view.turn == 180 and window.project.analysis(window.video.id).settings["turned"] == 180
    window.undo_stack.redo()
    assert view.turn == 0


@pytest.mark.filterwarnings("error::RuntimeWarning")  # its all-NaN motion dots warned in pyqtgraph
def test_a_photo_says_how_many_faces_not_proposals(qtbot, window, tmp_path, monkeypatch):
    """Nothing is spotted in one frame: a photo's run says how many faces it found and where their AUs are, not
    "0 proposals to review"."""
    import cv2
    import numpy as np
    from gui_fixtures import FakeAnalysis

    monkeypatch.setattr(FakeAnalysis, "face_from", 0)

    photo = tmp_path / "group.png"
    cv2.imwrite(str(photo), np.full((120, 160, 3), 128, np.uint8))
    open_and_analyse(qtbot, window, photo, landmarks=True)
    assert window.frame_count == 1
    assert window.face_combo.itemText(0) == "0"  # a photo: no frame count (a video's list has one)
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Analysis complete: a photo, 1 face (each face's AUs on its label") and "proposal" not in msg
    # one frame has no timeline: the face's AUs are bars in its place, each the stored value
    assert window.below_video.currentWidget() is window.photo_chart
    assert [au for au, _ in window.photo_chart.shown] == list(AUS)
    assert all(v == pytest.approx(float(window.analysis.buffer.get(0, f"AU{au:02d}_r")[0]))
               for au, v in window.photo_chart.shown)
    window.set_au_visible("AU12_r", False)  # the AU menu applies to the bars too
    assert 12 not in [au for au, _ in window.photo_chart.shown]
    # the label of a photo's face writes AU4 with doubt: one frame cannot tell it from brows that sit low at rest
    buf = window.analysis.buffer
    real_get = buf.get
    monkeypatch.setattr(buf, "get", lambda face, col: np.array([1.0, 1.0]) if col in ("AU04_c", "AU04_r")
                        else real_get(face, col))
    assert window._face_note(0, 0).startswith("AU 4?")
    monkeypatch.setattr(type(window), "frame_count", property(lambda self: 2))  # in a video it is plain
    assert window._face_note(0, 0).startswith("AU 4+") or window._face_note(0, 0) == "AU 4"


def test_a_run_stored_before_the_turn_was_recorded_with_it_still_shows_turned(qtbot, window, video_path):
    """Projects analysed before 2026-12-03 kept an automatic run's turn per video (analysis_turned/<id>)."""
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    vid = window.video.id
    proj = window.project
    aid = proj.analysis(vid).id
    with proj._tx() as con:  # as the earlier version stored it: no "turned" in the run's settings
        con.execute("UPDATE analyses SET settings = '{}' WHERE id = ?", (aid,))
    proj.set_setting(f"analysis_turned/{vid}", 180)
    assert window.analysis.view_turn() == 180


def test_judging_covers_can_be_switched_off_for_the_next_run_and_is_remembered(qtbot, window, video_path, qsettings):
    """Analysis > Judge covers (on by default): off, the next run reads every region as the mesh fits it (a coder
    who disagrees with a check on some footage keeps every number); the choice is recorded with the run."""
    from merstudio.gui.main_window import MainWindow

    assert window.covers_action.isChecked() and window.analysis.covers
    window.covers_action.trigger()
    assert not window.analysis.covers and "Judge covers: off" in window.statusBar().currentMessage()
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.RunAnalysis)
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.project.analysis(window.video.id).settings["occlusion"] is False
    again = MainWindow(qsettings=qsettings)  # the next session remembers it
    qtbot.addWidget(again)
    try:
        assert not again.analysis.covers and not again.covers_action.isChecked()
    finally:
        again.shutdown()


def test_the_model_can_be_asked_on_every_frame_and_the_choice_is_remembered(qtbot, window, video_path, qsettings):
    """Analysis > Model only where the face moves (on by default): off, the next run asks the model on every face
    frame, recorded with the run and remembered by the next session."""
    from merstudio.gui.main_window import MainWindow
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    assert ckpt is not None, "resources/models/starter.pt (committed) is missing"
    assert window.model_gate_action.isChecked() and window.analysis.model_gate
    window.model_gate_action.trigger()
    assert not window.analysis.model_gate and "every face frame" in window.statusBar().currentMessage()
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.LoadCheckpoint, path=str(ckpt), confirmed=True)
    assert window.ctx.execute(C.RunAnalysis)
    qtbot.waitUntil(lambda: window.worker is None, timeout=30000)
    # recorded with the run (the rows here come from the fake analysis; the real one: tests/cli/test_analyze.py)
    assert window.project.analysis(window.video.id).settings["model_gate"] is False
    again = MainWindow(qsettings=qsettings)
    qtbot.addWidget(again)
    try:
        assert not again.analysis.model_gate and not again.model_gate_action.isChecked()
    finally:
        again.shutdown()


def test_the_face_seen_most_is_shown_until_the_coder_picks_one(qtbot, window, video_path, monkeypatch):
    """A clip that opens on someone else (a wide shot, the interviewer) kept showing that first face's curves, empty
    for the rest of the video, while the main face was on screen (a real multi-shot clip): the face list took the
    first face it saw. Now the face seen in most frames is shown until the coder picks one, and a pick stays."""
    from gui_fixtures import FakeAnalysis

    monkeypatch.setattr(FakeAnalysis, "cut_at", 15)  # face 0 on frames 2-14, then another person, face 1
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert [window.face_combo.itemData(i) for i in range(window.face_combo.count())] == [0, 1]
    # each with how much of the video it is in: face 0 on frames 2-14, face 1 on 15-89
    assert [window.face_combo.itemText(i) for i in range(2)] == ["0  (13 frames)", "1  (75 frames)"]
    assert window.selected_face() == 1 and window.timeline.face == 1
    window.face_combo.setCurrentIndex(0)  # the coder picks the first person
    assert window.timeline.face == 0
    assert window.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert window.selected_face() == 0 and window.timeline.face == 0  # the pick outlives a re-run
    other = video_path.with_name("other.avi")
    other.write_bytes(video_path.read_bytes())
    open_and_analyse(qtbot, window, other, landmarks=True)  # another video: its own main face
    assert window.selected_face() == 1 and window.timeline.face == 1



def test_an_event_marked_where_the_shown_face_is_absent_goes_to_the_face_there(qtbot, window, video_path,
                                                                                monkeypatch):
    """I..O on frames where only face 0 is (face 1, the face seen most, is shown): the event is face 0's, its apex at
    face 0's peak, and the status bar says so (it was face 1's, apex at the onset of an all-NaN curve)."""
    from gui_fixtures import FakeAnalysis
    from PySide6.QtCore import Qt

    monkeypatch.setattr(FakeAnalysis, "cut_at", 15)  # face 0 on frames 2-14, face 1 from 15
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert window.timeline.face == 1
    for frame, key in ((4, Qt.Key.Key_I), (12, Qt.Key.Key_O)):
        window.transport.seek(frame)
        qtbot.keyClick(window, key)
    (ev,) = [e for e in window.events if e.source == "manual"]
    activity = window.analysis.activity(0)
    assert ev.face_id == 0 and ev.apex == 4 + int(np.nanargmax(activity[4:13]))
    assert "on face 0, the face in these frames (face 1 is not)" in window.statusBar().currentMessage()

def test_an_event_marked_where_the_shown_face_is_absent_and_two_are_there_is_refused(qtbot, window, video_path,
                                                                                      monkeypatch):
    """A video call after a screen share: face 0 is shown, but frames 20-30 hold faces 1 and 2 (face 0 is gone).
    I..O there is refused in one line naming the faces that are there, and the marks are kept to code again; before,
    the event went to face 0 with its apex at the onset (face 0 has no curve there to find a peak in)."""
    from gui_fixtures import FakeAnalysis
    from PySide6.QtCore import Qt

    monkeypatch.setattr(FakeAnalysis, "pair_at", 15)  # face 0 on frames 2-14, faces 1 and 2 from 15
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    window.face_combo.setCurrentIndex(next(i for i in range(window.face_combo.count())
                                           if window.face_combo.itemData(i) == 0))
    assert window.timeline.face == 0
    for frame, key in ((20, Qt.Key.Key_I), (30, Qt.Key.Key_O)):
        window.transport.seek(frame)
        qtbot.keyClick(window, key)
    assert [e for e in window.events if e.source == "manual"] == []
    assert window.errors and "face 0 is not in frames 20-30; faces 1 and 2 are" in window.errors[-1]
    assert window.marks.ready()  # nothing lost: show face 1 and code it again
    window.face_combo.setCurrentIndex(next(i for i in range(window.face_combo.count())
                                           if window.face_combo.itemData(i) == 1))
    assert window.ctx.execute(C.NewEvent, **{"from": "marks"}), window.errors
    (ev,) = [e for e in window.events if e.source == "manual"]
    assert (ev.face_id, ev.onset, ev.offset) == (1, 20, 30)


def test_a_click_on_a_face_in_the_video_shows_its_curves(qtbot, window, video_path, monkeypatch):
    """Two people in turn: a click on a face's box picks it, as the face list does; its box is drawn bolder; a drag
    pans the picture and picks nothing."""
    from gui_fixtures import FakeAnalysis
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtWidgets import QGraphicsRectItem

    monkeypatch.setattr(FakeAnalysis, "cut_at", 15)
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert window.selected_face() == 1
    window.overlay_action.setChecked(True)
    window.transport.seek(5)  # face 0's frames
    qtbot.waitUntil(lambda: window.video_view.frame_index == 5 and bool(window.video_view._boxes), timeout=5000)
    view = window.video_view
    (tid, box, _label, _corner), = view._boxes
    assert tid == 0 and box.pen().widthF() < 2  # not the face shown
    qtbot.waitUntil(lambda: window.timeline.playhead_frame == 5, timeout=5000)
    assert "face 1 is not in this frame" in window.timeline.readout.text  # why its values read –
    centre = view.mapFromScene(box.sceneBoundingRect().center())
    corner = QPoint(view.viewport().width() - 3, view.viewport().height() - 3)
    assert view.face_at(QPointF(corner)) is None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=corner)  # beside it: nothing
    assert window.selected_face() == 1
    assert view.face_at(QPointF(centre)) == 0
    window.overlay_action.trigger()  # the overlay hidden: nothing to click
    assert not window.overlay_action.isChecked() and view.face_at(QPointF(centre)) is None
    window.overlay_action.trigger()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a drag from the face: a pan
    qtbot.mouseMove(view.viewport(), centre + QPoint(30, 10))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=centre + QPoint(30, 10))
    assert window.selected_face() == 1
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.selected_face() == 0 and window.timeline.face == 0
    assert "not in this frame" not in window.timeline.readout.text
    window.face_combo.setCurrentIndex(1)
    view.zoom(3.0)  # the label keeps its screen size at any zoom: a click on it picks its face too
    qtbot.waitUntil(lambda: bool(view._boxes), timeout=5000)
    (_tid, _box, label, _corner), = view._boxes
    on_label = view.mapFromScene(label.scenePos()) + label.rect().center().toPoint()
    assert view.face_at(QPointF(on_label)) == 0
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=on_label)
    assert window.selected_face() == 0
    qtbot.waitUntil(lambda: any(isinstance(i, QGraphicsRectItem) and i.pen().widthF() >= 3
                                for i in view._overlay.childItems()), timeout=5000)


def test_an_event_of_another_face_shows_that_faces_curves(qtbot, window, video_path, monkeypatch):
    """Two people in turn, a proposal on each: the events table says whose each event is, and selecting one shows
    that face's curves (the coder reviews a proposal against the right person's AUs)."""
    from gui_fixtures import FakeAnalysis

    from merstudio.gui.events_table import COLUMNS

    monkeypatch.setattr(FakeAnalysis, "cut_at", 40)  # face 0 on frames 2-39 (a proposal at 20-28), face 1 after
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    model = window.table.model_
    faces = [model.data(model.index(r, COLUMNS.index("face"))) for r in range(model.rowCount())]
    assert sorted(faces) == [0, 1] and window.selected_face() == 1
    first = next(e for e in window.coding.events if e.face_id == 0)
    window.coding.select(first.id, seek=True)
    assert window.selected_face() == 0 and window.timeline.face == 0
    second = next(e for e in window.coding.events if e.face_id == 1)
    window.coding.select(second.id, seek=True)
    assert window.selected_face() == 1 and window.timeline.face == 1


def test_a_video_after_a_photo_has_its_timeline_back(qtbot, window, tmp_path, video_path):
    import cv2

    photo = tmp_path / "face.png"
    cv2.imwrite(str(photo), np.full((120, 160, 3), 128, np.uint8))
    assert window.ctx.execute(C.OpenVideo, path=str(photo))
    assert window.below_video.currentWidget() is window.photo_chart
    assert not window.play_button.isEnabled() and not window.slider.isEnabled()  # one frame: nothing to play
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.below_video.currentWidget() is window.timeline
    assert window.play_button.isEnabled() and window.slider.isEnabled()


def test_emotion_names_offer_a_class_once_under_its_own_name(window, monkeypatch):
    # the stored results' column p_happily_surprised is the loaded model's class "happily surprised": one choice
    from types import SimpleNamespace

    monkeypatch.setattr(window.analysis, "checkpoint_meta", {"class_names": ["happily surprised", "none"]})
    monkeypatch.setattr(window.analysis, "buffer",
                        SimpleNamespace(class_columns=lambda: ["p_happily_surprised", "p_none", "p_other"]))
    names = window.analysis.emotion_names()
    assert names[:2] == ("happily surprised", "other")
    assert "happily_surprised" not in names and "none" not in names  # `none` is no emotion to code (h280)
