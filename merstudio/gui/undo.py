"""Every event edit is a QUndoCommand over the project store (each redo/undo is one committed transaction).

The undo history never gets out of step with the project:

- A new edit is *performed first* (``perform()``) and pushed only when it succeeded: ``QUndoStack.push`` calls
  ``redo()`` once more, which then does nothing. A failed edit raises (a one-line OutputError from the store),
  never reaches the stack and leaves the project as it was (every store write is one transaction).
- An undo or redo that fails later (a full disk, a lock held elsewhere, a re-run whose run is gone) leaves the
  project as it was, makes its command obsolete, which QUndoStack removes from the history, and stops the rest of
  that stack operation (a click in the undo history undoes several commands): those commands are dropped without
  touching the project, and so is every step beyond them (``StepGuard.settle``: below a step dropped still done, an
  undo would start from a project it did not leave). What is left on the stack still matches the project;
  ``StepGuard`` reports the failure once, in one line.
- That stop lasts one stack operation: the next undo or redo (a Ctrl+Z queued behind the failed one, before the
  failure is reported) is an operation of its own, and the history view is told of every step removed (a failed
  redo removes one without moving the index, which is all QUndoView listens to).
- A jump of several steps at once (a click in the undo history, ``setIndex``) is one transaction and one reload at
  its end (``ProjectUndoStack.setIndex``): 300 steps, each its own commit synced to the disk and its own reload,
  held the window 11.8 s. All or nothing: where a step fails, the whole jump is taken back, the stack goes back to
  where it was and only that step leaves the history, as after a failed Ctrl+Z.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import SIGNAL, SLOT, QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QUndoView, QWidget

from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.project import Event, Project

log = logging.getLogger(__name__)
Notify = Callable[[], None]


def _describe(e: Event) -> str:
    what = e.emotion or "event"
    return f"{what} {e.onset}-{e.offset}"


def _plain(exc: BaseException, project: Project) -> MerstudioError:
    """A store fault as a one-line user-facing error (the store already raises those; this covers the rest)."""
    if isinstance(exc, MerstudioError):
        return exc
    if isinstance(exc, OSError):
        return OutputError(f"{project.path}: the edit was not saved ({exc.strerror or exc})")
    if isinstance(exc, sqlite3.Error):
        return OutputError(f"{project.path}: the edit was not saved ({exc})")
    return OutputError(f"{project.path}: the edit was not saved ({type(exc).__name__}: {exc})")


# input that starts a new stack operation (a key, its shortcut, a click): Qt runs one operation within one call, so
# none of these arrives while it runs
_USER_INPUT = frozenset((QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut, QEvent.Type.KeyPress,
                         QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick))


class _NextInput(QObject):
    """Calls ``end`` at the next user input anywhere in the app (installed only while a stopped operation waits to
    be settled): a Ctrl+Z delivered after a failed redo, before its report, starts an operation of its own."""

    def __init__(self, end: Callable[[], None], parent: QObject | None) -> None:
        super().__init__(parent)  # gone with the window: Qt drops a deleted filter
        self._end = end

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _USER_INPUT:
            self._end()
        return False


class StepGuard:
    """Shared by the commands of one QUndoStack: turns a failed undo/redo into an obsolete command (removed by the
    stack), drops the remaining steps of the same stack operation, and reports once through ``report``. The stack's
    owner calls :meth:`settle` when its index changes (the end of an operation); an operation that ends without
    moving the index (a failed redo) is settled at the next input, at the next step the other way, or when the
    failure is reported, whichever comes first."""

    def __init__(self, report: Callable[[str], None], context: QObject | None = None,
                 status: Callable[[str], None] | None = None) -> None:
        self.report = report
        self.status = status  # the status bar: a step that failed alone says so there ("Could not undo ...")
        self.context = context  # the report is dropped when this object is gone (a closed window)
        self.failed: str | None = None  # the failure's line, until reported
        # the status line of the step that failed, said with the report where it was the operation's only step (a
        # single Ctrl+Z or Ctrl+Shift+Z): dropped where other steps of it were done (the index change says those)
        self.refused: str | None = None
        self._alone = False  # failed_alone's answer for the operation, until reported
        self._verb: str | None = None  # "Undo" / "Redo": an operation stopped by a failure, until settled
        self._passed = 0  # the steps it passed over without doing them (obsolete: the stack removes them)
        self._stack: QUndoStack | None = None  # the stack settle() was given (an undo comes before any redo)
        self._watch: _NextInput | None = None  # installed while a stopped operation waits to be settled
        self.jump: _Jump | None = None  # a jump of several steps in one transaction (ProjectUndoStack.setIndex)
        self.replay = False  # the stack put back where a jump taken back left the project: its steps do nothing
        self.taken_back = False  # while the stack says the end of a jump taken back: nothing was undone or redone

    def step(self, cmd: ProjectCommand, action: Callable[[], None], verb: str) -> None:
        jump = self.jump
        if self.replay or (jump is not None and jump.failed is not None):
            return  # (a jump: the steps after a failed one are taken back with the rest; the stack keeps them)
        if self._verb is not None and verb != self._verb:  # one operation goes one way: this is the next one
            self._end()
        if self._verb is not None:  # an earlier step of this undo/redo failed: leave the project where it is
            cmd.setObsolete(True)
            self._passed += 1
            return
        try:
            action()
        except Exception as exc:  # whatever it was, the project did not change and the stack must say so
            if not isinstance(exc, (MerstudioError, sqlite3.Error, OSError)):
                log.error("%s of %r failed:\n%s", verb, cmd.text(), traceback.format_exc())
            cmd.setObsolete(True)
            if jump is not None:  # the jump is taken back whole at its end (ProjectUndoStack._jump)
                jump.failed = f"{verb} of “{cmd.text()}” failed: {_plain(exc, cmd.project)}"
                return
            self._verb = verb
            self._watch_input()
            self.refused = f"Could not {verb.lower()} “{cmd.text()}”: {_plain(exc, cmd.project)}; nothing changed"
            self.say(f"{verb} of “{cmd.text()}” failed: {_plain(exc, cmd.project)}. That step left the project "
                     "unchanged and was removed from the undo history")
        finally:
            if jump is None:
                cmd.notify()
            elif cmd.notify not in jump.notify:  # once, after the jump (each step's reload took its share)
                jump.notify.append(cmd.notify)

    def say(self, line: str) -> None:
        """Report ``line`` after the stack operation (which may step over more commands)."""
        self.failed = line
        if self.context is not None:
            QTimer.singleShot(0, self.context, self._flush)
        else:
            QTimer.singleShot(0, self._flush)

    def failed_alone(self, moved: int) -> bool:
        """At the stack's index change (``moved``: the new index less the old), before :meth:`settle`: whether it
        is the removal of a step that failed alone (an undo of one step, nothing undone: QUndoStack removed the
        step and moved the index past it), whose line then comes with the report in place of "Undone: ...". A
        failed redo moves no index: its line comes with the report, unless an index change said other steps."""
        if self.refused is None:
            return False
        if self._verb is None:  # the index change settle() makes (the steps beyond left out): as the first said
            return self._alone
        # the failed step and those passed over after it (not done) leave the stack, the index past them: nothing
        # was undone where it moved by just those (a read-only project's history click: its first step fails)
        self._alone = self._verb == "Undo" and moved == -(1 + self._passed)
        if not self._alone:
            self.refused = None  # other steps were done: the index change and the report say it
        return self._alone

    def settle(self, stack: QUndoStack) -> bool:
        """After a stack operation that a failure stopped having passed over steps (a click in the undo history
        several rows away): the steps beyond those, which QUndoStack keeps (below the row clicked for an undo,
        above it for a redo), leave the history too, without touching the project. A step passed over stays done
        (or undone) in the project, so the steps beyond it would start from a project they did not leave (an "Add
        event" under a "Delete" of it that stayed done finds no event to delete). Returns whether the stack's index
        moved (its indexChanged was then emitted again, from here)."""
        self._stack = stack
        self._unwatch()
        verb, passed = self._verb, self._passed
        self._verb, self._passed = None, 0
        if verb is None or not passed:
            return False
        index = stack.index()
        beyond = range(index) if verb == "Undo" else range(index, stack.count())
        for i in beyond:
            stack.command(i).setObsolete(True)  # ProjectCommand: an obsolete step does nothing
        dropped = passed + len(beyond)
        if self.failed is not None:
            steps = f"{dropped} {'earlier' if verb == 'Undo' else 'later'} step{'s' if dropped > 1 else ''}"
            self.failed += (f"; the {verb.lower()} stopped there, and the {steps} left the history too "
                            f"({'still done' if verb == 'Undo' else 'not redone'})")
        # the stack steps over the obsolete steps (doing nothing) and removes them
        stack.setIndex(0 if verb == "Undo" else stack.count())
        return stack.index() != index

    def _end(self) -> None:
        """The stopped operation is over though the index did not move (a failed redo: QUndoStack removed the step
        and emitted no indexChanged): settle it, and tell the history view, whose model resets on indexChanged and
        cleanChanged only (it kept the removed row)."""
        self._unwatch()
        stack = self._stack
        if self._verb is None or stack is None:  # settled already; or a stack never settled (none to tell)
            self._verb, self._passed = None, 0
            return
        if not self.settle(stack):
            stack.cleanChanged.emit(stack.isClean())  # the clean state as it is: the view reads the stack again

    def _watch_input(self) -> None:
        app = QCoreApplication.instance()
        if self._watch is None and app is not None:
            self._watch = _NextInput(self._end, self.context)
            app.installEventFilter(self._watch)

    def _unwatch(self) -> None:
        watch, self._watch = self._watch, None
        app = QCoreApplication.instance()
        if watch is not None and app is not None:
            try:
                app.removeEventFilter(watch)
                watch.deleteLater()  # may be the filter calling this: not deleted under its own feet
            except RuntimeError:  # deleted with its window: Qt dropped it already
                pass

    def _flush(self) -> None:
        if self._verb is not None:  # a failed single redo (no index change to settle at) ends here at the latest
            self._end()
        msg, self.failed = self.failed, None
        refused, self.refused, self._alone = self.refused, None, False
        if refused and self.status is not None:
            self.status(refused)
        if msg:
            self.report(msg + ".")


class _Jump:
    """A jump of several steps in one transaction, while it runs: the first step that failed (its line) and what
    to call once it has ended (each step's ``notify``, once)."""

    def __init__(self) -> None:
        self.failed: str | None = None
        self.notify: list[Notify] = []


class _TakenBack(Exception):
    """Rolls a jump's transaction back: one of its steps failed."""


class ProjectUndoStack(QUndoStack):
    """The project's undo history, whose undo and redo ask ``refuse`` first (Coding: Session.refuse_while_compacting,
    a one-line InputError while the project is compacted in a worker: the VACUUM holds the project's lock, and an
    undo meanwhile waited on it, the window frozen until it ended). A refused undo or redo says its line through
    ``report`` and leaves the stack and the project as they were. The Undo and Redo actions made here
    (createUndoAction / createRedoAction) go through these methods: QUndoStack's own call its C++ slots, which
    ask nothing. A click in the history view sets the index in C++ too; it is user input, which the app holds
    back while a compaction runs (workers.call_in_worker)."""

    def __init__(self, parent: QObject | None = None, refuse: Callable[[], None] | None = None,
                 report: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self._refuse, self._report = refuse, report
        self._jumping = False

    def _refused(self) -> bool:
        if self._refuse is None:
            return False
        try:
            self._refuse()
        except MerstudioError as exc:
            if self._report is not None:
                self._report(str(exc))
            return True
        return False

    def undo(self) -> None:
        if not self._refused():
            super().undo()

    def redo(self) -> None:
        if not self._refused():
            super().redo()

    def setIndex(self, idx: int) -> None:  # noqa: N802 - Qt's name
        """Go to ``idx`` (undo or redo every step between): a jump of several steps is one transaction and one
        reload at its end (:meth:`_jump`); one step, or a jump over a step that must run on its own, steps as
        QUndoStack does. The history view's clicks come here (HistoryView); QUndoStack's C++ callers do not."""
        idx = max(0, min(int(idx), self.count()))
        start = self.index()
        steps = [self.command(i) for i in (range(idx, start) if idx < start else range(start, idx))]
        live = [c for c in steps if isinstance(c, ProjectCommand) and not c.isObsolete()]
        guards = {c.guard for c in live}
        projects = {id(c.project): c.project for c in live}
        if self._jumping or len(live) < 2 or len(live) < sum(not c.isObsolete() for c in steps) or \
                len(guards) != 1 or len(projects) != 1 or not all(c.joins_jump() for c in live):
            super().setIndex(idx)
            return
        guard, project = next(iter(guards)), next(iter(projects.values()))
        # (read-only: each step fails as it would alone; a failed step's operation not yet settled: this one goes
        # on from it, as StepGuard.step has it)
        if guard is None or project.read_only or guard._verb is not None:
            super().setIndex(idx)
            return
        self._jump(idx, guard, project, len(live))

    def _jump(self, idx: int, guard: StepGuard, project: Project, n: int) -> None:
        """:meth:`setIndex` of ``n`` steps in one transaction (Project.transaction: one commit synced to the disk
        where each step synced its own), the stack's signals held until its end and each step's reload done once
        then. All or nothing: where a step fails (or the commit does), the transaction is rolled back, the stack
        goes back to where it was, doing nothing (the project is there), and the step that failed leaves the
        history (QUndoStack removes it), as after a failed Ctrl+Z; the line says so."""
        start, clean = self.index(), self.isClean()
        before = [self.command(i) for i in range(self.count())]
        verb = "undo" if idx < start else "redo"
        jump, line = _Jump(), ""
        self._jumping, guard.jump = True, jump
        blocked = self.blockSignals(True)  # said once, below, after the reload: as one step says it
        cursor = isinstance(QCoreApplication.instance(), QApplication)
        if cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # no event loop turns meanwhile
        try:
            try:
                with project.transaction():
                    super().setIndex(idx)
                    if jump.failed is not None:
                        raise _TakenBack
            except _TakenBack:
                line = (f"{jump.failed}. The {verb} of {n} steps was taken back whole: the project is as it was "
                        "before it, and only the step that failed left the undo history")
            except (MerstudioError, sqlite3.Error, OSError) as exc:  # the commit (or the BEGIN) failed
                jump.failed = line = (f"The {verb} of {n} steps was not saved: {_plain(exc, project)}. The "
                                      "project and the undo history are as they were before it")
            if jump.failed is not None:  # the project is as it was: so is the stack, less the step that failed
                left = {id(self.command(i)) for i in range(self.count())}
                guard.replay = True
                try:
                    super().setIndex(sum(id(c) in left for c in before[:start]))
                finally:
                    guard.replay = False
                guard.say(line)
        finally:
            guard.jump, self._jumping = None, False
            self.blockSignals(blocked)
            if cursor:
                QApplication.restoreOverrideCursor()
        for notify in jump.notify:
            notify()
        self._say_state(start, clean, taken_back=jump.failed is not None, guard=guard)

    def _say_state(self, start: int, clean: bool, taken_back: bool, guard: StepGuard) -> None:
        """What QUndoStack emits at the end of a setIndex (held during a jump), once."""
        guard.taken_back = taken_back
        try:
            if self.index() != start:
                self.indexChanged.emit(self.index())
            if self.isClean() != clean or self.index() == start:  # (the history view reads the stack again)
                self.cleanChanged.emit(self.isClean())
        finally:
            guard.taken_back = False
        self.canUndoChanged.emit(self.canUndo())
        self.canRedoChanged.emit(self.canRedo())
        self.undoTextChanged.emit(self.undoText())
        self.redoTextChanged.emit(self.redoText())

    def createUndoAction(self, parent: QObject, prefix: str = "") -> QAction:  # noqa: N802 - Qt override
        return self._asking(super().createUndoAction(parent, prefix), self.undo)

    def createRedoAction(self, parent: QObject, prefix: str = "") -> QAction:  # noqa: N802 - Qt override
        return self._asking(super().createRedoAction(parent, prefix), self.redo)

    @staticmethod
    def _asking(action: QAction, step: Callable[[], None]) -> QAction:
        """``action`` (QUndoStack's: its text and enabled state follow the stack) triggering ``step``, this class's
        undo or redo, in place of the C++ slot QUndoStack connected (its only connection to ``triggered``)."""
        action.triggered.disconnect()
        action.triggered.connect(step)
        return action


class ProjectCommand(QUndoCommand):
    """A QUndoCommand whose first do happens in ``perform()``, before it is pushed (see the module docstring)."""

    # the video the step changes: its undo or redo opens that video and names it (Coding); None: the project's
    # (a behaviour's definition) or several videos' (an import)
    video_id: int | None = None

    def __init__(self, text: str, project: Project, notify: Notify) -> None:
        super().__init__(text)
        self.project, self.notify = project, notify
        self.guard: StepGuard | None = None
        self._performed = False

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    def focus_id(self, undone: bool) -> int | None:
        """The event to select and show after this step is undone (``undone``) or redone: where the change is."""
        return None

    def joins_jump(self) -> bool:
        """Whether its do and undo can be a part of a jump's one transaction (ProjectUndoStack.setIndex): they run
        here, on the GUI thread. A face-track edit given the window (faces.FaceEditCommand, ``win``) runs in a
        worker, which would wait for the project's lock that transaction holds: a jump over one steps one by one."""
        return getattr(self, "win", None) is None

    def perform(self) -> None:
        """Do the edit now; raises a one-line MerstudioError (and changes nothing) when it cannot be saved."""
        try:
            self._do()
        except (sqlite3.Error, OSError) as exc:
            raise _plain(exc, self.project) from None
        finally:
            self.notify()
        self._performed = True

    def redo(self) -> None:
        if self._performed:  # QUndoStack.push calls redo() right after perform(): already done
            self._performed = False
            return
        self._run(self._do, "Redo")

    def undo(self) -> None:
        self._run(self._undo, "Undo")

    def _run(self, action: Callable[[], None], verb: str) -> None:
        if self.isObsolete():  # dropped from the history (StepGuard.settle): the stack steps over it on the way out
            return
        if self.guard is None:
            self.guard = StepGuard(lambda msg: None)
        self.guard.step(self, action, verb)


class AddEventCommand(ProjectCommand):
    def __init__(self, project: Project, event: Event, notify: Notify, text: str | None = None) -> None:
        super().__init__(text or f"Add {_describe(event)}", project, notify)
        self.event = event.validated()
        self.video_id = event.video_id

    def _do(self) -> None:
        # the first do assigns the id; later redos restore the event under the same id
        self.event = self.project.add_event(self.event)

    def _undo(self) -> None:
        self.project.delete_event(self.event.id)  # type: ignore[arg-type]

    def focus_id(self, undone: bool) -> int | None:
        return None if undone else self.event.id


class EditEventCommand(ProjectCommand):
    def __init__(self, project: Project, before: Event, after: Event, notify: Notify,
                 text: str | None = None) -> None:
        super().__init__(text or f"Edit {_describe(after)}", project, notify)
        self.before, self.after = before, after.validated()
        self.video_id = after.video_id

    def _do(self) -> None:
        self.project.update_event(self.after)

    def _undo(self) -> None:
        self.project.update_event(self.before)

    def focus_id(self, undone: bool) -> int | None:
        return self.after.id


class DeleteEventCommand(ProjectCommand):
    def __init__(self, project: Project, event: Event, notify: Notify) -> None:
        super().__init__(f"Delete {_describe(event)}", project, notify)
        self.event = event
        self.video_id = event.video_id

    def _do(self) -> None:
        self.event = self.project.delete_event(self.event.id)  # type: ignore[arg-type]

    def _undo(self) -> None:
        self.project.add_event(self.event)

    def focus_id(self, undone: bool) -> int | None:
        return self.event.id if undone else None


def set_status(project: Project, event: Event, status: str, coder: str, notify: Notify) -> EditEventCommand:
    """Accept or reject a proposal: the reviewer becomes its coder, the source stays "model"."""
    verb = {"accepted": "Accept", "rejected": "Reject", "proposal": "Reopen"}[status]
    after = replace(event, status=status, coder=coder or event.coder)
    return EditEventCommand(project, event, after, notify, text=f"{verb} {_describe(event)}")


class ImportEventsCommand(ProjectCommand):
    """An import of annotation-file events as one undoable step: redo adds them all, with their new coders, in one
    transaction, undo deletes them all in one transaction (events keep their ids, so a redo after an undo restores
    the same ones). A failed import adds nothing and registers no coder. ``replaces``: the project's events the
    import replaces (a coder's corrected file): removed with the same transaction, put back (same ids) by undo.
    ``coded`` ({video id: coders}): recorded as having coded the video (Project.coded_by), a record undo takes
    back when this import made it. ``settings`` ({key: value}): project settings the import sets (an ELAN file's
    media offset and linked media, ``elan_media/<video>``; the tier mapping remembered for its tiers), written in the
    events' transaction (a fault leaves neither): undo puts back what each held before (or removes it) in the
    transaction that takes the events back, redo sets it again."""

    def __init__(self, project: Project, events: list[Event], notify: Notify, text: str,
                 replaces: Sequence[Event] = (), coded: dict[int, list[str]] | None = None,
                 settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(text, project, notify)
        self.events = [e.validated() for e in events]
        self.replaces = list(replaces)
        self.coded = dict(coded or {})
        self.recorded: dict[int, list[str]] = {}
        self.settings = dict(settings or {})
        self.settings_before: dict[str, Any] = {}  # each setting's value before the import (None: none)
        videos = {e.video_id for e in [*self.events, *self.replaces]} | set(self.coded)
        self.video_id: int | None = videos.pop() if len(videos) == 1 else None

    def _do(self) -> None:
        new = {e.coder for e in self.events if e.coder} - set(self.project.coders())
        self.recorded = {v: sorted(set(cs) - set(self.project.coded_by(v))) for v, cs in self.coded.items()}
        before = {k: self.project.get_setting(k) for k in self.settings}
        self.replaces, self.events = self.project.replace_events(
            [e.id for e in self.replaces if e.id is not None], self.events, coders=sorted(new),
            coded=self.coded, settings=self.settings)
        self.settings_before = before

    def _undo(self) -> None:
        self.project.replace_events([e.id for e in self.events if e.id is not None], self.replaces,
                                    uncoded=self.recorded, settings=self.settings_before)


class RerunAnalysisCommand(ProjectCommand):
    """A finished re-run of a video's analysis as one undoable step, built after the run (the run itself is not
    undoable work to repeat: ``perform()`` only checks that ``new_id`` is the video's active run and re-analyses
    nothing). Undo makes the previous run active again and puts back the open proposals as they were before the
    run (same ids, so the undo steps below it still find them); redo makes the new run active with the proposals
    the run made. Each is one transaction (Project.set_active_analysis). Reviewed proposals are not touched by a
    re-run, so their status stands through undo/redo.

    ``before``: the video's open proposals the run replaced (Project.swap_proposals returns them; or
    Project.proposals read before the run started: those reviewed meanwhile are left out here). ``previous_id``,
    ``new_id`` and ``after`` default to what the project holds now (Project.previous_analysis, Project.analysis,
    Project.proposals). The project keeps one previous run per video, so only the latest re-run of a video can be
    undone: undoing an older one fails in one line (its run is gone) and StepGuard drops it.

    Overlays are left alone: an overlay a re-run saved (the predictions of the model used before) stays through
    undo; removing it would need its table kept in the command to save it again on redo, and it describes another
    model, not the run."""

    video_id: int  # always one video's

    def __init__(self, project: Project, video_id: int, before: Sequence[Event], notify: Notify, *,
                 previous_id: int | None = None, new_id: int | None = None, after: Sequence[Event] | None = None,
                 text: str | None = None) -> None:
        super().__init__(text or f"Re-run analysis of {project.video(video_id).name}", project, notify)
        self.video_id = video_id
        if previous_id is None:
            prev = project.previous_analysis(video_id)
            if prev is None:
                raise InputError(f"video {video_id}: no previous analysis run to go back to")
            previous_id = prev.id
        if new_id is None:
            cur = project.analysis(video_id)
            if cur is None:
                raise InputError(f"video {video_id}: not analysed")
            new_id = cur.id
        self.previous_id, self.new_id = previous_id, new_id
        # a proposal reviewed while the run went (its own undo step, below this one) is no open proposal to put back
        reviewed = {e.id for e in project.events(video_id) if e.status != "proposal"}
        self.before = [e for e in before if e.id not in reviewed]
        self.after = list(project.proposals(video_id) if after is None else after)
        self._first = True

    def _do(self) -> None:
        if self._first:  # the run already happened: nothing to write, only check the project is where we think
            a = self.project.analysis(self.video_id)
            if a is None or a.id != self.new_id:
                raise InputError(f"video {self.video_id}: analysis run {self.new_id} is not the active one")
            self._first = False
            return
        self.project.set_active_analysis(self.video_id, self.new_id, proposals=self.after)

    def _undo(self) -> None:
        self.project.set_active_analysis(self.video_id, self.previous_id, proposals=self.before)


class HistoryView(QUndoView):
    """The Undo history dock's list. QUndoView's model resets on every step (push, undo, redo), and a reset laid out
    every row again: one edit + undo + redo took 31 ms at 41 steps, 220 ms at 10,040 (audit a60). Its rows are one
    line each, so one row's size stands for all (uniform item sizes: 111 -> 36 ms at 3,600 steps); and while hidden
    (its dock closed, or tabbed behind Videos) it follows no stack at all, reading the history again when shown."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(stack, parent)
        self._followed = stack
        self.setUniformItemSizes(True)
        # a click (or a key) on a row: the stack's setIndex in Python (ProjectUndoStack: a jump of several steps
        # is one transaction), not QUndoView's model calling the C++ one; where Qt's connection is not found
        # (another Qt), the click steps as QUndoStack does
        sel, model = self.selectionModel(), self.model()
        if QObject.disconnect(sel, SIGNAL("currentChanged(QModelIndex,QModelIndex)"), model,
                              SLOT("setStackCurrentIndex(QModelIndex)")):
            sel.currentChanged.connect(self._go)

    def _go(self, current: Any, previous: Any) -> None:
        """QUndoView's own (QUndoModel.setStackCurrentIndex): the stack to the row chosen, unless it is there."""
        stack = self.stack()
        if stack is not None and current.isValid() and current.column() == 0 and current.row() != stack.index():
            stack.setIndex(current.row())

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.stack() is None:
            self.setStack(self._followed)
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        if not event.spontaneous():  # (a minimised window's widgets stay visible: they keep following)
            self.setStack(None)  # type: ignore[arg-type]  # (Qt takes none; the stubs say a stack)
