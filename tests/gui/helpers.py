"""Mouse and key helpers for driving pyqtgraph and the window like a user."""

from __future__ import annotations

import threading

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def plot_to_widget(timeline, plot, x: float, y: float) -> QPoint:
    """Widget (viewport) pixel of data point (x, y) in one of the timeline's plots."""
    scene = plot.vb.mapViewToScene(QPointF(x, y))
    return timeline.mapFromScene(scene)


def drag(widget, p0: QPoint, p1: QPoint, steps: int = 8) -> None:
    """Press at p0, move in steps with the left button held (Qt 6's QTest tracks the held button), release."""
    left = Qt.MouseButton.LeftButton
    QTest.mouseMove(widget, p0)
    QTest.qWait(15)
    QTest.mousePress(widget, left, Qt.KeyboardModifier.NoModifier, p0)
    for k in range(1, steps + 1):
        p = QPoint(p0.x() + (p1.x() - p0.x()) * k // steps, p0.y() + (p1.y() - p0.y()) * k // steps)
        QTest.qWait(15)  # pyqtgraph drops moves closer than 10 ms apart (mouseRateLimit)
        QTest.mouseMove(widget, p)
    QTest.qWait(15)
    QTest.mouseRelease(widget, left, Qt.KeyboardModifier.NoModifier, p1)
    QApplication.processEvents()


def click(widget, p: QPoint) -> None:
    QTest.mouseMove(widget, p)
    QTest.qWait(15)
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p)
    QApplication.processEvents()


def event_loop_turns(qtbot, ms: int = 300) -> int:
    """How many times a 10-ms timer fired on the GUI thread during ``ms``: work on the GUI thread meanwhile shows
    as missing turns."""
    from PySide6.QtCore import QTimer

    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.wait(ms)
    timer.stop()
    return len(ticks)


class Ticks:
    """A 10-ms timer on the GUI thread: the longest gap between its ticks is how long that thread was held."""

    def __init__(self):
        import time

        from PySide6.QtCore import QTimer

        self.stamps = [time.perf_counter()]
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))
        self.timer.start(10)

    def longest_gap(self) -> float:
        import numpy as np

        self.timer.stop()
        return float(np.diff(self.stamps).max())


def open_and_analyse(qtbot, window, video_path, **settings):
    """The window with `video_path` open and analysed (RunAnalysis with `settings`, run in a worker thread, waited
    for), no error shown."""
    from merstudio.gui import commands as C

    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.RunAnalysis, settings=settings)
    worker = window.worker
    assert worker is not None and (worker.isRunning() or worker.isFinished())  # off the GUI thread, started
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    assert not window.errors, window.errors
    return window


def analysed_and_another(qtbot, win, project, video_path, other):
    """A new project at `project` with `video_path` opened and analysed (landmarks on), then the video `other` opened,
    not analysed, and shown: (the first Video, the second)."""
    from merstudio.gui import commands as C

    assert win.ctx.execute(C.NewProject, path=str(project))
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    first = win.video
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert win.buffer.faces
    assert win.ctx.execute(C.OpenVideo, path=str(other)), win.errors
    return first, win.video


def run_analysis(qtbot, win) -> None:
    """RunAnalysis with no settings on the video open in the window, waited for (its errors are the caller's)."""
    from merstudio.gui import commands as C

    assert win.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def analysed_shown(qtbot, win) -> None:
    """The video shown, once open, analysed as Ctrl+R does (RunAnalysis with no settings), waited for until the
    project stores its run."""
    from merstudio.gui import commands as C

    qtbot.waitUntil(lambda: win.session.source is not None)
    assert win.ctx.execute(C.RunAnalysis), win.errors
    qtbot.waitUntil(lambda: win.analysis.worker is None and win.project.analysis(win.video.id) is not None)


def slow_opens(monkeypatch, grace_ms: int) -> None:
    """Every video opened from now on takes 0.3 s longer than ``grace_ms``, the app's wait for an open (the
    ``open_grace`` fixture): it goes on in the background, its lines said after the grace."""
    import time

    import merstudio.io as mio

    opened = mio.open_source

    def slow(*a, **k):
        time.sleep(grace_ms / 1000 + 0.3)
        return opened(*a, **k)

    monkeypatch.setattr(mio, "open_source", slow)


def event_states(win, *videos) -> list[tuple]:
    """(video id, onset, coder, status) of every event the project stores on ``videos``, sorted."""
    return sorted((e.video_id, e.onset, e.coder, e.status) for v in videos for e in win.project.events(v.id))


def stored_spans(win) -> list[tuple[int, int]]:
    """(onset, offset) of every event the project stores on the window's video, as stored (not as shown)."""
    return [(e.onset, e.offset) for e in win.project.events(win.video.id)]


def undo_history(win) -> tuple[list[str], int]:
    """The window's undo stack: the text of every step, and the index of the next one to redo."""
    s = win.undo_stack
    return [s.text(i) for i in range(s.count())], s.index()


def lanes_timeline(qtbot, pane: tuple[int, int], coders, coder_view: bool = True, behaviours=None,
                   behaviour_events=()):
    """A timeline with the demo's lanes (AU, heat map, motion, class curves, events; one event of each coder, and
    their lanes when `coder_view`) and a behaviours lane (its rows drawn when `behaviours` is given), at a pane's
    size, shown: (timeline, behaviours lane)."""
    from support.curve_buffers import lanes_buffer

    from merstudio.gui.behaviours import BehaviourLane
    from merstudio.gui.timeline import Timeline
    from merstudio.project import Event

    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(*pane)
    tl.set_video(300, 30.0)
    tl.set_buffer(lanes_buffer(300), 0)
    tl.set_events([Event(1, 20 + 40 * i, 24 + 40 * i, 30 + 40 * i, id=i + 1, coder=c, emotion="positive")
                   for i, c in enumerate(coders)])
    tl.set_coder_view(coder_view)
    lane = BehaviourLane(tl, lambda *_a: None, lambda *_a: None)
    if behaviours is not None:
        lane.draw(list(behaviours), list(behaviour_events), 300)
    tl.show()
    qtbot.waitExposed(tl)
    tl.refresh()
    qtbot.wait(100)
    return tl, lane


def axis_value_specs(axis) -> list:
    """The values (or row names) a pyqtgraph axis draws: (rect in its own coordinates, flags, text), top first."""
    from PySide6.QtGui import QImage, QPainter

    img = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(img)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return list(specs[2]) if specs else []


def axis_value_rects(axis) -> list:
    """Where a pyqtgraph axis draws its values (or row names), in scene coordinates."""
    return [axis.mapRectToScene(rect) for rect, _flags, _text in axis_value_specs(axis)]


def event_row_y(tl, event) -> float:
    """The events track's y (1 at its top, 0 at its bottom) of the middle of the sub-row the event is drawn in."""
    return 1.0 - (tl.event_rows[event.id] + 0.5) / tl.event_row_count


GATE_S = 5.0  # a Gated wrapper's gate opens by itself after this: a test fails instead of hanging


class Gated:
    """Wraps ``owner.name`` (run as it is, then held at a gate a GUI-thread timer opens, ``on_gui`` run there
    first): records the threads it ran in and whether the GUI thread's timer opened each gate."""

    def __init__(self, monkeypatch, owner, name, on_gui=None):
        self.threads: list[threading.Thread] = []
        self.opened_by_timer: list[bool] = []
        self._owner = QTimer()  # a GUI-thread object: the single-shot runs on its thread
        real = getattr(owner, name)

        def gated(*args, **kwargs):
            self.threads.append(threading.current_thread())
            out = real(*args, **kwargs)
            gate = threading.Event()

            def tick():
                if on_gui is not None:
                    on_gui()
                gate.set()

            QTimer.singleShot(0, self._owner, tick)
            self.opened_by_timer.append(gate.wait(GATE_S))
            return out

        monkeypatch.setattr(owner, name, gated)

    def off_the_gui_thread(self) -> bool:
        return bool(self.threads) and all(t is not threading.main_thread() for t in self.threads)


def cancelled_run(qtbot, win, fake_analysis, at: int = 11) -> str:
    """RunAnalysis (no settings) on the video open in the window, its FakeAnalysis parked before frame `at` (0:
    before any frame) and cancelled there (Ctrl+.); returns the status line said once its stored rows are in."""
    from merstudio.gui import commands as C

    fake_analysis.gate_at, fake_analysis.gate = at, threading.Event()
    win.analysis.batch_seconds = 0.0  # frames 0..at-1 stored before the gate
    assert win.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: at == 0 or (win.buffer is not None and win.buffer.frames_done >= at), timeout=20000)
    win.statusBar().clearMessage()
    win.ctx.execute(C.CancelAnalysis)
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    fake_analysis.gate, fake_analysis.gate_at = None, 11
    qtbot.waitUntil(lambda: "Analysis cancelled" in win.statusBar().currentMessage(), timeout=10000)
    return win.statusBar().currentMessage()


def parked_rerun(qtbot, win, fake_analysis):
    """A re-run (confirmed: no question) of the video open in the window, its FakeAnalysis parked before frame 11
    (frames 0-10 stored and drawn); returns the gate that lets it go on (finish_parked)."""
    from merstudio.gui import commands as C

    fake_analysis.gate = threading.Event()
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
    return fake_analysis.gate


def finish_parked(qtbot, win, fake_analysis, gate) -> None:
    """Let a parked_rerun go on to its end and wait for "Analysis complete"."""
    gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    fake_analysis.gate = None
    qtbot.waitUntil(lambda: "Analysis complete" in win.statusBar().currentMessage(), timeout=10000)


def finetuning(qtbot, win, epochs: int = 30, done: int = 6, seconds: float = 60.0):
    """The window's fine-tuning dialog (on its open project) training a fake run that goes until cancelled,
    `done` of `epochs` epochs ended in `seconds` (30, 6, 60: "about 4 min left"). Returns the dialog."""
    from merstudio.training.trainer import TrainingCancelled

    def run(*_args, cancel, stage, **_kw):
        stage("training")
        if cancel.wait(30):
            raise TrainingCancelled("fine-tuning cancelled")
        raise RuntimeError("the test never stopped it")

    win.finetune_fn = run
    win.open_finetune()
    dlg = win.finetune_dialog
    dlg.epochs.setValue(epochs)
    times = iter([0.0, seconds])
    dlg._clock = lambda: next(times)
    dlg.start()
    qtbot.waitUntil(lambda: dlg._stage == "training", timeout=10000)
    dlg._on_loss(done, epochs, 0.5)
    assert dlg.is_running()
    return dlg


GATE_S = 5.0  # a gate nobody opens opens by itself: the test fails instead of hanging


class HeldLoad:
    """workers.describe_checkpoint parked at a gate: the checkpoint "loads" until the test opens it."""

    def __init__(self, monkeypatch) -> None:
        from merstudio.gui import workers

        self.gate, self.done = threading.Event(), threading.Event()
        monkeypatch.setattr(workers, "describe_checkpoint", self)

    def __call__(self, path):
        self.gate.wait(GATE_S)
        self.done.set()
        return {"class_names": ["negative", "positive"], "path": str(path)}

    def release(self, qtbot) -> None:
        """Open the gate and let the loaded answer reach the window (a queued signal)."""
        self.gate.set()
        qtbot.waitUntil(self.done.is_set, timeout=10000)
        qtbot.wait(200)


def painted_ink(tl, item, ratio: float):
    """`item` painted alone on white where the timeline `tl` shows it, into an image of device pixel ratio `ratio`
    (as a 200 % screen paints): a bool array, True where ink, in device px."""
    import numpy as np
    from PySide6.QtGui import QColor, QImage, QPainter

    vp = tl.viewport()
    img = QImage(round(vp.width() * ratio), round(vp.height() * ratio), QImage.Format.Format_RGB32)
    img.setDevicePixelRatio(ratio)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setTransform(item.deviceTransform(tl.viewportTransform()))
    item.paint(p, None, None)
    p.end()
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width()]
    return a[..., :3].min(axis=2) < 200


def accepted_previews(monkeypatch, seen) -> list:
    """From now on File > Import events' preview (dialogs.ImportPreviewDialog) is accepted without being shown: the
    list returned gets, for each preview, what ``seen`` takes from the dialog (its head line, its text, its button)."""
    from merstudio.gui import dialogs as D

    shown: list = []

    def accept(dlg):
        shown.append(seen(dlg))
        return D.QDialog.DialogCode.Accepted

    monkeypatch.setattr(D.ImportPreviewDialog, "exec", accept)
    return shown
