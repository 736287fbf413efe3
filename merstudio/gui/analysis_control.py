"""The analysis results of the current video: their one owner.

Holds the per-frame curves (:class:`~merstudio.gui.state.CurveBuffer`), the overlays (older model runs, imported
OpenFace tables), the checkpoint to analyse with (loaded by :class:`~merstudio.gui.workers.CheckpointLoader`, off the
GUI thread: only the latest request is applied, and an analysis asked for while one loads waits for it) and the
analysis worker. A run stores each batch in the project before it streams it here, so a video switch mid-run loses
nothing: the worker goes on for its video and the curves of another video are never fed with its rows. Views
follow ``bufferChanged`` / ``overlaysChanged`` and redraw the streamed curves every :data:`REFRESH_MS` (the timeline
spreads each redraw over event-loop turns: ``Timeline.refresh_step``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from merstudio.errors import InputError, MerstudioError
from merstudio.gui.coding import rerun_faces, set_aside_faces
from merstudio.gui.dialogs import DEFAULT_EMOTIONS
from merstudio.gui.failures import failure_line
from merstudio.gui.results_loader import ResultsLoader, read_curves
from merstudio.gui.state import CurveBuffer
from merstudio.gui.undo import RerunAnalysisCommand
from merstudio.gui.workers import AnalysisWorker, CheckpointLoader
from merstudio.io.frames import VideoSource
from merstudio.io.identity import FileChanged
from merstudio.messages import one_line
from merstudio.model.columns import NONE_CLASS, class_key, class_name
from merstudio.project import Event
from merstudio.project.event_store import is_model_proposal
from merstudio.project.faces import EventFaces, same_person_items
from merstudio.project.review import same_interval

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

log = logging.getLogger(__name__)
REFRESH_MS = 200  # streamed curves are redrawn at 5 Hz, not per batch (each redraw in slices, refresh_step)
LOAD_GRACE_MS = 150  # stored curves read within this are waited for: a short video's show with it, as before
# ... on a video of at most this many frames: a longer one's curves never come within the grace, so waiting for them
# only held the window. The loader reads 36,000 frames in 0.41-0.84 s beside a switch on a loaded 2-core machine
# (0.13 s alone): at the slowest, 43,000 frames/s, 6,000 frames (3:20 at 30 fps) take the 150 ms
LOAD_GRACE_FRAMES = 6000


@dataclass(frozen=True)
class CheckpointRequest:
    """A checkpoint asked for (Analysis > Load checkpoint, a re-run after fine-tuning), until it is used, refused
    or superseded: ``ask`` shows the checkpoint dialog once it has loaded; ``then`` (instead of making it the
    checkpoint in use) gets its metadata, only while the video it was asked on (``project``, ``video_id``) is the
    one shown: a re-run asked on one video never runs on the one shown when the load ends."""

    serial: int
    path: Path
    ask: bool = False
    then: Callable[[Any], None] | None = None
    project: Any = None  # the open Project (the object: a project opened over it is another one)
    video_id: int | None = None
    video_name: str = ""  # for the line saying it was dropped (the video may be of a project closed since)


class AnalysisControl(QObject):
    bufferChanged = Signal()  # another buffer (a video switch, a run started or finished): redraw everything
    rowsAdded = Signal()  # streamed rows went into the buffer (faces may have appeared)
    refreshDue = Signal()  # redraw the growing curves
    overlaysChanged = Signal()
    running = Signal(bool)  # a run started / stopped
    progress = Signal(int, int)
    deviceChanged = Signal(str)  # "CPU" | "CUDA"
    finished = Signal(str)  # a run of the current video ended: "complete" | "cancelled"
    message = Signal(str, int)
    checkpointLoading = Signal(str, str)  # the checkpoint loading, short and whole ("" when none): the status bar

    def __init__(self, win: MainWindow, make_analysis: Callable[[Any, Any], Any]) -> None:
        super().__init__(win)
        self.win = win  # the session (project, video), the transport (frame count) and the questions
        self._make_analysis = make_analysis
        self.buffer: CurveBuffer | None = None
        self.overlays: dict[str, CurveBuffer] = {}
        self.worker: AnalysisWorker | None = None
        self.last_warnings: list[str] = []  # the last finished run's (AnalysisWorker.warnings)
        self.checkpoint: Path | None = None
        self.checkpoint_meta: Any = None
        self.checkpoint_request: CheckpointRequest | None = None  # the latest, while it loads or is asked about
        self._serial = 0
        self._loader: CheckpointLoader | None = None
        # (settings, keep_previous) of a run asked for while a checkpoint request is open: ``worker``, its thread
        # not started until the request's model is in use (a video switch drops it: drop_held_elsewhere)
        self._held: tuple[Any, bool] | None = None
        self.device = "CPU"
        self.batch_seconds = 0.2  # how often streamed rows are stored and drawn
        # faces analysed per frame (Analysis > Faces per frame; kept in the app's settings): None = automatic,
        # 4 in a video and 16 in a photo (merstudio.analysis.pipeline.face_limit)
        saved = str(win.qsettings.value("analysis/max_faces", 0))
        self.max_faces: int | None = int(saved) if saved.isdigit() and int(saved) > 0 else None
        # Analysis > Judge covers (kept in the app's settings): hands, masks, dark glasses make their regions NaN
        self.covers = str(win.qsettings.value("analysis/covers", "true")).lower() != "false"
        # Analysis > Model only where the face moves (kept in the app's settings): the model's motion gate
        self.model_gate = str(win.qsettings.value("analysis/model_gate", "true")).lower() != "false"
        self._results: ResultsLoader | None = None  # reads the stored curves (load), started at the first
        self._load_serial = 0  # the latest load's: only its answer is applied
        self._pending_rows: list | None = None  # while a load is on its way: rows streamed meanwhile
        self._thens: list[Callable[[], None]] = []  # the latest load's, run when its curves are in
        self._drops: list[Callable[[], None]] = []  # ... or these, when a load of another video replaces it
        self._loading: int | None = None  # the video whose curves are on their way
        self._buffer_video: int | None = None  # whose curves ``buffer`` holds
        self._at = (0, 0)  # the running analysis's last progress: (frames done, of)
        self._open_at_start: dict[int | None, tuple] = {}  # the running re-run's open proposals at its start
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.refreshDue)

    # ---------------------------------------------------------------- the current video's results
    def load(self, then: Callable[[], None] | None = None, dropped: Callable[[], None] | None = None) -> None:
        """Read the current video's stored results and overlays (a running analysis stores each batch before it
        sends it, so its rows are there too). The curves are read in the results loader (gui/results_loader.py):
        taken at once when they come within LOAD_GRACE_MS (a video of up to LOAD_GRACE_FRAMES frames; a longer one's
        are not waited for), else they arrive later, and
        ``then()`` (if given) runs when they are in. Meanwhile the video shown before keeps its curves (a reload)
        or there are none (another video); a newer load drops this one's."""
        proj, video, n = self.win.project, self.win.video, self.win.frame_count
        # a reload of the video whose load is on its way: what that one was to do is done after this one
        carry = self._pending_rows is not None and self._loading == (video and video.id)
        thens, drops = (self._thens, self._drops) if carry else ([], [])
        if not carry:  # a load of another video replaces one on its way: ``dropped()`` says what its end would have
            for f in self._drops:
                f()
        thens += [then] if then is not None else []
        drops += [dropped] if dropped is not None else []
        self._load_serial += 1
        self._pending_rows, self._thens, self._drops, self._loading = None, [], [], None
        if proj is None or video is None:
            self._set_buffer(None, None, thens)
            self.load_overlays()
            return
        if not proj.at_its_path():  # moved while open: no other connection reaches it (project/snapshot.py)
            self._set_buffer(read_curves(proj, video.id, n), video.id, thens)
            self.load_overlays()
            return
        if self._results is None:
            self._results = ResultsLoader(self)
            self._results.loaded.connect(self._results_loaded)  # queued: the loader's thread emits it
        serial, done = self._load_serial, threading.Event()
        self._pending_rows = []  # rows streamed meanwhile, put in once the stored ones are (a run of this video)
        self._thens, self._drops, self._loading = thens, drops, video.id
        self._results.request(serial, proj.path, proj.busy_timeout, video.id, n, done)
        if n <= LOAD_GRACE_FRAMES and done.wait(LOAD_GRACE_MS / 1000):
            self._results_loaded(serial)
        elif self._buffer_video != video.id:  # another video's curves must not stay up meanwhile
            self.buffer, self._buffer_video = None, None
            self.bufferChanged.emit()
        self.load_overlays()

    @property
    def loading(self) -> bool:
        """Whether stored curves are on their way (a long video's, read in the results loader): the views say
        loading, not that the video needs analysing (a re-run would replace the stored analysis)."""
        return self._loading is not None

    def _results_loaded(self, serial: int) -> None:
        answer = self._results.take(serial) if self._results is not None else None
        if answer is None or serial != self._load_serial or self._pending_rows is None:
            return  # taken already, or a newer load (or a run's start) replaced it
        buf, error = answer
        rows, thens, video = self._pending_rows, self._thens, self._loading
        self._pending_rows, self._thens, self._drops, self._loading = None, [], [], None
        if error:
            self.win.show_error(error)
        elif buf is not None and rows:
            buf.add_rows(rows)
        self._set_buffer(buf, video if buf is not None else None, thens)

    def _set_buffer(self, buf: CurveBuffer | None, video_id: int | None, thens: list[Callable[[], None]]) -> None:
        self.buffer, self._buffer_video = buf, video_id
        self._show_span(video_id)
        self.bufferChanged.emit()
        for f in thens:
            f()

    def _show_span(self, video_id: int | None = None, checkpoint: Any = None) -> None:
        """Tell the timeline the span the model of the curves shown compared each frame with (its readout names the
        frames the model had no frame of the face that far back for): the one `video_id`'s active run records
        (gui.workers; the default for a run without a model or stored before 2026-12-08), or a run about to start
        with `checkpoint`'s (None: no model, the default)."""
        from merstudio.analysis.files import checkpoint_span_s, recorded_span_s

        span: float | None = None
        if checkpoint is not None:
            from merstudio.model.checkpoint_meta import peek_checkpoint_meta

            span = checkpoint_span_s(peek_checkpoint_meta(checkpoint))  # no torch: the GUI thread
        elif video_id is not None and self.win.project is not None and not self.win.session.compacting:
            # (while the project compacts the read would wait on its lock, the window frozen: the span stays)
            run = self.win.project.analysis(video_id)
            span = recorded_span_s(run.settings if run is not None else None)
        elif video_id is not None:
            return
        self.win.timeline.set_model_span(span)

    def load_overlays(self) -> None:
        proj, video = self.win.project, self.win.video
        self.overlays = {}
        if proj is not None and video is not None:
            for o in proj.overlays(video.id):
                self.overlays[o.name] = CurveBuffer.from_frame(proj.load_overlay(video.id, o.name),
                                                               self.win.frame_count)
        self.overlaysChanged.emit()

    def activity(self, face: int | None) -> Any:
        if self.buffer is None or face is None:
            return None
        return self.buffer.activity(face)

    def emotion_names(self) -> tuple[str, ...]:
        """The emotions to offer when coding: the loaded model's classes, the stored results' (by their columns),
        the project's own labels (most used first), then the defaults; each class once, spelled as the first of
        these names it (model.columns.class_key: an older run's column p_class_i is the model's 'class i', a coded
        'Happiness' is 'happiness'). Never the model's `none` class: it is head motion, blinks or flicker, not an
        emotion."""
        model: list[str] = []
        meta = self.checkpoint_meta
        classes = (meta.get("class_names") or meta.get("classes")) if isinstance(meta, dict) else \
            getattr(meta, "class_names", None)
        if classes:
            model += [str(c) for c in classes]
        # stored results' columns, named as the model above names them where it does
        stored = [class_name(c, model) for c in self.buffer.class_columns()] if self.buffer is not None else []
        proj = self.win.project
        used = proj.emotion_labels() if proj is not None else []
        offered: dict[str, str] = {}  # class_key -> the first spelling, in this order
        for n in [*model, *stored, *used, *DEFAULT_EMOTIONS]:
            offered.setdefault(class_key(n), n)
        return tuple(n for k, n in offered.items() if k and k != NONE_CLASS)

    # ---------------------------------------------------------------- checkpoints
    def set_checkpoint(self, path: Path, meta: Any) -> None:
        self.checkpoint, self.checkpoint_meta = path, meta
        self.message.emit(f"Checkpoint {path.name} loaded: run the analysis to use it", 6000)

    @property
    def checkpoint_loading(self) -> Path | None:
        """The checkpoint asked for and not yet used or refused (loading, or its dialog open), else None."""
        req = self.checkpoint_request
        return req.path if req is not None else None

    def request_checkpoint(self, path: Path, ask: bool = False, meta: Any = None,
                           then: Callable[[Any], None] | None = None) -> None:
        """Load the checkpoint at ``path`` in the checkpoint loader (torch.load and building the network: seconds
        the first time, which torch's import takes) and use it once loaded; with ``ask``, the checkpoint dialog asks
        first. A newer request supersedes this one: only the latest request's result is used. An analysis asked for
        meanwhile waits for the request and runs with its model, or not at all when the file does not load. ``meta``
        known already: no load. ``then(meta)``: run instead of making it the checkpoint in use (a re-run)."""
        self._serial += 1
        proj, video = self.win.project, self.win.video
        asked_on = (proj, video.id, video.name) if then is not None and video is not None else (None, None, "")
        req = CheckpointRequest(self._serial, Path(path), ask, then, *asked_on)
        self.checkpoint_request = req
        self.win.close_checkpoint_question()  # an older request's question: superseded (its answer is dropped)
        if meta is not None:
            self._loaded(req.serial, str(req.path), meta)
            return
        self.checkpointLoading.emit(f"Loading {req.path.name}…", f"Loading the checkpoint {req.path}…")
        if self._loader is None:
            self._loader = CheckpointLoader(parent=self)
            self._loader.loaded.connect(self._loaded)
            self._loader.failed.connect(self._load_failed)
        self._loader.request(req.serial, req.path)

    def _loaded(self, serial: int, _path: str, meta: Any) -> None:
        req = self.checkpoint_request
        if req is None or serial != req.serial:
            return  # superseded by a newer request (or the window is closing): never applied
        if req.ask:
            self.checkpointLoading.emit("", "")
            self.win.ask_checkpoint(str(req.path), meta, lambda ok: self._answered(serial, meta, ok))
            if self._held is not None:  # it no longer waits for the load: for the coder's answer
                self.message.emit(self._held_line(), 0)
            return
        self._use(req, meta)

    def _answered(self, serial: int, meta: Any, ok: bool) -> None:
        req = self.checkpoint_request
        if req is None or serial != req.serial:
            return
        if ok:
            self._use(req, meta)
        else:
            self._settle(f"{req.path.name}: not loaded (the model in use is unchanged)", error=False)

    def _load_failed(self, serial: int, _path: str, line: str) -> None:
        req = self.checkpoint_request
        if req is None or serial != req.serial:
            return
        self._settle(line, error=True)

    def _settle(self, why: str, error: bool) -> None:
        """The latest request ends without a model: nothing changes, and a run waiting for it is not started."""
        self.checkpoint_request = None
        self.checkpointLoading.emit("", "")
        if self._held is not None:
            why += f"; the analysis of {self._held_video()} was not started"
            self._abort_held()
        if error:
            self.win.show_error(why)
        else:
            self.message.emit(why, 8000)

    def _use(self, req: CheckpointRequest, meta: Any) -> None:
        if req.then is not None and (why := self._elsewhere(req)):  # a safeguard: a switch drops it first
            self._settle(self._not_rerun(req, why), error=False)
            return
        self.checkpoint_request = None
        self.checkpointLoading.emit("", "")
        if req.then is None:
            self.set_checkpoint(req.path, meta)
            self._release_held()
            return
        if self._held is not None:  # the re-run asked for with this checkpoint goes first
            name = self._held_video()
            self._abort_held()
            self.message.emit(f"Analysis of {name}: the re-run with {req.path.name} runs instead", 8000)
        try:
            req.then(meta)
        except Exception as exc:  # as CommandContext.execute: one line, the app keeps running
            self.win.show_error(failure_line(f"{req.path.name}: re-running the analysis", exc))

    def _elsewhere(self, req: CheckpointRequest) -> str:
        """Why a re-run request can no longer run: its video is not the one shown ("" while it is)."""
        video = self.win.video
        if self.win.project is not req.project:
            return "its project was closed"
        if video is None or video.id != req.video_id:
            return "another video was opened"
        return ""

    @staticmethod
    def _not_rerun(req: CheckpointRequest, why: str) -> str:
        return (f"Re-run of {req.video_name} with {req.path.name} not started: {why} while the checkpoint loaded "
                "(the model in use is unchanged)")

    def project_closing(self) -> None:
        """The project is closing: a re-run asked on one of its videos goes (it would run in the project opened
        next), and a run of one of its videos stops (:meth:`_stop_for_close`). Said once the switch is over: the
        next video's own lines would hide it."""
        lines = []
        req = self.checkpoint_request
        if req is not None and req.then is not None:  # a plain load is not the project's: its model is still used
            self.checkpoint_request = None
            self.checkpointLoading.emit("", "")
            lines.append(self._not_rerun(req, "its project was closed"))
        if stopped := self._stop_for_close():
            lines.append(stopped)
        if lines and not getattr(self.win, "closing", False):  # (the window closing: nobody reads it)
            line = "; ".join(lines)
            QTimer.singleShot(0, self, lambda: self.message.emit(line, 15000))

    def stop_question(self) -> str | None:
        """What closing the project asks while a run goes (None: none runs, or one waiting for its checkpoint,
        which has stored nothing)."""
        w, proj = self.worker, self.win.project
        if w is None or self._held is not None or not w.isRunning() or proj is None:
            return None
        name = self.video_name(w.video_id)
        done, total = self._at
        where = f" (frame {done} of {total})" if total else ""
        kept = ("the complete run before it stays as it was" if proj.previous_analysis(w.video_id) is not None
                else "the frames analysed so far are kept")
        return f"The analysis of {name} is running{where}. Stop it?\n\nStopped, {kept}; Ctrl+R runs it again."

    def _stop_for_close(self) -> str:
        """Stop the running analysis as its project closes, as Cancel does: the frames analysed are kept, and a
        re-run over a complete run gives it back its place with the open proposals the re-run replaced (on the
        next open only the run came back: the proposals, edits and all, were the partial run's). Returns the line
        saying so ("" when none ran); it was stopped without a word."""
        w, proj = self.worker, self.win.project
        if w is None:
            return ""
        name = self.video_name(w.video_id)
        if self._held is not None:  # still waiting for its checkpoint: nothing was stored
            self.stop()
            return f"Analysis of {name} not started: its project was closed"
        self.stop()
        if w.status == "complete":  # it ended as the project closed
            return f"Analysis of {name}: complete"
        if w.status != "cancelled" or proj is None:
            return f"Analysis of {name} stopped as its project closed"
        try:
            total = proj.video(w.video_id).frame_count
            back = w.faces_back() if not proj.read_only else EventFaces()
            # the neutral frames set during it too (on its faces): to their person's
            neutral = proj.neutral_faces_back(w.video_id, w.analysis_id) if not proj.read_only else []
            restored = proj.restore_complete_run(w.video_id, w.replaced_proposals,
                                                 event_faces=[*back.moves(), *neutral]) if not proj.read_only else None
        except (KeyError, MerstudioError) as exc:
            total, restored, back, neutral = 0, None, EventFaces(), []
            log.warning("%s: the complete run not made active again (%s)", name, exc)
        line = f"Stopped the analysis of {name} at frame {w.frames_done}" + (f" of {total}" if total else "") + \
            " as its project closed: "
        if restored is not None:
            return line + "the complete run before it is active again, with its proposals (Ctrl+R re-runs it)" + \
                (f"; {m}" if (m := back.back_line(neutral)) else "")
        return line + "the frames analysed are kept (Ctrl+R analyses it again)"

    def shutdown(self) -> None:
        """The window is closing: no request is applied any more, and the loader's thread ends (after the load
        running now, which cannot be interrupted)."""
        self.checkpoint_request = None
        self.win.close_checkpoint_question()
        loader, self._loader = self._loader, None
        if loader is not None:
            loader.stop()
            loader.deleteLater()
        self.checkpointLoading.emit("", "")
        results, self._results = self._results, None
        self._load_serial += 1
        if results is not None:
            results.stop()
            results.deleteLater()

    def previous_checkpoint(self) -> Path | None:
        """The checkpoint the current video's stored analysis used, when it is still there."""
        proj, video = self.win.project, self.win.video
        a = proj.analysis(video.id) if proj is not None and video is not None else None
        if a is None or not a.model:
            return None
        p = Path(a.model)
        return p if p.is_file() else None

    def turn(self) -> int | None:
        """Degrees clockwise the current video's frames are turned for its analysis (None: automatic), kept in
        the project per video: a camera mounted upside down is a property of that recording, not a preference."""
        proj, video = self.win.project, self.win.video
        if proj is None or video is None:
            return None
        deg = proj.get_setting(f"analysis_turn/{video.id}")
        return int(deg) if deg is not None else None

    def view_turn(self) -> int:
        """How the current video is shown turned: its chosen turn, else the one its active analysis used (an
        automatic run that found the faces upside down; recorded with that run, so undoing a re-run brings back
        the previous run's), else 0."""
        chosen = self.turn()
        if chosen is not None:
            return chosen
        proj, video = self.win.project, self.win.video
        a = proj.analysis(video.id) if proj is not None and video is not None else None
        if proj is None or video is None or a is None:
            return 0
        if "turned" not in a.settings:  # a run stored before 2026-12-03: the turn was kept per video
            return int(proj.get_setting(f"analysis_turned/{video.id}") or 0)
        return int(a.settings["turned"] or 0)

    def set_turn(self, deg: int | None) -> None:
        """Turn the current video's frames by `deg` clockwise from its next analysis on (None: automatic)."""
        video = self.win.require_video()
        self.win.require_writable().set_setting(f"analysis_turn/{video.id}", deg)
        what = "automatic (upright faces chosen from a few frames)" if deg is None else f"{deg}° clockwise"
        self.message.emit(f"{video.name}: turn {what}, from the next analysis on (Ctrl+R)", 6000)
        self.win.video_view.set_turn(self.view_turn())
        self.win.transport.request_current()  # the face labels, placed for the new turn

    def set_max_faces(self, n: int | None) -> None:
        """Faces analysed per frame from the next run on (None: automatic); remembered across sessions."""
        self.max_faces = n
        self.win.qsettings.setValue("analysis/max_faces", n or 0)
        from merstudio.analysis.pipeline import FACE_LIMIT_AUTO

        what = f"automatic ({FACE_LIMIT_AUTO})" if n is None else str(n)
        self.message.emit(f"Faces per frame: {what}, from the next analysis on (Ctrl+R)", 6000)

    def set_covers(self, on: bool) -> None:
        """Judge covers (a hand, a mask, dark glasses, the frame's edge) from the next run on; off: every region reads
        as the mesh fits it. Remembered across sessions."""
        self.covers = bool(on)
        self.win.qsettings.setValue("analysis/covers", "true" if on else "false")
        what = "on (a covered region reads unknown)" if on else "off (every region reads as the face mesh fits it)"
        self.message.emit(f"Judge covers: {what}, from the next analysis on (Ctrl+R)", 6000)

    def set_model_gate(self, on: bool) -> None:
        """The model judges only frames whose movement stands out from the face's noise floor (on), or every face
        frame, from the next run on. Remembered across sessions."""
        self.model_gate = bool(on)
        self.win.qsettings.setValue("analysis/model_gate", "true" if on else "false")
        what = ("on (the model is asked where the face moves; elsewhere its lane is blank)" if on
                else "off (the model is asked on every face frame)")
        self.message.emit(f"Model only where the face moves: {what}, from the next analysis on (Ctrl+R)", 6000)

    # ---------------------------------------------------------------- running
    def rerun_question(self) -> str | None:
        """The question asked before re-running the analysis of a video with coded events, reviewed proposals or
        open proposals the coder edited (a re-run replaces every open model proposal, the store's one rule:
        is_model_proposal; None: nothing to lose, run without asking)."""
        proj, video = self.win.project, self.win.video
        if proj is None or video is None or proj.read_only or self.worker is not None:
            return None  # refused anyway, with its own message
        evs = proj.events(video.id)
        kept = [e for e in evs if not is_model_proposal(e)]  # a coder's event of status "proposal" too
        coded = sum(1 for e in kept if e.source != "model")
        reviewed = len(kept) - coded
        edited = sum(1 for e in evs if is_model_proposal(e) and edited_proposal(proj, e))
        if not coded and not reviewed and not edited:
            return None
        what = ", ".join(t for t in (f"{coded} coded event{'s' * (coded != 1)}" if coded else "",
                                     f"{reviewed} reviewed proposal{'s' * (reviewed != 1)}" if reviewed else "",
                                     f"{edited} edited open proposal{'s' * (edited != 1)}" if edited else "")
                         if t)
        what = " and ".join(what.rsplit(", ", 1))
        lost = (f"The open proposals are replaced by the new run's: the edits to {edited} of them are lost "
                "(accept a proposal to keep it as it is).\n\n" if edited else "")
        return (f"{video.name} has {what}. Re-run the analysis?\n\n" + lost +
                "Coded events are kept; new proposals on the interval of a reviewed one are dropped (the decision "
                "stands); the current model predictions are kept as a dashed overlay. Edit > Undo puts the previous "
                "results and proposals back.")

    def start(self, settings: Any = None, keep_previous: bool = True) -> None:
        """Run the analysis of the current video. A re-run keeps the previous predictions as an overlay
        (``keep_previous``), uses the loaded checkpoint or else the one the previous run used, and clears the old
        curves before the new ones stream in; the worker keeps coded events and reviewed proposals. While a
        checkpoint is loading (or its dialog asks), the run waits for it (shown as running, Ctrl+. cancels it) and
        starts with that model once it is in use; not at all (said in one line) when it does not load."""
        win = self.win
        video = win.require_video()
        proj = win.require_writable()  # the results are stored in the project
        if self.worker is not None:
            running = self.video_name(self.worker.video_id)
            raise InputError(f"analysis of {running}: already running (cancel it first)")
        src = win.session.source
        if isinstance(src, VideoSource) and src.file_changed:  # the results on screen are the old file's
            raise FileChanged(src.path)
        path = proj.locate_video(video.id)
        if path is None:
            raise InputError(f"{video.path}: {proj.missing_reason(video.id)}")
        waiting_for = self.checkpoint_loading
        prepared = self._prepare(settings, keep_previous) if waiting_for is None else None
        w = AnalysisWorker(proj, video.id, str(path), prepared[0] if prepared is not None else None,
                           make_analysis=self._make_analysis, open_source=win.session.open_source,
                           batch_seconds=self.batch_seconds, parent=self)
        # each handler is told which worker sent the signal and acts only while that worker is ``worker``: a run
        # stopped as its project closed has its end (and rows) still queued, and a run started before they were
        # delivered took them for its own (it was stopped too and said "cancelled")
        w.started_on.connect(lambda d: self._set_device(w, "CUDA" if d.startswith("cuda") else "CPU"))
        w.progress.connect(lambda done, total: self._progress(w, done, total))
        w.rows.connect(lambda rows: self._rows(w, rows))
        w.finished_ok.connect(lambda status: self._done(w, status))
        w.errored.connect(lambda message: self._failed(w, message))
        self.worker = w
        self.running.emit(True)
        self.progress.emit(0, win.frame_count)
        if prepared is None:
            assert waiting_for is not None
            self._held = (settings, keep_previous)
            self.message.emit(self._held_line(), 0)
            return
        self._go(w, *prepared)

    def _held_line(self) -> str:
        """What the held run waits for: the checkpoint's load, or (loaded, its dialog open) the coder's answer."""
        req = self.checkpoint_request
        if self._held is None or req is None:
            return ""
        what = "is confirmed in its dialog (Use this model)" if self.win.checkpoint_question is not None \
            else "has loaded"
        return f"Analysis of {self._held_video()} starts once {req.path.name} {what}"

    def _prepare(self, settings: Any, keep_previous: bool) -> tuple[Any, str, str | None]:
        """Before a run's thread starts: its settings (the checkpoint in use now), the previous predictions kept
        as an overlay, the old curves cleared. Returns (settings, a note on the checkpoint, the overlay kept)."""
        win = self.win
        video = win.require_video()
        proj = win.require_writable()
        note = ""
        if settings is None:
            from merstudio.analysis.pipeline import AnalysisSettings

            ckpt = self.checkpoint
            if ckpt is None:
                ckpt = self.previous_checkpoint()
                if ckpt is not None:
                    note = f"with {ckpt.name}, the checkpoint used before"
            settings = AnalysisSettings(landmarks=True, checkpoint=ckpt, max_faces=self.max_faces, turn=self.turn(),
                                        occlusion=self.covers, model_gate=self.model_gate)
        kept = self.keep_predictions() if keep_previous and proj.analysis(video.id) is not None else None
        if kept is not None:
            self.load_overlays()
            win.timeline.set_overlay_visible(kept, True)
        self._load_serial += 1  # a load still on its way would replace the run's curves: dropped
        self._pending_rows, self._thens, self._drops, self._loading = None, [], [], None
        self.buffer, self._buffer_video = CurveBuffer(win.frame_count), video.id  # the previous run's curves go
        self._show_span(checkpoint=getattr(settings, "checkpoint", None))  # the run's model's, as it records it
        self.bufferChanged.emit()
        return settings, note, kept

    def _go(self, w: AnalysisWorker, settings: Any, note: str, kept: str | None) -> None:
        w.settings = settings
        self._at = (0, 0)
        proj = self.win.project  # the open proposals as the run starts: an edit from now on is kept (_keep_edited)
        self._open_at_start = {e.id: _review_fields(e) for e in proj.proposals(w.video_id)} if proj else {}
        w.steps_mark = self.win.coding.mark_steps()  # their events are numbered as the run re-done (rerun_faces)
        self._refresh.start()
        w.start()
        if note or kept:
            self.message.emit("Re-running" + (f" {note}" if note else "") +
                              (f"; previous predictions kept as {kept!r} (dashed)" if kept else ""), 8000)
        else:  # replaces "Checkpoint ... loaded: run the analysis to use it"
            ckpt = getattr(settings, "checkpoint", None)
            self.message.emit(f"Analysing {self.video_name(w.video_id)}" +
                              (f" with {Path(ckpt).name}" if ckpt else ""), 6000)

    def _release_held(self) -> None:
        """The checkpoint a held run waited for is in use: the run starts with it (on its video, still shown: a
        switch to another video dropped it)."""
        held, self._held = self._held, None
        if held is None:
            return
        assert self.worker is not None
        try:
            prepared = self._prepare(*held)
        except MerstudioError as exc:
            self._abort_held()
            self.win.show_error(str(exc))
            return
        self._go(self.worker, *prepared)

    def drop_held_elsewhere(self) -> str:
        """The current video changed: a held run (waiting for its checkpoint) of another video goes at once, so the
        video now shown is not shown as being analysed, and so does a re-run asked on another video whose checkpoint
        is still loading (the project's close drops its own: project_closing). Returns the line saying so ("" when
        nothing was dropped)."""
        line = ""
        video, w = self.win.video, self.worker
        if self._held is not None and w is not None and (video is None or video.id != w.video_id):
            name = self._held_video()
            self._abort_held()
            line = (f"Analysis of {name} not started: another video was opened while the checkpoint loaded "
                    "(Ctrl+R runs it)")
        req = self.checkpoint_request
        if req is not None and req.then is not None and video is not None and (why := self._elsewhere(req)):
            self.checkpoint_request = None
            self.checkpointLoading.emit("", "")
            line = self._not_rerun(req, why)  # said instead: a run held for it was of the same video
        return line

    def _held_video(self) -> str:
        """The name of the video a held run is of (the held run is ``worker``: stop() drops both)."""
        assert self.worker is not None
        return self.video_name(self.worker.video_id)

    def _abort_held(self) -> None:
        """The worker of a held run goes (its thread was never started: nothing was stored)."""
        self.stop()
        self.message.emit("", 0)  # "Analysis of … starts once … has loaded" no longer holds

    def video_name(self, video_id: int) -> str:
        """A project video's file name (for messages about a video that may not be the one shown)."""
        proj = self.win.project
        try:
            return proj.video(video_id).name if proj is not None else f"video {video_id}"
        except KeyError:
            return f"video {video_id}"

    @property
    def rerun_starting(self) -> CheckpointRequest | None:
        """A re-run whose checkpoint is still loading (or asked about): no worker yet, but Ctrl+. cancels it."""
        req = self.checkpoint_request
        return req if req is not None and req.then is not None else None

    def cancel(self) -> None:
        if (req := self.rerun_starting) is not None:  # dropped: the load ends unused (_loaded finds no request)
            self.checkpoint_request = None
            self.win.close_checkpoint_question()
            self.checkpointLoading.emit("", "")
            if self._held is not None:  # a run waiting for the same load: the re-run was to go instead of it
                self._abort_held()
            self.message.emit(f"Re-run of {req.video_name} with {req.path.name} cancelled while the checkpoint "
                              "loaded (nothing was stored; the model in use is unchanged)", 8000)
        elif self._held is not None:  # still waiting for its checkpoint: it never starts
            name = self._held_video()
            self._abort_held()
            self.message.emit(f"Analysis of {name} cancelled (it was waiting for the checkpoint)", 6000)
        elif self.worker is not None:
            self.worker.cancel()

    def stop(self) -> None:
        """Stop a running analysis and wait for its thread (the project is closing)."""
        self._refresh.stop()
        self._held = None
        w, self.worker = self.worker, None
        if w is not None:
            w.cancel()
            w.wait()
            w.deleteLater()
            self.running.emit(False)
        self.refreshDue.emit()

    def _set_device(self, w: AnalysisWorker, device: str) -> None:
        if w is not self.worker:  # a worker stopped since (every handler below: its signals came late)
            return
        self.device = device
        self.deviceChanged.emit(device)

    def _progress(self, w: AnalysisWorker, done: int, total: int) -> None:
        if w is not self.worker:
            return
        self._at = (done, total)
        self.progress.emit(done, total)

    def _rows(self, w: AnalysisWorker, rows: list) -> None:
        video = self.win.video
        if w is not self.worker or video is None or w.video_id != video.id:
            return
        if self._pending_rows is not None:  # its stored rows are being read: these go in after them
            self._pending_rows += rows
        elif self.buffer is not None:
            self.buffer.add_rows(rows)
            self.rowsAdded.emit()

    def _done(self, w: AnalysisWorker, status: str) -> None:
        """Run ``w`` ended. A complete re-run is one undo step (where the coder stands in the history: the steps
        they undid while it ran stay redoable; the open proposals they edited meanwhile are kept: _keep_edited); a
        cancelled one never replaces a complete run: that one is the active run again (its proposals were never
        replaced), the partial run is kept inactive and one status line says so, as after a failure. The end of a
        run stopped before (its project closed: _stop_for_close said how it ended) is not this run's: ignored."""
        if w is not self.worker:
            return
        vid = w.video_id
        self.last_warnings = list(w.warnings)
        step = self._rerun_step(w)
        self.stop()
        if status == "cancelled":
            line = self._restore_complete(w, "cancelled")
            if line:  # no undo step (the complete run never went) and no "Analysis cancelled: N proposals"
                self.message.emit(line, 15000)
                return
        kept = ""
        if step is not None:
            if kept := self._keep_edited(w, step):
                self.last_warnings.append(kept)
            # only checks the new run is the active one (nothing is re-analysed); the steps the coder undid while
            # it ran stay redoable above it
            self.win.coding.push_background(step, rerun_faces(step.project, vid, step.previous_id, step.new_id,
                                                              w.faces_at_start, w.steps_mark))
        video = self.win.video
        if video is not None and vid == video.id:
            # the stored rows, as a reopen shows them; a switch to another video before they are in: said, as below
            self.load(then=lambda: self.finished.emit(status),
                      dropped=lambda: self.message.emit(f"Analysis of {self.video_name(video.id)}: {status}", 8000))
        else:  # the coder moved on to another video meanwhile: said, not silent
            self.message.emit(f"Analysis of {self.video_name(vid)}: {status}" + (f"; {kept}" if kept else ""), 8000)

    def _keep_edited(self, w: AnalysisWorker, step: RerunAnalysisCommand) -> str:
        """Open proposals the coder edited while the run went (frames, emotion, AUs, note, their confidence or name)
        are kept in place of the run's proposals on their interval, as an accepted one is (the question before the
        run covered the edits made before it). Returns the line saying so ("" when none). In the re-run's undo step:
        undo puts back the proposals as before the run's end, redo the new ones with the kept ones."""
        proj, start = self.win.project, self._open_at_start
        if proj is None or w.replaced_proposals is None or w.new_proposals is None:
            return ""
        kept = [e for e in w.replaced_proposals if e.id in start and _review_fields(e) != start[e.id]]
        if not kept:
            return ""
        # numbered as the run re-done (unless given a face of this run's while it went): to their person's face
        was = {e.id: e.face_id for e in kept}
        kept = same_person_items(proj, w.video_id, step.previous_id, step.new_id, kept, w.faces_at_start)[0] \
            if w.faces_at_start is not None else kept
        new = [p for p in w.new_proposals if not any(same_interval(p, k) for k in kept)]
        try:
            step.after = proj.replace_proposals(w.video_id, new + kept)
        except MerstudioError as exc:
            return f"the {len(kept)} proposal(s) you edited during the run were replaced ({exc}): Edit > Undo " \
                   "brings them back"
        what = ", ".join(f"{e.emotion or 'proposal'} {e.onset}-{e.offset}"
                         + (f" to face {e.face_id}, its person's in the new run" if was[e.id] != e.face_id else "")
                         for e in kept)
        return f"kept {len(kept)} proposal{'s' * (len(kept) != 1)} you edited during the run ({what}) in place " \
               "of the new run's"

    def _rerun_step(self, w: AnalysisWorker) -> RerunAnalysisCommand | None:
        """A finished re-run (complete, or cancelled over a run that was not complete either) as one undo step:
        undo puts back the previous run's results and proposals (the project keeps one previous run per video)."""
        proj, vid = self.win.project, w.video_id
        if proj is None or w.analysis_id is None or proj.previous_analysis(vid) is None:
            return None  # a first run: nothing to go back to
        now = proj.proposals(vid)
        before = w.replaced_proposals if w.replaced_proposals is not None else now
        after = w.new_proposals if w.new_proposals is not None else now

        def shown() -> None:
            video = self.win.video
            if video is not None and video.id == vid:
                self.load()
                self.win.coding.reload()
                self.win.behaviours.reload()  # the faces of the run now active: behaviour events follow them
                self.win.video_view.set_turn(self.view_turn())  # the run now active may have turned otherwise
                self.win.transport.request_current()  # the face overlay of the run now active

        return RerunAnalysisCommand(proj, vid, before, shown, new_id=w.analysis_id, after=after)

    def _failed(self, w: AnalysisWorker, message: str) -> None:
        """Run ``w`` failed: said in a dialog. A failed re-run never replaces the complete run it was re-doing: that
        one is the active run again (with the proposals the re-run replaced, had it got that far), the partial run
        is kept inactive, and the status bar says so (the "Re-running…" line no longer holds). A run stopped before
        (its project closed) is not the one running now: ignored, as in :meth:`_done`."""
        if w is not self.worker:
            return
        self.stop()
        line = self._restore_complete(w, "failed")
        # replaces "Re-running…"; a first run's failure is said too (the bar was blank once the box was closed)
        self.message.emit(line or one_line(message, squeeze=True), 15000)
        # the box says it too: the status line goes in 15 s, and the box is what the coder reads
        self.win.show_error(f"{message}\n\n{line}" if line else message)

    def _restore_complete(self, w: AnalysisWorker, how: str) -> str:
        """Make the complete run a re-run that ``how`` ("failed", "cancelled") was replacing the active one again;
        the status line saying what happened ("" for a first run, which stays as it is, or a re-run over a run that
        was not complete either)."""
        proj, vid = self.win.project, w.video_id
        if proj is None or w.analysis_id is None or proj.read_only:
            return ""
        name = self.video_name(vid)
        try:
            back = w.faces_back()  # the events coded on the re-run's faces: to their person's in the run restored
            # the neutral frames set during it too (on its faces): to their person's, said with the events
            neutral = proj.neutral_faces_back(vid, w.analysis_id)
            restored = proj.restore_complete_run(vid, w.replaced_proposals, event_faces=[*back.moves(), *neutral])
        except MerstudioError as exc:
            if how == "cancelled":  # the cancelled run stays active: the undo step puts the complete one back
                self.win.show_error(f"{name}: the cancelled re-run could not be set aside ({exc}); Edit > Undo "
                                    "puts the complete run back")
                return ""
            return f"{name}: the re-run {how} and the complete run before it could not be made active again ({exc})"
        if restored is None:
            return ""
        # the steps made while it went hold events on its faces: to their person's in the run shown again
        self.win.coding.renumber_steps(set_aside_faces(proj, vid, w.analysis_id, restored, w.faces_at_start,
                                                       w.steps_mark))
        video = self.win.video
        if video is not None and video.id == vid:
            self.load()
            self.win.coding.reload()
            self.win.video_view.set_turn(self.view_turn())
            self.win.transport.request_current()
        ended = "was cancelled" if how == "cancelled" else how
        moved = back.back_line(neutral)  # said before the note in brackets: the status line shows its start
        return (f"{name}: the re-run {ended}; the complete run before it is shown again, with its proposals"
                + (f"; {moved}" if moved else "") + f" (the {how} run's frames are kept, inactive, until the next run)")

    # ---------------------------------------------------------------- model runs kept as overlays
    def keep_predictions(self) -> str | None:
        """Store the current video's model outputs (p_<class>, AUxx_p) as an overlay named after the model that
        made them, so the timeline can show them beside the new model's. Returns the overlay name (None: none)."""
        video = self.win.require_video()
        proj = self.win.project
        assert proj is not None
        df = proj.load_frames(video.id)
        cols = [c for c in df.columns if c.startswith("p_") or (c.startswith("AU") and c.endswith("_p"))]
        if not cols or not len(df):
            return None
        a = proj.analysis(video.id)
        model = (a.model if a is not None and a.model else "") or (str(self.checkpoint) if self.checkpoint else "")
        name = f"model: {Path(model).stem if model else 'previous'}"
        proj.save_overlay(video.id, name, df[["frame", "face_id", "timestamp", *cols]], kind="model",
                          meta={"checkpoint": model})
        return name

    def rerun_with_checkpoint(self, path: Path, meta: Any, settings: Any = None) -> None:
        """After fine-tuning: keep the old predictions as an overlay, load the new checkpoint, re-run the analysis."""
        self.win.require_video()
        self.win.require_writable()
        if self.worker is not None:
            raise InputError("analysis: already running (cancel it first)")
        kept = self.keep_predictions()
        self.set_checkpoint(Path(path), meta)
        self.load_overlays()
        if kept is not None:
            self.win.timeline.set_overlay_visible(kept, True)
        self.start(settings, keep_previous=False)
        self.message.emit(f"Re-running with {Path(path).name}" +
                          (f"; previous predictions kept as {kept!r} (dashed)" if kept else ""), 8000)


# what a coder edits in review, their own rating (confidence) and name included: a proposal the coder rated but left
# open is theirs as much as one they moved (the model's own number, model_confidence, no coder edits)
_REVIEWED = ("onset", "apex", "offset", "emotion", "aus", "note", "confidence", "coder")


def _review_fields(e: Event) -> tuple:
    d = e.to_dict()
    return tuple(str(d.get(k)) for k in _REVIEWED)


def edited_proposal(proj: Any, event: Event) -> bool:
    """Whether an open proposal differs from what the model wrote (frames, emotion, AUs, note, the coder's
    confidence or name; a face merge or split is re-applied by a re-run, so no loss): its fields against those of
    its first "create" in the project's event history (ids are never reused, so that is the model's; an undone
    re-run that puts proposals back logs them as created again, edits and all). One without a recorded creation
    shows no edit."""
    if event.id is None:
        return False
    made = next((h["after"] for h in proj.event_history(event.id) if h["action"] == "create" and h["after"]), None)
    if made is None:
        return False
    if "model_confidence" not in made and made.get("source") == "model":
        # recorded before schema 9: its confidence was the model's number, which schema 9 moved to model_confidence
        made = {**made, "confidence": None}
    now = event.to_dict()
    # not the face (a merge or split of faces is applied again by the re-run)
    return any(made.get(k) != now.get(k) for k in _REVIEWED)
