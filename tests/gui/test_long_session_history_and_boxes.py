"""A project open all week: the Undo history view costs the same per step however long the history (QUndoView reset
and laid out every row on each step: edit+undo+redo 31 ms at 41 steps, 220 ms at 10,040), and the message boxes
shown are freed once closed (300 boxes kept +66 MB), their texts kept to the last MESSAGES_KEPT (audit a60)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox


def _flush(qtbot) -> None:
    for _ in range(3):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _push(stack: QUndoStack, n: int) -> None:
    for i in range(n):
        stack.push(QUndoCommand(f"step {stack.count() + 1} ({i})"))


def test_the_history_view_lays_rows_out_as_one_and_follows_no_stack_while_hidden(qtbot):
    from merstudio.gui.undo import HistoryView

    stack = QUndoStack()
    view = HistoryView(stack)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.uniformItemSizes()  # one row's size stands for all: no row measured on a step
    _push(stack, 5)
    assert view.model().rowCount() == 6  # "<empty>" + five steps
    resets: list[int] = []
    view.hide()
    view.model().modelReset.connect(lambda: resets.append(1))
    _push(stack, 40)
    stack.undo()
    stack.redo()
    assert resets == []  # hidden (its dock closed or behind Videos): no step touches the view
    view.show()
    qtbot.waitExposed(view)
    assert view.model().rowCount() == 46  # shown again: the whole history, as it is now
    assert view.currentIndex().row() == 45  # the current step selected
    stack.undo()
    assert view.currentIndex().row() == 44  # and it follows the stack again
    view.setCurrentIndex(view.model().index(2, 0))  # a click on a row moves the stack there
    assert stack.index() == 2


def test_the_windows_history_view_is_uniform_and_idle_when_its_dock_is_closed(qtbot, window, video_path):
    from merstudio.gui import commands as C

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.undo_view.uniformItemSizes()
    win.history_dock.hide()
    resets: list[int] = []
    win.undo_view.model().modelReset.connect(lambda: resets.append(1))
    for on in (5, 20, 40):
        assert win.ctx.execute(C.NewEvent, onset=on, apex=on + 1, offset=on + 4)
    win.undo_stack.undo()
    assert resets == []
    win.history_dock.show()
    qtbot.waitUntil(lambda: win.undo_view.model().rowCount() == 4)  # "<opened>" + three events
    assert win.undo_view.currentIndex().row() == 2


def test_closed_message_boxes_are_freed(qtbot, window):
    win = window
    _flush(qtbot)
    before = len(win.findChildren(QMessageBox))
    for i in range(40):
        win.show_error(f"error {i}")
        win.show_info(f"info {i}")
        _flush(qtbot)
    # one box of each kind open (the last); the 78 closed before them are gone
    assert len(win.findChildren(QMessageBox)) - before == 2
    assert win._error_box.text() == "error 39" and win._info_box.text() == "info 39"
    win._error_box.close()  # the coder's OK
    win._info_box.close()
    _flush(qtbot)
    assert len(win.findChildren(QMessageBox)) == before
    win.show_error("after the OK")  # a box closed (and freed) by the coder is no obstacle to the next
    _flush(qtbot)
    assert win._error_box.text() == "after the OK" and win.errors[-1] == "after the OK"


def test_the_message_texts_kept_are_the_last_ones(qtbot, window):
    from merstudio.gui import main_window

    win = window
    kept = getattr(main_window, "MESSAGES_KEPT", 200)
    for i in range(kept + 50):
        win.show_info(f"report {i}")
    _flush(qtbot)
    assert len(win.infos) == kept and win.infos[-1] == f"report {kept + 49}" and win.infos[0] == "report 50"
