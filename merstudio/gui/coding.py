"""The coding state: the one owner of the current video's events (as shown: hidden coders and blind coding
applied), the selected event, the I/A/O marks, the coder's name and the undo stack's pushes.

Every edit goes through :meth:`push` (done, saved, then on the undo stack); every change of the events or the
selection is announced with ``eventsChanged`` and the views (timeline, events table) redraw from :attr:`events`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoCommand

from merstudio.agreement.report import coder_of
from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.gui.state import Marks, event_line, event_order, neighbour_event_frame, next_proposal
from merstudio.gui.undo import (
    AddEventCommand,
    DeleteEventCommand,
    EditEventCommand,
    ImportEventsCommand,
    ProjectCommand,
    ProjectUndoStack,
    RerunAnalysisCommand,
    StepGuard,
    set_status,
)
from merstudio.pathnames import name_key
from merstudio.project import Event, Project
from merstudio.project.apex import apex_imputed, with_span
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.faces import same_person_items

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow


class Coding(QObject):
    eventsChanged = Signal()  # the events changed (reloaded from the project): redraw them
    selectionChanged = Signal()  # only the selected event changed
    message = Signal(str, int)  # a status-bar line and how long it stays (ms)

    def __init__(self, win: MainWindow, qsettings: QSettings) -> None:
        super().__init__(win)
        self.win = win  # the session (project, video), the transport (play head) and the command context
        self.qsettings = qsettings
        self.events: list[Event] = []
        self.selected_event_id: int | None = None
        self.marks = Marks()
        self.coder = name_key(str(qsettings.value("coder", "") or ""))  # one remembered before h223: NFD
        # an undo or redo while the project is compacted in a worker is refused in one line, as a command is
        self.undo_stack = ProjectUndoStack(self, refuse=self._refuse_while_compacting, report=win.show_error)
        # a failed undo/redo: one message, the stack kept in step; one that failed alone says so in the status bar
        self.undo_guard = StepGuard(win.show_error, self, status=lambda line: self.message.emit(line, 10000))
        self._pushing = False
        self.shown_note = ""  # the last note of show_anyway
        self._undo_index = 0
        self._undo_line: tuple[int, str] | None = None  # the last undo or redo: (the stack's index then, its line)
        self.undo_stack.indexChanged.connect(self._undo_index_changed)

    # ---------------------------------------------------------------- the events shown
    def reload(self) -> None:
        win = self.win
        proj, video = win.project, win.video
        self.events = win.coders_view.filter(proj.events(video.id) if proj and video else [])  # hidden, blind
        if self.selected_event_id not in {e.id for e in self.events}:
            self.selected_event_id = None
        self.eventsChanged.emit()

    def clear(self) -> None:
        """A video switch or a closed project: nothing selected, no marks; :meth:`reload` follows and redraws."""
        self.events, self.selected_event_id = [], None
        self.marks.clear()
        self.win.timeline.set_marks(None, None, None)

    def find(self, event_id: int | None) -> Event | None:
        return next((e for e in self.events if e.id is not None and e.id == event_id), None)

    # ---------------------------------------------------------------- the events the table's filter shows
    def shown(self) -> list[Event]:
        """The events the events table's filter shows (all of them without one), by onset. `,`/`.`, N and Delete
        act on these only: the filter is the coder's view of the events, and a key reaching an event it hides acted
        out of sight (the timeline still draws it)."""
        model = self.win.table.model_
        return [e for e in self.events if not model.hides(e)] if model.words else self.events

    def filter_text(self) -> str:
        return self.win.events_pane.filter.text().strip()

    def show_anyway(self, event_id: int | None, what: str) -> str:
        """A new or edited event the filter would hide (or one an undo or redo selects): the filter cleared, so the
        coder sees the event they just made in the table (and `,`/`.`/Delete reach it). Returns the note the
        caller's status line ends with ("filter cleared: …"; "" where the filter shows it): the line is the
        command's own, built by it (:func:`with_note`); the note added to whatever the status bar showed then
        ended an edit's line, which writes none, with an older line and its note ("Undone: … (filter cleared: …)
        (filter cleared: …)"). An event of a coder hidden in View > Coders shown is not among :attr:`events` at
        all: that coder is shown again (a new event made under a hidden coder was stored, selected and deleted by
        Delete unseen); an undo or redo leaves the coders shown as chosen and says the event is hidden
        (:meth:`hidden_note`)."""
        notes = []
        if event_id is not None and self.find(event_id) is None:
            notes.append(self._unhide(event_id, what))
        ev = self.find(event_id)
        if ev is not None and self.win.table.model_.hides(ev):
            text = self.filter_text()
            self.win.events_pane.filter.clear()
            notes.append(f"filter cleared: the {what} event did not match '{text}'")
        # kept for a caller that writes the status line after the command that called this (I / O: MarkPoint)
        self.shown_note = "; ".join(n for n in notes if n)
        return self.shown_note

    def _hidden_coder(self, event_id: int) -> tuple[str, bool] | None:
        """(the coder, whether blind coding hides them) of an event of the current video that the coders shown
        (View > Coders shown, blind coding) hide; None for one shown, or not this video's."""
        proj, video = self.win.project, self.win.video
        ev = proj.event(event_id) if proj is not None and video is not None else None
        if ev is None or video is None or ev.video_id != video.id or self.find(event_id) is not None:
            return None
        return coder_of(ev), self.win.coders_view.blind

    def _unhide(self, event_id: int, what: str) -> str:
        """Show the coder of a hidden event again (not under blind coding, which shows the coder their own events
        only: any other's stays hidden); the note saying so."""
        hidden = self._hidden_coder(event_id)
        if hidden is None:
            return ""
        coder, blind = hidden
        if blind or coder not in self.win.coders_view.hidden:
            return self.hidden_note(event_id)
        self.win.coders_view.set_hidden(coder, False)  # reloads the events: this one among them
        return f"{coder}'s events shown again: the {what} event is {coder}'s"

    def hidden_note(self, event_id: int | None) -> str:
        """'' for an event shown, else the note that it is hidden and by what (View > Coders shown, blind coding)."""
        hidden = self._hidden_coder(event_id) if event_id is not None else None
        if hidden is None:
            return ""
        coder, blind = hidden
        if blind:
            return f"hidden: {coder}'s event, and blind coding shows your own alone"
        return f"hidden: View > Coders shown hides {coder}'s events"

    def select(self, event_id: int | None, seek: bool = False) -> None:
        """Select one of the events shown (:attr:`events`), or none: an id they do not hold (a hidden coder's) is
        not selected, so that no key (Delete, E, Y, X) acts on an event out of sight."""
        if event_id is not None and self.find(event_id) is None:
            event_id = None
        self.selected_event_id = event_id
        self.selectionChanged.emit()
        ev = self.find(event_id) if seek else None
        if ev is not None:
            self.win.transport.go_to(ev.onset)

    def goto_event(self, direction: int) -> None:
        """Select the next (direction > 0) or previous event of any kind (coded or proposal) and seek to its onset:
        next to the selected event while the play head is on its onset (where stepping leaves it; events sharing
        that onset are next), else from the play head. Only the events the table's filter shows (:meth:`shown`),
        in the video's order (by onset), whatever the table's sort: the keys move through the video from the play
        head, and a sort by emotion or coder would send them back and forth in it; Up/Down in the table walk the
        sorted rows. While playing, from the picture shown (:func:`C.frame_seen`)."""
        frame = C.frame_seen(self.win)
        events = self.shown()
        sel = self.find(self.selected_event_id)
        if sel is not None and sel not in events:
            sel = None  # a hidden one selected (a timeline click): from the play head
        ev = neighbour_event_frame(events, frame, direction, sel if sel is not None and sel.onset == frame else None)
        if ev is None:
            text = self.filter_text() if events is not self.events else ""
            shown = f" the filter '{text}' shows" if text else ""
            self.message.emit(f"No next event{shown}" if direction > 0 else f"No previous event{shown}", 3000)
            return
        self.select(ev.id, seek=True)
        self.message.emit(event_line(ev), 6000)  # replaces an earlier "No previous event", or another event's line

    def _proposal_here(self, events: list[Event]) -> Event | None:
        """The first (video's order) of these events' open proposals under the play head (while playing, under the
        picture shown: :func:`C.frame_seen`)."""
        f = C.frame_seen(self.win)
        here = [e for e in events if e.status == "proposal" and e.onset <= f <= e.offset]
        return min(here, key=event_order) if here else None

    def current_proposal_id(self) -> tuple[int | None, str]:
        """The proposal Y / X act on: the selected one, else the one under the play head; only one the table's
        filter shows (:meth:`shown`), as `,`/`.`/N/Delete: accepting one out of sight under "bob" changed ann's
        proposal with no row to show it. (its id, ""), or (None, why) for the status line: a hidden one is named
        ("" where there is none at all: the command says so)."""
        shown = self.shown()
        sel = self.find(self.selected_event_id)
        if sel is not None and sel.status == "proposal":
            if not self.win.table.model_.hides(sel):
                return sel.id, ""
            hidden: Event | None = sel  # selected on the timeline, out of the table's rows: refused, as Delete
        else:
            here = self._proposal_here(shown)
            if here is not None:
                return here.id, ""
            hidden = self._proposal_here(self.events) if shown is not self.events else None
        if hidden is None:
            return None, ""
        return None, (f"Not accepted or rejected: {event_line(hidden)} is hidden by the events filter "
                      f"'{self.filter_text()}' (clear it, Esc in the filter, to see and review it)")  # as Delete's

    def goto_next_proposal(self, say: bool = True) -> None:
        """Select the open proposal after the selected event (every one sharing its onset in turn); with nothing
        selected, the one under the play head (after reopening a project the play head stands on the proposal being
        reviewed, and N skipped it), else the first after the play head; wraps to the first. ``say``: name it in the
        status bar (not the last key's line, left standing); off where the caller's own line says more (Y / X: what
        was done, how many are left)."""
        selected = self.find(self.selected_event_id)
        events = self.shown()  # the proposals the table's filter shows, as `,`/`.`
        here = None if selected is not None else self._proposal_here(events)
        ev = here if here is not None else next_proposal(events, C.frame_seen(self.win), selected)
        if ev is None:
            text = self.filter_text() if events is not self.events else ""
            self.message.emit("No open proposals" + (f" the filter '{text}' shows" if text else ""), 3000)
            return
        self.select(ev.id, seek=True)
        if say:
            self.message.emit(f"Proposal: {event_line(ev)}", 4000)

    # ---------------------------------------------------------------- boundaries
    def selected(self) -> Event | None:
        ev = self.find(self.selected_event_id)
        if ev is None:
            self.message.emit("Select an event first", 3000)
        return ev

    def nudge_boundary(self, which: str, n: int) -> None:
        """Move the selected event's onset or offset by ``n`` frames (undoable; never past the other boundary nor
        off the video; a nudge that cannot move says why)."""
        ev = self.selected()
        if ev is None or ev.id is None:
            return
        last = max(0, self.win.frame_count - 1)
        if which == "onset":
            onset, offset = min(max(ev.onset + n, 0), ev.offset), ev.offset
            stop = "on the offset" if n > 0 else "on the video's first frame"
        else:
            onset, offset = ev.onset, max(min(ev.offset + n, last), ev.onset)
            stop = "on the onset" if n < 0 else "on the video's last frame"
        if n and (onset, offset) == (ev.onset, ev.offset):
            self.message.emit(f"{event_line(ev)} (the {which} is {stop}: not moved)", 4000)
            return
        self.apply_region(ev.id, onset, offset)

    def snap_boundary(self, which: str) -> None:
        """Put the selected event's onset or offset on the play head, while playing on the picture shown
        (:func:`C.frame_seen`) (undoable; refused where it would cross the other boundary)."""
        ev = self.selected()
        if ev is None or ev.id is None:
            return
        f = C.frame_seen(self.win)
        if (which == "onset" and f > ev.offset) or (which == "offset" and f < ev.onset):
            where = "after the offset" if which == "onset" else "before the onset"
            self.message.emit(f"The play head is {where}: not moved", 4000)
            return
        if f == (ev.onset if which == "onset" else ev.offset):
            self.message.emit(f"{event_line(ev)} (the {which} is on the play head already)", 4000)
            return
        if which == "onset":
            self.apply_region(ev.id, f, ev.offset)
        else:
            self.apply_region(ev.id, ev.onset, f)

    def apply_region(self, event_id: int, onset: int, offset: int) -> None:
        """An event's new onset..offset (a drag, a nudge, a snap): one undoable edit, kept on the video's frames.
        Both ends moved by the same amount (the body dragged) move the event: its length and where its apex lies
        in it are kept, and it stops at the video's first or last frame. Otherwise each end is kept on the video
        and the apex inside. The status bar then names the event's new frames, and says when the apex moved with
        a boundary (the coded apex is changed by it)."""
        proj = self.win.project
        if proj is None:
            return
        before = proj.event(event_id)
        if before is None:
            self.reload()
            return
        last = max(0, self.win.frame_count - 1)
        shift = onset - before.onset
        pushed = ""  # the boundary that pushed the apex along, if one did
        if shift and offset - before.offset == shift:  # moved: the same frames, stopped at the video's ends
            shift = min(max(shift, -before.onset), last - before.offset)
            onset, apex, offset = before.onset + shift, before.apex + shift, before.offset + shift
        else:
            onset = min(max(onset, 0), last)
            offset = min(max(offset, onset), last)
            # an imputed apex (an import's middle frame) is imputed again for the new span, as imports do: left
            # where it was, it no longer looked imputed and the agreement report counted it as coded
            apex = with_span(before, onset, offset).apex
            if apex != before.apex and not apex_imputed(before):
                pushed = "onset" if apex == onset and before.apex < onset else "offset"
        if (onset, apex, offset) == (before.onset, before.apex, before.offset):
            self.reload()  # nothing changes (a drag against the video's end): the region goes back where it was
            return
        self.selected_event_id = event_id
        if not self.win.ctx.execute(C.EditEvent, event_id=event_id,
                                    changes={"onset": onset, "apex": apex, "offset": offset}):
            self.reload()  # refused (read-only) or not saved: the dragged region goes back
            return
        after = proj.event(event_id)
        if after is not None:  # the line left from before named the old frames
            self.message.emit(event_line(after) + (f" (apex moved to {after.apex} with the {pushed})" if pushed
                                                   else ""), 6000)

    # ---------------------------------------------------------------- marks
    def clear_marks(self) -> None:
        self.marks.clear()
        self.win.timeline.clear_selection()
        self.show_marks()

    def clear_marks_and_selection(self) -> None:
        """Esc (Edit > Clear marks and selection): the marks, the dragged range and the selected event, coded or
        behaviour, as docs/gui.md says; the event stayed selected, and Delete, Return or Shift+I/O after Esc still
        acted on it."""
        self.clear_marks()
        if self.selected_event_id is not None:
            self.select(None)
        if self.win.behaviours.selected_id is not None:  # a behaviour event too: Delete after Esc deleted it
            self.win.behaviours.select(None)

    def show_marks(self, say: bool = True) -> None:
        """Draw the pending marks on the timeline (and, with `say`, list them in the status bar)."""
        m = self.marks
        self.win.timeline.set_marks(m.onset, m.apex, m.offset)
        if say:
            parts = [f"{k} {v}" for k, v in (("onset", m.onset), ("apex", m.apex), ("offset", m.offset))
                     if v is not None]
            self.message.emit("marks: " + (", ".join(parts) or "none"), 5000)

    # ---------------------------------------------------------------- the coder
    def require_coder(self) -> str:
        if not self.coder:
            self.win.ctx.execute(C.SetCoder)
        if not self.coder:
            raise InputError("coder: set your coder name first (Edit > Set coder)")
        return self.coder

    def set_coder(self, name: str) -> None:
        name = name_key(name)  # NFC, as events store their coder, whoever calls this
        self.coder = name
        self.qsettings.setValue("coder", name)
        proj = self.win.project
        if proj is not None:
            proj.coder = name
            if not proj.read_only:
                proj.add_coder(name)

    # ---------------------------------------------------------------- undo
    def _refuse_while_compacting(self) -> None:
        """InputError while the project is compacted in a worker (Session.refuse_while_compacting): an undo or redo
        asks it first (ProjectUndoStack), as every command and edit does through CommandContext.execute and
        require_writable."""
        session = getattr(self.win, "session", None)  # (none yet while the window is being built)
        if session is not None:
            session.refuse_while_compacting()

    def push(self, cmd: ProjectCommand) -> None:
        """Do an edit, then put it on the undo stack: only an edit that was saved enters the history (a failed one
        raises a one-line error, shown by the command's dialog, and the view is reloaded from the project)."""
        cmd.guard = self.undo_guard
        cmd.perform()
        self._pushing = True
        try:
            self.undo_stack.push(cmd)
        finally:
            self._pushing = False

    def mark_steps(self) -> object:
        """Mark the steps in the history now (a re-run begins: the events they hold are numbered as the run it
        re-does numbers the faces, :func:`rerun_faces`); returns the mark."""
        mark = object()
        for i in range(self.undo_stack.count()):
            for c in _project_steps(self.undo_stack.command(i)):
                setattr(c, _MARK, mark)  # a step's state is its attributes: its twin (_moved) keeps it
        return mark

    def renumber_steps(self, renumber: Callable[[ProjectCommand, list[Any]], list[Any]]) -> None:
        """Give the events and behaviour events every step in the history holds the faces ``renumber(step, items)``
        gives them (a re-run set aside: those coded on its faces go to their person's in the run shown again)."""
        for i in range(self.undo_stack.count()):
            for c in _project_steps(self.undo_stack.command(i)):
                if not c.isObsolete():
                    _renumber_step(c, renumber)

    def push_background(self, cmd: ProjectCommand,
                        renumber: Callable[[ProjectCommand, list[Any]], list[Any]] | None = None) -> None:
        """:meth:`push` a step that happened without the coder (a re-run ending) where the coder stands in the
        history, keeping the steps they undid redoable above it (a plain push drops them: Ctrl+Z during a re-run
        then lost "Add negative 70-75" for good). Those steps are moved still undone: nothing in the project changes
        but ``cmd``'s own change. ``renumber(step, items)``: the events and behaviour events a moved step holds, as
        they are to be above ``cmd`` (a re-run numbers the people anew: a redo must put an event on its person's
        face in it, not on the number that person had before); a :class:`RerunFaces` also renumbers the steps left
        below ``cmd`` (``below``)."""
        stack = self.undo_stack
        index = stack.index()
        # (a macro too: an ELAN import with behaviour tiers is one, its events' step and its behaviour events':
        # (its text, its steps' twins), pushed again as a macro)
        undone = [(None if isinstance(c, ProjectCommand) else c.text(), [_moved(s) for s in _project_steps(c)])
                  for c in (stack.command(i) for i in range(index, stack.count()))
                  if any(not s.isObsolete() for s in _project_steps(c))]
        parts = [s for _, steps in undone for s in steps]
        if renumber is not None:
            for s in parts:
                _renumber_step(s, renumber)
        if isinstance(renumber, RerunFaces):  # those done stay below it: redone only with the run it re-did back
            for i in range(index):
                for step in _project_steps(stack.command(i)):
                    if not step.isObsolete():
                        _renumber_step(step, renumber.below)
        self.push(cmd)  # QUndoStack deletes the undone steps: their twins go back above it
        if not undone:
            return
        self._pushing = True  # no "Undone: ..." lines: the coder did nothing
        try:
            for macro, steps in undone:
                if macro is not None:
                    stack.beginMacro(macro)
                for s in steps:
                    s._performed = True  # undone in the project already: the push's redo() must not do it
                    stack.push(s)
                    s._undo = _nothing  # type: ignore[method-assign]  # ... nor setIndex's undo() undo it again
                if macro is not None:
                    stack.endMacro()
            stack.setIndex(index + 1)
        finally:
            for s in parts:
                vars(s).pop("_undo", None)
            self._pushing = False

    def _undo_index_changed(self, index: int) -> None:
        """An undo or redo (a key, the menu, a click in the history): the status message said something about the
        state before it, so it is replaced by what was undone or redone."""
        alone = not self._pushing and self.undo_guard.failed_alone(index - self._undo_index)
        if not self._pushing and self.undo_guard.settle(self.undo_stack):
            return  # a failure stopped it; the steps left out of step are gone and the call for that index said it
        before, self._undo_index = self._undo_index, index
        if alone:  # nothing was undone: the stack removed the step that failed ("Could not undo ...", coming)
            self._undo_line = None
            return
        if self._pushing or index == before or self.undo_guard.taken_back:
            return  # (taken back: a jump that failed part-way, its line coming; the stack is where the project is)
        undone = index < before
        cmd = self.undo_stack.command(index if undone else index - 1)
        steps = f" {abs(index - before)} steps, the last" if abs(index - before) > 1 else ""  # a history click
        text = "" if cmd is None else f"{'Undone' if undone else 'Redone'}{steps}: {cmd.text()}"
        # a step of another video (the history is the project's): go to that video, so the change is seen
        # (a macro, an ELAN import with behaviour tiers: the one video its steps name)
        parts = _project_steps(cmd)
        vids = {s.video_id for s in parts if s.video_id is not None}
        vid = vids.pop() if len(vids) == 1 else None
        win = self.win
        # back to where the change is (an undone reject: the proposal it reopened, not the next one)
        focus = next((f for s in parts if (f := s.focus_id(undone)) is not None), None)

        def show_focus() -> None:
            note = ""
            if focus is not None and self.find(focus) is not None:
                self.select(focus, seek=True)
                # one the events filter hides: cleared, as for a new or edited event (it was selected out of sight)
                note = self.show_anyway(focus, "restored" if undone else "redone")
            elif focus is not None:  # a hidden coder's (View > Coders shown): named as hidden, left so
                note = self.hidden_note(focus)
            # after a switch this comes once the other video is shown, and the switch wrote its own line then (the
            # stored analysis, or none): the last undo or redo's line again, unless a new step came since
            line = self._undo_line[1] if self._undo_line is not None and self._undo_line[0] == self._undo_index \
                else ""
            if line or note:
                self.message.emit(with_note(line, note), 8000 if note else 4000)

        name = None
        if vid is not None and win.project is not None and win.video is not None and win.video.id != vid:
            try:
                name = win.project.video(vid).name
            except KeyError:  # the video left the project since: nothing to show
                name = None
        if name is not None:
            text += f" (on {name})"
        self._undo_line = (index, text)
        if name is not None and vid is not None:
            self.message.emit(text, 4000)  # at once, and again by show_focus once the video is shown
            # once shown: an open that outlasts the grace shows it later (the event was looked for in the old one)
            with warnings.catch_warnings(record=True) as caught:
                win.session.select_video(vid, then=show_focus)
            if notes := C.user_notes(caught):  # "a.avi: found renamed, as ...": said as a command's are
                self._undo_line = (index, f"{text}; {'; '.join(dict.fromkeys(notes))}")
                self.message.emit(self._undo_line[1], 15000)
        else:
            show_focus()  # "" clears the old line

    def push_add(self, event: Event) -> AddEventCommand:
        """Add an event (undoable); NewEvent then shows it (:meth:`show_anyway`) and names it."""
        cmd = AddEventCommand(self.win.require_writable(), event, self.reload)
        self.push(cmd)
        return cmd

    def push_edit(self, before: Event, after: Event) -> None:
        """Edit an event (undoable), shown where the filter would hide it, the status line saying what was edited
        ("Edited positive 47-54", the undo step's words; it said nothing, the line before it staying)."""
        cmd = EditEventCommand(self.win.require_writable(), before, after, self.reload)
        self.push(cmd)
        note = self.show_anyway(after.id, "edited")
        self.message.emit(with_note(f"Edited {cmd.text().removeprefix('Edit ')}", note), 8000 if note else 4000)

    def push_delete(self, event: Event) -> None:
        """Delete an event (undoable), never one the table's filter hides: the coder would not see what went (the
        table shows no row selected); the status line says how to reach it."""
        if self.win.table.model_.hides(event):
            self.message.emit(f"Not deleted: {event_line(event)} is hidden by the events filter "
                              f"'{self.filter_text()}' (clear it, Esc in the filter, to see and delete it)", 6000)
            return
        self.push(DeleteEventCommand(self.win.require_writable(), event, self.reload))
        self.message.emit(f"Deleted: {event_line(event)} (Ctrl+Z brings it back)", 6000)  # not its line left over

    def push_status(self, event: Event, status: str) -> None:
        proj = self.win.require_writable()
        self.push(set_status(proj, event, status, self.require_coder(), self.reload))

    def push_import(self, events: list[Event], text: str, replaces: Sequence[Event] = (),
                    coded: dict[int, list[str]] | None = None, settings: dict[str, Any] | None = None) -> None:
        """An import as one undo step (all its events added, or removed, in one transaction; ``replaces``: the
        events it replaces, removed in that transaction; ``coded`` and ``settings``: see ImportEventsCommand)."""
        self.push(ImportEventsCommand(self.win.require_writable(), events, self.reload, text, replaces=replaces,
                                      coded=coded, settings=settings))


def with_note(line: str, note: str) -> str:
    """A status line and the note :meth:`Coding.show_anyway` returned, in brackets after it ("" notes nothing)."""
    return f"{line} ({note})" if line and note else line or note


def _moved(cmd: ProjectCommand) -> ProjectCommand:
    """A twin of an undo step, to outlive the original that QUndoStack deletes when a push drops it: the same
    class and state (a step's state is its Python attributes), in a new Qt object with the same texts."""
    twin = type(cmd).__new__(type(cmd))
    text, action = cmd.text(), cmd.actionText()
    QUndoCommand.__init__(twin, text if action == text or not text else f"{text}\n{action}")
    vars(twin).update(vars(cmd))
    return twin


def _project_steps(cmd: QUndoCommand | None) -> list[ProjectCommand]:
    """The project steps an undo step is: itself, or a macro's (commands.ImportEvents: an ELAN file's events and
    behaviour events, one step made of two), [] where a step of it is none."""
    if isinstance(cmd, ProjectCommand):
        return [cmd]
    if cmd is None or not cmd.childCount():
        return []
    parts = [cmd.child(i) for i in range(cmd.childCount())]
    return [c for c in parts if isinstance(c, ProjectCommand)] if all(isinstance(c, ProjectCommand)
                                                                       for c in parts) else []


_MARK = "rerun_mark"  # the attribute Coding.mark_steps sets


class RerunFaces:
    """:meth:`Coding.push_background`'s ``renumber`` for a re-run of ``video_id`` (``old_run`` re-done by
    ``new_run``), called for a step the coder undid, moved above the re-run's: a step in the history as it began
    (``mark``, Coding.mark_steps) holds events numbered as ``old_run``: each goes to its person's face in ``new_run``
    (project.faces.same_person_items); a step made while it went, only those still as they were then (``at_start``,
    project.faces.faces_at_start: the rest were coded on the re-run's faces). :meth:`below`: for a step made while it
    went and left below the re-run's (done): it runs again only once an undo of the re-run has put ``old_run`` back,
    so what it holds on the re-run's faces goes to its person's face there, as the undo moves the events
    (EVENT_FACES' "coded_during")."""

    def __init__(self, project: Project, video_id: int, old_run: int, new_run: int,
                 at_start: Mapping[tuple[str, int], int] | None, mark: object | None) -> None:
        self.project, self.video_id, self.old_run, self.new_run = project, video_id, old_run, new_run
        self.at_start, self.mark = at_start, mark
        self.below = set_aside_faces(project, video_id, new_run, old_run, at_start, mark)

    def __call__(self, step: ProjectCommand, items: list[Any]) -> list[Any]:
        before = self.mark is not None and getattr(step, _MARK, None) is self.mark
        if (not before and self.at_start is None) or not _of_video(step, self.video_id):
            return items
        return same_person_items(self.project, self.video_id, self.old_run, self.new_run, items,
                                 None if before else self.at_start)[0]


def rerun_faces(project: Project, video_id: int, old_run: int, new_run: int,
                at_start: Mapping[tuple[str, int], int] | None, mark: object | None) -> RerunFaces:
    """:class:`RerunFaces` for a re-run of ``video_id`` that ended complete (``old_run`` re-done by ``new_run``)."""
    return RerunFaces(project, video_id, old_run, new_run, at_start, mark)


def set_aside_faces(project: Project, video_id: int, left_run: int, back_run: int,
                    at_start: Mapping[tuple[str, int], int] | None,
                    mark: object | None) -> Callable[[ProjectCommand, list[Any]], list[Any]]:
    """:meth:`Coding.renumber_steps`'s ``renumber`` for a re-run of ``video_id`` (``left_run``) cancelled or failed,
    the complete run it re-did (``back_run``) made active again: a step made while it went (no ``mark``) holds
    events coded on its faces (those not as they were at its start, ``at_start``): each goes to its person's face
    in ``back_run``, as the project's did (project.faces.faces_back). A step from before it is left alone."""
    def renumber(step: ProjectCommand, items: list[Any]) -> list[Any]:
        if at_start is None or (mark is not None and getattr(step, _MARK, None) is mark) or \
                not _of_video(step, video_id):
            return items
        return same_person_items(project, video_id, left_run, back_run, items, at_start, during=True)[0]
    return renumber


def _of_video(step: ProjectCommand, video_id: int) -> bool:
    """Whether ``step`` may hold ``video_id``'s data: its video, or several (None; each event says its own)."""
    return step.video_id is None or step.video_id == video_id


def _renumber_step(cmd: ProjectCommand, renumber: Callable[[ProjectCommand, list[Any]], list[Any]]) -> None:
    """Give the events and behaviour events ``cmd`` holds (AddEventCommand.event, EditEventCommand.before/after,
    ImportEventsCommand.events, BehaviourEventCommand.before/after, ...: a step's state is its attributes) the
    faces ``renumber`` gives them. A re-run's own step is left alone (its proposals are its runs'); a step whose
    face is its own (a "Neutral frames" step: gui.neutral.NeutralCommand) renumbers itself (``renumber_faces``)."""
    if isinstance(cmd, RerunAnalysisCommand):
        return
    if (own := getattr(cmd, "renumber_faces", None)) is not None:
        own(renumber)
        return
    held: list[tuple[str, int | None]] = []  # (attribute, index in its list or None) of each item, in order
    items: list[Any] = []
    for name, value in vars(cmd).items():
        for i, v in ([(None, value)] if not isinstance(value, list) else list(enumerate(value))):
            if isinstance(v, Event | BehaviourEvent):
                held.append((name, i))
                items.append(v)
    if not items:
        return
    lists: dict[str, list[Any]] = {}  # new lists: the dropped original shares the old ones
    for (name, i), new in zip(held, renumber(cmd, items), strict=True):
        if i is None:
            setattr(cmd, name, new)
        else:
            lists.setdefault(name, list(getattr(cmd, name)))[i] = new
    for name, value in lists.items():
        setattr(cmd, name, value)


def _nothing() -> None:
    return None
