"""Readable under any palette, font and screen (a dark theme, a 16-pt app font, a 200%-scaled laptop) and by a screen
reader: a text colour for a background by its WCAG contrast (and a mix of two colours, to tint a theme's own base), a
label that elides instead of widening the window (a reader hears its whole text, its glyphs in words), a top-level
window fitted to the screen's available area."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from merstudio import palette
from merstudio.gui.plain_text import literal_tip

READABLE = 4.5  # WCAG AA for body text
DEFAULT_PT = 9.0  # the app font's size where it is not set in points (Qt's default on Linux)
SMALL_SHARE = 7 / 9  # the timeline readout's text to the app's font: 7 pt at the default 9 pt
READOUT_SHARE = 0.3  # the share of the timeline's height its readout may take where the lanes' floors leave it less:
# the values at the play head in view at 200 % on a 1080p screen (the lanes scroll under it), never most of the view
TITLE_BAR = 32  # px a window manager's title bar takes, before the window has a frame to measure
LABEL_PAD = 12  # px an ElidedLabel keeps beside its text: a badge's style-sheet padding (6 px a side)
ERROR_COLOUR = "#c62828"  # a field's problem (a dialog's error line): read on a theme's window through on_window
# glyphs a label shows for a state, in words: a screen reader says "black right-pointing triangle" for the transport
# label's "▶" (Playback.state_text)
GLYPH_WORDS = {"▶": "playing", "◀": "playing backwards", "⏸": "paused", "⟲": "looping"}


def luminance(c: QColor) -> float:
    """WCAG relative luminance (0 black .. 1 white)."""
    return palette.luminance((c.redF(), c.greenF(), c.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 .. 21)."""
    return palette.contrast_ratio((a.redF(), a.greenF(), a.blueF()), (b.redF(), b.greenF(), b.blueF()))


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved the fraction ``t`` of the way to ``b``."""
    return QColor.fromRgbF(*(x + (y - x) * t for x, y in ((a.redF(), b.redF()), (a.greenF(), b.greenF()),
                                                          (a.blueF(), b.blueF()))))


def readable(fg: QColor, bg: QColor, ratio: float = READABLE) -> QColor:
    """``fg``, moved toward black or white (whichever ``bg`` contrasts with more) until it reads on ``bg``."""
    far = QColor("black") if contrast(QColor("black"), bg) >= contrast(QColor("white"), bg) else QColor("white")
    for step in range(11):
        c = mix(fg, far, step / 10)
        if contrast(c, bg) >= ratio:
            return c
    return far


def on_window(widget: QWidget, colour: str, ratio: float = READABLE) -> str:
    """``colour`` (a hex name) for text or a line drawn on ``widget``'s window background under the palette in use,
    moved toward black or white until it has ``ratio`` there: a fixed dark blue, red or orange read at 1.6 to 2.9:1
    on a dark theme's #2b2b2b. Where it already reads (a light theme) it is ``colour`` itself. ``widget``: one
    drawn on the window's colour, not one given a background by its style sheet (the model badge, orange for a
    synthetic model: its text came out white on the light window)."""
    return readable(QColor(colour), widget.palette().color(QPalette.ColorRole.Window), ratio).name()


def app_pt(share: float = 1.0, least: float = 0.0) -> float:
    """The application font's size in points times ``share``, ``least`` at the least: text that follows the user's
    system font, as the rest of the window does (a fixed 7 pt readout stayed 7 pt beside 16-pt menus)."""
    pt = QGuiApplication.font().pointSizeF()
    return max(least, round((pt if pt > 0 else DEFAULT_PT) * share, 1))


def small_text() -> str:
    """pyqtgraph's text size for the timeline's readout: SMALL_SHARE of the app's font, 7 pt at
    the least (as at the default 9 pt)."""
    return f"{app_pt(SMALL_SHARE, 7.0):g}pt"


def spoken(text: str) -> str:
    """``text`` as a screen reader should say it: GLYPH_WORDS in words."""
    for glyph, words in GLYPH_WORDS.items():
        text = text.replace(glyph, words)
    return text


class ElidedLabel(QLabel):
    """A one-line label that gives way: it ends in "…" when the room is short (the whole text on hover) instead of
    making its window at least as wide as the text (a status bar at a 16-pt font was wider than the screen). A screen
    reader hears its whole text, glyphs in words (spoken), not the "…" drawn."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        # a text as wide as the widest this label will show (its width does not jump as numbers change); "": its own
        self.reserve = ""
        self.least = "…"  # what it shows at its narrowest
        self.short = ""  # a short form shown whole rather than the text cut short, where it fits
        self._share = 0.0  # the most of its window's width it asks for (set_share); 0: its whole text's width
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)  # measured as plain text; a coder's or a file's name, as written
        self.setText(text)

    def set_share(self, fraction: float) -> None:
        """Ask for at most `fraction` of its window's width, as the window is resized: a status bar's permanent
        label with a long text (a fine-tuned model's note took 1024 of 1400 px) left the bar's messages "Analysis
        complete, …". Where the text does not fit, the short form (or the text cut short) shows; the tooltip
        holds the whole."""
        self._share = fraction  # read by sizeHint, which a status bar asks again as its window is resized
        self.updateGeometry()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setAccessibleName(spoken(text))
        self._elide()
        self.updateGeometry()

    def setToolTip(self, tip: str) -> None:  # noqa: N802 - Qt's name
        self._tip = tip
        self._elide()

    def text(self) -> str:
        """The whole text (what is drawn may be elided)."""
        return self._full

    def sizeHint(self) -> Any:  # noqa: N802 - Qt's name
        s = super().sizeHint()
        m = self.contentsMargins()
        fm = self.fontMetrics()
        text = max(fm.horizontalAdvance(self._full), fm.horizontalAdvance(self.reserve))
        pad = m.left() + m.right() + 2 * self.margin() + LABEL_PAD
        width = text + pad
        cap = int(self._share * self.window().width())
        if self._share and width > cap:
            # the short form where it fits in its share (no blank room beside it), else the share, elided
            short = fm.horizontalAdvance(self.short) + pad if self.short else cap + 1
            width = short if short <= cap else cap
        s.setWidth(width)
        return s

    def minimumSizeHint(self) -> Any:  # noqa: N802 - Qt's name
        s = super().minimumSizeHint()
        # the padding sizeHint and _elide count too (a style sheet's: the model badge's 6 px a side), or at its
        # narrowest a badge whose least is its short form drew the long text cut short instead
        m = self.contentsMargins()
        pad = m.left() + m.right() + 2 * self.margin() + LABEL_PAD
        s.setWidth(self.fontMetrics().horizontalAdvance(self.least) + pad if self._full else 0)
        return s

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._elide()

    def _elide(self) -> None:
        m = self.contentsMargins()
        room = self.width() - m.left() - m.right() - 2 * self.margin() - LABEL_PAD
        shown = self._full  # until laid out, its width says nothing
        if self.isVisible():
            fm = self.fontMetrics()
            # elidedText measures a little wider than horizontalAdvance, which sizeHint gives: a label laid out at
            # its size hint showed "analysis on C…"
            fits = fm.horizontalAdvance(self._full) <= room
            shown = self._full if fits else fm.elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, room))
            if shown != self._full and self.short and fm.horizontalAdvance(self.short) <= room:
                shown = self.short
        super().setText(shown)
        tip = self._tip if shown == self._full else "\n".join(t for t in (self._full, self._tip) if t)
        super().setToolTip(literal_tip(tip))


def fit_screen(window: QWidget) -> None:
    """Shrink a top-level window to its screen's available area (the taskbar left out) less the title bar, and keep
    its whole frame on that screen; a scroll area or a stretching list inside takes the difference."""
    screen = window.screen()
    if screen is None:
        return
    avail = screen.availableGeometry()
    frame = window.frameGeometry().height() - window.geometry().height()
    frame = frame if frame > 0 else TITLE_BAR  # a window manager adds it after the first show
    sides = max(0, window.frameGeometry().width() - window.geometry().width())
    w, h = min(window.width(), avail.width() - sides), min(window.height(), avail.height() - frame)
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
    # pos() is the frame's: keep the whole frame on the screen
    x = max(avail.left(), min(window.x(), avail.right() + 1 - w - sides))
    y = max(avail.top(), min(window.y(), avail.bottom() + 1 - h - frame))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)
