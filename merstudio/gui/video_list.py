"""The Videos dock's list and moving between the project's videos from the keyboard.

While the list has the focus, its own keys are its own: Return (either Enter key) opens the video of the current
row, Home / End / PageUp / PageDown move in the list. Elsewhere those keys are the window's (edit the selected
event, first / last frame, ten seconds), and a window shortcut is taken before a widget sees its key, so the list
claims them on ShortcutOverride. View > Next video / Previous video (Ctrl+PgDown / Ctrl+PgUp) work from anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget

from merstudio.gui.commands import AppCommand, CommandContext, Params

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

_K = Qt.Key
OPEN_KEYS = (_K.Key_Return, _K.Key_Enter)
LIST_KEYS = (*OPEN_KEYS, _K.Key_Home, _K.Key_End, _K.Key_PageUp, _K.Key_PageDown)


class VideoList(QListWidget):
    """One row per video (its id under UserRole); ``itemActivated`` opens it (a double-click, Return)."""

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and _own_key(e):
            e.accept()  # the key press comes to the list, not to the window's shortcut
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        if e.key() in OPEN_KEYS and item is not None:  # on every platform (macOS' item views edit on Return)
            self.itemActivated.emit(item)
            e.accept()
            return
        super().keyPressEvent(e)

    def show_current(self, video_id: int | None) -> None:
        """Mark the row of the video shown (the keyboard moves on from there)."""
        for i in range(self.count()):
            it = self.item(i)
            if video_id is not None and it.data(Qt.ItemDataRole.UserRole) == video_id:
                self.setCurrentItem(it)  # selects it too (single selection)
            it.setSelected(video_id is not None and it.data(Qt.ItemDataRole.UserRole) == video_id)


def _own_key(e: QKeyEvent) -> bool:
    # unmodified (the keypad's Enter carries KeypadModifier): Ctrl+PgDown and the like stay the window's
    return e.key() in LIST_KEYS and not (e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)


class SelectVideo(AppCommand):
    """Show a video of the open project (``video_id``), as a double-click in the Videos list does."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.session.select_video(int(params["video_id"]))


class StepVideo(AppCommand):
    """Show the next (``step`` +1) or previous (-1) video of the project, in the Videos list's order; past either
    end the status bar says so (no wrap: the coder knows they went through them all)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win: MainWindow = ctx.win
        video = win.require_video()
        assert win.project is not None
        ids = [v.id for v in win.project.videos()]
        j = ids.index(video.id) + int(params["step"]) if video.id in ids else 0
        if not 0 <= j < len(ids):
            win.statusBar().showMessage(f"{video.name} is the {'last' if j >= len(ids) else 'first'} video of "
                                        "the project", 4000)
            return
        win.session.select_video(ids[j])
