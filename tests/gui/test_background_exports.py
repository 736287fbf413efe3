"""The per-frame CSV (36 000 rows froze a 20-minute project's window for 1.2-1.5 s) and the XLSX events reports are
read and written in a worker, as the summary is (tests/gui/test_background_work.py): the per-frame table through a
read-only connection of the export's own, never the GUI's. The writing is parked at a gate that opens by itself
after a few seconds, so on code that writes on the GUI thread these tests fail instead of hanging."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from helpers import event_loop_turns, open_and_analyse
from PySide6.QtGui import QAction

from merstudio.gui import commands as C
from merstudio.project import Project
from merstudio.project import export as ex

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("load_grace")]  # the app's wait for stored curves

GATE_S = 3.0  # a gate nobody opens opens by itself: work on the GUI thread fails the test, never hangs it


class SlowWriter:
    """The per-frame export's chunk writing (``export._stored_precision``, called once per chunk before it is
    written) parked at a gate: records the threads that write, and fails with a message of several lines when
    asked to."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: str = "") -> None:
        self.gate, self.started = threading.Event(), threading.Event()
        self.threads: list[threading.Thread] = []
        original = ex._stored_precision

        def stored_precision(df):
            self.threads.append(threading.current_thread())
            self.started.set()
            self.gate.wait(GATE_S)
            if fail:
                raise RuntimeError(fail)
            return original(df)

        monkeypatch.setattr(ex, "_stored_precision", stored_precision)

    def ran_off_the_gui_thread(self, qtbot) -> bool:
        qtbot.waitUntil(self.started.is_set, timeout=10000)
        return self.threads[0] is not threading.main_thread()


class FrameReads:
    """Project.load_frames spied on: which thread read the rows, through which connection."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[threading.Thread, Project]] = []
        original = Project.load_frames

        def load_frames(proj, *a, **k):
            self.calls.append((threading.current_thread(), proj))
            return original(proj, *a, **k)

        monkeypatch.setattr(Project, "load_frames", load_frames)


@pytest.fixture
def analysed(qtbot, window, video_path):
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    assert window.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    assert not window.errors
    return window


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def _expected_frames(win, folder: Path, relative: bool = False) -> bytes:
    """What the per-frame export wrote when it ran on the GUI thread, on the GUI's own connection."""
    folder.mkdir(exist_ok=True)
    path = ex.export_frames_csv(win.project, win.video.id, folder / "expected.csv", relative=relative)
    return path.read_bytes()


def _done(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.exports.running, timeout=10000)


# ---------------------------------------------------------------------------------------------- per-frame CSV
def test_the_per_frame_table_is_read_and_written_in_a_worker_while_the_window_stays_responsive(
        qtbot, analysed, tmp_path, monkeypatch):
    win = analysed
    expected = _expected_frames(win, tmp_path / "sync")
    writer, reads = SlowWriter(monkeypatch), FrameReads(monkeypatch)
    steps: list[tuple[int, int]] = []
    win.exports.progress.connect(lambda done, total: steps.append((done, total)))
    out = tmp_path / "reports"
    t0 = time.monotonic()
    assert win.ctx.execute(C.Export, kind="frames", path=str(out / "f.csv")), win.errors
    assert time.monotonic() - t0 < GATE_S  # the command returned with the writing still parked
    assert writer.ran_off_the_gui_thread(qtbot)
    # in flight: the status bar says so, the event loop turns, nothing under the file's name yet
    assert win.exports.running and win.busy.isVisible() and "per-frame" in win.busy.text()
    assert "clip.avi" in win.busy.toolTip()
    assert event_loop_turns(qtbot) >= 10
    assert not (out / "f.csv").exists()
    writer.gate.set()
    _done(qtbot, win)
    assert not win.errors and not win.busy.isVisible()
    assert win.last_exports == [out / "f.csv"] and "Exported" in win.statusBar().currentMessage()
    assert (out / "f.csv").read_bytes() == expected and _parts(out) == []
    # the rows were read in the worker, through a connection of the export's own (never the GUI's)
    assert reads.calls and all(t is not threading.main_thread() and p is not win.project for t, p in reads.calls)
    n = win.video.frame_count
    assert steps and steps[-1] == (n, n)  # the busy bar was told how far it was


def test_a_second_export_is_refused_and_closing_the_project_lets_the_per_frame_table_finish(
        qtbot, analysed, tmp_path, monkeypatch):
    win = analysed
    expected = _expected_frames(win, tmp_path / "sync")
    writer = SlowWriter(monkeypatch)
    out = tmp_path / "reports"
    acts = {a.text().replace("&", ""): a for a in win.findChildren(QAction)}  # by the plain text
    per_frame = acts["Per-frame CSV…"]
    assert per_frame.isEnabled()
    assert win.ctx.execute(C.Export, kind="frames", path=str(out / "f.csv")), win.errors
    assert writer.ran_off_the_gui_thread(qtbot)
    # one export in a worker at a time: greyed out, and refused in one line when asked for by a command
    assert not per_frame.isEnabled() and not acts["Summary CSV + timeline PNG…"].isEnabled()
    for kind, name in (("frames", "g.csv"), ("summary", "s.csv"), ("events_xlsx", "e.xlsx")):
        assert not win.ctx.execute(C.Export, kind=kind, path=str(out / name))
        assert "still being written" in win.errors[-1] and "\n" not in win.errors[-1]
        assert not (out / name).exists()
    assert not win.ctx.execute(C.ExportEvents, path=str(out / "events.xlsx"))
    assert "still being written" in win.errors[-1]
    assert len(win.errors) == 4
    assert win.ctx.execute(C.NewEvent, onset=20, offset=25, emotion="negative")  # committed meanwhile
    t0 = time.monotonic()
    win.session.close_project()  # the export reads through its own connection: it goes on
    closing = time.monotonic() - t0
    assert win.project is None and win.exports.running
    # the GUI's connection closes without waiting for the export to end (SQLite's checkpoint at close waits at most
    # the GUI's busy timeout, 0.5 s, for the export's snapshot when an edit was committed after it was taken)
    assert closing < 1.5
    writer.gate.set()
    _done(qtbot, win)
    assert len(win.errors) == 4 and win.last_exports == [out / "f.csv"]
    assert (out / "f.csv").read_bytes() == expected and _parts(out) == []
    assert per_frame.isEnabled()


def test_closing_the_window_while_the_per_frame_table_is_written_leaves_it_whole(qtbot, analysed, tmp_path,
                                                                                 monkeypatch):
    win = analysed
    expected = _expected_frames(win, tmp_path / "sync")
    writer = SlowWriter(monkeypatch)
    out = tmp_path / "reports"
    assert win.ctx.execute(C.Export, kind="frames", path=str(out / "f.csv")), win.errors
    assert writer.ran_off_the_gui_thread(qtbot)
    opener = threading.Timer(0.3, writer.gate.set)  # the writing ends while the window is closing
    opener.start()
    win.close()
    opener.join()
    assert not win.exports.running and win.exports.worker is None
    assert win.last_exports == [out / "f.csv"]
    assert (out / "f.csv").read_bytes() == expected and _parts(out) == []


def test_a_failed_per_frame_export_says_why_in_one_line_and_leaves_no_file(qtbot, analysed, tmp_path, monkeypatch):
    win = analysed
    out = tmp_path / "reports"
    out.mkdir()
    (out / "f.csv").write_text("the old file\n")
    writer = SlowWriter(monkeypatch, fail="the disk gave up\n  at chunk 1\nfor no reason")
    writer.gate.set()
    assert win.ctx.execute(C.Export, kind="frames", path=str(out / "f.csv")) is not None
    qtbot.waitUntil(lambda: bool(win.errors), timeout=10000)
    msg = win.errors[-1]
    assert "\n" not in msg and "per-frame" in msg and "the disk gave up" in msg
    _done(qtbot, win)
    assert writer.threads[0] is not threading.main_thread()
    assert (out / "f.csv").read_text() == "the old file\n" and _parts(out) == []  # the old file, whole
    assert not win.busy.isVisible()


# --------------------------------------------------------------------------------- the same bytes as before
def test_the_relative_per_frame_table_is_written_in_a_worker_with_the_same_bytes(qtbot, analysed, tmp_path):
    from merstudio.gui.neutral import SetNeutral

    win = analysed
    win.timeline.set_selection(3, 12)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    expected = _expected_frames(win, tmp_path / "sync", relative=True)
    assert win.ctx.execute(C.Export, kind="frames_neutral", path=str(tmp_path / "rel.csv")), win.errors
    assert win.exports.running  # returned before it was written
    _done(qtbot, win)
    assert not win.errors and (tmp_path / "rel.csv").read_bytes() == expected


def test_the_xlsx_events_reports_are_written_in_a_worker_with_the_same_bytes(qtbot, analysed, tmp_path):
    from merstudio.interchange import export_project_events

    win = analysed
    times = win.playback.timebase.times
    sync = tmp_path / "sync"
    sync.mkdir()
    report = ex.export_events_xlsx(win.project, sync / "report.xlsx", video_id=win.video.id, times=times)
    boris = export_project_events(win.project, win.video.id, sync / "boris.xlsx", times=times)[0]
    assert win.ctx.execute(C.Export, kind="events_xlsx", path=str(tmp_path / "report.xlsx")), win.errors
    assert win.exports.running and "events" in win.busy.text()
    _done(qtbot, win)
    assert win.ctx.execute(C.ExportEvents, path=str(tmp_path / "boris.xlsx")), win.errors
    assert win.exports.running
    _done(qtbot, win)
    assert not win.errors and win.last_exports == [tmp_path / "boris.xlsx"]
    assert _xlsx_parts(tmp_path / "report.xlsx") == _xlsx_parts(report)
    assert _xlsx_parts(tmp_path / "boris.xlsx") == _xlsx_parts(boris)


def _xlsx_parts(path):
    """An .xlsx file's parts and their bytes, but for the clock: the zip's headers and docProps/core.xml carry each
    write's time (a second apart, two writes of the same table differ there and nowhere else)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != "docProps/core.xml"}
