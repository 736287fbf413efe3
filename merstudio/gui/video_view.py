"""The video view: the current frame with an optional overlay (face boxes, landmarks, track ids); wheel zooms
around the cursor (out no further than the whole frame), dragging pans, double-click fits. Following a face
(follow_face) keeps it centred at a steady zoom, for a small face in a wide shot. While a requested frame is still
decoding the old picture is dimmed under a "loading frame N…" label (set_loading), so it is never taken for the
frame the transport shows: :class:`ShownFrame` decides it, and frame_seen reads the same state."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsItemGroup,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QProxyStyle,
    QSlider,
    QStyle,
    QToolButton,
)

from merstudio.gui.look import app_pt

TRACK_COLOURS = ("#00e5ff", "#ffb300", "#76ff03", "#ff4081", "#b388ff", "#ff6e40")
FOLLOW_CONTEXT = 2.5  # a followed face's view: this many times the face's size (head, shoulders, some room)
FOLLOW_RESIZE = 0.25  # refit the followed view's size only when the face's size changed by more than this


class ShownFrame:
    """Which frame the play head asks for (``wanted``), which frame's picture is on screen (``shown``, -1: none of
    this video's), and whether that picture is marked as another frame's (``marked``): the one state the view's
    dimming and label, the frame counter's picture and frame_seen (the frame a key pressed while playing acts on)
    read. A picture is marked once the wanted frame is overdue (the transport's LOADING_AFTER_MS timer, which runs
    from the first seek away from the picture shown, so a held arrow key dims too) or failed; it is unmarked by
    the wanted frame's picture, or by any picture of the run being played (the play head runs on the clock ahead
    of its pictures: that picture is the one the coder sees), never by a late picture of a seek made before it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Another video: nothing on screen is its frame, nothing of the last one's state stays."""
        self.wanted = -1
        self.shown = -1
        self.overdue = False  # the wanted frame has not come in time (paused): the picture is marked
        self.failed = False  # the wanted frame will not come (damaged, the file changed)
        # the frames asked for while playing since the last paused seek or overdue frame (lowest, highest)
        self._run: tuple[int, int] | None = None

    def want(self, index: int, playing: bool) -> None:
        if index != self.wanted:
            self.wanted, self.failed = index, False  # a failure was the last frame's
        if playing:
            lo, hi = self._run or (index, index)
            self._run = (min(lo, index), max(hi, index))
        else:
            self._run = None

    def show(self, index: int) -> None:
        self.shown = index
        if index == self.wanted or self._run is not None and self._run[0] <= index <= self._run[1]:
            self.overdue = self.failed = False

    def late(self, index: int, failed: bool = False) -> None:
        """Frame ``index`` (the play head's) is overdue, or ``failed``: a failure stays said when the overdue
        timer fires after it (it used to turn back into "loading")."""
        if index != self.wanted:
            self.wanted, self.failed = index, False
        self.overdue = True
        self.failed = self.failed or failed
        if not failed:  # the timer: it runs paused only, so the run played is over
            self._run = None

    def clear(self) -> None:
        self.overdue = self.failed = False

    @property
    def marked(self) -> int | None:
        """The frame the picture shown is not, said over it (dimmed), or None: the picture is the one to take."""
        return self.wanted if (self.overdue or self.failed) and self.shown != self.wanted else None


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    # copy(): the QImage must own its pixels, the array is released after this call
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class _JumpStyle(QProxyStyle):
    """A click on the groove sets the slider there (not a page step), with the left button too."""

    def styleHint(self, hint: QStyle.StyleHint, option: Any = None, widget: Any = None,  # noqa: N802 - Qt override
                  return_data: Any = None) -> int:
        if hint == QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return int(Qt.MouseButton.LeftButton.value | Qt.MouseButton.MiddleButton.value)
        return super().styleHint(hint, option, widget, return_data)


class TransportSlider(QSlider):
    """The transport's slider: a click anywhere on it jumps the play head to that frame, and dragging scrubs."""

    def __init__(self, orientation: Qt.Orientation, parent: Any = None) -> None:
        super().__init__(orientation, parent)
        # No base style argument: QProxyStyle takes ownership of the style it is given, and the application's
        # own style, handed over here, was deleted twice at exit (a segfault under a real X server). Parented to
        # the slider, the proxy lives and dies with it.
        self._jump_style = _JumpStyle()
        self._jump_style.setParent(self)
        self.setStyle(self._jump_style)
        self.setAccessibleName("play head")
        self.setAccessibleDescription("the frame shown: a click jumps there, dragging scrubs")


_MENU_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)  # with Down and Alt+Down: open a MenuButton


class MenuButton(QToolButton):
    """A tool button with a menu (the transport's "AUs") that the keyboard opens too: Return, Enter, Space, Down or
    Alt+Down while it has the focus. Tab reaches it, but the window's shortcuts took those keys first (Space
    played the video, Return edited the selected event); with the focus elsewhere they stay the window's."""

    def _opens(self, ev: QKeyEvent) -> bool:
        mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier  # the keypad's Enter is Enter
        if ev.key() == Qt.Key.Key_Down:
            return mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.AltModifier)
        return ev.key() in _MENU_KEYS and mods == Qt.KeyboardModifier.NoModifier

    def event(self, ev: QEvent) -> bool:
        # a window shortcut is looked up before the focused widget gets the key: claim the keys that open the menu
        if ev.type() == QEvent.Type.ShortcutOverride and isinstance(ev, QKeyEvent) and self._opens(ev):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self._opens(ev):
            self.open_menu()
            return
        super().keyPressEvent(ev)

    def open_menu(self) -> None:
        """The menu under the button (not blocking), its first item current, so that Up / Down / Space work in it."""
        menu = self.menu()
        if menu is None:
            return
        menu.popup(self.mapToGlobal(self.rect().bottomLeft()))  # aboutToShow fills it first
        first = next((a for a in menu.actions() if a.isEnabled() and not a.isSeparator()), None)
        if first is not None:
            menu.setActiveAction(first)

def _label(text: str, colour: QColor) -> QGraphicsRectItem:
    """A face's label: its text in the face's colour on a dark plate, drawn in the app's font (bold) whatever the
    zoom, readable over a small face in a wide shot, its bottom-left corner at the item's position (the face box's
    top-left corner). A fixed 12 px stayed 12 px beside a 16-pt window."""
    f = QFont(QGuiApplication.font())
    f.setPointSizeF(app_pt())
    f.setBold(True)
    text_item = QGraphicsSimpleTextItem(text)
    text_item.setFont(f)
    text_item.setBrush(QBrush(colour))
    r = text_item.boundingRect()
    plate = QGraphicsRectItem(QRectF(0, -r.height() - 2, r.width() + 6, r.height() + 2))
    plate.setBrush(QBrush(QColor(0, 0, 0, 170)))
    plate.setPen(QPen(Qt.PenStyle.NoPen))
    plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    text_item.setParentItem(plate)
    text_item.setPos(3, -r.height() - 1)
    return plate


class VideoView(QGraphicsView):
    # the user fitted the whole frame (double-click, Ctrl+0) while following a face: following stopped
    follow_stopped = Signal()
    # a click (not a drag) on a face's box or label: that face's track id
    face_clicked = Signal(int)
    # a right-click on a face's box or label: its track id and where (global) to open a menu
    face_menu = Signal(int, object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#202124")))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the window's transport shortcuts
        self.setAccessibleName("video")
        self.setAccessibleDescription("the current frame, each tracked face boxed with its id; a click on a face "
                                      "shows its curves, the wheel zooms, double-click fits the whole frame")
        self._pixmap = QGraphicsPixmapItem()
        self._pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._pixmap)
        self._overlay = QGraphicsItemGroup()
        self._overlay.setZValue(1)
        self.scene().addItem(self._overlay)
        self.overlay_visible = True
        self._fitted = False
        # per face drawn: (track id, box, label, the box corner its label sits at (scene))
        self._boxes: list[tuple[int, QGraphicsRectItem, QGraphicsRectItem, QPointF]] = []
        self._press: QPointF | None = None  # where a left button press began (a click selects a face, a drag pans)
        self.selected_face: int | None = None  # the face whose curves the timeline shows: its box drawn bolder
        # the frame's rectangle, set on the scene explicitly: an automatic scene rect grows with whatever is drawn
        # outside the frame (a label above a face at the top edge, landmarks of a face cut by the edge)
        self._frame_rect: QRectF | None = None
        self.state = ShownFrame()
        self.message = ""
        self.loading_label = QLabel(self)
        self.loading_label.setStyleSheet("QLabel { color: white; background: rgba(0, 0, 0, 170); padding: 2px 6px; }")
        self.loading_label.move(8, 8)
        self.loading_label.hide()
        self.following = False
        self.turn = 0  # degrees clockwise the picture and its overlay are shown turned (set_turn)
        self._follow_size: float | None = None  # side of the followed view, scene px (steady: no zoom breathing)
        self._face_size: float | None = None  # the face's size when _follow_size was set

    @property
    def frame_index(self) -> int:
        """The frame whose picture is on screen (-1: none of this video's)."""
        return self.state.shown

    @frame_index.setter
    def frame_index(self, index: int) -> None:
        self.state.shown = index

    @property
    def loading(self) -> int | None:
        """The frame said (dimmed, labelled) not to be the picture shown, else None."""
        return self.state.marked

    def new_video(self) -> None:
        """Another video: the picture shown is not its frame (marked as loading once its frame 0 is overdue)."""
        self.state.reset()
        self._show_state()

    def want(self, index: int, playing: bool) -> None:
        """The play head moved to ``index``: the label names it while the picture shown is marked."""
        self.state.want(index, playing)
        self._show_state()

    def set_loading(self, index: int | None, failed: bool = False) -> None:
        """Frame ``index`` (the play head's) has not come in time: dim the picture shown, label it; ``failed``: it
        will not come (damaged, the file changed): the picture stays dimmed under that label, never shown at full
        strength as if it were frame ``index``. None: the picture shown is to be taken as it is."""
        if index is None:
            self.state.clear()
        else:
            self.state.late(index, failed)
        self._show_state()

    def _show_state(self) -> None:
        index = self.state.marked
        if index is None:
            self._pixmap.setOpacity(1.0)
            self._overlay.setOpacity(1.0)
            self.loading_label.hide()
            return
        self._pixmap.setOpacity(0.35)
        self._overlay.setOpacity(0.35)
        self.loading_label.setText(f"frame {index} not shown (the status bar says why)" if self.state.failed
                                   else f"loading frame {index}…")
        self.loading_label.adjustSize()
        self.loading_label.show()
        self.loading_label.raise_()

    def set_frame(self, index: int, rgb: np.ndarray) -> None:
        self.state.show(index)
        self._show_state()
        self._pixmap.setPixmap(QPixmap.fromImage(rgb_to_qimage(rgb)))
        rect = QRectF(0, 0, rgb.shape[1], rgb.shape[0])
        if self._frame_rect != rect:  # another video: the whole frame first, even while following
            self._frame_rect = rect
            self.scene().setSceneRect(rect)
            self._face_size = self._follow_size = None
            self._fit_whole()

    def set_turn(self, degrees: int) -> None:
        """Show the picture and its overlay turned clockwise by `degrees` (a multiple of 90): an upside-down
        camera's faces are shown upright, as the analysis saw them. The scene stays in the file's pixels (the
        landmarks need no change); the face labels stay level."""
        degrees = int(degrees) % 360
        if degrees == self.turn:
            return
        self.turn = degrees
        self.resetTransform()
        self.rotate(degrees)
        if self.following:
            self._layout_labels()  # the next followed frame refits; the labels are level now
        else:
            self._fit_whole()  # lays the labels out too

    def fit(self) -> None:
        """Show the whole frame (and stop following a face)."""
        if self.following:
            self.following = False
            self.follow_stopped.emit()
        self._fit_whole()

    def _fit_whole(self) -> None:
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True
        self._layout_labels()

    def _whole_scale(self, width: float, height: float) -> float:
        """The largest scale at which the whole frame, as turned, fits a viewport of width x height."""
        scene = self.scene().sceneRect()
        sw, sh = (scene.height(), scene.width()) if self.turn in (90, 270) else (scene.width(), scene.height())
        return min(width / max(sw, 1.0), height / max(sh, 1.0))

    def _below_whole(self, scale: float) -> bool:
        """Whether the frame at `scale` would be smaller than the view (the whole frame shown with room around
        it): the view without scroll bars, as it is once fitted (the bars a zoomed-in view brings do not count)."""
        port = self.maximumViewportSize()
        if self._frame_rect is None or port.isEmpty():
            return False
        return scale < self._whole_scale(port.width(), port.height())

    def zoom(self, factor: float) -> None:
        """Zoom by `factor` (the keys, the wheel); zooming out stops at the whole frame (fit): smaller, the picture
        was a stamp in a grey field."""
        if self.following and self._follow_size is not None:
            self._follow_size /= factor  # zooming while following sets how close it follows
            port = self.viewport().rect()
            # no larger than the side that shows the whole frame: past it, zooming in again did nothing for a while
            whole_side = min(port.width(), port.height()) / max(self._whole_scale(port.width(), port.height()), 1e-9)
            self._follow_size = min(self._follow_size, whole_side)
        if factor < 1 and self._below_whole(self.zoom_level * factor):
            self._fit_whole()  # a resize follows it again (and following, its next frame refits as before)
            return
        self.scale(factor, factor)
        # no longer the whole frame: a resize must keep this zoom (the scroll bars it brings resize the viewport,
        # and a refit there sprang the picture back at once), and so must the next frame
        self._fitted = False
        self._layout_labels()

    def set_following(self, on: bool) -> None:
        """Follow the face given to follow_face (True), or show the whole frame again (False)."""
        self.following = on
        self._follow_size = self._face_size = None
        if not on:
            self._fit_whole()

    def follow_face(self, pts: np.ndarray | None) -> None:
        """Centre the view on a face's landmark points (pixels), at FOLLOW_CONTEXT times its size. The zoom stays
        put while the face's size varies by less than FOLLOW_RESIZE (landmark jitter would make it breathe); a
        frame without the face keeps the last view."""
        if not self.following or pts is None:
            return
        pts = pts[np.isfinite(pts).all(axis=1)]
        if not len(pts):
            return
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
        face = float(max(x1 - x0, y1 - y0, 1.0))
        if self._face_size is None or abs(face / self._face_size - 1.0) > FOLLOW_RESIZE:
            self._face_size, self._follow_size = face, FOLLOW_CONTEXT * face
        side = float(self._follow_size or FOLLOW_CONTEXT * face)
        cx, cy = float(x0 + x1) / 2, float(y0 + y1) / 2
        scene, port = self.scene().sceneRect(), self.viewport().rect()
        whole = self._whole_scale(port.width(), port.height())
        if min(port.width(), port.height()) / side <= whole:  # a face that fills the frame: never zoom out past it
            self.fitInView(scene, Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.fitInView(QRectF(cx - side / 2, cy - side / 2, side, side), Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = False
        self._layout_labels()

    @property
    def zoom_level(self) -> float:
        t = self.transform()
        return float(np.hypot(t.m11(), t.m12()))  # the scale, whatever the turn

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)
        event.accept()

    def mouseDoubleClickEvent(self, event: Any) -> None:  # noqa: N802
        self.fit()

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._press = QPointF(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        at = QPointF(event.position())
        if (at - press).manhattanLength() > 4:  # a drag pans the picture
            return
        face = self.face_at(at)
        if face is not None:
            self.face_clicked.emit(face)

    def contextMenuEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        face = self.face_at(QPointF(event.pos()))
        if face is None:
            super().contextMenuEvent(event)
            return
        self.face_menu.emit(face, event.globalPos())
        event.accept()

    def face_at(self, pos: QPointF) -> int | None:
        """The track id of the face whose label or box is under a viewport point (the smallest box: a face in
        front of a larger one), or None; None too while the overlay is hidden."""
        if not self.overlay_visible:  # boxes not shown cannot be clicked (and may be an earlier frame's)
            return None
        hits = []
        at = self.mapToScene(pos.toPoint())
        for tid, box, label, _corner in self._boxes:
            # a label keeps its size on screen (it ignores the view's scale): compare in viewport pixels
            if label.rect().translated(QPointF(self.mapFromScene(label.scenePos()))).contains(pos):
                return tid
            r = box.sceneBoundingRect()
            if r.contains(at):
                hits.append((r.width() * r.height(), tid))
        return min(hits)[1] if hits else None

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        # fitted: the fit follows; zoomed in, the zoom stays, unless the larger view now shows the whole frame small
        if not self.following and (self._fitted or self._below_whole(self.zoom_level)):
            self._fit_whole()

    def set_overlay_visible(self, on: bool) -> None:
        self.overlay_visible = on
        self._overlay.setVisible(on)

    def set_faces(self, faces: dict[int, np.ndarray], notes: dict[int, str] | None = None) -> None:
        """Draw each face's box, landmark points and track id. ``faces``: {track id: (N, 2) pixel points};
        ``notes``: {track id: text after the id} (features.aus.face_note: the AUs present, the regions hidden)."""
        for item in self._overlay.childItems():
            self._overlay.removeFromGroup(item)
            self.scene().removeItem(item)
        self._boxes = []
        for tid, pts in faces.items():
            pts = pts[np.isfinite(pts).all(axis=1)]
            if not len(pts):
                continue
            col = QColor(TRACK_COLOURS[tid % len(TRACK_COLOURS)])
            (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
            pad = 0.08 * max(x1 - x0, y1 - y0)
            box = QGraphicsRectItem(QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad))
            pen = QPen(col, 3 if tid == self.selected_face else 1.5)
            pen.setCosmetic(True)
            box.setPen(pen)
            path = QPainterPath()
            r = max(0.6, 0.006 * (x1 - x0))
            for x, y in pts:
                path.addEllipse(QPointF(float(x), float(y)), r, r)
            dots = QGraphicsPathItem(path)
            dots.setPen(QPen(Qt.PenStyle.NoPen))
            dots.setBrush(QBrush(col))
            note = (notes or {}).get(tid)
            label = _label(f"face {tid}" + (f"  {note}" if note else ""), col)
            # the box corner at the top left of the screen, however the view is turned (the label stays level)
            corner = QPointF(*{0: (x0 - pad, y0 - pad), 90: (x0 - pad, y1 + pad), 180: (x1 + pad, y1 + pad),
                                270: (x1 + pad, y0 - pad)}[self.turn])
            self._boxes.append((tid, box, label, corner))
            for item in (box, dots, label):
                self._overlay.addToGroup(item)
        self._layout_labels()

    def _layout_labels(self) -> None:
        """Each face label at its box's top-left corner on the screen, moved up past the labels it would cover
        (a group photo, a panel: boxes side by side put their labels on one line). In screen pixels, since
        labels keep their size at any zoom: done again whenever the scale or the turn changes."""
        placed: list[QRectF] = []
        spots = [(label, QPointF(self.mapFromScene(corner))) for _tid, _box, label, corner in self._boxes]
        for label, at in sorted(spots, key=lambda s: (s[1].y(), s[1].x())):  # the top ones keep their place
            rect = label.rect().translated(at)
            for _ in range(len(placed)):
                hit = next((p for p in placed if p.adjusted(-1, -1, 1, 1).intersects(rect)), None)
                if hit is None:
                    break
                rect.moveBottom(hit.top() - 2)
            placed.append(rect)
            label.setPos(self.mapToScene(round(rect.left()), round(rect.bottom())))
