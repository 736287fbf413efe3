"""The main window's status bar: a message too long for the room beside the permanent widgets (coder, device,
model badge) ends in "…" instead of being cut mid-word under them, elided again whenever that room changes (the
window resized, a permanent widget shown, hidden or given a longer text: a message shown while the window was
still being laid out ran up to "coder:" so the two read as one); the whole text stays on hover and in
``currentMessage()``. Notes joined in one line (add_message) that do not all fit are drawn whole as far as they
fit, then a "(+1 more)" link that opens them all, one paragraph each (:class:`NotesPopup`): two long notes at
1400 px were cut, the rest readable on hover alone. :class:`BusyIndicator` shows what runs in a worker meanwhile (an
export, a checkpoint loading), with how far it is where its work says. A progress bar there is heard by a screen reader as its words and
percentage ("analysis 45 %", "300 of 660 done"), not its bare value (speak_progress)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStatusBar,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui.look import ElidedLabel, on_window

_MARGINS = 48  # px: the bar's own margins, the spacing between widgets and the size grip (before layout)
_GAP = 24  # px: the message's left margin and a gap before the first permanent widget
# a permanent widget's events that change the message's room
_ROOM_EVENTS = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide})
# of the bar's width a message keeps at the least: the permanent widgets that can give way (the coder, device and model
# labels, the busy text: they elide, whole on hover) share the rest. At 20 pt in a 1366-px window they took all but
# 3 px and a message vanished with no "…"
MESSAGE_SHARE = 0.35
_MESSAGE_LEFT = 6  # px: where QStatusBar draws its message (QStatusBarPrivate::messageRect)
_LINK_GAP = 6  # px between the message drawn and its "(+1 more)" link
PARTIAL_NOTE = 20  # characters of a last note that are worth drawing cut short, before "(more)"
BUSY_COLOUR = "#0d47a1"  # the busy indicator's text: a dark blue, lightened on a dark theme (look.on_window)


def speak_progress(bar: QProgressBar, what: str = "") -> None:
    """Name ``bar`` for a screen reader by what runs and how far, as drawn: "analysis 45 %" (``what``, else its
    format's words), described as "300 of 660 done" (or "busy" while how far is not known). Its own accessible value
    is the bare value, a frame count ("300"), which says nothing without the total."""
    what = what or " ".join(w for w in bar.format().split() if "%" not in w)
    lo, hi, value = bar.minimum(), bar.maximum(), bar.value()
    if hi <= lo or value < lo:  # a busy bar, or one not started (value -1)
        name, described = what, "busy"
    else:
        name = f"{what} {(value - lo) * 100 // (hi - lo)} %".strip()  # Qt's %p% rounds down too
        described = f"{value - lo} of {hi - lo} done"
    if bar.accessibleName() != name:
        bar.setAccessibleName(name)
    if bar.accessibleDescription() != described:
        bar.setAccessibleDescription(described)


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        # what our showMessage drew for _full: a menu's status tip is drawn by Qt's C++ showMessage, past this class,
        # and must be neither redrawn over (_fit) nor reported as _full (currentMessage)
        self._drawn = ""
        self._until: float | None = None  # time.monotonic() when the message goes (None: when replaced)
        self._details = ""  # the whole story behind the message, on hover (showMessage's details)
        self._permanent: list[QWidget] = []
        self._widest: dict[QWidget, int] = {}  # the maximum width each permanent widget that can give way had
        self._sharing = False  # _share_out is setting widths (their resizes come back through eventFilter)
        self._held: tuple[str, int] | None = None  # (busy job, timeout): the message stays while that job runs
        self._notes: list[str] = []  # the notes _full joins (add_message), one each
        # "(+1 more)" after the notes that fit: opens them all (NotesPopup); placed by hand after the text drawn
        self.more = QToolButton(self)
        self.more.setAutoRaise(True)
        self.more.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more.clicked.connect(self.show_notes)
        self.more.hide()
        self._more_text = ""  # the link's text for the message drawn ("": none)
        self._popup: NotesPopup | None = None
        self.messageChanged.connect(lambda _text: self._place_more())  # a timeout, a status tip, a clear

    def addPermanentWidget(self, widget: QWidget, stretch: int | None = 0) -> None:  # noqa: N802 - Qt's name
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch or 0)
        widget.installEventFilter(self)  # its moves and resizes change the message's room (_fit)
        if isinstance(widget, ElidedLabel | BusyIndicator):  # these elide where they are given less than they ask
            self._widest[widget] = widget.maximumWidth()
        self._share_out()
        if isinstance(widget, BusyIndicator):
            widget.ended.connect(self._job_ended)
        if isinstance(widget, QProgressBar):  # heard as drawn (its format changes with no signal: on Paint too)
            widget.valueChanged.connect(lambda _v, bar=widget: speak_progress(bar))
            speak_progress(widget)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _ROOM_EVENTS and obj in self._permanent:
            if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
                self._share_out()
            self._fit()
        if event.type() == QEvent.Type.Paint and isinstance(obj, QProgressBar):
            speak_progress(obj)
        return super().eventFilter(obj, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a permanent label's text (its width asked) changed
            self._share_out()
        return super().event(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self._share_out()
        super().resizeEvent(event)
        self._fit()

    def _share_out(self) -> None:
        """Keep MESSAGE_SHARE of the bar for the message: where the permanent widgets ask for more than the rest,
        those that can give way (_widest) get widths in proportion to what they ask (at least their narrowest: a
        "…"), and elide; with room enough, what they had."""
        if self._sharing:
            return
        shown = [w for w in self._permanent if not w.isHidden()]
        fixed = sum(w.sizeHint().width() for w in shown if w not in self._widest)
        ask = {w: w.sizeHint().width() for w in shown if w in self._widest}
        room = max(0, int(self.width() * (1 - MESSAGE_SHARE)) - _MARGINS - fixed)
        # what runs now (the busy text) is served first, the others kept at their narrowest: shared in proportion,
        # "Opening smile_man.mp4…  ·  Compacting study.merproj…" showed as "… · Compacti…" beside "coder: dem…"
        first = [w for w in ask if isinstance(w, BusyIndicator)]
        rest = [w for w in ask if w not in first]
        least = sum(w.minimumSizeHint().width() for w in rest)
        caps: dict[QWidget, int] = {}
        for b in first:
            if ask[b] > room - least:
                caps[b] = max(b.minimumSizeHint().width(), room - least)
            room = max(0, room - min(ask[b], caps.get(b, ask[b])))
        total = sum(ask[w] for w in rest)
        if total > room:
            caps.update({w: max(w.minimumSizeHint().width(), ask[w] * room // total) for w in rest})
        self._sharing = True
        try:
            for w, widest in self._widest.items():
                cap = min(widest, caps.get(w, widest))
                if w.maximumWidth() != cap:
                    w.setMaximumWidth(cap)
        finally:
            self._sharing = False

    def room(self) -> int:
        """Pixels a message may take: the bar's width less its visible permanent widgets."""
        shown = [w for w in self._permanent if not w.isHidden()]
        if shown and self.isVisible():  # laid out: up to the leftmost permanent widget
            return max(0, min(w.geometry().left() for w in shown) - _GAP)
        taken = sum(max(w.width(), w.sizeHint().width()) for w in shown)
        return max(0, self.width() - taken - _MARGINS)

    def showMessage(self, text: str, timeout: int | None = 0, details: str = "") -> None:  # noqa: N802 - Qt's name
        """Show ``text`` (elided to the room there is); on hover ``details`` (the whole story behind a short line),
        else the text when it had to be elided."""
        self._show(text, timeout, details, [text] if text else [])

    def _show(self, text: str, timeout: int | None, details: str, notes: list[str]) -> None:
        self._full = text
        self._details = details
        self._held = None
        self._notes = notes  # read by _elided: where they do not all fit, those that do and "(+1 more)"
        self._until = time.monotonic() + timeout / 1000 if timeout else None
        self._drawn = self._elided(text)
        super().showMessage(self._drawn, timeout or 0)
        self._place_more()

    def add_message(self, text: str, timeout: int = 0, first: bool = False, while_busy: str = "") -> None:
        """Show ``text`` joined to the message shown now ("; "), before it where ``first``, else after it, for the
        longer of the two times left; on hover the whole story, one line each. Two notes of one moment (a project
        upgraded as it opened, its video's own line) both reach the user: showMessage would leave only the last.
        A status tip shown now (a menu's) is no message of ours: ``text`` alone then. ``while_busy``: a job of the
        busy indicator (BusyIndicator.set's key) the line stays for while it runs, its ``timeout`` counted from
        that job's end (a located video's "Attached …" went after 15 s while the video was still opening)."""
        old = self.currentMessage() if super().currentMessage() == self._drawn else ""
        old_notes = self._notes if old else []
        held = self._held if old else None  # the line holding a held message is held too
        if while_busy and any(isinstance(w, BusyIndicator) and w.running(while_busy) for w in self._permanent):
            held = (while_busy, max(timeout, held[1] if held else 0))
        if held is not None:
            timeout = 0  # no timer while held: _job_ended sets it
        if not text or not old:
            if text:
                self.showMessage(text, timeout)
                self._held = held
            return
        old_details = self._details or old
        if self._until is None or not timeout:  # either stays until replaced: so does the line holding both
            left = 0
        else:
            left = max(timeout, round(1000 * (self._until - time.monotonic())))
        parts = (text, old) if first else (old, text)
        story = (text, old_details) if first else (old_details, text)
        notes = [text, *old_notes] if first else [*old_notes, text]
        self._show("; ".join(parts), left, "\n".join(story), notes)
        self._held = held

    def _job_ended(self, job: str) -> None:
        """A busy job ended: the message held while it ran (add_message's while_busy) goes when due from now."""
        if self._held is None or self._held[0] != job:
            return
        timeout = self._held[1]
        self._held = None
        if not super().currentMessage() or super().currentMessage() != self._drawn:
            return  # replaced or cleared meanwhile: nothing of ours to time
        self._until = time.monotonic() + timeout / 1000 if timeout else None
        super().showMessage(self._drawn, timeout)

    def _elided(self, text: str) -> str:
        """What to draw of ``text`` in the room there is: all of it where it fits. Else, for several notes
        (add_message), they are drawn whole as far as they fit beside a link to them all: "(+N more)" for the N
        left out; the last one cut short ("…") before "(more)" where at least its first PARTIAL_NOTE characters fit
        (the first one where even it does not fit). One line too long ends in "…" (whole on hover)."""
        room, fm = self.room(), self.fontMetrics()
        self._more_text = ""
        notes = self._notes if len(self._notes) > 1 and "; ".join(self._notes) == text else []
        if not text or fm.horizontalAdvance(text) <= room or not notes:
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, room) if text else text
        else:
            shown, n = "", len(notes)
            for k in range(n - 1, 0, -1):  # the most whole notes that fit beside the link to the rest
                head = "; ".join(notes[:k])
                if k == n - 1:  # the last note cut short where enough of it is read
                    width = room - _LINK_GAP - self._link_width("(more)")
                    if fm.horizontalAdvance(f"{head}; {notes[-1][:PARTIAL_NOTE]}…") <= width:
                        shown, self._more_text = fm.elidedText(text, Qt.TextElideMode.ElideRight, width), "(more)"
                        break
                link = f"(+{n - k} more)"
                if fm.horizontalAdvance(head) <= room - _LINK_GAP - self._link_width(link):
                    shown, self._more_text = head, link
                    break
            if not shown:
                self._more_text = f"(+{n - 1} more)"
                width = max(0, room - _LINK_GAP - self._link_width(self._more_text))
                shown = fm.elidedText(notes[0], Qt.TextElideMode.ElideRight, width) or "…"  # never "": _fit redraws
        if self._details or shown != text:
            self.setToolTip(self._details or text)
        return shown

    def _link_width(self, text: str) -> int:
        self.more.setText(text)
        return self.more.sizeHint().width()

    def _place_more(self) -> None:
        """The link after the message drawn, while it is ours and has one; hidden otherwise."""
        drawn = super().currentMessage()
        if not self._more_text or not drawn or drawn != self._drawn:
            self.more.hide()
            return
        self.more.setText(self._more_text)
        self.more.setToolTip(f"Show all {len(self._notes)} notes whole")
        self.more.setAccessibleName(f"show all {len(self._notes)} status notes")
        link = on_window(self, self.palette().color(QPalette.ColorRole.Link).name())  # readable on a dark theme too
        style = f"QToolButton {{ color: {link}; border: none; padding: 0 2px; text-decoration: underline; }}"
        if self.more.styleSheet() != style:
            self.more.setStyleSheet(style)
        size = self.more.sizeHint()
        x = _MESSAGE_LEFT + self.fontMetrics().horizontalAdvance(drawn) + _LINK_GAP
        at = QRect(x, max(0, (self.height() - size.height()) // 2), size.width(), min(size.height(), self.height()))
        self.more.setGeometry(QStyle.visualRect(self.layoutDirection(), self.rect(), at))
        self.more.show()
        self.more.raise_()

    def notes(self) -> list[str]:
        """The message's notes in full, one each (their whole story where a note has one: showMessage's details);
        [] while no message of ours is shown."""
        drawn = super().currentMessage()
        if not drawn or drawn != self._drawn:
            return [drawn] if drawn else []
        return [n for n in (self._details or self._full).split("\n") if n]

    def show_notes(self) -> None:
        """The "(+1 more)" link: every note of the message, whole, in a popup above it (Esc or a click away
        closes it); its text can be selected and copied (a path, a file name)."""
        if self._popup is None:
            self._popup = NotesPopup(self)
        self._popup.show_notes(self.notes(), self.more, self.width())

    def _fit(self) -> None:
        """Elide the message shown again for the room there is now; it goes when it was due to."""
        drawn = super().currentMessage()
        if not drawn or not self._full or drawn != self._drawn:  # nothing, or not ours (a status tip)
            return
        shown = self._elided(self._full)
        if shown != drawn:
            left = 0 if self._until is None else max(1, round(1000 * (self._until - time.monotonic())))
            self._drawn = shown
            super().showMessage(shown, left)
        self._place_more()

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        """The whole message while one is shown (what is drawn may be elided), a status tip as drawn, else ""."""
        drawn = super().currentMessage()
        return self._full if drawn and drawn == self._drawn else drawn

    def shown_message(self) -> str:
        """What the bar draws now (elided to fit)."""
        return super().currentMessage()

    def clearMessage(self) -> None:  # noqa: N802 - Qt's name
        self._full = self._drawn = self._details = ""
        self._held = None
        self._notes = []
        super().clearMessage()


class NotesPopup(QFrame):
    """The status line's notes in full, one paragraph each, wrapped, in a popup above its "(+1 more)" link; as wide
    as the status bar allows (at most about 70 characters a line, readable), selectable."""

    def __init__(self, bar: QWidget) -> None:
        super().__init__(bar, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("status notes")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        lay.addWidget(self.label)

    def show_notes(self, notes: list[str], link: QWidget, room: int) -> None:
        """``notes`` above ``link``, at most ``room`` px wide (the status bar's)."""
        self.label.setText("\n\n".join(notes))
        widest = min(room - 16, self.fontMetrics().averageCharWidth() * 70)
        self.label.setFixedWidth(max(120, widest))
        self.adjustSize()
        # above the link (the status bar is at the window's foot), within the bar's width where it can, on its screen
        at, bar = link.mapToGlobal(QPoint(0, 0)), self.parentWidget()
        left = bar.mapToGlobal(QPoint(0, 0)).x() if bar is not None else at.x()
        x, y = max(left, min(at.x(), left + room - self.width())), at.y() - self.height() - 2
        screen = link.screen()
        if screen is not None:
            avail = screen.availableGeometry()
            x = max(avail.left(), min(x, avail.right() + 1 - self.width()))
            y = max(avail.top(), y)
        self.move(x, y)
        self.show()
        self.label.setFocus()


class BusyIndicator(QWidget):
    """What runs in a worker, at the status bar's right (an export, a checkpoint loading): its text beside a busy
    bar, hidden when nothing runs. Each job is set under its own key (``set(key, text)``; "" ends it), so two
    jobs at once show both."""

    ended = Signal(str)  # a job's key, as it ends (StatusBar.add_message's while_busy)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 4, 0)
        lay.setSpacing(6)
        self.label = ElidedLabel("", self)  # ends in "…" where the status bar gives it less (MESSAGE_SHARE)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy: the work says nothing about how far it is
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(72, 12)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        self._jobs: dict[str, tuple[str, str]] = {}  # key: (text, tooltip)
        self._done: dict[str, tuple[int, int]] = {}  # key: (done, total), where the job says
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)  # its text's width, no more
        self.hide()

    def set(self, key: str, text: str, tip: str = "") -> None:
        """Show ``text`` for job ``key`` ("" ends it); ``tip``: the whole story, on hover."""
        ended = False
        if text:
            if key not in self._jobs:
                self._done.pop(key, None)  # a new job: nothing done yet
            self._jobs[key] = (text, tip or text)
        else:
            ended = self._jobs.pop(key, None) is not None
            self._done.pop(key, None)
        self._show_bar()
        # its colour for the palette in use now (a theme may have changed since the last job)
        self.label.setStyleSheet(f"QLabel {{ color: {on_window(self, BUSY_COLOUR)}; font-weight: bold; }}")
        self.label.setText("  ·  ".join(t for t, _ in self._jobs.values()))
        self.setToolTip("\n".join(t for _, t in self._jobs.values()))
        self.setVisible(bool(self._jobs))
        if not text and ended:
            self.ended.emit(key)

    def running(self, key: str) -> bool:
        """Whether job ``key`` runs now."""
        return key in self._jobs

    def progress(self, key: str, done: int, total: int) -> None:
        """How far job ``key`` is (its work says): the bar shows it while that job runs alone, else stays busy."""
        if key in self._jobs:
            self._done[key] = (done, total)
        self._show_bar()

    def _show_bar(self) -> None:
        known = [self._done[k] for k in self._jobs if k in self._done]
        if len(self._jobs) == 1 and known and known[0][1] > 0:
            done, total = known[0]
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        speak_progress(self.bar, "  ·  ".join(t for t, _ in self._jobs.values()))

    def text(self) -> str:
        """What is shown ("" when nothing runs)."""
        return self.label.text() if self._jobs else ""
