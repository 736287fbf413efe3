"""Help menu: every key of the window, read from its menus and the window's own actions (so the list is never out of
step with what the keys do, the project's own behaviour keys included), and About: versions, the model in use, and
the bundled files' licences."""

from __future__ import annotations

import html
import platform
import sys
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QScrollArea,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui.look import fit_screen

KEYS_SHOWN = 24  # rows the keys list shows at its first size (the rest scroll)
MIN_KEYS_WIDTH = 720  # px: the keys list's width at the least (as it was), its columns' widths where more
ABOUT_CHARS = 72  # About's width in average characters of the app's font
MIN_ABOUT_WIDTH = 560  # px: About's width at the least (as it was)
LICENCE = "LICENSE-MediaPipe-Apache-2.0.txt"  # the blendshape model's licence, beside it in models/

# the group of the keys the window holds in no menu: the project's behaviour keys ("Code gaze away", 1), which
# gui/behaviours.py adds to the window itself (they change with the project)
OWN_KEYS = "Behaviours"


def key_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu path, action, keys) of every action with a key, in menu order, then the window's actions with a key
    that are in no menu (the behaviour keys, under OWN_KEYS); the '&' of menu mnemonics dropped."""
    rows: list[tuple[str, str, str]] = []
    in_menus: set[QAction] = set()
    for path, act in _actions(menu_bar.actions(), ()):
        in_menus.add(act)
        _add_row(rows, " > ".join(path), act)
    window = menu_bar.window()
    if window is not menu_bar:  # a menu bar of its own (no window): its menus only
        for act in window.actions():
            if act not in in_menus and act.menu() is None and not act.isSeparator():
                _add_row(rows, OWN_KEYS, act)
    return rows


def _add_row(rows: list[tuple[str, str, str]], path: str, act: QAction) -> None:
    keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty()]
    if keys:
        rows.append((path, _plain(act.text()), ", ".join(keys)))


def _actions(actions: list[QAction], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], QAction]]:
    for act in actions:
        menu = act.menu()
        if isinstance(menu, QMenu):
            yield from _actions(menu.actions(), (*path, _plain(menu.title())))
        elif not act.isSeparator():
            yield path, act


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class KeysDialog(QDialog):
    """The window's keys as a table with a filter: what a coder looks up without leaving the app. Read again while it
    is shown whenever the window's actions change (a behaviour added, its key changed), the filter kept."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.menu_bar = menu_bar
        self.rows: list[tuple[str, str, str]] = []
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter: a word of the action, a menu or a key (e.g. onset, Ctrl, Space)")
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Menu"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)  # a list, not a form
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        # every column as wide as its text; a window narrower than that (a big font on a small screen) scrolls
        # sideways rather than cutting the actions short ("Open …" at 20 pt)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.filter.textChanged.connect(self._filter)
        # one re-read per burst of changes (a project's behaviours are rebuilt all at once)
        self._reread = QTimer(self)
        self._reread.setSingleShot(True)
        self._reread.setInterval(0)
        self._reread.timeout.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = self.box_layout = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.refresh()
        self.resize(self._natural_size())
        fit_screen(self)

    def _natural_size(self) -> QSize:
        """Every column whole and about KEYS_SHOWN rows at the app's font (fit_screen caps it to the screen; the rows
        scroll): a fixed 720 x 640 cut the Action column at a 16-pt font."""
        t = self.table
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        m = self.box_layout.contentsMargins()
        columns = sum(max(t.sizeHintForColumn(c), t.horizontalHeader().sectionSizeHint(c)) for c in range(3))
        width = max(MIN_KEYS_WIDTH, columns + bar + 2 * t.frameWidth() + m.left() + m.right())
        rows = t.horizontalHeader().sizeHint().height() + KEYS_SHOWN * t.verticalHeader().defaultSectionSize()
        rest = self.box_layout.sizeHint().height() - t.sizeHint().height()  # the filter, the button, the gaps
        return QSize(width, rows + 2 * t.frameWidth() + rest)

    def refresh(self) -> None:
        """Read the keys again; the table is refilled only where they changed."""
        rows = key_rows(self.menu_bar)
        if rows == self.rows:
            return
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, (menu, text, keys) in enumerate(rows):
            self.table.setRowHidden(r, False)  # sized to every row, not to those the filter left
            for c, value in enumerate((keys, text, menu)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        for c in range(3):
            self.table.resizeColumnToContents(c)
        self._filter(self.filter.text())

    # the window is watched only while the list is shown: a closed one costs nothing and is read again on show
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.menu_bar.window().installEventFilter(self)
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.menu_bar.window().removeEventFilter(self)
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.ActionAdded, QEvent.Type.ActionRemoved, QEvent.Type.ActionChanged):
            self._reread.start()
        return False

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for r, row in enumerate(self.rows):
            hay = " ".join(row).lower()
            self.table.setRowHidden(r, not all(w in hay for w in words))

    def shown_rows(self) -> list[tuple[str, str, str]]:
        return [row for r, row in enumerate(self.rows) if not self.table.isRowHidden(r)]


def about_text(checkpoint: str = "") -> str:
    """Versions (merstudio, Python, Qt, torch, OpenCV, MediaPipe), the model in use, and the bundled files'
    licences, as rich text."""
    import merstudio

    versions = [("merstudio", merstudio.__version__), ("Python", platform.python_version())]
    for name, module in (("PySide6 (Qt)", "PySide6"), ("torch", "torch"), ("OpenCV", "cv2"),
                         ("MediaPipe", "mediapipe"), ("numpy", "numpy")):
        versions.append((name, _version(module)))
    rows = "".join(f"<tr><td>{k}</td><td>&nbsp;{v}</td></tr>" for k, v in versions)
    model = f"<p>Model in use: {checkpoint}</p>" if checkpoint else ""
    from merstudio.resources import resources_dir

    res = resources_dir()  # the folder this installation reads (a checkout's resources/, merstudio/_resources, ...)

    def where(*parts: str) -> str:
        return html.escape(str(res.joinpath(*parts)))

    return (f"<h3>merstudio {merstudio.__version__}</h3>"
            "<p>Micro-expression coding: per-frame action units, a spatiotemporal network's proposals, "
            "onset/apex/offset events, agreement between coders. MIT licence.</p>"
            f"<table>{rows}</table>{model}"
            f"<p>Bundled: MediaPipe's face blendshape model (Apache-2.0; {where('models', LICENCE)}) and its numpy "
            "port; the starter network (MIT, trained on synthetic faces only); the demo clip, made from "
            f"scikit-image's public-domain astronaut photograph ({where('demo', 'LICENSE.md')}). No dataset is "
            "shipped; nothing is downloaded at run time.</p>"
            "<p>Command line: <code>merstudio --help</code>; a check of this machine: "
            "<code>merstudio doctor</code>.</p>")


def _version(module: str) -> str:
    if module == "PySide6":
        import PySide6
        from PySide6 import QtCore

        return f"{PySide6.__version__} (Qt {QtCore.qVersion()})"
    mod: Any = sys.modules.get(module)
    if mod is None:
        try:
            mod = __import__(module)
        except Exception:  # an optional part missing or broken: About still opens
            return "not available"
    return str(getattr(mod, "__version__", "?"))


class AboutDialog(QDialog):
    def __init__(self, checkpoint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About merstudio")
        self.text = QLabel(about_text(checkpoint), self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        # in a scroll area, as wide as ABOUT_CHARS characters of the app's font and as tall as the text then is: a
        # fixed 560 x 420 cut the licence paragraph at a 16-pt font (fit_screen caps it; the text scrolls)
        scroll = QScrollArea(self)
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll, 1)
        lay.addWidget(buttons)
        m = lay.contentsMargins()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        text = max(self.fontMetrics().averageCharWidth() * ABOUT_CHARS, self.text.minimumSizeHint().width())
        height = self.text.heightForWidth(text) + buttons.sizeHint().height() + lay.spacing() + m.top() + m.bottom()
        self.resize(max(MIN_ABOUT_WIDTH, text + bar + m.left() + m.right()), height)
        fit_screen(self)
