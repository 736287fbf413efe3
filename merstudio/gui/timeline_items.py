"""The graphics items the timeline's lanes are made of: frame cells (frame f drawn over [f - 1/2, f + 1/2)), the
editable spans of the events track and the behaviours lane (FrameRegion), the lanes' view box (click to seek, drag
to select), the compact side legends, the value readout and the lanes' notes (LaneNotes). merstudio.gui.timeline lays
them out."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
    QTextCursor,
    QTextDocumentFragment,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsTextItem

from merstudio import palette
from merstudio.gui.look import SMALL_SHARE, app_pt, small_text
from merstudio.gui.plain_text import escaped, literal_tip
from merstudio.project.events import Event

if TYPE_CHECKING:
    from merstudio.gui.timeline import Timeline

# proposals (not yet coded) in one teal, opposite the play head's red on the colour wheel: a proposal of a red class
# (negative, anger) never reads as the play head; its suggested emotion is in its edge and the readout
PROPOSAL_COLOUR = "#00838f"
REJECTED_COLOUR = "#757575"
# another face's events (a second person in the video than the face shown): hatched in their colour with a dotted
# edge, their face named on the bar; solid, a coder reviewing A's curves read B's event as A's. The other diagonal than
# the AU lane's stale-frames hatch, which means something else
OTHER_FACE_PATTERN = Qt.BrushStyle.FDiagPattern
FACE_TAG_COLOUR = "#37474f"  # 7:1 on white, dark on a light hatch
PLATE_EDGE = "#b0bec5"  # the line between the lanes and the readout or frame axis kept over them as they scroll
# the legends' column, right of the tracks (never over the curves), and an entry's height (no margin), for 7-pt text
# (the default 9-pt app font); a bigger font grows both as its text does (legend_sizes)
LEGEND_WIDTH = 180
LEGEND_ROW_PX = 11.0
LEGEND_SIZING_TEXT = "0123456789 abcdefghijklmnopqrstuvwxyz (.)"  # what a legend's text is made of
SAMPLE_PX, NARROW_SAMPLE_PX = 12, 8  # a legend sample's width; narrow where a short lane's legend needs a column more
NOTE_MIN_PT = 7.0  # a lane's note shrinks down to this size before it is cut short
NOTE_PAD = 10.0  # px between a note and its lane's ends (clear of the play head on frame 0)


def frame_cell(first: int, last: int) -> tuple[float, float]:
    """The x extent of frames first..last: frame f is drawn as the cell [f - 1/2, f + 1/2), centred on f, where its
    curve point, the play head and an apex line sit (cells [f, f + 1) put the apex line half a frame off the
    apex point at high zoom)."""
    return first - 0.5, last + 0.5


def cell_frames(lo: float, hi: float) -> tuple[int, int]:
    """The frames first..last of an extent lo..hi (a dragged region), each end snapped to the nearest cell edge:
    frame_cell's inverse. An extent inside one cell (both ends snap to the same edge) is that cell's frame."""
    first, last = math.floor(lo + 1.0), math.floor(hi)
    if last < first:
        first = last = math.floor((lo + hi) / 2 + 0.5)
    return first, last


def event_colour(event: Event) -> QColor:
    """An event's colour on the events track: its emotion's, the proposal teal for a proposal, grey when rejected
    (a faint emotion colour read as a weak coded event)."""
    if event.status == "rejected":
        return QColor(REJECTED_COLOUR)
    return QColor(PROPOSAL_COLOUR) if event.status == "proposal" else emotion_colour(event.emotion)


def event_style(event: Event, selected: bool = False,
                other: bool = False) -> tuple[QBrush, QBrush, QColor, QPen]:
    """An event's fill, hover fill, edge colour and edge pen on the events track (its region's, or its batched
    bar's: EventLayer): fainter for a proposal, fainter still when rejected; a proposal's edge dashed; the selected
    event's fill stronger and its edge 3 px. ``other``: an event of another face than the one shown, hatched in its
    colour with a dotted, paler edge."""
    col = event_colour(event)
    alpha = {"proposal": 60, "accepted": 110, "rejected": 25}[event.status]
    fill, hover, edge = QColor(col), QColor(col), QColor(col)
    fill.setAlpha(alpha + (60 if selected else 0))
    hover.setAlpha(min(255, alpha + 80))
    edge.setAlpha(255)
    style = Qt.PenStyle.DashLine if event.status == "proposal" else Qt.PenStyle.SolidLine
    if other:  # hatch lines, not a wash: strong enough to see, plainly not the shown face's solid bar
        fill.setAlpha(min(255, 2 * alpha + 40))
        hover.setAlpha(255)
        edge.setAlpha(150)
        style = Qt.PenStyle.DotLine
    pattern = OTHER_FACE_PATTERN if other else Qt.BrushStyle.SolidPattern
    pen = pg.mkPen(edge, width=3 if selected else 1, style=style)
    return QBrush(fill, pattern), QBrush(hover, pattern), edge, pen


def face_tag(face: int) -> str:
    """The words on another face's event bar (and its tooltip's start)."""
    return f"face {face}"


def emotion_tags(event: Event) -> tuple[str, ...]:
    """The words that may stand on an event's bar, the longest first (EventRegion.fit_tag shows the longest that
    fits): its emotion, its first three letters, its initial; a proposal's with "?" (a suggestion); none without an
    emotion. Colour alone told positive from negative to no colour-blind coder (2.2 apart in CIELAB under
    deuteranopia) and to no one in greyscale."""
    name = event.emotion.strip()
    if not name:
        return ()
    mark = "?" if event.status == "proposal" else ""
    return tuple(dict.fromkeys(t + mark for t in (name, name[:3], name[0].upper())))


def bar_tags(event: Event, other: bool) -> tuple[str, ...]:
    """The words that may stand on an event's bar, the longest first: another face's name (whose it is matters more
    there; its emotion is in its tooltip), else its emotion (emotion_tags)."""
    return (face_tag(event.face_id), str(event.face_id)) if other else emotion_tags(event)


def event_tip(event: Event, other: bool = False) -> str:
    """An event's tooltip on the events track and the coders' lanes: its emotion, AUs, coder, frames and status (what
    its colour, edge and place say, in words); another face's says so first."""
    from merstudio.agreement.report import coder_of

    status = {"proposal": "proposal, not coded yet", "accepted": "accepted",
              "rejected": "rejected proposal"}.get(event.status, event.status)
    lines = [f"{event.emotion.strip() or 'no emotion'} ({status})", f"AUs: {event.aus or 'none given'}",
             f"coder: {coder_of(event)}", f"frames {event.onset}-{event.offset}, apex {event.apex}"]
    if other:
        lines.insert(0, f"{face_tag(event.face_id)}'s event, not the face shown: a click shows face {event.face_id}")
    return "\n".join(lines)


def emotion_colour(name: str) -> QColor:
    return QColor(palette.emotion_colour(name))


def legend_sizes() -> tuple[int, float]:
    """The legend column's width and a legend entry's height for the legends' text (look.small_text: 7 pt at the
    default 9-pt app font, 12.4 at 16): LEGEND_WIDTH and LEGEND_ROW_PX at 7 pt, in proportion to that text's width
    and line height at a bigger font. Measured, not by the points: at 12.4 pt a label is 1.88 times as wide as at 7
    (hinting), not 1.77; fixed px cut the legends' ends and rows at 16 pt ("5.0 (this vid", the motion's 2nd row)."""
    small = QFont(QGuiApplication.font())
    small.setPointSizeF(app_pt(SMALL_SHARE, 7.0))
    seven = QFont(small)
    seven.setPointSizeF(7.0)
    fm, fm7 = QFontMetricsF(small), QFontMetricsF(seven)
    wide = fm.horizontalAdvance(LEGEND_SIZING_TEXT) / fm7.horizontalAdvance(LEGEND_SIZING_TEXT)
    tall = math.ceil(fm.height()) / math.ceil(fm7.height())  # a label's line: its font's height, whole px
    return round(LEGEND_WIDTH * max(1.0, wide)), LEGEND_ROW_PX * max(1.0, tall)


def sample_dash_offset(dashes: Sequence[float], width: float) -> float:
    """Where a legend sample ``width`` long (in the pen's widths) starts in its curve's dash pattern (``dashes``:
    dash, gap, ..; the pen's dashOffset) so that a pattern whose period is longer shows a gap and its last parts:
    the period up to its last dash where that leaves a gap in the sample (dash-dot: the dash's end, the gap, the
    dot; dash-dot-dot: the two dots), else up to its end (long dashes: 5 px of the 9-px dash, then the 3-px gap;
    from its start the 8-px narrow sample was one dash, solid to the eye). 0 where a period fits."""
    period = float(sum(dashes))
    if not dashes or period <= width:
        return 0.0
    end = period
    if len(dashes) >= 4 and len(dashes) % 2 == 0 and width > dashes[-2]:
        end = period - dashes[-1]  # (wider than the last dash: the gap before it ends inside the sample)
    return max(0.0, end - width)


class _SmallSample(pg.ItemSample):
    """A legend sample 12x10 px instead of 20x20: three legend rows fit a 43-px lane. A dashed line whose period is
    longer than the sample (narrow, 8 px: long dashes, dash-dot, dash-dot-dot) starts where it shows a gap
    (sample_dash_offset)."""

    def __init__(self, item: Any) -> None:
        super().__init__(item)
        self._w = SAMPLE_PX
        self.setFixedWidth(self._w)
        self.setFixedHeight(10)

    def set_narrow(self, on: bool) -> None:
        """8 px wide, not 12: a fourth column of a short lane's legend fits the legend column."""
        w = NARROW_SAMPLE_PX if on else SAMPLE_PX
        if w != self._w:
            self.prepareGeometryChange()
            self._w = w
            self.setFixedWidth(w)

    def boundingRect(self) -> Any:  # noqa: N802
        return QRectF(0, 0, self._w, 10)

    def paint(self, p: Any, *args: Any) -> None:
        # on whole pixels and within its box, so that it shows its width's pixels of the pattern: a 1-px line's last
        # pixel fell one past it (at a fractional place in its row, two), the next dash's start after a long dash's
        # gap: long dashes read as dash-dot
        t = p.deviceTransform()
        if t.type() in (QTransform.TransformationType.TxTranslate, QTransform.TransformationType.TxScale):
            p.translate((round(t.dx()) - t.dx()) / t.m11(), (round(t.dy()) - t.dy()) / t.m22())  # (200 %: scaled)
        p.setClipRect(self.boundingRect(), Qt.ClipOperation.IntersectClip)
        p.scale(0.6 * self._w / SAMPLE_PX, 0.5)
        ratio = device_ratio(p)
        pen = self._dashed_line_pen() if ratio == 1.0 else self._line_pen()
        if pen is None:
            super().paint(p, *args)
            return
        # pyqtgraph's line alone (its paint draws it from the item's pen), the pattern started where it shows; as
        # wide and its dashes as long as the curve's at 200 % (_HairlineCurve)
        if self.item.opts.get("antialias"):
            p.setRenderHint(p.RenderHint.Antialiasing)
        passes = hairline_passes(pen, ratio)
        if passes is None:
            p.setPen(ratio_pen(pen, ratio))
            p.drawLine(0, 11, 20, 11)
            return
        hair, steps = passes
        p.setPen(hair)
        base = p.transform()
        for dx, dy in steps:
            p.setTransform(base * QTransform.fromTranslate(dx, dy))
            p.drawLine(0, 11, 20, 11)
        p.setTransform(base)

    def _dashed_line_pen(self) -> QPen | None:
        """The pen of a curve drawn as a plain dashed line, its dash offset set, where the sample is too short for
        the pattern's period; None: pyqtgraph draws the sample (a solid line, a symbol, a fill, bars, hidden)."""
        pen = self._line_pen()
        return pen if pen is not None and pen.dashOffset() else None

    def _line_pen(self) -> QPen | None:
        """The pen of a curve drawn as a plain line, its dash offset set where the sample is too short for a dash
        pattern's period (sample_dash_offset); None: pyqtgraph draws the sample (a symbol, a fill, bars, hidden)."""
        item, opts = self.item, getattr(self.item, "opts", {})
        pen = opts.get("pen")
        if not isinstance(item, pg.PlotDataItem) or not item.isVisible() or not isinstance(pen, QPen) \
                or opts.get("symbol") is not None \
                or (opts.get("fillLevel") is not None and opts.get("fillBrush") is not None):
            return None
        shown = QPen(pen)
        if pen.style() == Qt.PenStyle.CustomDashLine:
            shown.setDashOffset(sample_dash_offset(pen.dashPattern(), self._w / max(1.0, pen.widthF())))
        return shown


class _CompactLegend(pg.LegendItem):
    """A legend with tight labels (no text-document margin): entries row_px high, at most column_px wide (legend_sizes).
    Fitted to its lane's height (fit): on a short lane its entries go into more columns, where the column's width
    allows, rather than below the lane's edge (at 1280x720 "blink mask" was cut off under the class legend); on a
    lane squeezed below its whole legend (a big font in a short pane) it shows the entries that fit at its own size
    and "+N" for the rest (their names in its tooltip; the readout names every value): shrunk to 7 pt instead, a
    20-pt user's legends were unreadable."""

    columnCount: int  # pyqtgraph's  # noqa: N815

    def __init__(self, *args: Any, colCount: int = 1, **kwargs: Any) -> None:  # noqa: N803 - pyqtgraph's name
        super().__init__(*args, colCount=colCount, **kwargs)
        self._base_columns = colCount
        self.column_px, self.row_px = legend_sizes()
        self._size = str(self.opts["labelTextSize"])
        self._height: float | None = None  # the height it is fitted to, once its lane has one
        self._narrow = False
        self._shown: int | None = None  # entries laid out where "+N" stands for the rest; None: every entry
        self._laid: tuple[int, bool, int | None, int] | None = None  # (columns, narrow, shown, entries) laid out
        self._least = 0.0
        self.on_least_changed: Callable[[], None] | None = None  # its lane's minimum height follows least_height
        self.more = pg.LabelItem("", color=self.opts["labelTextColor"], justify="left", size=self._size)
        self.more.item.document().setDocumentMargin(0)
        self.more.setParentItem(self)
        self.more.setVisible(False)
        self._measure = QGraphicsTextItem()  # never shown: measures "+N" at its size
        self._measure.document().setDocumentMargin(0)
        self._measure.setFont(self.more.item.font())

    def _addItemToLayout(self, sample: Any, label: Any) -> None:  # noqa: N802 - pyqtgraph override
        label.item.document().setDocumentMargin(0)
        label.updateMin()
        br = label.item.boundingRect()
        label.setMaximumSize(br.width() + 1, br.height())
        super()._addItemToLayout(sample, label)

    def addItem(self, item: Any, name: str) -> None:  # noqa: N802 - pyqtgraph's name
        # every entry back in place first: pyqtgraph puts a new one after the last sample it finds, in "+N"'s cell
        # (the motion lane's "blink mask" at 14 and 16 pt: "QGridLayoutEngine::addItem: ... already taken")
        self._lay_out_all()
        super().addItem(item, escaped(name))  # pyqtgraph's labels are HTML: a checkpoint's class names, as written
        self._changed()

    def removeItem(self, item: Any) -> None:  # noqa: N802 - pyqtgraph's name
        self._lay_out_all()
        super().removeItem(item)
        self._changed()

    def clear(self) -> None:
        self._lay_out_all()
        super().clear()

    def _lay_out_all(self) -> None:
        """Every entry back in the layout, "+N" out of it: pyqtgraph takes an entry out of the layout to remove it
        (one left out of it: a Qt warning, and "+N" kept)."""
        if self._shown is not None:
            self._show_all()
            self.setColumnCount(self.columnCount + 1)  # (re-lays every entry; _refit sets the columns again)
            self._laid = None

    def _changed(self) -> None:
        self._refit()
        least = self.least_height() + 1e6 * self.least_height(whole=True)  # (either changes the lane's heights)
        if least != self._least:
            self._least = least
            if self.on_least_changed is not None:
                self.on_least_changed()

    def least_height(self, whole: bool = False) -> float:
        """The height its entries need in as many columns as fit the legend column: its lane's least height;
        not ``whole``: its lane's floor, one row ("+N" for what it leaves out) where its text is bigger than 7 pt
        (a big app font), else the same."""
        n = len(self.items)
        if not n:
            return 0.0
        height = math.ceil(n / self._columns_fitting(n, n)) * self.row_px
        return height if whole or self._size == "7pt" else min(height, self.row_px)

    @property
    def line_px(self) -> float:
        """An entry's height."""
        return self.row_px

    @property
    def drawn_rows(self) -> int:
        """The rows it draws: its entries', "+N" included."""
        slots = len(self.items) if self._shown is None else self._shown + 1
        return math.ceil(slots / max(1, self.columnCount))

    def fit(self, height: float) -> None:
        self._height = height
        self._refit()

    def _columns_fitting(self, shown: int, n: int) -> int:
        """The most columns (its own number at least) the legend column holds for its first ``shown`` entries (and
        "+N" after them where ``shown`` < ``n``), narrow samples allowed."""
        return max(c for c in range(1, max(1, n) + 1)
                   if c <= self._base_columns or self._width(c, True, shown, n) <= self.column_px)

    def _refit(self) -> None:
        n = len(self.items)
        if self._height is None or not n:
            return
        rows = max(1, int(self._height // self.row_px))
        shown: int | None = None
        want = max(self._base_columns, math.ceil(n / rows))
        # too wide: narrow samples and spacing first, then fewer columns (its last row cut, as the lane is short)
        while want > self._base_columns and self._width(want, True, n, n) > self.column_px:
            want -= 1
        if self._size != "7pt" and rows * want < n:
            # squeezed below its whole legend at a big font: the entries that fit at its size, then "+N"
            want = max(c for c in range(1, n + 1) if c <= self._base_columns
                       or self._width(c, True, max(0, rows * c - 1), n) <= self.column_px)
            shown = max(0, rows * want - 1)
        count = n if shown is None else shown
        narrow = want > self._base_columns and self._width(want, False, count, n) > self.column_px
        if (want, narrow, shown, n) == self._laid:
            return
        self._laid = (want, narrow, shown, n)
        self._narrow = narrow
        self.layout.setHorizontalSpacing(1 if narrow else 3)
        for sample, _label in self.items:
            sample.set_narrow(narrow)
        if shown is None:
            if self._shown is not None:
                self._show_all()
            self.columnCount = 0  # laid out again even where only the samples' width changed
            self.setColumnCount(want)
        else:
            self._lay_out_first(want, shown)

    def _show_all(self) -> None:
        """Every entry drawn again, "+N" gone (its lane has room for the whole legend)."""
        self._shown = None
        for sample, label in self.items:
            sample.setVisible(True)
            label.setVisible(True)
        self.more.setVisible(False)
        self.more.setToolTip("")

    def _more_text(self, shown: int, n: int) -> str:
        return f"+{n - shown}"

    def _lay_out_first(self, columns: int, shown: int) -> None:
        """The first ``shown`` entries in ``columns`` columns, row by row as pyqtgraph lays them, then "+N"."""
        for i in range(self.layout.count() - 1, -1, -1):
            self.layout.removeAt(i)
        self._shown = shown
        self.columnCount = columns
        for k, (sample, label) in enumerate(self.items):
            sample.setVisible(k < shown)
            label.setVisible(k < shown)
            if k < shown:
                row, col = divmod(k, columns)
                self.layout.addItem(sample, row, 2 * col, alignment=Qt.AlignmentFlag.AlignVCenter)
                self.layout.addItem(label, row, 2 * col + 1)
        rest = [label.item.toPlainText() for _sample, label in self.items[shown:]]
        self.more.setText(self._more_text(shown, len(self.items)), size=self._size)
        self.more.updateMin()
        br = self.more.item.boundingRect()
        self.more.setMaximumSize(br.width() + 1, br.height())
        self.more.setToolTip(literal_tip(f"{len(rest)} more: " + ", ".join(rest)))
        self.more.setVisible(True)
        row, col = divmod(shown, columns)
        self.layout.addItem(self.more, row, 2 * col + 1)
        self.rowCount = row + 1
        self.updateSize()

    def _width(self, columns: int, narrow: bool, shown: int, n: int) -> float:
        """Its width in this many columns: per column, its widest sample and label, for its first ``shown``
        entries and "+N" after them where ``shown`` < ``n``."""
        sample, gap = (NARROW_SAMPLE_PX, 1) if narrow else (SAMPLE_PX, 3)
        widths = [float(label.maximumWidth()) for _sample, label in self.items[:shown]]
        cols: dict[int, float] = {}
        for i, w in enumerate(widths):
            c = i % columns
            cols[c] = max(cols.get(c, 0.0), sample + w + 2 * gap)
        if shown < n:
            c = shown % columns
            cols[c] = max(cols.get(c, 0.0), sample + self._text_width(self._more_text(shown, n)) + 2 * gap)
        return sum(cols.values()) + self.layout.getContentsMargins()[0]

    def _text_width(self, text: str) -> float:
        """A label's width at its size, as laid out (its text's + 1)."""
        self._measure.setHtml(f"<span style='font-size: {self._size}'>{escaped(text)}</span>")
        return float(self._measure.boundingRect().width()) + 1


@dataclass(frozen=True)
class ReadoutCells:
    """The readout in pieces, for the grid it takes where its wrapped lines are more than the room (Readout._grid):
    the head (frame, time and what is said of the frame: always shown), one cell per AU ("AU12 1.80", with whether the
    AU is present at the frame and its value: what is kept first when rows run out), the classes' cells, and a
    short note shown instead of them (the model not asked: its reason is in the tooltip)."""

    head: str
    aus: tuple[tuple[str, bool, float], ...] = ()
    classes: tuple[str, ...] = ()
    note: str = ""


_GRID_GAP = "&nbsp;&nbsp;"  # after each cell of the grid: its columns apart
_MORE = "<i>+{n} more</i>"  # the grid's last cell where values were left out (all of them in the tooltip)


class Readout(pg.LabelItem):
    """The value readout: as wide as the timeline is, never wider. A plain LabelItem asks for its text's width as
    its minimum, so a long readout (many AUs and classes) widened every lane past its pane (the play head and the
    last frames went off-screen); here the text goes onto two lines when one does not fit (set_lines), and where
    even those are too wide (a big font: at 16 pt in a 1366-px window AU20..AU45 were cut at the edge) it wraps
    onto as many lines as it needs. Where those are more than the room (set_room; a small screen at 200 %: the
    lines were cut with "…", the values only in the tooltip), its cells (ReadoutCells) go into as many columns as
    the width holds, as many rows as the room holds: the frame always, the AUs present at the frame first, "+7
    more" for what is left out, the whole readout in the tooltip; given no cells, the lines are cut at the room
    with "…". Its height follows; on_height (the timeline's) hears of a change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setFlag(self.GraphicsItemFlag.ItemClipsChildrenToShape)
        self._lines: tuple[str, str] | None = None
        self._measure = QGraphicsTextItem()  # never shown: measures the one-line text's width
        self._measure.setFont(self.item.font())  # the label's font; its size comes in the HTML, as in setText
        self.on_height: Callable[[], None] | None = None
        self._room = math.inf  # px the lanes leave it (set_room): a wrapped readout is cut there, two lines kept
        self._two_px = 0.0  # the two lines' height, unwrapped
        self._uncut: str | None = None  # the label's HTML before lines past the room were cut (_cut), to restore
        self._cells: ReadoutCells | None = None
        self._widths: dict[str, float] = {}  # _width_of's answers (a cell's HTML recurs frame after frame)
        self._grid_tip = ""  # the whole readout where the grid left values out or shortened a note
        self._gridded = False  # the cells shown in a grid (_grid)

    def set_lines(self, one: str, two: str, cells: ReadoutCells | None = None) -> None:
        """Show `one` (the readout on one line) where it fits the width the layout gives, else `two` (the same,
        split over two lines), else `cells` in a grid (_grid; without them, `two` wrapped)."""
        self._lines = (one, two)
        self._cells = cells
        self._fit()

    def _fit(self) -> None:
        lines = getattr(self, "_lines", None)  # None also while LabelItem.__init__ lays itself out
        if lines is None:
            return
        one, two = lines
        width = self.size().width()
        text, wrap, tip, gridded = one, -1.0, "", False  # (-1: no wrapping, the text's own width)
        if width > 0 and self._width_of(one) > width:
            text = two
            if self._width_of(two) > width:
                if self._cells is not None and self._wrapped_height(two, width) > self._room:
                    # too many lines for the room: the cells in columns, what is kept chosen (not the text cut)
                    text, tip = self._grid(self._cells, width, two)
                    gridded = True
                else:
                    wrap = width  # Qt breaks the lines at their spaces, never inside a value
                    self._two_px = self._height_of(two)
        self._gridded = gridded
        if text != self.text or wrap != self.item.textWidth():  # a new text lays the whole timeline out again
            tall = self.item.boundingRect().height()
            self.item.setTextWidth(wrap)
            self.setText(text)
            if self.item.boundingRect().height() != tall and self.on_height is not None:
                self.on_height()
        if tip != self._grid_tip or (tip and self.toolTip() != tip):
            self._grid_tip = tip
            self.setToolTip(tip)

    def _grid(self, cells: ReadoutCells, width: float, whole: str) -> tuple[str, str]:
        """The readout as a table whose columns are as wide as its widest AU cell, as many as `width` holds: the head
        first (spanning the columns it needs), the AUs after it, the classes (or the note) from a new row. Where
        those rows are taller than the room, the AUs present at the frame are kept first, then the highest values,
        then the classes, and a last cell says how many were left out. (HTML, the tooltip: the whole readout
        `whole` where anything was left out or the note shortened, else "".)"""
        au_w = [self._width_of(c + _GRID_GAP) for c, _p, _v in cells.aus]
        col = max(au_w, default=self._width_of("AU00 0.00" + _GRID_GAP))
        cols = max(1, int(width // col))

        def span(html: str) -> int:
            return min(cols, math.ceil(self._width_of(html + _GRID_GAP) / col))

        head = (cells.head, span(cells.head))
        tail = ([(cells.note, span(cells.note))] if cells.note else
                [("class p", span("class p"))] + [(c, span(c)) for c in cells.classes] if cells.classes else [])

        def rows(aus: Sequence[int], with_tail: bool) -> tuple[list[list[tuple[str, int]]], int]:
            """The grid's rows with the AUs `aus` (in AU order) and the classes or not; how many were left out."""
            left = len(cells.aus) - len(aus) + (0 if with_tail or cells.note else len(cells.classes))
            more = [(_MORE.format(n=left), 0)] if left else []  # (0: its span measured)
            runs = [[head] + [(cells.aus[k][0], 1) for k in sorted(aus)] + more]
            if with_tail and tail:
                runs.append(tail)  # the classes start a row
            out: list[list[tuple[str, int]]] = []
            for run in runs:
                out.append([])
                used = 0
                for html, n in run:
                    n = n or span(html)
                    if used + n > cols and out[-1]:
                        out.append([])
                        used = 0
                    out[-1].append((html, n))
                    used += n
            return out, left

        def choose(most: int) -> tuple[list[list[tuple[str, int]]], int]:
            layout, left = rows(range(len(cells.aus)), True)
            if len(layout) <= most:
                return layout, left
            # present first, then by value (unknown last), then in AU order
            rank = sorted(range(len(cells.aus)), key=lambda k: (not cells.aus[k][1], -cells.aus[k][2]
                                                               if math.isfinite(cells.aus[k][2]) else 1.0, k))
            present = sum(1 for _c, p, _v in cells.aus if p)
            # fewer AUs with the classes kept, down to the present ones; then without the classes, down to none
            tries = [(rank[:k], True) for k in range(len(rank) - 1, present - 1, -1)]
            tries += [(rank[:k], False) for k in range(len(rank), -1, -1)]
            for aus, with_tail in tries:
                layout, left = rows(aus, with_tail)
                if len(layout) <= most:
                    break
            return layout, left

        sample = [head] + [(c, 1) for c, _p, _v in cells.aus[:1]]  # a row as tall as the grid's (bold, colour)
        most = self._rows_within(self._room, sample)
        layout, left = choose(most)
        while most > 2 and self._height_of(self._table(layout, col)) > self._room:  # (a taller cell: a row less)
            most -= 1
            layout, left = choose(most)
        if not left and not cells.note:
            return self._table(layout, col), ""
        return self._table(layout, col), literal_tip(QTextDocumentFragment.fromHtml(whole).toPlainText()
                                                     .replace("\u2028", "\n"))

    def _table(self, layout: list[list[tuple[str, int]]], col: float) -> str:
        rows = "".join("<tr>" + "".join(f'<td colspan="{n}" width="{math.ceil(col * n)}">{html}{_GRID_GAP}</td>'
                                        for html, n in r) + "</tr>" for r in layout)
        return f'<table border="0" cellspacing="0" cellpadding="0">{rows}</table>'

    def _rows_within(self, px: float, row: list[tuple[str, int]]) -> int:
        """How many rows like `row` fit in `px` (two at the least: the head and a row of values)."""
        one = self._height_of(self._table([row], 10.0))
        two = self._height_of(self._table([row, row], 10.0))
        self._two_px = two
        if not math.isfinite(px):
            return 1_000_000
        return max(2, 2 + int((px - two) // max(1.0, two - one)))

    def _wrapped_height(self, html: str, width: float) -> float:
        """How tall ``html`` is wrapped at ``width``."""
        self._measure.setTextWidth(width)
        self._measure.setHtml(f"<span style='font-size: {self.opts.get('size', '9pt')}'>{html}</span>")
        tall = float(self._measure.boundingRect().height())
        self._measure.setTextWidth(-1)
        return tall

    def _height_of(self, html: str) -> float:
        """How tall ``html`` is unwrapped, in the readout's size."""
        size = self.opts.get("size", "9pt")
        key = f"{size}|h|{html}"
        if key not in self._widths:
            self._measure.setHtml(f"<span style='font-size: {size}'>{html}</span>")
            self._widths[key] = float(self._measure.boundingRect().height())
        return self._widths[key]

    def setText(self, text: str, **args: Any) -> None:  # noqa: N802 - pyqtgraph's name
        # a new text replaces the last one's whole HTML too: LabelItem.setText sets the new HTML and then calls
        # updateMin, which put the old one (kept by _cut) back, so a cut readout stayed on the frame it was cut at
        if getattr(self, "_uncut", None) is not None:  # (None also while LabelItem.__init__ sets its first text)
            self._uncut = None
            self.setToolTip("")  # the old text's; a cut of the new one tells the new one
        super().setText(text, **args)

    def _width_of(self, html: str) -> float:
        """How wide ``html`` is unwrapped (its widest line), in the readout's size."""
        size = self.opts.get("size", "9pt")
        key = f"{size}|{html}"
        if key not in self._widths:
            if len(self._widths) > 4000:  # (values at many frames, a font or two)
                self._widths.clear()
            self._measure.setHtml(f"<span style='font-size: {size}'>{html}</span>")
            self._widths[key] = float(self._measure.boundingRect().width())
        return self._widths[key]

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(ev)
        if ev is not None:  # setText calls this with None; a real resize may change what fits
            self._fit()

    def set_room(self, px: float) -> None:
        """The height the lanes' floors leave it (Timeline._size_lanes): a wrapped readout no taller than that, and
        no shorter than its two lines (a 1024x640 window at 16 pt: the lanes and the frame axis stay in view)."""
        if px != self._room:
            self._room = px
            if self._cells is not None:  # a grid: its rows are laid out for the room
                self._fit()
            self.updateMin()

    def least_px(self) -> float:
        """Its height on one or two lines (unwrapped; a grid's first two rows): the least the lanes leave it."""
        if self.item.textWidth() > 0 or self._gridded:
            return self._two_px
        return float(self.item.boundingRect().height())

    def _lines_within(self, most: float) -> tuple[float, int | None]:
        """The height of its wrapped lines that end within ``most`` px (whole lines, never half of one), and the
        text position where the last of them ends when a line past them is cut (None: all fit)."""
        doc = self.item.document()
        margin = doc.documentMargin()
        bottom, end_at = margin, None
        block = doc.begin()
        while block.isValid():
            layout = block.layout()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                end = layout.position().y() + line.y() + line.height()
                if end + margin > most:
                    return bottom, end_at  # (not its margin under them: the next line's tops showed there)
                bottom, end_at = end, block.position() + line.textStart() + line.textLength()
            block = block.next()
        return bottom + margin, None

    def _cut(self, at: int) -> None:
        """Drop the text after position ``at`` (the lines past the room) and end the last line kept with "…", so a
        cut reads as one (at 1366x768 and 125 % the reason "... or the face going back to" stopped there); the
        whole readout is in the tooltip."""
        self._uncut = self.item.toHtml()
        doc = self.item.document()
        self.setToolTip(literal_tip(doc.toPlainText().replace("\u2028", "\n")))
        cursor = QTextCursor(doc)
        cursor.setPosition(at)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        kept = self._line_count()
        cursor.insertText("\u2026")
        cursor.movePosition(QTextCursor.MoveOperation.Left)
        while cursor.position() > 0 and (self._line_count() > kept  # no room for "…": it wrapped onto a new line
                                         or doc.characterAt(cursor.position() - 1).isspace()):  # "back…"
            cursor.deletePreviousChar()

    def _line_count(self) -> int:
        doc = self.item.document()
        count, block = 0, doc.begin()
        while block.isValid():
            count += block.layout().lineCount()
            block = block.next()
        return count

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph's name
        if getattr(self, "_uncut", None) is not None:  # a new room (or width): measure the whole text again
            self.item.setHtml(self._uncut)
            self._uncut = None
            self.setToolTip("")
        super().updateMin()  # sets the text's width as the minimum (and in the size hints)
        self.setMinimumWidth(0)
        w, h = self._sizeHint[Qt.SizeHint.PreferredSize]
        if self.item.textWidth() > 0:  # wrapped: the lines past the room are cut, as the right end was
            most = max(getattr(self, "_room", math.inf), getattr(self, "_two_px", 0.0))
            if h > most:
                h, end_at = self._lines_within(most)
                if end_at is not None:
                    self._cut(end_at)
        self.setMinimumHeight(h)
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, h)
        self._sizeHint[Qt.SizeHint.PreferredSize] = (w, h)
        self.updateGeometry()


class LegendBox(pg.GraphicsWidget):
    """The legend column's cell beside a lane; a double-click on it collapses or expands the lane."""

    def __init__(self) -> None:
        super().__init__()
        self.on_double_click: Any = None

    def mouseDoubleClickEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        if self.on_double_click is not None:
            ev.accept()
            self.on_double_click()


def side_legend(columns: int) -> tuple[LegendBox, pg.LegendItem]:
    """A legend in a fixed-width box for the layout's legend column (clipped to its lane), its text the readout's
    size (7 pt at the default 9-pt app font) and its column as wide as that text needs (legend_sizes)."""
    legend = _CompactLegend(offset=None, colCount=columns, horSpacing=3, verSpacing=0, labelTextSize=small_text(),
                           sampleType=_SmallSample, frame=False)
    box = LegendBox()
    box.setFixedWidth(legend.column_px)
    box.setFlag(box.GraphicsItemFlag.ItemClipsChildrenToShape, True)
    legend.setParentItem(box)
    legend.layout.setContentsMargins(2, 0, 0, 0)
    return box, legend


def event_sub_rows(events: Sequence[Event]) -> tuple[dict[int, int], int]:
    """Overlapping events on sub-rows: each event (by id) on the first row free at its onset (greedy interval
    partitioning: as few rows as the most events overlapping at one frame); and the number of rows (at least 1)."""
    ends: list[int] = []  # per row, the last frame taken
    rows: dict[int, int] = {}
    for e in sorted(events, key=lambda e: (e.onset, e.offset, e.id or 0)):
        k = next((i for i, end in enumerate(ends) if end < e.onset), len(ends))
        if k == len(ends):
            ends.append(e.offset)
        else:
            ends[k] = e.offset
        rows[e.id] = k  # type: ignore[index]
    return rows, max(1, len(ends))


class FrameAxis(pg.AxisItem):
    """The frame axis: ticks on whole frames only (zoomed in to a few frames, or a photo's one frame, pyqtgraph
    put ticks at -0.4, -0.2, … of a frame)."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:  # noqa: N802, N803
        levels = [lv for lv in super().tickSpacing(minVal, maxVal, size) if lv[0] >= 1]
        return levels or [(1.0, 0.0)]


class PinnedFrameAxis(FrameAxis):
    """The frame axis kept at the view's bottom while the lanes scroll (Timeline._pin), x-linked to the lanes: a
    click or drag on it goes to its lane as on the lowest lane's own (pan, seek), not to a lane scrolled under it."""

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        if not ev.isExit():
            ev.acceptClicks(Qt.MouseButton.LeftButton)
            ev.acceptDrags(Qt.MouseButton.LeftButton)


class Plate(QGraphicsRectItem):
    """White under what stays in view while the lanes scroll under it (the readout, the frame axis; Timeline._pin),
    a grey line on its side toward the lanes (``edge``: "top" or "bottom"): the lanes do not show through, a click
    or drag on it seeks or selects on no lane under it, and the wheel over it goes to ``on_wheel``."""

    def __init__(self, edge: str) -> None:
        super().__init__()
        self.edge = edge
        self.on_wheel: Callable[[int], Any] | None = None  # the wheel over it (the timeline scrolls its lanes)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QBrush(QColor("white")))

    def paint(self, p: Any, *args: Any) -> None:
        super().paint(p, *args)
        r = self.rect()
        y = r.top() + 0.5 if self.edge == "top" else r.bottom() - 0.5  # (inside its rect: repainted with it)
        p.setPen(ratio_pen(pg.mkPen(PLATE_EDGE, width=1), device_ratio(p)))
        p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        if not ev.isExit():
            ev.acceptClicks(Qt.MouseButton.LeftButton)
            ev.acceptDrags(Qt.MouseButton.LeftButton)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        ev.accept()

    def mouseDragEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        ev.accept()

    def wheelEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        # not a zoom of the lane under it: the wheel over the readout scrolled the lanes before it was kept in view
        if self.on_wheel is not None:
            ev.accept()
            self.on_wheel(ev.delta())


class LaneAxis(pg.AxisItem):
    """A lane's left axis: its values (and row names) drawn inside the lane, never past its top or bottom into the
    next lane's (pyqtgraph lets a vertical axis' labels run 15 px past its ends: on short lanes the class lane's "1"
    sat on the motion lane's "0"). A label at an end is moved in; one that would then cover another is left out,
    the upper kept. Its title (the lane's name) is rotated, or across at its left (set_across) on a lane too short
    for the name's length."""

    across = False

    def set_across(self, on: bool) -> None:
        """The title across the axis (at its left, centred on the lane) or rotated along it (pyqtgraph's)."""
        if on != self.across:
            self.across = on
            self.label.setRotation(0 if on else -90)
            self.resizeEvent()

    def _updateLabel(self) -> None:  # noqa: N802 - pyqtgraph's name
        super()._updateLabel()
        # a new name (its tag, LANE_TAGS) centred again: pyqtgraph places a rotated title only on a resize, and a
        # 12-pt "mot." sat where "motion" had been centred, 8 px low, past the lane's bottom
        self.resizeEvent()

    def resizeEvent(self, ev: Any = None) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(ev)  # places a rotated title
        if self.across and self.label is not None:
            margin = self.label.document().documentMargin()
            self.label.setPos(2 - margin, (self.size().height() - self.label.boundingRect().height()) / 2)

    def generateDrawSpecs(self, p: Any) -> Any:  # noqa: N802 - pyqtgraph's name
        specs = super().generateDrawSpecs(p)
        if specs is None or self.orientation != "left":
            return specs
        axis, ticks, texts = specs
        bounds = self.mapRectFromParent(self.geometry())
        kept: list[tuple[QRectF, Any, str]] = []
        for rect, flags, text in sorted(texts, key=lambda t: t[0].top()):
            r = QRectF(rect)
            if r.height() > bounds.height():
                continue
            r.moveTop(min(max(r.top(), bounds.top()), bounds.bottom() - r.height()))
            if not any(r.intersects(k) for k, _f, _t in kept):
                kept.append((r, flags, text))
        return axis, ticks, kept


class TrackBox(pg.ViewBox):
    """A track's view box: left click seeks; on the events track a left drag selects an interval."""

    def __init__(self, timeline: Timeline, select_on_drag: bool = False) -> None:
        super().__init__(enableMenu=False)
        self._timeline = timeline
        self._select = select_on_drag
        self.setMouseEnabled(x=True, y=False)

    def wheelEvent(self, ev: Any, axis: Any = None) -> None:  # noqa: N802 - pyqtgraph override
        """Shift+wheel zooms this lane's y axis (from 0 up); Ctrl+wheel makes the lane taller or shorter (its share
        of the timeline's height); the plain wheel zooms x, as before."""
        mods = ev.modifiers()
        plot = self.parentItem()
        if mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier) and \
                isinstance(plot, pg.PlotItem):
            ev.accept()
            if mods & Qt.KeyboardModifier.ControlModifier:
                self._timeline.resize_lane(plot, +1 if ev.delta() > 0 else -1)
            else:
                self._timeline.zoom_y(plot, 0.8 if ev.delta() > 0 else 1.25)
        else:
            super().wheelEvent(ev, axis)

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


class RatioLine(pg.InfiniteLine):
    """An InfiniteLine whose cosmetic pen is as wide in logical px at any device pixel ratio (ratio_pen): the play
    head, the I/A/O marks, an event's apex and its region's edges were 1 device px at 200 %, half as thick as at
    100 % beside the curves (LaneCurve), which are not."""

    currentPen: QPen  # pyqtgraph's  # noqa: N815

    def paint(self, p: Any, *args: Any) -> None:
        pen = self.currentPen
        wide = ratio_pen(pen, device_ratio(p))
        if wide is pen:
            super().paint(p, *args)
            return
        self.currentPen = wide  # pyqtgraph's paint takes its pen from here (the pen, or the hover pen)
        try:
            super().paint(p, *args)
        finally:
            self.currentPen = pen


class FrameRegion(pg.LinearRegionItem):
    """A coded span on a lane, frames onset..offset, drawn over their cells (frame_cell). Dragging an
    edge or the body reports the new frames once, on release, as ``edited(id, onset, offset)``; a left click reports
    ``clicked(id)``. The events track's regions (EventRegion) and the behaviours lane's (gui/behaviours.py) are both
    this: one drag-to-edit mechanism. Regions are pooled and re-assigned rather than re-created on every edit."""

    lines: list[pg.InfiniteLine]  # pyqtgraph's

    def __init__(self, edited: Callable[[int, int, int], Any], clicked: Callable[[int], Any]) -> None:
        super().__init__(values=(0, 1), swapMode="block")
        self._ratio_lines()
        self.item_id: int | None = None  # the event (or behaviour event) shown; None: a pooled, unused region
        self._edited, self._clicked = edited, clicked
        self.sigRegionChangeFinished.connect(self._changed)

    def _ratio_lines(self) -> None:
        """Its edges RatioLines, wired as pyqtgraph wires its own (LinearRegionItem makes plain InfiniteLines)."""
        for old in self.lines:
            old.sigPositionChangeFinished.disconnect(self.lineMoveFinished)
            old.setParentItem(None)
        self.lines = [RatioLine(QPointF(v, 0), angle=90, movable=True, span=self.span) for v in (0.0, 1.0)]
        for line in self.lines:
            line.setParentItem(self)
            line.sigPositionChangeFinished.connect(self.lineMoveFinished)
        self.lines[0].sigPositionChanged.connect(self._line0Moved)
        self.lines[1].sigPositionChanged.connect(self._line1Moved)
        self.setMovable(True)

    def set_frames(self, onset: int, offset: int) -> None:
        """Show frames onset..offset without reporting it as an edit."""
        self.blockSignals(True)
        self.setRegion(frame_cell(onset, offset))
        self.blockSignals(False)

    def _changed(self) -> None:
        if self.item_id is None:
            return
        onset, offset = cell_frames(*self.getRegion())
        self._edited(self.item_id, onset, offset)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton and self.item_id is not None:
            ev.accept()
            self._clicked(self.item_id)
        else:
            super().mouseClickEvent(ev)


class EventRegion(FrameRegion):
    """One event on the events track (see FrameRegion); apex as a line; its emotion written at its top left where
    the bar is wide enough on screen (fit_tag), and with its AUs, coder, frames and status in its tooltip
    (event_tip). Another face's event (assign's ``other``) is hatched, named ("face 0") in its tag and tooltip,
    and not dragged (a drag over it selects an interval for the face shown): a click selects it, which
    shows its face (the window), where it is edited as any."""

    def __init__(self, timeline: Timeline) -> None:
        super().__init__(timeline.eventRangeEdited.emit, timeline.eventClicked.emit)
        self.coded: Event | None = None  # not "event": that name is QGraphicsObject.event(), which Qt calls
        self.apex_line = RatioLine(0, movable=False)
        self.apex_line.setZValue(11)
        # a TextItem of the lane over the apex line (as the region's child, the apex line crossed its letters:
        # "su|r"), added with the region (EventLayer._new_region) and left out of the lane's notes (LaneNotes, which
        # would fit it as one); on a white plate: the hatch lines crossed its letters
        self.tag = pg.TextItem("", color=FACE_TAG_COLOUR, anchor=(0, 0), fill=(255, 255, 255, 220))
        self.tag.textItem.document().setDocumentMargin(0)
        font = self.tag.textItem.font()
        font.setPointSizeF(app_pt(SMALL_SHARE, 7.0))  # the readout's size: 7 pt at 9, not 7 pt beside 16-pt menus
        self.tag.setFont(font)
        self.tag.setZValue(12)
        self.tag.setVisible(False)
        self._tag_fm = QFontMetricsF(font)
        self._tags: tuple[str, ...] = ()  # the names that may stand on the bar, the longest first
        self._other = False  # the event is of another face than the one shown
        self._base_tip = ""  # its tooltip off hover
        self._row_top = 1.0

    def assign(self, event: Event, selected: bool, row: int = 0, rows: int = 1, other: bool = False) -> None:
        self.coded, self.item_id = event, event.id
        fill, hover, edge, pen = event_style(event, selected, other)
        # its sub-row of the events track (row 0 on top): overlapping events never hide each other
        self.setSpan(1.0 - (row + 1) / rows, 1.0 - row / rows)
        self.setBrush(fill)
        self.setHoverBrush(hover)
        for line in self.lines:
            line.setPen(pen)
        self.setMovable(event.status != "rejected" and (selected or not other))
        self.set_frames(event.onset, event.offset)
        self.setZValue(10 if selected else 5)
        self.apex_line.setPen(pg.mkPen(edge, width=1 if other else 2,
                                       style=Qt.PenStyle.DotLine if other else Qt.PenStyle.SolidLine))
        self.apex_line.setSpan(1.0 - (row + 1) / rows, 1.0 - row / rows)
        self.apex_line.setValue(event.apex)
        self.setVisible(True)
        self.apex_line.setVisible(True)
        self._row_top = 1.0 - row / rows
        self._tags = bar_tags(event, other)
        self._other = other
        # its words (event_tip) come on hover (hoverEvent): made for the event under the pointer, not for each of
        # the regions a pan assigns; another face's says whose it is off hover too
        self._base_tip = literal_tip(event_tip(event, other).split("\n")[0]) if other else ""
        self.setToolTip(self._base_tip)

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        super().hoverEvent(ev)
        if self.coded is not None:
            # the emotion, AUs and coder come from files and coders: shown as written, never as markup
            text = self._base_tip if ev.isExit() else literal_tip(event_tip(self.coded, self._other))
            if self.toolTip() != text:
                self.setToolTip(text)

    def fit_tag(self, frame_px: float, row_px: float) -> None:
        """Show the longest of its tags (bar_tags) that fits on the bar: "positive", "pos", "P"; another face's
        "face 0", else "0" (the lane's legend says what the hatched bars are and which colour is which
        emotion), on a bar that wide on screen (``frame_px``: one frame's width in px) and a sub-row (``row_px``
        high) nearly as tall as the text; else none, the tooltip says it."""
        bar = (self.coded.offset + 1 - self.coded.onset) * frame_px if self.coded is not None else 0.0
        fits = row_px >= 0.75 * self._tag_fm.height()
        text = next((t for t in self._tags if fits and self._tag_fm.horizontalAdvance(t) + 4 <= bar), "")
        if text and self.coded is not None:
            if text != self.tag.toPlainText():
                self.tag.setText(text)
            self.tag.setPos(self.coded.onset - 0.5, self._row_top)
        self.tag.setVisible(bool(text) and self.isVisible())

    def release(self) -> None:
        self.coded, self.item_id = None, None
        self.setVisible(False)
        self.apex_line.setVisible(False)
        self.tag.setVisible(False)


# at most this many events in view get an editable region each; with more the events track is drawn batched (EventLayer)
REGION_CAP = 40


def device_ratio(p: QPainter) -> float:
    """The device pixels to a logical one where `p` paints (2 on a 200 % screen, 1 in an image without a ratio)."""
    device = p.device()
    return float(device.devicePixelRatioF()) if device is not None else 1.0


def ratio_pen(pen: QPen, ratio: float) -> QPen:
    """`pen`, a cosmetic pen (its width in device px), as wide in logical px at device pixel ratio `ratio`: Qt draws
    a 1-px cosmetic pen 1 device px wide, so at 200 % our curves were half as thick as at 100 % and their dashes
    (counted in pen widths) half as long."""
    if ratio == 1.0 or not pen.isCosmetic():
        return pen
    wide = QPen(pen)
    wide.setWidthF(max(1.0, pen.widthF()) * ratio)
    return wide


def hairline_passes(pen: QPen, ratio: float = 1.0) -> tuple[QPen, list[tuple[float, float]]] | None:
    """A cosmetic dashed `pen` drawn as 1-px passes, as it looks at 100 % and `ratio` times the size (device px to a
    logical one, device_ratio): the 1-px cosmetic pen and the steps (logical px) each pass is drawn moved by. None for
    any other pen, one over 2 px wide, or one that is 1 device px wide (Qt draws it itself, on its fast path).
    At 100 % a pen 2 px wide is two passes a pixel apart, the second up-left: a horizontal run gets the row above, a
    vertical one the column left, where Qt's 2-px stroke covers them; its dashes as Qt strokes them, with its square
    or round cap's half width each end (Qt's DashLine at 2 px: 10 px on, 2 off); a 1-px pen's as its pattern says.
    At 200 % each of those is drawn 2 device px wide, a 2x2 square of passes (one a device px apart, which keeps
    the strokes of a zigzag touching, as at 100 %), the dashes twice as long less the pixel that square adds to
    them: what 100 % shows at twice the size (shifting the second pass 1 logical px made an overlay two hairlines
    with a blank row between)."""
    w = max(1.0, pen.widthF())
    if not pen.isCosmetic() or pen.style() in (Qt.PenStyle.NoPen, Qt.PenStyle.SolidLine) or w > 2.0 \
            or (ratio == 1.0 and w <= 1.0):
        return None
    cap = 0.0 if w <= 1.0 or pen.capStyle() == Qt.PenCapStyle.FlatCap else w  # (a 1-px pen's dashes: no caps)
    # the device px (rows of a horizontal run, columns of a vertical one) the 100 % pixels cover, at 0 and -1 where
    # 2 px wide, each drawn with the others of its 100 % pixel: a square at 200 %
    start = math.floor(-ratio + 0.5) if w > 1.0 else 0
    px = range(start, max(start + 1, math.floor(ratio + 0.5)))
    blocks: dict[int, list[int]] = {}
    for d in px:
        blocks.setdefault(math.floor(d / ratio + 1e-9), []).append(d)
    steps = [(i / ratio, j / ratio) for block in blocks.values() for i in block for j in block]
    extra = max(len(block) for block in blocks.values()) - 1  # (each dash drawn that much longer by the square)
    hair = QPen(pen)
    hair.setWidthF(1.0)
    dashes = pen.dashPattern()
    pattern: list[float] = []
    for on, off in zip(dashes[::2], dashes[1::2], strict=False):  # (Qt keeps its patterns even)
        on_px, period = ratio * (on * w + cap), ratio * (on * w + max(1.0, off * w - cap) + cap)
        drawn = max(1.0, on_px - extra)
        pattern += [drawn, period - drawn]  # (the period as at 100 %, times the ratio)
    hair.setDashPattern(pattern)
    hair.setDashOffset(pen.dashOffset() * w * ratio)
    return hair, steps


class _HairlineCurve(pg.PlotCurveItem):
    """A curve whose cosmetic pen is as wide in logical px at any device pixel ratio (ratio_pen), its wide dashed
    pen drawn as 1-px dashed passes (hairline_passes): Qt's raster engine dashes a 1-px
    cosmetic pen on its fast path and a wider one through its general stroker, 150 ms against 1.5 a curve at full
    zoom-out of 100k frames (~12k points once decimated, each pixel column a peak-to-peak zigzag): 17 overlay curves
    made one render 2.4 CPU-s."""

    def paint(self, p: Any, opt: Any, widget: Any) -> None:
        pen = self.opts["pen"]
        ratio = device_ratio(p)
        if not isinstance(pen, QPen) or self._exportOpts is not False:
            super().paint(p, opt, widget)  # (an export draws the pen itself: a vector file keeps its width)
            return
        passes = hairline_passes(pen, ratio)
        if passes is None or self.opts["shadowPen"] is not None or self.opts["fillLevel"] is not None or \
                self.xData is None or len(self.xData) == 0:
            wide = ratio_pen(pen, ratio)
            if wide is pen:
                super().paint(p, opt, widget)
                return
            self.opts["pen"] = wide  # pyqtgraph's paint takes its pen from here (a solid one: its fast segments)
            try:
                super().paint(p, opt, widget)
            finally:
                self.opts["pen"] = pen
            return
        hair, steps = passes
        p.setRenderHint(p.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        path = self.getPath()
        base = p.transform()
        p.setPen(hair)
        for dx, dy in steps:
            p.setTransform(base * QTransform.fromTranslate(dx, dy))  # a step in device px, whatever the zoom
            p.drawPath(path)
        p.setTransform(base)


class LaneCurve(pg.PlotDataItem):
    """A lane's curve (an AU's, a class's, the motion's, the waveform): its cosmetic pen drawn as wide at 200 % as
    at 100 % (_HairlineCurve), not half as thick."""

    curve: pg.PlotCurveItem  # pyqtgraph's

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        # PlotDataItem draws its line through its child PlotCurveItem, self.curve: ours in its place, below the
        # symbols as pyqtgraph stacks its own
        self.curve.setParentItem(None)
        self.curve = _HairlineCurve()
        self.curve.setParentItem(self)
        self.curve.stackBefore(self.scatter)
        self.curve.sigClicked.connect(self.sigClicked)
        self.setData(*args, **kwargs)


class OverlayCurve(LaneCurve):
    """An overlay's curve (Timeline.overlays: another tool's table, the previous model): decimated and clipped to the
    view as ours are (its plot's setDownsampling/setClipToView, handed on by PlotItem.addItem), its wide dashed pen
    drawn by _HairlineCurve."""


class TippedBars(pg.BarGraphItem):
    """Bars of many events in one item (``ids``: each bar's event), each with its own tooltip: the event's under the
    pointer (``tip(id)``), else the item's own (``base_tip``)."""

    _sharedPen: QPen | None  # pyqtgraph's: one pen for every bar, or None where each has its own (_pens)  # noqa: N815
    _pens: list[QPen] | None

    def __init__(self, tip: Callable[[int], str] | None = None, **opts: Any) -> None:
        super().__init__(**opts)
        self.ids = np.zeros(0, dtype=np.int64)
        self._tip = tip
        self.base_tip = ""

    def _hit(self, pos: Any) -> int | None:
        """The event under `pos` (item coordinates), the narrowest where several are; None: none."""
        if not len(self.ids):
            return None
        x, y = pos.x(), pos.y()
        x0, w = np.asarray(self.opts["x0"], dtype=np.float64), np.asarray(self.opts["width"], dtype=np.float64)
        y0, h = np.asarray(self.opts["y0"], dtype=np.float64), np.asarray(self.opts["height"], dtype=np.float64)
        hit = np.flatnonzero((x0 <= x) & (x <= x0 + w) & (y0 <= y) & (y <= y0 + h))
        w = np.broadcast_to(w, x0.shape)
        return int(self.ids[hit[np.argmin(w[hit])]]) if hit.size else None

    def set_base_tip(self, text: str) -> None:
        self.base_tip = text = literal_tip(text)  # a coder lane's: the coder's name, as written
        if self.toolTip() != text:
            self.setToolTip(text)

    def tip_at(self, pos: Any) -> str:
        """The tooltip at `pos` (item coordinates): the event's there, else the item's own."""
        eid = self._hit(pos) if self._tip is not None else None
        return literal_tip(self._tip(eid)) if eid is not None and self._tip is not None else self.base_tip

    def paint(self, p: Any, *args: Any) -> None:
        """Its edges' cosmetic pen as wide in logical px at any device pixel ratio (ratio_pen): an event's outline
        and apex line were 1 device px at 200 %."""
        ratio = device_ratio(p)
        shared, pens = self._sharedPen, self._pens
        wide = shared if shared is None else ratio_pen(shared, ratio)
        if pens is None and wide is shared:
            super().paint(p, *args)
            return
        self._sharedPen = wide
        self._pens = None if pens is None else [ratio_pen(pen, ratio) for pen in pens]
        try:
            if self._singleColor:
                super().paint(p, *args)
            else:
                self._render(p)  # (not its cached picture: that holds the pens at 100 %)
        finally:
            self._sharedPen, self._pens = shared, pens

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph's name
        text = self.base_tip if ev.isExit() else self.tip_at(ev.pos())
        if self.toolTip() != text:
            self.setToolTip(text)


class EventBars(TippedBars):
    """Events of one style (status and colour) drawn as one item: their spans with edges, or their apex lines (bars
    of no width). A left click on a span reports ``clicked(id)`` as an EventRegion's does; a left drag that starts
    on one selects it and, when it ends, moves it by whole frames (``edited(id, onset, offset)``, as an
    EventRegion's body drag; it fell through to the track, which selected an interval instead); a click or drag
    elsewhere falls through to the track (a seek, an interval). A drag on another face's events (``movable`` off)
    falls through too: an interval for the face shown, over the other person's event (a click selects one)."""

    def __init__(self, clicked: Callable[[int], Any] | None, edited: Callable[[int, int, int], Any] | None = None,
                 spans: Callable[[int], tuple[int, int]] | None = None, tip: Callable[[int], str] | None = None,
                 **opts: Any) -> None:
        super().__init__(tip, x0=np.zeros(0), width=np.zeros(0), y0=np.zeros(0), height=np.zeros(0), **opts)
        self._clicked, self._edited, self._span = clicked, edited, spans
        self._dragging: int | None = None
        self.movable = True

    def mouseDragEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() != Qt.MouseButton.LeftButton or self._clicked is None or not self.movable:
            ev.ignore()
            return
        if ev.isStart():
            self._dragging = self._hit(ev.buttonDownPos())
            if self._dragging is None:
                ev.ignore()
                return
            self._clicked(self._dragging)
        if self._dragging is None:
            ev.ignore()
            return
        ev.accept()
        if ev.isFinish():
            eid, self._dragging = self._dragging, None
            dx = int(round(ev.pos().x() - ev.buttonDownPos().x()))
            if dx and self._edited is not None and self._span is not None:
                onset, offset = self._span(eid)
                self._edited(eid, onset + dx, offset + dx)

    def set_bars(self, ids: np.ndarray, x0: np.ndarray, width: np.ndarray, y0: np.ndarray, height: np.ndarray,
                 **style: Any) -> None:
        self.ids = ids
        self.setOpts(x0=x0, width=width, y0=y0, height=height, **style)
        self.setVisible(len(ids) > 0)

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph override
        eid = self._hit(ev.pos()) if self._clicked is not None and ev.button() == Qt.MouseButton.LeftButton else None
        if eid is None:
            ev.ignore()
            return
        ev.accept()
        assert self._clicked is not None
        self._clicked(eid)


class EventLayer:
    """The events track's events, cheap with thousands of them: an editable EventRegion (4 graphics items) only for
    the selected event and, where at most REGION_CAP events are in view, for those; every other event is a bar of
    a batched item per style (EventBars: spans and apex lines), and every event has its mark at least EVENT_MIN_PX
    wide (the timeline's one BarGraphItem). One region and its lines per event made opening a project with 2,000
    events take seconds and every seek that moved the view redraw 6,000 lines. Regions come from a pool (the
    timeline's ``_pool``) and are shown in ``timeline.regions`` (event id -> region). Events of another face than
    the one shown (set_events' ``face``) are styled apart (event_style's ``other``), one batched item per face."""

    def __init__(self, timeline: Timeline) -> None:
        self._tl = timeline
        self._events: list[Event] = []
        self._selected: int | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._on = self._off = self._apex = self._y0 = self._h = np.zeros(0)
        self._group = np.zeros(0, dtype=np.int64)  # each event's style: an index into _styles
        self._styles: list[tuple[QBrush, QPen, QPen]] = []  # per style: fill, edge pen, apex pen
        self._style_face: list[int | None] = []  # per style: the other face its events are of; None: the shown's
        self._face: int | None = None  # the face shown: events of others are styled apart
        self._mark_brushes: list[Any] = []  # per event: its mark's brush
        self._spans: list[EventBars] = []
        self._apexes: list[EventBars] = []
        self._marks_at: tuple[float, float] | None = None  # (view width in frames, in px) the marks were drawn for

    @property
    def selected(self) -> int | None:
        return self._selected

    def other(self, event: Event) -> bool:
        """The event is of another face than the one shown (none shown: no event is)."""
        return self._face is not None and event.face_id != self._face

    def set_events(self, events: list[Event], selected: int | None, rows: dict[int, int], n: int,
                   face: int | None = None) -> None:
        """Show these events (each with an id), `selected` highlighted, on sub-rows `rows` of `n`; those of
        another face than `face` (None: every face is shown) styled apart."""
        self._events, self._selected, self._face = events, selected, face
        self._ids = np.array([e.id for e in events], dtype=np.int64)
        self._on = np.array([e.onset for e in events], dtype=np.float64)
        self._off = np.array([e.offset for e in events], dtype=np.float64)
        self._apex = np.array([e.apex for e in events], dtype=np.float64)
        row = np.array([rows.get(e.id, 0) for e in events], dtype=np.float64)  # type: ignore[arg-type]
        self._y0, self._h = 1.0 - (row + 1) / n, np.full(len(events), 1.0 / n)
        keys: dict[tuple[str, int, int | None], int] = {}
        group, marks = [], []
        self._styles, self._style_face = [], []
        for e in events:
            other = self.other(e)
            key = (event_colour(e).name(), {"proposal": 0, "accepted": 1, "rejected": 2}[e.status],
                   e.face_id if other else None)
            g = keys.get(key)
            if g is None:
                g = keys[key] = len(self._styles)
                fill, _hover, edge, pen = event_style(e, other=other)
                mark = event_colour(e)
                mark.setAlpha({"proposal": 200, "accepted": 230, "rejected": 60}[e.status])
                self._styles.append((fill, pen, pg.mkPen(edge, width=1 if other else 2,
                                                         style=pen.style() if other else Qt.PenStyle.SolidLine)))
                self._style_face.append(key[2])
                # another face's mark hatched too: a solid one in the middle read as a bar of the face shown
                marks.append(QBrush(mark, OTHER_FACE_PATTERN) if other else pg.mkBrush(mark))
            group.append(g)
        self._group = np.array(group, dtype=np.int64)
        self._mark_brushes = [marks[g] for g in group]
        self._marks_at = None
        self.place(force=True)

    def place(self, force: bool = False) -> None:
        """Regions for the selected event and, where few are in view, for the events in view; the others batched.
        `force`: the events changed, every region is assigned again (a refused drag snaps back)."""
        tl = self._tl
        lo, hi = tl.events_plot.vb.viewRange()[0]
        vis = np.flatnonzero((self._off + 0.5 >= lo) & (self._on - 0.5 <= hi))
        want = [self._events[i] for i in vis] if len(vis) <= REGION_CAP else []
        sel = next((e for e in self._events if e.id == self._selected), None) if self._selected is not None else None
        if sel is not None and all(e.id != sel.id for e in want):
            want.append(sel)
        if not force and {e.id for e in want} == set(tl.regions):
            return
        rows, n = tl.event_rows, tl.event_row_count
        wanted = {e.id for e in want}
        for eid in [eid for eid in tl.regions if force or eid not in wanted]:
            tl.regions.pop(eid).release()
        free = [r for r in tl._pool if r.item_id is None]
        for e in want:
            if e.id in tl.regions:
                continue
            r = free.pop() if free else self._new_region()
            r.assign(e, e.id == self._selected, rows.get(e.id, 0), n, self.other(e))  # type: ignore[arg-type]
            tl.regions[e.id] = r  # type: ignore[index]
        self._draw_bars()
        self.fit_tags()

    def fit_tags(self) -> None:
        """Each region's emotion (another face's name) on its bar where it fits the zoom and the sub-row's height."""
        vb = self._tl.events_plot.vb
        w = vb.viewPixelSize()[0] if vb.width() > 0 else 0.0
        frame_px = 1.0 / w if w > 0 else 0.0
        row_px = vb.height() / max(1, self._tl.event_row_count)
        for r in self._tl.regions.values():
            r.fit_tag(frame_px, row_px)

    def _tip_of(self, event_id: int) -> str:
        """A batched event's tooltip (event_tip), as its region's would be."""
        e = next(e for e in self._events if e.id == event_id)
        return event_tip(e, self.other(e))

    def _span_of(self, event_id: int) -> tuple[int, int]:
        """(onset, offset) of a shown event."""
        e = next(e for e in self._events if e.id == event_id)
        return e.onset, e.offset

    def _new_region(self) -> EventRegion:
        tl = self._tl
        r = EventRegion(tl)
        tl.events_plot.addItem(r)
        tl.events_plot.addItem(r.apex_line)
        tl.events_plot.addItem(r.tag, ignoreBounds=True)
        tl._pool.append(r)
        return r

    def _draw_bars(self) -> None:
        """The events without a region: one span item and one apex item per style."""
        tl = self._tl
        while len(self._spans) < len(self._styles):
            spans = EventBars(tl.eventClicked.emit, tl.eventRangeEdited.emit, self._span_of, tip=self._tip_of)
            apexes = EventBars(None, brush=pg.mkBrush(None))
            spans.setZValue(5)
            apexes.setZValue(6)
            for item in (spans, apexes):
                tl.events_plot.addItem(item, ignoreBounds=True)
            self._spans.append(spans)
            self._apexes.append(apexes)
        bare = ~np.isin(self._ids, np.fromiter(tl.regions, dtype=np.int64, count=len(tl.regions)))
        for g, (spans, apexes) in enumerate(zip(self._spans, self._apexes, strict=True)):
            if g >= len(self._styles):  # a style no event has now
                spans.setVisible(False)
                apexes.setVisible(False)
                continue
            fill, pen, apex_pen = self._styles[g]
            face = self._style_face[g]
            spans.movable = face is None
            spans.set_base_tip("" if face is None else
                               f"{face_tag(face)}'s events, not the face shown: a click on one shows face {face}")
            i = np.flatnonzero(bare & (self._group == g))
            spans.set_bars(self._ids[i], self._on[i] - 0.5, self._off[i] + 1 - self._on[i], self._y0[i], self._h[i],
                           brush=fill, pen=pen)
            apexes.set_bars(self._ids[i], self._apex[i], np.zeros(len(i)), self._y0[i], self._h[i], pen=apex_pen)

    def draw_marks(self, marks: pg.BarGraphItem, min_px: float) -> None:
        """Every event's mark, at least EVENT_MIN_PX wide and centred on it, on its sub-row (a third of the row high,
        at its middle): drawn again only when the zoom changed (a pan or a seek moves them with the view)."""
        vb = self._tl.events_plot.vb
        lo, hi = vb.viewRange()[0]
        at = (hi - lo, vb.width())
        if at == self._marks_at:
            return
        self._marks_at = at
        if not self._events:
            marks.setOpts(x0=np.zeros(0), width=np.zeros(0), y0=np.zeros(0), height=np.zeros(0), brushes=[])
            return
        px = vb.viewPixelSize()[0]
        w = self._off + 1 - self._on
        wide = np.maximum(w, min_px * px)
        marks.setOpts(x0=self._on - 0.5 + (w - wide) / 2, width=wide, y0=self._y0 + 0.34 * self._h,
                      height=0.32 * self._h, brushes=self._mark_brushes)


@dataclass
class _Note:
    full: str  # the whole text (what was set)
    shown: str  # what the item shows (the whole text, or cut short)
    pt: float  # the size it was made with: the largest it is drawn at
    fitted: tuple[float, float, str] | None = None  # (width, height, text) it was last fitted to


class LaneNotes:
    """The notes on the timeline's lanes (what an empty lane is for, the AU lane's "press Ctrl+R" hint): each
    fits its lane at every window size. Wrapped at the lane's width, at its own size or smaller (down to NOTE_MIN_PT)
    until its lines fit the lane's height; where even that does not fit, one line cut short with "…", the whole text
    on hover. A centred note (anchor x 0.5) stays centred, the others start at the lane's left. Drawn as they were
    set, at 1400x900 the AU lane's hint lost both ends ("ress Ctrl+R … appear her")."""

    def __init__(self) -> None:
        self._notes: dict[Any, _Note] = {}
        self._busy = False  # fitting: the item's own text and size changes are ours

    def fit(self, note: pg.TextItem, box: pg.ViewBox) -> None:
        """Fit `note` (a TextItem in `box`, a lane's view box) to the box's size; again whenever its text is set."""
        if self._busy:
            return
        item = note.textItem
        st = self._notes.get(note)
        if st is None:
            text = note.toPlainText()
            st = _Note(text, text, item.font().pointSizeF())
            self._notes[note] = st
            doc = item.document()
            doc.setDocumentMargin(0)  # the lines' own height: a 16-px strip holds one
            if note.anchor.x() >= 0.5:
                doc.setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
            doc.contentsChanged.connect(partial(self.fit, note, box))  # its text set by its owner
        text = note.toPlainText()
        if text != st.shown:  # set by its owner since
            st.full, st.shown, st.fitted = text, text, None
        width, height = max(1.0, box.width() - 2 * NOTE_PAD), max(1.0, box.height())
        if st.fitted == (width, height, st.full):
            return
        self._busy = True
        try:
            if st.shown != st.full:
                note.setText(st.full)
            item.setTextWidth(width)
            font = item.font()
            pt = st.pt
            while True:
                font.setPointSizeF(pt)
                item.setFont(font)
                if item.boundingRect().height() <= height or pt <= NOTE_MIN_PT:
                    break
                pt = max(NOTE_MIN_PT, pt - 1.0)
            shown = st.full
            if item.boundingRect().height() > height:  # one line, cut short
                shown = QFontMetricsF(font).elidedText(st.full, Qt.TextElideMode.ElideRight, width)
                note.setText(shown)
                item.setTextWidth(width)
            st.shown, st.fitted = shown, (width, height, st.full)
            note.setToolTip(st.full if shown != st.full else "")
            note.updateTextPos()
        finally:
            self._busy = False
