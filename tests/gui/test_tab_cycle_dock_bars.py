"""The Tab cycle stops only where the coder can see the focus: the timeline, the "AUs" button, the two tables, the
Videos list, the undo history and the two dock tab bars, each drawn where it is (no orphan tab bar behind the
video: Qt 6.12 left one when two pairs of docks were tabbed before the window was shown). On a dock's tab bar Left /
Right switch its tabs (they stepped frames), and the widget with the focus wears a visible frame (Fusion drew none
on the timeline or the AUs button). Real key presses, as a keyboard-only coder's."""

from __future__ import annotations

import numpy as np
import pytest
from gui_fixtures import shown_window
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QTabBar

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _cycle(qtbot, win, seen_where: list | None = None) -> list:
    """The widgets Tab reaches from the timeline until it comes back to it (at most 20 presses); ``seen_where``
    gets whether each was drawn where it is when it had the focus."""
    win.activateWindow()
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.timeline)
    seen = []
    for _ in range(20):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        w = QApplication.focusWidget()
        if w is win.timeline:
            return seen
        seen.append(w)
        if seen_where is not None:  # (a dock raised for its widget is laid out in the next turns of the loop)
            try:
                qtbot.waitUntil(lambda w=w: w.isVisible() and _drawn_at_its_place(win, w), timeout=2000)
                seen_where.append(True)
            except qtbot.TimeoutError:
                seen_where.append(False)
    raise AssertionError(f"Tab never came back to the timeline: {seen}")


def _drawn_at_its_place(win, w) -> bool:
    """What the window shows at the widget's centre is the widget (or a part of it), not something over it."""
    at = win.childAt(w.mapTo(win, w.rect().center()))
    return at is not None and (at is w or w.isAncestorOf(at))


def _tabs(bar: QTabBar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]


def _check_cycle(qtbot, win) -> None:
    drawn: list[bool] = []
    stops = _cycle(qtbot, win, drawn)
    bars = [w for w in stops if isinstance(w, QTabBar)]
    assert stops[:6] == [win.au_button, win.table, win.behaviours.table, win.video_list, win.undo_view, *bars][:6]
    assert sorted(map(_tabs, bars)) == [["Events", "Behaviours"], ["Undo history", "Videos"]]
    assert len(stops) == 5 + 2  # past the timeline: five widgets and two tab bars, each once
    assert all(drawn), [(w, _tabs(w) if isinstance(w, QTabBar) else "") for w, ok in zip(stops, drawn, strict=True) if not ok]


def test_every_tab_stop_is_drawn_where_it_is(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    _check_cycle(qtbot, win)


def test_a_restored_layout_has_no_dead_stop_either(qtbot, qsettings, fake_analysis):
    first = shown_window(qtbot, qsettings)
    first.close()  # keeps its window state: the next start restores it
    assert qsettings.value("windowState") is not None
    win = shown_window(qtbot, qsettings)
    try:
        _check_cycle(qtbot, win)
        assert win.tabifiedDockWidgets(win.events_dock) == [win.behaviours.dock]
    finally:
        win.shutdown()


def test_left_and_right_on_a_dock_tab_bar_switch_its_tabs_not_the_frame(qtbot, window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    win.transport.go_to(10)
    bar = next(w for w in _cycle(qtbot, win) if isinstance(w, QTabBar) and _tabs(w)[0] == "Events")
    win.events_dock.raise_()  # (the cycle brought Behaviours to the front)
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar)
    qtbot.waitUntil(lambda: _drawn_at_its_place(win, win.table))
    assert bar.currentIndex() == 0
    qtbot.keyClick(bar, Qt.Key.Key_Right)
    assert bar.currentIndex() == 1
    qtbot.waitUntil(lambda: _drawn_at_its_place(win, win.behaviours.table))
    qtbot.keyClick(bar, Qt.Key.Key_Left)
    assert bar.currentIndex() == 0
    qtbot.waitUntil(lambda: _drawn_at_its_place(win, win.table))
    assert win.transport.current_frame == 10  # the play head stayed
    win.timeline.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.timeline)
    qtbot.keyClick(win.timeline, Qt.Key.Key_Right)  # elsewhere Right is still the next frame
    qtbot.waitUntil(lambda: win.transport.current_frame == 11)


def _pixels(win, w) -> np.ndarray:
    """The window's picture over the widget (and its edge), as RGB."""
    img = win.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, :img.width() * 3].reshape(img.height(), img.width(), 3)
    top = w.mapTo(win, QPoint(0, 0))
    return arr[top.y():top.y() + w.height(), top.x():top.x() + w.width()].astype(int)


@pytest.mark.parametrize("name", ["timeline", "au_button"])
def test_the_widget_with_the_focus_wears_a_visible_frame(qtbot, window, video_path, name):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    win.activateWindow()
    w = getattr(win, name)
    win.video_list.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.video_list)
    before = _pixels(win, w)
    w.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w)
    after = _pixels(win, w)
    changed = (np.abs(after - before).sum(axis=2) > 60)
    # at least its outline: every pixel of the widget's edge row and column changed
    perimeter = 2 * (w.width() + w.height()) - 4
    assert changed.sum() >= perimeter, (changed.sum(), perimeter)
    assert changed[0].all() and changed[-1].all() and changed[:, 0].all() and changed[:, -1].all()
