"""The timeline: stacked, x-linked pyqtgraph tracks (AU curves, AU heat map, micro-motion, class confidence,
events, coders) with one play head. Click or drag the play head to seek; drag on the events track to select an
interval; drag an event's edges or body to change it. Curves use peak downsampling and clip-to-view so 100k-frame
videos pan smoothly.
Unknown values (NaN: no face, an AU marked unreliable, motion during a head turn) are gaps in the curves
(``connect="finite"``) and blank cells in the heat map, never zeros."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QGuiApplication,
    QPainterPath,
    QPen,
    QTextDocumentFragment,
    QTransform,
)
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from merstudio.features.aus import MAX_INTENSITY, PRESENCE_ON, STILL_UNRELIABLE_AU, au_r
from merstudio.features.neutral import relative
from merstudio.gui.look import READOUT_SHARE, readable, small_text
from merstudio.gui.plain_text import escaped, literal_tip
from merstudio.gui.state import MOTION_REGIONS, CurveBuffer, as_written
from merstudio.gui.timeline_items import (
    NOTE_PAD,
    OTHER_FACE_PATTERN,
    PROPOSAL_COLOUR,
    EventLayer,
    EventRegion,
    FrameAxis,
    FrameRegion,
    LaneAxis,
    LaneCurve,
    LaneNotes,
    LegendBox,
    OverlayCurve,
    PinnedFrameAxis,
    Plate,
    RatioLine,
    Readout,
    ReadoutCells,
    TippedBars,
    TrackBox,
    cell_frames,
    emotion_colour,
    event_sub_rows,
    event_tip,
    frame_cell,
    legend_sizes,
    side_legend,
)
from merstudio.io.timebase import Timebase
from merstudio.model.inputs import InputSettings
from merstudio.names import name_sort_key
from merstudio.palette import AU_COLOURS, au_colour, au_dash, class_colour, class_dash
from merstudio.project.events import Event
from merstudio.series import lone_finite

# each at least 3:1 on white as a 1-px curve (palette.LINE_CONTRAST; the cheeks' #ff7f0e was 2.5:1), and each pair
# at least 20 apart in CIELAB under deuteranopia, protanopia and tritanopia (Machado 2009) too: the mouth's red and the
# chin's green were alike to a colour-blind coder; the mouth darker now, the brows a dark blue
MOTION_COLOURS = dict(zip(MOTION_REGIONS, ("#004060", "#9467bd", "#f03800", "#8c564b", "#880000", "#28a838"),
                          strict=True))
# 1-pixel pens: Qt's raster engine draws them on a fast path; 1.5-pixel ones cost 3x the render time of a pan
# (23 curves over 3000 frames: 15 renders/s against 48, merstudio.gui.bench)
CURVE_WIDTH = 1.0
# The model compares a frame with its face a span before it (the checkpoint's span_s: recorded with the run since
# 2026-12-08, Timeline.set_model_span; this default for a run that records none), its onset at most SPAN_SLACK_S
# further back: merstudio.model.inference's, not imported here (torch); tests/gui/test_class_lane_tooltip_h323.py
# holds them equal
MODEL_SPAN_S = InputSettings.span_s
SPAN_SLACK_S = 0.05
OVERLAY_WIDTH = 2.0  # an overlay's curves (another tool's table, the previous model): wider than ours
_MAX_HEIGHT = 16777215.0  # QWIDGETSIZE_MAX
MOTION_MIN_TOP = 1.0  # the lane's y range reaches at least 1 unit (0.04 IOD): a still face's 0.05-0.1 stays low

# what an overlay's drawing depends on besides its own data: our AU and class columns, the face, the shown AUs
_OverlaySig = tuple[tuple[str, ...], tuple[str, ...], int | None, tuple[str, ...] | None]


PLAYHEAD_COLOUR = "#d50000"
MARK_COLOUR = "#6a1b9a"
NO_ANALYSIS = "{what} appears when the video is analysed (Analysis > Run analysis, Ctrl+R)"  # pending I/A/O marks: apart from the play head's red and the emotions' colours
# a stored analysis being read (a long video's, off the GUI thread) or drawn in turns: NO_ANALYSIS there told the coder
# to run again an analysis the video has (a re-run replaces the stored one)
LOADING = "{what}: loading the stored analysis…"
NO_MODEL = "class confidence appears when the analysis runs with a checkpoint (Analysis > Load checkpoint)"
NO_MOTION_IN_RUN = "no micro-motion in this analysis (stored before the lane existed): run the analysis again"
WAVEFORM_COLOUR = "#455a64"  # the audio lane: a neutral blue-grey under the coloured lanes
NO_SOUND_BAND = (120, 144, 156, 40)  # the audio lane past the end of a track shorter than the video
SOUND_END_SLACK = 0.1  # s: a track this much shorter than the video is not shaded (a phone's ends a frame early)
SILENT_PEAK = 1e-4  # the loudest sample below -80 dBFS: the audio lane says the track is silent
EVENT_MIN_PX = 4.0  # an event is drawn at least this wide on screen, whatever the zoom
COLLAPSED_HEIGHT = 16.0  # a collapsed lane: a strip that keeps its label's place
HEAT_UNKNOWN = "#b0b0b0"  # heat-map cells without a value
NEUTRAL_BAND = (38, 166, 154, 40)  # the neutral frames behind the AU curves: a light teal, away from every AU colour
# The grey bands of the motion lane are the frames whose motion is masked by a blink, in the frame itself or in
# its baseline 0.2 s earlier: one blink gives two bands 0.2 s apart, so the legend does not call them "blink"
# (the blink itself is AU45).
BLINK_LABEL = "blink mask"
# Frames after damaged video data, up to the next keyframe, show a stale picture and have no values (the analysis'
# face_id -1 rows with every AU unknown): hatched dark grey across the AU lane, apart from the neutral band's solid
# teal and the blink mask's solid blue-grey; it says why the curves break there.
STALE_COLOUR = (66, 66, 66, 150)
STALE_LABEL = "damaged video: picture stale"
STALE_READOUT = "picture stale (damaged video data)"
STALE_HEAT_LABEL = "picture stale"  # the heat map's one-line key: short
# The lanes' sizes below are their least, at a 7-pt tick font; a bigger font (a 16-pt application font) grows them
# with its height and width (Timeline.sizes): fixed, the values overlapped and the heat map's AU names and the coders'
# names were not drawn at all.
# a named row of a lane (a coder's on the coders track, a behaviour's): its 8-pt name (11 px) needs this much,
# whatever the window's size; the lanes without rows shrink instead (at 1366x768 four coders got 5 px each)
AXIS_PX = 60  # every lane's left axis: the lanes' x ranges line up
AXIS_TEXT_PX = 46  # room for a row name on it, beside the lane's own title
ROW_MIN_PX = 13.0  # not 16: at 1280x720 three coders' rows and the frame axis took 88 px, the AU lane 24
LANE_MIN_PX = 16.0  # every shown lane (the heat map's two AU names, the events track's marks), short windows too
# the AU lane's own minimum, taken from the lanes that have none (heat map, motion, class, events) when the window
# is short: at 1280x720 it was 24 px (its 0/2/4 ticks touching) while the coders track kept 88
AU_MIN_PX = 48.0
TICK_GAP_PX = 16.0  # a short lane's labelled ticks at least this far apart (a 7-pt value is about 10 px high)
TICK_FONT_SHARE = 0.8  # the lanes' values and names: this share of the application font's size, 7 pt at least
# the lanes' rotated titles: an explicit colour (a font size alone dropped pyqtgraph's, and a dark theme's light
# text vanished on the lanes' white); 7:1 on white
LABEL_COLOUR = "#455a64"
TICK_TEXT_OFFSET = 5.0  # px pyqtgraph keeps between a left axis' edge and its values' right end
# a lane's name where even a short lane's values leave no room for the whole word across (a big font): a coder
# still tells the lanes apart; the readout and the legends say the rest
LANE_TAGS = {"motion": "mot.", "class p": "cls p", "events": "ev.", "coders": "cod.", "audio": "aud.",
             "behav.": "beh."}
# the coders' names on their rows: every lane's axis widens to at most this share of its usual room for a row name
# where that shows each coder's whole name (76 px at 7 pt: "demo-coder", "assistant-anna" read "demo-…",
# "assista…"); past it every lane would lose too much of its width, and the names are shortened (coder_labels)
CODER_ROOM_SHARE = 1.65
ELLIPSIS = "…"
NAME_BREAKS = "-_. "  # where a start shared by coders' names is cut: "assistant-" of assistant-anna, assistant-andy
# a streamed redraw's work per event-loop turn, in units: new data for a curve 1, a new curve (and its legend
# entry) STEP_CREATE, the heat map 4, the motion lane's scale and blinks 2; the next turn follows STEP_MS later
STEP_BUDGET = 2
STEP_CREATE = 2
STEP_MS = 5
# a buffer this long (5 minutes at 30 fps) or longer is redrawn in those turns too when it is shown (another video or
# face, the AUs shown, the neutral levels): a 20-minute video's (36 000 frames, 23 curves, the heat map) drawn in one
# go held the window 0.3-0.6 s per switch on a busy 2-core machine, ~30 turns of under 0.1 s each now; a 600-frame
# video's takes ~12 ms, drawn at once
STEP_FRAMES = 9000
# the readout, the frame axis kept in view as the lanes scroll (_pin) and their plates: over every lane's items (a play
# head is at 100 in its lane), for pyqtgraph's clicks and drags (which go by the sum of an item's and its parents' z)
PIN_Z = 1000.0
DESCRIBE_MS = 300  # the play head still this long: the timeline's accessible description follows it


def tick_font() -> QFont:
    """The lanes' values and row names: the application's font at TICK_FONT_SHARE of its size (7.2 pt at 9 pt,
    12.8 at 16), 7 pt at least."""
    font = QFont(QGuiApplication.font())
    pt = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
    font.setPointSizeF(max(7.0, round(pt * TICK_FONT_SHARE, 1)))
    return font


def coder_labels(names: Sequence[str], room: int, fm: QFontMetrics) -> list[str]:
    """The coders' names as their rows show them, each at most ``room`` px wide in ``fm``'s font, no two alike: a
    name that fits whole; else without the start it shares with another coder's name ("…anna", "…bob" for
    assistant-anna and assistant-bob, which cut at the right all read "assista…"), cut at the right if that is still
    too wide; names still alike are cut in the middle, else at the left (their ends differ)."""
    out: list[str] = []
    for name in names:
        if fm.horizontalAdvance(name) <= room:
            out.append(name)
            continue
        shared = max((_shared_start(name, other) for other in names if other != name), default=0)
        text = ELLIPSIS + name[shared:] if shared else name
        out.append(fm.elidedText(text, Qt.TextElideMode.ElideRight, room))
    for mode in (Qt.TextElideMode.ElideMiddle, Qt.TextElideMode.ElideLeft):
        alike = {t for t in out if out.count(t) > 1}
        if not alike:
            break
        out = [fm.elidedText(name, mode, room) if t in alike else t for name, t in zip(names, out, strict=True)]
    return out


def _shared_start(name: str, other: str) -> int:
    """How many leading characters of ``name`` to drop as shared with ``other``: the shared start cut back to just
    after its last break (-, _, ., space) if it has one; 0 where fewer than 3 are shared (no gain), never all."""
    n = 0
    for a, b in zip(name, other, strict=False):
        if a != b:
            break
        n += 1
    n = min(n, len(name) - 1)
    cut = max((i + 1 for i in range(n) if name[i] in NAME_BREAKS), default=n)
    return cut if cut >= 3 else 0


def no_onset(seen: np.ndarray, f: int, timebase: Timebase, span_s: float = MODEL_SPAN_S) -> bool:
    """Whether the model had no frame of a face about a span before frame `f` to compare it with, so was not asked
    about it (merstudio.model.inference's FramePrediction.no_onset, which the per-frame table does not carry): the
    face (`seen`: one of its columns, finite on the frames it is in) is in none of the frames from a span back to
    SPAN_SLACK_S (at least a frame) before that: its first span in view, or a span after it came back from a gap.
    `span_s`: the model's span (its checkpoint's input span_s, which the run records)."""
    slack_s = max(SPAN_SLACK_S, 1.0 / timebase.fps)
    if timebase.variable:  # by the frames' own times, as the analysis pushed them
        back = timebase.time_of(f) - span_s
        hi = timebase.frame_at(back)
        lo = timebase.frame_at(back - slack_s - 2e-6) + 1
    else:
        hi = f - max(1, round(span_s * timebase.fps))
        lo = hi - int(slack_s * timebase.fps + 1e-9)
    return hi < 0 or not bool(np.isfinite(seen[max(lo, 0):hi + 1]).any())


class LaneSizes:
    """The lanes' sizes in px for a tick font: the module's least values, grown with the font's height (rows,
    lanes, the gap between labelled values) and width (the axis with its row names)."""

    def __init__(self, axis: int, axis_text: int, row: float, lane: float, au: float, tick_gap: float,
                 label_pt: float) -> None:
        self.axis, self.axis_text = axis, axis_text
        self.row, self.lane, self.au, self.tick_gap = row, lane, au, tick_gap
        self.label_style = {"font-size": f"{label_pt:g}pt", "color": LABEL_COLOUR}

    @classmethod
    def of(cls, font: QFont) -> LaneSizes:
        fm = QFontMetrics(font)
        h = fm.height()
        text = max(AXIS_TEXT_PX, 7 * fm.averageCharWidth(), fm.horizontalAdvance("AU00"))  # a short name, an AU
        label_pt = max(8.0, font.pointSizeF())
        title = QFontMetrics(QFont(font.family(), round(label_pt))).height()
        gap = max(TICK_GAP_PX, h + 5.0)
        return cls(axis=max(AXIS_PX, text + title + 1), axis_text=text, row=max(ROW_MIN_PX, h + 2.0),
                   lane=max(LANE_MIN_PX, h + 5.0), au=max(AU_MIN_PX, 3 * gap), tick_gap=gap, label_pt=label_pt)


class PinnedReadout(Readout):
    """The readout as Timeline._pin moves it down by the scroll (a transform over its layout place): its bounding
    rect (and the shape it clips its text to) is its own rect. pyqtgraph's is its geometry mapped through that
    transform, made again when its height changed: a seek while scrolled that changed the readout's lines left its
    text clipped to its layout place, far above the view, and the plate at the view's top empty."""

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return QRectF(QPointF(0, 0), self.size())

    def shape(self) -> QPainterPath:  # noqa: N802 - Qt override
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


class Timeline(pg.GraphicsLayoutWidget):
    seekRequested = Signal(int)
    eventClicked = Signal(int)
    eventRangeEdited = Signal(int, int, int)  # event id, onset, offset
    selectionChanged = Signal(object)  # (onset, offset) or None

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        # lanes made taller by hand than the view holds scroll (pyqtgraph turns the scroll bars off)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.tick_font = tick_font()
        self.sizes = LaneSizes.of(self.tick_font)
        self.legend_width, _row = legend_sizes()  # the legend column (grows with the font as the legends' text)
        self._init_drawing_state()
        self._init_event_state()
        # the readout (layout row 0), then the lanes top to bottom (rows 1..7), each built with what it draws
        self._build_readout()
        self._build_au_lane()
        self._build_heat_lane()
        self._build_motion_lane()
        self._build_class_lane()
        self._build_events_lane()
        self._build_coder_lane()
        self._build_audio_lane()
        for p in (self.heat_plot, self.motion_plot, self.class_plot, self.events_plot, self.coder_plot,
                  self.audio_plot):
            p.setXLink(self.au_plot)
        self._build_bands_and_marks()
        self._build_playheads()
        self._fit_ticks_and_notes()
        self._build_accessible()
        self._build_pins()

    def _build_accessible(self) -> None:
        """What a screen reader says of the timeline: its name, and as its description the readout's values at the
        play head (the readout is painted text, which no screen reader reads), set DESCRIBE_MS after the play head
        stops: not on each frame of playback, which would make the reader chatter or lag."""
        self.setAccessibleName("Timeline")
        self._describe_timer = QTimer(self)
        self._describe_timer.setSingleShot(True)
        self._describe_timer.setInterval(DESCRIBE_MS)
        self._describe_timer.timeout.connect(self._describe)
        self._description = ""

    def _build_pins(self) -> None:
        """The readout kept at the view's top and the frame axis at its bottom while the lanes scroll between them
        (_pin), each on a white plate: scrolled down to the coders' lane (a big font, hidpi) a coder lost the values
        at the play head and the frame numbers with the lanes above and below."""
        self.readout.setZValue(PIN_Z)
        self._readout_plate = Plate("bottom")
        self.frame_axis = PinnedFrameAxis("bottom")
        self.frame_axis.setTickFont(self.tick_font)
        self.frame_axis.setFont(self.tick_font)
        self.frame_axis.setLabel("frame", **self.sizes.label_style)
        self.frame_axis.enableAutoSIPrefix(False)
        self.frame_axis.linkToView(self.au_plot.vb)  # the lanes' x range: zoom and pan stay in step
        self._axis_plate = Plate("top")
        for item, z in ((self._readout_plate, PIN_Z - 1), (self.frame_axis, PIN_Z), (self._axis_plate, PIN_Z - 1)):
            item.setParentItem(self.ci)  # (over the lanes; in no layout: placed by _pin)
            item.setZValue(z)  # (above the lanes' items, the play heads' too, for pyqtgraph's clicks and drags)
            item.hide()
        self._readout_plate.on_wheel = self._axis_plate.on_wheel = self._wheel_scroll
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._pin)
        bar.rangeChanged.connect(self._pin)
        self.readout.geometryChanged.connect(self._pin)

    def _wheel_scroll(self, delta: int) -> None:
        """Scroll the lanes by a wheel's ``delta`` (eighths of a degree) as the scroll area scrolls them."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() - round(delta / 120 * QApplication.wheelScrollLines() * bar.singleStep()))

    def _pin(self, *_args: Any) -> None:
        """Keep the readout in view at the top and the frame axis at the bottom where the lanes scroll: the readout
        moved down by as much as the view is scrolled, a copy of the lowest lane's frame axis (frame_axis) at the
        view's bottom while that one is under it. Not scrolled, and scrolled to the end for the frame axis, they are
        where the layout puts them (nothing pinned: as without scrolling)."""
        # (destroyed with the window: its lanes, deleted after it, still say their geometry changed; at shutdown the
        # scene's items, the lanes' GraphicsLayout among them, may go before the view: the scroll bar still signals)
        if not isValid(self) or self.closed or not hasattr(self, "_axis_plate") or not isValid(self.ci) \
                or not isValid(self.readout):
            return
        ci, vp = self.ci, self.viewport()
        top = ci.mapFromScene(self.mapToScene(QPoint(0, 0))).y()
        bottom = ci.mapFromScene(self.mapToScene(QPoint(0, vp.height()))).y()
        width = ci.mapRectFromScene(self.range).width()
        spacing = self.ci.layout.verticalSpacing()
        down = max(0.0, top - ci.mapFromScene(self.range.topLeft()).y())
        if self.readout.transform().dy() != down:
            self.readout.setTransform(QTransform.fromTranslate(0, down))
        if down > 0:
            # from the view's top to the first lane's top, under the readout: no lane shows above or beside it
            self._readout_plate.setRect(QRectF(0, top, width, self.readout.geometry().bottom() + spacing - top + down))
        self._readout_plate.setVisible(down > 0)
        lowest = next((p for p in sorted(self._rows, key=lambda p: -self._rows[p][0])
                       if p.isVisible() and p.getAxis("bottom").isVisible()), None)
        axis = lowest.getAxis("bottom") if lowest is not None else None
        g = lowest.mapRectToItem(ci, axis.geometry()) if lowest is not None and axis is not None else QRectF()
        under = axis is not None and g.bottom() > bottom + 0.5
        if under and axis is not None:
            if self.frame_axis.label.isVisible() != axis.label.isVisible():
                self.frame_axis.showLabel(axis.label.isVisible())  # (its title where the lowest lane's has one)
            self.frame_axis.setGeometry(QRectF(g.left(), bottom - g.height(), g.width(), g.height()))
            self._axis_plate.setRect(QRectF(0, bottom - g.height(), width, g.height()))
        self.frame_axis.setVisible(under)
        self._axis_plate.setVisible(under)

    def _init_drawing_state(self) -> None:
        """What the curves are drawn from and what is drawn (the video, the buffer, the face, the neutral levels,
        the parts drawn per buffer version), and the timer of a budgeted redraw."""
        self.frame_count = 1
        self.fps = 30.0
        self.timebase = Timebase(self.fps)
        # False after set_video(0): no video open, the readout says nothing (a closed project's video's
        # "frame 40 (1.333 s)" stayed after it closed)
        self.has_video = True
        self.buffer: CurveBuffer | None = None
        # the span (s) the model of the analysis shown compared each frame with (set_model_span): which frames the
        # readout says had no frame that far back
        self.model_span_s = MODEL_SPAN_S
        # the stored analysis is on its way (set_loading): with no buffer yet the lanes say "loading", not NO_ANALYSIS
        self.loading = False
        # a long buffer's class curves blanked for it (set_buffer) and not drawn again yet: the class lane says
        # "loading" like the heat-map and motion lanes (it was blank, its note hidden by the video shown before)
        self._classes_due = False
        self._told: dict[pg.TextItem, str] = {}  # a lane note -> the text last given it (_tell)
        self._face: int | None = None  # the face shown (the property face: its events drawn as its own)
        self.visible_aus: list[str] | None = None  # None: all
        # AU intensities relative to the face's neutral levels (column -> level; features/neutral.py), or None
        self.neutral: dict[str, float] | None = None
        self._relative: tuple[tuple[Any, ...], dict[str, np.ndarray]] = ((), {})  # (what it was made from, arrays)
        self._drawn: dict[str, int] = {}  # a drawn part (a column's curve, "heat", "motion") -> the buffer version
        self._x = np.zeros(0)  # the frame indices, x of every curve
        self._motion_top = math.nan  # the motion lane's y range and blink bars as drawn
        self._blinks_drawn: tuple[bytes, bytes, float] | None = None
        self._step_timer = QTimer(self)  # the next turn of a budgeted redraw (refresh_step)
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(STEP_MS)
        self._step_timer.timeout.connect(self.refresh_step)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._class_curves: dict[str, pg.PlotDataItem] = {}
        # a class's values on frames whose neighbours the model did not judge (its motion gate): a line through
        # one point draws nothing, so these are dots
        self._class_dots: dict[str, pg.ScatterPlotItem] = {}
        self._motion_curves: dict[str, pg.PlotDataItem] = {}
        self.motion_by_au = False  # the micro-motion lane shows the regions, or the directed motion per AU (AUxx_m)

    @property
    def face(self) -> int | None:
        """The face whose curves are shown; the events of other faces are drawn apart (hatched, named)."""
        return self._face

    @face.setter
    def face(self, face: int | None) -> None:
        old, self._face = self._face, face
        # drawn again only where some event changes sides (a one-person video's events never do)
        if face != old and self._events and (self._has_others(old) or self._has_others(face)):
            self.set_events(self._events, self._event_layer.selected)

    def _has_others(self, face: int | None) -> bool:
        """Some event shown is of another face than ``face`` (None: no face shown, no event is)."""
        return face is not None and any(e.face_id != face for e in self._events)

    def _init_event_state(self) -> None:
        """The events and selection, the overlays, the coders' lanes, and each lane's layout row, size, legend,
        collapsed state and notes: empty until a video, events or a buffer arrive."""
        self._events: list[Event] = []
        self.regions: dict[int, EventRegion] = {}
        self._pool: list[EventRegion] = []
        self._event_layer = EventLayer(self)  # regions in view, the rest batched (set_events)
        self.selection: tuple[int, int] | None = None
        # overlays: other per-frame tables (an imported OpenFace CSV, the previous model) drawn dashed beside ours
        self.overlays: dict[str, CurveBuffer] = {}
        self.overlay_hidden: set[str] = set()
        self._overlay_curves: dict[tuple[str, str], OverlayCurve] = {}
        self._overlay_plots: dict[tuple[str, str], pg.PlotItem] = {}
        # per overlay: (its buffer's version, what else the drawing depended on) when last drawn
        self._overlay_version: dict[str, tuple[int, _OverlaySig]] = {}
        # events by coder: one lane per coder on its own track
        self.coder_lanes: list[str] = []
        self.coder_bars: dict[str, pg.BarGraphItem] = {}
        self._coder_ticks_set: list[tuple[float, str]] | None = None  # the names on the coders' axis (_coder_ticks)
        self._axis_width = 0  # every lane's left axis' width as set (_track; _coder_ticks widens it)
        self._rows: dict[pg.PlotItem, tuple[int, int]] = {}  # track -> (layout row, height share)
        self._names: dict[pg.PlotItem, str] = {}  # track -> its name (its axis shows it or its tag)
        self._default_share: dict[pg.PlotItem, int] = {}  # track -> its share as built (set_lane_height)
        self._legend_room: dict[pg.PlotItem, float] = {}  # track -> px its legend cell holds under the entries
        self._content_extra = 0.0  # px the lanes reach past the view's bottom (_size_lanes): it scrolls
        self._readout_h = 0.0  # the readout's height the lanes were sized with
        self._named_rows: dict[pg.PlotItem, int] = {}  # track -> its rows of at least ROW_MIN_PX (set_lane_rows)
        self._heat_rows: list[str] = []  # the AU columns on the heat map's rows, top to bottom
        self.playhead_frame = 0
        self.event_rows: dict[int, int] = {}  # event id -> its sub-row on the events track (0 on top)
        self.event_row_count = 1
        self.legend_boxes: dict[pg.PlotItem, LegendBox] = {}
        self.collapsed: set[pg.PlotItem] = set()  # lanes shrunk to a strip (double-click the legend; H/M hide)
        self._thinned: set[pg.PlotItem] = set()  # lanes made a strip because they show nothing (_thin_lane)
        self._user_set: set[pg.PlotItem] = set()  # lanes the user collapsed or expanded: left as they set them
        # what an empty lane is for, its text fitted to the lane (LaneNotes); ours start at the lane's left edge,
        # wherever it is panned (a note at frame 0, y 0.5 sat half under the heat map's lane before its rows came)
        self.notes = LaneNotes()
        self._own_notes: dict[pg.TextItem, pg.PlotItem] = {}

    def _build_readout(self) -> None:
        """The value readout at the play head (FaceReader): every drawn AU and class, above the tracks (row 0)."""
        # the numbers a coder reads at the play head follow the app's font (7 pt at 9 pt, 12.4 at 16), as the lanes'
        # values and the legends do: a fixed 7 pt stayed 7 pt beside a 16-pt user's menus
        self.readout = PinnedReadout("", size=small_text(), justify="left")
        self.readout.on_height = self._readout_resized  # (a resize may wrap it onto a line more or less)
        self.addItem(self.readout, row=0, col=0, colspan=2)
        self.ci.layout.setVerticalSpacing(3)  # not 6: at 1366x768 eight gaps cost the lanes 24 px
        self.ci.layout.setRowStretchFactor(0, 0)

    def _build_au_lane(self) -> None:
        """The AU curves' lane, 0..5, with its AU legend beside it; the lane the others are x-linked to."""
        self.au_plot = self._track(1, "AU", height=3)  # short: it shows on a short lane too
        self.au_plot.setYRange(0, 5, padding=0.02)
        self._ticks: dict[pg.PlotItem, list[tuple[float, str]]] = {}  # each lane's ticks as set (_fit_ticks)
        # 17 AUs named by number ("12": AU12) in the legend column right of the lane, never over the curves
        self._legend(self.au_plot, 6)
        # the stale frames' bars, the lane's full height whatever its y zoom (ignoreBounds: not in its range)
        self.stale_bars = _stale_bars(self.au_plot, z=-9)  # over the neutral band, under the curves
        # its legend entry on a row of its own under the AU legend's: in one of that legend's six narrow columns
        # the long name widened the legend past its column (cut off)
        _box, self.stale_legend = side_legend(1)
        self.stale_legend.setParentItem(self.legend_boxes[self.au_plot])
        self._stale_drawn: bytes | None = None

    def _build_heat_lane(self) -> None:
        """The AU heat map: one row per AU (named on its axis), its colour scale, and what it says before any."""
        self.heat_plot = self._track(2, "", height=2)  # its rows are named AU01..: no room for a rotated label
        self.heat = pg.ImageItem(axisOrder="row-major", autoDownsample=True)
        self.heat.setColorMap(pg.colormap.get("viridis"))
        self.heat_plot.addItem(self.heat)
        self.heat_plot.invertY(True)
        self.heat_plot.vb.sigResized.connect(lambda _vb: self._heat_ticks())
        # unknown cells (no face, lids shut, not analysed yet) are blank: grey, not the white that would read as
        # brighter than viridis' top
        self.heat_plot.vb.setBackgroundColor(HEAT_UNKNOWN)
        self.heat_scale = self._text_legend(self.heat_plot)  # what the colours mean: they follow the video
        # the stale frames' cells are blank like any unknown one: hatched over them, as on the AU and motion lanes,
        # so that a damaged stretch does not read as a face gone from the frame
        self.stale_heat_bars = _stale_bars(self.heat_plot, z=1)
        # dark on the grey of blank cells (light grey on it was barely there)
        self._no_heat = self._note(self.heat_plot, NO_ANALYSIS.format(what="the AU heat map"), "#37474f")

    def _build_motion_lane(self) -> None:
        """The micro-motion lane: its regions' legend, the blink-mask bars behind the curves, its note."""
        self.motion_plot = self._track(3, "motion", height=2)
        self.motion_plot.setYRange(0, MOTION_MIN_TOP, padding=0.02)
        # pyqtgraph's own ticks (0, 0.2, .. 1.0) ran together on the empty window's short lane: the drawn lane's step
        step = _tick_step(MOTION_MIN_TOP)
        self.motion_plot.getAxis("left").setTickSpacing(step, step)
        self.motion_legend = self._legend(self.motion_plot, 3)
        self._blink_bars = pg.BarGraphItem(x0=np.zeros(0), width=np.zeros(0), y0=0.0, height=MOTION_MIN_TOP,
                                           brush=pg.mkBrush(120, 144, 156, 60), pen=pg.mkPen(None))
        self._blink_bars.setZValue(-2)
        self.motion_plot.addItem(self._blink_bars)
        # the stale frames hatched here too: the motion breaks there as well, and a gap alone reads as no movement
        self.stale_motion_bars = _stale_bars(self.motion_plot, z=-9)
        self._no_motion = self._note(self.motion_plot, NO_ANALYSIS.format(what="micro-motion"))

    def _build_class_lane(self) -> None:
        """The model's class confidences, 0..1, and what it says without a checkpoint."""
        self.class_plot = self._track(4, "class p", height=2)
        self.class_plot.setYRange(0, 1, padding=0.02)
        self._legend(self.class_plot, 3)
        self._no_model = self._note(self.class_plot, NO_MODEL)

    def _build_events_lane(self) -> None:
        """The events track (drag to select) and its least-width marks, redrawn when the zoom or size changes."""
        self.events_plot = self._track(5, "events", height=2, select=True)
        self.events_plot.setYRange(0, 1, padding=0)
        self.events_plot.getAxis("left").setTicks([[]])
        # every event at least EVENT_MIN_PX wide on screen (a 3-frame event of a 100k-frame video is 0.04 px): a
        # mark under its region, recomputed when the zoom changes; the region itself keeps the event's true range
        self._event_marks = pg.BarGraphItem(x0=np.zeros(0), width=np.zeros(0), y0=np.zeros(0), height=np.zeros(0),
                                            pen=pg.mkPen(None))
        self._event_marks.setZValue(4)
        self.events_plot.addItem(self._event_marks)
        self.events_plot.vb.sigXRangeChanged.connect(lambda *_: self._draw_event_marks())
        self.events_plot.vb.sigResized.connect(lambda *_: self._draw_event_marks())
        # what the hatched bars are: the other faces' events (empty while every event is the face shown's); above
        # it which colour is which emotion (_say_legend)
        self.other_faces_legend = self._text_legend(self.events_plot)
        self.emotion_legend = pg.LabelItem("", size=small_text(), justify="left",
                                           parent=self.legend_boxes[self.events_plot])
        self.emotion_legend.item.document().setDocumentMargin(0)

    def _build_coder_lane(self) -> None:
        """The coders track (hidden until Events by coder): one named row per coder, their apexes as marks."""
        self.coder_plot = self._track(6, "coders", height=2)
        self.coder_plot.setYRange(0, 1, padding=0)
        self.coder_plot.invertY(True)
        self.coder_plot.vb.sigResized.connect(lambda _vb: self._coder_ticks())
        self._apex_marks = pg.ScatterPlotItem(symbol="s", size=3, pen=None)
        self.coder_plot.addItem(self._apex_marks)
        self._show_track(self.coder_plot, False)

    def _build_audio_lane(self) -> None:
        """The audio waveform (min/max envelope, merstudio.io.audio), its silent note and the no-sound band past a
        short track's end: hidden when the video has no audio."""
        self.audio_plot = self._track(7, "audio", height=1)
        self.audio_plot.getAxis("left").setTicks([[(0, "0")]])
        self.audio_plot.getAxis("left").enableAutoSIPrefix(False)  # no "(x0.001)" in the label
        self._legend(self.audio_plot, 1)
        self.waveform = LaneCurve(pen=pg.mkPen(WAVEFORM_COLOUR, width=CURVE_WIDTH), name="waveform")
        self.audio_plot.addItem(self.waveform)
        self.audio_envelope: Any = None  # the Envelope drawn, or None
        # a flat line alone reads as "not loaded yet"; say it (a phone or screen recording with its microphone off)
        self._silent = self._note(self.audio_plot, "silent: the audio track holds no sound")
        self._silent.hide()
        # the frames after the sound ends (a track shorter than the video): a band that says so, else the waveform
        # stopping short reads as one drawn at the wrong rate (the sound is placed by the frames' own times)
        self._no_sound = pg.LinearRegionItem(brush=pg.mkBrush(NO_SOUND_BAND), movable=False)
        self._no_sound.setZValue(-10)
        for line in self._no_sound.lines:
            line.setPen(pg.mkPen(None))
        self._no_sound_note = pg.TextItem("", color="#757575", anchor=(0, 0.5))
        font = self._no_sound_note.textItem.font()
        font.setPointSizeF(7.0)
        self._no_sound_note.setFont(font)
        for item in (self._no_sound, self._no_sound_note):
            item.hide()
            self.audio_plot.addItem(item, ignoreBounds=True)
        self._show_track(self.audio_plot, False)

    def _build_bands_and_marks(self) -> None:
        """The neutral frames' band under the AU curves, the selection region on the events track, and the
        pending I/A/O marks there (where the coder marked, while they look for the rest of the event)."""
        self._neutral_band = pg.LinearRegionItem(brush=pg.mkBrush(NEUTRAL_BAND), movable=False)
        self._neutral_band.setZValue(-10)
        for line in self._neutral_band.lines:
            line.setPen(pg.mkPen(None))
        self._neutral_band.hide()
        self.au_plot.addItem(self._neutral_band, ignoreBounds=True)
        # its edges RatioLines (a FrameRegion showing no event reports nothing): 1 device px at 200 % beside the
        # play head and marks; its edges swap when dragged past each other, as a plain region's
        self._sel_region = FrameRegion(lambda *_: None, lambda _id: None)
        self._sel_region.swapMode = "sort"
        self._sel_region.setBrush(pg.mkBrush(120, 120, 120, 70))
        self._sel_region.setZValue(1)
        self._sel_region.hide()
        self._sel_region.sigRegionChangeFinished.connect(self._selection_moved)
        self.events_plot.addItem(self._sel_region)
        self._mark_lines: dict[str, pg.InfiniteLine] = {}
        self._mark_labels: dict[str, pg.TextItem] = {}
        for which, key, style in (("onset", "I", Qt.PenStyle.DashLine), ("apex", "A", Qt.PenStyle.DotLine),
                                  ("offset", "O", Qt.PenStyle.DashLine)):
            line = RatioLine(0, pen=pg.mkPen(MARK_COLOUR, width=2, style=style), movable=False)
            # labelled with the key that set it; a TextItem of its own (InfiniteLine's own label crashes Qt's
            # teardown at exit)
            label = pg.TextItem(key, color=MARK_COLOUR, anchor=(0, 0))
            for item in (line, label):
                item.setZValue(50)
                item.hide()
                self.events_plot.addItem(item, ignoreBounds=True)
            self._mark_lines[which], self._mark_labels[which] = line, label

    def _build_playheads(self) -> None:
        """One draggable play head per lane, on top of everything (dragging one seeks: _playhead_dragged)."""
        self.playheads = []
        for p in self.plots:
            line = RatioLine(0, pen=pg.mkPen(PLAYHEAD_COLOUR, width=2), movable=True,
                             hoverPen=pg.mkPen("#ff6d00", width=3))
            line.setZValue(100)
            line.sigDragged.connect(self._playhead_dragged)
            p.addItem(line, ignoreBounds=True)
            self.playheads.append(line)

    def _fit_ticks_and_notes(self) -> None:
        """The x range before a video, the value ticks thinned on a short lane whenever a lane's size or y range
        changes, and every lane's notes fitted to it."""
        self.au_plot.setXRange(0, 100, padding=0)  # before a video: frames from 0, not a range around zero
        for p in (self.au_plot, self.motion_plot, self.class_plot):  # values thinned on a short lane (0/5, 0/2.5/5)
            p.vb.sigResized.connect(partial(lambda p, _vb: self._fit_ticks(p), p))
            p.vb.sigYRangeChanged.connect(partial(lambda p, *_: self._fit_ticks(p), p))
        self._note_lanes = frozenset(self.plots)
        for p in self.plots:
            self._fit_notes(p)

    @property
    def plots(self) -> list[pg.PlotItem]:
        return [self.au_plot, self.heat_plot, self.motion_plot, self.class_plot, self.events_plot, self.coder_plot,
                self.audio_plot]

    def _track(self, row: int, label: str, height: int, select: bool = False) -> pg.PlotItem:
        plot = self.addPlot(row=row, col=0, viewBox=TrackBox(self, select_on_drag=select),
                            axisItems={"bottom": FrameAxis("bottom"), "left": LaneAxis("left")})
        plot.setLabel("left", label, **self.sizes.label_style)  # short lanes: the rotated label must fit
        plot.hideAxis("bottom")
        for side in ("left", "bottom"):  # values (and row names) in the font the lane sizes are measured in
            plot.getAxis(side).setTickFont(self.tick_font)
            plot.getAxis(side).setFont(self.tick_font)
        plot.getAxis("left").setWidth(self._axis_width or self.sizes.axis)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self._rows[plot] = (row, height)
        self._names[plot] = label
        self._default_share[plot] = height
        plot.vb.sigResized.connect(lambda _vb: self._fit_labels())
        plot.vb.sigResized.connect(lambda _vb: self._fit_notes(plot))
        plot.vb.sigResized.connect(lambda _vb: self._fit_legend(plot))
        plot.vb.sigRangeChanged.connect(lambda *_: self._place_notes(plot))
        plot.vb.sigRangeChanged.connect(lambda *_: self._fit_notes(plot))  # (one added since: fitted from now on)
        for item in (plot, plot.getAxis("bottom")):  # the lanes laid out again, the frame axis shown or moved
            item.geometryChanged.connect(self._pin)
        return plot

    def _note(self, plot: pg.PlotItem, text: str, colour: str = "#757575") -> pg.TextItem:
        """A note on an empty lane (what fills it), at the lane's left, fitted to it (LaneNotes)."""
        note = pg.TextItem(text, color=colour, anchor=(0, 0.5))
        plot.addItem(note, ignoreBounds=True)
        self._own_notes[note] = plot
        self._place_notes(plot)
        return note

    def _fit_notes(self, plot: pg.PlotItem) -> None:
        """Fit every note on a lane to its size: ours and any other's text there (the window's AU-lane hint,
        gui/first_run.py), not the pending marks' keys."""
        if plot not in getattr(self, "_note_lanes", ()):  # not made yet; or another view's (the behaviours lane)
            return
        # labels of a frame or an event (its region's tag), not of the lane
        marks = {*self._mark_labels.values(), self._no_sound_note, *(r.tag for r in self._pool)}
        for item in plot.vb.childGroup.childItems():  # (addedItems leaves out those added with ignoreBounds)
            if isinstance(item, pg.TextItem) and item not in marks:
                self.notes.fit(item, plot.vb)

    def _place_notes(self, plot: pg.PlotItem) -> None:
        """Our notes of a lane at its left edge, half-way up, wherever the lane is panned or zoomed to."""
        (x0, _x1), (y0, y1) = plot.vb.viewRange()
        px = plot.vb.viewPixelSize()[0] if plot.vb.width() > 0 else 0.0
        for note, on in self._own_notes.items():
            if on is plot:
                note.setPos(x0 + NOTE_PAD * px, (y0 + y1) / 2)

    def _fit_labels(self) -> None:
        """Each lane's name inside its own lane: rotated where the lane is as tall as the name is long, else
        across, at the axis' left beside its values (a 16-px lane: at 1280x720 "class p" and "events" had no name,
        their rotated names clashing with their neighbours'), else its tag across (LANE_TAGS), else none. A strip
        (collapsed) shows none."""
        for plot in self._rows:
            axis = plot.getAxis("left")
            name = text = self._names.get(plot, "")
            fit = None
            if name and plot.isVisible() and plot not in self.collapsed:
                values = self._tick_text_width(axis)
                for text in dict.fromkeys((name, LANE_TAGS.get(name, name))):
                    fit = self._title_fit(plot, text, values)
                    if fit is not None:
                        break
            if fit is not None and axis.labelText != text:
                axis.setLabel(text)  # (keeps the axis' label style)
            if isinstance(axis, LaneAxis):
                axis.set_across(fit == "across")
            if axis.label.isVisible() != (fit is not None):
                axis.showLabel(fit is not None)

    def _title_fit(self, plot: pg.PlotItem, text: str, values: float) -> str | None:
        """How ``text`` fits as the lane's name beside values ``values`` px wide: "rotated" along the axis (it may
        run 1 px into the gap to the next lane), "across" at the axis' left, or None."""
        axis = plot.getAxis("left")
        h = plot.vb.height()
        fm = QFontMetricsF(axis.label.font())
        if fm.horizontalAdvance(text) <= h + 2:  # rotated, the text's length is its height on screen
            return "rotated"
        room = axis.width() - TICK_TEXT_OFFSET - values - 4
        return "across" if fm.height() <= h + 2 and fm.horizontalAdvance(text) <= room else None

    def _tick_text_width(self, axis: pg.AxisItem) -> float:
        """How wide a lane's widest value (or row name) is drawn on its axis."""
        if not axis.style.get("showValues", True):
            return 0.0
        levels = axis._tickLevels  # the ticks we set (_fit_ticks, the row names); None: pyqtgraph's own
        return self._values_width([t for level in levels for _v, t in level] if levels is not None else ["0.5"])

    def _values_width(self, texts: Sequence[str]) -> float:
        """How wide the widest of ``texts`` is in the lanes' value font."""
        fm = QFontMetricsF(self.tick_font)
        return max((fm.horizontalAdvance(t) for t in texts), default=0.0)

    def _legend(self, plot: pg.PlotItem, columns: int) -> pg.LegendItem:
        """The plot's legend, in the legend column beside its lane (plot.legend: curves plotted with a name join it)."""
        box, legend = side_legend(columns)
        self.ci.addItem(box, row=self._rows[plot][0], col=1)
        box.on_double_click = lambda: self._user_collapse(plot)
        plot.legend = legend
        self.legend_boxes[plot] = box
        legend.on_least_changed = self._place_frame_axis
        return legend

    def _fit_legend(self, plot: pg.PlotItem) -> None:
        """The lane's legend in as many columns as its height needs (_CompactLegend.fit)."""
        legend = getattr(plot, "legend", None)
        if legend is not None and hasattr(legend, "fit") and plot in self.legend_boxes:
            legend.fit(plot.height())
        if plot is self.au_plot and hasattr(self, "stale_legend"):
            self._place_stale_legend()

    def _fit_ticks(self, plot: pg.PlotItem) -> None:
        """Labelled ticks at least TICK_GAP_PX apart on the AU and motion lanes: at 24 px the AU lane's 0, 2 and 4
        touched. A step of 1, 2.5 or 5 x 10^k, as on the full-height lane at least (the AU lane's 2, the motion
        lane's two or three ticks)."""
        lo, hi = plot.vb.viewRange()[1]
        px = plot.vb.height()
        if px <= 0 or hi <= lo:
            return
        need = (hi - lo) * self.sizes.tick_gap / px
        mag = 10.0 ** math.floor(math.log10(need))
        step = max(min(m * mag for m in (1, 2.5, 5, 10) if m * mag >= need), _tick_step(hi))
        top = 10.0 ** math.floor(math.log10(hi - lo))
        step = min(step, max(m * top for m in (1, 2.5, 5) if m * top <= hi - lo))  # two values at least: 0 and 1
        # the values, not a spacing: pyqtgraph wrote 2.5 as "2"
        ticks = [(v, f"{v:g}") for v in (k * step for k in range(math.ceil(lo / step - 1e-9),
                                                                   math.floor(hi / step + 1e-9) + 1))]
        # a lane too short for its name rotated keeps its whole name across rather than its middle values: at
        # 1280x720 the 34-px motion lane's 0 / 0.5 / 1 left no room for "motion" (no name at all); 0 and 1 say the scale
        name = self._names.get(plot, "")
        if name and len(ticks) > 2 and self._title_fit(plot, name, self._values_width([t for _v, t in ticks])) is None \
                and self._title_fit(plot, name, self._values_width([ticks[0][1], ticks[-1][1]])) == "across":
            ticks = [ticks[0], ticks[-1]]
        if self._ticks.get(plot) != ticks:  # an axis given its ticks repaints its whole lane
            self._ticks[plot] = ticks
            plot.getAxis("left").setTicks([ticks])
            self._fit_labels()  # a lane's name across its axis goes beside its values

    def _user_collapse(self, plot: pg.PlotItem) -> None:
        self._thinned.discard(plot)
        self._user_set.add(plot)
        self.set_lane_collapsed(plot, plot not in self.collapsed)

    def _text_legend(self, plot: pg.PlotItem) -> pg.LabelItem:
        """A few words in the legend column beside a lane."""
        box = LegendBox()
        box.setFixedWidth(self.legend_width)
        box.setFlag(box.GraphicsItemFlag.ItemClipsChildrenToShape, True)
        box.on_double_click = lambda: self._user_collapse(plot)
        label = pg.LabelItem("", size=small_text(), justify="left", parent=box)
        label.item.document().setDocumentMargin(0)  # its lines' own height (lane_floor): 4 px of margin cost 8
        self.ci.addItem(box, row=self._rows[plot][0], col=1)
        self.legend_boxes[plot] = box
        return label

    def _show_track(self, plot: pg.PlotItem, on: bool) -> None:
        """Show or hide a track; a hidden one gives its height to the others (a hidden item keeps its place in a
        QGraphicsGridLayout otherwise)."""
        row, _share = self._rows[plot]
        plot.setVisible(on)
        if plot in self.legend_boxes:
            self.legend_boxes[plot].setVisible(on)
            self.legend_boxes[plot].setMaximumHeight((COLLAPSED_HEIGHT if plot in self.collapsed else _MAX_HEIGHT)
                                                     if on else 0)
        self.ci.layout.setRowSpacing(row, self.ci.layout.verticalSpacing() if on else 0)
        self._place_frame_axis()

    def _place_frame_axis(self) -> None:
        """The frame axis under the lowest shown lane only (the behaviours lane, the coders track or the events
        track); then every lane's height (_size_lanes)."""
        order = sorted(self._rows, key=lambda p: self._rows[p][0])
        shown = [p for p in order if p.isVisible() and p not in self.collapsed]
        lowest = shown[-1] if shown else self.events_plot
        for p in order:
            axis = p.getAxis("bottom")
            if p is lowest and not axis.isVisible():
                p.showAxis("bottom")
                p.setLabel("bottom", "frame", **self.sizes.label_style)
                axis.enableAutoSIPrefix(False)  # frame numbers as they are, no "(x1000)"
            elif p is not lowest and axis.isVisible():
                p.hideAxis("bottom")
        self._size_lanes([p for p in order if p.isVisible()], lowest)

    def lane_least(self, plot: pg.PlotItem) -> float:
        """The least height of a lane's plot area where it is readable: its floor (its legend whole), LANE_MIN_PX
        (the AU lane AU_MIN_PX) and ROW_MIN_PX per named row, each grown with the font (LaneSizes)."""
        if plot in self.collapsed:
            return self._strip(plot)
        rows = self._named_rows.get(plot, 0) * self.sizes.row
        return max(rows, self.lane_floor(plot, whole=True), self.sizes.au if plot is self.au_plot else self.sizes.lane)

    def lane_floor(self, plot: pg.PlotItem, whole: bool = False, held: bool = True) -> float:
        """The least a squeezed lane keeps (a short window; lane_heights): a strip, and its legend whole (at
        960x540 the AU legend's 33 px were cut at 21), with what else its legend cell holds (reserve_legend_room);
        a track's named rows (coders, behaviours) sizes.row each and the AU lane sizes.au, whatever the window's
        size (not ``held``: its legend alone): where the floors do not fit the view, the lanes scroll. (Legends alone
        counted: at 16 pt in a 1366x768 window three coders shared 14 px, their names not drawn, and the AU lane got
        22 px of its 75.)"""
        strip = self._strip(plot)
        if plot in self.collapsed:
            return strip
        legend: Any = getattr(plot, "legend", None)
        # (one row of its legend: a squeezed lane's says "+N" for the rest; whole: every entry, lane_least)
        entries = legend.least_height(whole) if hasattr(legend, "least_height") else 0.0
        if plot is self.au_plot and getattr(self, "stale_legend", None) is not None and self.stale_legend.items:
            entries += self.stale_legend.row_px  # the stale entry's row under the AU legend
        if plot is self.heat_plot and hasattr(self, "heat_scale") and self.heat_scale.text:
            entries = self.heat_scale.item.boundingRect().height()  # the colour scale's one or two lines
        if plot is self.events_plot and hasattr(self, "emotion_legend"):  # the emotions' key, what the hatched bars are
            entries = sum(label.item.boundingRect().height() for label in (self.emotion_legend, self.other_faces_legend)
                          if label.text)
        return max(strip, self._held(plot) if held else 0.0, entries + self._legend_room.get(plot, 0.0))

    def _held(self, plot: pg.PlotItem) -> float:
        """What a lane keeps whatever the window's size (lane_floor): a track's named rows sizes.row each, the AU
        lane sizes.au; nothing for a collapsed lane."""
        if plot in self.collapsed:
            return 0.0
        return self._named_rows.get(plot, 0) * self.sizes.row + (self.sizes.au if plot is self.au_plot else 0.0)

    def reserve_legend_room(self, plot: pg.PlotItem, px: float) -> None:
        """Keep `px` more of a lane's height for what its legend cell holds under the legend's entries (the class
        lane's model note, gui/checkpoint_dialog.py): at 1366x768 the note was cut in half there."""
        if self._legend_room.get(plot, 0.0) != px:
            self._legend_room[plot] = px
            self._place_frame_axis()

    def _strip(self, plot: pg.PlotItem) -> float:
        """A strip's plot area: the lane COLLAPSED_HEIGHT high less its plot's own margins."""
        _l, top, _r, bottom = plot.layout.getContentsMargins()
        return COLLAPSED_HEIGHT - top - bottom

    def _size_lanes(self, shown: list[pg.PlotItem], lowest: pg.PlotItem) -> None:
        """Give every shown lane its height (lane_heights) and make the layout keep it: each lane's plot fixed at
        its height (QGraphicsGridLayout gave stretch only to what was left over after every lane's preferred
        ~52 px, so that Ctrl+wheel changed nothing at 1366x768 or at 1920x1080 with coder lanes), the AU lane's
        free to take up a pixel or two of rounding. Where the lanes the user made taller need more than the
        view holds, the timeline scrolls (a vertical scroll bar) rather than squeezing the others below their
        least height; otherwise a short window squeezes them toward a strip, the AU lane last."""
        if not shown:
            return
        lay = self.ci.layout
        _l, top, _r, bottom = lay.getContentsMargins()
        rows = sorted({0, *(r for r, _s in self._rows.values())})
        spacing = sum(lay.rowSpacing(r) for r in rows[:-1])  # (a hidden row's is 0: _show_track)

        def margins(p: pg.PlotItem) -> float:
            _l, t, _r, b = p.layout.getContentsMargins()
            return t + b + (p.getAxis("bottom").minimumHeight() if p is lowest else 0.0)

        # each lane's floor with its legend whole at the font's size; where those leave the readout less than its
        # two lines (a 1024x640 window at 16 pt), with one row of its legend (the same at the default font)
        others = top + bottom + spacing + sum(margins(p) for p in shown)
        floor = [self.lane_floor(p, whole=True, held=False) for p in shown]
        if self.viewport().height() - others - sum(floor) < self.readout.least_px():
            floor = [self.lane_floor(p, held=False) for p in shown]
        # a readout wrapped onto many lines (a big font) takes what the lanes' legends leave, not their room; the
        # named rows and the AU lane's least then hold, the lanes scrolling where they do not fit under it
        # and at the least its share of the view (200 % on a 1080p screen: the values at the play head, not "…")
        self.readout.set_room(max(self.viewport().height() - others - sum(floor),
                                  READOUT_SHARE * self.viewport().height()))
        floor = [max(f, self._held(p)) for p, f in zip(shown, floor, strict=True)]
        self._readout_h = self.readout.effectiveSizeHint(Qt.SizeHint.PreferredSize).height()
        least = [self.lane_least(p) for p in shown]
        share = [0.0 if p in self.collapsed else float(self._rows[p][1]) for p in shown]
        extra = [0.0 if p in self.collapsed else max(0, self._rows[p][1] - self._default_share[p]) * self.sizes.lane
                 for p in shown]
        rank = [0 if p is self.au_plot or e > 0 else 1 if self._named_rows.get(p, 0) else 2
                for p, e in zip(shown, extra, strict=True)]
        need = sum(least) + sum(extra)
        axis = lowest.getAxis("bottom")
        for titled in (True, False):
            # the frame axis' title goes where the lanes do not fit (its 13 px to the lanes): the frame numbers say
            # it (at 960x540 it was cut in half under the view's edge)
            if axis.isVisible() and axis.label.isVisible() != titled:
                axis.showLabel(titled)
            fixed = top + bottom + self._readout_h + spacing + sum(margins(p) for p in shown)
            room = self.viewport().height() - fixed
            if need <= room or any(extra) or not axis.isVisible():
                break
        self.setMinimumHeight(math.ceil(fixed + sum(self._strip(p) for p in shown)))  # the strips in view
        # a lane made taller by hand: the others keep their least height, the timeline scrolls where they do not
        # fit; else they are squeezed toward their floor, and past that it scrolls (nothing is cut)
        content = max(room, need if any(extra) else sum(floor))
        heights = lane_heights(content, floor, least, share, extra, rank)
        free = next((p for p in shown if p is self.au_plot and p not in self.collapsed),
                    next((p for p in shown if p not in self.collapsed), None))
        for p, h, f in zip(shown, heights, floor, strict=True):
            total = h + margins(p)
            row = self._rows[p][0]
            if lay.rowStretchFactor(row) != (1 if p is free else 0):  # (each call lays the timeline out again)
                lay.setRowStretchFactor(row, 1 if p is free else 0)
            if p.minimumHeight() != (f + margins(p) if p is free else total):
                p.setMinimumHeight(f + margins(p) if p is free else total)
            p.setPreferredHeight(total)
            p.setMaximumHeight(_MAX_HEIGHT if p is free else total)
            if p in self.legend_boxes:  # (a QGraphicsWidget asks for 50 px: every legend's row was at least that)
                self.legend_boxes[p].setPreferredHeight(0)
        for p in self._rows:
            if not p.isVisible():
                p.setMinimumHeight(0)
                p.setMaximumHeight(0)
                if lay.rowStretchFactor(self._rows[p][0]):
                    lay.setRowStretchFactor(self._rows[p][0], 0)
        self._content_extra = max(0.0, content - room)  # the lanes' height past the view's: a scroll bar shows it
        self._fit_range()

    def _fit_range(self) -> None:
        """The layout as wide as the view and as tall as the view plus what the lanes need past it: pyqtgraph's
        GraphicsView fits it to the widget's size, which leaves no room for a scroll bar or for lanes taller than
        the view."""
        vp = self.viewport().size()
        rect = QRectF(0, 0, vp.width(), vp.height() + getattr(self, "_content_extra", 0.0))
        # (a layout whose least height outgrew it resizes it: back to the view's once the lanes' heights fit)
        if rect != self.range or (self.centralWidget is not None and self.centralWidget.geometry() != rect):
            self.setRange(rect, padding=0, disableAutoPixel=False)

    def close(self) -> bool:
        """pyqtgraph's close clears the scene: a pending turn of a redraw (refresh_step) must not draw on the
        deleted items."""
        self._step_timer.stop()
        if hasattr(self, "_describe_timer"):
            self._describe_timer.stop()
        return bool(super().close())

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802 - Qt override
        """The view's (or its viewport's, as a scroll bar comes or goes) new size: the layout fitted to it
        (_fit_range, not pyqtgraph's fit to the widget's size) and the lanes' heights again."""
        if self.closed:  # (its items are gone)
            return
        self._fit_range()
        if hasattr(self, "sizes") and self._rows:
            self._place_frame_axis()
        self._pin()

    def _class_lane_state(self) -> None:
        """The class lane's hint and height from what it draws: our class curves or an overlay's (py-feat's
        emotions)."""
        ours = bool(self.buffer.class_columns()) if self.buffer is not None else False
        theirs = any(col.startswith("p_") for _name, col in self._overlay_curves)
        if not theirs and (self._classes_due if self.buffer is not None else self.loading):
            # the stored analysis on its way: "loading". While it is read the lane keeps its height (whether it has
            # classes is not known: thinning it now and widening it a moment later would jump the lanes below); a
            # buffer whose class curves come in a later turn has classes: the lane is full height at once
            self._tell(self._no_model, LOADING.format(what="class confidence"))
            self._no_model.setVisible(True)
            if self.buffer is not None:
                self._thin_lane(self.class_plot, False)
            return
        self._tell(self._no_model, NO_MODEL)
        self._no_model.setVisible(not (ours or theirs))  # the hint would lie over their curves
        self._thin_lane(self.class_plot, not (ours or theirs))

    def _thin_lane(self, plot: pg.PlotItem, empty: bool) -> None:
        """A lane with nothing to draw but a note (the class lane without a model, the audio lane of a silent
        track) is a strip that keeps the note, its height to the other lanes (at 1366x768 the AU lane was 30 px
        beside an empty class lane). Back to full height when there is something to draw; a lane the user
        collapsed or expanded stays so."""
        if empty and plot not in self.collapsed and plot not in self._user_set:
            self._thinned.add(plot)
            self.set_lane_collapsed(plot, True)
        elif not empty and plot in self._thinned:
            self._thinned.discard(plot)
            self.set_lane_collapsed(plot, False)

    def set_lane_collapsed(self, plot: pg.PlotItem, collapsed: bool) -> None:
        """Collapse a lane to a COLLAPSED_HEIGHT strip (its height goes to the others) or expand it back."""
        (self.collapsed.add if collapsed else self.collapsed.discard)(plot)
        # a strip has no room for tick values or its rotated name (_fit_labels leaves a strip's name out)
        plot.getAxis("left").setStyle(showValues=not collapsed)
        self._show_track(plot, plot.isVisible())
        self._fit_labels()

    def set_lane_rows(self, plot: pg.PlotItem, rows: int) -> None:
        """The lane shows this many named rows (coders, behaviours): it keeps ROW_MIN_PX for each, the others shrink."""
        if self._named_rows.get(plot, 0) != rows:
            self._named_rows[plot] = rows
            self._show_track(plot, plot.isVisible())

    def set_lane_height(self, plot: pg.PlotItem, share: int) -> None:
        """A lane's height share (the AU lane starts at 3, the audio and behaviours lanes at 1, the others at 2):
        the timeline's height is shared out by these above each lane's least (lane_heights); each share above the
        lane's first share keeps sizes.lane px more for it, the timeline scrolling where the view is too short."""
        row, _ = self._rows[plot]
        self._rows[plot] = (row, max(1, int(share)))
        self._show_track(plot, plot.isVisible())

    def resize_lane(self, plot: pg.PlotItem, step: int) -> None:
        """Make a lane taller (step > 0) or shorter by one share (at least 1, at most 12): Ctrl+wheel."""
        if plot in self._rows:
            self.set_lane_height(plot, min(12, max(1, self._rows[plot][1] + step)))

    def zoom_y(self, plot: pg.PlotItem, factor: float) -> None:
        """Zoom a lane's y axis by factor, keeping 0 at the bottom (a factor < 1 magnifies small values)."""
        lo, hi = plot.vb.viewRange()[1]
        plot.setYRange(lo, lo + (hi - lo) * factor, padding=0)

    def _heat_ticks(self) -> None:
        """AU names on the heat map's rows, every n-th one when the rows are too thin for all (no overlaps); the
        lane's tooltip names every row, top to bottom (a short lane names only some, or one)."""
        n = len(self._heat_rows)
        names = [c[:-2] for c in self._heat_rows]
        self.heat_plot.setToolTip(f"AU heat map rows, top to bottom: {', '.join(names)}" if n else "")
        if not n:
            self.heat_plot.getAxis("left").setTicks([[]])
            return
        px = max(1.0, self.heat_plot.vb.height())
        step = max(1, math.ceil(max(12.0, self.sizes.row - 1) * n / px))
        tall = 0.8 * QFontMetricsF(self.tick_font).height()  # a name's height as the axis counts it (pyqtgraph: 80 %)
        while step < n and not _names_fit(n, step, px, tall):  # else the axis left out the one moved in at the end
            step += 1
        self.heat_plot.getAxis("left").setTicks([[(i + 0.5, c) for i, c in enumerate(names) if i % step == 0]])

    # ---------------------------------------------------------------- data
    def set_video(self, frame_count: int, fps: float, timebase: Timebase | None = None) -> None:
        """`timebase`: the video's frames <-> times (playback's; a variable-rate video's frame times), where the
        audio lane places sound; None: frame / fps. `frame_count` 0: no video (a project closed)."""
        self.has_video = int(frame_count) > 0
        self.frame_count = max(1, int(frame_count))
        self.fps = fps
        self.timebase = timebase if timebase is not None else Timebase(fps)
        # the previous video's curves go before the range moves: re-ranging a 20-minute video's 23 curves of 36,000
        # points cost 120 ms on leaving it. The new buffer (set_buffer) draws them all again
        self._blank_curves()
        self._drawn.clear()
        for p in self.plots:
            # zoom in to 5 frames at most; a shorter input (a photo: one frame) is shown whole, centred
            p.setLimits(xMin=-0.05 * self.frame_count - 0.5, xMax=1.05 * self.frame_count,
                        minXRange=min(5, self.frame_count))
        self.au_plot.setXRange(*frame_cell(0, self.frame_count - 1), padding=0)
        self._update_readout()  # the previous video's values go (the window sets the play head after)

    def set_model_span(self, span_s: float | None) -> None:
        """The span (s) the model of the analysis shown compared each frame with (its checkpoint's input span_s, which
        the run records: analysis.files.MODEL_SPAN), for the readout of the frames it did not ask because the face has
        no frame that far back (no_onset); None: the default, MODEL_SPAN_S."""
        span = MODEL_SPAN_S if span_s is None else float(span_s)
        if span != self.model_span_s:
            self.model_span_s = span
            self._update_readout()

    def set_buffer(self, buffer: CurveBuffer | None, face: int | None = None) -> None:
        """Draw this buffer (None: no results) for this face (None: its main face). Curves of columns it does not
        have go; the others are kept and given the new data (creating a curve costs more than redrawing it)."""
        other = buffer is not self.buffer
        self.buffer = buffer
        old_face, self.face = self.face, face if face is not None else (buffer.main_face() if buffer else None)
        self._drawn.clear()
        self._motion_top = math.nan  # the motion lane's y range is set again
        self._classes_due = False
        if self._stepped() and (other or self.face != old_face):
            self._blank_curves()
            if buffer is not None and buffer.au_columns("_r"):  # the heat map and motion lane come in later turns
                self._classes_due = bool(buffer.class_columns())  # and the class curves last
                self._say_loading()
        self.redraw()

    def set_loading(self, on: bool) -> None:
        """Whether the stored analysis is being read (the window's results loader): while there is no buffer the
        heat-map and micro-motion lanes say it is loading rather than that the video is not analysed."""
        self.loading = bool(on)
        if self.buffer is None:
            self._say_what_comes()

    def _tell(self, note: pg.TextItem, text: str) -> None:
        """Set a lane note's text when it changes (each new text is fitted to its lane again: LaneNotes)."""
        if self._told.get(note) != text:
            self._told[note] = text
            note.setText(text)

    def _say_loading(self) -> None:
        self._tell(self._no_heat, LOADING.format(what="the AU heat map"))
        self._tell(self._no_motion, LOADING.format(what="micro-motion"))
        self._no_heat.setVisible(True)
        self._no_motion.setVisible(True)
        self._class_lane_state()

    def _say_what_comes(self) -> None:
        """The empty lanes' notes with no buffer: loading, or how to get an analysis."""
        if self.loading:
            self._say_loading()
            return
        self._tell(self._no_heat, NO_ANALYSIS.format(what="the AU heat map"))
        self._tell(self._no_motion, NO_ANALYSIS.format(what="micro-motion"))
        self._class_lane_state()

    def set_visible_aus(self, aus: Sequence[str] | None) -> None:
        self.visible_aus = list(aus) if aus is not None else None
        self._drawn.clear()
        self.redraw()

    def set_neutral(self, levels: dict[str, float] | None, frames: tuple[int, int] | None = None) -> None:
        """Draw the AU curves, heat map and readout relative to these neutral levels (None: absolute), the neutral
        frames shaded in the AU lane. The same levels again (the window sets them after every buffer and face) redraw
        nothing: a switch to a 20-minute video drew its curves twice."""
        new = dict(levels) if levels is not None else None
        same, self.neutral = new == self.neutral, new
        if levels is not None and frames is not None:
            self._neutral_band.setRegion(frame_cell(*frames))
            self._neutral_band.show()
        else:
            self._neutral_band.hide()
        if not same:
            self._drawn.clear()
        self.redraw()

    def au_data(self, buf: CurveBuffer, col: str) -> np.ndarray | None:
        """An AU column of the shown face as drawn: the stored values, or relative to the neutral levels."""
        y = buf.get(self.face, col) if self.face is not None else None
        if y is None or self.neutral is None or col not in self.neutral:
            return y
        key = (id(buf), buf.version, self.face, tuple(sorted(self.neutral.items())))
        if self._relative[0] != key:
            self._relative = (key, {})
        cache = self._relative[1]
        if col not in cache:
            cache[col] = relative(y, self.neutral[col]).astype(np.float32)
        return cache[col]

    def set_heatmap_visible(self, on: bool) -> None:
        self._show_track(self.heat_plot, on)

    def set_motion_visible(self, on: bool) -> None:
        self._show_track(self.motion_plot, on)

    def set_audio_envelope(self, envelope: Any) -> None:
        """Draw the audio lane from an Envelope (merstudio.io.audio: min/max per bin, times in seconds), or hide it
        (None: no audio, or not computed yet); a silent track is said to be. Each bin is a vertical stroke from its
        min to its max at its frame position (peak downsampling keeps the strokes' extremes when zoomed out); y spans
        the loudest 0.1 % of bins."""
        self.audio_envelope = envelope
        self._mark_sound_end(envelope)
        if envelope is None or not len(envelope):
            self.waveform.setData([], [])
            self._silent.hide()
            self._show_track(self.audio_plot, False)
            return
        peaks = np.maximum(np.abs(envelope.lo), np.abs(envelope.hi))
        silent = float(peaks.max()) < SILENT_PEAK
        self._silent.setVisible(silent)
        if silent:
            self.waveform.setData([], [])  # a flat line would strike the note through
        else:
            x = np.repeat(self.timebase.position(envelope.times), 2)
            y = np.column_stack([envelope.lo, envelope.hi]).ravel().astype(np.float64)
            self.waveform.setData(x, y, connect="all")
        k = int(0.999 * (len(peaks) - 1))
        top = max(float(np.partition(peaks, k)[k]), 0.01)  # O(n): a quantile's sort stalled an hour's lane
        self.audio_plot.setYRange(-top, top, padding=0.05)
        self._show_track(self.audio_plot, True)
        self._thin_lane(self.audio_plot, silent)

    def _mark_sound_end(self, envelope: Any) -> None:
        """Shade the frames after the sound ends, when it ends SOUND_END_SLACK or more before the video's last
        frame, and say when it ends there."""
        end = envelope.start + envelope.duration if envelope is not None and len(envelope) else math.inf
        last = self.frame_count - 1
        short = end < self.timebase.time_of(last) - SOUND_END_SLACK
        self._no_sound.setVisible(short)
        self._no_sound_note.setVisible(short)
        if short:
            x = float(self.timebase.position(np.array([end]))[0])
            self._no_sound.setRegion((x, last + 0.5))
            self._no_sound_note.setText(f"no sound after {end:.2f} s")
            self._no_sound_note.setPos(x, 0)

    def set_motion_by_au(self, on: bool) -> None:
        """The micro-motion lane shows the directed motion per AU (AUxx_m, the AU curves' colours) instead of the
        regions."""
        self.motion_by_au = bool(on)
        self._drawn.clear()
        self.redraw()

    def redraw(self) -> None:
        """Redraw what changed in the buffer: a short one's now (refresh), a long one's (STEP_FRAMES or more) in
        budgeted turns as a streamed one's (refresh_step: the first turn now, the top lanes first)."""
        if self._stepped():
            self.refresh_step()
        else:
            self.refresh()

    def _stepped(self) -> bool:
        """A long buffer on a shown timeline. A hidden one (a bench's, a script's before its window shows) draws at
        once: it freezes nothing on screen, and a grab() right after, which runs no event loop, finds it whole."""
        return self.buffer is not None and self.buffer.frame_count >= STEP_FRAMES and self.isVisible()

    def _blank_curves(self) -> None:
        """Empty the curves kept for the new buffer and the heat map until their turn comes: a redraw in turns
        must not show the video (or face) shown before beside the new one's curves."""
        for curves in (self._curves, self._class_curves, self._motion_curves):
            for c in curves.values():
                c.setData([], [])
        for d in self._class_dots.values():
            d.setData([], [])
        self.heat.clear()

    def refresh(self) -> None:
        """Redraw everything that changed in the buffer now."""
        self._step_timer.stop()
        self._redraw(None)

    def refresh_step(self) -> None:
        """Redraw what changed in the buffer, STEP_BUDGET units of work per event-loop turn: the streaming
        analysis calls this, and the rest follows in later turns, so the window never waits for a whole redraw
        (27 curves, the heat map and their legends cost ~200 ms to create and ~40 ms to redraw on a busy 2-core
        machine, merstudio.gui.bench)."""
        if not self._redraw(STEP_BUDGET):
            self._step_timer.start()

    def _redraw(self, budget: int | None) -> bool:
        """Draw the parts (a curve, the heat map, the motion lane's scale) not drawn at the buffer's version, those
        drawn longest ago first, until `budget` units are spent (None: all). True when everything is drawn."""
        self._draw_overlays()
        buf = self.buffer
        if buf is None:
            self._classes_due = False
            self._clear_curves()
            return True
        if self.face is None:
            self.face = buf.main_face()
        if len(self._x) != buf.frame_count:
            self._x = np.arange(buf.frame_count, dtype=np.float64)
        au_cols = buf.au_columns("_r")
        show = set(au_cols if self.visible_aus is None else self.visible_aus)
        motion = self._motion_columns(buf, au_cols)
        data = {c: buf.get(self.face, c) if self.face is not None else None
                for c in buf.class_columns() + list(motion)}
        data.update({c: self.au_data(buf, c) for c in au_cols})
        au_want = [c for c in au_cols if c in show and data[c] is not None]
        class_want = [c for c in buf.class_columns() if data[c] is not None]
        motion = {c: v for c, v in motion.items() if data[c] is not None}
        # curves of columns not drawn any more go at once (cheap); the rest is budgeted work
        for curves, plot, want in ((self._curves, self.au_plot, au_want), (self._class_curves, self.class_plot,
                                                                           class_want),
                                   (self._motion_curves, self.motion_plot, motion)):
            for col in [c for c in curves if c not in want]:
                plot.removeItem(curves.pop(col))
        for col in [c for c in self._class_dots if c not in class_want]:
            self.class_plot.removeItem(self._class_dots.pop(col))
        jobs: list[tuple[str, int, Callable[[], None]]] = []

        def curve(curves: dict[str, pg.PlotDataItem], plot: pg.PlotItem, col: str, colour: str, name: str,
                  dash: tuple[float, ...] = ()) -> None:
            jobs.append((col, STEP_CREATE if col not in curves else 1,
                         partial(self._draw_curve, curves, plot, col, data[col], colour, name, dash)))

        for col in au_want:
            curve(self._curves, self.au_plot, col, au_colour(col), au_number(col), au_dash(col))
        jobs.append(("heat", 4, partial(self._draw_heat, buf, au_cols)))
        jobs.append(("stale", 1, partial(self._draw_stale, buf)))
        for col, (name, colour) in motion.items():
            # an AU's directed motion (AUxx_m) in its AU curve's colour and dash pattern
            curve(self._motion_curves, self.motion_plot, col, colour, name,
                  au_dash(col) if col.endswith("_m") else ())
        jobs.append(("motion", 2, partial(self._draw_motion_lane, buf)))
        for col in class_want:
            curve(self._class_curves, self.class_plot, col, class_colour(col), col[2:], class_dash(col))
        spent, done = 0, True
        # the parts drawn longest ago first: with rows arriving faster than a budgeted pass ends, the last lanes
        # would otherwise never get their turn
        stale = [j for j in jobs if self._drawn.get(j[0]) != buf.version]
        stale.sort(key=lambda j: self._drawn.get(j[0], -1))
        for key, cost, draw in stale:
            if budget is not None and spent and spent + cost > budget:
                done = False
                break
            draw()
            self._drawn[key] = buf.version
            spent += cost
        if self._classes_due and all(self._drawn.get(c) == buf.version for c in class_want):
            self._classes_due = False  # the new buffer's class curves are drawn: "loading" goes
            self._class_lane_state()
        if spent:
            # a curve added back goes to the legend's end: AUs in AU order, classes by name
            _order_legend(self.au_plot, [(self._curves[c], au_number(c)) for c in au_cols if c in self._curves])
            self._place_stale_legend()
            _order_legend(self.class_plot, [(self._class_curves[c], c[2:]) for c in sorted(self._class_curves)])
            blink = [(self._blink_bars, BLINK_LABEL)] if self._blink_in_legend() else []
            _order_legend(self.motion_plot, [(self._motion_curves[c], n) for c, (n, _k) in motion.items()
                                             if c in self._motion_curves] + blink)
            self._class_lane_state()
            self._update_readout()
        return done

    def _draw_curve(self, curves: dict[str, pg.PlotDataItem], plot: pg.PlotItem, col: str, y: np.ndarray | None,
                    colour: str, name: str, dash: tuple[float, ...] = ()) -> None:
        curve = curves.get(col)
        if curve is None:
            # an AU's or a class's dash pattern (palette.au_dash, class_dash): curves told apart without their
            # colours (greyscale, a colour-blind coder), in the legend's sample too (it draws the curve's pen)
            curve = LaneCurve(pen=_curve_pen(colour, dash), name=name, connect="finite")  # (200 %: as wide)
            plot.addItem(curve)
            curves[col] = curve
        # a photo (one frame): a line through one point draws nothing, so each value is a dot
        dot = {"symbol": "o", "symbolSize": 8, "symbolBrush": colour, "symbolPen": None} if len(self._x) == 1 else {
            "symbol": None}
        if len(self._x) == 1 and (y is None or not np.isfinite(y).any()):
            curve.setData([], [], **dot)  # nothing to draw (a photo has no motion): pyqtgraph warns on all-NaN dots
            return
        curve.setData(self._x, y, connect="finite", **dot)
        if plot is self.class_plot and len(self._x) > 1:
            self._draw_lone_points(col, y, colour)

    def _draw_lone_points(self, col: str, y: np.ndarray | None, colour: str) -> None:
        """Dots on the finite values of `y` with no finite neighbour (see _class_dots)."""
        lone = np.flatnonzero(lone_finite(y)) if y is not None else np.zeros(0, np.intp)
        dots = self._class_dots.get(col)
        if dots is None:
            if not len(lone):
                return
            dots = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(colour))
            self.class_plot.addItem(dots)
            self._class_dots[col] = dots
        dots.setData(self._x[lone], y[lone] if y is not None else np.zeros(0))

    def _draw_heat(self, buf: CurveBuffer, au_cols: list[str]) -> None:
        """The AU heat map: one row per AU column, scaled to what this video reaches."""
        if not au_cols or self.face is None:
            self.heat.clear()
            self.heat_scale.setText("")  # no colours drawn: no scale (it kept the video shown before's)
            self._heat_rows = []
            self._heat_ticks()
            self._tell(self._no_heat, NO_ANALYSIS.format(what="the AU heat map"))
            self._no_heat.setVisible(True)
            return
        self._no_heat.setVisible(False)
        rows = [self.au_data(buf, c) for c in au_cols]
        # NaN (no face, unreliable, not analysed yet) stays NaN: pyqtgraph leaves those cells blank
        mat = np.vstack([r if r is not None else np.full(buf.frame_count, np.nan, np.float32) for r in rows])
        # scale to what this video reaches (at least 1): micro-expressions rarely go past 2 of 5
        top = max(1.0, _robust_top(mat, 99.9))
        self.heat.setImage(mat, levels=(0, top), autoLevels=False)
        # on a line of its own: the one line fills the legend's column (legend_width) already
        stale = f"<br><span style='color:#424242'>▨</span> {STALE_HEAT_LABEL}" if buf.stale.any() else ""
        self.heat_scale.setText(f"<span style='color:#440154'>■</span> 0 to <span style='color:#c8a800'>■</span> "
                                f"{top:.1f} (this video) <span style='color:{HEAT_UNKNOWN}'>■</span> unknown"
                                f"{stale}")  # one line (two with stale frames): a short lane
        self.heat.setRect(-0.5, 0, buf.frame_count, len(au_cols))  # cells centred on their frames
        if self._heat_rows != au_cols:
            self._heat_rows = list(au_cols)
            self._heat_ticks()
            self.heat_plot.setYRange(0, len(au_cols), padding=0)

    def _draw_stale(self, buf: CurveBuffer | None) -> None:
        """The stale frames' bars on the AU and motion lanes (frame cells) and their legend entry while there is
        one."""
        starts, lengths = buf.stale_runs() if buf is not None else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        key = starts.tobytes() + lengths.tobytes()
        if key == self._stale_drawn:
            return
        self._stale_drawn = key
        self.stale_bars.setOpts(x0=starts - 0.5, width=lengths.astype(np.float64))
        for bars in (self.stale_motion_bars, self.stale_heat_bars):
            bars.setOpts(x0=starts - 0.5, width=lengths.astype(np.float64))
        shown = bool(self.stale_legend.items)
        if len(starts) and not shown:
            self.stale_legend.addItem(self.stale_bars, STALE_LABEL)
        elif shown and not len(starts):
            self.stale_legend.removeItem(self.stale_bars)
        if shown != bool(len(starts)):
            self._place_stale_legend()
            self._place_frame_axis()  # the AU lane's least height has the entry's row

    def _place_stale_legend(self) -> None:
        """The stale entry on the row under the AU legend's (its columns change with the lane's height)."""
        legend = self.au_plot.legend
        self.stale_legend.setPos(0, legend.drawn_rows * legend.line_px)

    def _motion_columns(self, buf: CurveBuffer, au_cols: list[str]) -> dict[str, tuple[str, str]]:
        """The micro-motion lane's columns -> (legend name, colour): one curve per region, or per AU's directed
        motion (AUxx_m, the AU curves' colours) of the shown AUs."""
        if self.motion_by_au:
            shown = set(au_cols if self.visible_aus is None else self.visible_aus)
            return {c: (au_number(c), au_colour(c)) for c in buf.au_columns("_m")
                    if c[:-2] + "_r" in shown or c[:-2] + "_r" not in au_cols}
        cols = buf.motion_columns()
        return {c: (c[len("motion_"):], MOTION_COLOURS.get(c[len("motion_"):], AU_COLOURS[k % len(AU_COLOURS)]))
                for k, c in enumerate(cols)}

    def _draw_motion_lane(self, buf: CurveBuffer) -> None:
        """The micro-motion lane's scale and blinks (its curves are drawn one by one, as the AU curves)."""
        drawn = [c.yData for c in self._motion_curves.values() if c.yData is not None]
        top = max(MOTION_MIN_TOP, 1.05 * _robust_top(np.vstack(drawn), 99.9)) if drawn else MOTION_MIN_TOP
        unit = 10.0 ** (math.floor(math.log10(top)) - 1)
        top = math.ceil(top / unit) * unit  # two significant digits: the range moves in steps, not every batch
        # while an analysis streams this runs every few turns: touch the axis and bars only when they change (an
        # axis given its ticks again repaints its whole lane)
        if top != self._motion_top:
            self._motion_top = top
            self.motion_plot.setYRange(0, top, padding=0.02)
            self._fit_ticks(self.motion_plot)  # two or three labelled ticks, fewer on a short lane
        starts, lengths = buf.blinks(self.face) if self.face is not None else (np.zeros(0), np.zeros(0))
        blinks = (starts.tobytes(), lengths.tobytes(), top)
        if blinks != self._blinks_drawn:
            self._blinks_drawn = blinks
            self._blink_bars.setOpts(x0=starts - 0.5, width=lengths.astype(np.float64), y0=0.0,
                                     height=top)
        has_blink = self.face is not None and buf.get(self.face, "blink") is not None
        in_legend = self._blink_in_legend()
        if has_blink and not in_legend:
            self.motion_legend.addItem(self._blink_bars, BLINK_LABEL)
        elif in_legend and not has_blink:
            self.motion_legend.removeItem(self._blink_bars)
        if not self._motion_curves:  # rows but none of the lane (an old run), or no analysis
            self._tell(self._no_motion, NO_MOTION_IN_RUN if buf.frame_count and buf.au_columns("_r") else
                       NO_ANALYSIS.format(what="micro-motion"))
        self._no_motion.setVisible(not self._motion_curves)

    def _blink_in_legend(self) -> bool:
        return any(sample.item is self._blink_bars for sample, _label in self.motion_legend.items)

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

    def overlay_curve(self, name: str, col: str) -> OverlayCurve | None:
        return self._overlay_curves.get((name, col))

    def _draw_overlays(self) -> None:
        want: dict[tuple[str, str], tuple[pg.PlotItem, np.ndarray | None, str]] = {}
        ours = self.buffer.au_columns("_r") if self.buffer is not None else []
        ours_p = self.buffer.class_columns() if self.buffer is not None else []
        shown = None if self.visible_aus is None else set(self.visible_aus)
        sig: _OverlaySig = (tuple(ours), tuple(ours_p), self.face, None if shown is None else tuple(sorted(shown)))
        if all(self._overlay_version.get(n) == (b.version, sig) for n, b in self.overlays.items()) and \
                len(self._overlay_version) == len(self.overlays) and (self.overlays or not self._overlay_curves):
            return  # (no overlays left while curves are drawn: another video's or a closed project's, removed below)
        for name, buf in self.overlays.items():
            if name in self.overlay_hidden:
                continue
            face = self.face if self.face in buf.faces else buf.main_face()
            if face is None:
                continue
            for col in buf.au_columns("_r"):
                if shown is not None and col not in shown and col in ours:
                    continue
                want[(name, col)] = (self.au_plot, buf.get(face, col), au_colour(col))
            for col in buf.au_columns("_p"):  # another tool's AU probabilities (py-feat): 0-1 drawn x5 on 0-5
                r = col[:-2] + "_r"
                if (shown is not None and r not in shown and r in ours) or (name, r) in want:
                    continue
                p = buf.get(face, col)
                want[(name, col)] = (self.au_plot, None if p is None else p * MAX_INTENSITY, au_colour(r))
            for col in buf.class_columns():
                want[(name, col)] = (self.class_plot, buf.get(face, col), class_colour(col))
        for key in [k for k in self._overlay_curves if k not in want]:
            c = self._overlay_curves.pop(key)
            self._overlay_plots.pop(key).removeItem(c)
        for key, (plot, y, colour) in want.items():
            curve = self._overlay_curves.get(key)
            if curve is None:
                # 2 px, its dashes 10 px: told from our 1-px curves, dashed too (palette.au_dash), by its width
                # (at 1.2 px our dashed AU17 and its were alike); drawn as two 1-px passes (OverlayCurve), as cheap
                # as ours at any zoom: Qt's own 2-px dashes cost 100 times as much (2.4 CPU-s a whole-video render)
                pen = pg.mkPen(colour, width=OVERLAY_WIDTH, style=Qt.PenStyle.DashLine)
                # another tool's classes are not ours: named in the class legend (its AU curves take our AU colours)
                label = f"{key[0]}: {key[1][2:]}" if key[1].startswith("p_") else None
                curve = OverlayCurve(pen=pen, connect="finite", name=label)
                curve.setZValue(-1)  # ours stay on top
                plot.addItem(curve)
                self._overlay_curves[key] = curve
                self._overlay_plots[key] = plot
            n = len(y) if y is not None else 0
            curve.setData(np.arange(n, dtype=np.float64), y, connect="finite")
        self._overlay_version = {n: (b.version, sig) for n, b in self.overlays.items()}
        self._class_lane_state()

    # ---------------------------------------------------------------- events by coder
    def set_coder_view(self, on: bool) -> None:
        """Events by coder: each coder's events on its own lane of the coders track."""
        self._show_track(self.coder_plot, on)  # the frame axis moves under it (_place_frame_axis)
        self._draw_coder_lanes()

    def _draw_coder_lanes(self) -> None:
        from merstudio.agreement.report import coder_of

        evs = [e for e in self._events if e.status != "rejected"]
        lanes = sorted({coder_of(e) for e in evs}, key=name_sort_key)  # as the coders menu lists them
        for name in [n for n in self.coder_bars if n not in lanes]:
            self.coder_plot.removeItem(self.coder_bars.pop(name))
        centre: dict[int, float] = {}  # event id -> the middle of its bar (apex marks)
        for lane, name in enumerate(lanes):
            mine = [e for e in evs if coder_of(e) == name]
            # a coder's overlapping (or identical, nested) events on sub-rows of their lane, never over each other
            sub, n_sub = event_sub_rows(mine)
            h = 0.76 / n_sub
            y0 = np.array([lane + 0.12 + (n_sub - 1 - sub.get(e.id, 0)) * h for e in mine],  # type: ignore[arg-type]
                          dtype=np.float64)
            centre.update({e.id: float(y) + h / 2 for e, y in zip(mine, y0, strict=True) if e.id is not None})
            x0 = np.array([e.onset for e in mine], dtype=np.float64) - 0.5  # frame cells (frame_cell)
            w = np.array([e.offset + 1 - e.onset for e in mine], dtype=np.float64)
            brushes = [_coder_brush(e.emotion, e.status == "proposal", self._other_face(e)) for e in mine]
            bar = self.coder_bars.get(name)
            opts = {"x0": x0, "width": w, "y0": y0, "height": h,
                    "brushes": brushes, "pen": pg.mkPen("#424242", width=0.5)}
            if bar is None:
                bar = TippedBars(partial(self._coder_tip, name), **opts)
                self.coder_bars[name] = bar
                self.coder_plot.addItem(bar)
            else:
                bar.setOpts(**opts)
            bar.ids = np.array([e.id for e in mine], dtype=np.int64)
            # the whole name over the coder's events (the row's may be shortened), and whose the hatched ones are;
            # over an event, the event's emotion, AUs, frames and status (its colour said only the emotion)
            others = sorted({e.face_id for e in mine if self._other_face(e)})
            bar.set_base_tip(name + (f"\nhatched: face {', '.join(map(str, others))} (not the face shown)"
                                     if others else ""))
        self.coder_lanes = lanes
        apex = [(e.apex, centre.get(e.id, lanes.index(coder_of(e)) + 0.5)) for e in evs]  # type: ignore[arg-type]
        self._apex_marks.setData(pos=np.array(apex, dtype=np.float64).reshape(-1, 2), brush=pg.mkBrush("#212121"))
        self.coder_plot.setYRange(0, max(1, len(lanes)), padding=0)
        self.set_lane_rows(self.coder_plot, len(lanes))
        self._coder_ticks()

    def _coder_tip(self, coder: str, event_id: int) -> str:
        """A coder lane's tooltip over one of its events (event_tip under the coder's whole name)."""
        e = next((e for e in self._events if e.id == event_id), None)
        return coder if e is None else f"{coder}\n{event_tip(e, self._other_face(e))}"

    def _coder_ticks(self) -> None:
        """The coders' names on their rows, told apart (coder_labels) on every lane's axis widened for them up to
        CODER_ROOM_SHARE, the whole names on hover; every n-th where the rows are squeezed below a name's height (a
        short window), never over each other."""
        axis = self.coder_plot.getAxis("left")
        n = len(self.coder_lanes)
        px = self.coder_plot.vb.height()  # 0: not laid out yet (thinned when it is)
        step = max(1, math.ceil(self.sizes.row * n / px)) if n and px > 0 else 1
        # a name wider than the axis is not drawn at all by pyqtgraph: each is shortened to the room there is
        fm = QFontMetrics(axis.font())
        room = self.sizes.axis_text
        if self.coder_plot.isVisible() and self.coder_lanes:
            need = max(fm.horizontalAdvance(name) for name in self.coder_lanes)
            if room < need <= round(room * CODER_ROOM_SHARE):  # wider only where that shows every name whole
                room = need
        # widened: 3 px more, between the names and the lane's rotated title (the widest name touched it)
        self._set_axis_width(self.sizes.axis + (room - self.sizes.axis_text + 3 if room > self.sizes.axis_text else 0))
        labels = coder_labels(self.coder_lanes, room, fm)
        ticks = [(i + 0.5, label) for i, label in enumerate(labels) if i % step == 0]
        if ticks != self._coder_ticks_set:  # an axis given its ticks repaints its whole lane
            self._coder_ticks_set = ticks
            axis.setTicks([ticks])
            cut = [f"{label}: {name}" for label, name in zip(labels, self.coder_lanes, strict=True) if label != name]
            axis.setToolTip(literal_tip("\n".join(cut)))  # coders' names as written, never markup

    def _set_axis_width(self, width: int) -> None:
        """Every lane's left axis ``width`` px wide (they stay one width: the lanes' frames line up)."""
        if width != self._axis_width:
            self._axis_width = width
            for plot in self._rows:
                plot.getAxis("left").setWidth(width)

    def _clear_curves(self) -> None:
        for c in self._curves.values():
            self.au_plot.removeItem(c)
        for c in self._class_curves.values():
            self.class_plot.removeItem(c)
        for d in self._class_dots.values():
            self.class_plot.removeItem(d)
        self._class_dots.clear()
        for c in self._motion_curves.values():
            self.motion_plot.removeItem(c)
        self._curves.clear()
        self._class_curves.clear()
        self._motion_curves.clear()
        self.heat.clear()
        self.heat_scale.setText("")
        self._heat_rows = []
        self._heat_ticks()
        self._draw_stale(None)
        self._blink_bars.setOpts(x0=np.zeros(0), width=np.zeros(0))
        self._blinks_drawn = None
        self.motion_legend.removeItem(self._blink_bars)
        self._say_what_comes()
        self._no_motion.setVisible(True)
        self._no_heat.setVisible(True)
        self._update_readout()

    # ---------------------------------------------------------------- readout
    def readout_values(self) -> dict[str, float]:
        """The values at the play head of every drawn AU (``AUxx_r``) and class (``p_<class>``), in readout order
        (AUs in AU order, classes by name); NaN where unknown."""
        f = self.playhead_frame
        out: dict[str, float] = {}
        au_order = self.buffer.au_columns("_r") if self.buffer is not None else []
        cols = [c for c in au_order if c in self._curves] + sorted(self._class_curves)
        for col in cols:
            y = self.curve_data(col)
            # the number the CSV writes, not the drawn float32's: 0.215 reads "0.21" as there, not "0.22"
            out[col] = as_written(float(y[f])) if y is not None and 0 <= f < len(y) else math.nan
        return out

    def _update_readout(self) -> None:
        vals = self.readout_values()
        f = self.playhead_frame
        head = f"<b>frame {f}</b> ({self.timebase.time_of(f):.3f} s)" if self.fps > 0 else f"<b>frame {f}</b>"
        seen = self.buffer.get(self.face, "blink") if self.buffer is not None and self.face is not None else None
        ahead = self.buffer is not None and f >= self.buffer.frames_done  # a running (or stopped) analysis
        if ahead:
            head += " &nbsp;<i>not analysed yet</i>"
        elif self.buffer is not None and self.buffer.is_stale(f):  # no face's values: the picture is not this frame's
            head += f" &nbsp;<i>{STALE_READOUT}</i>"
        elif seen is not None and 0 <= f < len(seen) and not np.isfinite(seen[f]):  # every row of a face has one
            head += f" &nbsp;<i>face {self.face} is not in this frame</i>"

        def cell(name: str, colour: str, v: float, digits: int) -> str:
            txt = "–" if not math.isfinite(v) else f"{v:.{digits}f}"
            return f'<span style="color:{text_colour(colour)}"><b>{escaped(name)}</b></span>&nbsp;{txt}'

        doubt = au_r(STILL_UNRELIABLE_AU) if self.frame_count == 1 else None  # a photo: AU4 read with doubt
        aus = [cell(au_number(c) + ("?" if c == doubt else ""), au_colour(c), v, 2)
               for c, v in vals.items() if not c.startswith("p_")]
        ps = [cell(c[2:], class_colour(c), v, 2) for c, v in vals.items() if c.startswith("p_")]
        face_here = seen is not None and 0 <= f < len(seen) and np.isfinite(seen[f])
        asked = not (ps and face_here and not any(math.isfinite(v) for c, v in vals.items() if c.startswith("p_")))
        if not asked:
            span = self.model_span_s
            ps = ([f"<i>not asked: the face has no frame {span:g} s back to compare it with (its first "
                   f"{span:g} s in view, or back from a gap)</i>"]
                  if seen is not None and no_onset(seen, f, self.timebase, span) else
                  ["<i>not asked: too little motion (the model's motion gate; in a blink or under a hand, of the "
                   "rest of the face), a turning head, or the face going back to rest (its release gate)</i>"])
        parts = [head]
        gap = "&nbsp; "  # the space after: a wrapped line (Readout) starts at its value's name, not a space in
        if aus:
            parts.append(("AU&nbsp;−&nbsp;neutral&nbsp; " if self.neutral is not None else "AU&nbsp; ") + gap.join(aus))
        sep = "&nbsp;&nbsp;|&nbsp; "
        one = sep.join(parts + (["class p&nbsp; " + gap.join(ps)] if ps else []))
        # too wide for one line (many AUs and classes, a small screen): the class probabilities go under the AUs
        two = sep.join(parts) + ("<br>class p&nbsp; " + gap.join(ps) if ps else "")
        if not self.has_video:  # nothing open: no frame to speak of
            one = two = ""
        # compact cells for the grid the readout takes where its lines are more than the room
        short = [cell(f"AU{au_number(c)}" + ("?" if c == doubt else ""), au_colour(c), v, 2)
                 for c, v in vals.items() if not c.startswith("p_")]
        cells = self._readout_cells(head, vals, short, ps, asked) if self.has_video else None
        self.readout.set_lines(one, two, cells)
        self._description = self._spoken(vals, head) if self.has_video else ""
        if hasattr(self, "_describe_timer"):  # (not while the lanes are being built)
            self._describe_timer.start()
        self._readout_resized()

    def _readout_cells(self, head: str, vals: dict[str, float], aus: list[str], ps: list[str], asked: bool,
                       ) -> ReadoutCells:
        """The readout's pieces for its grid where its lines are more than the room (a small or 200 % screen): the
        compact AU cells `aus` ("AU12 1.80", in `vals`' order), each with whether the AU is present at the play head
        (AUxx_c; where the analysis has no such column, its value at the presence threshold), the class cells `ps`,
        or where the model was not asked (`asked` False) that said short (the reason in the tooltip)."""
        f = self.playhead_frame

        def present(col: str, v: float) -> bool:
            c = self.buffer.get(self.face, col[:4] + "_c") if self.buffer is not None and self.face is not None \
                else None
            if c is not None and 0 <= f < len(c):
                return bool(np.isfinite(c[f]) and c[f] >= 1)
            return math.isfinite(v) and v >= PRESENCE_ON

        au_vals = [(c, v) for c, v in vals.items() if not c.startswith("p_")]
        cells = tuple((html, present(c, v), v) for html, (c, v) in zip(aus, au_vals, strict=True))
        if self.neutral is not None and aus:
            head += "&nbsp;&nbsp;|&nbsp; AU&nbsp;−&nbsp;neutral"
        if not asked:
            return ReadoutCells(head, cells, note="class p&nbsp; <i>not asked</i>")
        return ReadoutCells(head, cells, tuple(ps))

    def _readout_resized(self) -> None:
        if self._rows and self.readout.effectiveSizeHint(Qt.SizeHint.PreferredSize).height() != self._readout_h:
            self._place_frame_axis()  # a line more or less above the lanes: their heights again

    def _spoken(self, vals: dict[str, float], head: str) -> str:
        """The readout in words for the accessible description: "frame 12 (0.400 s). AU intensity: AU01 0.52, AU12
        unknown. Class probability: negative 0.88." (the AU names whole, "unknown" for a dash)."""
        def said(v: float) -> str:
            return f"{v:.2f}" if math.isfinite(v) else "unknown"

        parts = [QTextDocumentFragment.fromHtml(head).toPlainText().replace("\xa0", " ").strip()]
        aus = [f"{c[:4]} {said(v)}" for c, v in vals.items() if not c.startswith("p_")]
        ps = [f"{c[2:]} {said(v)}" for c, v in vals.items() if c.startswith("p_")]
        if aus:
            what = "AU intensity relative to neutral" if self.neutral is not None else "AU intensity"
            parts.append(f"{what}: " + ", ".join(aus))
        if ps:
            parts.append("Class probability: " + ", ".join(ps))
        return ". ".join(parts) + "."

    def _describe(self) -> None:
        """The timeline's accessible description: the readout at the play head in words (_spoken)."""
        if self.accessibleDescription() != self._description:
            self.setAccessibleDescription(self._description)

    def curve_data(self, col: str) -> np.ndarray | None:
        """The y data drawn for a column (AUxx_r, p_<class>, motion_<region> or AUxx_m), or None when not drawn."""
        c = self._curves.get(col) or self._class_curves.get(col) or self._motion_curves.get(col)
        return None if c is None else c.yData

    # ---------------------------------------------------------------- events
    def set_events(self, events: Sequence[Event], selected: int | None = None) -> None:
        shown = [e for e in events if e.id is not None]
        self._events = shown
        if self.coder_plot.isVisible():
            self._draw_coder_lanes()
        self.event_rows, self.event_row_count = self._event_sub_rows(shown)
        # an editable region for the selected event and the events in view (at most REGION_CAP), the rest batched
        self._event_layer.set_events(shown, selected, self.event_rows, self.event_row_count, self.face)
        self._say_legend()
        self._draw_event_marks()

    def _other_face(self, event: Event) -> bool:
        return self.face is not None and event.face_id != self.face

    def _event_sub_rows(self, events: list[Event]) -> tuple[dict[int, int], int]:
        """The events' sub-rows (event_sub_rows): the face shown's on the top rows, the other faces' under them,
        so the coder's own person keeps one place on the track."""
        others = [e for e in events if self._other_face(e)]
        if not others or len(others) == len(events):
            return event_sub_rows(events)
        rows, n = event_sub_rows([e for e in events if not self._other_face(e)])
        theirs, m = event_sub_rows(others)
        rows.update({eid: n + row for eid, row in theirs.items()})
        return rows, n + m

    def _say_legend(self) -> None:
        """The events lane's legend cell: a line of the emotions' colours (emotion_legend: the coded events'
        emotions, and the proposals' teal), under it which faces the hatched bars are of (none: empty)."""
        label = self.other_faces_legend
        fm = QFontMetricsF(label.item.font())
        key = self._emotion_key(fm)
        changed = key != self.emotion_legend.text
        if changed:
            self.emotion_legend.setText(key)
            self.emotion_legend.setToolTip("each event's emotion is also written on its bar where it fits, and in its "
                                           "tooltip" if key else "")
        label.setPos(0, self.emotion_legend.item.boundingRect().height() if key else 0.0)
        faces = sorted({e.face_id for e in self._events if self._other_face(e)})
        if not faces:
            text = ""
        else:
            names = f"face {faces[0]}" if len(faces) == 1 else "faces " + ", ".join(map(str, faces))
            line = f"hatched: {names}"
            if fm.horizontalAdvance(line) > self.legend_width - 8:
                line = f"hatched: {len(faces)} other faces"
            text = f"{line}<br>(a click shows that face)"
        if text != label.text:
            label.setText(text)
            label.setToolTip("events of another face than the one shown: hatched, their face on the bar where it "
                             "fits and on hover; a click on one selects it and shows its face" if faces else "")
            changed = True
        if changed:
            self._place_frame_axis()  # its lines are the lane's least height (lane_floor)

    def _emotion_key(self, fm: QFontMetricsF) -> str:
        """One line: a swatch and the name of each emotion of the coded events (most events first), "proposal" in its
        teal where there are some, as many as fit the legend column ("+2" for the rest)."""
        counts: dict[str, int] = {}
        for e in self._events:
            if e.status == "accepted":
                counts[e.emotion.strip()] = counts.get(e.emotion.strip(), 0) + 1
        names = sorted(counts, key=lambda n: (-counts[n], n))
        entries = [(emotion_colour(n).name(), n or "no emotion") for n in names]
        if any(e.status == "proposal" for e in self._events):
            entries.append((PROPOSAL_COLOUR, "proposal"))
        shown: list[tuple[str, str]] = []
        for k, entry in enumerate(entries):
            rest = len(entries) - k - 1
            words = " ".join(f"■ {n}" for _c, n in [*shown, entry]) + (f" +{rest}" if rest else "")
            if fm.horizontalAdvance(words) > self.legend_width - 8:
                break
            shown.append(entry)
        if not shown:
            return ""
        rest = len(entries) - len(shown)
        return " ".join(f"<span style='color:{c}'>■</span>&nbsp;{escaped(n)}" for c, n in shown) + (  # names as written
            f" +{rest}" if rest else "")

    def select_event(self, selected: int | None) -> None:
        """Only the highlight moves to ``selected`` among the events last given to set_events (an edit's reload drew
        them a moment ago: drawing them all, their sub-rows and coder lanes again took 0.1-0.15 s at 4,000)."""
        self._event_layer.set_events(self._events, selected, self.event_rows, self.event_row_count, self.face)

    def event_px_width(self, event_id: int) -> float:
        """How wide an event is drawn on screen, in pixels (its region or, when that is thinner, its mark)."""
        e = next(e for e in self._events if e.id == event_id)
        px = self.events_plot.vb.viewPixelSize()[0]
        return max(e.offset + 1 - e.onset, EVENT_MIN_PX * px) / px

    def _draw_event_marks(self) -> None:
        """On a zoom, pan or resize: the events' marks (again only on a zoom) and their regions (the events in
        view), another face's name on those that have room for it."""
        self._event_layer.draw_marks(self._event_marks, EVENT_MIN_PX)
        self._event_layer.place()
        self._event_layer.fit_tags()

    # ---------------------------------------------------------------- selection and play head
    def clamp_frame(self, x: float) -> int:
        return int(min(max(round(x), 0), self.frame_count - 1))

    def set_selection(self, x0: float, x1: float, finished: bool = True) -> None:
        a, b = sorted((self.clamp_frame(x0), self.clamp_frame(x1)))
        self._sel_region.blockSignals(True)
        self._sel_region.setRegion(frame_cell(a, b))
        self._sel_region.blockSignals(False)
        self._sel_region.show()
        self.selection = (a, b)
        if finished:
            self.selectionChanged.emit(self.selection)

    def set_marks(self, onset: int | None, apex: int | None, offset: int | None) -> None:
        """Draw the pending I/A/O marks on the events track (None: that mark is not set)."""
        for which, frame in (("onset", onset), ("apex", apex), ("offset", offset)):
            line, label = self._mark_lines[which], self._mark_labels[which]
            line.setVisible(frame is not None)
            label.setVisible(frame is not None)
            if frame is not None:
                line.setValue(frame)
                label.setPos(frame, 1.0)

    def clear_selection(self) -> None:
        self._sel_region.hide()
        self.selection = None
        self.selectionChanged.emit(None)

    def _selection_moved(self) -> None:
        a, b = cell_frames(*self._sel_region.getRegion())
        a = min(max(a, 0), self.frame_count - 1)
        self.selection = (a, min(max(a, b), self.frame_count - 1))
        self.selectionChanged.emit(self.selection)

    def set_playhead(self, frame: int) -> None:
        self.playhead_frame = int(frame)
        self._update_readout()
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
        self.playhead_frame = f
        self._update_readout()
        # every line, the dragged one too, rests on the frame: the seek below changes nothing when the frame is the
        # same, so the dragged line would stay a fraction of a frame off the others (31.39 beside 31)
        for other in self.playheads:
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


@lru_cache(maxsize=256)
def text_colour(colour: str) -> str:
    """A curve's colour as the readout's text on the timeline's white: the same hue, darkened to 4.5:1
    (look.readable; AU07's cyan was 1.8:1, the palette's colours are 3:1 at least, enough for a line only)."""
    return readable(QColor(colour), QColor("white")).name()


def _curve_pen(colour: str, dash: tuple[float, ...] = ()) -> QPen:
    """A curve's 1-px pen, dashed by `dash` (dash, gap, .. in px; () solid)."""
    pen = pg.mkPen(colour, width=CURVE_WIDTH)
    if dash:
        pen.setDashPattern(list(dash))
    return pen


@lru_cache(maxsize=256)
def _coder_brush(emotion: str, proposal: bool, other: bool = False) -> QBrush:
    """A coder lane's bar brush: the emotion's colour, fainter for a proposal (one brush a kind, not one an event:
    4,000 events made 4,000 brushes on every edit); hatched for another face's event, as on the events track."""
    c = emotion_colour(emotion)
    c.setAlpha(90 if proposal else 190)
    if other:
        c.setAlpha(min(255, c.alpha() + 60))  # hatch lines: stronger than a wash to be seen
        return QBrush(c, OTHER_FACE_PATTERN)
    return pg.mkBrush(c)


def _stale_bars(plot: pg.PlotItem, z: float) -> pg.BarGraphItem:
    """Hatched bars over the stale frames' cells (set by _draw_stale), the lane's full height whatever its y zoom:
    on the lane's view box and out of its range (ignoreBounds), a background, not one of the lane's data items."""
    bars = pg.BarGraphItem(x0=np.zeros(0), width=np.zeros(0), y0=-1e3, height=2e3, pen=pg.mkPen(None),
                           brush=QBrush(QColor(*STALE_COLOUR), Qt.BrushStyle.BDiagPattern))
    bars.setZValue(z)
    plot.vb.addItem(bars, ignoreBounds=True)
    return bars


def _order_legend(plot: pg.PlotItem, items: Sequence[tuple[pg.PlotDataItem, str]]) -> None:
    """Rebuild a plot's legend with these (curve, name) entries in this order (when it is not already so: a
    rebuild costs as much as creating the curves)."""
    legend = plot.legend
    if legend is None or [sample.item for sample, _label in legend.items] == [c for c, _n in items]:
        return
    legend.clear()
    for curve, name in items:
        legend.addItem(curve, name)


def _robust_top(mat: np.ndarray, q: float, most: int = 200_000) -> float:
    """The q-th percentile of the finite values (0 when there is none): a scale that one spike cannot set. Read on
    every ``k``-th frame of long videos (at most ``most`` values): it runs on each redraw while an analysis streams."""
    step = max(1, mat.size // most)
    v = mat[:, ::step] if mat.ndim == 2 else mat[::step]
    v = v[np.isfinite(v)]
    return float(np.percentile(v, q)) if v.size else 0.0


def au_number(col: str) -> str:
    """A legend's short AU name: "AU01_r" -> "1" (the track's label says AU)."""
    return str(int(col[2:4]))


def _names_fit(n: int, step: int, px: float, tall: float) -> bool:
    """Whether the names of every ``step``-th of ``n`` rows (from the first) in a lane ``px`` high, each ``tall`` px,
    all show: LaneAxis moves a name at an end into the lane and leaves out one that then covers another (at 1366x768
    and 125 % the heat map's AU26 went, so the step that named AU01 and AU26 named only AU01, unevenly)."""
    last_bottom = -math.inf
    for i in range(0, n, step):
        top = min(max((i + 0.5) * px / n - tall / 2, 0.0), px - tall)
        if top < last_bottom:
            return False
        last_bottom = top + tall
    return True


def _tick_step(top: float) -> float:
    """The largest 1/2/5 x 10^k step that fits twice in [0, top]: 0.5 for 1, 1 for 3, 2 for 4.5."""
    raw = max(top, 1e-6) / 2
    mag = 10.0 ** math.floor(math.log10(raw))
    return max(m * mag for m in (1, 2, 5) if m * mag <= raw)


def lane_heights(room: float, floor: Sequence[float], least: Sequence[float], share: Sequence[float],
                 extra: Sequence[float], rank: Sequence[int]) -> list[float]:
    """The lanes' heights in `room` px. Each lane gets its floor (a strip), then, while room lasts and shared in
    proportion where it falls short, rank by rank: the rank-0 lanes (the AU lane, a lane made taller by hand) their
    least height and then their `extra`, the rank-1 lanes (named rows: coders, behaviours) their least, the rest
    theirs; what is left goes to the lanes in proportion to `share` (a stretch factor over the least heights; a
    lane of share 0 keeps what it has). Where even the floors do not fit, the floors."""
    n = len(floor)
    h = [float(f) for f in floor]
    spare = room - sum(h)

    def give(idx: list[int], want: Sequence[float]) -> None:
        nonlocal spare
        total = sum(want[i] for i in idx)
        if total <= 0 or spare <= 0:
            return
        k = min(1.0, spare / total)
        for i in idx:
            h[i] += want[i] * k
        spare -= total * k

    up = [max(0.0, lo - f) for lo, f in zip(least, floor, strict=True)]
    give([i for i in range(n) if rank[i] == 0], up)
    give([i for i in range(n) if rank[i] == 0], [max(0.0, e) for e in extra])
    give([i for i in range(n) if rank[i] == 1], up)
    give([i for i in range(n) if rank[i] >= 2], up)
    give(list(range(n)), [max(0.0, s) * spare for s in share])  # (the whole spare, by share)
    return h
