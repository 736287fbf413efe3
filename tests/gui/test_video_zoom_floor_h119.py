"""Zooming the video out stops at the whole frame (fit): Ctrl+-, the wheel, a larger window, following a face.
Before, each zoom-out shrank the picture by 0.8 without end, to a stamp in a grey field."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from merstudio.gui import commands as C
from merstudio.gui.video_view import VideoView

pytestmark = pytest.mark.gui

MARGIN = 5  # px: fitInView leaves 2 px on each side of the frame, and one for rounding


def _view(qtbot, height: int, width: int, turn: int = 0) -> VideoView:
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(800, 450)
    view.show()
    view.set_frame(0, np.zeros((height, width, 3), np.uint8))
    view.set_turn(turn)
    return view


def _fit_scale(view: VideoView, height: int, width: int, turn: int = 0) -> float:
    """The scale that shows the whole frame in the viewport (arithmetic of the sizes, less fitInView's 2 px margins)."""
    port = view.viewport().rect()
    w, h = (height, width) if turn in (90, 270) else (width, height)
    return min((port.width() - 4) / w, (port.height() - 4) / h)


def _frame_on_screen(view: VideoView):
    return view.mapFromScene(view.scene().sceneRect()).boundingRect()


def _fills_one_side(view: VideoView) -> bool:
    shown, port = _frame_on_screen(view), view.viewport().rect()
    return shown.width() >= port.width() - MARGIN or shown.height() >= port.height() - MARGIN


@pytest.mark.parametrize("turn", [0, 90])
def test_zooming_out_stops_at_the_whole_frame_and_zooming_in_still_works(qtbot, turn) -> None:
    view = _view(qtbot, 1080, 1920, turn)
    fit = _fit_scale(view, 1080, 1920, turn)
    assert view.zoom_level == pytest.approx(fit, rel=0.01)
    for _ in range(6):  # Ctrl+- six times: 0.8 ** 6 = 0.26 of the whole frame before
        view.zoom(0.8)
    assert view.zoom_level == pytest.approx(fit, rel=0.01)
    assert _fills_one_side(view)
    # zoomed in, then out by more than in: back at the whole frame, not below it
    view.zoom(1.25)
    assert view.zoom_level == pytest.approx(1.25 * fit, rel=0.01)
    view.zoom(0.8)
    view.zoom(0.8)
    assert view.zoom_level == pytest.approx(fit, rel=0.01) and _fills_one_side(view)
    view.zoom(1.25)
    view.zoom(1.25)
    assert view.zoom_level == pytest.approx(1.25 * 1.25 * fit, rel=0.01)


def test_the_wheel_zooms_out_no_further_than_the_whole_frame(qtbot) -> None:
    view = _view(qtbot, 720, 1280)
    fit = _fit_scale(view, 720, 1280)
    centre = QPointF(view.viewport().rect().center())

    def wheel(dy: int) -> None:
        ev = QWheelEvent(centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, dy),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(view.viewport(), ev)

    for _ in range(5):
        wheel(-120)
    assert view.zoom_level == pytest.approx(fit, rel=0.01) and _fills_one_side(view)
    wheel(120)
    assert view.zoom_level == pytest.approx(1.25 * fit, rel=0.01)


def test_a_larger_window_never_leaves_the_zoomed_picture_smaller_than_the_view(qtbot) -> None:
    """Zoomed in a little, then the window made three times larger: the picture would be a stamp in the larger
    view; it is fitted, and a zoom that still fills the view stays as it was."""
    view = _view(qtbot, 1080, 1920)
    view.zoom(1.25)
    view.resize(2400, 1350)
    qtbot.waitUntil(lambda: view.viewport().width() > 2000)
    assert view.zoom_level == pytest.approx(_fit_scale(view, 1080, 1920), rel=0.01)
    assert _fills_one_side(view)
    view.zoom(2.0)
    z = view.zoom_level
    view.resize(2500, 1400)  # larger still, but the picture still overfills it: the zoom stays
    qtbot.waitUntil(lambda: view.viewport().width() > 2450)
    assert view.zoom_level == pytest.approx(z)


def _face(x: float, y: float, size: float) -> np.ndarray:
    g = np.linspace(0.0, 1.0, 7)
    return np.array([(x + a * size, y + b * size) for a in g for b in g], np.float32)


def test_zooming_out_while_following_a_face_stops_at_the_whole_frame_and_zooms_in_at_once(qtbot) -> None:
    """A 90 px face in a 1920 x 1080 frame, followed: zooming out many times shows the whole frame, no less, and
    one zoom in afterwards comes closer on the next frame (it took as many presses as had gone past the frame)."""
    view = _view(qtbot, 1080, 1920)
    fit = _fit_scale(view, 1080, 1920)
    view.set_following(True)
    view.follow_face(_face(1500, 700, 90))
    assert view.zoom_level > 3 * fit
    for _ in range(20):
        view.zoom(0.8)
        assert view.zoom_level >= fit * 0.99
    view.follow_face(_face(1500, 700, 90))
    assert view.zoom_level == pytest.approx(fit, rel=0.01) and _fills_one_side(view)
    view.zoom(1.25)
    view.follow_face(_face(1500, 700, 90))
    assert view.zoom_level > 1.2 * fit
    assert view.following


def test_ctrl_minus_in_the_window_stops_at_the_whole_frame(qtbot, window, video_path) -> None:
    """The keys of View > Zoom video out / in (docs/gui.md), on a real decoded video."""
    window.ctx.execute(C.OpenVideo, path=str(video_path))
    qtbot.waitUntil(lambda: window.video_view.frame_index == 0)
    view = window.video_view
    qtbot.wait(100)  # the layout after the first frame
    fit = view.zoom_level
    assert _fills_one_side(view)
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)
    assert view.zoom_level == pytest.approx(fit, rel=0.01) and _fills_one_side(view)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)
    assert view.zoom_level == pytest.approx(1.25 * fit, rel=0.01)
