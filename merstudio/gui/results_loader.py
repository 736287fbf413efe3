"""Reads a video's stored analysis into the curves the views draw (a :class:`~merstudio.gui.state.CurveBuffer`)
off the GUI thread: a 60-minute video's held the window for ~2 s when a project opened, a video was shown or a run
ended. Only the latest request is served (``LatestRequestThread``); each answer carries its request's serial, and
the caller applies only its latest (a switch of video meanwhile drops the older one's). The worker reads through a
read-only connection of its own to the project file, its read transaction pinned (``Project.pin_snapshot``), never
the GUI's connection."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from merstudio.gui.failures import failure_line
from merstudio.gui.state import CurveBuffer, _is_curve
from merstudio.gui.workers import LatestRequestThread
from merstudio.project import Project


def read_curves(project: Project, video_id: int, frame_count: int) -> CurveBuffer:
    """The video's stored curves: only the columns the buffer keeps, as float32 (the whole table as float64 cost
    ~400 MB more, for a moment, on a 60-minute video)."""
    return CurveBuffer.from_frame(project.load_frames(video_id, columns=_is_curve), frame_count)


class ResultsLoader(LatestRequestThread):
    """``request(serial, path, busy_timeout, video_id, frame_count, done)`` reads the curves in the thread; the
    answer (serial, buffer or None, error line) is kept in ``answers`` and ``done`` is set before ``loaded`` is
    emitted, so that a caller waiting for it (briefly) can take it at once. The thread starts with the first
    request."""

    loaded = Signal(int)  # serial: its answer is in ``answers``

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self.answers: dict[int, tuple[CurveBuffer | None, str]] = {}
        self.loads = 0  # loads actually run (a request replaced before it started never runs)

    def request(self, serial: int, path: Path, busy_timeout: float, video_id: int, frame_count: int,
                done: threading.Event) -> None:
        self._ask((serial, path, busy_timeout, video_id, frame_count, done))
        if not self.isRunning():
            self.start()

    def take(self, serial: int) -> tuple[CurveBuffer | None, str] | None:
        """The answer to request ``serial`` (once), and every older one dropped."""
        with self._lock:
            for s in [s for s in self.answers if s < serial]:
                del self.answers[s]
            return self.answers.pop(serial, None)

    def _serve(self, wanted: tuple[int, Path, float, int, int, threading.Event]) -> None:
        serial, path, busy_timeout, video_id, frame_count, done = wanted
        self.loads += 1
        buf: CurveBuffer | None = None
        error = ""
        try:
            reader = Project.open(path, check=False, read_only=True, busy_timeout=busy_timeout)
            try:
                reader.pin_snapshot()
                buf = read_curves(reader, video_id, frame_count)
            finally:
                reader.close()
        except Exception as exc:  # a damaged file must not kill the loader; the window says why
            error = failure_line(f"{path.name}: reading the stored analysis", exc)
        with self._lock:
            self.answers[serial] = (buf, error)
        done.set()
        self.loaded.emit(serial)
