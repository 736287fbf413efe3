"""Issue 11, "wrong or misleading on screen": a video switch replaces every per-video view, a video with its own
project opens that project, a re-run asks first and keeps the coding, status and frame never mislead."""

import threading

import numpy as np
import pytest
from gui_fixtures import SPOTS, FakeAnalysis, write_video

from merstudio.gui import commands as C
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


def _analyse(qtbot, win, **params):
    assert win.ctx.execute(C.RunAnalysis, **params), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def _nothing_drawn(tl):
    for col in ("AU12_r", "p_positive", "p_negative", "motion_mouth", "AU12_m"):
        assert tl.curve_data(col) is None, col
    assert tl.heat.image is None or not np.isfinite(tl.heat.image).any()


@pytest.mark.parametrize("how", ["open_video", "videos_dock"])
def test_switching_to_an_unanalysed_video_clears_the_previous_ones_views(qtbot, window, video_path, tmp_path, how):
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    _analyse(qtbot, win, settings={"landmarks": True})
    tl = win.timeline
    assert tl.curve_data("AU12_r") is not None and tl.curve_data("p_positive") is not None
    assert tl.heat.image is not None and win.events
    win.timeline.set_selection(3, 9)
    if how == "open_video":
        assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    else:
        first = win.video.id
        assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
        second = win.video.id
        win.session.select_video(first)
        assert tl.curve_data("AU12_r") is not None  # A's own curves come back with A
        win.session.select_video(second)  # what a double-click in the Videos dock does
    assert win.video.name == "second.avi" and win.frame_count == 30
    _nothing_drawn(tl)
    assert win.buffer is not None and not win.buffer.faces
    assert not win.events and win.table.model_.rowCount() == 0 and not tl.regions
    assert tl.selection is None and win.selected_event_id is None and win.face_combo.count() == 0
    assert not win.video_view._overlay.childItems()


def test_open_video_with_its_own_project_opens_that_project(qtbot, window, video_path, tmp_path, monkeypatch):
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    beside = other.with_suffix(".merproj")
    with Project.create(beside) as p:  # B was coded earlier in its own project
        vid = p.add_video(other, 30.0, 30, 160, 120).id
        p.add_event(Event(vid, 5, 7, 9, coder="ann", emotion="surprise"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    a_project = win.project.path
    asked = []
    monkeypatch.setattr(win, "ask_project_beside", lambda name, path: asked.append((name, path)) or None)
    assert win.ctx.execute(C.OpenVideo, path=str(other))  # cancelled: nothing changes
    assert asked == [("second.avi", beside)]
    assert win.project.path == a_project and win.video.name == "clip.avi" and len(win.project.videos()) == 1
    monkeypatch.setattr(win, "ask_project_beside", lambda name, path: "beside")
    assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    assert win.project.path == beside and win.video.name == "second.avi"
    assert [(e.onset, e.coder) for e in win.events] == [(5, "ann")]  # B's earlier coding is there
    assert [v.name for v in win.project.videos()] == ["second.avi"]
    # "add to this project" still works when asked for
    win.ctx.execute(C.OpenVideo, path=str(video_path), project="current")
    assert win.project.path == beside and [v.name for v in win.project.videos()] == ["second.avi", "clip.avi"]
    # a video already in the open project is just shown, nothing asked
    monkeypatch.setattr(win, "ask_project_beside", lambda name, path: pytest.fail("asked"))
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    assert win.video.name == "second.avi" and win.project.path == beside


def test_rerun_asks_keeps_coding_and_previous_predictions(qtbot, window, video_path, tmp_path, monkeypatch,
                                                          fake_analysis):
    win = window
    ckpt = tmp_path / "mymodel.pt"
    ckpt.write_bytes(b"not read by the fake analysis")
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.analysis.set_checkpoint(ckpt, {"class_names": ["negative", "positive"]})
    _analyse(qtbot, win)  # settings from the window: the loaded checkpoint
    vid = win.video.id
    assert win.project.analysis(vid).model == str(ckpt)
    first, second = sorted((e for e in win.events if e.status == "proposal"), key=lambda e: e.onset)
    win.coding.push_status(first, "accepted")
    win.coding.push_status(second, "rejected")
    assert win.ctx.execute(C.NewEvent, onset=70, apex=72, offset=75)
    win.analysis.checkpoint = win.analysis.checkpoint_meta = None  # as after a restart: nothing loaded
    old_p = win.timeline.curve_data("p_positive").copy()

    questions = []
    monkeypatch.setattr(win, "confirm", lambda q: questions.append(q) or False)
    assert not win.ctx.execute(C.RunAnalysis)  # declined: nothing runs
    assert win.worker is None and len(questions) == 1
    assert "1 coded event" in questions[0] and "2 reviewed proposals" in questions[0]

    monkeypatch.setattr(win, "confirm", lambda q: True)
    fake_analysis.gate = threading.Event()
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis), win.errors
    assert win.worker.settings.checkpoint == ckpt  # the checkpoint used before, by default
    qtbot.waitUntil(lambda: win.buffer.frames_done >= 11, timeout=20000)
    qtbot.waitUntil(lambda: win.timeline.curve_data("AU12_r") is not None, timeout=5000)
    y = win.timeline.curve_data("p_positive")  # the old run's class curves are not left drawn
    assert y is None or np.isnan(y[20:]).all()
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)

    evs = sorted(win.project.events(vid), key=lambda e: e.onset)
    assert [(e.onset, e.status, e.source) for e in evs] == [
        (SPOTS[0][0], "accepted", "model"), (SPOTS[1][0], "rejected", "model"), (70, "accepted", "manual")]
    [ov] = win.project.overlays(vid)
    assert ov.name == "model: mymodel" and ov.kind == "model"
    curve = win.timeline.overlay_curve(ov.name, "p_positive")
    assert curve is not None and np.allclose(curve.yData, old_p, equal_nan=True)
    assert win.timeline.curve_data("p_positive") is not None


def test_a_rerun_is_one_undo_step(qtbot, window, video_path, fake_analysis, monkeypatch):
    """Undo after a re-run puts back the previous run's per-frame results, its open proposals (same ids) and the
    curves drawn; a review made before the re-run stands; redo brings the new run back."""
    win = window
    monkeypatch.setattr(win, "confirm", lambda q: True)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    _analyse(qtbot, win, settings={})
    vid = win.video.id
    first = win.project.load_frames(vid)
    accepted, still_open = sorted((e for e in win.events if e.status == "proposal"), key=lambda e: e.onset)
    win.coding.push_status(accepted, "accepted")
    fake_analysis.occluded = (30, 40)  # the second run differs: AU12 unknown there
    _analyse(qtbot, win, settings={})
    assert win.undo_stack.undoText() == f"Re-run analysis of {win.video.name}"
    assert np.isnan(win.timeline.curve_data("AU12_r")[30:40]).all()
    second = win.project.load_frames(vid)

    def state():
        return sorted((e.id, e.onset, e.status) for e in win.project.events(vid))

    after_rerun = state()
    win.undo_stack.undo()
    assert win.project.load_frames(vid).equals(first)
    assert np.isfinite(win.timeline.curve_data("AU12_r")[30:40]).all()  # the view follows
    assert (accepted.id, accepted.onset, "accepted") in state() and (still_open.id, still_open.onset,
                                                                      "proposal") in state()
    assert {e.id for e in win.events} == {e[0] for e in state()}
    win.undo_stack.redo()
    assert win.project.load_frames(vid).equals(second) and state() == after_rerun
    assert np.isnan(win.timeline.curve_data("AU12_r")[30:40]).all()
    assert not win.errors


def test_a_fresh_run_is_not_asked(qtbot, window, video_path, monkeypatch):
    win = window
    monkeypatch.setattr(win, "confirm", lambda q: pytest.fail("asked"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    _analyse(qtbot, win, settings={})
    _analyse(qtbot, win, settings={})  # only open proposals: nothing coded to lose
    assert len([e for e in win.events if e.status == "proposal"]) == len(SPOTS)


def test_status_message_does_not_outlive_an_undo_or_a_video_switch(qtbot, window, video_path, tmp_path):
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    win.timeline.set_selection(20, 30)
    assert "Selected frames 20-30" in win.statusBar().currentMessage()
    win.undo_stack.undo()
    msg = win.statusBar().currentMessage()
    assert "Selected frames" not in msg and msg.startswith("Undone:")
    win.undo_stack.redo()
    assert win.statusBar().currentMessage().startswith("Redone:")
    win.timeline.set_selection(20, 30)
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    assert "Selected frames" not in win.statusBar().currentMessage()



def test_undo_of_another_videos_step_goes_to_that_video(qtbot, window, video_path, tmp_path):
    """The history is the project's: undoing an edit made on another video shows that video and names it, so the
    coder sees what changed (it used to delete an event out of sight)."""
    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
    assert win.ctx.execute(C.OpenVideo, path=str(other))
    assert win.video.id != first.id
    win.undo_stack.undo()
    assert win.video.id == first.id and win.project.events(first.id) == []
    assert win.statusBar().currentMessage().endswith(f"(on {first.name})")
    win.undo_stack.redo()  # on this video now: no switch, no name
    assert win.video.id == first.id and len(win.project.events(first.id)) == 1
    assert "(on " not in win.statusBar().currentMessage()


def test_another_video_while_one_is_analysed_says_which(qtbot, window, video_path, tmp_path, fake_analysis):
    """One analysis runs at a time: on another video the hint, Ctrl+R's refusal and the end of the run name the
    video being analysed (the hint said "Analysing…" over the unanalysed video, the end was silent)."""
    import threading

    win = window
    other = write_video(tmp_path / "media" / "second.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    first = win.video
    fake_analysis.gate = threading.Event()
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}), win.errors
    assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    win.first_run.update()
    hint = win.first_run.hint_text()
    assert hint.startswith("Not analysed yet") and first.name in hint
    assert not win.ctx.execute(C.RunAnalysis, settings={"landmarks": True})
    assert win.errors[-1].startswith(f"analysis of {first.name}: already running")
    fake_analysis.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.statusBar().currentMessage() == f"Analysis of {first.name}: complete"

class _SlowSource:
    """A frame source whose frame 50 waits for a gate: a decoder on a busy machine."""

    def __init__(self, real, gate):
        self._real, self._gate = real, gate

    def __getattr__(self, name):
        return getattr(self._real, name)

    def frame(self, i):
        if i == 50:
            self._gate.wait(20)
        return self._real.frame(i)


def test_seek_shows_loading_until_the_new_picture_arrives(qtbot, qsettings, video_path):
    from merstudio.gui.main_window import MainWindow
    from merstudio.gui.workers import _default_open

    gate = threading.Event()
    win = MainWindow(qsettings=qsettings, open_source=lambda p: _SlowSource(_default_open(p), gate),
                     make_analysis=lambda src, settings: FakeAnalysis(src, settings))
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.ctx.execute(C.OpenVideo, path=str(video_path))
        view = win.video_view
        qtbot.waitUntil(lambda: view.frame_index == 0, timeout=5000)
        assert view.loading is None and not view.loading_label.isVisible()
        win.transport.seek(50)
        assert "frame 50 /" in win.frame_label.text()
        qtbot.waitUntil(lambda: view.loading == 50, timeout=2000)  # the old picture is marked as not this frame
        assert view.frame_index == 0 and view.loading_label.isVisible()
        assert "loading frame 50" in view.loading_label.text() and view._pixmap.opacity() < 1
        gate.set()
        qtbot.waitUntil(lambda: view.frame_index == 50, timeout=5000)
        assert view.loading is None and not view.loading_label.isVisible() and view._pixmap.opacity() == 1
        win.transport.seek(51)  # a frame that decodes at once is never marked
        qtbot.waitUntil(lambda: view.frame_index == 51, timeout=5000)
        qtbot.wait(150)
        assert view.loading is None
    finally:
        gate.set()
        win.shutdown()


def test_switching_from_a_late_frame_to_a_shorter_video_says_nothing_out_of_range(qtbot, window, video_path,
                                                                                  tmp_path):
    """The views that follow a switch asked for the old video's frame in the new one before the play head was put
    back: frame 50 of the long video was 'frame 50 out of range (0..19)' in the status bar of a 20-frame one."""
    win = window
    short = write_video(tmp_path / "media" / "short.avi", n=20)
    win.overlay_action.setChecked(True)  # the face labels over the video ask for the current frame on a switch
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "study"))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    win.transport.seek(win.frame_count - 1)
    qtbot.waitUntil(lambda: win.transport.current_frame == win.frame_count - 1, timeout=5000)
    assert win.frame_count - 1 >= 20
    assert win.ctx.execute(C.OpenVideo, path=str(short)), win.errors
    assert win.frame_count == 20
    qtbot.wait(300)  # the frame loader answers on its thread
    assert "out of range" not in win.statusBar().currentMessage() and not win.errors
