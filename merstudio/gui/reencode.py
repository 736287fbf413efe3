"""File > Re-encode video for exact seeking…: a copy of the current video that seeks fast and exactly
(``merstudio.io.reencode``, as ``merstudio reencode``), made in a worker with a progress window and Cancel; once
made, the app offers to open it. The status bar's warning about a video that seeks badly names the menu entry."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from merstudio.errors import InputError
from merstudio.gui.questions import ask
from merstudio.gui.workers import TaskWorker
from merstudio.io.frames import SeekNote
from merstudio.io.reencode import CODECS, ReencodeResult, check_output, describe, reencode

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

MENU_ENTRY = "File > Re-encode video for exact seeking…"
SUFFIX = ".seek.avi"  # MJPG: every frame a keyframe, so every seek lands exactly on its frame at once
FILTER = ("MJPG AVI, every frame a keyframe (*.avi);;MPEG-4, a keyframe every 12 frames, smaller (*.mp4 *.mov "
          "*.m4v *.mkv)")
EXPLAIN = ("Writes a copy of {name} that seeks fast and exactly, at a constant frame rate (a variable-rate video is "
           "resampled: a gap becomes repeated frames). {name} is left as it is.\n\n"
           "• .avi (the default): MJPG, every frame a keyframe: the fastest seeks, a larger file.\n"
           "• .mp4: MPEG-4, a keyframe every 12 frames: a smaller file, seeks a little slower.\n\n"
           "The sound comes along, in step with the picture (copied, or converted to what the file type takes: "
           "PCM in .avi, AAC in .mp4).")


def default_output(src: Path) -> Path:
    """``<name>.seek.avi`` beside the video (a frame folder: beside the folder), numbered when taken."""
    stem = src.name if src.is_dir() else src.stem
    out = src.with_name(stem + SUFFIX)
    k = 2
    while out.exists():
        out = src.with_name(f"{stem}.seek{k}.avi")
        k += 1
    return out


def seek_hint(notes: Sequence[str], path: Path | None = None) -> str:
    """The status bar's line for a video's reader notes (its `FrameSource.warnings`): one, with "(+N more)": the
    first that says the video seeks badly (a `SeekNote`: the source's `seek_trouble`, whatever its wording or its
    file's name), followed by the menu entry that makes a copy that does not (the hint after another note read as
    its remedy), else the first. Given the video's `path`, the line is short enough for the status bar: the file's
    name and the note's first clause lead, the remedy follows (`notes_details` holds the whole notes, for hover)."""
    if not notes:
        return ""
    seeking = next((n for n in notes if isinstance(n, SeekNote)), None)
    first = seeking if seeking is not None else notes[0]
    more = "" if len(notes) == 1 else f" (+{len(notes) - 1} more)"
    remedy = "" if seeking is None else f" — {MENU_ENTRY} makes a copy that seeks exactly"
    if path is not None:  # the remedy before the rest: the line is cut at the status bar's end
        return f"{path.name}: {short_note(first, path)}{remedy}{more}"
    return f"{first}{more}{remedy}"


def short_note(note: str, path: Path) -> str:
    """A reader's note (one that starts with the video's path) without the path and cut at its first clause ("variable frame rate",
    "damaged data inside the file: 3 frame(s) at 0.97-1.03 s are lost"): what, in a few words."""
    if not note.startswith(f"{path}: "):
        return note  # not the reader's (an analysis's own note): already short, and its reason is in brackets
    text = note[len(f"{path}: "):]
    for stop in ("; ", " ("):
        text = text.split(stop, 1)[0]
    return text


def notes_details(notes: Sequence[str]) -> str:
    """The whole notes, one a line, for the status bar's hover."""
    return "\n".join(notes)


class OutputDialog(QDialog):
    """Where to write the copy, with what the two kinds of copy are."""

    def __init__(self, src: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Re-encode video for exact seeking")
        self.src = src
        self.overwrite = False  # set on accepting: the output exists and its replacing was confirmed
        self._confirmed: Path | None = None  # the existing file the coder agreed to replace (file dialog or question)
        lay = QVBoxLayout(self)
        text = QLabel(EXPLAIN.format(name=src.name), self)
        text.setWordWrap(True)
        lay.addWidget(text)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(default_output(src)), self)
        self.path_edit.setMinimumWidth(420)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit)
        row.addWidget(browse)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.addButton("Re-encode", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(560)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Re-encoded copy", str(self.path()), FILTER)
        if path:
            self.path_edit.setText(path)
            # the file dialog asked already, about this file only: a name typed afterwards is asked about again
            self._confirmed = Path(path).expanduser() if Path(path).exists() else None

    def _accept(self) -> None:
        out = self.path()
        if out.suffix.lower() not in CODECS:
            QMessageBox.warning(self, "merstudio", f"{out.name}: use {', '.join(sorted(CODECS))} (.avi: every "
                                                   "frame a keyframe)")
            return
        if out.exists() and out != self._confirmed:
            answer = QMessageBox.question(self, "merstudio", f"{out.name} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._confirmed = out
        self.overwrite = out.exists()
        self.accept()


def ask_output(parent: QWidget, src: Path) -> tuple[Path, bool] | None:
    """The output path chosen in :class:`OutputDialog` and whether it replaces a file; None: cancelled."""
    dlg = OutputDialog(src, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.path(), dlg.overwrite


def ask_open(parent: QWidget, res: ReencodeResult, in_project: str) -> bool:
    """Whether to open the copy just made."""
    where = (f"\n\nIt is added to {in_project} as a video of its own (what is coded on the original stays with "
             "the original)." if in_project else "")
    choices = [("open", QMessageBox.StandardButton.Open, None), ("close", QMessageBox.StandardButton.Close, None)]
    return ask(parent, f"{done_line(res)}\n\nOpen {res.path.name} now?{where}", choices, default="open",
               escape="close") == "open"


def done_line(res: ReencodeResult) -> str:
    """The status line of a finished copy: what it is, then what it left out (input frames shorter than a frame
    of the copy, the rate that keeps them) and its sound's warning, as the CLI says them."""
    return " ".join([f"Wrote {res.path.name}: {describe(res)}.", *(w for w in (res.frames_warning,
                                                                              res.audio_warning) if w)])


class ReencodeJob(QObject):
    """One copy being made: the work in a :class:`TaskWorker` (it opens the video with its own decoder), its
    progress window (a bar and Cancel; not modal: the coder may go on meanwhile). The window's shutdown (closing
    it) cancels it (:func:`stop`: the core removes the partial file) and waits for the worker. Child of the window:
    ``running(win)`` finds it."""

    finished = Signal(object)  # the ReencodeResult, or None when it failed

    def __init__(self, win: MainWindow, src: Path, dst: Path, keyint: int = 12, overwrite: bool = False,
                 open_after: bool | None = None) -> None:
        super().__init__(win)
        self.win, self.src, self.dst, self.open_after = win, src, dst, open_after
        self._cancelled = False
        self._reported = False
        self.worker = TaskWorker(lambda progress: reencode(src, dst, keyint=keyint, overwrite=overwrite,
                                                           progress=progress, cancel=lambda: self._cancelled),
                                 f"re-encoding {src.name}", self)
        self.progress = QProgressDialog(f"Re-encoding {src.name} to {dst.name}…", "Cancel", 0, 0, win)
        self.progress.setWindowTitle("Re-encode video for exact seeking")
        self.progress.setWindowModality(Qt.WindowModality.NonModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(0)
        self.progress.setMinimumWidth(460)
        self.progress.canceled.connect(self.cancel)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)

    def start(self) -> None:
        self.progress.show()
        self.worker.start()

    def cancel(self) -> None:
        self._cancelled = True
        self.progress.setLabelText(f"Cancelling the re-encoding of {self.src.name}…")

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, max(1, total)))

    def shutdown(self) -> None:
        """Stop now (the window closes): the copy is cancelled and its partial file removed."""
        self._cancelled = True
        self.worker.wait()
        self._finished()

    def _finished(self) -> None:
        if self.worker.isRunning() or self._reported:  # reported already (shutdown)
            return
        self._reported = True
        self.worker.wait()
        self.progress.close()
        self.progress.deleteLater()
        self.setParent(None)  # running(win) no longer finds it
        res: ReencodeResult | None = self.worker.result
        if self.worker.error:
            self.win.show_error(self.worker.error)
        elif res is not None and not res.complete:
            self.win.statusBar().showMessage(f"Re-encoding of {self.src.name} cancelled; nothing was written", 8000)
        elif res is not None:
            self.win.statusBar().showMessage(done_line(res), 15000)
        self.finished.emit(res if res is not None and res.complete else None)
        if res is not None and res.complete and self.open_after is not False:
            proj = self.win.project
            if self.open_after or ask_open(self.win, res, proj.path.name if proj is not None else ""):
                from merstudio.gui import commands as C

                self.win.ctx.execute(C.OpenVideo, path=str(res.path))
        self.deleteLater()

def running(win: QObject) -> ReencodeJob | None:
    return win.findChild(ReencodeJob)


def stop(win: QObject) -> None:
    """The window shuts down: a copy being made is cancelled, its partial file removed (MainWindow.shutdown)."""
    job = running(win)
    if job is not None and job.worker.isRunning():
        job.shutdown()


def require_idle(win: QObject) -> None:
    """One copy at a time: a second is refused in one line."""
    job = running(win)
    if job is not None:
        raise InputError(f"re-encode: {job.src.name} is still being re-encoded; wait for it or cancel it")


def start(win: MainWindow, src: Path, dst: Path, keyint: int = 12, overwrite: bool = False,
          open_after: bool | None = None) -> ReencodeJob:
    """Start making the copy (refused while one is made)."""
    require_idle(win)
    check_output(src, dst, keyint, overwrite)  # a bad path is said now, not from the worker
    job = ReencodeJob(win, src, dst, keyint, overwrite, open_after)
    job.start()
    return job
