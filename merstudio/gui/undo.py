"""Every event edit is a QUndoCommand over the project store (each redo/undo is one committed transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from merstudio.project import Event, Project

Notify = Callable[[], None]


def _describe(e: Event) -> str:
    what = e.emotion or "event"
    return f"{what} {e.onset}-{e.offset}"


class AddEventCommand(QUndoCommand):
    def __init__(self, project: Project, event: Event, notify: Notify, text: str | None = None) -> None:
        super().__init__(text or f"Add {_describe(event)}")
        self.project, self.event, self.notify = project, event.validated(), notify

    def redo(self) -> None:
        # the first redo assigns the id; later redos restore the event under the same id
        self.event = self.project.add_event(self.event)
        self.notify()

    def undo(self) -> None:
        self.project.delete_event(self.event.id)  # type: ignore[arg-type]
        self.notify()


class EditEventCommand(QUndoCommand):
    def __init__(self, project: Project, before: Event, after: Event, notify: Notify,
                 text: str | None = None) -> None:
        super().__init__(text or f"Edit {_describe(after)}")
        self.project, self.before, self.after, self.notify = project, before, after.validated(), notify

    def redo(self) -> None:
        self.project.update_event(self.after)
        self.notify()

    def undo(self) -> None:
        self.project.update_event(self.before)
        self.notify()


class DeleteEventCommand(QUndoCommand):
    def __init__(self, project: Project, event: Event, notify: Notify) -> None:
        super().__init__(f"Delete {_describe(event)}")
        self.project, self.event, self.notify = project, event, notify

    def redo(self) -> None:
        self.event = self.project.delete_event(self.event.id)  # type: ignore[arg-type]
        self.notify()

    def undo(self) -> None:
        self.project.add_event(self.event)
        self.notify()


def set_status(project: Project, event: Event, status: str, coder: str, notify: Notify) -> EditEventCommand:
    """Accept or reject a proposal: the reviewer becomes its coder, the source stays "model"."""
    verb = {"accepted": "Accept", "rejected": "Reject", "proposal": "Reopen"}[status]
    after = replace(event, status=status, coder=coder or event.coder)
    return EditEventCommand(project, event, after, notify, text=f"{verb} {_describe(event)}")


class ImportEventsCommand(QUndoCommand):
    """An import of annotation-file events as one undoable step: redo adds them all in one transaction, undo
    deletes them all in one transaction (events keep their ids, so a redo after an undo restores the same ones)."""

    def __init__(self, project: Project, events: list[Event], notify: Notify, text: str) -> None:
        super().__init__(text)
        self.project, self.events, self.notify = project, [e.validated() for e in events], notify

    def redo(self) -> None:
        for c in sorted({e.coder for e in self.events if e.coder} - set(self.project.coders())):
            self.project.add_coder(c)
        self.events = self.project.add_events(self.events)
        self.notify()

    def undo(self) -> None:
        self.project.delete_events([e.id for e in self.events if e.id is not None])
        self.notify()
