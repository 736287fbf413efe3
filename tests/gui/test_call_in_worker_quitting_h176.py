"""call_in_worker while the application quits (a stop signal came during the project's compaction on close, h176):
QCoreApplication.exit makes every event loop started after it return at once, so the wait turned into a busy loop
of thousands of empty loop.exec calls until the worker ended. It waits on the thread instead."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEventLoop, QObject, QTimer

from merstudio.gui import workers

pytestmark = pytest.mark.gui


def test_a_quitting_app_waits_for_the_worker_without_spinning(qapp, monkeypatch):
    turns: list[int] = []

    class CountedLoop(QEventLoop):
        def exec(self, *args):  # noqa: A003 - Qt's name
            turns.append(1)
            return super().exec(*args)

    monkeypatch.setattr(workers, "QEventLoop", CountedLoop)
    owner = QObject()
    got: list[str] = []

    def work() -> str:
        threading.Event().wait(0.5)  # a compaction's seconds
        return "done"

    def inside() -> None:
        qapp.exit(143)  # as StopSignals quits at a signal
        got.append(workers.call_in_worker(owner, work, "a test", "Working…"))

    QTimer.singleShot(0, inside)
    QTimer.singleShot(15000, qapp.quit)  # a failure must not hang the suite
    assert qapp.exec() == 143
    assert got == ["done"]
    assert len(turns) < 100, f"{len(turns)} turns of the wait loop: it spun"
