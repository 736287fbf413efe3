"""File > Import events reads the file (the preview, twice where "Replace" is offered) in a worker: a 10,000-event
BORIS file held the window 1-3 s on the GUI thread (3-7 s with Replace). Each test parks the preview at a gate that
only a timer on the GUI thread opens: read on the GUI thread, the timer cannot fire, the gate opens by itself after
GATE_S and the test fails instead of hanging."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import FPS, N_FRAMES
from helpers import Gated

from merstudio.gui import commands as C
from merstudio.interchange import Media, write_events
from merstudio.project import Event

pytestmark = pytest.mark.gui

N_EVENTS = 10_000


def _boris_file(tmp_path, video_path, video_id, n=N_EVENTS, name="alice.tsv"):
    """n different events of alice (face i // span, onset i % span) as a BORIS TSV."""
    span = N_FRAMES - 6
    events = [Event(video_id, i % span, i % span + 2, i % span + 5, face_id=i // span, emotion="positive",
                    aus="12", coder="alice") for i in range(n)]
    return write_events(events, tmp_path / name, Media(str(video_path), fps=FPS, frame_count=N_FRAMES))


def GatedPreview(monkeypatch, on_gui=None) -> Gated:  # noqa: N802 - reads as the class it stands for
    """interchange.preview_import run as it is, then held at a gate a GUI-thread timer opens (``on_gui`` runs
    there first): records the threads that read and whether the GUI thread's timer opened each gate."""
    import merstudio.interchange as interchange

    return Gated(monkeypatch, interchange, "preview_import", on_gui=on_gui)


def _accept(monkeypatch, replace=False):
    from PySide6.QtWidgets import QDialog

    from merstudio.gui.dialogs import ImportPreviewDialog

    shown = []

    def exec_(dlg):
        shown.append(dlg)
        if replace and dlg.replace_box is not None:
            dlg.replace_box.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", exec_)
    return shown


def test_a_10000_event_boris_file_is_read_off_the_gui_thread_and_imported(window, video_path, tmp_path,
                                                                           monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    path = _boris_file(tmp_path, video_path, win.video.id)
    gated = GatedPreview(monkeypatch)
    shown = _accept(monkeypatch)
    steps = win.undo_stack.count()
    assert win.ctx.execute(C.ImportEvents, path=str(path)), win.errors
    assert gated.threads and all(t is not threading.main_thread() for t in gated.threads)
    assert gated.opened_by_timer == [True]  # the GUI thread turned its event loop while the file was read
    assert len(shown) == 1 and len(shown[0].preview.events) == N_EVENTS  # the result came back to the dialog
    assert len(win.project.events(win.video.id)) == N_EVENTS
    assert win.undo_stack.count() == steps + 1  # still one undo step


def test_both_reads_of_a_corrected_file_run_off_the_gui_thread(window, video_path, tmp_path, monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    vid = win.video.id
    assert win.ctx.execute(C.ImportEvents, path=str(_boris_file(tmp_path, video_path, vid, n=500)),
                           confirmed=True), win.errors
    corrected = _boris_file(tmp_path, video_path, vid, n=400, name="alice2.tsv")  # 100 events fewer
    monkeypatch.setattr(C, "INLINE_BYTES", 0)  # however small the file, in the worker
    gated = GatedPreview(monkeypatch)
    shown = _accept(monkeypatch, replace=True)
    assert win.ctx.execute(C.ImportEvents, path=str(corrected)), win.errors
    assert len(gated.threads) == 2 and all(t is not threading.main_thread() for t in gated.threads)
    assert gated.opened_by_timer == [True, True]
    assert shown[0].replace_box is not None  # "Replace" was offered, from the second read
    assert len(win.project.events(vid)) == 400  # the 100 the corrected file dropped are gone


def test_the_window_says_what_it_reads_and_takes_no_second_import_meanwhile(window, video_path, tmp_path,
                                                                             monkeypatch):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    path = _boris_file(tmp_path, video_path, win.video.id, n=50)
    monkeypatch.setattr(C, "INLINE_BYTES", 0)  # however small the file, in the worker
    seen: list[tuple[str, bool]] = []
    GatedPreview(monkeypatch, on_gui=lambda: seen.append((win.busy.text(), win.import_events_action.isEnabled())))
    _accept(monkeypatch)
    assert win.ctx.execute(C.ImportEvents, path=str(path)), win.errors
    assert seen == [(f"Reading {path.name}…", False)]  # while the file was read
    assert (win.busy.text(), win.import_events_action.isEnabled()) == ("", True)  # and after
    assert len(win.project.events(win.video.id)) == 50


def test_a_small_file_is_still_read_at_once(window, video_path, tmp_path, monkeypatch):
    """A file of a few events (under commands.INLINE_BYTES) is read on the GUI thread: its dialog comes at once."""
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    path = _boris_file(tmp_path, video_path, win.video.id, n=5)
    assert path.stat().st_size < C.INLINE_BYTES
    threads = []
    import merstudio.interchange as interchange

    real = interchange.preview_import
    monkeypatch.setattr(interchange, "preview_import",
                        lambda *a, **k: threads.append(threading.current_thread()) or real(*a, **k))
    _accept(monkeypatch)
    assert win.ctx.execute(C.ImportEvents, path=str(path)), win.errors
    assert threads == [threading.main_thread()] and len(win.project.events(win.video.id)) == 5
