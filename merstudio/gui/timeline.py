"""The timeline: stacked, x-linked pyqtgraph tracks (AU curves, AU heat map, class confidence, events) with one
play head. Click or drag the play head to seek; drag on the events track to select an interval; drag an event's
edges or body to change it. Curves use peak downsampling and clip-to-view so 100k-frame videos pan smoothly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor

from merstudio.gui.state import CurveBuffer
from merstudio.project.events import Event

AU_COLOURS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324",
              "#469990", "#800000", "#808000", "#000075", "#a9a9a9")
EMOTION_COLOURS = {"positive": "#2e7d32", "happiness": "#2e7d32", "negative": "#c62828", "disgust": "#6a1b9a",
                   "repression": "#5d4037", "surprise": "#f9a825", "others": "#546e7a", "tense": "#ad1457",
                   "fear": "#4527a0", "sadness": "#1565c0", "anger": "#b71c1c", "contempt": "#4e342e"}


def emotion_colour(name: str) -> QColor:
    if name in EMOTION_COLOURS:
        return QColor(EMOTION_COLOURS[name])
    if not name:
        return QColor("#1e88e5")
    return QColor(AU_COLOURS[sum(map(ord, name)) % len(AU_COLOURS)])


class _TrackBox(pg.ViewBox):
    """A track's view box: left click seeks; on the events track a left drag selects an interval."""

    def __init__(self, timeline: Timeline, select_on_drag: bool = False) -> None:
        super().__init__(enableMenu=False)
        self._timeline = timeline
        self._select = select_on_drag
        self.setMouseEnabled(x=True, y=False)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._timeline.seekRequested.emit(self._timeline.clamp_frame(self.mapSceneToView(ev.scenePos()).x()))
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:  # noqa: N802
        if self._select and ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            x0 = self.mapSceneToView(ev.buttonDownScenePos()).x()
            x1 = self.mapSceneToView(ev.scenePos()).x()
            self._timeline.set_selection(x0, x1, finished=ev.isFinish())
        else:
            super().mouseDragEvent(ev, axis)


class EventRegion(pg.LinearRegionItem):
    """One event, onset..offset (drawn to offset + 1 so a one-frame event has width); apex as a line.
    Regions are pooled and re-assigned (see Timeline.set_events) rather than re-created on every edit."""

    def __init__(self, timeline: Timeline) -> None:
        super().__init__(values=(0, 1), swapMode="block")
        self.coded: Event | None = None  # not "event": that name is QGraphicsObject.event(), which Qt calls
        self._timeline = timeline
        self.apex_line = pg.InfiniteLine(0, movable=False)
        self.apex_line.setZValue(11)
        self.sigRegionChangeFinished.connect(self._changed)

    def assign(self, event: Event, selected: bool) -> None:
        self.coded = event
        col = emotion_colour(event.emotion)
        alpha = {"proposal": 60, "accepted": 110, "rejected": 25}[event.status]
        fill, hover, edge = QColor(col), QColor(col), QColor(col)
        fill.setAlpha(alpha + (60 if selected else 0))
        hover.setAlpha(min(255, alpha + 80))
        edge.setAlpha(255)
        self.setBrush(fill)
        self.setHoverBrush(hover)
        pen = pg.mkPen(edge, width=3 if selected else 1,
                       style=Qt.PenStyle.DashLine if event.status == "proposal" else Qt.PenStyle.SolidLine)
        for line in self.lines:
            line.setPen(pen)
        self.setMovable(event.status != "rejected")
        self.blockSignals(True)
        self.setRegion((event.onset, event.offset + 1))
        self.blockSignals(False)
        self.setZValue(10 if selected else 5)
        self.apex_line.setPen(pg.mkPen(edge, width=2))
        self.apex_line.setValue(event.apex + 0.5)
        self.setVisible(True)
        self.apex_line.setVisible(True)

    def release(self) -> None:
        self.coded = None
        self.setVisible(False)
        self.apex_line.setVisible(False)

    def _changed(self) -> None:
        if self.coded is None:
            return
        lo, hi = self.getRegion()
        onset, offset = int(round(lo)), int(round(hi)) - 1
        self._timeline.eventRangeEdited.emit(self.coded.id, onset, max(onset, offset))

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton and self.coded is not None:
            ev.accept()
            self._timeline.eventClicked.emit(self.coded.id)
        else:
            super().mouseClickEvent(ev)


class Timeline(pg.GraphicsLayoutWidget):
    seekRequested = Signal(int)
    eventClicked = Signal(int)
    eventRangeEdited = Signal(int, int, int)  # event id, onset, offset
    selectionChanged = Signal(object)  # (onset, offset) or None

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.frame_count = 1
        self.fps = 30.0
        self.buffer: CurveBuffer | None = None
        self.face: int | None = None
        self.visible_aus: list[str] | None = None  # None: all
        self._drawn_version = -1
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._class_curves: dict[str, pg.PlotDataItem] = {}
        self.regions: dict[int, EventRegion] = {}
        self._pool: list[EventRegion] = []
        self.selection: tuple[int, int] | None = None
        # overlays: other per-frame tables (an imported OpenFace CSV, the previous model) drawn dashed beside ours
        self.overlays: dict[str, CurveBuffer] = {}
        self.overlay_hidden: set[str] = set()
        self._overlay_curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self._overlay_plots: dict[tuple[str, str], pg.PlotItem] = {}
        self._overlay_version: dict[str, int] = {}
        # events by coder: one lane per coder on its own track
        self.coder_lanes: list[str] = []
        self.coder_bars: dict[str, pg.BarGraphItem] = {}
        self._events: list[Event] = []

        self.au_plot = self._track(0, "AU intensity", height=3)
        self.au_plot.setYRange(0, 5, padding=0.02)
        self.au_plot.addLegend(offset=(5, 5), colCount=6, labelTextSize="7pt")
        self.heat_plot = self._track(1, "all AUs", height=3)
        self.heat = pg.ImageItem(axisOrder="row-major", autoDownsample=True)
        self.heat.setColorMap(pg.colormap.get("viridis"))
        self.heat_plot.addItem(self.heat)
        self.heat_plot.invertY(True)
        self.class_plot = self._track(2, "class p", height=1)
        self.class_plot.setYRange(0, 1, padding=0.02)
        self.class_plot.getAxis("left").setTicks([[(0, "0"), (0.5, "0.5"), (1, "1")]])
        self.class_plot.addLegend(offset=(5, 5), colCount=5, labelTextSize="7pt")
        self._no_model = pg.TextItem("class confidence appears when the analysis runs with a checkpoint "
                                     "(Analysis > Load checkpoint)", color="#757575", anchor=(0, 0.5))
        self._no_model.setPos(0, 0.5)
        self.class_plot.addItem(self._no_model, ignoreBounds=True)
        self.events_plot = self._track(3, "events", height=1, select=True)
        self.events_plot.setYRange(0, 1, padding=0)
        self.events_plot.getAxis("left").setTicks([[]])
        self.events_plot.showAxis("bottom")
        self.events_plot.setLabel("bottom", "frame")
        self.coder_plot = self._track(4, "coders", height=2)
        self.coder_plot.setYRange(0, 1, padding=0)
        self.coder_plot.invertY(True)
        self._apex_marks = pg.ScatterPlotItem(symbol="s", size=3, pen=None)
        self.coder_plot.addItem(self._apex_marks)
        self.coder_plot.setVisible(False)
        for p in (self.heat_plot, self.class_plot, self.events_plot, self.coder_plot):
            p.setXLink(self.au_plot)
        self._sel_region = pg.LinearRegionItem(brush=pg.mkBrush(120, 120, 120, 70), movable=True)
        self._sel_region.setZValue(1)
        self._sel_region.hide()
        self._sel_region.sigRegionChangeFinished.connect(self._selection_moved)
        self.events_plot.addItem(self._sel_region)
        self.playheads = []
        for p in self.plots:
            line = pg.InfiniteLine(0, pen=pg.mkPen("#d50000", width=2), movable=True,
                                   hoverPen=pg.mkPen("#ff6d00", width=3))
            line.setZValue(100)
            line.sigDragged.connect(self._playhead_dragged)
            p.addItem(line, ignoreBounds=True)
            self.playheads.append(line)

    @property
    def plots(self) -> list[pg.PlotItem]:
        return [self.au_plot, self.heat_plot, self.class_plot, self.events_plot, self.coder_plot]

    def _track(self, row: int, label: str, height: int, select: bool = False) -> pg.PlotItem:
        plot = self.addPlot(row=row, col=0, viewBox=_TrackBox(self, select_on_drag=select))
        plot.setLabel("left", label)
        plot.hideAxis("bottom")
        plot.getAxis("left").setWidth(60)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.ci.layout.setRowStretchFactor(row, height)
        return plot

    # ---------------------------------------------------------------- data
    def set_video(self, frame_count: int, fps: float) -> None:
        self.frame_count = max(1, int(frame_count))
        self.fps = fps
        for p in self.plots:
            p.setLimits(xMin=-0.05 * self.frame_count, xMax=1.05 * self.frame_count, minXRange=5)
        self.au_plot.setXRange(0, self.frame_count, padding=0)

    def set_buffer(self, buffer: CurveBuffer | None, face: int | None = None) -> None:
        self.buffer = buffer
        self.face = face if face is not None else (buffer.main_face() if buffer else None)
        self._drawn_version = -1
        self.refresh()

    def set_visible_aus(self, aus: Sequence[str] | None) -> None:
        self.visible_aus = list(aus) if aus is not None else None
        self._drawn_version = -1
        self.refresh()

    def set_heatmap_visible(self, on: bool) -> None:
        self.heat_plot.setVisible(on)

    def refresh(self) -> None:
        """Redraw curves from the buffer when it changed (called on a timer while analysis streams)."""
        self._draw_overlays()
        buf = self.buffer
        if buf is None or buf.version == self._drawn_version:
            if buf is None:
                self._clear_curves()
            return
        if self.face is None:
            self.face = buf.main_face()
        self._drawn_version = buf.version
        x = np.arange(buf.frame_count, dtype=np.float64)
        au_cols = buf.au_columns("_r")
        show = set(au_cols if self.visible_aus is None else self.visible_aus)
        for k, col in enumerate(au_cols):
            y = buf.get(self.face, col) if self.face is not None else None
            curve = self._curves.get(col)
            if col not in show or y is None:
                if curve is not None:
                    self.au_plot.removeItem(curve)
                    del self._curves[col]
                continue
            if curve is None:
                curve = self.au_plot.plot(pen=pg.mkPen(AU_COLOURS[k % len(AU_COLOURS)], width=1.5),
                                          name=col[:-2], connect="finite")
                self._curves[col] = curve
            curve.setData(x, y, connect="finite")
        if au_cols and self.face is not None:
            rows = [buf.get(self.face, c) for c in au_cols]
            mat = np.vstack([r if r is not None else np.zeros(buf.frame_count, np.float32) for r in rows])
            mat = np.nan_to_num(mat, nan=0.0)
            # scale to what this video reaches (at least 1): micro-expressions rarely go past 2 of 5
            top = max(1.0, float(np.percentile(mat, 99.9))) if mat.size else 1.0
            self.heat.setImage(mat, levels=(0, top), autoLevels=False)
            self.heat.setRect(0, 0, buf.frame_count, len(au_cols))
            step = 1 if self.heat_plot.height() > 14 * len(au_cols) else 2  # no overlapping labels
            self.heat_plot.getAxis("left").setTicks(
                [[(i + 0.5, c[:-2]) for i, c in enumerate(au_cols) if i % step == 0]])
            self.heat_plot.setYRange(0, len(au_cols), padding=0)
        self._no_model.setVisible(not buf.class_columns())
        for k, col in enumerate(buf.class_columns()):
            y = buf.get(self.face, col) if self.face is not None else None
            if y is None:
                continue
            curve = self._class_curves.get(col)
            if curve is None:
                curve = self.class_plot.plot(pen=pg.mkPen(AU_COLOURS[(k + 5) % len(AU_COLOURS)], width=1.5),
                                             name=col[2:], connect="finite")
                self._class_curves[col] = curve
            curve.setData(x, y, connect="finite")

    # ---------------------------------------------------------------- overlays
    def set_overlays(self, overlays: dict[str, CurveBuffer]) -> None:
        """Other per-frame tables to draw beside ours, by name: their AUxx_r curves on the AU track and their p_<class>
        curves on the class track, dashed, frame-aligned (x is the frame index in both)."""
        self.overlays = dict(overlays)
        self._overlay_version.clear()
        self._draw_overlays()

    def set_overlay_visible(self, name: str, on: bool) -> None:
        (self.overlay_hidden.discard if on else self.overlay_hidden.add)(name)
        self._overlay_version.clear()
        self._draw_overlays()

    def overlay_curve(self, name: str, col: str) -> pg.PlotDataItem | None:
        return self._overlay_curves.get((name, col))

    def _draw_overlays(self) -> None:
        want: dict[tuple[str, str], tuple[pg.PlotItem, np.ndarray, Any]] = {}
        ours = self.buffer.au_columns("_r") if self.buffer is not None else []
        ours_p = self.buffer.class_columns() if self.buffer is not None else []
        shown = None if self.visible_aus is None else set(self.visible_aus)
        sig = (tuple(ours), tuple(ours_p), self.face, None if shown is None else tuple(sorted(shown)))
        if all(self._overlay_version.get(n) == (b.version, sig) for n, b in self.overlays.items()) and \
                len(self._overlay_version) == len(self.overlays):
            return
        for name, buf in self.overlays.items():
            if name in self.overlay_hidden:
                continue
            face = self.face if self.face in buf.faces else buf.main_face()
            if face is None:
                continue
            for k, col in enumerate(buf.au_columns("_r")):
                if shown is not None and col not in shown and col in ours:
                    continue
                y = buf.get(face, col)
                idx = ours.index(col) if col in ours else len(ours) + k
                want[(name, col)] = (self.au_plot, y, AU_COLOURS[idx % len(AU_COLOURS)])  # type: ignore[assignment]
            for k, col in enumerate(buf.class_columns()):
                idx = ours_p.index(col) if col in ours_p else len(ours_p) + k
                want[(name, col)] = (self.class_plot, buf.get(face, col),  # type: ignore[assignment]
                                     AU_COLOURS[(idx + 5) % len(AU_COLOURS)])
        for key in [k for k in self._overlay_curves if k not in want]:
            c = self._overlay_curves.pop(key)
            self._overlay_plots.pop(key).removeItem(c)
        for key, (plot, y, colour) in want.items():
            curve = self._overlay_curves.get(key)
            if curve is None:
                pen = pg.mkPen(colour, width=1.2, style=Qt.PenStyle.DashLine)
                curve = pg.PlotDataItem(pen=pen, connect="finite")
                curve.setZValue(-1)  # ours stay on top
                plot.addItem(curve)
                self._overlay_curves[key] = curve
                self._overlay_plots[key] = plot
            n = len(y) if y is not None else 0
            curve.setData(np.arange(n, dtype=np.float64), y, connect="finite")
        self._overlay_version = {n: (b.version, sig) for n, b in self.overlays.items()}

    # ---------------------------------------------------------------- events by coder
    def set_coder_view(self, on: bool) -> None:
        """Events by coder: each coder's events on its own lane of the coders track."""
        self.coder_plot.setVisible(on)
        # the frame axis goes under the lowest visible track
        lowest, other = (self.coder_plot, self.events_plot) if on else (self.events_plot, self.coder_plot)
        other.hideAxis("bottom")
        lowest.showAxis("bottom")
        lowest.setLabel("bottom", "frame")
        self._draw_coder_lanes()

    def _draw_coder_lanes(self) -> None:
        from merstudio.agreement.report import coder_of

        evs = [e for e in self._events if e.status != "rejected"]
        lanes = sorted({coder_of(e) for e in evs})
        for name in [n for n in self.coder_bars if n not in lanes]:
            self.coder_plot.removeItem(self.coder_bars.pop(name))
        for lane, name in enumerate(lanes):
            mine = [e for e in evs if coder_of(e) == name]
            x0 = np.array([e.onset for e in mine], dtype=np.float64)
            w = np.array([e.offset + 1 - e.onset for e in mine], dtype=np.float64)
            brushes = []
            for e in mine:
                c = emotion_colour(e.emotion)
                c.setAlpha(90 if e.status == "proposal" else 190)
                brushes.append(pg.mkBrush(c))
            bar = self.coder_bars.get(name)
            opts = {"x0": x0, "width": w, "y0": np.full(len(mine), lane + 0.12), "height": 0.76,
                    "brushes": brushes, "pen": pg.mkPen("#424242", width=0.5)}
            if bar is None:
                bar = pg.BarGraphItem(**opts)
                self.coder_bars[name] = bar
                self.coder_plot.addItem(bar)
            else:
                bar.setOpts(**opts)
        self.coder_lanes = lanes
        apex = [(e.apex + 0.5, lanes.index(coder_of(e)) + 0.5) for e in evs]
        self._apex_marks.setData(pos=np.array(apex, dtype=np.float64).reshape(-1, 2), brush=pg.mkBrush("#212121"))
        self.coder_plot.setYRange(0, max(1, len(lanes)), padding=0)
        self.coder_plot.getAxis("left").setTicks([[(i + 0.5, n) for i, n in enumerate(lanes)]])

    def _clear_curves(self) -> None:
        for c in self._curves.values():
            self.au_plot.removeItem(c)
        for c in self._class_curves.values():
            self.class_plot.removeItem(c)
        self._curves.clear()
        self._class_curves.clear()
        self.heat.clear()

    def curve_data(self, col: str) -> np.ndarray | None:
        c = self._curves.get(col) or self._class_curves.get(col)
        return None if c is None else c.yData

    # ---------------------------------------------------------------- events
    def set_events(self, events: Sequence[Event], selected: int | None = None) -> None:
        shown = [e for e in events if e.id is not None]
        self._events = shown
        if self.coder_plot.isVisible():
            self._draw_coder_lanes()
        while len(self._pool) < len(shown):
            r = EventRegion(self)
            self.events_plot.addItem(r)
            self.events_plot.addItem(r.apex_line)
            self._pool.append(r)
        self.regions = {}
        for r, e in zip(self._pool, shown, strict=False):
            r.assign(e, e.id == selected)
            self.regions[e.id] = r  # type: ignore[index]
        for r in self._pool[len(shown):]:
            r.release()

    # ---------------------------------------------------------------- selection and play head
    def clamp_frame(self, x: float) -> int:
        return int(min(max(round(x), 0), self.frame_count - 1))

    def set_selection(self, x0: float, x1: float, finished: bool = True) -> None:
        a, b = sorted((self.clamp_frame(x0), self.clamp_frame(x1)))
        self._sel_region.blockSignals(True)
        self._sel_region.setRegion((a, b + 1))
        self._sel_region.blockSignals(False)
        self._sel_region.show()
        self.selection = (a, b)
        if finished:
            self.selectionChanged.emit(self.selection)

    def clear_selection(self) -> None:
        self._sel_region.hide()
        self.selection = None
        self.selectionChanged.emit(None)

    def _selection_moved(self) -> None:
        lo, hi = self._sel_region.getRegion()
        self.selection = (self.clamp_frame(lo), max(self.clamp_frame(lo), self.clamp_frame(hi) - 1))
        self.selectionChanged.emit(self.selection)

    def set_playhead(self, frame: int) -> None:
        for line in self.playheads:
            line.blockSignals(True)
            line.setValue(frame)
            line.blockSignals(False)
        # keep the play head in view while playing or stepping
        lo, hi = self.au_plot.viewRange()[0]
        if not lo <= frame <= hi:
            w = hi - lo
            self.au_plot.setXRange(frame - 0.1 * w, frame + 0.9 * w, padding=0)

    def _playhead_dragged(self, line: pg.InfiniteLine) -> None:
        f = self.clamp_frame(line.value())
        for other in self.playheads:
            if other is not line:
                other.blockSignals(True)
                other.setValue(f)
                other.blockSignals(False)
        self.seekRequested.emit(f)

    def zoom_x(self, factor: float, centre: float | None = None) -> None:
        lo, hi = self.au_plot.viewRange()[0]
        c = (lo + hi) / 2 if centre is None else centre
        self.au_plot.setXRange(c - (c - lo) * factor, c + (hi - c) * factor, padding=0)

    def pan_x(self, fraction: float) -> None:
        lo, hi = self.au_plot.viewRange()[0]
        d = (hi - lo) * fraction
        self.au_plot.setXRange(lo + d, hi + d, padding=0)
