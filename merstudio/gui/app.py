"""Creating the QApplication and running the main window."""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)


def prepare_qt_paths() -> None:
    """Qt's folders as the app's, before Qt first looks at them (settings, the app's data folder): the app's names
    (they name both folders), and HOME where it is unset or empty (cron, systemd, ``env -u HOME``). Qt then takes /
    as home (settings in /.config, projects of read-only videos in /.local/share, "make its folder writable"
    meaning /) while Python takes the passwd entry's (the cache in ~/.cache): HOME is set to that one for this
    process, so that both name one home."""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.setOrganizationName("merstudio")
    QCoreApplication.setApplicationName("merstudio")
    if os.name != "posix" or os.environ.get("HOME"):
        return
    try:
        import pwd

        home = pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError):  # a user with no passwd entry (a container's uid): Qt's / stays
        return
    if home:
        os.environ["HOME"] = home


def make_app(argv: Sequence[str] | None = None) -> Any:
    """The QApplication (created once). cv2's import points QT_QPA_PLATFORM_PLUGIN_PATH at its own Qt5 plugins,
    which would make Qt6 load the wrong platform plugin: clear it first."""
    os.environ.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    prepare_qt_paths()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv or ["merstudio"]))
    app.setOrganizationName("merstudio")
    app.setApplicationName("merstudio")
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=False, foreground="k")
    return app


def freeze_heap() -> None:
    """Exempt every object alive now (the imports, the window) from garbage collection: they live as long as the
    app, and a full collection walking them stalled the window ~50 ms while an analysis streamed
    (merstudio.gui.bench). Call once the window is up."""
    gc.collect()
    gc.freeze()


def open_path(window: Any, path: str | os.PathLike[str]) -> bool:
    """Open a project file or a video (file or image folder) in the window; errors become a dialog."""
    from merstudio.gui import commands as C
    from merstudio.project import PROJECT_SUFFIX

    p = Path(path)
    if p.suffix == PROJECT_SUFFIX:
        return window.ctx.execute(C.OpenProject, path=str(p))
    return window.ctx.execute(C.OpenVideo, path=str(p))


def start_demo(window: Any) -> None:
    """On the bundled demo: load the starter model and, unless its results are stored already, run the analysis so
    a first-time user sees the curves grow (reopening later is instant)."""
    from merstudio.gui import commands as C
    from merstudio.resources import starter_checkpoint

    ckpt = starter_checkpoint()
    if ckpt is not None:
        window.ctx.execute(C.LoadCheckpoint, path=str(ckpt), confirmed=True)
    proj, video = window.project, window.video
    if proj is not None and video is not None:
        from merstudio.analysis.pipeline import ANALYSIS_REVISION, analysis_revision

        stored = proj.analysis(video.id)
        # an analysis stored by an earlier merstudio is made again: the demo shows what this one computes
        if stored is None or stored.status != "complete" or analysis_revision(stored.settings) < ANALYSIS_REVISION:
            window.ctx.execute(C.RunAnalysis)


def run_app(argv: Sequence[str] = (), demo: bool = False) -> int:
    """Open the main window (on ``argv[0]``, a video or project, when given) and run the event loop."""
    app = make_app([sys.argv[0] if sys.argv else "merstudio"])
    from merstudio.gui.main_window import MainWindow

    win = MainWindow()
    sys.excepthook = excepthook_for(win)
    with StopSignals(app) as stop:
        win.show()
        if argv and open_path(win, argv[0]) and demo:
            start_demo(win)
        freeze_heap()
        code = app.exec()
        return end(win, stop.signum, int(code))


def excepthook_for(win: Any) -> Callable[[type[BaseException], BaseException, TracebackType | None], None]:
    """The app's sys.excepthook: an exception escaping a slot would abort the app; it is logged and shown in
    ``win`` (show_error), the app running on. Once the window is destroyed (dispose: a slot of an item deleted
    with it) it is logged only: showing it there raised again ("Error in sys.excepthook", two tracebacks at a
    Ctrl-C or SIGTERM)."""
    from shiboken6 import isValid

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unhandled:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if not isValid(win):
            return
        try:
            win.show_error(f"unexpected error: {kind.__name__}: {exc}")
        except Exception:  # noqa: BLE001 - an excepthook that raises prints its traceback over the first one's
            log.exception("showing an unexpected error")

    return excepthook


class StopSignals:
    """Ctrl-C, SIGTERM and SIGHUP (a closed terminal, logout, `timeout`, systemd) quit the app at once, asking
    nothing (:func:`end` then stops an analysis, keeping its rows, and closes the project). A Python handler runs
    only where the interpreter runs, at whatever line that is (a Qt virtual, a slot): raising there went to the
    excepthook as "unexpected error: Interrupted" and the app ran on, holding its project's lock. So the handler
    only records the signal; the wakeup fd (signal.set_wakeup_fd) wakes Qt's loop through a QSocketNotifier, whose
    slot quits the event loops (a modal dialog's too). A signal ignored when the app starts (SIGHUP under nohup)
    stays ignored (interrupts.handling). Main thread only."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.signum: int | None = None  # the first stop signal that came
        self._stack = ExitStack()

    def __enter__(self) -> StopSignals:
        from PySide6.QtCore import QSocketNotifier

        from merstudio.interrupts import handling

        self._read, self._write = socket.socketpair()
        for s in (self._read, self._write):
            s.setblocking(False)
        old_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._stack.callback(signal.set_wakeup_fd, old_fd)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._woken)
        self._stack.enter_context(handling(self._record))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self._notifier.setEnabled(False)
        self._notifier.deleteLater()
        self._read.close()
        self._write.close()

    def _record(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum

    def _woken(self) -> None:
        came = b""
        try:
            while chunk := self._read.recv(64):
                came += chunk
        except OSError:  # drained (BlockingIOError)
            pass
        for signum in came:  # the fd holds each signal's number: taken here too should its handler not have run yet
            if self.signum is None and signal.getsignal(signum) == self._record:
                self.signum = signum
        if self.signum is not None:
            self.app.exit(128 + self.signum)  # every running loop ends (Qt 6): the main one and a modal's


def end(win: Any, signum: int | None, code: int) -> int:
    """After the event loop: the window's threads stopped and its project closed (:func:`dispose`). Ended by a
    stop signal (:class:`StopSignals`), a running analysis is stopped first, keeping its rows, the window's layout
    is saved as its close saves it (no closeEvent came: nothing was asked), the project is closed without being
    compacted, and the exit status and line name the signal (130 "interrupted", 143 "stopped by SIGTERM", 129), as
    for any command."""
    if signum is not None:
        from merstudio.gui import remembered

        worker = getattr(win, "worker", None)
        if worker is not None:  # first: its child, signalled with the app's process group (`timeout`, Ctrl-C in a
            worker.cancel()  # terminal), waits for this stop a few seconds only (analysis.remote.STOP_GRACE)
        win.session.compact_on_close = False  # at once: a mostly-free project is compacted at its next close
        try:
            remembered.save_layout(win, win.qsettings)
        except Exception:  # noqa: BLE001 - the project's close must still come
            log.exception("saving the layout at a stop signal")
    dispose(win)
    if signum is None:
        return code
    from merstudio import interrupts

    try:
        print(f"merstudio: {interrupts.stop_line(signum)}", file=sys.stderr)
    except (OSError, ValueError):  # after a SIGHUP the terminal may be gone
        pass
    return interrupts.exit_code(signum)


def dispose(win: Any) -> None:
    """Stop the window's threads, close its project, and destroy it now, while the QApplication lives. Left to
    the interpreter's teardown, the window and its views were destroyed in no fixed order after the application,
    and exit segfaulted now and then (the workbench screenshot script every time once the events table's
    keyboard slot and the timeline's mark items were added; our reading: a C++ destructor reaching Python
    objects already collected)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    win.shutdown()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
