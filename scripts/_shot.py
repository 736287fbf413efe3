"""What the screenshot scripts share: the offscreen QApplication, a MainWindow on throw-away settings at a given
size, waiting for the shown frame, and saving a widget to PNG. Imported as ``_shot`` (scripts/ is on sys.path when
a script runs); importing it selects the offscreen platform unless QT_QPA_PLATFORM says otherwise."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def app(argv: Sequence[str] | None = None) -> Any:
    """The QApplication, made as the app makes it (merstudio.gui.app.make_app)."""
    from merstudio.gui.app import make_app

    return make_app(argv)


def make_window(tmp: str | os.PathLike[str], size: tuple[int, int], coder: str = "demo-coder",
                **kwargs: Any) -> Any:
    """A shown MainWindow of ``size`` (width, height) whose QSettings live in ``tmp``/settings.ini with ``coder`` as
    the coder; ``kwargs`` go to MainWindow. Make the QApplication (``app()``) first."""
    from PySide6.QtCore import QSettings

    from merstudio.gui.main_window import MainWindow

    settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("coder", coder)
    win = MainWindow(qsettings=settings, **kwargs)
    win.resize(*size)
    win.show()
    return win


def pump(n: int = 20) -> None:
    """Let Qt handle ``n`` rounds of pending events (layout, repaints)."""
    from PySide6.QtWidgets import QApplication

    for _ in range(n):
        QApplication.processEvents()


def wait_open(win: Any) -> None:
    """Until the video being opened in the window (in a worker once it takes longer than video_opening.GRACE_MS) is
    shown: RunAnalysis refuses while one is still opening ("... is still being opened")."""
    from PySide6.QtWidgets import QApplication

    while win.session.opener.worker is not None:
        QApplication.processEvents()


def wait_analysis(win: Any) -> None:
    """Until the analysis running in the window (``win.worker``) has finished."""
    from PySide6.QtWidgets import QApplication

    while win.worker is not None:
        QApplication.processEvents()


def wait_frame(win: Any) -> None:
    """Until the frame loader (``win.transport.loader``) shows the current frame."""
    from PySide6.QtWidgets import QApplication

    while win.transport.loader is not None and win.video_view.frame_index != win.current_frame:
        QApplication.processEvents()


def save(widget: Any, path: Path, announce: bool = True) -> Path:
    """Grab ``widget`` (a window, a dialog, a lane) to the PNG ``path``; say so unless ``announce`` is False."""
    widget.grab().save(str(path))
    if announce:
        print(f"wrote {path}")
    return path
