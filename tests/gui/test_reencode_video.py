"""File > Re-encode video for exact seeking…: the copy is made in a worker with a progress window and Cancel, then
offered to open (it joins the project); a second copy meanwhile, a bad path or closing the window are handled; the
status bar's warning about a video that seeks badly names the menu entry. Dialogs are patched (a modal one would
hang the test); the re-encoding can be parked at a gate that opens by itself, so no test hangs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from merstudio.gui import commands as C
from merstudio.gui import reencode as R
from merstudio.io import VideoSource, open_source
from merstudio.io.frames import SeekNote, SeekTrouble
from merstudio.io.reencode import ReencodeResult

pytestmark = pytest.mark.gui

GATE_S = 5.0


class Gate:
    """The core's reencode with its progress parked after the first frame until ``gate`` opens."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate, self.parked = threading.Event(), threading.Event()
        real = R.reencode

        def reencode(src, dst, **kw):
            progress = kw.pop("progress")

            def parked(done: int, total: int) -> None:
                progress(done, total)
                if done == 1:
                    self.parked.set()
                    self.gate.wait(GATE_S)

            return real(src, dst, progress=parked, **kw)

        monkeypatch.setattr(R, "reencode", reencode)


@pytest.fixture
def opened(window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    return window


def _idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: R.running(win) is None, timeout=20000)


def test_the_menu_entry_makes_the_copy_and_opens_it_in_the_project(qtbot, opened, video_path, monkeypatch):
    win = opened
    asked: list[Path] = []
    monkeypatch.setattr(R, "ask_output", lambda parent, src: asked.append(src) or (R.default_output(src), False))
    offered: list[str] = []
    monkeypatch.setattr(R, "ask_open", lambda parent, res, proj: offered.append(proj) or True)
    assert win.reencode_action.text() == "Re-enco&de video for exact seeking…"
    win.reencode_action.trigger()
    assert asked == [video_path]
    job = R.running(win)
    assert job is not None and job.progress.isVisible() and job.progress.labelText().startswith("Re-encoding clip")
    _idle(qtbot, win)
    copy = video_path.with_name("clip.seek.avi")
    assert not win.errors and copy.is_file()
    assert offered == [win.project.path.name]
    qtbot.waitUntil(lambda: win.video is not None and win.video.name == "clip.seek.avi", timeout=10000)
    assert sorted(v.name for v in win.project.videos()) == ["clip.avi", "clip.seek.avi"]
    with open_source(video_path) as a, open_source(copy) as b:
        assert b.frame_count == a.frame_count and b.fps == a.fps
    # the next default is numbered, the copy is not replaced
    assert R.default_output(video_path) == video_path.with_name("clip.seek2.avi")


def test_cancel_removes_the_partial_copy(qtbot, opened, video_path, monkeypatch, tmp_path):
    win = opened
    gate = Gate(monkeypatch)
    done: list[object] = []
    out = tmp_path / "copy.mp4"
    assert win.ctx.execute(C.ReencodeVideo, dst=str(out), open=False)
    job = R.running(win)
    job.finished.connect(done.append)
    qtbot.waitUntil(gate.parked.is_set, timeout=10000)
    assert job.worker.isRunning()  # in a worker: the command returned
    # a second copy meanwhile is refused in one line, before its dialog
    monkeypatch.setattr(R, "ask_output", lambda *a: pytest.fail("asked for a path while a copy is made"))
    assert not win.ctx.execute(C.ReencodeVideo)
    assert "clip.avi is still being re-encoded" in win.errors[-1]
    cancel = job.progress.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    assert "Cancelling" in job.progress.labelText()
    gate.gate.set()
    _idle(qtbot, win)
    assert done == [None] and not out.exists() and list(tmp_path.glob(".copy.*")) == []
    assert "cancelled; nothing was written" in win.statusBar().currentMessage()
    assert win.video.name == "clip.avi"


def test_bad_paths_are_refused_before_the_worker(opened, video_path, tmp_path):
    win = opened
    (tmp_path / "taken.avi").write_bytes(b"keep")
    assert not win.ctx.execute(C.ReencodeVideo, dst=str(tmp_path / "taken.avi"))
    assert "already exists" in win.errors[-1] and R.running(win) is None
    assert not win.ctx.execute(C.ReencodeVideo, dst=str(tmp_path / "x.gif"))
    assert "unsupported output type (use .avi, .m4v, .mkv, .mov, .mp4)" in win.errors[-1]
    assert not win.ctx.execute(C.ReencodeVideo, dst=str(video_path), overwrite=True)
    assert "is the input" in win.errors[-1]
    assert (tmp_path / "taken.avi").read_bytes() == b"keep"


def test_no_video_open_is_one_line(window):
    assert not window.ctx.execute(C.ReencodeVideo, dst="/tmp/never.avi")
    assert window.errors and "video" in window.errors[-1]


def test_closing_the_window_cancels_the_copy(qtbot, opened, monkeypatch, tmp_path):
    win = opened
    gate = Gate(monkeypatch)
    out = tmp_path / "copy.avi"
    assert win.ctx.execute(C.ReencodeVideo, dst=str(out), open=False)
    job = R.running(win)
    qtbot.waitUntil(gate.parked.is_set, timeout=10000)
    threading.Timer(0.3, gate.gate.set).start()  # the worker's next frame sees the cancel
    monkeypatch.setattr(win, "ask_stop_reencode", lambda q: True)  # "Stop it?" (h284): Stop
    win.close()
    assert not job.worker.isRunning() and not out.exists() and R.running(win) is None


def test_the_warning_about_a_video_that_seeks_badly_names_the_menu_entry(opened, video_path, monkeypatch):
    win = opened
    note = SeekNote(f"{video_path}: the video has no frame timestamps; random access decodes from the start "
                    "(re-encode it for fast seeking)", SeekTrouble.NO_TIMESTAMPS)
    monkeypatch.setattr(VideoSource, "warnings", property(lambda self: [note]))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    win._video_changed()  # as on a switch to it
    text = win.statusBar().currentMessage()
    assert text == "clip.avi: the video has no frame timestamps — File > Re-encode video for exact seeking… makes a " \
                   "copy that seeks exactly"
    assert win.statusBar().toolTip() == note  # the whole note on hover
    # a note about something else is shown as before, without the entry
    assert R.seek_hint(["a.mp4: the file says 300 frames; 298 decode"]) == "a.mp4: the file says 300 frames; 298 decode"
    vfr = SeekNote("a: variable frame rate (…)", SeekTrouble.VARIABLE_RATE)
    assert R.seek_hint([vfr, "b"]).startswith("a: variable frame rate (…) (+1 more) — File")


def test_the_seek_hint_goes_by_the_source_not_by_words(tmp_path):
    """The hint follows the note the reader tagged, whatever the words of the other notes (their file's name is in
    each: a folder named re-encoded/ made every note read as one about seeking)."""
    folder = tmp_path / "re-encoded"
    count = f"{folder}/a.mp4: the file says 300 frames, 298 can be decoded (a cut-off end); all 298 are used"
    assert R.seek_hint([count]) == count
    gaps = f"{tmp_path}/variable frame rate/clip: frame numbers 4 missing (1 frame(s))"
    assert R.seek_hint([gaps, "b"]) == f"{gaps} (+1 more)"


def test_a_replace_confirmed_in_the_file_dialog_covers_that_file_only(qtbot, monkeypatch, tmp_path):
    src, picked, typed = (tmp_path / n for n in ("clip.mp4", "a.seek.avi", "b.seek.avi"))
    for f in (src, picked, typed):
        f.write_bytes(b"x")
    asked = []
    monkeypatch.setattr(R.QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or R.QMessageBox.StandardButton.No)
    monkeypatch.setattr(R.QFileDialog, "getSaveFileName", lambda *a, **k: (str(picked), ""))
    dlg = R.OutputDialog(src)
    qtbot.addWidget(dlg)
    dlg._browse()  # the file dialog asked about replacing a.seek.avi
    dlg.path_edit.setText(str(typed))  # then another existing name, typed
    dlg._accept()
    assert asked == ["b.seek.avi exists. Replace it?"] and dlg.result() != R.QDialog.DialogCode.Accepted
    assert not dlg.overwrite
    dlg.path_edit.setText(str(picked))  # the picked file itself: asked once already, in the file dialog
    dlg._accept()
    assert len(asked) == 1 and dlg.result() == R.QDialog.DialogCode.Accepted and dlg.overwrite


def test_the_seek_hint_shows_the_note_it_is_the_remedy_for():
    count = "clip.mp4: the container claims 900 frames but 850 decode"
    vfr = SeekNote("clip.mp4: variable frame rate (24-30 fps)", SeekTrouble.VARIABLE_RATE)
    assert R.seek_hint([count, vfr]) == f"{vfr} (+1 more) — {R.MENU_ENTRY} makes a copy that seeks exactly"
    assert R.seek_hint([count, "b"]) == f"{count} (+1 more)"


def test_the_menu_entry_is_greyed_out_without_a_video(window, video_path):
    """The File menu shows the entry greyed out while no video is open (it refused in one line only when clicked)."""
    file_menu = window.menuBar().actions()[0].menu()
    assert window.reencode_action in file_menu.actions()
    file_menu.aboutToShow.emit()
    assert window.video is None and not window.reencode_action.isEnabled()
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    file_menu.aboutToShow.emit()
    assert window.reencode_action.isEnabled()


def test_the_dialog_and_the_done_line_tell_the_sound():
    assert "no sound" not in R.EXPLAIN and "picture only" not in R.EXPLAIN and "sound comes along" in R.EXPLAIN
    res = ReencodeResult(Path("/x/clip.seek.avi"), 90, 30.0, "MJPG", 1, True, audio="pcm_s16le, from aac")
    assert R.done_line(res) == ("Wrote clip.seek.avi: 90 frames at 30 fps, MJPG, every frame a keyframe, sound: "
                                "pcm_s16le, from aac.")
    mute = ReencodeResult(Path("/x/clip.seek.avi"), 90, 30.0, "MJPG", 1, True,
                          audio_warning="/x/clip.seek.avi: the sound of clip.mov cannot be put in a .avi file (…)")
    assert R.done_line(mute).endswith("every frame a keyframe. /x/clip.seek.avi: the sound of clip.mov cannot be "
                                      "put in a .avi file (…)")


def test_the_done_line_says_a_copy_is_resampled_and_what_it_left_out():
    """The app's line said neither (the CLI did): a coder took the copy's frame numbers for the input's."""
    res = ReencodeResult(Path("/x/phone.seek.avi"), 144, 30.0, "MJPG", 12, True, source_frames=72, resampled=True,
                         left_out=3, frames_warning="/x/phone.mp4: 3 input frames are shown by no frame of the copy")
    line = R.done_line(res)
    assert "resampled from 72 input frames: its frame numbers are not the input's" in line
    assert line.endswith("3 input frames are shown by no frame of the copy")


def test_a_real_variable_rate_video_gets_the_hint(window, tmp_path):
    from support.vfr_clips import write_vfr_clip

    path = write_vfr_clip(tmp_path / "phone.mov")
    with pytest.warns(UserWarning, match="variable frame rate"):
        assert window.ctx.execute(C.OpenVideo, path=str(path))
    assert window.session.source.seek_trouble is SeekTrouble.VARIABLE_RATE
    window._video_changed()
    text = window.statusBar().currentMessage()
    assert text.startswith("phone.mov: variable frame rate — ") and f"{R.MENU_ENTRY} makes a copy" in text
