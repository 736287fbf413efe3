"""Mouse and key helpers for driving pyqtgraph and the window like a user."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def plot_to_widget(timeline, plot, x: float, y: float) -> QPoint:
    """Widget (viewport) pixel of data point (x, y) in one of the timeline's plots."""
    scene = plot.vb.mapViewToScene(QPointF(x, y))
    return timeline.mapFromScene(scene)


def _send(widget, kind, pos: QPoint, button, buttons) -> None:
    gpos = widget.mapToGlobal(pos)
    ev = QMouseEvent(kind, QPointF(pos), QPointF(gpos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)


def drag(widget, p0: QPoint, p1: QPoint, steps: int = 8) -> None:
    """Press at p0, move in steps with the left button held (QTest.mouseMove cannot hold a button), release."""
    left = Qt.MouseButton.LeftButton
    _send(widget, QEvent.Type.MouseMove, p0, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    _send(widget, QEvent.Type.MouseButtonPress, p0, left, left)
    for k in range(1, steps + 1):
        p = QPoint(p0.x() + (p1.x() - p0.x()) * k // steps, p0.y() + (p1.y() - p0.y()) * k // steps)
        _send(widget, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, left)
        QApplication.processEvents()
    _send(widget, QEvent.Type.MouseButtonRelease, p1, left, Qt.MouseButton.NoButton)
    QApplication.processEvents()


def click(widget, p: QPoint) -> None:
    left = Qt.MouseButton.LeftButton
    _send(widget, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
    _send(widget, QEvent.Type.MouseButtonPress, p, left, left)
    _send(widget, QEvent.Type.MouseButtonRelease, p, left, Qt.MouseButton.NoButton)
    QApplication.processEvents()
