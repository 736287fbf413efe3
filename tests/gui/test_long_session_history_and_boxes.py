"""A project open all week: the Undo history view costs the same per step however long the history (QUndoView reset
and laid out every row on each step: edit+undo+redo 31 ms at 41 steps, 220 ms at 10,040), and the message boxes
shown are freed once closed (300 boxes kept +66 MB), their texts kept to the last MESSAGES_KEPT (audit a60)."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack


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
