"""Dialogs: event editor (AU string validated as typed), checkpoint metadata, go-to-frame, coder identity."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from merstudio.errors import MerstudioError
from merstudio.gui.checkpoint_dialog import CheckpointDialog
from merstudio.gui.events_table import NO_NUMBER, model_p_text, model_p_tip
from merstudio.gui.look import ERROR_COLOUR, fit_screen, on_window
from merstudio.gui.numbers import DecimalBox, WholeBox, unread_line
from merstudio.messages import one_line
from merstudio.names import name_sort_key
from merstudio.project.events import SOURCES, STATUSES, Event, normalize_aus

__all__ = ["DEFAULT_EMOTIONS", "CheckpointDialog", "EventDialog", "ImportPreviewDialog"]

ORDER_LINE = "need onset <= apex <= offset"  # the event dialog's frames out of order
NOTE_LINES = 4  # lines of the Edit-event note shown before it scrolls: 70 px at 9 pt, 2 lines at 16 pt were cut
DEFAULT_EMOTIONS = ("positive", "negative", "surprise", "happiness", "disgust", "repression", "others", "tense",
                    "fear", "sadness", "anger", "contempt")


class EventDialog(QDialog):
    """Edit every field of an event. ``result_event()`` is the edited copy (AU string canonical)."""

    def __init__(self, event: Event, frame_count: int, emotions: tuple[str, ...] = DEFAULT_EMOTIONS,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Event" if event.id is None else f"Event {event.id}")
        self._event = event
        form = QFormLayout()
        self.onset, self.apex, self.offset = (WholeBox(self, what="frame number") for _ in range(3))
        for box, v in ((self.onset, event.onset), (self.apex, event.apex), (self.offset, event.offset)):
            box.setRange(0, max(0, frame_count - 1))
            box.setValue(v)
        self.emotion = QComboBox(self)
        self.emotion.setEditable(True)
        self.emotion.addItems(["", *emotions])
        self.emotion.setCurrentText(event.emotion)
        self.aus = QLineEdit(event.aus, self)
        self.aus.setPlaceholderText("e.g. 4+7, L12, 1+2+R6")
        self.coder = QLineEdit(event.coder, self)
        self.confidence = DecimalBox(self)
        self.confidence.setDecimals(3)  # as stored (result_event rounds to 3): 0.626 is not shown as 0.63
        self.confidence.setRange(-0.01, 1.0)
        self.confidence.setSingleStep(0.05)
        self.confidence.setSpecialValueText("none")
        self.confidence.setValue(-0.01 if event.confidence is None else event.confidence)
        # the model's probability beside it, read only: set by the model alone (a coder's number typed over it was
        # exported as the model's, h250); the spin box is the coder's own rating whatever the source
        self.model_p = QLabel(model_p_text(event) or f"model p {NO_NUMBER}", self)
        self.model_p.setToolTip(model_p_tip(event) or "No probability from a model for this event")
        self.source = QComboBox(self)
        self.source.addItems(SOURCES)
        self.source.setCurrentText(event.source)
        self.status = QComboBox(self)
        self._offer_statuses()
        self.status.setCurrentText(event.status)
        self.source.currentTextChanged.connect(self._offer_statuses)
        self.note = QPlainTextEdit(event.note, self)
        # what each field showed when the dialog opened: a field left as it was keeps the stored value exactly
        # (a confidence of more decimals than shown, a note with spaces at its end), so OK without an edit
        # changes nothing and makes no undo step
        self._shown = self._texts()
        self.note.setMaximumHeight(note_height(self.note))
        self.note.setTabChangesFocus(True)  # Tab goes on to the buttons, as in every other field (no tab typed)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet(f"color: {on_window(self, ERROR_COLOUR)}")
        self.confidence_label = QLabel("Confidence", self)
        self.confidence_label.setBuddy(self.confidence)
        self.confidence.setToolTip("The coder's own confidence in this coding, 0 to 1 (none: not given): the events "
                                   "CSV's confidence. The model's probability beside it is the model's (read only)")
        confidences = QWidget(self)
        row = QHBoxLayout(confidences)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.confidence, 1)
        row.addWidget(self.model_p)
        for label, w in (("Onset", self.onset), ("Apex", self.apex), ("Offset", self.offset),
                         ("Emotion", self.emotion), ("AUs", self.aus), ("Coder", self.coder),
                         (self.confidence_label, confidences), ("Source", self.source), ("Status", self.status),
                         ("Note", self.note)):
            form.addRow(label, w)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        for box in (self.onset, self.apex, self.offset):
            box.valueChanged.connect(self.validate)
            box.lineEdit().textEdited.connect(self._order_typed)
        for typed in (self.onset, self.apex, self.offset, self.confidence):
            typed.textValid.connect(self.validate)  # `1.5` typed: said and OK off, not the old frame taken in silence
        self.aus.textChanged.connect(self.validate)
        self.validate()
        self._fitted = False

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            # as tall as its fields ask, the screen at most: Qt's first size is 2/3 of the screen's height at most,
            # which at 16 pt on a 768-px screen squeezed the note to its least (2 lines)
            self.resize(self.size().expandedTo(self.sizeHint()))
            fit_screen(self)

    def _order_typed(self) -> None:
        # frames out of order are said once taken (h311: never of the `1` on the way to `120`), and no more as soon as
        # the frames typed are in order: OK, off meanwhile, is on again for the click that takes them
        if self.problem.text() == ORDER_LINE and self.onset.value() <= self.apex.value() <= self.offset.value():
            self.validate()

    def accept(self) -> None:
        # OK clicked on a Mac leaves the focus in a frame box, its text not taken: validate() ran at the last value
        # taken, not at the frames typed (valueChanged waits for the text to be taken, h311), so the order is checked
        # here, on the values result_event() reads
        if self.validate():
            return
        super().accept()

    def _offer_statuses(self) -> None:
        """The statuses Status offers for the source chosen: "proposal" is the model's (its open proposals, which a
        re-run replaces), so a coder's own event is accepted or rejected; one stored as a proposal (an events CSV
        row so) keeps that status on offer while its source is as stored, so OK without an edit changes nothing."""
        source, was = self.source.currentText(), self.status.currentText() or self._event.status
        offer = [s for s in STATUSES if s != "proposal" or source == "model"
                 or (self._event.status == "proposal" and source == self._event.source)]
        if offer == [self.status.itemText(i) for i in range(self.status.count())]:
            return
        self.status.clear()
        self.status.addItems(offer)
        self.status.setCurrentText(was if was in offer else "accepted")

    def validate(self) -> str:
        """'' when the fields make a valid event, else the reason (shown, and OK is disabled)."""
        msg = unread_line((("Onset", self.onset), ("Apex", self.apex), ("Offset", self.offset),
                           ("Confidence", self.confidence)))
        if not msg:
            try:
                normalize_aus(self.aus.text())
            except ValueError as exc:
                msg = str(exc)
        if not msg and not self.onset.value() <= self.apex.value() <= self.offset.value():
            msg = ORDER_LINE
        self.problem.setText(msg)
        # a border is a line: 3:1 is enough (WCAG's non-text contrast)
        self.aus.setStyleSheet(f"border: 1px solid {on_window(self, ERROR_COLOUR, 3.0)}" if "AU" in msg else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not msg)
        return msg

    def _texts(self) -> dict[str, str]:
        return {"emotion": self.emotion.currentText(), "aus": self.aus.text(), "coder": self.coder.text(),
                "confidence": self.confidence.text(), "note": self.note.toPlainText()}

    def result_event(self) -> Event:
        """The event as the fields say; a field left as it was shown keeps the stored value. The model's probability
        (model_confidence) is the stored one: no field edits it."""
        conf = self.confidence.value()
        ev = replace(self._event, onset=self.onset.value(), apex=self.apex.value(), offset=self.offset.value(),
                     emotion=self.emotion.currentText().strip(), aus=normalize_aus(self.aus.text()),
                     coder=self.coder.text().strip(), confidence=None if conf < 0 else round(conf, 3),
                     source=self.source.currentText(), status=self.status.currentText(),
                     note=self.note.toPlainText().strip())
        now = self._texts()
        kept = {k: getattr(self._event, k) for k, shown in self._shown.items() if now[k] == shown}
        return replace(ev, **kept)


def note_height(box: QPlainTextEdit, lines: int = NOTE_LINES) -> int:
    """Px a plain-text box shows ``lines`` lines of its font in: its frame and its document's margins around them."""
    margin = box.document().documentMargin()
    return int(lines * box.fontMetrics().lineSpacing() + 2 * (margin + box.frameWidth()) + 1)


def removed_line(e: Any) -> str:
    """One event an import with Replace removes: its coder, face, frames, emotion, AUs and status."""
    return (f"{e.coder or '(no coder)'} face {e.face_id}: frames {e.onset}-{e.apex}-{e.offset} {e.emotion or '-'} "
            f"{e.aus or '-'} ({e.status})")


def with_statuses(summary: str, events: list[Any], limit: int) -> str:
    """ImportPreview.summary(limit)'s event lines ("  + alice face 0: frames 122-126-131 anger 4", the first
    ``limit`` events in order) with the status of each event that is not accepted: one imported as rejected or as a
    proposal is not listed like an accepted one."""
    lines, shown = summary.split("\n"), iter(events[:limit])
    for i, line in enumerate(lines):
        if line.startswith("  + ") and (e := next(shown, None)) is not None and e.status != "accepted":
            lines[i] = f"{line} ({e.status})"
    return "\n".join(lines)


CODER_NOTE = ("Whose coding the file's events are: BORIS names no coder, and the observation id it would take names "
              "the session, which two coders' files share. Empty: as the file says.")
UNNAMED_NOTE = "Whose coding the file's events are: the file names no coder for them. Empty: they have no coder."


def names_no_coder(previews: Iterable[Any]) -> bool:
    """Whether a file read into these previews (one per video it goes into) names no coder for some of its events
    (an events CSV's empty coder column), or none at all (a file without events): its import preview then has the
    Coder field (:class:`CoderField`), filled with the app's coder."""
    previews = list(previews)
    return any(not e.coder for p in previews for e in p.events) or not any(p.file_coders for p in previews)


class CoderField(QWidget):
    """The Coder field of an import's preview (one video's, :class:`ImportPreviewDialog`; several videos',
    gui.all_videos_import) and the line under it: whose coding the file's events are. ``read``: the file as read for
    ``coder``; a change reads it again, ``reread(coder)`` giving what ``on_read`` is handed (the preview shown anew);
    ``events(read)``: the events that reading imports. ``coder`` None: a BORIS file, which names no coder (the
    observation id it would take names the session, shared by two coders' files): filled with the name the file
    gives its events (its coder variable, else the observation id; '': as the file says); else a file whose events
    name no coder (:func:`names_no_coder`), read for ``coder`` (the app's; '': no coder). The app's coder is
    offered; :attr:`coder` is the one used."""

    def __init__(self, parent: Any, read: Any, reread: Callable[[str], Any], events: Callable[[Any], Iterable[Any]],
                 on_read: Callable[[Any], None], app_coder: str = "", coder: str | None = None) -> None:
        super().__init__(parent)
        self.reread, self.events, self.on_read = reread, events, on_read
        self.note = CODER_NOTE if coder is None else UNNAMED_NOTE
        self.coder = coder or ""
        if coder is None:  # BORIS: filled with the name the file gives its events
            said = sorted({e.coder for e in events(read) if e.coder})
            self.coder = said[0] if len(said) == 1 else ""  # several observations: each its own, as it says
        self.box = QComboBox(self)
        self.box.setEditable(True)
        self.box.addItems(list(dict.fromkeys(c for c in (self.coder, app_coder.strip()) if c)))
        self.box.setCurrentText(self.coder)
        self.box.setAccessibleName("coder of the file's events")
        edit = self.box.lineEdit()
        assert edit is not None
        edit.setPlaceholderText("as the file says (observation ids)" if coder is None else "no coder")
        edit.editingFinished.connect(self._changed)
        self.box.activated.connect(self._changed)
        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        self.note_label.setText(self._line(read))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow("Coder:", self.box)
        lay.addLayout(form)
        lay.addWidget(self.note_label)

    def _changed(self, *_: Any) -> None:
        """The field changed: the file read again for it, handed to ``on_read``."""
        coder = self.box.currentText().strip()
        if coder == self.coder:
            return
        try:
            read = self.reread(coder)
        except MerstudioError as exc:  # the file changed or went meanwhile: the last reading stays
            self.note_label.setText(f"Not read again: {one_line(exc)}")
            return
        self.coder = coder
        self.on_read(read)
        self.note_label.setText(self._line(read))

    def _line(self, read: Any) -> str:
        """The line under the field for ``read``, read for :attr:`coder`."""
        kept = sorted({e.coder for e in self.events(read) if e.coder and e.coder != self.coder},
                      key=name_sort_key) if self.coder else []
        if not kept:
            return self.note
        if self.note is CODER_NOTE:
            return f"The file names its own coder(s) {', '.join(kept)} (a coder variable): its events keep them"
        return (f"The file names coder(s) {', '.join(kept)} for some of its events: those keep them, the others are "
                f"{self.coder}'s")


class ImportPreviewDialog(QDialog):
    """What an annotation import will do (ImportPreview.summary(): events to import, items skipped and why, notes),
    before anything is written. With items to skip, the OK button says so: confirming means importing the rest.
    ``replace_preview``: the same file read to replace its coders' events on the video (a corrected file,
    interchange.preview_import(replace=True)); a "Replace" box then chooses between the two (``preview``).
    ``reread``: a file whose events' coder the user says (a BORIS file; with ``coder``, one whose events name no
    coder): the :class:`CoderField`, ``reread(coder)`` giving both previews; :attr:`coder` is the one used."""

    def __init__(self, preview: Any, parent: Any = None, replace_preview: Any = None,
                 reread: Callable[[str], tuple[Any, Any]] | None = None, app_coder: str = "",
                 coder: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {preview.path.name}")
        self.previews = (preview, replace_preview)
        self.preview = preview
        self.head = QLabel(self)
        self.head.setWordWrap(True)
        self.coder_field: CoderField | None = None
        self.coder_box: QComboBox | None = None
        if reread is not None:
            self.coder_field = CoderField(self, self.previews, reread, lambda read: read[0].events, self._reread,
                                          app_coder, coder)
            self.coder_box, self.coder_note = self.coder_field.box, self.coder_field.note_label
        else:
            self.coder_note = QLabel(self)
            self.coder_note.hide()  # in no layout: it would lie over the head
        self.replace_box: QCheckBox | None = None
        # the box's text is short; whose events and how many, wrapped, under it: one line of names and numbers
        # made the dialog 973 px wide on a 960 px screen (1514 px at 14 pt), its buttons off the screen
        self.replace_note = QLabel(self)
        self.replace_note.setWordWrap(True)
        self.replace_note.hide()
        if replace_preview is not None or reread is not None:  # a coder typed may have events here to replace
            self.replace_box = QCheckBox("&Replace the events of the file's coders on this video", self)
            self.replace_box.toggled.connect(self._show)
            self.replace_note.setBuddy(self.replace_box)
            style = self.style()
            self.replace_note.setContentsMargins(  # under the box's text, not its tick
                style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing), 0, 0, 0)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        # wrapped at the box's width: a note (media linked, an offset moved) is read whole, never cut off at the
        # edge (the text is in a proportional font: its event lines are no fixed-width table a wrap would break)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.head)
        if self.coder_field is not None:
            lay.addWidget(self.coder_field)
        if self.replace_box is not None:
            lay.addWidget(self.replace_box)
            lay.addWidget(self.replace_note)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.buttons)
        self._set_replace(replace_preview)
        self._show(False)
        self.resize(760, 420)
        self._fitted = False

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            fit_screen(self)  # 760x420 on a 200%-scaled laptop's 960x540: the summary takes the difference

    @property
    def coder(self) -> str:
        """The coder the previews were read for ('': as the file says); '' without the field."""
        return self.coder_field.coder if self.coder_field is not None else ""

    def _set_replace(self, alt: Any) -> None:
        """The Replace box for ``alt`` (the file read to replace its coders' events; None: nothing to replace)."""
        box = self.replace_box
        if box is None:
            return
        if alt is None:
            box.setChecked(False)
        else:
            self.replace_note.setText(f"The events of {', '.join(alt.file_coders)} on this video become the file's "
                                      f"(a corrected file: {len(alt.replaces)} removed, {len(alt.duplicates)} "
                                      "unchanged)")
            box.setAccessibleDescription(self.replace_note.text())
        box.setVisible(alt is not None)
        self.replace_note.setVisible(alt is not None)

    def _reread(self, read: tuple[Any, Any]) -> None:
        """The file read again for the Coder field's name: both previews (the Replace box with them)."""
        prev, alt = read
        self.previews = (prev, alt)
        self._set_replace(alt)
        self._show(self.replace)

    @property
    def replace(self) -> bool:
        return self.replace_box is not None and self.replace_box.isChecked() and self.previews[1] is not None

    def _show(self, replace: bool) -> None:
        preview = self.preview = self.previews[1] if replace and self.previews[1] is not None else self.previews[0]
        n, skip = len(preview.events), len(preview.skipped)
        gone = len(getattr(preview, "replaces", ()))
        beh = len(getattr(preview, "behaviour_rows", ()))  # an ELAN file's behaviour tiers (ours)
        head = f"{n} event(s)" + (f" and {beh} behaviour event(s)" if beh else "") + " will be imported" + (
            f"; {skip} item(s) will be SKIPPED (reasons below)" if skip else "")
        dup = len(preview.duplicates)
        if replace:
            head += f"; {gone} event(s) will be REMOVED" + (f", {dup} kept unchanged" if dup else "")
        else:
            head += f"; {dup} already in the project, not imported again" if dup else ""
        self.head.setText(head + ". Nothing is written until you confirm; the import is one undo step.")
        text = with_statuses(preview.summary(limit=200), preview.events, 200)  # a coder's proposals: the file's notes
        if replace and gone:  # which events go, not only how many: the coder checks before confirming
            text += f"\n\nREMOVED from the project ({gone}):\n" + "\n".join(
                f"  - remove {removed_line(e)}" for e in preview.replaces[:200])
            if gone > 200:
                text += f"\n  - ... {gone - 200} more to remove"
        self.text.setPlainText(text)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        new = sorted(set(getattr(preview, "file_coders", ())) - set(getattr(preview, "coded_before", ())),
                     key=name_sort_key)
        verb = f"Replace {gone} by {n}" if replace else f"Import {n}"
        if not n and not gone and beh:  # an ELAN file of behaviour tiers alone
            verb = f"Import {beh} behaviour event(s)"
        elif not n and not gone and new and not dup:  # a coder's file with no events: they found nothing
            verb = f"Record {', '.join(new)} as having coded this video"
        # reviews already here beside the open proposals they cover (an import before h248): resolving them is work
        resolved = len(getattr(preview, "resolves", ()))
        if not n and not gone and not beh and resolved:
            verb = f"Replace {resolved} open proposal{'s' * (resolved != 1)}"
        ok.setText(f"{verb}, skip {skip}" if skip else verb)
        ok.setEnabled(n > 0 or gone > 0 or beh > 0 or bool(new and not dup) or resolved > 0)
