"""Exports that run in a worker, and their one owner: the summary report (its timeline PNG, drawn with matplotlib,
froze the window for 2.4 s on a 20-minute project when it ran on the GUI thread), the per-frame CSV (absolute or
relative to neutral: 36 000 rows held it for 1.1 s) and the XLSX events reports.

Their data is read in the worker, not copied on the GUI thread first (the summary's, ``merstudio.project.export.
summary_data``, held it for 0.2 s on 36 000 rows): :meth:`Exports.start_reading` takes a snapshot of the project on
the GUI thread (``merstudio.project.snapshot``: a read-only connection of its own to the project file, its read
transaction pinned, ~1 ms; never the GUI's connection, which stays on its thread): the project as it is when asked
for, whatever is committed meanwhile, a re-run included. The worker reads through it (the per-frame rows chunk by
chunk) and closes it. A project file moved or renamed while open is copied into memory through the GUI's connection
instead (60-160 ms for a 20-minute video's project), as no path reaches it any more. Every file
is written through the one atomic writer (``merstudio.atomic``: a reader sees the old file or the whole new one,
never a half-written one), so the coder may go on editing, switch videos or close the project meanwhile. One
export runs at a time: asking for another meanwhile is refused in one line. Closing the window stops the running
export at its next step (an export's progress call: the summary's once its CSV and PNG are written to their
temporaries, the per-frame table's every 5,000 rows), before anything is moved into place: the old files stay as
they were, no temporary is left, and the log says so. The step running is waited for (the summary's timeline: 1.8 s
to draw, 6 s with 50,000 events; it took 60 s with 3,000 when each event was an artist of its own); an export
whose last step is done is written, as before. The status bar's Cancel beside the busy bar (:attr:`Exports.
cancel_button`) stops it the same way at its next step, the window left open, and says so (an events XLSX's or
BORIS workbook's once it is built, before it is written; every video's events' after each video's times and before
the file is moved into place).

File > Export > Spreadsheet-safe CSV (off by default: a CSV stays exact for R and pandas) has the tables an export
wrote made safe for a spreadsheet once written (:func:`make_tables_safe`, the rule of `merstudio convert
--spreadsheet-safe`): in the worker for these exports, on the GUI thread for those written at once
(``MainWindow.export_done``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QToolButton

from merstudio.errors import InputError, MerstudioError
from merstudio.gui.workers import TaskWorker
from merstudio.project import Project
from merstudio.project.snapshot import read_snapshot

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# the tables an export writes that a spreadsheet opens as text tables, by their ending: their cell delimiter
TABLE_DELIMITERS = {".csv": ",", ".tsv": "\t", ".txt": "\t"}  # .txt: BORIS's tab-separated export


def make_tables_safe(paths: list[Path], decimal_comma: bool = False) -> int:
    """Each CSV/TSV table among ``paths`` rewritten for a spreadsheet: a cell it would run as a formula (``= + - @``
    first, e.g. a note "-2+3" or an emotion "=HYPERLINK(...)") gets an apostrophe before it, numbers stay numbers
    (``interchange.events_csv.make_spreadsheet_safe``, as `merstudio convert --spreadsheet-safe`). How many cells
    were changed. A per-frame table (numbers only) is left as written: the rewrite reads a table whole, and one of
    a 20-minute video with its landmarks is millions of cells; but not the relative one, whose neutral_frames
    ("1-16") a spreadsheet turns into dates. ``decimal_comma`` (File > Export > Decimal comma): ";" and 0,5 for
    a German or French Excel (`merstudio convert --decimal-comma`)."""
    from merstudio.features.neutral import NEUTRAL_COLUMN
    from merstudio.interchange.events_csv import make_spreadsheet_safe
    from merstudio.project.export import BASE_FRAME_COLUMNS

    per_frame = ",".join(BASE_FRAME_COLUMNS[:3])
    changed = 0
    for path in paths:
        delimiter = TABLE_DELIMITERS.get(path.suffix.lower())
        if delimiter is None:
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = fh.readline()
        if header.startswith(per_frame) and NEUTRAL_COLUMN not in header.rstrip("\r\n").split(","):
            continue
        changed += make_spreadsheet_safe(path, delimiter, decimal_comma)
    return changed


def safe_note(cells: int) -> str:
    """What follows "Exported …" once an export made ``cells`` cells spreadsheet-safe ("" for none); a follow-up
    note shown after it (a short analysis, commands._say_after) carries it too, so neither hides the other."""
    return f"; {cells} cell(s) read as a formula or a date given an apostrophe (spreadsheet-safe)" if cells else ""


class ExportStopped(MerstudioError):
    """Raised in an export's worker at its next step once the window closes (:meth:`Exports.shutdown`) or the coder
    pressed Cancel (:meth:`Exports.cancel`)."""


class Exports(QObject):
    busy = Signal(str, str)  # what is being written, short and whole ("" when nothing): the status bar shows it
    progress = Signal(int, int)  # done, total of the running export, where its work says (the busy bar shows it)

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win  # its messages: export_done / show_error
        self.worker: TaskWorker | None = None
        self._stop = threading.Event()  # set as the window closes or on Cancel: the export stops at its next step
        self._why = ""  # what stopped it, set before _stop: "the window closed" or "cancelled"
        self._made_safe: list[int] | None = None  # the running export's spreadsheet-safe cells (None: not asked)
        self.made_safe = 0  # the cells the last export written made spreadsheet-safe (said after "Exported …")
        # placed beside the busy bar by the window (main_window._build_status_bar), shown while an export runs
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel export")
        self.cancel_button.setToolTip("Stop the export at its next step: nothing is written, a file already there "
                                      "stays as it was")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()

    @property
    def running(self) -> bool:
        return self.worker is not None

    def require_idle(self) -> None:
        """Refuse a second export while one is written (called before the data is read)."""
        if self.worker is not None:
            raise InputError(f"export: the {self.worker.what} is still being written; wait for it to finish "
                             "(the status bar shows it)")

    def start(self, what: str, write: Callable[[Callable[[int, int], None]], list[Path]], busy: str = "") -> None:
        """Run ``write(progress)`` (which returns the paths written) in a worker. The exports come through
        :meth:`start_reading`: what ``write`` reads of the project it reads there, through a connection of its own.
        ``what`` names it in messages ("summary export of clip.avi"); ``busy``: the status bar's short text for it."""
        self.require_idle()
        self._stop.clear()
        stop = self._stop
        # the option as it is when asked for; the worker counts the cells it changed (read once it has ended)
        safe, cells = bool(getattr(self.win, "spreadsheet_safe", False)), [0]
        comma = bool(getattr(self.win, "decimal_comma", False))
        self._made_safe = cells if safe else None

        def stepped(progress: Callable[[int, int], None]) -> list[Path]:
            def step(done: int, total: int) -> None:
                if stop.is_set() and done < total:  # the last step said all is written: nothing left to stop
                    raise ExportStopped(f"{what}: stopped, {self._why} (nothing written)")
                progress(done, total)

            paths = write(step)
            if safe:  # written: no step left to stop it at
                cells[0] = make_tables_safe(paths, comma)
            return paths

        w = TaskWorker(stepped, what, self)
        w.progress.connect(self.progress)  # queued: the worker's thread emits it
        w.finished.connect(self._finished)  # queued: runs on the GUI thread once the thread's run() returned
        self.worker = w
        self.busy.emit(busy or f"Writing the {what}…", f"Writing the {what}…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        w.start()

    def cancel(self) -> None:
        """Cancel: the running export stops at its next step, before anything replaces a file (see the module);
        :meth:`_report` says so once its thread ends. The window stays open and is not held meanwhile."""
        w = self.worker
        if w is None or self._stop.is_set():
            return
        self._why = "cancelled"
        self._stop.set()
        self.cancel_button.setEnabled(False)
        self.win.statusBar().showMessage(f"Cancelling the {w.what}…")

    def start_reading(self, what: str, project: Project,
                      write: Callable[[Project, Callable[[int, int], None]], list[Path]], busy: str = "") -> None:
        """Run ``write(reader, progress)`` in a worker, ``reader`` a read-only snapshot of ``project`` of its own,
        taken here: the project as it is now (see the module); the worker closes it."""
        self.require_idle()
        reader = read_snapshot(project)
        try:
            def run(progress: Callable[[int, int], None]) -> list[Path]:
                try:
                    return write(reader, progress)
                finally:
                    reader.close()

            self.start(what, run, busy)
        except BaseException:
            reader.close()
            raise

    def _finished(self) -> None:
        w = self.worker
        if w is None or w.isRunning():  # already reported (the window closed and waited for it)
            return
        self._report(w)

    def _report(self, w: TaskWorker, closing: bool = False) -> None:
        self.worker = None
        w.wait()
        w.deleteLater()
        self.busy.emit("", "")
        self.cancel_button.hide()
        if isinstance(w.exception, ExportStopped):
            log.info("%s", w.error)
            if not closing:
                self.win.statusBar().showMessage(f"Cancelled the {w.what}: nothing written (a file already there "
                                                 "is as it was)", 15000)
        elif w.error:
            if closing:
                log.warning("%s", w.error)
            else:
                self.win.show_error(w.error)
        elif w.done:
            if closing:
                self.win.last_exports = list(w.result)
                log.info("exported %s", ", ".join(map(str, w.result)))
            else:
                made = self._made_safe
                self.made_safe = made[0] if made is not None else 0
                self.win.export_done(list(w.result), made_safe=self.made_safe)

    def shutdown(self) -> None:
        """The window is closing: the running export stops at its next step (see the module), its old files
        left as they were."""
        w = self.worker
        if w is None:
            return
        if not self._stop.is_set():  # (a Cancel before it stops it already)
            self._why = "the window closed"
            self._stop.set()
        self.win.statusBar().showMessage(f"Stopping the {w.what}…")
        self.win.statusBar().repaint()
        self._report(w, closing=True)

