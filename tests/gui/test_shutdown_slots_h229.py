"""Ctrl-C or SIGTERM quit the app with one line, no traceback (h229 item 2, from audit a99): dispose destroyed the
window, whose timeline's lanes, deleted after the Timeline, still said their geometry changed; the behaviours lane's
names (BehaviourLane._place_labels) and the pinned readout (Timeline._pin) asked the deleted Timeline its width
("unhandled: RuntimeError: ... (Timeline) already deleted"), and the app's excepthook, showing that in the deleted
window, raised again ("Error in sys.excepthook")."""

from __future__ import annotations

import logging
import signal
import sys

import pytest
from gui_fixtures import FakeAnalysis

pytestmark = pytest.mark.gui


def _destroy(widget) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_excepthook_shows_an_error_in_the_window_and_only_logs_it_once_the_window_is_gone(qtbot, caplog) -> None:
    from PySide6.QtWidgets import QWidget

    from merstudio.gui.app import excepthook_for

    class Win(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.shown: list[str] = []

        def show_error(self, message: str) -> None:
            self.width()  # (a deleted window's raises)
            self.shown.append(message)

    win = Win()
    hook = excepthook_for(win)
    with caplog.at_level(logging.ERROR, logger="merstudio.gui.app"):
        hook(ValueError, ValueError("first"), None)
        assert win.shown == ["unexpected error: ValueError: first"]
        _destroy(win)
        hook(RuntimeError, RuntimeError("second"), None)  # raises nothing
    assert [r.getMessage().splitlines()[-1] for r in caplog.records] == ["ValueError: first", "RuntimeError: second"]


def test_a_stop_signal_ends_the_app_with_its_line_and_no_traceback(qtbot, qsettings, app_pt, monkeypatch,
                                                                    capsys, caplog, video_path) -> None:
    """As run_app ends at SIGTERM (end: dispose destroys the window) with the app's excepthook, a window with the
    behaviours lane's rows and the lanes scrolled."""
    from shiboken6 import isValid

    from merstudio.gui import commands as C
    from merstudio.gui.app import end, excepthook_for
    from merstudio.gui.main_window import MainWindow
    from merstudio.project import Behaviour, BehaviourEvent

    app_pt(16.0)
    # (not qtbot.addWidget: its teardown would close the destroyed window)
    win = MainWindow(qsettings=qsettings, make_analysis=lambda src, settings: FakeAnalysis(src, settings))
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))  # (closed by dispose: its lanes laid out again)
    win.behaviours.lane.draw([Behaviour("gaze away", key="1", id=1), Behaviour("nod", key="2", kind="point", id=2)],
                             [BehaviourEvent(1, 1, 2, 60, id=1)], 300)
    qtbot.wait(50)
    bar = win.timeline.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    monkeypatch.setattr(sys, "excepthook", excepthook_for(win))  # the app's, as run_app sets it
    with caplog.at_level(logging.ERROR):
        assert end(win, signal.SIGTERM, 0) == 143
    assert not isValid(win)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "excepthook" not in err
    assert err.splitlines()[-1:] == ["merstudio: stopped by SIGTERM"]
    assert not [r for r in caplog.records if "unhandled" in r.getMessage()]


def test_the_pin_of_a_destroyed_timeline_does_nothing(qtbot) -> None:
    """Timeline._pin, which the lanes' geometryChanged call as they are deleted after the Timeline (8 times at a
    SIGTERM of the demo), asks nothing of the deleted view."""
    from shiboken6 import isValid

    from merstudio.gui.timeline import Timeline

    tl = Timeline()  # (not qtbot.addWidget: its teardown would close the destroyed view)
    tl.resize(600, 300)
    tl.show()
    qtbot.waitExposed(tl)
    _destroy(tl)
    assert not isValid(tl)
    tl._pin()
