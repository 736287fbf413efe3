"""The main window's status bar: a message too long for the room beside the permanent widgets (coder, device,
model badge) ends in "…" instead of being cut mid-word under them, elided again whenever that room changes (the
window resized, a permanent widget shown, hidden or given a longer text: a message shown while the window was
still being laid out ran up to "coder:" so the two read as one); the whole text stays on hover and in
``currentMessage()``. :class:`BusyIndicator` shows what runs in a worker meanwhile (an export, a checkpoint
loading), with how far it is where its work says. A progress bar there is heard by a screen reader as its words and
percentage ("analysis 45 %", "300 of 660 done"), not its bare value (speak_progress)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QSizePolicy, QStatusBar, QWidget

from merstudio.gui.look import ElidedLabel, on_window

_MARGINS = 48  # px: the bar's own margins, the spacing between widgets and the size grip (before layout)
_GAP = 24  # px: the message's left margin and a gap before the first permanent widget
# a permanent widget's events that change the message's room
_ROOM_EVENTS = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide})
# of the bar's width a message keeps at the least: the permanent widgets that can give way (the coder, device and model
# labels, the busy text: they elide, whole on hover) share the rest. At 20 pt in a 1366-px window they took all but
# 3 px and a message vanished with no "…"
MESSAGE_SHARE = 0.35
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
        self._full = text
        self._details = details
        self._held = None
        self._until = time.monotonic() + timeout / 1000 if timeout else None
        self._drawn = self._elided(text)
        super().showMessage(self._drawn, timeout or 0)

    def add_message(self, text: str, timeout: int = 0, first: bool = False, while_busy: str = "") -> None:
        """Show ``text`` joined to the message shown now ("; "), before it where ``first``, else after it, for the
        longer of the two times left; on hover the whole story, one line each. Two notes of one moment (a project
        upgraded as it opened, its video's own line) both reach the user: showMessage would leave only the last.
        A status tip shown now (a menu's) is no message of ours: ``text`` alone then. ``while_busy``: a job of the
        busy indicator (BusyIndicator.set's key) the line stays for while it runs, its ``timeout`` counted from
        that job's end (a located video's "Attached …" went after 15 s while the video was still opening)."""
        old = self.currentMessage() if super().currentMessage() == self._drawn else ""
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
        self.showMessage("; ".join(parts), left, "\n".join(story))
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
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, self.room()) if text else text
        if self._details or shown != text:
            self.setToolTip(self._details or text)
        return shown

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
        super().clearMessage()


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
