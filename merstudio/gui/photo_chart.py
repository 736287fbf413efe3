"""A photo's AUs as bars: one frame has no timeline, so the main window shows this in the timeline's place.

The shown face's 17 intensities (0-5) side by side in the timeline's AU colours, the value over each bar (two
decimals, as the CLI's chart and the timeline's readout: one made AU10 0.957 "1.0" beside the dashed line where
an AU counts as present, 1.0, FACS's A-B boundary, while the face label said absent). AU4, which a photo cannot
tell from relaxed brows that sit low, is hatched and named "4?" (as in `merstudio analyze --plot` and the face labels); an AU the photo does
not show (a covered region, eyes behind dark glasses, a part cut off by the edge; how wide shut lids are) is a grey
"?", not a zero; one the photo shows on one side alone (the other beyond the frame's edge) is that side's bar, named
as coders write it, "R12" (analysis.plot.side_alone: the face note's rule). Hovering a bar names the AU.

The title wraps to the chart's width (TITLE_LINES at most, the rest elided, whole in the tooltip): one line of about
130 characters made the plot wider than a narrow pane, cutting off the last bars. Its text and the AU numbers
under the bars follow the app's font, the axis as tall as their line.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF

from merstudio.analysis.plot import side_alone
from merstudio.features.aus import AU_NAMES, MAX_INTENSITY, STILL_UNRELIABLE_AU
from merstudio.gui.look import app_pt
from merstudio.gui.state import CurveBuffer, as_written
from merstudio.palette import au_colour

PRESENT = 1.0  # features.aus.PRESENCE_ON: the A-B boundary
TOP = 5.6  # the y axis's top at a small font: room for a 5.00 label over a full bar
LABEL_SHARE = 0.9  # of the room between two bars a value label may take ("0.000.00" ran together at 20 pt)
LEAST_PT = 6.0  # a label's smallest font: a narrower chart lets them touch rather than be unreadable
TITLE_PT = 11.0  # the title's size at the default font (pyqtgraph's); a bigger app font makes it bigger
TITLE_LINES = 2  # a title wraps to at most this many lines; the rest is elided (whole in the tooltip)


def wrap_title(text: str, metrics: QFontMetricsF, room: float, most: int = TITLE_LINES) -> list[str]:
    """``text`` broken at spaces into lines at most ``room`` px wide in ``metrics``' font; beyond ``most`` lines
    the last one ends in "…" (so does a word wider than the room)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if line and metrics.horizontalAdvance(trial) > room:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    if len(lines) > most:
        lines = [*lines[:most - 1], " ".join(lines[most - 1:])]
    elide = Qt.TextElideMode.ElideRight
    return [ln if metrics.horizontalAdvance(ln) <= room else metrics.elidedText(ln, elide, room) for ln in lines]


def bars(buffer: CurveBuffer | None, face: int | None, shown: Sequence[str] | None = None
         ) -> list[tuple[int, float]]:
    """(AU number, intensity on the photo; NaN: not seen) for each shown ``AUxx_r`` column of the face."""
    if buffer is None or face is None:
        return []
    out = []
    for col in buffer.au_columns("_r"):
        if shown is not None and col not in shown:
            continue
        values = buffer.get(face, col)
        out.append((int(col[2:4]), float(values[0]) if values is not None and len(values) else math.nan))
    return out


def overlay_bars(buffer: CurveBuffer, face: int | None) -> dict[int, float]:
    """{AU: value on the 0-5 scale} of another tool's table on the photo: its intensities (OpenFace ``_r``), or
    its probabilities x5 (py-feat ``_p``), for the face shown (else the table's main face: its own ids)."""
    face = face if face in buffer.faces else buffer.main_face()
    if face is None:
        return {}
    out: dict[int, float] = {}
    for suffix, scale in (("_r", 1.0), ("_p", MAX_INTENSITY)):
        for col in buffer.au_columns(suffix):
            values = buffer.get(face, col)
            if values is not None and len(values) and int(col[2:4]) not in out:
                out[int(col[2:4])] = float(values[0]) * scale
    return out


class PhotoChart(pg.PlotWidget):
    title = ""  # the whole title (what is drawn may be wrapped and elided: title_cut); "" until the first is set

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        plot = self.getPlotItem()
        plot.setYRange(0, TOP, padding=0)
        plot.setLabel("left", "AU intensity (0-5)")
        plot.showGrid(y=True, alpha=0.15)
        self._present = pg.InfiniteLine(PRESENT, angle=0, pen=pg.mkPen("#888", width=1, style=Qt.PenStyle.DashLine),
                                        label="present", labelOpts={"position": 0.06, "color": "#666"})
        plot.addItem(self._present)
        self._items: list[Any] = []
        self.labels: list[Any] = []  # the value labels and "?" marks over the bars, fitted to the chart's size
        self.shown: list[tuple[int, float]] = []  # what is drawn: (AU, value), for the hover and the tests
        self.sides: dict[int, str] = {}  # AU -> the side ("L" / "R") its bar is of, the other not seen (side_alone)
        self.theirs: dict[str, dict[int, float]] = {}  # other tools' values drawn beside ours: name -> {AU: 0-5}
        self.title_cut = False
        self._fit_axes()
        self._axis_width = 0.0  # the y axis's width the title was fitted beside: it grows as its numbers are drawn
        plot.getAxis("left").geometryChanged.connect(self._axis_moved)
        self.scene().sigMouseMoved.connect(self._hover)
        plot.vb.sigResized.connect(self._fit_labels)  # the room between bars and the height in px follow its size

    def show_face(self, buffer: CurveBuffer | None, face: int | None, shown: Sequence[str] | None = None,
                  overlays: Mapping[str, CurveBuffer] | None = None) -> None:
        """Draw the face's bars; ``overlays`` (name -> another tool's table, e.g. an imported py-feat or OpenFace
        CSV) are drawn beside ours, outlined, for the same AUs."""
        plot = self.getPlotItem()
        for item in self._items:
            plot.removeItem(item)
        self._items = []
        self.labels = []
        self.shown = bars(buffer, face, shown)
        self.sides = {}
        if buffer is not None and face is not None:
            def value(col: str) -> float | None:
                values = buffer.get(face, col)
                return float(values[0]) if values is not None and len(values) else None

            for i, (au, v) in enumerate(self.shown):
                if not np.isfinite(v) and (one := side_alone(value, au)) is not None:
                    self.sides[au] = one[0]
                    self.shown[i] = (au, one[1])
        theirs = {name: overlay_bars(b, face) for name, b in (overlays or {}).items()}
        self.theirs = {name: vals for name, vals in theirs.items() if vals}
        scaled = {name for name in self.theirs if not (overlays or {})[name].au_columns("_r")}  # probabilities
        if not self.shown:
            self.set_title("no face found on this photo" if buffer is not None and buffer.frames_done else
                           "Press Ctrl+R to analyse this photo: its AU intensities appear here as bars")
            plot.getAxis("bottom").setTicks([[]])
            return
        title = (f"face {face}: AU intensity on this photo (dashed: present from {PRESENT:g}; "
                 f"AU{STILL_UNRELIABLE_AU}? unreliable on a photo; ? unknown)")
        ticks = []
        n = 1 + len(self.theirs)  # ours, then each other tool's, side by side
        width = 0.7 / n
        for x, (au, v) in enumerate(self.shown):
            doubt = au == STILL_UNRELIABLE_AU
            ticks.append((x, f"{au}?" if doubt else f"{self.sides.get(au, '')}{au}"))
            colour = QColor(au_colour(f"AU{au:02d}_r"))
            left = x - 0.35 + width / 2
            for k, vals in enumerate(self.theirs.values(), start=1):
                if np.isfinite(w := vals.get(au, math.nan)):
                    self._items.append(pg.BarGraphItem(x=[left + k * width], height=[max(w, 0.02)], width=width,
                                                       brush=QBrush(Qt.BrushStyle.NoBrush),
                                                       pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine)))
            if not np.isfinite(v):
                mark = pg.TextItem("?", color="#999", anchor=(0.5, 1.0))
                mark.setPos(left, 0.45)
                self._items.append(mark)
                self.labels.append(mark)
                continue
            brush = QBrush(colour, Qt.BrushStyle.BDiagPattern) if doubt else QBrush(colour)
            bar = pg.BarGraphItem(x=[left], height=[max(v, 0.02)], width=width, brush=brush, pen=pg.mkPen(colour))
            label = pg.TextItem(f"{as_written(v):.2f}", color="#333", anchor=(0.5, 1.0))
            label.setPos(left, max(v, 0.0) + 0.05)
            self._items += [bar, label]
            self.labels.append(label)
        if self.theirs:
            names = ", ".join(f"{name} dashed" + (" (probabilities x5)" if name in scaled else "")
                              for name in self.theirs)
            title = (f"face {face}: AU intensity on this photo, ours filled, {names}; "
                     f"AU{STILL_UNRELIABLE_AU}? unreliable on a photo")
        if self.sides:  # what "R12" under a bar means
            values = dict(self.shown)
            first = max(self.sides, key=lambda a: values[a])  # (the tallest: "R12", not a "R10" at 0.00)
            title = title.removesuffix(")") + f"; {self.sides[first]}{first}: one side only" + \
                (")" if title.endswith(")") else "")
        self.set_title(title)
        for item in self._items:
            plot.addItem(item)
        plot.getAxis("bottom").setTicks([ticks])
        plot.setXRange(-0.6, len(self.shown) - 0.4, padding=0)
        self._fit_labels()

    def set_title(self, text: str) -> None:
        """Show ``text`` as the title, wrapped to the chart's width (fit_title)."""
        self.title = text
        if text:
            self.fit_title()
        else:
            self.getPlotItem().setTitle(None)

    def title_font(self) -> QFont:
        """The title's font: TITLE_PT at the default font, the app's size where that is bigger."""
        font = QFont(self.getPlotItem().titleLabel.item.font())
        font.setPointSizeF(app_pt(1.0, TITLE_PT))
        return font

    def fit_title(self) -> None:
        """The title in lines as wide as the chart's plot column at most (a one-line title wider than a narrow pane
        made the plot wider than it: the last bars were not drawn), the row as tall as they are."""
        plot = self.getPlotItem()
        if not self.title or plot is None:  # none yet, or none any more (a resize as pyqtgraph builds or drops it)
            return
        label = plot.titleLabel
        font = self.title_font()
        margin = label.item.document().documentMargin()
        # the plot's column: the widget less the y axis and the plot's layout margins, less the text's margins
        self._axis_width = plot.getAxis("left").width()
        room = self.width() - self._axis_width - 2 * margin - 4
        lines = wrap_title(self.title, QFontMetricsF(font), max(room, 1.0))
        self.title_cut = " ".join(lines) != self.title
        item = label.item
        item.setTextWidth(-1)  # the lines as they are: measured, then centred in a box as wide as the widest
        plot.setTitle("<br>".join(html.escape(line) for line in lines), size=f"{font.pointSizeF():g}pt")
        option = item.document().defaultTextOption()
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        item.document().setDefaultTextOption(option)
        item.setTextWidth(item.document().idealWidth())
        label.resizeEvent(None)  # placed again (centred in the row) for that width
        high = label.itemRect().height()
        label.setMaximumHeight(high)
        plot.layout.setRowFixedHeight(0, high)

    def _axis_moved(self) -> None:
        if self.getPlotItem().getAxis("left").width() != self._axis_width:
            self.fit_title()

    def _fit_axes(self) -> None:
        """The axes' numbers in the app's font and the x axis as tall as their line: pyqtgraph counts 0.8 of it
        (13 of 16 px at 9 pt), cutting the AU numbers under the bars in half."""
        font = QFont(self.font())
        plot = self.getPlotItem()
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(tickFont=font)
        bottom = plot.getAxis("bottom")
        bottom.setHeight(math.ceil(QFontMetricsF(font).height()) + bottom.style["tickTextOffset"][1] + 1)

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(ev)
        self.fit_title()

    def label_font(self) -> QFont:
        """The app's font, made smaller where a value ("0.00") would be wider than LABEL_SHARE of the room between two
        bars: at 20 pt in a 1366-px window the labels ran into one another."""
        font = QFont(self.font())
        vb = self.getPlotItem().vb
        slot = vb.width() / max(1, len(self.shown) + 0.2)  # px between two AUs' bars (the x range is n + 0.2 wide)
        wide = QFontMetricsF(font).horizontalAdvance("0.00")
        if slot > 0 and wide > LABEL_SHARE * slot:
            font.setPointSizeF(max(LEAST_PT, font.pointSizeF() * LABEL_SHARE * slot / wide))
        return font

    def _fit_labels(self) -> None:
        """Each label in label_font, and the y axis tall enough for a label over a full bar (5.00) at that font:
        a fixed 0-5.6 cut the 5.00 labels at 20 pt."""
        if not self.shown:
            return
        font = self.label_font()
        for label in self.labels:
            label.setFont(font)
        high = self.getPlotItem().vb.height()  # px
        # px a label's box takes above its bar (its text's line and the text item's margins), with a little air
        need = max(label.boundingRect().height() for label in self.labels) + 2
        top = TOP
        if high > 2 * need:  # the top of the range at which a label over a full bar ends inside the chart
            top = max(TOP, (MAX_INTENSITY + 0.05) * high / (high - need))
        self.getPlotItem().setYRange(0, top, padding=0)

    def _hover(self, pos: QPointF) -> None:
        plot = self.getPlotItem()
        if self.title_cut and plot.titleLabel.sceneBoundingRect().contains(pos):
            self.setToolTip(self.title)  # the title cut short in a narrow pane, whole
            return
        if not self.shown or not plot.sceneBoundingRect().contains(pos):
            self.setToolTip("")
            return
        x = round(plot.vb.mapSceneToView(pos).x())
        if not 0 <= x < len(self.shown):
            self.setToolTip("")
            return
        au, v = self.shown[x]
        value = "unknown (hidden, out of the frame, or the lids shut)" if not np.isfinite(v) else \
            f"{as_written(v):.2f}"
        if au in self.sides:
            seen, unseen = ("right", "left") if self.sides[au] == "R" else ("left", "right")
            value += f" on the {seen} side (the {unseen} not seen: beyond the photo's edge)"
        doubt = (" — on a photo relaxed brows that sit low read as lowered (docs/aus.md)"
                 if au == STILL_UNRELIABLE_AU else "")
        others = "".join(f"; {name} {as_written(vals[au]):.2f}" for name, vals in self.theirs.items()
                         if np.isfinite(vals.get(au, math.nan)))
        self.setToolTip(f"AU{au} {AU_NAMES.get(au, '')}: {value}{doubt}{others}")
