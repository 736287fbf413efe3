"""Who is who: each face's picture in the face list (its largest view in the run), and the coder's corrections of
the tracker, one undo step each (the core does the work: merstudio.project.faces): Analysis > Merge faces (two ids
are one person: a wide shot and a close-up, a head turned away and back) and Split face here (one id on two
people)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QInputDialog, QMenu

from merstudio.errors import InputError
from merstudio.gui.commands import AppCommand, CommandContext, Params, frame_seen
from merstudio.gui.undo import Notify, ProjectCommand
from merstudio.project.faces import merge_faces
from merstudio.project.portraits import Portraits, decode

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow
    from merstudio.project import FaceChange, Project


class FaceEditCommand(ProjectCommand):
    """One edit of a video's face tracks (a merge, a split) as one undo step; undo puts every frame, event and
    setting that moved back (Project.undo_face_change). ``edit`` makes the change; it is given the change the first
    do made (None the first time), so that a redo of a split gives the new face the id it had: the events redone
    after it carry that id, and a fresh one (above the ids of a re-run undone meanwhile) would leave them on a face
    the run does not have. ``win`` given (the app's), the edit and its undo run in a worker (workers.call_in_worker:
    a 20-minute video's merge rewrites 18,000 frame rows, 0.8 s, its undo 0.4 s, which froze the window), the window
    drawn meanwhile and taking no input; ``notify`` runs after, on the GUI thread."""

    def __init__(self, text: str, project: Project, video_id: int, edit: Callable[[FaceChange | None], FaceChange],
                 notify: Notify, win: Any = None) -> None:
        super().__init__(text, project, notify)
        self.video_id, self.edit = video_id, edit
        self.done: FaceChange | None = None
        self.first: FaceChange | None = None
        self.win = win

    def _off_gui(self, fn: Callable[[], Any], busy: str) -> Any:
        """``fn()`` in a worker while the window waits (the GUI thread touches nothing of the project meanwhile: it
        only draws, its input held back), or here without a window."""
        if self.win is None:
            return fn()
        from merstudio.gui.workers import call_in_worker

        return call_in_worker(self.win, fn, self.text(), busy, key="faces")

    def _do(self) -> None:
        first = self.first
        self.done = self._off_gui(lambda: self.edit(first), f"{self.text()}…")
        self.first = self.first or self.done

    def _undo(self) -> None:
        if self.done is not None:
            change = self.done
            self._off_gui(lambda: self.project.undo_face_change(change), f"Undoing: {self.text()}…")
            self.done = None


def merge_command(project: Project, video_id: int, keep: int, merged: int, notify: Notify,
                  win: Any = None) -> FaceEditCommand:
    return FaceEditCommand(f"Merge face {merged} into face {keep}", project, video_id,
                           lambda first: merge_faces(project, video_id, keep, merged), notify, win)


def split_command(project: Project, video_id: int, face: int, at: int, notify: Notify,
                  win: Any = None) -> FaceEditCommand:
    return FaceEditCommand(f"Split face {face} at frame {at}", project, video_id,
                           lambda first: project.split_face(video_id, face, at,
                                                            new=None if first is None else first.target), notify,
                           win)


def face_entry(face: int, frames: int) -> str:
    """How a face is listed (the face list, the merge dialog): ``1  (129 frames)``."""
    return f"{face}  ({frames} frame{'s' if frames != 1 else ''})"


class MergeFaces(AppCommand):
    """params: keep (default: the face shown), merged (asked for when absent: the other faces of the video)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        win = ctx.win
        win.require_writable()
        if win.analysis.worker is not None:  # its rows still come in under the tracker's ids
            raise InputError("merge faces: the analysis is running; merge when it has finished")
        buf = win.analysis.buffer
        faces = buf.face_ids() if buf is not None else []
        keep = params.setdefault("keep", win.selected_face())
        if keep is None or len(faces) < 2:
            raise InputError("merge faces: the analysis found one face or none here; nothing to merge")
        if "merged" in params:
            return True
        assert buf is not None
        others = [f for f in faces if f != keep]
        items = [face_entry(f, buf.frames_seen(f)) for f in others]
        item, ok = QInputDialog.getItem(
            win, "Merge faces",
            f"The face to merge into face {keep} (the face shown): the same person, in other frames\n"
            "(a cut to another shot, a head turned away). Faces seen in the same frame cannot be merged.",
            items, 0, False)
        if not ok:
            return False
        params["merged"] = others[items.index(item)]
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        proj = win.require_writable()
        video = win.require_video()
        keep, merged = int(params["keep"]), int(params["merged"])
        win._picked_face = keep  # the face list, refilled by the merge, shows the merged face
        win.coding.push(merge_command(proj, video.id, keep, merged, lambda: faces_changed(win, video.id), win))
        n = proj.face_spans(video.id).get(keep, (0, 0, 0))[2]
        win.statusBar().showMessage(f"Face {merged} merged into face {keep}: one face in {n} frames "
                                    "(Edit > Undo splits them)", 10000)


class SplitFace(AppCommand):
    """params: face (default: the face shown), at (default: the play head). The face's frames from ``at`` on become
    a new face: where the tracker kept one id across two people."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        proj = win.require_writable()
        video = win.require_video()
        if win.analysis.worker is not None:
            raise InputError("split face: the analysis is running; split when it has finished")
        face = params.get("face", win.selected_face())
        if face is None:
            raise InputError("split face: run the analysis first (it finds the faces)")
        at = int(params.get("at", frame_seen(win)))
        cmd = split_command(proj, video.id, face, at, lambda: faces_changed(win, video.id), win)
        win.coding.push(cmd)
        new = cmd.done.target if cmd.done is not None else None
        win.statusBar().showMessage(f"Face {face} split at frame {at}: face {new} from there on "
                                    "(Edit > Undo joins them again)", 10000)


def faces_changed(win: MainWindow, video_id: int) -> None:
    """After a face edit or its undo: the curves, events, face list and overlay of the video shown, read again."""
    if win.video is None or win.video.id != video_id:
        return
    win.analysis.load()
    win.coding.reload()
    win.behaviours.reload()  # a split or merge moves behaviour events to another face too
    win.neutral.update()
    win.transport.request_current()


def face_menu(win: MainWindow, face: int) -> QMenu:
    """The menu of a face right-clicked in the video: show its curves, merge it into the face shown, or split it at
    the play head."""
    menu = QMenu(win)
    shown = win.selected_face()
    menu.addAction(f"Show face {face}", lambda: win.pick_face(face))
    merge = menu.addAction(f"Merge face {face} into face {shown} (the face shown)",
                           lambda: win.ctx.execute(MergeFaces, keep=shown, merged=face))
    writable = win.project is not None and not win.project.read_only
    merge.setEnabled(shown is not None and shown != face and writable)
    at = frame_seen(win)  # while playing, the picture clicked, not the clock ahead of it
    split = menu.addAction(f"Split face {face}: a new face from frame {at} on (another person)",
                           lambda: win.ctx.execute(SplitFace, face=face, at=at))
    split.setEnabled(writable)
    return menu


PICTURE_SIZE = 28  # pixels of a face's picture in the face list (the transport row's height)


class _PictureDecoder(QThread):
    """Decodes each face's portrait frame with its own decoder (the view's frame loader stays free) and crops it;
    stops between faces when asked."""

    ready = Signal(int, object)  # face id, RGB uint8 array

    def __init__(self, open_source: Callable[[str], Any], path: str, portraits: Portraits,
                 turned: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open, self._path, self._portraits, self._turned = open_source, path, portraits, turned

    def run(self) -> None:
        from merstudio.analysis.pipeline import portrait_image

        try:
            source = self._open(self._path)
        except Exception:  # noqa: BLE001 - no pictures, the ids still name the faces
            return
        try:
            for face, (frame, box) in sorted(self._portraits.items()):
                if self.isInterruptionRequested():
                    return
                try:
                    rgb = source.frame(frame)
                except Exception:  # noqa: BLE001 - a damaged frame: this face goes without a picture
                    continue
                self.ready.emit(face, portrait_image(rgb, box, self._turned, 2 * PICTURE_SIZE))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()


class FacePictures(QObject):
    """Each face's picture for the face list, from the portraits its run recorded (frame and box of the face's
    largest view); a run without them (made before they were recorded, or in a test) lists the ids alone."""

    changed = Signal()

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.icons: dict[int, QIcon] = {}
        self._key: tuple[Any, ...] | None = None
        self._decoder: _PictureDecoder | None = None

    def update(self) -> None:
        """Start decoding the pictures of the video's active run, unless they are the ones shown."""
        win, proj, video = self.win, self.win.project, self.win.video
        run = proj.analysis(video.id) if proj is not None and video is not None else None
        raw = run.settings.get("portraits") if run is not None else None
        turned = int(run.settings.get("turned") or 0) if run is not None else 0
        key = (video.id, run.id, json.dumps(raw, sort_keys=True), turned) if video and run and raw else None
        if key == self._key:
            return
        self.stop()
        self._key, self.icons = key, {}
        self.changed.emit()
        if key is None or proj is None or video is None:
            return
        path = proj.locate_video(video.id)
        if path is None:
            return
        self._decoder = _PictureDecoder(win.session.open_source, str(path), decode(raw), turned, self)
        self._decoder.ready.connect(self._ready)
        self._decoder.start()

    def _ready(self, face: int, rgb: np.ndarray) -> None:
        if self._decoder is None or self.sender() is not self._decoder:
            return  # queued by a stopped decoder (the last video's, or the run's before a merge): not these faces
        rgb = np.ascontiguousarray(rgb)
        h, w = rgb.shape[:2]
        img = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()  # own its pixels
        self.icons[face] = QIcon(QPixmap.fromImage(img))
        self.changed.emit()

    def stop(self) -> None:
        """Stop decoding (a video switch, the window closing) and forget the pictures."""
        d, self._decoder = self._decoder, None
        if d is not None:
            d.requestInterruption()
            d.wait()
            d.deleteLater()
        self._key, self.icons = None, {}  # a run without portraits (the key stays None) shows none of these
