"""Opening a video whose frame index takes a pass over the whole file (variable frame rate, a frame count to
confirm): 36 s of decoding for an hour, which froze the window when it ran on the GUI thread. :func:`open_now`
opens a video at once unless it needs that pass (``merstudio.io.frames.IndexNeeded``); :class:`VideoOpener` then
builds the index in a worker, shown in the status bar's busy indicator with how far it is and a Cancel button, and
hands the source over on the GUI thread when it is ready (at once when that took under :data:`GRACE_MS`: a short
clip opens as any other). One opening at a time: a newer one (another video, the project closing) cancels the one
running, whose source is dropped. The index is kept by ``merstudio.io.frames`` for the analysis' own decoder."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QToolButton

from merstudio.gui.failures import failure_line
from merstudio.io.frames import IndexCancelled, indexing

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

log = logging.getLogger(__name__)

GRACE_MS = 250  # an index built within this is waited for: the video opens as if it needed none


def open_now(open_source: Callable[[str], Any], path: str) -> Any:
    """``open_source(path)``, or IndexNeeded (before any long pass) where the video needs its whole-file index."""
    with indexing(defer=True):
        return open_source(path)


def close_source(source: Any) -> None:
    close = getattr(source, "close", None)
    if close is not None:
        close()


class _IndexWorker(QThread):
    """``open_source(path)`` with the index pass reported and cancellable; the outcome stays on the worker
    (``source``, or ``error``: one line; neither when cancelled) before ``finished``."""

    progress = Signal(int, int)

    def __init__(self, open_source: Callable[[str], Any], path: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._open = open_source
        self.path = path
        self._cancel = threading.Event()
        self.source: Any = None
        self.error = ""
        self.handled = False  # its outcome was taken (on the GUI thread)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            with indexing(progress=self.progress.emit, cancel=self._cancel.is_set):
                self.source = self._open(self.path)
        except IndexCancelled:
            return
        except Exception as exc:  # a damaged file: one line, as opening it at once would have said
            self.error = failure_line("OpenVideo", exc)


class VideoOpener(QObject):
    """Builds a video's frame index off the GUI thread (see the module). ``open(path, then)`` calls ``then(source)``
    on the GUI thread once it is ready; an error is shown, a cancel leaves everything as it was."""

    def __init__(self, win: MainWindow, open_source: Callable[[str], Any]) -> None:
        super().__init__(win)
        self.win = win
        self._open_source = open_source
        self.worker: _IndexWorker | None = None
        self._then: Callable[[Any], None] | None = None
        self._leaving: list[_IndexWorker] = []  # cancelled, still running: kept until their thread ends
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop indexing the video (the one shown before stays)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self._placed = False

    @property
    def running(self) -> bool:
        return self.worker is not None

    def open(self, path: str, then: Callable[[Any], None]) -> None:
        self.cancel()
        w = _IndexWorker(self._open_source, path, self)
        w.finished.connect(lambda: self._finished(w))  # queued: on the GUI thread
        self.worker, self._then = w, then
        w.start()
        if w.wait(GRACE_MS):  # a short clip: as if it needed no index (errors reach the caller, as then)
            self._finished(w, at_once=True)
            return
        name = Path(path).name
        w.progress.connect(lambda done, total: self._progress(w, done, total))
        self._busy(f"Indexing {name}…", f"Indexing {name}: a variable-frame-rate video is decoded once to find "
                                        "every frame's time; it is shown when that is done")

    def cancel(self) -> None:
        """Drop the opening running (if any): its source, when it comes, is closed; the video shown stays."""
        w, self.worker, self._then = self.worker, None, None
        if w is None:
            return
        w.cancel()
        self._busy("")
        if w.isRunning():
            self._leaving.append(w)
        else:
            self._drop(w)

    def shutdown(self) -> None:
        """Cancel, and wait for the threads (the index pass checks its cancel every few hundred frames)."""
        self.cancel()
        for w in self._leaving:
            w.wait()
            self._drop(w)
        self._leaving.clear()

    def _finished(self, w: _IndexWorker, at_once: bool = False) -> None:
        if w.handled:
            return
        if w is not self.worker:  # cancelled (or superseded) meanwhile
            if not w.isRunning():
                if w in self._leaving:
                    self._leaving.remove(w)
                self._drop(w)
            return
        w.wait()
        w.handled = True
        then, self.worker, self._then = self._then, None, None
        self._busy("")
        w.deleteLater()
        if w.error:
            self.win.show_error(w.error)
        elif w.source is not None and then is not None:
            if at_once:
                then(w.source)
                return
            try:
                then(w.source)
            except Exception as exc:  # no command around it any more: its dialog is shown here
                self.win.show_error(failure_line("OpenVideo", exc))

    def _drop(self, w: _IndexWorker) -> None:
        w.handled = True
        close_source(w.source)
        w.source = None
        w.deleteLater()

    def _progress(self, w: _IndexWorker, done: int, total: int) -> None:
        busy = getattr(self.win, "busy", None)
        if w is self.worker and busy is not None:
            busy.progress("video", done, total)

    def _busy(self, text: str, tip: str = "") -> None:
        busy = getattr(self.win, "busy", None)
        if busy is not None:
            busy.set("video", text, tip)
        if text and not self._placed:  # beside the busy indicator, once the window's status bar is built
            self.win.statusBar().addPermanentWidget(self.cancel_button)
            self._placed = True
        self.cancel_button.setVisible(bool(text))
