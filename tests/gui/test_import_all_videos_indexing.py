"""Importing every video's events (an events CSV of several videos) times each video's rows by its frames: a
variable-rate video not analysed to its end is read from its file, one decode-only pass over the whole file (36 s an
hour). That pass ran inside the import's preview on the GUI thread, the window frozen meanwhile; it now runs in a
worker first (gui.index_first), behind a progress dialog with Cancel, and the preview finds the index it built."""

from __future__ import annotations

import os
import threading
import unicodedata

import pytest
from gui_fixtures import write_video
from support.vfr_clips import write_vfr_clip

from merstudio.gui import commands as C
from merstudio.io import frames as io_frames
from merstudio.project import Event

pytestmark = pytest.mark.gui


@pytest.fixture
def passes(monkeypatch):
    """Every whole-file index pass made (not one taken from the kept indexes): (file name, on the GUI thread?)."""
    made: list[tuple[str, bool]] = []
    scan = io_frames.VideoSource._scan

    def recording(self):
        hooks = io_frames._INDEX_HOOKS.get()
        if io_frames.known_index(self.path) is None and not (hooks is not None and hooks.defer):
            made.append((self.path.name, threading.current_thread() is threading.main_thread()))
        return scan(self)

    monkeypatch.setattr(io_frames.VideoSource, "_scan", recording)
    return made


def _project(qtbot, window, tmp_path, name="phone.mp4"):
    """phone.mp4 (variable rate, never analysed; or `name`) and desk.avi (current), an event each, written to
    all.csv and removed; phone.mp4's file then touched, so that no index this process built for it is current."""
    phone = write_vfr_clip(tmp_path / name)
    write_video(tmp_path / "desk.avi", n=30)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "study.merproj"))
    for p in (phone, tmp_path / "desk.avi"):
        assert window.ctx.execute(C.OpenVideo, path=str(p)), window.errors
    qtbot.waitUntil(lambda: len(window.project.videos()) == 2 and window.video.name == "desk.avi", timeout=10000)
    a, b = window.project.videos()
    window.project.add_events([Event(a.id, 40, 45, 50, emotion="surprise", coder="ann"),
                               Event(b.id, 3, 5, 8, emotion="happiness", coder="ann")])
    out = tmp_path / "all.csv"
    assert window.ctx.execute(C.Export, kind="events_all", path=str(out)), window.errors
    qtbot.waitUntil(lambda: window.exports.worker is None and out.exists(), timeout=10000)
    window.project.replace_events([e.id for v in (a, b) for e in window.project.events(v.id)], [])
    st = phone.stat()
    os.utime(phone, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert io_frames.known_index(phone) is None
    return a, b, out


def test_the_variable_rate_videos_frames_are_indexed_off_the_gui_thread(qtbot, window, tmp_path, monkeypatch,
                                                                       passes):
    a, b, out = _project(qtbot, window, tmp_path)
    passes.clear()
    monkeypatch.setattr(window, "confirm", lambda q: True)
    assert window.ctx.execute(C.ImportEvents, path=str(out)), window.errors
    assert passes == [("phone.mp4", False)]  # one pass, in a worker; the preview took its index
    # its rows landed on the frames they were exported from (the file's times are the video's own)
    assert [(e.onset, e.apex, e.offset) for e in window.project.events(a.id)] == [(40, 45, 50)]
    assert [(e.onset, e.apex, e.offset) for e in window.project.events(b.id)] == [(3, 5, 8)]


def test_a_name_a_mac_wrote_decomposed_is_indexed_off_the_gui_thread_too(qtbot, window, tmp_path, monkeypatch,
                                                                          passes):
    """The CSV names "Gespräch.mp4" decomposed (a + U+0308), as a Mac writes it: the same video, indexed first in
    the worker (the name matched exactly, so its pass ran in the preview, on the GUI thread)."""
    a, _b, out = _project(qtbot, window, tmp_path, name="Gespräch.mp4")
    text = out.read_text(encoding="utf-8")
    assert "Gespräch.mp4" in text
    out.write_text(text.replace("Gespräch.mp4", unicodedata.normalize("NFD", "Gespräch.mp4")), encoding="utf-8")
    passes.clear()
    monkeypatch.setattr(window, "confirm", lambda q: True)
    assert window.ctx.execute(C.ImportEvents, path=str(out)), window.errors
    assert passes == [("Gespräch.mp4", False)]
    assert [(e.onset, e.apex, e.offset) for e in window.project.events(a.id)] == [(40, 45, 50)]


def _slow_pass(monkeypatch):  # (its tests ask for open_grace: the app's wait before the dialog shows)
    """A long video's pass: ~1.8 s for the 90 frames, its progress reported (and a cancel seen) at every frame."""
    grab = io_frames._grab

    def slow(cap):
        threading.Event().wait(0.02)
        return grab(cap)

    monkeypatch.setattr(io_frames, "_grab", slow)
    monkeypatch.setattr(io_frames, "_INDEX_STEP", 1)


def test_a_long_pass_shows_its_progress_and_the_import_goes_on(qtbot, window, tmp_path, monkeypatch, passes,
                                                               open_grace):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    a, b, out = _project(qtbot, window, tmp_path)
    passes.clear()
    _slow_pass(monkeypatch)
    monkeypatch.setattr(window, "confirm", lambda q: True)
    seen: list[tuple[str, int, int]] = []

    def look() -> None:  # what the dialog shows, while it shows
        seen.extend((d.labelText(), d.value(), d.maximum()) for d in window.findChildren(QProgressDialog)
                    if d.isVisible())

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(100)
    assert window.ctx.execute(C.ImportEvents, path=str(out)), window.errors
    timer.stop()
    assert passes == [("phone.mp4", False)]
    assert {label for label, _, _ in seen} == {"Indexing phone.mp4 (variable frame rate) for its events' times…"}
    assert any(0 < done < total == 90 for _, done, total in seen), seen  # how far, of the 90 frames
    assert [(e.onset, e.apex, e.offset) for e in window.project.events(a.id)] == [(40, 45, 50)]
    assert not [d for d in window.findChildren(QProgressDialog) if d.isVisible()]


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancelling_the_indexing_imports_nothing(qtbot, window, tmp_path, monkeypatch, passes, how, open_grace):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    a, b, out = _project(qtbot, window, tmp_path)
    _slow_pass(monkeypatch)
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or True)
    shown: list[str] = []

    def cancel() -> None:  # as the user does: its button, or Esc (which hides a dialog without its `canceled`)
        dialogs = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
        shown.extend(d.labelText() for d in dialogs)
        for d in dialogs:
            if how == "button":
                d.findChild(QPushButton).click()
            else:
                QTest.keyClick(d, Qt.Key.Key_Escape)

    QTimer.singleShot(600, cancel)
    assert not window.ctx.execute(C.ImportEvents, path=str(out))
    assert shown and "Indexing phone.mp4 (variable frame rate)" in shown[0]
    assert not asked and not window.project.events(a.id) and not window.project.events(b.id)
    assert io_frames.known_index(tmp_path / "phone.mp4") is None
