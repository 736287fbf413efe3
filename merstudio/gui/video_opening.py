"""Opening a video off the GUI thread. Every video the window shows is opened by :class:`VideoOpener` in a worker
(:meth:`VideoOpener.open_video`): a 1080p file's open decodes its last keyframe interval to confirm its frame count
(0.4-1 s, 2-3 s on a busy machine: the window froze on each switch to it), and one whose frame index takes a pass
over the whole file (variable frame rate, a frame count to confirm) decodes all of it (36 s for an hour). An opening
done within :data:`GRACE_MS` is waited for, so a short clip opens at once, as on the GUI thread; a longer one is
shown in the status bar's busy indicator ("Opening <file>…", "Indexing <file>…" with how far it is once the pass
reports) with a Cancel button, and the source is handed over on the GUI thread when it is ready. One opening at a
time: a newer one (another video, the project closing) cancels the one running, whose source is dropped. The index
and what the tail probe found are kept by ``merstudio.io.frames`` per version of the file: a switch back to a video
opens it without decoding either again, and the analysis' own decoder takes the index. :func:`open_now` opens a
video at once unless it needs the whole-file pass (``merstudio.io.frames.IndexNeeded``): for callers that index
several files first (gui.index_first).

Damaged data past a video's first frames is found only by a complete pass (io.frames: "Damaged data inside a
video"); until then frames are numbered by the file's claim, wrongly after the damage. The analysis makes that pass
in its own decoder (a child process: analysis.remote sends the index back), so :meth:`VideoOpener.check_index`
holds the video shown against what is known of its frames on each video switch and each finished analysis: the
video is opened again with the index found (the views follow as on a switch; a status line says why), and one
whose stored analysis counts other frames than it opened with is indexed first (a project reopened)."""

from __future__ import annotations

import functools
import logging
import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui.failures import failure_line
from merstudio.gui.look import ERROR_COLOUR, on_window
from merstudio.gui.numbers import DecimalBox, unread_line
from merstudio.io.frames import IndexCancelled, VideoSource, indexing, known_index
from merstudio.io.identity import changed_line
from merstudio.project.videos import ChangedVideo

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

log = logging.getLogger(__name__)

GRACE_MS = 250  # an index built within this is waited for: the video opens as if it needed none


def open_now(open_source: Callable[[str], Any], path: str) -> Any:
    """``open_source(path)``, or IndexNeeded (before any long pass) where the video needs its whole-file index."""
    with indexing(defer=True):
        return open_source(path)


def folder_rate(project: Any, path: str) -> float | None:
    """The rate the open project holds for the frame folder at `path` (added at it: `merstudio project add --fps`,
    a dataset's rate; set since: Analysis > Frame rate of this folder…), which it is opened at: image files carry
    none, and opened without it a folder added at 60 fps was shown and analysed at 30, "30 fps assumed" (h247). None
    for a video file (its own rate), a folder the project does not hold (yet: it is added at the rate it opens
    with), and one held at the rate it has anyway (:func:`held_rate`). The folder is told by the cheap check
    (Project.seen_at: its listing), not by hashing every folder video's frames at each opening."""
    if project is None or not os.path.isdir(path):
        return None
    for v in project.videos():
        if v.size == 0 and v.fps > 0:  # a frame folder (Project.add_video)
            where = project.seen_at(v.id)
            if where is not None and os.path.isdir(where) and os.path.samefile(where, path):
                return held_rate(project, v, path)
    return None


def held_rate(project: Any, video: Any, path: str | os.PathLike[str]) -> float | None:
    """The rate to open `path` at as `video` of `project`: a frame folder's as the project holds it, else None (a
    video file: its own; a folder held at the rate it has anyway, a dataset's or the 30 assumed where it was added
    without one and never set: opened at its own, whose note then says the 30 is a guess)."""
    if video.size != 0 or not video.fps > 0 or not os.path.isdir(path):
        return None
    if project.rate_was_set(video):  # a user's rate is no guess, even at 30
        return float(video.fps)
    from merstudio.io import folder_fps

    return None if video.fps == folder_fps(path, None) else float(video.fps)


def open_as(open_source: Callable[..., Any], project: Any, video: Any, path: str | os.PathLike[str]) -> Any:
    """Open `path` as `video` of `project` (a folder found elsewhere, maybe renamed, that a read-only project does
    not store): a frame folder at the rate the project holds for it (:func:`held_rate`)."""
    rate = held_rate(project, video, path)
    return open_source(path) if rate is None else open_source(path, fps=rate)


class AtProjectRate:
    """The window's opener (workers._default_open) opening a frame folder of the open project at the rate the
    project holds for it (:func:`folder_rate`) wherever it is called with none: the videos shown (VideoOpener, which
    asks on the GUI thread: :func:`with_rate`), the analysis' own decoder (a folder added at 60 fps was analysed at
    30 in the app while it was shown at 60), the face pictures. An opener that takes no rate (a test's) is called
    with the path alone where none is needed."""

    def __init__(self, open_source: Callable[..., Any], win: Any) -> None:
        self.open_source, self.win = open_source, win

    def __call__(self, path: str, fps: float | None = None) -> Any:
        if fps is None:
            session = getattr(self.win, "session", None)
            fps = folder_rate(getattr(session, "project", None), str(path))
        return self.open_source(path) if fps is None else self.open_source(path, fps=fps)


def with_rate(open_source: Callable[..., Any], rate: float | None) -> Callable[[str], Any]:
    """`open_source` opening at `rate` (None: the file's own), the project's rate having been looked up already (an
    :class:`AtProjectRate` does not look again, in the worker that opens it)."""
    raw = open_source.open_source if isinstance(open_source, AtProjectRate) else open_source
    return raw if rate is None else functools.partial(raw, fps=rate)


# the command that sets a frame folder's rate (commands.SetFolderRate), as the status line names it
RATE_MENU = "Analysis > Frame rate of this folder…"
_SET_THE_RATE = "set the rate"  # merstudio.io's words for a frame folder timed at a rate assumed


def rate_hint(line: str, source: Any) -> str:
    """The status line of a video's notes (reencode.seek_hint) naming :data:`RATE_MENU` where the video shown is a
    frame folder at an assumed rate: it said "30 fps assumed — set the rate", and nothing in the app could."""
    path = getattr(source, "path", None)
    if not line or not getattr(source, "fps_assumed", False) or path is None or not os.path.isdir(path) \
            or RATE_MENU in line:
        return line
    if _SET_THE_RATE in line:
        return line.replace(_SET_THE_RATE, f"{_SET_THE_RATE}: {RATE_MENU}", 1)
    return f"{line} — its rate is assumed: {RATE_MENU} sets it"


class FolderRateDialog(QDialog):
    """The rate of a frame folder, in a spin box, with what changing it does; offers to re-run a stored analysis
    (measured at the old rate) where there is one."""

    def __init__(self, parent: QWidget | None, video: Any, assumed: bool, analysed: bool, events: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Frame rate of this folder")
        lay = QVBoxLayout(self)
        held = "assumed (image files carry none)" if assumed else "held by the project"
        text = (f"{video.name}: {video.frame_count} frame images, {video.fps:g} fps {held}. Set the rate the frames "
                "were recorded at: every time and duration (spots, exports) is counted at it.")
        if events:
            text += f"\n\nIts {events} event(s) keep their frames; their times change with the rate."
        if analysed:
            text += ("\n\nIts stored analysis: at another rate its times follow, but its micro-motion and spots "
                     "stay as measured at the old rate until it is run again.")
        label = QLabel(text, self)
        label.setWordWrap(True)
        lay.addWidget(label)
        form = QFormLayout()
        self.spin = DecimalBox(self, what="frame rate")  # `29.97` typed under a German locale is 29.97 fps, never 2997 (a111)
        self.spin.setRange(0.01, 10_000.0)  # the CLI's --fps bounds (cli.bounds.FPS_MIN, FPS_MAX)
        self.spin.setDecimals(3)
        self.spin.setSuffix(" fps")
        self.spin.setValue(float(video.fps))
        form.addRow("Frame rate:", self.spin)
        lay.addLayout(form)
        self.rerun = QCheckBox("Re-run the analysis at the new rate", self)
        self.rerun.setChecked(analysed)
        self.rerun.setVisible(analysed)
        lay.addWidget(self.rerun)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet(f"color: {on_window(self, ERROR_COLOUR)}")
        lay.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.spin.textValid.connect(self.validate)  # `0.` typed: said and OK off, not Enter doing nothing (h310)
        self.validate()
        self.spin.setFocus()
        self.spin.selectAll()

    def validate(self) -> str:
        """'' when the rate typed is a rate, else the one line why (shown, and OK is disabled)."""
        msg = unread_line((("Frame rate", self.spin),))
        self.problem.setText(msg)
        self.problem.setVisible(bool(msg))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not msg)
        return msg


def ask_folder_rate(win: Any, video: Any, assumed: bool, analysed: bool, events: int) -> tuple[float, bool] | None:
    """(the rate chosen, whether to re-run the analysis), None when cancelled (tests replace this: a modal dialog
    hangs a test)."""
    dialog = FolderRateDialog(win, video, assumed, analysed, events)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.spin.value(), analysed and dialog.rerun.isChecked()


def close_source(source: Any) -> None:
    close = getattr(source, "close", None)
    if close is not None:
        close()


class IndexWorker(QThread):
    """``open_source(path)`` with the index pass reported and cancellable; the outcome stays on the worker
    (``source``, or ``exc`` and ``error``, its one line; neither when cancelled) before ``finished``."""

    progress = Signal(int, int)

    def __init__(self, open_source: Callable[[str], Any], path: str, parent: Any = None,
                 verify: bool = False) -> None:
        super().__init__(parent)
        self._open = open_source
        self.path = path
        self._verify = verify  # index it even where its ends agree with the file's claim
        self._cancel = threading.Event()
        self.source: Any = None
        self.exc: Exception | None = None
        self.handled = False  # its outcome was taken (on the GUI thread)
        self.told_index = verify  # the busy indicator says "Indexing" (else "Opening", until the pass reports)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def error(self) -> str:
        """Why the opening failed, in one line ("" when it did not); a bug's traceback is logged when asked."""
        return failure_line("OpenVideo", self.exc) if self.exc is not None else ""

    def run(self) -> None:
        try:
            with indexing(progress=self.progress.emit, cancel=self._cancel.is_set, verify=self._verify):
                self.source = self._open(self.path)
        except IndexCancelled:
            return
        except Exception as exc:  # a damaged file: raised or shown by the opener (error), as at once it would be
            self.exc = exc


class VideoOpener(QObject):
    """Opens videos, and builds their frame index, off the GUI thread (see the module). ``open_video(path, then)``
    and ``open(path, then)`` call ``then(source)`` on the GUI thread once it is ready; a cancel leaves everything as
    it was."""

    def __init__(self, win: MainWindow, open_source: Callable[[str], Any]) -> None:
        super().__init__(win)
        self.win = win
        self._open_source = open_source
        self.worker: IndexWorker | None = None
        self._then: Callable[[Any], None] | None = None
        self._leaving: list[IndexWorker] = []  # cancelled, still running: kept until their thread ends
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop opening the video (the one shown before stays)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self._placed = False
        self._tried: Any = None  # (file key, count shown) last opened again by check_index
        self._told_changed: weakref.ref[Any] | None = None  # the source whose file was said to have changed
        self._held: IndexWorker | None = None  # opened while the project compacted: handed over once it ends

    @property
    def running(self) -> bool:
        return self.worker is not None

    def open_video(self, path: str, then: Callable[[Any], None]) -> None:
        """Open a video to show it (Session: every video): ``then(source)`` at once when it opened within GRACE_MS,
        where an error raises here (the command running says it and fails, as an open on the GUI thread did); else
        once it is ready, an error shown then."""
        self._start(path, then, verify=False, raise_now=True)

    def open(self, path: str, then: Callable[[Any], None], verify: bool = False) -> None:
        """Index a video: ``verify``, even where its ends agree with the file's claim (see check_index); an error
        is shown."""
        self._start(path, then, verify=verify, raise_now=False)

    def _start(self, path: str, then: Callable[[Any], None], verify: bool, raise_now: bool) -> None:
        self.cancel()
        # a project's frame folder at the rate it holds for it, looked up here on the GUI thread (the project's)
        rate = folder_rate(getattr(getattr(self.win, "session", None), "project", None), path)
        w = IndexWorker(with_rate(self._open_source, rate), path, self, verify)
        w.finished.connect(lambda: self._finished(w))  # queued: on the GUI thread
        w.progress.connect(lambda done, total: self._progress(w, done, total))  # before: none is lost in the grace
        self.worker, self._then = w, then
        w.start()
        if w.wait(GRACE_MS):  # a short clip: as if opened on the GUI thread (errors of then reach the caller)
            self._finished(w, at_once=True, raise_now=raise_now)
            return
        name = Path(path).name
        if verify:
            self._busy(f"Indexing {name}…", f"Indexing {name}: its stored analysis counts other frames than the "
                                            "file states (damaged data?); the video is decoded once to number its "
                                            "frames as they decode, and shown again when that is done")
            return
        self._busy(f"Opening {name}…", f"Opening {name}: its first and last frames are decoded (a large video "
                                       "takes a moment); it is shown when that is done")

    def cancel(self) -> None:
        """Drop the opening running (if any): its source, when it comes, is closed; the video shown stays."""
        w, self.worker, self._then, self._held = self.worker, None, None, None
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

    def _finished(self, w: IndexWorker, at_once: bool = False, raise_now: bool = False) -> None:
        if w.handled:
            return
        if w is not self.worker:  # cancelled (or superseded) meanwhile
            if not w.isRunning():
                if w in self._leaving:
                    self._leaving.remove(w)
                self._drop(w)
            return
        w.wait()
        if self._compacting():
            # the compaction (File > Compact project's, or a close's) holds the project's lock through its VACUUM:
            # then() adds the video to the project or stores it as shown, which on the GUI thread waited for it
            # (2.8-3.5 s frozen); it waits for compaction_changed instead, still the opening running (Cancel
            # drops it, Run analysis and Compact are refused as while it opens)
            self._held = w
            name = Path(w.path).name
            self._busy(f"Opening {name}…", f"Opening {name}: it is open, and is shown once the project's "
                                           "compaction (in the status bar) is done")
            return
        w.handled = True
        then, self.worker, self._then = self._then, None, None
        self._busy("")
        w.deleteLater()
        if w.exc is not None and at_once and raise_now:
            raise w.exc
        if w.exc is not None:
            self.win.show_error(w.error)
        elif w.source is not None and then is not None:
            if at_once:
                then(w.source)
                return
            try:
                then(w.source)
            except ChangedVideo as exc:
                # a changed file at the path a video of its project was added from: the question OpenVideo asks
                # when it opens within the grace (attach it as that video), not an error box
                from merstudio.gui.commands import LocateVideo

                self.win.ctx.execute(LocateVideo, path=w.path, video_id=exc.video.id, name=exc.video.name)
            except Exception as exc:  # no command around it any more: its dialog is shown here
                self.win.show_error(failure_line("OpenVideo", exc))

    def _compacting(self) -> bool:
        session = getattr(self.win, "session", None)
        return bool(session is not None and session.compacting)

    def compaction_changed(self) -> None:
        """Session.compactingChanged: a compaction ended, so an opening that finished meanwhile (held by
        :meth:`_finished`) is handed over now, from the event loop (not inside the command that compacted)."""
        w = self._held
        if w is None or self._compacting():
            return
        self._held = None
        QTimer.singleShot(0, self, lambda: self._finished(w))  # dropped there if cancelled or superseded since

    # ---------------------------------------------------------------- the frames of the video shown
    def follow(self, video_changed: Any, analysis_finished: Any) -> None:
        """Check the video shown after each switch and each finished analysis (MainWindow._connect), once the views
        have followed and a finished run's rows are in: a re-open is another switch."""
        video_changed.connect(lambda *_: QTimer.singleShot(0, self.check_index))
        analysis_finished.connect(lambda *_: QTimer.singleShot(0, self.check_index))

    def check_index(self) -> None:
        """Number the video shown as its frames decode where it was opened numbered otherwise: a complete pass
        since (the analysis') found another count (`known_index`): it is opened again with that index (no pass);
        none did, but its complete stored analysis counts other frames than it opened with: it is indexed in the
        worker first (a project reopened in a new session). The views follow as on a video switch."""
        session = getattr(self.win, "session", None)
        if session is None or self.running:
            return
        src, video, proj = session.source, session.video, session.project
        if not isinstance(src, VideoSource) or video is None or proj is None or src.file_changed:
            return  # opened again by its path, another file would be shown under this video's results
        shown = src.frame_count

        def then(new: Any) -> None:
            if session.project is not proj or session.video is None or session.video.id != video.id or \
                    new.frame_count == shown:
                close_source(new)  # another video now, or nothing to renumber: the index is kept all the same
                return
            session.select_video(video.id, source=new)
            self._renumbered(session, shown)

        known = known_index(src.path)
        if known is not None:
            if len(known[1]) != shown and self._tried != (known[0], shown):
                self._tried = (known[0], shown)  # once: an opener that takes no index would loop
                try:
                    self.open_video(str(src.path), then)  # opened again: it takes the index kept (no pass)
                except Exception as exc:  # the file went meanwhile: said, the video shown stays as it was
                    self.win.show_error(failure_line("OpenVideo", exc))
            return
        run = proj.analysis(video.id)
        if run is None or run.status != "complete":
            return  # a cut-short run stores a prefix
        # a complete run stores a row for each frame it decoded (faceless ones too): does it end at frame shown - 1?
        if proj.last_frame_stored(video.id) in (None, shown - 1):
            return
        self.open(str(src.path), then, verify=True)

    def changed_line(self) -> str:
        """Once per video opened, the line saying its file was replaced or written into since (its frames not yet
        decoded are refused: merstudio.io.identity); "" otherwise. Asked every few seconds (MainWindow's watch)."""
        session = getattr(self.win, "session", None)
        src = session.source if session is not None else None
        told = self._told_changed() if self._told_changed is not None else None
        if not isinstance(src, VideoSource) or src is told or not src.file_changed:
            return ""
        self._told_changed = weakref.ref(src)
        return changed_line(src.path)

    def _renumbered(self, session: Any, before: int) -> None:
        src = session.source
        if src is None or session.video is None:
            return
        why = "damaged data inside the video" if src.damage else "the file's frame count is not what decodes"
        self.win.statusBar().showMessage(
            f"{session.video.name}: {why}: {src.frame_count} frames decode, not the {before} it was shown with; "
            "frames renumbered as they decode", 15000)

    def _drop(self, w: IndexWorker) -> None:
        w.handled = True
        close_source(w.source)
        w.source = None
        w.deleteLater()

    def _progress(self, w: IndexWorker, done: int, total: int) -> None:
        if w is not self.worker:
            return
        if not w.told_index:  # the opening turned out to need the whole-file pass: say so
            w.told_index = True
            name = Path(w.path).name
            self._busy(f"Indexing {name}…", f"Indexing {name}: a variable-frame-rate video is decoded once to find "
                                            "every frame's time; it is shown when that is done")
        busy = getattr(self.win, "busy", None)
        if busy is not None:
            busy.progress("video", done, total)

    def _busy(self, text: str, tip: str = "") -> None:
        busy = getattr(self.win, "busy", None)
        if busy is not None:
            busy.set("video", text, tip)
        if text and not self._placed:  # beside the busy indicator, once the window's status bar is built
            self.win.statusBar().addPermanentWidget(self.cancel_button)
            self._placed = True
        self.cancel_button.setVisible(bool(text))
