"""The video view: following a face keeps it centred at a steady zoom; fitting the whole frame stops it."""

import numpy as np
import pytest
from helpers import open_and_analyse
from PySide6.QtCore import Qt

from merstudio.gui.look import app_pt
from merstudio.gui.video_view import FOLLOW_CONTEXT, VideoView

pytestmark = pytest.mark.gui


def _face(x: float, y: float, size: float) -> np.ndarray:
    """Landmark-like points filling a size x size box at (x, y), with a NaN row (a missing point)."""
    g = np.linspace(0.0, 1.0, 7)
    pts = np.array([(x + a * size, y + b * size) for a in g for b in g], np.float32)
    return np.vstack([pts, [[np.nan, np.nan]]])


def _view(qtbot, height: int, width: int) -> VideoView:
    """An 800 x 450 view showing a black frame of width x height."""
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(800, 450)
    view.show()
    view.set_frame(0, np.zeros((height, width, 3), np.uint8))
    return view


def _shown(view: VideoView) -> tuple[float, float, float]:
    r = view.mapToScene(view.viewport().rect()).boundingRect()
    return r.center().x(), r.center().y(), min(r.width(), r.height())


def test_following_a_face_centres_it_at_a_steady_zoom(qtbot) -> None:
    view = _view(qtbot, 1080, 1920)  # a wide shot: the face is 90 px of 1080
    whole = view.zoom_level
    view.follow_face(_face(1500, 700, 90))
    assert view.zoom_level == pytest.approx(whole)  # not following yet: nothing moves
    view.set_following(True)
    view.follow_face(_face(1500, 700, 90))
    cx, cy, side = _shown(view)
    assert (cx, cy) == pytest.approx((1545, 745), abs=3)
    assert side == pytest.approx(FOLLOW_CONTEXT * 90, rel=0.05)
    z = view.zoom_level
    assert z > 3 * whole
    # the face moves, its size jitters by 5 %: the view follows it, the zoom stays put
    view.follow_face(_face(1530, 690, 94.5))
    assert view.zoom_level == pytest.approx(z)
    assert _shown(view)[:2] == pytest.approx((1577, 737), abs=3)
    view.follow_face(None)  # a frame without the face: the last view stays
    assert _shown(view)[:2] == pytest.approx((1577, 737), abs=3)
    view.follow_face(_face(0, 0, 2000))  # a face larger than the frame: the whole frame, not beyond
    assert view.zoom_level == pytest.approx(whole)
    view.follow_face(_face(1530, 690, 94.5))
    assert _shown(view)[:2] == pytest.approx((1577, 737), abs=3)
    # the face comes nearer (40 % larger): the zoom refits
    view.follow_face(_face(1500, 650, 126))
    assert view.zoom_level == pytest.approx(z / 1.4, rel=0.05)
    # zooming in while following sets how close it follows, on the next frames too
    z = view.zoom_level
    view.zoom(2.0)
    view.follow_face(_face(1510, 650, 126))
    assert view.zoom_level == pytest.approx(2 * z, rel=0.01)
    # fitting the whole frame (double-click, Ctrl+0) stops following, and says so
    with qtbot.waitSignal(view.follow_stopped):
        view.fit()
    assert not view.following and view.zoom_level == pytest.approx(whole)
    view.follow_face(_face(1500, 700, 90))
    assert view.zoom_level == pytest.approx(whole)


def test_follow_face_in_the_window(qtbot, window, video_path) -> None:
    """Shift+F follows the selected face of the analysis (the fixture's face fills its small frame, so the view
    may not zoom past the whole frame); Ctrl+0 shows the whole frame and unticks it."""
    open_and_analyse(qtbot, window, video_path, landmarks=True)
    view = window.video_view
    window.transport.seek(30)
    qtbot.waitUntil(lambda: view.frame_index == 30)
    whole = view.zoom_level
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    assert window.follow_action.isChecked() and view.following
    qtbot.waitUntil(lambda: view._face_size is not None)  # the selected face's landmarks reached the view
    face = window.project.landmarks(window.video.id, 30)[0]
    assert view._face_size == pytest.approx(float(np.ptp(face, axis=0).max()))
    assert view.zoom_level == pytest.approx(whole)  # no zoom out beyond the whole frame
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # fit: following stops
    assert not window.follow_action.isChecked() and not view.following
    assert view.zoom_level == pytest.approx(whole)


def test_face_labels_keep_their_size_and_never_move_the_frame(qtbot) -> None:
    """A face label is drawn in the app's font size on screen at any zoom (readable over a small face in a wide shot), and one
    above a face at the frame's top edge does not grow the scene: the whole frame stays what is fitted."""
    from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem

    view = _view(qtbot, 1080, 1920)
    whole = view.zoom_level
    view.set_faces({0: _face(900, 0, 60)}, {0: "AU 6+12"})  # at the top edge: its label lies above the frame
    assert view.scene().sceneRect().getRect() == (0, 0, 1920, 1080) and view.zoom_level == pytest.approx(whole)
    ignores = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    (plate,) = [i for i in view._overlay.childItems() if i.flags() & ignores]
    (text,) = [c for c in plate.childItems() if isinstance(c, QGraphicsSimpleTextItem)]
    assert text.text() == "face 0  AU 6+12"
    # on screen at the app's font size though the frame is shrunk into the view (zoom ~0.4), not at 0.4 x its size
    assert view.zoom_level < 0.5 and text.font().pointSizeF() == pytest.approx(app_pt())
    drawn = plate.deviceTransform(view.viewportTransform()).mapRect(plate.boundingRect())
    assert drawn.height() == pytest.approx(plate.boundingRect().height())  # not scaled by the zoom


@pytest.mark.parametrize("deg", [0, 90, 180, 270])
def test_a_turned_view_shows_the_frame_whole_with_labels_level_at_the_box_top_left(qtbot, deg) -> None:
    """An upside-down (or sideways) camera is shown turned: the whole frame still fits, and each face label sits
    level at the top left of its box on screen, not at whatever corner the turn carried the file's top left to."""
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QGraphicsItem

    view = _view(qtbot, 360, 640)
    view.set_turn(deg)
    assert view.turn == deg
    shown = view.mapFromScene(view.scene().sceneRect()).boundingRect()
    port = view.viewport().rect()
    assert shown.width() <= port.width() + 2 and shown.height() <= port.height() + 2  # still the whole frame
    assert max(shown.width() / port.width(), shown.height() / port.height()) > 0.95  # and fitted, not tiny
    view.set_faces({0: _face(300, 100, 120)}, {0: "AU 12"})
    ignores = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    (plate,) = [i for i in view._overlay.childItems() if i.flags() & ignores]
    corners = [view.mapFromScene(QPointF(x, y)) for x in (300, 420) for y in (100, 220)]
    anchor = view.mapFromScene(plate.pos())
    assert abs(anchor.x() - min(c.x() for c in corners)) < 15 and abs(anchor.y() - min(c.y() for c in corners)) < 15
    drawn = plate.deviceTransform(view.viewportTransform()).mapRect(plate.boundingRect())
    assert drawn.width() > drawn.height()  # level text, not turned with the picture


@pytest.mark.parametrize("deg", [0, 180])
def test_labels_of_faces_side_by_side_do_not_cover_each_other(qtbot, deg) -> None:
    """A group photo or a panel puts boxes side by side, and long labels ("face 0  AU 4+6+12+20+25") ran into one
    another: a label that would cover one placed above it moves up past it, keeping its box's left edge, at any
    zoom and turn."""
    from PySide6.QtWidgets import QGraphicsItem

    view = _view(qtbot, 667, 1000)
    view.set_turn(deg)
    faces = {0: _face(300, 300, 90), 1: _face(380, 290, 90), 2: _face(470, 310, 90), 3: _face(700, 100, 90)}
    notes = {k: "AU 4+6+10+12+25" for k in faces}
    ignores = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations

    def drawn() -> list:
        plates = [i for i in view._overlay.childItems() if i.flags() & ignores]
        return [p.deviceTransform(view.viewportTransform()).mapRect(p.rect()) for p in plates]

    view.set_faces(faces, notes)
    for zoom in (1.0, 2.0, 0.3):
        view.zoom(zoom)
        rects = drawn()
        assert len(rects) == 4
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
        lefts = sorted(round(r.left()) for r in rects)
        corners = sorted(round(min(view.mapFromScene(float(x), float(y)).x() for x in (pts[0, 0], pts[-2, 0])
                                   for y in (pts[0, 1], pts[-2, 1]))) for pts in faces.values())
        assert all(abs(a - b) < 12 for a, b in zip(lefts, corners, strict=True))  # each at its own box's left edge
