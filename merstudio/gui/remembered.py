"""What the app remembers between sessions (QSettings): its one home for reading, checking and saving them.

Where they live: ``~/.config/merstudio/merstudio.conf`` on Linux (``$XDG_CONFIG_HOME``), ``~/Library/Preferences/
com.merstudio.merstudio.plist`` on macOS, the registry key ``HKEY_CURRENT_USER\\Software\\merstudio\\merstudio`` on
Windows (:func:`settings_file`). Moving that file aside (merstudio closed) resets them all.

Every value is checked for its type before use: a value another version wrote, one cut short or edited by hand
(``geometry=@Rect(0 0 800 600)`` made the window's constructor raise, so the app could not start) is ignored, said in
one status-bar line naming the file, and its default used. Settings that cannot be saved (a read-only file or folder,
``~/.config/merstudio`` being a file) are said once per session: the coder set today was tomorrow's old one, without a
word. The recent-projects list is read from the file before each change, so two windows keep each other's entries.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt

from merstudio.gui.look import fit_screen

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

log = logging.getLogger(__name__)

RECENT = "recentProjects"
# the folders/ kind of the folder last chosen for a project that could be made neither beside its video nor in the
# app's data folder: the next such video's project is made there without asking (session._create_for_video)
PROJECTS_ELSEWHERE = "projects_elsewhere"
MAX_RECENT = 8
DEFAULT_SIZE = QSize(1400, 900)  # fitted to the screen's free area (look.fit_screen)
SAID_UNSAVED = "merstudioUnsavedSaid"  # a dynamic property of the QSettings: said once per session
UNSAVED = "settings cannot be saved ({path}): coder, recent list and layout will not be kept"


def _is_bytes(v: Any) -> bool:
    return isinstance(v, (QByteArray, bytes, bytearray)) and not QByteArray(v).isEmpty()


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_flag(v: Any) -> bool:  # written "true"/"false" (an INI file reads every value back as a string)
    return isinstance(v, bool) or (isinstance(v, str) and v.lower() in ("true", "false"))


def _is_count(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool) and v >= 0) or (isinstance(v, str) and v.isdigit())


def _is_paths(v: Any) -> bool:  # an INI file gives a one-entry list back as a plain string
    return isinstance(v, str) or (isinstance(v, (list, tuple)) and all(isinstance(p, str) for p in v))


# every value the app reads, with the type it must have; a key under "folders/" is a dialog's last folder
KINDS: dict[str, Callable[[Any], bool]] = {
    "geometry": _is_bytes,
    "windowState": _is_bytes,
    "coder": _is_str,
    RECENT: _is_paths,
    "analysis/max_faces": _is_count,
    "analysis/covers": _is_flag,
    "analysis/model_gate": _is_flag,
    "export/spreadsheet_safe": _is_flag,
    "export/decimal_comma": _is_flag,
}


def settings_file(settings: QSettings | None = None) -> str:
    """Where the settings live (a file, or on Windows a registry key)."""
    s = settings if settings is not None else QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                                                        "merstudio", "merstudio")
    return s.fileName()


# ---------------------------------------------------------------------------------------------- checked on start
def check(settings: QSettings) -> list[str]:
    """The known keys whose value is not of its type, removed (every reader then gets its default; the next save
    writes a good one). Called once, before anything reads them."""
    bad = []
    for key in settings.allKeys():
        ok = KINDS.get(key, _is_str if key.startswith("folders/") else None)
        v = settings.value(key)
        if ok is not None and v is not None and not ok(v):
            bad.append(key)
            settings.remove(key)
    return bad  # said, with what the layout's restore found, by restore_layout


def ignored_line(settings: QSettings, keys: list[str]) -> str:
    return f"settings {', '.join(keys)} could not be read, defaults used ({settings.fileName()})"


def restore_layout(win: QMainWindow, settings: QSettings, ignored: list[str]) -> bool:
    """The window's size, place and docks as kept at the last close; the default size fitted to the screen where
    none was kept, where it cannot be restored, or where it was kept on another screen (Qt then shrinks it to its
    own fallback: 593x512 in a corner of a 1366x768 laptop for a window kept on a 4K monitor). Says what was
    ignored (``ignored``: :func:`check`'s), and that the settings cannot be saved, in one status-bar line. True: the
    docks' layout was restored."""
    bad = list(ignored)
    geo = settings.value("geometry")
    kept = _kept_size(bytes(QByteArray(geo).data())) if geo is not None and _is_bytes(geo) else None
    if geo is None:
        fitted_default(win)
    elif kept is None:  # cut short, or not Qt's
        bad.append("geometry")
        fitted_default(win)
    # Qt 6.12 answers False where it had to move or shrink the window to fit the screen
    elif not win.restoreGeometry(QByteArray(geo)) or not _fits(win, kept):
        log.info("the window's size kept at the last close does not fit this screen: the default size used")
        fitted_default(win)
    else:
        fit_screen(win)
    state = settings.value("windowState")
    restored = False
    if state is not None and _is_bytes(state):
        restored = win.restoreState(QByteArray(state))
        if not restored:
            bad.append("windowState")
    lines = [ignored_line(settings, sorted(set(bad)))] if bad else []
    if not settings.isWritable():
        lines.append(_unsaved_line(settings))
    if lines:
        line = "; ".join(lines)
        log.warning("%s", line)
        win.statusBar().showMessage(line, 30000)
    return restored


def fitted_default(win: QMainWindow) -> None:
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(DEFAULT_SIZE)
    fit_screen(win)


def _kept_size(kept: bytes) -> QSize | None:
    """The window's size in a geometry QWidget::saveGeometry wrote (an empty QSize: it was maximized or full
    screen); None where it is not one (cut short, another program's). Qt's layout, big-endian: magic, major and
    minor version, frame rect, normal rect, screen, maximized, full screen, screen width (2.0), geometry (3.0); a
    QRect streams its inclusive corners."""
    try:
        magic, major, _minor = struct.unpack_from(">IHH", kept)
        normal = struct.unpack_from(">4i", kept, 24)
        maximized, full = struct.unpack_from(">BB", kept, 44)
        left, top, right, bottom = struct.unpack_from(">4i", kept, 50) if major >= 3 else normal
    except struct.error:
        return None
    if magic != 0x1D9D0CB or right < left or bottom < top:
        return None
    return QSize() if maximized or full else QSize(right - left + 1, bottom - top + 1)


def _fits(win: QMainWindow, kept: QSize) -> bool:
    """Whether Qt restored the size that was kept, within this screen's free area: else it scaled it for another
    screen's width, or shrank it to fit."""
    if kept.isEmpty():  # maximized or full screen: the screen's size, whichever it is
        return True
    screen = win.screen()
    avail = screen.availableGeometry() if screen is not None else None
    return win.size() == kept and (avail is None or (kept.width() <= avail.width()
                                                     and kept.height() <= avail.height()))


def save_layout(win: QMainWindow, settings: QSettings) -> None:
    """At the window's close: its size, place and docks, written at once and checked (:func:`saved`)."""
    settings.setValue("geometry", win.saveGeometry())
    settings.setValue("windowState", win.saveState())
    saved(win, settings)


# ---------------------------------------------------------------------------------------------- saved or said
def _unsaved_line(settings: QSettings) -> str:
    settings.setProperty(SAID_UNSAVED, True)
    return UNSAVED.format(path=settings.fileName())


def saved(win: Any, settings: QSettings) -> bool:
    """Write what was set to the file now and check it was: where it cannot be, say so once per session (the
    status bar and the log). True: saved."""
    settings.sync()
    if settings.status() == QSettings.Status.NoError:
        return True
    if not settings.property(SAID_UNSAVED):
        line = _unsaved_line(settings)
        log.warning("%s", line)
        win.statusBar().showMessage(line, 30000)
    return False


def keep(win: Any, settings: QSettings, key: str, value: Any) -> bool:
    """Set one value and save it (:func:`saved`)."""
    settings.setValue(key, value)
    return saved(win, settings)


# ---------------------------------------------------------------------------------------------- recent projects
def recent(settings: QSettings) -> list[str]:
    """File > Recent projects, newest first, as in the file now (another window may have added one since)."""
    settings.sync()
    v = settings.value(RECENT, [])
    if isinstance(v, str):  # an INI file gives a one-entry list back as a plain string
        return [v]
    return [p for p in v if isinstance(p, str)] if isinstance(v, (list, tuple)) else []


def add_recent(win: Any, settings: QSettings, path: Path, replacing: Path | None = None) -> None:
    """``path`` first in the recent list (``replacing`` taken out: a project moved while open)."""
    gone = {str(path.resolve())} | ({str(replacing.resolve())} if replacing is not None else set())
    paths = [str(path.resolve())] + [p for p in recent(settings) if p not in gone]
    keep(win, settings, RECENT, paths[:MAX_RECENT])


def forget_recent(win: Any, settings: QSettings, path: str | Path | None = None) -> bool:
    """Take ``path`` out of the recent list (None: clear it); True when it was there."""
    paths = recent(settings)
    left = [] if path is None else [p for p in paths if p not in (str(path), str(Path(path).resolve()))]
    if left == paths:
        return False
    keep(win, settings, RECENT, left)
    return True


# ---------------------------------------------------------------------------------------------- dialogs' folders
def last_folder(settings: QSettings, kind: str) -> str:
    """The folder a file dialog of this kind ("video", "project", "import", …) was last used in; "" (the
    launch folder) where none was, or it is gone."""
    v = settings.value(f"folders/{kind}")
    return v if isinstance(v, str) and v and Path(v).is_dir() else ""


def keep_folder(win: Any, settings: QSettings, kind: str, chosen: str) -> None:
    """The folder of the file chosen in a dialog of this kind: the next one starts there."""
    folder = str(Path(chosen).parent)
    if settings.value(f"folders/{kind}") != folder:
        keep(win, settings, f"folders/{kind}", folder)
