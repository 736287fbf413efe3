"""Background threads: the frame loader and the checkpoint loader (each serves only the latest request: both are a
:class:`LatestRequestThread`), the analysis worker, and :class:`TaskWorker`, which runs one call (an export) off the
GUI thread; :func:`call_in_worker` runs one a command waits for (an import's preview) while the window is drawn."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QEventLoop, Qt, QThread, QTimer, Signal

# Imported here, at app start-up, not lazily in the worker thread: importing the pipeline (pandas, torch glue)
# in a thread holds the GIL and import locks long enough to stall the event loop when an analysis starts.
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.analysis.proposals import describe_interval
from merstudio.analysis.remote import AnalysisProcessStopped, ProcessAnalysis
from merstudio.face.landmarks import is_landmark_column
from merstudio.gui.failures import failure_line
from merstudio.gui.state import OVERLAY_LANDMARKS
from merstudio.io.frames import adopt_index
from merstudio.project import Event, Project
from merstudio.project.analyses import EVENT_FACES, MODEL_CLASSES, MODEL_IDENTITY
from merstudio.project.faces import (
    EventFaces,
    carry_face_edits,
    coded_on_faces,
    describe_edit,
    faces_at_start,
    faces_back,
    numbered_before,
    remap_face,
    same_person_faces,
)
from merstudio.project.portraits import encode as encode_portraits
from merstudio.project.review import unreviewed_proposals

log = logging.getLogger(__name__)


class LatestRequestThread(QThread):
    """A thread that serves only the latest request: :meth:`_ask` replaces any request not yet started, so that at
    most one runs and one waits (scrubbing, or choosing one checkpoint after another, builds no backlog).
    :meth:`_serve` does the work in the thread; :meth:`stop` drops the waiting request and ends the thread once the
    one running now (if any) is done (it cannot be interrupted): waiting for it, or, with ``wait=False``, letting
    go of it (:meth:`join_detached` waits for those let go of)."""

    # let go of while serving (stop(wait=False)): held here, not by a parent, until they end (a QThread destroyed
    # while it runs aborts the process)
    _detached: ClassVar[set[LatestRequestThread]] = set()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._wanted: Any = None  # the request waiting (None: none)
        self._stop = False
        self._ended = False  # _let_go done: _stopped called, deletion asked

    def _ask(self, wanted: Any) -> None:
        with self._cond:
            self._wanted = wanted
            self._cond.notify()

    def stop(self, wait: bool = True) -> None:
        """End the thread once the request running now (if any) is done. ``wait=False``: return at once (a video
        switch waited 1.7 s for a far seek's decode in long-GOP footage): the thread finishes that request in the
        background, then ends and deletes itself; the caller drops its answer and must not delete it."""
        with self._cond:
            self._stop, self._wanted = True, None
            self._cond.notify()
        if wait:
            self.wait()
            self._stopped()
            return
        self.setParent(None)  # its parent may go first (the window closing): a running QThread must not
        LatestRequestThread._detached.add(self)
        self.finished.connect(self._let_go)
        if not self.isRunning():  # never started, or ended already ("finished" maybe emitted before the connect)
            self.wait()
            self._let_go()

    def _let_go(self) -> None:
        if self._ended:
            return
        self._ended = True
        LatestRequestThread._detached.discard(self)
        self._stopped()
        self.deleteLater()

    def _stopped(self) -> None:
        """Called on the caller's thread once the thread has ended after :meth:`stop` (a subclass lets go of what
        it served from)."""

    @classmethod
    def join_detached(cls, keep: Callable[[LatestRequestThread], bool] | None = None) -> None:
        """Wait for the threads let go of (``stop(wait=False)``) to end (the app exiting: no thread outlives the
        window); ``keep``: only those it is true for."""
        for t in list(LatestRequestThread._detached):
            if isinstance(t, cls) and (keep is None or keep(t)):
                t.wait()
                t._let_go()

    def run(self) -> None:
        while True:
            with self._cond:
                while self._wanted is None and not self._stop:
                    self._cond.wait()
                wanted, self._wanted = self._wanted, None
                if self._stop or wanted is None:
                    return
            self._serve(wanted)

    def _serve(self, wanted: Any) -> None:
        raise NotImplementedError


class FrameLoader(LatestRequestThread):
    """Decodes frames off the GUI thread. ``request(i)`` replaces any request not yet started, so scrubbing
    never builds a backlog: at most one decode runs and one waits. Stopped, it closes its source; let go of
    (``stop(wait=False)``), once its decode is done."""

    frameReady = Signal(int, object)  # frame index, RGB uint8 array
    failed = Signal(int, str)
    _source: Any

    def __init__(self, source: Any, parent: Any = None) -> None:
        super().__init__(parent)
        # a source is not thread-safe: a loader let go of that still decodes this one is waited for (and leaves it
        # open), never two decoding it at once
        for old in list(LatestRequestThread._detached):
            if isinstance(old, FrameLoader) and old._source is source:
                old.wait()
                old._source = None
                old._let_go()
        self._source = source
        self.decoded = 0  # frames actually decoded (tests check that skipped requests were never decoded)

    def request(self, index: int) -> None:
        self._ask(int(index))

    def _stopped(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def _serve(self, i: int) -> None:
        try:
            rgb = self._source.frame(i)
            self.decoded += 1
        except Exception as exc:  # a damaged frame must not kill the loader; the view says so
            self.failed.emit(i, f"frame {i}: {exc}")
            return
        self.frameReady.emit(i, rgb)


class TaskWorker(QThread):
    """Runs ``fn(progress)`` once off the GUI thread (an export: its work runs on data the GUI thread read before, or
    through a read-only project connection of its own, never on the GUI's own state or connection). ``progress(done, total)`` may be called from ``fn``; the outcome is kept on the
    worker (``result``, or ``error``: one line) before ``succeeded`` / ``failed`` is emitted, so a caller that
    waited for the thread (the window closing) can read it without the queued signal."""

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any], what: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self.what = what  # names the job in messages: "summary export of clip.avi"
        self.result: Any = None
        self.error = ""
        self.exception: Exception | None = None  # what failed, for a caller that raises it again (call_in_worker)
        self.done = False

    def run(self) -> None:
        try:
            res = self._fn(self.progress.emit)
        except Exception as exc:  # a bug must reach the user as a line, not kill the thread silently
            self.exception = exc
            self.error, self.done = failure_line(self.what, exc), True
            self.failed.emit(self.error)
            return
        self.result, self.done = res, True
        self.succeeded.emit(res)


def call_in_worker(win: Any, fn: Callable[[], Any], what: str, busy: str, key: str = "call") -> Any:
    """Run ``fn()`` in a :class:`TaskWorker` for a command that needs its result before it goes on (an import's
    preview: 1-3 s for 10,000 BORIS events, which froze the window on the GUI thread) and return it; what ``fn``
    raised is raised here, on the GUI thread. The GUI thread turns its event loop meanwhile (timers, repaints, the
    status bar's busy indicator ``win.busy`` saying ``busy`` under ``key``, a wait cursor), holding back the
    user's input (deferred, not lost, as it was while the GUI thread was held): nothing starts the same work
    again. ``what`` names it in errors."""
    from PySide6.QtWidgets import QApplication

    worker = TaskWorker(lambda progress: fn(), what, win)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)  # queued: ends the wait as soon as the thread does
    tick = QTimer()  # and the loop looks again every 50 ms (isFinished turns true just after `finished`)
    tick.timeout.connect(loop.quit)
    indicator = getattr(win, "busy", None)
    if indicator is not None:
        indicator.set(key, busy)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        worker.start()
        tick.start(50)
        while not worker.isFinished():
            if loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents) == -1:
                worker.wait(50)  # the application is quitting (a stop signal): no loop turns, and none spins
    finally:
        tick.stop()
        worker.wait()
        worker.deleteLater()
        QApplication.restoreOverrideCursor()
        if indicator is not None:
            indicator.set(key, "")
    if worker.exception is not None:
        raise worker.exception
    return worker.result


def describe_checkpoint(path: str | Path) -> dict[str, Any]:
    """A checkpoint's metadata, loading the whole model (torch.load and building the network), so that an
    incompatible file is refused when it is chosen (CheckpointError, one line naming it), not in the middle of an
    analysis. Slow (torch is imported on the first call): the app calls it in :class:`CheckpointLoader`."""
    from merstudio.model.checkpoint import load_checkpoint

    _, meta = load_checkpoint(path)
    return dict(meta)


class CheckpointLoader(LatestRequestThread):
    """Loads checkpoints off the GUI thread, as the frame loader decodes frames: ``request(serial, path)``
    replaces a request not yet started, so at most one load runs and one waits; each answer carries its request's
    serial number, and the caller applies only its latest request's (a load already running when a newer request
    came cannot be interrupted: it finishes and its answer is dropped). ``load`` (default
    :func:`describe_checkpoint`, looked up at each call) returns the metadata. The thread starts with the first
    request."""

    loaded = Signal(int, str, object)  # serial, path, metadata
    failed = Signal(int, str, str)  # serial, path, one line

    def __init__(self, load: Callable[[Path], Any] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._load = load
        self.loads = 0  # loads actually run (tests check that a request replaced before it started never ran)

    def request(self, serial: int, path: Path) -> None:
        self._ask((int(serial), Path(path)))
        if not self.isRunning():
            self.start()

    def _serve(self, wanted: tuple[int, Path]) -> None:
        serial, path = wanted
        self.loads += 1
        try:
            meta = (self._load or describe_checkpoint)(path)
        except Exception as exc:  # a bad file must not kill the loader; the window says why in one line
            self.failed.emit(serial, str(path), failure_line(f"{path.name}: loading the checkpoint", exc))
            return
        self.loaded.emit(serial, str(path), meta)


ANALYSIS_NICE = 5  # the analysis child yields the CPU to the window: it ran it ~2x late on a busy 2-core machine


def _default_analysis(source: Any, settings: Any) -> Any:
    """The pipeline in a child process: MediaPipe/torch C++ calls hold the GIL and would stall the GUI thread; at a
    lower CPU priority, so that the window's redraws come first (the analysis loses little: the GUI mostly idles)."""
    path = Path(source.path)
    return ProcessAnalysis(path, settings, fps=source.fps if path.is_dir() else None, nice=ANALYSIS_NICE)


def _default_open(path: str, fps: float | None = None) -> Any:
    """fps: a frame folder's rate (gui.video_opening.folder_rate); None: its own."""
    from merstudio.io import open_source

    return open_source(path, fps=fps)


class AnalysisWorker(QThread):
    """Runs the streaming pipeline over one video of a project.

    Rows are stored in the project batch by batch (one transaction each) and sent to the GUI with ``rows`` so the
    curves grow live. Spotting results become proposals at the end. Cancel with :meth:`cancel`.
    """

    started_on = Signal(str)  # device: "cpu" / "cuda:0"
    progress = Signal(int, int)
    rows = Signal(list)
    finished_ok = Signal(str)  # "complete" | "cancelled"
    errored = Signal(str)

    def __init__(self, project: Project, video_id: int, video_path: str, settings: Any = None,
                 make_analysis: Callable[[Any, Any], Any] = _default_analysis,
                 open_source: Callable[[str], Any] = _default_open, batch_seconds: float = 0.2,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.project = project
        self.video_id = video_id
        self.video_path = video_path
        self.settings = settings
        self._make = make_analysis
        self._open = open_source
        self._cancel = threading.Event()
        self._batch_seconds = batch_seconds
        self.status = ""
        self.error = ""
        self.analysis_id: int | None = None  # the run this worker stores
        # the video's events' faces as it began ((kind, id): face; project.faces.faces_at_start), None before
        self.faces_at_start: dict[tuple[str, int], int] | None = None
        self.steps_mark: object | None = None  # the undo steps in the history as it began (Coding.mark_steps)
        self.warnings: list[str] = []  # the run's (known at the end): a damaged file, a turned input
        self.turned: int | None = None  # degrees clockwise the run turned the frames (known at the end)
        # a re-run's proposals: those it replaced and those it stored (None: not replaced, e.g. cancelled)
        self.replaced_proposals: list[Event] | None = None
        self.new_proposals: list[Event] | None = None
        self.frames_done = 0  # frames analysed (known at the end): a cancelled run's proposals are of these
        self.last_stored: int | None = None  # the last frame stored so far (a run stopped from outside says it)
        # rows read but not sent yet (they wait up to batch_seconds): a progress said meanwhile waits with them
        # (_held), so that the bar never counts frames whose curves the window has not got (a109)
        self._unsent = False
        self._held: tuple[int, int] | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        source = None
        aid = None
        try:
            source = self._open(self.video_path)  # its own decoder: the frame loader keeps the GUI's
            settings = self.settings
            if settings is None:
                settings = AnalysisSettings(landmarks=True)
            analysis = self._make(source, settings)
            device = str(getattr(analysis, "device", "cpu"))
            self.started_on.emit(device)
            from merstudio.analysis.pipeline import ANALYSIS_REVISION

            model = str(getattr(settings, "checkpoint", "") or "")
            run_settings = {**_settings_dict(settings), "revision": ANALYSIS_REVISION}
            if model:  # which model: a path names a file only until it is replaced (`project show` says these)
                from merstudio.analysis.files import MODEL_SPAN, checkpoint_span_s
                from merstudio.model.checkpoint_meta import checkpoint_identity, peek_checkpoint_meta

                run_settings[MODEL_IDENTITY] = checkpoint_identity(
                    model, str(getattr(analysis, "checkpoint_sha256", "") or ""))  # the digest of the file loaded
                # its classes (run_classes): a p_<class> column's name may not spell its class, the file may move
                peeked = peek_checkpoint_meta(model)  # None: not plainly a checkpoint (the run says why)
                names = list(getattr(analysis, "class_names", None) or ()) \
                    or list((peeked or {}).get("class_names") or ())
                if names:
                    run_settings[MODEL_CLASSES] = [str(n) for n in names]
                # the span it compares each frame with: the readout's "no frame 0.2 s back" (gui.timeline.no_onset)
                # is a model trained with another span's
                span = checkpoint_span_s(peeked)
                if span is not None:
                    run_settings[MODEL_SPAN] = span
            aid = self.project.begin_analysis(self.video_id, run_settings, device=device, model=model)
            # before its first row: from here on the window shows this run's faces, and an event coded or given a
            # face is numbered as this run numbers them (the run's end moves only those numbered before)
            self.faces_at_start = faces_at_start(self.project, self.video_id)
            self.analysis_id = aid
            batch: list[dict] = []
            last = time.monotonic()
            for row in analysis.rows(progress=self._progress, cancel=self._cancel.is_set):
                batch.append(row)
                self._unsent = True
                now = time.monotonic()
                if now - last >= self._batch_seconds or len(batch) >= 500:
                    self._flush(aid, batch)
                    batch, last = [], now
            self._flush(aid, batch)
            found = getattr(analysis, "found_index", None)
            if found is not None:  # the child's pass numbered the frames otherwise than this process's opens did
                adopt_index(found, getattr(analysis, "found_damage", None))  # the video shown takes it: video_opening
            cancelled = bool(getattr(analysis, "cancelled", False)) or self._cancel.is_set()
            self.warnings = list(getattr(analysis, "warnings", None) or [])
            portraits = getattr(analysis, "portraits", None)
            if portraits:  # each face's largest view, for the face list's pictures
                self.project.note_run(aid, {"portraits": encode_portraits(portraits)})
            self.frames_done = int(getattr(analysis, "frames_done", 0) or 0)
            # cancelled too: the spots of the frames analysed, as the command line keeps them
            # (<name>.spots.partial.csv: Analysis.spots over frames_done, one rule)
            mark = len(self.warnings)  # where this run's own lines go (a cancelled run's frames line goes first)
            # those numbered as the run re-done, told before the face edits made again below move any of them
            numbered = self._numbered_before()
            edits = self._carry_face_edits()
            # a re-run may number the people otherwise (fewer faces a frame, a cut tracked anew): the coded events
            # go to the face that is their person in its tracks, with the status below (one undo step with it)
            faces = self._event_faces(aid, numbered)
            stay = self.project.events(self.video_id)
            # a re-run: proposals matching reviewed ones (on their person's face) are dropped (the review stands);
            # coded events stay
            props = unreviewed_proposals(self._proposals(analysis.spots(), edits,
                                                         getattr(analysis, "class_names", None) or ()),
                                         faces.after(stay) if faces is not None else stay)
            if cancelled:  # said with the proposals (a note: the status line then shows no review keys for none)
                props = [p for p in props if p.offset < self.frames_done]  # none past what was analysed
                total = getattr(source, "frame_count", None)
                self.warnings.insert(0, f"for frames 0-{self.frames_done - 1} analysed"
                                     + (f" (of {total})" if total else "") if self.frames_done
                                     else "stopped before any frame was analysed")
                mark += 1
            self.status = "cancelled" if cancelled else "complete"
            self.turned = getattr(analysis, "turned", None)
            # the proposals and the status in one transaction: a kill between them left the complete run, given
            # back on the next open, with the dead re-run's proposals
            swapped = self.project.finish_analysis(aid, self.status, proposals=props,
                                                   found={"turned": self.turned} if self.turned is not None else None,
                                                   event_faces=faces.record() if faces is not None else None)
            if swapped is not None:
                self.replaced_proposals, self.new_proposals = swapped
            if faces is not None and (line := self._event_faces_line(aid, faces)):
                log.info("%s: %s", Path(self.video_path).name, line)  # the run log names them too
                self.warnings.insert(mark, line)
            self.finished_ok.emit(self.status)
        except AnalysisProcessStopped as exc:  # killed from outside (kill, the OOM killer): no bug, no traceback
            kept = (f"frames 0-{self.last_stored} are stored" if self.last_stored is not None
                    else "no frame was stored")
            self._fail(aid, f"{Path(self.video_path).name}: {exc}; {kept}; Run analysis analyses the video again")
        except Exception as exc:
            self._fail(aid, failure_line(f"{Path(self.video_path).name}: analysis", exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def _carry_face_edits(self) -> list[Any]:
        """A re-run tracks anew: the coder's merges and splits of the previous run are made again where this run
        found the same tracks (the rest are named in the warnings). Returns the edits made, in order."""
        prev = self.project.previous_analysis(self.video_id)
        records = prev.settings.get("face_edits", []) if prev is not None else []
        if not records:
            return []
        done, missed = carry_face_edits(self.project, self.video_id, records)
        if done:
            self.warnings.append("faces edited as in the previous run: " + ", ".join(map(describe_edit, done)))
        self.warnings += [f"not done again: {line}" for line in missed]
        return done

    def _numbered_before(self) -> set[tuple[str, int]] | None:
        """(kind, id) of the coded events numbered as the run re-done (project.faces.numbered_before): those the
        run's end moves to their person's face; None: all (the faces as it began not taken)."""
        if self.faces_at_start is None:
            return None
        return {(c.kind, c.id) for c in coded_on_faces(self.project, self.video_id)
                if numbered_before(self.faces_at_start, c)}

    def _event_faces(self, aid: int, numbered: set[tuple[str, int]] | None = None) -> EventFaces | None:
        """The re-run's face of the person each coded event was coded on (None: a first run); ``numbered``
        (:meth:`_numbered_before`): only those (one coded on this run's faces while it went stays where it was
        coded)."""
        prev = self.project.previous_analysis(self.video_id)
        if prev is None:
            return None
        coded = coded_on_faces(self.project, self.video_id)
        if numbered is not None:
            coded = [c for c in coded if (c.kind, c.id) in numbered]
        return same_person_faces(self.project, self.video_id, prev.id, aid,
                                 last=self.project.last_frame_stored(self.video_id), coded=coded)

    def faces_back(self) -> EventFaces:
        """This re-run ended cancelled or failed over a complete run, which is to be made active again: the events
        coded on this run's faces while it went, each to its person's face in that run (project.faces.faces_back).
        None to move when it is no such run (a first run, a complete one, or one over a run not complete either)."""
        proj, vid, at_start = self.project, self.video_id, self.faces_at_start
        cur, prev = proj.analysis(vid), proj.previous_analysis(vid)
        if at_start is None or cur is None or cur.id != self.analysis_id or cur.status == "complete" \
                or prev is None or prev.status != "complete":
            return EventFaces()
        return faces_back(proj, vid, cur.id, prev.id, at_start)

    def _event_faces_line(self, aid: int, faces: EventFaces) -> str:
        """What the run did with the events' faces, as the project made it ("" when it kept them all where they
        were, or the re-run is set aside: cancelled over a complete run, which comes back with its faces)."""
        a = self.project.analysis(self.video_id)
        noted = a.settings.get(EVENT_FACES) if a is not None and a.id == aid else None
        return faces.line(noted.get("moves") or []) if isinstance(noted, dict) else ""

    def _proposals(self, spots: list, edits: Sequence[Any] = (), class_names: Sequence[str] = ()) -> list[Event]:
        """Spotted intervals as proposals, pre-filled with the AUs present and a suggested emotion (the model's
        class, or the FACS objective class of those AUs) read back from the stored rows. ``edits``: the face edits
        made on the run's tracks since it found the spots (merges, splits)."""
        props = []
        for s in spots:
            face = remap_face(edits, s.face_id, s.onset)
            rows = self.project.load_frames(self.video_id, s.onset, s.offset + 1)
            rows = rows[rows["face_id"] == face]
            sug = describe_interval(rows, apex=s.apex, class_names=class_names)
            # confidence: the model's mean class probability; without a model, none (a spotting score is no
            # probability)
            props.append(Event(self.video_id, s.onset, s.apex, s.offset, face_id=max(0, face),
                               emotion=sug.emotion, aus=sug.aus, model_confidence=sug.confidence, source="model",
                               status="proposal", coder="model",
                               note=f"model uncertain: {sug.uncertain}" if sug.uncertain else ""))
        return props

    def _fail(self, aid: int | None, msg: str) -> None:
        self.status, self.error = "failed", msg
        if aid is not None:
            try:
                self.project.finish_analysis(aid, "failed")
            except Exception:  # the project may be the thing that failed; the message says what happened
                log.exception("could not mark the analysis failed")
        self.errored.emit(msg)

    def _progress(self, done: int, total: int) -> None:
        if self._unsent:
            self._held = (done, total)  # said after the rows it counts (_flush)
        else:
            self.progress.emit(done, total)

    def _flush(self, aid: int, batch: list[dict]) -> None:
        if batch:
            self.project.append_frames(aid, batch, landmark_subset=OVERLAY_LANDMARKS)
            frames = [int(r["frame"]) for r in batch if r.get("frame") is not None]
            if frames:
                self.last_stored = max(frames if self.last_stored is None else [self.last_stored, *frames])
            # the GUI needs no landmarks from the stream (the overlay reads them back from the project)
            self.rows.emit([{k: v for k, v in r.items() if not is_landmark_column(k)}
                            for r in batch])
        self._unsent = False
        if self._held is not None:
            held, self._held = self._held, None
            self.progress.emit(*held)


def _settings_dict(settings: Any) -> dict[str, Any]:
    if hasattr(settings, "__dataclass_fields__"):
        return {k: getattr(settings, k) for k in settings.__dataclass_fields__}
    return dict(settings) if isinstance(settings, dict) else {"settings": repr(settings)}
