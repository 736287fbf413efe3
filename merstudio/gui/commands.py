"""Application commands, split as in SLEAP: ``ask`` fills missing parameters with dialogs (returns False to
cancel), ``do`` does the work from parameters alone, so tests call ``do`` (or ``execute`` with every parameter
given) without any dialog. Bad input raises MerstudioError; ``CommandContext.execute`` turns it into a dialog."""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from merstudio.atomic import ensure_parent
from merstudio.errors import InputError, MerstudioError
from merstudio.features.neutral import absolute_note, load_baselines
from merstudio.gui import remembered
from merstudio.gui.exports import safe_note
from merstudio.gui.failures import failure_line
from merstudio.gui.questions import CANCEL, ask
from merstudio.gui.state import event_line, short_run_note
from merstudio.gui.undo import ProjectCommand
from merstudio.gui.video_opening import close_source, open_as
from merstudio.io import VIDEO_EXTENSIONS, open_source
from merstudio.messages import one_line
from merstudio.project import PROJECT_SUFFIX, Event
from merstudio.project import export as ex
from merstudio.project.videos import ChangedVideo, check_rate_settable, frames_differ

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

log = logging.getLogger(__name__)
Params = dict[str, Any]

VIDEO_FILTER = f"Videos ({' '.join('*' + e for e in sorted(VIDEO_EXTENSIONS))});;All files (*)"
PROJECT_FILTER = f"merstudio projects (*{PROJECT_SUFFIX});;All files (*)"


class AppCommand:
    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        raise NotImplementedError


class ReadDropped(Exception):
    """A file read in a worker for a command (an import's preview) came back after the window began closing or
    another project opened: the command ends without a word (its question popped up seconds after the window
    closed, and answering it said "no project is open")."""


def user_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """The core's notes for a person among ``caught`` (plain UserWarning), one line each, to be said in the status
    bar (CommandContext.execute; an undo that opens another video, Coding); the others go on where they went."""
    lines = []
    for w in caught:
        if w.category is UserWarning:
            lines.append(one_line(w.message))
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)
    return lines


class CommandContext:
    def __init__(self, window: MainWindow) -> None:
        self.win = window

    def execute(self, command: type[AppCommand], **params: Any) -> bool:
        """Run a command; True when it ran to the end. Errors become a dialog; the app keeps running. Refused while
        the project is compacted in a worker (Session.refuse_while_compacting: a timer's or a queued signal's command;
        the user's input waits meanwhile)."""
        with warnings.catch_warnings(record=True) as caught:
            ran = self._run(command, params)
        self._say_warnings(caught)
        return ran

    def _run(self, command: type[AppCommand], params: Params) -> bool:
        try:
            session = getattr(self.win, "session", None)
            if session is not None:
                session.refuse_while_compacting()
            if not command.ask(self, params):
                return False
            command.do(self, params)
            return True
        except ReadDropped as exc:
            log.info("%s: %s", command.__name__, exc)
        except Exception as exc:  # a bug must not take the coder's session down; say what happened
            self.win.show_error(failure_line(command.__name__, exc))
        return False

    def _say_warnings(self, caught: list[warnings.WarningMessage]) -> None:
        """The core's notes for a person (plain UserWarning: "a.mp4: found renamed, as P01_a.mp4 …") after the
        command's own line in the status bar: in the app they went to stderr alone. Others (a source's variable
        rate, a project upgraded: said by the window in its own way) go on where they went."""
        if lines := user_notes(caught):
            bar = self.win.statusBar()
            said = bar.currentMessage()
            line = "; ".join(dict.fromkeys(lines))
            bar.showMessage(f"{said}; {line}" if said and line not in said else line, 15000)


def _ask_path(ctx: CommandContext, params: Params, key: str, title: str, filt: str, save: bool = False,
              default: str = "", chosen: str = "", kind: str = "") -> bool:
    """Fill ``params[key]`` from a file dialog (False: cancelled). Saving, a name typed without an extension takes
    the chosen filter's (a dialog adds none itself: "frames" was written as is); ``chosen``: the parameter that
    keeps the filter chosen, for a caller whose filters are formats. ``kind`` ("video", "project", "import", …):
    with no ``default``, the dialog starts in the folder the last one of its kind was used in (it started in the
    folder merstudio was launched from, every time), and the folder chosen is remembered."""
    if params.get(key):
        return True
    if kind and not default:
        default = remembered.last_folder(ctx.win.qsettings, kind)
    fn = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
    path, selected = fn(ctx.win, title, default, filt)
    if not path:
        return False
    if kind:
        remembered.keep_folder(ctx.win, ctx.win.qsettings, kind, path)
    if save and not Path(path).suffix:
        path += _filter_suffix(selected)
    params[key] = path
    if chosen:
        params[chosen] = selected
    return True


def _filter_suffix(selected: str) -> str:
    """The extension a file filter names first ("BORIS project (*.boris)": ".boris"); "" for "All files (*)"."""
    m = re.search(r"\(\*(\.[^\s)*]+)", selected or "")
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------------- projects
class NewProject(AppCommand):
    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        return _ask_path(ctx, params, "path", "New project", PROJECT_FILTER, save=True, kind="project")

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        path = Path(params["path"])
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        ctx.win.session.create_project(path)


class OpenProject(AppCommand):
    """params: path; read_only True (open read-only), False (refuse a project in use elsewhere) or absent (ask
    whether to open it read-only when it is in use)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        return _ask_path(ctx, params, "path", "Open project", PROJECT_FILTER, kind="project")

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        path = Path(params["path"])
        try:
            ctx.win.session.open_project(path, read_only=params.get("read_only"))
        except InputError as exc:
            # gone (deleted, moved): File > Recent projects named it for ever after
            if not path.exists() and remembered.forget_recent(ctx.win, ctx.win.qsettings, path):
                raise InputError(f"{exc}; removed from File > Recent projects") from None
            raise


class OpenVideo(AppCommand):
    """Open a video: with no project open, its own project beside it (created when there is none); with one open,
    add it there, unless the video has its own project beside it: params project "beside" opens that one,
    "current" adds the video to the open project, absent asks. Where it has none of its name but another project
    holds it (renamed since it was coded there: Session.earlier_project), that one is offered as with no project
    open: project "earlier" opens the project at params earlier (the open one closes as any open closes:
    Session.keep_lost_work), "current" adds it here. A file at the path a video of the open project was added
    from, whose content changed since (re-encoded in place), is that video's, located there as the "Where is …?"
    dialog does (LocateVideo; params attach as there): it was added as a second video of that path, without the
    first one's events."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        if not _ask_path(ctx, params, "path", "Open video", VIDEO_FILTER, kind="video"):
            return False
        proj = ctx.win.project
        video = _changed_at(proj, Path(params["path"])) if proj is not None else None
        if video is None:
            return _earlier_asked(ctx, params)
        params["video_id"] = video.id
        return _attach_asked(ctx, params)

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        if "video_id" in params:
            LocateVideo.do(ctx, params)
            return
        if params.get("project") == "earlier":
            if not ctx.win.session.open_project(Path(params["earlier"]), select=False):
                return  # declined (its work kept, an analysis left running, read-only refused): nothing changed
            params = {**params, "project": None}  # opened: it holds the video (relinked as it is added)
        try:
            ctx.win.session.open_video(Path(params["path"]), project=params.get("project"))
        except ChangedVideo as exc:  # opened with no project open: its project beside it holds it (Project.add_video)
            again = {"path": params["path"], "video_id": exc.video.id, "name": exc.video.name}
            if _attach_asked(ctx, again):
                LocateVideo.do(ctx, again)


def _earlier_asked(ctx: CommandContext, params: Params) -> bool:
    """With a project open that does not hold the video, and no project of the video's own name (its project
    beside it is asked about when it is added: Session.open_video), another project that holds it (renamed or on
    another mount since it was coded there: Session.earlier_project) is offered before the video is added here:
    it was added to the open project without a word, its coding looking lost (the question is asked with no
    project open since h213). Sets params project ("earlier", with params earlier, or "current"); False: cancelled."""
    proj = ctx.win.project
    if proj is None or params.get("project"):
        return True
    from types import SimpleNamespace

    from merstudio.gui.session import same_file

    path, session = Path(params["path"]), ctx.win.session
    default = session.default_project_path(path)
    if default.exists() or session.has_video(proj, SimpleNamespace(path=str(path))):
        return True
    earlier = session.earlier_project(path, default)
    if earlier is None or same_file(earlier.path, proj.path):
        return True
    choice = ctx.win.ask_project_holding(path, earlier)
    if choice is None:
        return False
    params["project"] = choice
    if choice == "earlier":
        params["earlier"] = str(earlier.path)
    return True


def _changed_at(proj: Any, path: Path) -> Any:
    """The video of ``proj`` added from ``path`` whose file there has other content now (None: none)."""
    p = path.resolve()
    return next((v for v in proj.videos() if v.path == str(p) and not proj.matches(p, v)), None)


class SaveProject(AppCommand):
    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        if ctx.win.project is None:
            raise InputError("save: no project is open")
        ctx.win.require_writable()
        moved = ctx.win.session.follow_project()  # the backup goes beside the file where it is now
        proj = ctx.win.project
        try:
            bak = proj.save()
        except MerstudioError as exc:  # the line of an earlier save must not stand ("Saved study.merproj …")
            ctx.win.statusBar().showMessage(f"Not saved: {exc}", 15000)
            raise
        ctx.win.undo_stack.setClean()
        if proj.lost():  # deleted, or moved where it cannot be followed: the backup is the copy to open
            ctx.win.show_info(f"{proj.path.name} is no longer in {proj.path.parent} (deleted, or moved where "
                              f"merstudio cannot follow it). This save wrote everything to the backup {bak}: once "
                              "this window closes, that is the copy to open (File > Open project).")
            # not "Saved study.merproj": that file is gone; the backup is what was written
            ctx.win.statusBar().showMessage(f"Backup written: {bak} ({proj.path.name} itself is gone: Save project "
                                            "as… to go on in a file of its own)", 15000)
            return
        notes = "".join(f"; {n}" for n in (proj.unsaved_note, moved) if n)  # a reader kept the journal: said
        ctx.win.statusBar().showMessage(f"Saved {proj.path.name} (backup {bak.name if bak else '-'}){notes}",
                                        15000 if proj.unsaved_note else 8000 if moved else 4000)


class CompactProject(AppCommand):
    """File > Compact project: give back to the disk the space removed videos and re-runs left in the file
    (Project.compact; `merstudio project compact` does the same). In a worker as a close's compaction is
    (Session.compact_project: 5.8 s for a 273 MB project froze the window on the GUI thread), the window drawn and
    the status bar saying "Compacting NAME…", commands refused meanwhile; then the sizes before and after."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        if ctx.win.project is None:
            raise InputError("compact: no project is open")
        ctx.win.require_writable()
        if ctx.win.worker is not None:  # its rows go into the file meanwhile
            raise InputError("compact: an analysis is running; compact once it ends (or cancel it with Ctrl+.)")
        # a re-run still loading its checkpoint has no worker yet: once loaded it starts the run, which the
        # compaction's lock refused (the re-run was dropped); refused as a run waiting for its checkpoint is
        if (rerun := ctx.win.analysis.rerun_starting) is not None:
            raise InputError(f"compact: the re-run of {rerun.video_name} is starting (loading {rerun.path.name}); "
                             "compact once it ends (or cancel it with Ctrl+.)")
        opening = ctx.win.session.opener.worker
        if opening is not None:  # once open it is added to the project, on the GUI thread: held until the end
            raise InputError(f"compact: {Path(opening.path).name} is still being opened; compact once it is shown "
                             "(or Cancel its opening in the status bar)")
        proj = ctx.win.project
        before, after = ctx.win.session.compact_project()
        note = f"; {proj.unsaved_note}" if proj.unsaved_note else ""
        ctx.win.statusBar().showMessage(
            f"Compacted {proj.path.name}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB "
            f"({(before - after) / 1e6:.1f} MB given back){note}" if after < before
            else f"{proj.path.name}: {after / 1e6:.1f} MB, nothing to give back{note}", 8000)


class SaveProjectAs(AppCommand):
    """Write the project as it is now, every edit, to a file of the user's choice and go on in it (params: path;
    reopen False: only the copy, for a window closing). What keeps the work of a project whose file was deleted
    or moved away while open (Session.keep_lost_work offers it)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        if ctx.win.project is None:
            raise InputError("save as: no project is open")
        if ctx.win.worker is not None and not ctx.win.project.lost():  # going on in the copy would stop the run
            raise InputError("save as: an analysis is running; save as once it ends (or cancel it with Ctrl+.)")
        return _ask_path(ctx, params, "path", "Save project as", PROJECT_FILTER, save=True,
                         default=str(ctx.win.project.path), kind="project")

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        path = ctx.win.session.save_project_as(Path(params["path"]), reopen=params.get("reopen", True))
        if path is not None:  # None: the fine-tuning it would have stopped goes on
            ctx.win.statusBar().showMessage(f"Saved as {path}", 8000)


class LocateVideo(AppCommand):
    """A video that moved and could not be found by its content hash: ask the user where it is (the dialog opens
    in the last folder a video was found in, else the project's, and on the file at the video's path where one is
    there with other content; a frame-folder clip's asks for a folder: a file dialog could not pick one, and an
    image of it was refused), then look in that folder for the project's other missing videos too (moved
    together, they are found at once: one dialog, not one per video) and say how many. A file of other content
    whose frame count, rate and size match (re-encoded) is attached once the user says so (params attach: its
    (fps, frames, width, height); rerun: the analysis re-run once it is shown); one of other frames is refused,
    naming what differs (it was refused as "content differs", with no way to attach a re-encoded copy)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        proj = ctx.win.project
        start = str(proj.search_dirs[-1] if proj.search_dirs else proj.path.parent) if proj is not None else ""
        video = proj.video(params["video_id"]) if proj is not None and "video_id" in params else None
        if video is not None and video.size and Path(video.path).is_file():
            start = video.path  # the file there changed (re-encoded in place?): offered as it is
        title = f"Where is {params.get('name', 'the video')}?"
        if not params.get("path") and video is not None and video.size == 0:  # a frame folder (Project.add_video)
            path = QFileDialog.getExistingDirectory(ctx.win, title, start)
            if not path:
                return False
            remembered.keep_folder(ctx.win, ctx.win.qsettings, "video", path)
            params["path"] = path
        elif not _ask_path(ctx, params, "path", title, VIDEO_FILTER, default=start, kind="video"):
            return False
        return _attach_asked(ctx, params)

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        proj = ctx.win.project
        assert proj is not None
        vid = params["video_id"]
        was = proj.video(vid).name
        if (attach := params.get("attach")) is not None:  # a re-encoded copy the user accepted (_attach_asked)
            video = proj.reattach(vid, params["path"], *attach)  # read-only: checked, not stored
            found, missing = proj.locate_missing(Path(video.path).parent, exclude=[vid])
        else:
            video, found, missing = proj.found_at(vid, params["path"])  # read-only: checked, not stored
        win = ctx.win
        if attach is not None:
            fps, count = attach[0], attach[1]
            to = f" to {was}" if was != video.name else ""  # "Attached a.mp4 … to a.mp4" said nothing
            line = (f"Attached {video.name} in {Path(video.path).parent}{to} (re-encoded: the same {count} frames at "
                    f"{fps:g} fps){_others_found(found, missing)}")
            if proj.analysis(vid) is not None and not params.get("rerun"):
                line += "; its stored analysis was made on the old file (Ctrl+R re-runs it on this one)"
        else:
            line = found_line(video, found, missing, was) if found or missing else ""
        said: list[bool] = []

        def shown() -> None:  # once the video is shown (at once, or when an opening past its grace is done)
            # joined to the lines the switch to it said (its analysis an earlier merstudio's, the open's notes), which
            # cleared it; first: it answers the dialog the user just closed
            said.append(True)
            if params.get("rerun") and not proj.read_only:  # "Attach it and re-run the analysis"
                win.ctx.execute(RunAnalysis)
            win.status_bar.add_message(line, 15000, first=True)

        if proj.read_only:  # (not stored: opened here, a frame folder at the rate the project holds for it)
            win.session.select_video(vid, source=open_as(win.session.open_source, proj, video, video.path), then=shown)
        else:
            win.session.select_video(vid, then=shown)
        if not said:  # still opening (VideoOpener's busy job): said meanwhile, its 15 s from the opening's end
            win.status_bar.add_message(line, 15000, first=True, while_busy="video")


def _attach_asked(ctx: CommandContext, params: Params) -> bool:
    """The file chosen for video ``params["video_id"]`` (``params["path"]``) where it has other content than the
    video was added with: one whose frame count, frame rate and frame size match (re-encoded in place, or a copy
    `merstudio reencode` made) is attached once the user says so (params attach, and rerun where the stored
    analysis is to be made again on it); False when they cancel. One of other frames is refused in one line
    naming what differs. The same checks as `merstudio project relink`. A file is opened in the window's opener
    (gui.video_opening), as every video is: one that outlasts its grace (a variable-rate file's index pass froze the
    window on the GUI thread) is in the status bar's busy line with Cancel, this returns False (nothing done yet),
    and the question comes once it is open (LocateVideo, params facts: what it found)."""
    proj = ctx.win.project
    if proj is None or "attach" in params:
        return True
    v = proj.video(params["video_id"])
    path = Path(params["path"])
    target = path.parent if v.size == 0 and path.is_file() else path  # a frame of a folder clip: its folder
    if proj.matches(target, v):
        return True  # the video itself: found_at relinks it
    facts = params.pop("facts", None)
    if facts is None and v.size == 0:  # a frame folder at the rate it was added at (no index pass)
        src = open_source(target, fps=v.fps)
        try:
            facts = (src.fps, src.frame_count, src.size)
        finally:
            src.close()
    elif facts is None:
        got: list[Any] = []
        later = False
        again = {k: params[k] for k in ("path", "video_id", "name") if k in params}

        def then(src: Any) -> None:
            try:
                found = (src.fps, src.frame_count, src.size)
            finally:
                close_source(src)
            if not later:
                got.append(found)
            elif ctx.win.project is proj:  # asked now, unless another project opened meanwhile
                ctx.execute(LocateVideo, **again, facts=found)

        ctx.win.session.opener.open_video(str(target), then)
        later = True
        if not got:
            return False
        facts = got[0]
    fps, count, (w, h) = facts
    if differs := frames_differ(v, fps, count, w, h):
        here = "; it is at the path that video was added from: rename it to add it as a new video" \
            if str(target.resolve()) == v.path else ""
        raise InputError(f"{path}: not the same video as {v.name} ({differs}; the project's first): not attached"
                         f"{here}")
    answer = ask_attach(ctx.win, path.name, v.name, count, fps, analysed=proj.analysis(v.id) is not None
                        and not proj.read_only, here=str(target.resolve()) == v.path)
    if answer not in ("attach", "rerun"):
        return False
    params["attach"], params["rerun"] = (fps, count, w, h), answer == "rerun"
    return True


def ask_attach(win: Any, file: str, video: str, frames: int, fps: float, analysed: bool,
               here: bool = False) -> str | None:
    """Whether to attach ``file``, not the file ``video`` was added as, whose frames match (``here``: at the
    video's own path; tests replace this): "attach", "rerun" (attach it and re-run the stored analysis, made on the
    old file) or "cancel"."""
    what = f"{file} has changed since it was added" if here else f"{file} is not the same file as {video}"
    text = (f"{what} (re-encoded?): frame count and rate match ({frames} frames at {fps:g} fps), so its events and "
            "analysis keep their frames.")
    choices = [("attach", "Attach it", QMessageBox.ButtonRole.AcceptRole), CANCEL]
    if analysed:
        text += "\n\nIts stored analysis was made on the old file: re-run it on this one?"
        choices.insert(0, ("rerun", "Attach it and re-run the analysis", QMessageBox.ButtonRole.AcceptRole))
    return ask(win, text, choices, default="attach")


def ask_replace_beside(win: Any, beside: str, events: str) -> bool:
    """Whether to replace ``beside``, the behaviour events' CSV an export writes beside its file ``events``, which
    exists (the save dialog asked about the events file alone; tests replace this)."""
    return ask(win, f"{beside} beside {events} exists: replace it too?",
               [("yes", QMessageBox.StandardButton.Yes, None), ("no", QMessageBox.StandardButton.No, None)],
               default="no", escape="no") == "yes"


def _ask_beside(ctx: CommandContext, params: Params, video_id: int | None, fmt: str | None = None) -> bool:
    """Before an events export: where the ``<stem>_behaviours.csv`` it writes beside the file exists (ours from an
    earlier export or another file: not told apart), ask once; No sets params["behaviours"] False (the events file
    alone is written, and the status line says so). It was replaced without a word. Always True: No still exports."""
    from merstudio.interchange import behaviours_beside

    assert ctx.win.project is not None
    beside = behaviours_beside(ctx.win.project, video_id, params["path"], fmt)
    if beside is not None and beside.exists() and "behaviours" not in params:
        params["behaviours"] = ask_replace_beside(ctx.win, beside.name, Path(params["path"]).name)
        params["beside"] = beside.name
    return True


def _beside_kept(params: Params) -> str:
    """The status line's note where the behaviour events' CSV beside the export was kept (the user's No), else ""."""
    return "" if params.get("behaviours", True) else \
        f"{params.get('beside', 'the behaviours CSV')} kept as it was: the behaviour events were not written"


def found_line(video: Any, found: list[int], missing: list[int], was: str = "") -> str:
    """What the status bar says once a missing video was found at ``video.path`` (the "Where is …?" dialog, or File
    > Open video of the moved file): its folder, the name it was added under where the file found (by its
    content) has another, and the project's other missing videos found there too or not."""
    folder = Path(video.path).parent
    line = (f"Found {was} as {video.name} in {folder}" if was and was != video.name
            else f"Found {video.name} in {folder}")
    return line + _others_found(found, missing)


def _others_found(found: list[int], missing: list[int]) -> str:
    """found_line's end: the project's other missing videos found in that folder too, or not."""
    line = f"; found {len(found)} other missing video{'s' * (len(found) != 1)} there too" if found else ""
    return line + (f"; {len(missing)} still missing (not in that folder)" if missing else "")


# ---------------------------------------------------------------------------------------------------- analysis
class RunAnalysis(AppCommand):
    """params: settings (optional: the checkpoint loaded, else the one the video's last run used); confirmed True
    skips the question asked before re-running on a video with coded events or reviewed proposals."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        opening = ctx.win.session.opener.worker
        if opening is not None:  # the window still shows the video before it: that one would be analysed
            raise InputError(f"{Path(opening.path).name} is still being opened: run the analysis once it is shown "
                             "(Cancel in the status bar keeps the video shown now)")
        if params.get("confirmed"):
            return True
        question = ctx.win.analysis.rerun_question()
        return question is None or ctx.win.confirm(question)

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.analysis.start(params.get("settings"))


class TurnVideo(AppCommand):
    """params: turn (degrees clockwise the current video's frames are turned for its analysis; None: automatic)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.analysis.set_turn(params.get("turn"))


class FolderRateStep(ProjectCommand):
    """A frame folder's rate set (Project.set_video_fps) as one undo step; the video, where shown, is opened again at
    the rate of each do and undo (its source is timed at the one it opened with), and the videos list follows."""

    def __init__(self, win: Any, video_id: int, fps: float) -> None:
        video = win.require_writable().video(video_id)
        super().__init__(f"Frame rate of {video.name}: {video.fps:g} -> {fps:g} fps", win.project, self._shown)
        self.video_id = self.vid = video_id  # (video_id: an undo from another video's view goes to it)
        self.fps, self._win = fps, win  # (_win: `win` would keep it out of a jump: ProjectCommand.joins_jump)
        self.change: Any = None  # project.videos.RateChange: what the last do changed
        self.then: Callable[[], None] | None = None  # once the video is shown at the rate set (a re-run)

    def _do(self) -> None:
        self.change = self.project.set_video_fps(self.vid, self.fps)

    def _undo(self) -> None:
        if self.change is not None:
            self.project.undo_video_fps(self.change)

    def _shown(self) -> None:
        win, then, self.then = self._win, self.then, None
        session = win.session
        if session.project is self.project and session.video is not None and session.video.id == self.vid:
            session.select_video(self.vid, then=then)  # opened at the project's rate (video_opening.folder_rate)
        win.refresh_video_list()


class SetFolderRate(AppCommand):
    """Analysis > Frame rate of this folder…: the rate of the frame folder shown (image files carry none: one added
    without a rate holds the 30 assumed, which its status line says). One undo step (FolderRateStep); its events
    keep their frames, their times follow; a stored analysis, measured at the old rate, is run again where the coder
    asks (the dialog's tick). A video file is refused: its frames are timed by the file. params: fps, rerun,
    video_id (default: the video shown)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        from merstudio.gui import video_opening

        win = ctx.win
        proj = win.require_writable()
        video = proj.video(params["video_id"]) if params.get("video_id") is not None else win.require_video()
        params["video_id"] = video.id
        check_rate_settable(video)
        running = win.analysis.worker
        if running is not None and running.video_id == video.id:
            raise InputError(f"{video.name}: its analysis is running: cancel it (Ctrl+.) before setting its rate")
        if "fps" in params:
            return True
        events = sum(proj.event_counts(video.id).values())
        answer = video_opening.ask_folder_rate(win, video, not proj.rate_was_set(video) and bool(
            getattr(win.session.source, "fps_assumed", False)), proj.analysis(video.id) is not None, events)
        if answer is None:
            return False
        params["fps"], params["rerun"] = answer
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        proj = win.require_writable()
        vid, fps = int(params["video_id"]), float(params["fps"])
        video = proj.video(vid)
        if fps == video.fps and proj.rate_was_set(video):
            win.statusBar().showMessage(f"{video.name}: {fps:g} fps already", 5000)
            return
        step = FolderRateStep(win, vid, fps)
        rerun = params.get("rerun")

        def say() -> None:  # joined to the lines the video's switch at its new rate says: they replaced it at once
            change = step.change
            line = change.line()
            if change.analysed_at is not None:
                from merstudio.project.videos import analysed_at_text

                measured = analysed_at_text(change.analysed_at, change.video.fps)
                if measured in win.status_bar.currentMessage():  # the video's own line says it, with the remedy
                    line = line.replace(f"; {measured}", "")
                elif not rerun:
                    line += ": Analysis > Run analysis (Ctrl+R)"
            win.status_bar.add_message(line, 15000, first=True)  # first: it answers the dialog just closed

        def shown() -> None:  # the video shown again at the new rate (its own decoder opens it at it too)
            say()
            if rerun:  # after this
                from PySide6.QtCore import QTimer

                QTimer.singleShot(0, win, lambda: win.ctx.execute(RunAnalysis))

        step.then = shown
        win.coding.push(step)
        if win.session.video is None or win.session.video.id != vid:  # not shown: nothing to wait for
            say()


class CancelAnalysis(AppCommand):
    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.analysis.cancel()


class LoadCheckpoint(AppCommand):
    """params: path; confirmed True uses the model once it has loaded, else the checkpoint dialog shows what it was
    trained on first and asks. The load (torch.load and building the network: the whole model, so that an
    incompatible file is refused now, not in the middle of an analysis) runs in a worker
    (:meth:`AnalysisControl.request_checkpoint`): the command returns at once, the status bar shows the load, a
    newer request supersedes this one, and an analysis asked for meanwhile waits for it."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        return _ask_path(ctx, params, "path", "Load checkpoint", "Checkpoints (*.pt *.pth);;All files (*)",
                         kind="checkpoint")

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.analysis.request_checkpoint(Path(params["path"]), ask=not params.get("confirmed"),
                                            meta=params.get("meta"))


# ---------------------------------------------------------------------------------------------------- events
class NewEvent(AppCommand):
    """Create an event from params onset/offset (and optional apex and fields), else (params from "marks") from
    the I/A/O marks, else from the timeline selection, else from the marks."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        win = ctx.win
        if "onset" in params and "offset" in params:
            return True
        if params.get("from") == "marks" and win.marks.ready():
            params["onset"], params["apex"], params["offset"] = win.marks.interval(win.activity())
        elif win.timeline.selection is not None:
            params["onset"], params["offset"] = win.timeline.selection
        elif win.marks.ready():
            params["onset"], params["apex"], params["offset"] = win.marks.interval(win.activity())
        else:
            win.statusBar().showMessage("Select an interval on the events track, or mark onset (I) and offset (O)",
                                        5000)
            return False
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        video = win.require_video()
        on, off = sorted((int(params["onset"]), int(params["offset"])))
        fields = {k: params[k] for k in ("emotion", "aus", "confidence", "note", "face_id") if k in params}
        face = fields.pop("face_id", None)
        moved = ""
        if face is None:
            face = win.timeline.face or 0
            buf = win.buffer
            if buf is not None and buf.faces and not buf.seen_between(face, on, off):
                # the face shown is not in these frames (a cut, a person who left): the one face that is
                there = [f for f in buf.faces if buf.seen_between(f, on, off)]
                if len(there) == 1:
                    moved = f" on face {there[0]}, the face in these frames (face {face} is not)"
                    face = there[0]
                elif there:  # which of them is the coder's to say: nothing coded, the marks kept
                    raise InputError(f"face {face} is not in frames {on}-{off}; faces "
                                     f"{', '.join(map(str, there[:-1]))} and {there[-1]} are: show the one this "
                                     "event is on (click it, or Ctrl+Shift+Up/Down) and code it again")
        apex = params.get("apex")
        if apex is None or not on <= apex <= off:
            from merstudio.gui.state import peak

            apex = peak(win.analysis.activity(face), on, off)
        ev = Event(video.id, on, int(apex), off, coder=win.coding.require_coder(), source="manual", status="accepted",
                   face_id=face, **fields)
        from merstudio.gui.coding import with_note

        cmd = win.coding.push_add(ev)
        note = win.coding.show_anyway(cmd.event.id, "new")  # in sight: the filter cleared where it hides it
        win.marks.clear()
        win.coding.show_marks(say=False)
        win.timeline.clear_selection()
        win.coding.select(cmd.event.id)
        # the new event named (the drag's "press C" hint would stay otherwise); I/O write their own line after this
        win.statusBar().showMessage(with_note(f"{event_line(cmd.event)}{moved}", note), 8000 if moved or note else 6000)


def _named_event(ctx: CommandContext, params: Params) -> Event | None:
    """The event ``params["event_id"]`` names in the open project, the one an event command's ``do`` acts on; None
    when the project has none by that id (deleted meanwhile): each command says so or does nothing."""
    assert ctx.win.project is not None
    return ctx.win.project.event(params["event_id"])


def _same_value(a: object, b: object) -> bool:
    """Whether a field reads the same (NaN as NaN: a stored model probability the dialog does not edit)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _replacing_proposal(ctx: CommandContext, shown: Event | None) -> Event | None:
    """The open proposal that took the place of `shown`, an open proposal a re-run replaced while the dialog was open
    on it: the one open proposal of its video at the same frames (None: none, or not one alone)."""
    from merstudio.project.event_store import is_model_proposal

    if shown is None or not is_model_proposal(shown) or ctx.win.project is None:
        return None
    same = [e for e in ctx.win.project.proposals(shown.video_id)
            if (e.onset, e.apex, e.offset) == (shown.onset, shown.apex, shown.offset)]
    return same[0] if len(same) == 1 else None


class EditEvent(AppCommand):
    """params: event_id plus the fields to change; without fields, the event dialog asks."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        win = ctx.win
        params.setdefault("event_id", win.selected_event_id)
        if params["event_id"] is None and win.behaviours.selected_id is not None:
            # a behaviour event selected (its table's row, the lane): Return / E edit it, as Delete deletes it
            from merstudio.gui.behaviours import EditBehaviourEvent

            ctx.execute(EditBehaviourEvent)
            return False
        if params["event_id"] is None or win.project is None:
            if win.video is not None:
                win.statusBar().showMessage("No event selected: click one, or press N for the next proposal", 5000)
            return False
        win.require_writable()  # refused before the dialog, not after the user filled it in
        if "changes" in params:
            return True
        from merstudio.gui.dialogs import EventDialog

        ev = win.project.event(params["event_id"])
        if ev is None:
            return False
        dlg = EventDialog(ev, win.frame_count, emotions=win.analysis.emotion_names(), parent=win)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        # Only what the coder changed: the dialog is modal, not the project: a re-run ending while it was open may
        # have moved the event to its person's new face id, or replaced the open proposal it showed (a121). Writing
        # back every field shown put the event on the other person.
        shown = ev.to_dict()
        params["changes"] = {k: v for k, v in dlg.result_event().to_dict().items()
                             if k != "id" and not _same_value(v, shown.get(k))}
        params["shown"] = ev
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        before = _named_event(ctx, params) or _replacing_proposal(ctx, params.get("shown"))
        if before is None:
            raise InputError(f"event {params['event_id']}: no longer exists")
        after = replace(before, **params["changes"])
        if after != before:
            win.coding.push_edit(before, after)


class DeleteEvent(AppCommand):
    """Delete (or Backspace): the selected coded event; with none selected, the selected behaviour event."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        params.setdefault("event_id", ctx.win.selected_event_id)
        if params["event_id"] is None and ctx.win.behaviours.selected_id is not None:
            ctx.win.behaviours.delete_event(ctx.win.behaviours.selected_id)  # its own undo step
            return False
        return params["event_id"] is not None

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ev = _named_event(ctx, params)
        if ev is None:
            return
        table = ctx.win.table
        row = table.model_.row_of(ev.id) if table.hasFocus() and ev.id is not None else None
        ctx.win.coding.push_delete(ev)
        # deleted from the table: the row that took its place is selected (the last, past the end), so the next
        # Down, Y, X or Delete acts from there, not from the first row
        after = table.event_at(row) if row is not None else None
        if after is not None and after.id is not None:
            ctx.win.coding.select(after.id, seek=True)


class SetProposalStatus(AppCommand):
    """Accept or reject the selected proposal (or the one under the play head), then step to the next one."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        win = ctx.win
        why = ""
        if params.get("event_id") is None:
            params["event_id"], why = win.coding.current_proposal_id()
        if params["event_id"] is None:  # a key that does nothing says why (a proposal the events filter hides)
            win.statusBar().showMessage(why or "No proposal selected or under the play head: N goes to the next one",
                                        8000 if why else 5000)
        return params["event_id"] is not None

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        ev = _named_event(ctx, params)
        if ev is None:
            return
        win.coding.push_status(ev, params["status"])
        # what was done and what is left: an analysis' "N proposals to review" would go stale
        left = sum(1 for e in win.coding.events if e.status == "proposal")
        what = f"{'Accepted' if params['status'] == 'accepted' else 'Rejected'} {ev.emotion or 'proposal'} " \
               f"{ev.onset}-{ev.offset}: "
        win.statusBar().showMessage(what + (f"{left} proposal{'s' * (left != 1)} left to review (N next, Y accept, "
                                            "X reject)" if left else "no proposals left to review"), 8000)
        if params.get("advance", True) and left:
            win.coding.goto_next_proposal(say=False)  # the line above says what was done and what is left


class NextProposal(AppCommand):
    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.coding.goto_next_proposal()


def frame_seen(win: MainWindow) -> int:
    """The frame a key pressed "at the play head" acts on: paused, the play head; while playing, the frame whose
    picture is on screen. The play head then runs on the clock and its decoded picture comes later (1-2 frames on a
    busy machine): the coder presses the key at the picture they saw (I / A / O, Shift+I / Shift+O, a behaviour's
    key, Shift+Del, Y / X, , / ., Ctrl+G's default). Not a picture the view marks as another frame's (its loading:
    video_view.ShownFrame, the one state the view's dimming reads too): a seek's made before play began."""
    view = win.video_view
    if win.transport.playing and view.frame_index >= 0 and view.loading is None:
        return int(view.frame_index)
    return int(win.current_frame)


class MarkPoint(AppCommand):
    """I / A / O: mark onset, apex or offset at the play head (while playing, at the picture shown: frame_seen);
    with onset and offset marked, make the event."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        win.require_video()
        win.marks.set(params["which"], params.get("frame", frame_seen(win)))
        win.coding.show_marks()
        # the event is made when its second end is marked, whichever key came first (O, then I works too), from
        # the marks: never from a timeline selection left over from something else
        if params["which"] in ("onset", "offset") and win.marks.ready():
            on, apex_mark, off = win.marks.onset, win.marks.apex, win.marks.offset
            shown = win.timeline.face  # selecting the new event shows its face
            if not ctx.execute(NewEvent, **{"from": "marks"}):
                return
            ev = win.coding.find(win.selected_event_id)
            if ev is None:
                return
            note = []
            if on is not None and off is not None and off < on:
                note.append("the offset was marked before the onset")
            if apex_mark is not None and apex_mark != ev.apex:
                note.append(f"the apex mark {apex_mark} lies outside it: apex at the activity peak")
            if shown is not None and ev.face_id != shown:
                note.append(f"on face {ev.face_id}, the face in these frames (face {shown} is not)")
            if win.coding.shown_note:  # NewEvent's: its coder shown again, the filter cleared (its line is replaced)
                note.append(win.coding.shown_note)
            win.statusBar().showMessage(event_line(ev) + (f" ({'; '.join(note)})" if note else ""), 6000)


# ---------------------------------------------------------------------------------------------------- misc
class SetCoder(AppCommand):
    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        if params.get("name"):
            return True
        name, ok = QInputDialog.getText(ctx.win, "Coder", "Your coder name (stored with every event you code):",
                                        text=ctx.win.coder)
        if not ok or not name.strip():
            return False
        params["name"] = name.strip()
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.pathnames import name_key

        # Unicode NFC, as an event's coder is stored (Event.validated): a name pasted from a Mac's Finder, "Zoë"
        # decomposed, is the coder typed, not a second one in the agreement
        ctx.win.set_coder(name_key(str(params["name"]).strip()))
        remembered.saved(ctx.win, ctx.win.qsettings)  # not kept (a read-only settings file): said once


class SetVideoSubject(AppCommand):
    """Name the person a project video shows (fine-tuning's hold-out by subject holds out all of a person's videos
    together). params: video_id (default: the current video), subject ("" clears it)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        from merstudio.project.subjects import video_subject

        proj = ctx.win.require_writable()
        if params.get("video_id") is None:
            params["video_id"] = ctx.win.require_video().id
        if "subject" in params:
            return True
        name = proj.video(params["video_id"]).name
        text, ok = QInputDialog.getText(ctx.win, "Subject", f"The person {name} shows (a name or code such as P01; "
                                        "empty: none):", text=video_subject(proj, params["video_id"]) or "")
        if not ok:
            return False
        params["subject"] = text.strip()
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.project.subjects import set_video_subject

        proj = ctx.win.require_writable()
        subject = str(params["subject"]).strip()
        set_video_subject(proj, int(params["video_id"]), subject or None)
        ctx.win.refresh_video_list()
        name = proj.video(int(params["video_id"])).name
        ctx.win.statusBar().showMessage(f"{name}: subject {subject}" if subject else f"{name}: no subject", 5000)


class GoToFrame(AppCommand):
    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        if "frame" in params:
            return True
        win = ctx.win
        from merstudio.gui.state import goto_frame

        text, ok = QInputDialog.getText(win, "Go to", f"Frame (0-{win.frame_count - 1}) or time hh:mm:ss.mmm:",
                                        text=str(frame_seen(win)))
        if not ok:
            return False
        try:
            params["frame"], params["note"] = goto_frame(text, win.fps, win.frame_count,
                                                         win.transport.playback.timebase)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.transport.seek(int(params["frame"]))
        if params.get("note"):  # clamped: "Go to 600: past the end, frame 599 is the last"
            ctx.win.statusBar().showMessage(str(params["note"]), 6000)


EXPORTS = {
    "frames": ("Per-frame CSV", "CSV (*.csv)", "{stem}_frames.csv"),
    "frames_neutral": ("Per-frame CSV relative to neutral", "CSV (*.csv)", "{stem}_frames_neutral.csv"),
    "events_csv": ("Events report CSV (ids, times, durations)", "CSV (*.csv)", "{stem}_events.csv"),
    "events_xlsx": ("Events report XLSX", "Excel (*.xlsx)", "{stem}_events.xlsx"),
    "events_all": ("Events of all videos (CSV)", "Events CSV (*.csv)", "{project}_all_events.csv"),
    "summary": ("Summary CSV + timeline PNG", "CSV (*.csv)", "{stem}_summary.csv"),
    "labelled": ("Labelled set for fine-tuning", "CSV (*.csv)", "{project}_labels.csv"),
    "behaviours": ("Behaviour events CSV", "CSV (*.csv)", "{stem}_behaviours.csv"),
}


# written in a worker (``gui/exports.py``): seconds on a long project (every video's events: 0.25-0.43 s for 2,000
# on the GUI thread). The others take tens of milliseconds for a few hundred events (docs/gui.md, Exports) and are
# written at once.
IN_WORKER = ("frames", "frames_neutral", "events_xlsx", "summary", "events_all")
# File > Export events writes a video's events at once (~40 ms: the file there when the command returns) up to this
# many of them on a video up to this long; more, or a longer video (its frame times read), in the worker as IN_WORKER
EVENTS_AT_ONCE = 300
FRAMES_AT_ONCE = 9_000
# exports of the stored analysis: refused before it exists (a header alone, said "Exported")
FROM_ANALYSIS = ("frames", "frames_neutral")
# ... and with the summary (which has the events without one), said to be partial where it stops short: a run
# interrupted, cancelled or still going stored its frames so far, with nothing to tell the file from a whole one
SAYS_SHORT = (*FROM_ANALYSIS, "summary")
# an export in the worker that ends within this is waited for: a small project's file is there when the command
# returns, as when it was written at once
EXPORT_GRACE_MS = 100


class Export(AppCommand):
    """params: kind (a key of EXPORTS), path. The kinds in IN_WORKER run in a worker (``gui/exports.py``): the
    command returns once it started, ``win.exports`` reports the outcome (progress in the status bar's busy bar);
    the others are written at once."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        win = ctx.win
        video = win.require_video()
        title, filt, default = EXPORTS[params["kind"]]
        assert win.project is not None
        if params["kind"] in FROM_ANALYSIS and win.project.analysis(video.id) is None:
            # it wrote a header alone and said "Exported"; a first run starting (its model loading) stores no run yet
            if win.worker is not None and win.worker.video_id == video.id:
                raise InputError(f"{video.name} is being analysed: export once its analysis ends")
            raise InputError(f"{video.name} is not analysed yet: Analysis > Run analysis (Ctrl+R) first")
        if params["kind"] == "frames_neutral" and not load_baselines(win.project, video.id):
            if win.frame_count == 1:  # Analysis > Neutral frames refuses photos: say why instead
                from merstudio.gui.neutral import PHOTO_NEUTRAL  # (gui.neutral imports this module)

                raise InputError(PHOTO_NEUTRAL)
            raise InputError("no neutral frames set for this video: set them first (Analysis > Neutral frames)")
        if params["kind"] in IN_WORKER:
            win.exports.require_idle()  # before the file dialog, not after it
        win.follow_project()  # the default folder and the labelled set's name are the project's
        name = default.format(stem=Path(video.name).stem, project=win.project.path.stem)
        if not _ask_path(ctx, params, "path", f"Export {title}", filt, save=True,
                         default=str(export_folder(win.project) / name)):
            return False
        if params["kind"] in ("events_csv", "events_xlsx", "events_all"):  # a CSV of behaviour events beside it
            return _ask_beside(ctx, params, None if params["kind"] == "events_all" else video.id)
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        win = ctx.win
        video = win.require_video()
        proj = win.project
        assert proj is not None
        kind, path = params["kind"], Path(params["path"])
        progress = win.export_progress
        times = win.playback.timebase.times  # a variable-rate video's frame times, past what an analysis stored
        vid = video.id
        short = short_run_note(proj, video) if kind in SAYS_SHORT else ""  # said once the file is written
        if kind in ("frames", "frames_neutral"):  # 36 000 rows: 1.2 s; read and written in the worker
            relative = kind == "frames_neutral"
            # the faces without neutral frames stay absolute in it (neutral_frames empty on their rows): said
            note = absolute_note(list(proj.face_spans(vid)), list(load_baselines(proj, vid).values())) \
                if relative else ""
            note = "; ".join(n for n in (short, note) if n)
            _export_in_worker(win, proj, f"per-frame export of {video.name} ({path.name})", [path],
                              lambda reader, progress: [ex.export_frames_csv(reader, vid, path, progress=progress,
                                                                             relative=relative)],
                              busy="Exporting the per-frame table…" + (f" ({note})" if note else ""))
            if note:
                _say_after(win, f"Exported {path}; {note}")
            return
        elif kind == "events_csv":
            out = [ex.export_events_csv(proj, path, video_id=video.id, progress=progress, times=times)]
            if params.get("behaviours", True):
                out += _behaviours_beside(proj, video.id, path, times)
        elif kind == "events_xlsx":  # ~0.1 s for 300 events: in the worker
            copy, beside = _own_times(times), params.get("behaviours", True)
            _export_in_worker(win, proj, f"events export of {video.name} ({path.name})", [path],
                              lambda reader, progress: [ex.export_events_xlsx(reader, path, video_id=vid,
                                                                              progress=progress, times=copy)]
                              + (_behaviours_beside(reader, vid, path, copy) if beside else []),
                              busy="Exporting the events…")
            if kept := _beside_kept(params):
                _say_after(win, f"Exported {path}; {kept}")
            return
        elif kind == "events_all":  # read and written in the worker (a project's every event)
            copy, notes = _own_times(times), []

            beside, kept = params.get("behaviours", True), _beside_kept(params)

            def write_all(reader: Any, progress: Callable[[int, int], None]) -> list[Path]:
                out, note = _all_events_csv(reader, path, vid, copy, progress, behaviours=beside)
                notes.append("; ".join(n for n in (note, kept) if n))
                return out

            _export_in_worker(win, proj, f"export of every video's events ({path.name})", [path], write_all,
                              busy="Exporting the events of all videos…")
            _say_after(win, lambda: f"Exported {path}; {notes[0]}" if notes and notes[0] else "")
            _wait_briefly(win)
            return
        elif kind == "behaviours":
            out = [ex.export_behaviours_csv(proj, path, video_id=video.id, progress=progress, times=times)]
        elif kind == "summary":  # seconds of matplotlib, 0.2 s of reading: both in the worker
            copy, png = _own_times(times), path.with_suffix(".png")  # the timeline PNG beside the CSV
            boxes: list[str] = []  # the worker's line on characters drawn as boxes
            ex.check_summary_paths(path, png)  # a folder for either: refused now, and neither written
            _export_in_worker(win, proj, f"summary export of {video.name} ({path.name} and {png.name})", [path, png],
                              lambda reader, progress: ex.write_summary(ex.summary_data(reader, vid, copy), path,
                                                                        png, progress=progress, notes=boxes),
                              busy="Exporting the summary…")
            # after "Exported …": a short analysis, and the PNG's characters no font has (said as --plot says them)
            _say_after(win, lambda: "; ".join([f"Exported {path} and {png.name}", *filter(None, (short, *boxes))])
                       if short or boxes else "")
            return
        elif kind == "labelled":
            said: list[str] = []  # how the subjects were named, the expressions merged or left out
            win.export_done([ex.export_labelled_set(proj, path, progress=progress, notes=said)])
            if said:  # after export_done's "Exported …", which it replaces
                win.statusBar().showMessage(f"Exported {path}; {said[0]}" + safe_note(win.exports.made_safe), 15000)
            return
        else:
            raise InputError(f"export: unknown kind {kind!r}")
        win.export_done(out)
        if kept := _beside_kept(params):  # after export_done's "Exported …", which it replaces
            win.statusBar().showMessage(f"Exported {path}; {kept}" + safe_note(win.exports.made_safe), 15000)


def export_folder(proj: Any) -> Path:
    """The folder an export's dialog opens in: the project's, or the user's documents where that cannot be written
    (a read-only project on a share or a DVD: the file would be refused there after the dialog)."""
    from PySide6.QtCore import QStandardPaths

    from merstudio.gui.session import folder_writable

    if folder_writable(proj.path.parent):
        return Path(proj.path.parent)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and folder_writable(Path(docs)) else Path.home()


def _all_events_csv(proj: Any, path: Path, current: int, times: Any,
                    progress: Callable[[int, int], None] | None = None,
                    behaviours: bool = True) -> tuple[list[Path], str]:
    """Every video's events in one events CSV (the interchange format), each row naming its video: what `merstudio
    convert --project P --import FILE --video all` puts back into the videos (interchange.export_all_events, as that
    command's --export writes it). ``times``: the current video's frame times as its player knows them (the
    others': those their analysis stored). ([the file], what to say beside "Exported": "" or its notes)."""
    from merstudio.interchange import export_all_events

    done = export_all_events(proj, path, times={current: times}, progress=progress, behaviours=behaviours)
    return done.paths, "; ".join(done.notes)  # the behaviour events' file beside it too, where written


def _own_times(times: Any) -> Any:
    """The player's frame times as an array of the worker's own (None: a constant rate)."""
    return None if times is None else np.array(times, dtype=np.float64)


def _export_in_worker(win: Any, proj: Any, what: str, paths: list[Path],
                      write: Callable[[Any, Callable[[int, int], None]], list[Path]], busy: str) -> None:
    """Start ``write(reader, progress)`` in a worker through ``win.exports`` (a read-only connection of its own,
    pinned to the project as it is now): a second export is refused, and a bad output path, at once."""
    win.exports.require_idle()
    for p in paths:
        ensure_parent(p)  # a bad path is refused at once, not after the work
    dirs = list(getattr(proj, "search_dirs", ()))

    def looking_here(reader: Any, progress: Callable[[int, int], None]) -> list[Path]:
        reader.search_dirs = dirs  # the folders videos were found in this session: the links name those files
        return write(reader, progress)

    win.exports.start_reading(what, proj, looking_here, busy=busy)


def _say_after(win: Any, message: str | Callable[[], str]) -> None:
    """Show `message` in the status bar once the running export is written (after its "Exported …"); not if it
    failed (its error is shown). A callable gives the message then (what the worker found; "": nothing said)."""
    from PySide6.QtCore import Qt

    def say() -> None:
        text = message() if callable(message) else message
        if text and not w.error:  # with the spreadsheet-safe count "Exported …" said: this line replaces that one
            win.statusBar().showMessage(text + safe_note(win.exports.made_safe), 15000)

    w = win.exports.worker
    if w is not None:  # queued like exports' own slot, so after it and on the GUI thread
        w.finished.connect(say, Qt.ConnectionType.QueuedConnection)


def _wait_briefly(win: Any) -> None:
    """Wait up to EXPORT_GRACE_MS for the export just started, and report it at once if it ended (its queued
    end delivered now)."""
    from PySide6.QtWidgets import QApplication

    w = win.exports.worker
    if w is not None and w.wait(EXPORT_GRACE_MS):
        QApplication.processEvents()


def _behaviours_beside(proj: Any, video_id: int, events_path: Path, times: Any = None) -> list[Path]:
    """The video's behaviour events as ``<stem>_behaviours.csv`` beside an events file (none: nothing written)."""
    if not proj.behaviour_events(video_id):
        return []
    return [ex.export_behaviours_csv(proj, ex.behaviours_csv_path(events_path), video_id=video_id, times=times)]


# ---------------------------------------------------------------------------------------------------- interchange
EVENTS_FILTER = ("Annotation files (*.eaf *.tsv *.txt *.csv *.xlsx *.boris *.boris.gz);;ELAN (*.eaf);;"
                 "BORIS (*.tsv *.csv *.xlsx);;BORIS project (*.boris *.boris.gz);;Events CSV (*.csv);;All files (*)")
# File > Export events: each filter's format (interchange.FORMATS)
EXPORT_EVENT_FORMATS = {"ELAN (*.eaf)": "eaf", "BORIS TSV (*.tsv)": "boris-tsv", "BORIS Excel (*.xlsx)": "boris-xlsx",
                        "BORIS CSV (*.boris.csv)": "boris-csv", "BORIS project (*.boris)": "boris-project",
                        "Events CSV (*.csv)": "events-csv"}
EXPORT_EVENTS_FILTER = ";;".join(EXPORT_EVENT_FORMATS)
# the formats a file name's ending can hold, longest ending first: ".csv" either CSV, ".boris.csv" BORIS's only
_ENDINGS = ((".boris.csv", ("boris-csv",)), (".boris.gz", ("boris-project",)), (".boris", ("boris-project",)),
            (".eaf", ("eaf",)), (".tsv", ("boris-tsv",)), (".txt", ("boris-tsv",)), (".xlsx", ("boris-xlsx",)),
            (".csv", ("boris-csv", "events-csv")))


def _export_format(path: str, selected: str) -> tuple[str, str | None]:
    """(path, format) of File > Export events from the name typed and the filter chosen: the filter's format where
    the name's ending can hold it ("v1_b.csv" under BORIS CSV is BORIS's CSV: by its name alone merstudio's events
    CSV, written silently instead), its extension added where the name has none of ours ("v1" under BORIS project:
    v1.boris; it was refused, "use .eaf, .tsv, .csv or .xlsx"); a name whose ending is another format's says what
    it is (format None: by the name, as typed)."""
    fmt = EXPORT_EVENT_FORMATS.get(selected)
    if fmt is None:
        return path, None
    name = Path(path).name.lower()
    holds = next((fmts for ending, fmts in _ENDINGS if name.endswith(ending)), None)
    if holds is None:
        return path + _filter_suffix(selected), fmt
    return path, fmt if fmt in holds else None


def _resolves_now(ctx: CommandContext, preview: Any) -> list[Event]:
    """``preview.resolves`` (the open proposals its reviewed events cover) as the project stands at OK: a re-run
    that ended while the preview was open replaced the video's open proposals (new ids), and removing the ones the
    preview read failed with "no event 1", nothing imported (a121). Read again by the same rule from those stored
    now, as interchange.project_preview picks them."""
    from merstudio.interchange import _identity

    assert ctx.win.project is not None
    now = ctx.win.project.proposals(preview.video_id)
    if {e.id for e in preview.open_proposals} <= {e.id for e in now}:
        return list(preview.resolves)
    taken = {x.id for x in [*preview.replaces, *preview.duplicates] if x.id is not None}
    held = {_identity(e) for e in [*preview.events, *preview.duplicates]}
    preview.open_proposals = [x for x in now if x.id not in taken and _identity(x) not in held]
    return list(preview.resolves)


class ImportEvents(AppCommand):
    """Import an annotation file (ELAN .eaf, BORIS tsv/csv/xlsx or .boris project, events CSV) into the current
    video; of an events CSV naming several videos (Export > Events of all videos), each video's rows into its own
    video, after one confirmation, as one undo step (gui.all_videos_import). ``ask`` shows what will be imported and what skipped (and why) and imports only on confirm, with a "Replace" box when the
    project has events of the file's coders on the video (a corrected file replaces them); ``do`` pushes the import
    as one undo step. An ELAN file with tiers not in merstudio's scheme (a colleague's "Emotion" and "AU") is
    first mapped in the Map ELAN tiers dialog (tier_dialog.TierMapDialog): whose coding each tier is and what it
    holds; the mapping is remembered in the project for a file with the same tiers. params: path, optional fmt,
    fps_override; tier_coders ``{tier: coder}`` and tier_roles ``{tier: "aus" | "emotion" | "event"}`` (ELAN,
    read_eaf's; given, no tier dialog); tiers_left_out (tiers unticked in that dialog: a note in the preview, not
    skipped items); coder (preview_import's: the coder of a BORIS file's events before their observation id, which
    names the session, and of a file's events that name none; the preview's Coder field sets it); replace (the
    file's coders' events on the video are replaced by the file's); skip_bad (the user confirmed skipping); confirmed (no dialog); elan (set on the way: the ELAN file
    parsed once for every step, :func:`_elan`)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        ctx.win.require_writable()  # before any dialog
        if not _ask_path(ctx, params, "path", "Import events", EVENTS_FILTER, kind="import"):
            return False
        from merstudio.interchange import looks_behaviours_table

        if looks_behaviours_table(params["path"]):  # a _behaviours.csv: behaviour events, each row into its video
            return _ask_behaviours(ctx, params)
        from merstudio.gui import all_videos_import

        if all_videos_import.several_videos(ctx, params):  # each video's rows into its own video
            return bool(params.get("confirmed")) or all_videos_import.ask(ctx, params)
        if params.get("confirmed"):
            return True
        if not _ask_tiers(ctx, params):
            return False
        from merstudio.errors import FrameRateMismatch

        try:
            found = _previews(ctx, params)
        except FrameRateMismatch as exc:  # coded on another copy of the video (another rate): offer to convert
            if exc.same_rate():  # the same rate, other times: converting would land them wrong; say what to do
                ctx.win.show_error(str(exc))
                return False
            name = Path(params["path"]).name
            if not ctx.win.confirm(_rate_question(name, exc, ctx.win.video)):
                return False
            params["fps_override"] = True
            found = _previews(ctx, params)
        from merstudio.gui.dialogs import ImportPreviewDialog, names_no_coder

        prev, alt = found  # alt: the file read to replace its coders' events, if any
        params["preview"] = prev
        if prev.nothing_new():
            return True  # nothing to ask about: do() says so in the status line
        reread = None
        boris = _is_boris(params)  # BORIS names no coder (the observation id names the session): the Coder field's
        # a file of another format whose events name no coder (an events CSV's empty coder column; a file without
        # events names none either): the field too, filled with the app's coder, the file read for it
        unnamed = not boris and not params.get("coder") and names_no_coder([prev])
        if boris or unnamed:

            def reread(coder: str) -> tuple[Any, Any]:
                return _previews(ctx, {**params, "coder": coder})

        app_coder = (ctx.win.coder or "").strip()
        if unnamed and app_coder:
            prev, alt = reread(app_coder)
            params["preview"] = prev
        dlg = ImportPreviewDialog(alt if params.get("replace") and alt is not None else prev, ctx.win,
                                  replace_preview=alt, reread=reread, app_coder=app_coder,
                                  coder=app_coder if unnamed else None)
        if dlg.replace_box is not None and params.get("replace") and alt is not None:
            dlg.replace_box.setChecked(True)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        params["replace"], params["preview"] = dlg.replace, dlg.preview
        if reread is not None:
            params["coder"] = dlg.coder  # the preview was read for it ('': as the file says)
        params["skip_bad"] = True  # the dialog listed what is skipped and the user confirmed
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.gui import all_videos_import
        from merstudio.interchange import looks_behaviours_table

        if "behaviour_previews" in params or looks_behaviours_table(params["path"]):
            return _import_behaviours(ctx, params)
        if all_videos_import.several_videos(ctx, params):
            return all_videos_import.do(ctx, params)
        preview = params.get("preview") or _preview(ctx, params)
        if line := preview.nothing_new(preview.path.name):  # behaviour tiers alone, all here: not an error
            ctx.win.statusBar().showMessage(line, 10000)
            return None
        rows = list(getattr(preview, "behaviour_rows", ()))  # an ELAN file's behaviour tiers (ours)
        if rows and not preview.events and not preview.replaces:  # behaviour events alone: their own step
            return _import_behaviours(ctx, {**params, "behaviour_previews": [preview]})
        if not preview.events and preview.duplicates and not preview.replaces and not preview.resolves:
            # the same file again: say so, not what accept() says of whatever else it skips
            raise _nothing_to_import(preview.path, len(preview.duplicates), len(preview.reviewed_here))
        try:
            events = preview.accept(skip_bad=bool(params.get("skip_bad")))  # InputError: nothing imported
        except InputError as exc:
            raise _unmapped_tiers(params, preview) or exc from None
        gone = list(preview.replaces)
        resolved = _resolves_now(ctx, preview)  # open proposals the file's reviewed events cover: same undo step
        new = [c for c in preview.file_coders if c not in preview.coded_before]
        if not events and not gone and not resolved and (preview.duplicates or not new):
            raise _nothing_to_import(preview.path, len(preview.duplicates), len(preview.reviewed_here))
        text = (f"Import {len(events)} event(s) from {preview.path.name}" if not gone else
                f"Replace {len(gone)} event(s) of {', '.join(preview.file_coders)} by {len(events)} from "
                f"{preview.path.name}")
        if not events and not gone:
            text = f"Record {', '.join(new)} as having coded {ctx.win.require_video().name} ({preview.path.name})"
        from merstudio.interchange import remember_elan_media, resolved_line

        if resolved and not events and not gone:  # reviews already here, beside open proposals (an older import)
            text = f"Import {preview.path.name}: {resolved_line(len(resolved))}"
        elif resolved:
            text += f" ({resolved_line(len(resolved))})"

        # an ELAN file's media offset and other linked media, so that an export to ELAN writes them back: set by
        # the import's undo step (undo takes it back with the events)
        settings = _SettingsMade()
        remember_elan_media(settings, preview.video_id, preview)
        _remember_tiers(settings, params)  # the tier mapping, prefilled when a file with these tiers comes again
        stack = ctx.win.coding.undo_stack
        if rows:  # the file's events and its behaviour events: one undo step
            text += f" and {len(rows)} behaviour event(s)"
            stack.beginMacro(text)
        try:
            ctx.win.coding.push_import(events, text, replaces=[*gone, *resolved],
                                       coded={preview.video_id: list(preview.file_coders)}, settings=settings.values)
            if rows:
                ctx.win.coding.push(BehaviourImportStep(ctx.win.require_writable(), [preview],
                                                        lambda: _reload_coding(ctx.win), text))
        finally:
            if rows:
                stack.endMacro()
        ctx.win.last_import = preview
        done = _import_done(preview, events, gone, new, ctx.win.require_video().name)
        if rows:
            done += f"; and {len(rows)} behaviour event(s)"
        ctx.win.statusBar().showMessage(done, 10000)


# ---------------------------------------------------------------------------------------------- a copy merged in
class MergeStep(ProjectCommand):
    """A merge of another copy of the project (merstudio.project.merge) as one undo step: its do writes the plan in
    one transaction, its undo takes back exactly what that wrote (events, history records, behaviour events,
    videos, behaviours, coders, coded records) in one, except a video it added that holds work made since (an
    analysis run, ...: undo_merge keeps it, the status line says which and why)."""

    def __init__(self, win: Any, plan: Any) -> None:
        super().__init__(f"Merge {plan.other.name}", win.require_writable(), self._shown)
        self.plan, self._win = plan, win  # (_win, not win: ProjectCommand.joins_jump)
        self.done: Any = None  # project.merge.MergeDone: what the last do wrote
        self.undone: Any = None  # project.merge.MergeUndone: what the last undo kept (None after a do)
        self.then: Callable[[], None] | None = None  # once the folder shown is shown again at the rate merged
        shown = win.session.video  # where an undo takes away a video the merge added while it is shown: back here
        self._before: int | None = shown.id if shown is not None else None

    def _shown(self) -> None:
        """The views read again; a frame folder whose rate the merge set (or its undo put back) opened again at it
        where shown, as FolderRateStep does (its source is timed at the rate it opened with), and the videos list
        (rates, videos added or taken away) follows; a video shown that the undo took away left (:meth:`_leave`)."""
        win, then, self.then = self._win, self.then, None
        _reload_coding(win, merged=self.plan)
        rated = set(self.done.rates_before) if self.done is not None else set()
        session = win.session
        if session.project is self.project and session.video is not None and session.video.id in rated:
            session.select_video(session.video.id, then=then)
        if rated or (self.done is not None and self.done.videos):
            win.refresh_video_list()
        kept = self.undone.line() if self.undone is not None else ""
        if session.project is self.project and self.done is not None and (self.done.videos or kept):
            from PySide6.QtCore import QTimer

            # after the undo's own "Undone: …" line (Coding, once this returns), which the switch's lines replace
            text = self.text()  # (read now: the stack may free the step's Qt side first)
            QTimer.singleShot(0, win, lambda: self._leave(text, kept))

    def _leave(self, text: str, kept: str = "") -> None:
        """An undo took the video shown out of the project (the merge added it; it stayed on screen, unsaid): the
        view moves to the video shown before the merge, else the first (none left: the empty state), and the
        status line says why. ``kept``: the videos the undo kept, as they hold work made since (MergeUndone.line),
        said after the undo's line."""
        win = self._win
        session, gone = win.session, win.session.video
        if session.project is not self.project:
            return
        videos = self.project.videos()
        if gone is None or any(v.id == gone.id for v in videos):
            if kept:  # the undo's "Undone: …" line, then what it kept and why
                win.status_bar.add_message(kept, 15000)
            return
        win._placed = None  # no place kept for it: a video added later may get its id (Project.remove_video)
        if not videos:  # the merge brought the only video: nothing to move to, the empty state shows
            session.opener.cancel()  # (a video being opened is of the project as it was)
            session.video, session.source, session.missing = None, None, None
            session.videoChanged.emit()
            session._follow()
            win.status_bar.showMessage(f"{gone.name} is no longer in the project ({text} undone): it holds no "
                                       "video now" + (f"; {kept}" if kept else ""), 15000)
            return
        to = next((v for v in videos if v.id == self._before), videos[0])
        line = f"{gone.name} is no longer in the project ({text} undone): showing {to.name}" \
            + (f"; {kept}" if kept else "")
        said: list[bool] = []

        def say() -> None:  # joined to the lines the switch says (they replaced the undo's), first: why it switched
            said.append(True)
            win.status_bar.add_message(line, 15000, first=True)

        session.select_video(to.id, then=say)
        if not said:  # still opening (past its grace): said meanwhile, as LocateVideo's line is
            win.status_bar.add_message(line, 15000, first=True, while_busy="video")

    def _do(self) -> None:
        from merstudio.project.merge import apply_merge

        # a redo: the ids the undone do gave (events, videos, ...), which the steps after it name
        self.done, self.undone = apply_merge(self.project, self.plan, again=self.undone), None

    def _undo(self) -> None:
        from merstudio.project.merge import undo_merge

        if self.done is not None:
            self.undone = undo_merge(self.project, self.done)


class MergeProject(AppCommand):
    """File > Merge project…: bring the work of another copy of this project in (a colleague coded in a copy;
    merstudio.project.merge, as `merstudio project merge`). ``ask`` picks the other .merproj (opened read-only, never
    changed) and shows what merging it does (new, updated, deleted, conflicts, per coder) before anything is
    written; ``do`` writes it as one undo step. params: path (the other copy), confirmed (no question)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        from merstudio.project.merge import plan_merge

        proj = ctx.win.require_writable()  # before any dialog
        if not _ask_path(ctx, params, "path", "Merge project: the other copy", PROJECT_FILTER, kind="project"):
            return False
        plan = plan_merge(proj, params["path"])
        if plan.empty:  # a merge made before, say: no error, a line in the status bar (as the CLI says it)
            # what stays apart, as the CLI's summary says it (not "holds everything" then): an analysis made there
            # only (the hint to run it here), this copy's neutral frames or overlays kept, the behaviour events the
            # other lacks that were kept (a deletion there before schema 8 cannot be told)
            n = plan.behaviour_kept_unlogged
            said = "; ".join(x for x in (
                plan.analysis_text(), plan.neutral_text() and f"neutral frames: {plan.neutral_text()}",
                plan.overlay_text() and f"overlays: {plan.overlay_text()}",
                plan.rate_text() and f"frame rates: {plan.rate_text()}",  # set in both copies: a conflict, kept
                f"{n} behaviour event(s) the other copy lacks were kept (it was edited before behaviour history, "
                "schema 8: a deletion there cannot be told from an addition here)" if n else "") if x)
            ctx.win.statusBar().showMessage(f"{Path(params['path']).name}: nothing to merge"
                                            + (f"; {said}" if said else " (this project holds everything that copy "
                                               "does)"), 10000)
            return False
        params["plan"] = plan
        return bool(params.get("confirmed")) or ask_merge(ctx.win, plan)

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.project.merge import plan_merge

        win = ctx.win
        plan = params.get("plan") or plan_merge(win.require_writable(), params["path"])
        step = MergeStep(win, plan)

        def said() -> None:  # the folder shown, opened again at a rate merged, said its own lines: this one joins them
            from merstudio.project.videos import analysed_at_text

            folder, own = win.session.video, []
            measured = win.project.analysed_at(folder.id) if folder is not None else None
            if folder is not None and measured is not None \
                    and analysed_at_text(measured, folder.fps) in win.status_bar.currentMessage():
                own.append(folder.id)  # its own line says its analysis was measured at the old rate, and the remedy
            win.status_bar.add_message(step.done.line(analysis_said=own), 15000, first=True)

        step.then = said
        win.coding.push(step)
        shown = win.session.video
        if step.done is None or shown is None or shown.id not in step.done.rates_before:  # no switch to wait for
            win.statusBar().showMessage(step.done.line() if step.done is not None else "", 15000)


def _reload_coding(win: Any, merged: Any = None) -> None:
    """The events and the behaviour events shown, read again (a merge or an import changed both); after a merge
    (``merged``: its plan) that brings them, the neutral frames and overlays too: the views cache them per video."""
    win.coding.reload()
    win.behaviours.reload()
    if merged is not None and merged.neutral:
        win.neutral.update()
    if merged is not None and merged.overlays:
        win.analysis.load_overlays()


def ask_merge(win: Any, plan: Any) -> bool:
    """Whether to merge what ``plan`` lists (tests replace this): its counts in the question, each update, deletion
    and conflict under Show Details."""
    from merstudio.gui.questions import CANCEL, question_box

    conflicts = plan.counts()["conflict"]
    # its folder as a path (a relative OTHER's parent read "from ."; absolute() keeps a link's name as given)
    text = "\n".join([f"Merge {plan.other.name} from {plan.other.absolute().parent} into this project?", "",
                      *(x.strip() if not x.startswith("    ") else "    " + x.strip() for x in plan.count_lines()),
                      "", (f"{conflicts} event(s) changed in both copies are kept twice (Show Details names them). "
                           if conflicts else "") + "One undo step; the other file is only read."])
    box, buttons = question_box(win, text, [("merge", "Merge", QMessageBox.ButtonRole.AcceptRole), CANCEL],
                                default="merge")
    items = plan.item_lines(limit=200)
    if items:
        box.setDetailedText("\n".join(x.strip() for x in items))
    box.exec()
    return box.clickedButton() is buttons["merge"]


# ----------------------------------------------------------------------------- a behaviour events CSV imported
class BehaviourImportStep(ProjectCommand):
    """A behaviour events CSV (``<stem>_behaviours.csv``) imported as one undo step: its previews' events (each
    video's) and the behaviours it made, added in one transaction, removed in one. A redo puts back the behaviours
    and events the first do stored, under their ids (as an undone add's redo does): the undo steps after it that
    name them (an edit of an imported event, one coded on a behaviour it made) redo."""

    def __init__(self, project: Any, previews: list[Any], notify: Callable[[], None], text: str) -> None:
        super().__init__(text, project, notify)
        self.previews = previews
        self.stored: list[Any] | None = None  # the behaviour events as the first do stored them (with their ids)
        self.made: list[Any] = []  # the behaviours it made, as stored (with their ids)

    def _do(self) -> None:
        from merstudio.interchange import commit_behaviours

        with self.project.transaction():
            if self.stored is not None:  # a redo: as the first do stored them
                for b in self.made:
                    self.project.add_behaviour(b)  # (keeps b.id)
                for e in self.stored:
                    self.project.add_behaviour_event(e)  # (keeps e.id)
                return
            had = {b.id for b in self.project.behaviours()}
            self.stored = [e for p in self.previews for e in commit_behaviours(self.project, p, skip_bad=True)
                           if e.id is not None]
            self.made = [b for b in self.project.behaviours() if b.id is not None and b.id not in had]

    def _undo(self) -> None:
        with self.project.transaction():
            for e in self.stored or ():
                self.project.delete_behaviour_event(e.id)
            for b in self.made:
                self.project.delete_behaviour(b.id)


def _behaviour_previews(ctx: CommandContext, params: Params) -> list[Any]:
    """A behaviour events CSV's previews: one per project video its ``video`` column names (each video's rows), or
    the current video's (a file without that column)."""
    from merstudio.interchange import events_csv_videos, preview_all_events, preview_import

    proj = ctx.win.require_writable()
    if events_csv_videos(params["path"]):
        found = preview_all_events(proj, params["path"])
        if not found.parts:
            raise InputError(f"{Path(params['path']).name}: names no video of this project ("
                             f"{', '.join(found.unknown[:4])})")
        return [p for _, p in found.parts]
    return [preview_import(proj, params["path"], ctx.win.require_video().id)]


def _behaviours_known(name: str, previews: list[Any]) -> str:
    """The line for a behaviour events CSV whose rows are all in the project already (nothing new, nothing
    skipped): said in the status line, nothing written, as ProjectImport.nothing_new says it of an ELAN file's
    behaviour tiers (h264; it was an error box); summed over the videos the file names. "" otherwise."""
    from merstudio.interchange import behaviours_known_line

    dup = sum(p.behaviour_duplicates for p in previews)
    if not dup or any(p.behaviour_rows or p.skipped for p in previews):
        return ""
    return behaviours_known_line(name, dup)


def _ask_behaviours(ctx: CommandContext, params: Params) -> bool:
    previews = _behaviour_previews(ctx, params)
    if _behaviours_known(Path(params["path"]).name, previews):
        params["behaviour_previews"] = previews
        return True  # nothing to ask: do() says it
    if not any(p.behaviour_rows for p in previews):
        dup = sum(p.behaviour_duplicates for p in previews)
        raise InputError(f"{Path(params['path']).name}: no behaviour events to import"
                         + (f" (its {dup} are already in the project)" if dup else ""))
    params["behaviour_previews"] = previews
    return bool(params.get("confirmed")) or ctx.win.confirm(
        "\n".join(p.summary(limit=8) for p in previews) + "\n\nImport these behaviour events?")


def _import_behaviours(ctx: CommandContext, params: Params) -> None:
    previews = params.get("behaviour_previews") or _behaviour_previews(ctx, params)
    n = sum(len(p.behaviour_rows) for p in previews)
    name = Path(params["path"]).name
    if line := _behaviours_known(name, previews):  # no undo step for nothing
        ctx.win.statusBar().showMessage(line, 10000)
        return
    from merstudio.interchange import resolved_line

    text = f"Import {n} behaviour event(s) from {name}"
    # the open proposals an ELAN file's reviewed events (here already) cover go in the same undo step, as they do
    # beside events to import (ProjectImport.resolves): they were left in place
    resolved = [e for p in previews for e in getattr(p, "resolves", ())]
    # an ELAN file's coders recorded as having coded the video (Project.coded_by: a coder who found nothing, or whose
    # events are all here), as convert --import's commit_import records them and the preview said it would: they were
    # not (a behaviours CSV names none)
    coded = {p.video_id: list(p.file_coders) for p in previews if not getattr(p, "of_behaviours", True)
             and any(c not in p.coded_before for c in getattr(p, "file_coders", ()))}
    stack = ctx.win.coding.undo_stack
    more = bool(resolved or coded)  # than the behaviour events: one step
    if more:
        stack.beginMacro(text)
    try:
        ctx.win.coding.push(BehaviourImportStep(ctx.win.require_writable(), previews,
                                                lambda: _reload_coding(ctx.win), text))
        if more:
            ctx.win.coding.push_import([], text, replaces=resolved, coded=coded)
    finally:
        if more:
            stack.endMacro()
    dup = sum(p.behaviour_duplicates for p in previews)
    # and an ELAN file's open proposals reviewed here already (left out: the review stands)
    extra = [resolved_line(len(resolved)) if resolved else "", f"{dup} already in the project" if dup else "",
             *(_reviewed_here(p) for p in previews)]
    extra = [x for x in extra if x]
    ctx.win.statusBar().showMessage(f"Imported {n} behaviour event(s) from {name}"
                                    + (f" ({', '.join(extra)})" if extra else ""), 10000)


def _reviewed_here(preview: Any) -> str:
    """The file's open model proposals left out as reviewed here already (ProjectImport.reviewed_here), in the CLI
    preview's words; "" where there are none."""
    from merstudio.interchange import reviewed_here_line

    n = len(getattr(preview, "reviewed_here", ()))
    return reviewed_here_line(n) if n else ""


def _nothing_to_import(path: Path, dup: int, reviewed: int) -> InputError:
    """The refusal of a file that brings nothing (one video's, or all_videos_import's): its ``dup`` events here
    already, and its ``reviewed`` open proposals left out as reviewed here already (ProjectImport.reviewed_here)."""
    from merstudio.interchange import reviewed_here_line

    said = "; ".join(x for x in (f"its {dup} event(s) are already in the project" if dup else "",
                                 reviewed_here_line(reviewed) if reviewed else "") if x)
    return InputError(f"{path}: no events to import" + (f" ({said})" if said else ""))


def _import_done(preview: Any, events: list[Event], gone: list[Event], new: list[str], video: str) -> str:
    """What an import did, for the status bar (it replaces whatever the bar said before, e.g. an analysis' count of
    proposals to review)."""
    n = len(events)
    evs = f"{n} event{'s' * (n != 1)}"
    resolved = len(getattr(preview, "resolves", ()))
    if gone:
        coders = ", ".join(preview.file_coders)
        line = f"Replaced {len(gone)} event{'s' * (len(gone) != 1)} of {coders} by {n} from {preview.path.name}"
    elif events or resolved:
        line = f"Imported {evs} from {preview.path.name}"
    else:
        return f"Recorded {', '.join(new)} as having coded {video}, with no events ({preview.path.name})"
    from merstudio.interchange import resolved_line

    # what it left out too: the file's proposals reviewed here (not imported: the review stands), as the CLI says
    extra = [resolved_line(resolved) if resolved else "",
             f"{len(preview.skipped)} skipped" if preview.skipped else "",
             f"{len(preview.duplicates)} already in the project" if preview.duplicates else "",
             _reviewed_here(preview)]
    extra = [x for x in extra if x]
    # emotions none of the video's model's classes (interchange.class_note): said after the import too, as the CLI
    # does, for the events fine-tuning will leave out
    note = getattr(preview, "class_note", "")
    return line + (f" ({', '.join(extra)})" if extra else "") + (f"; {note}" if note else "")


class _SettingsMade:
    """Stands for the project where a helper writes project settings: collects them (to write in an undo step)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def set_setting(self, key: str, value: Any) -> None:
        self.values[key] = value


def _preview(ctx: CommandContext, params: Params) -> Any:
    """The file read against the current video (ImportPreview; nothing written), in a worker (1-3 s for 10,000
    BORIS events held the window on the GUI thread)."""
    return _previews(ctx, params, offer_replace=False)[0]


def _rate_question(name: str, exc: Any, video: Any) -> str:
    """Whether to import file ``name``, refused with FrameRateMismatch ``exc``, at the video's rate. A file of a
    variable-rate video's frames (interchange.events_csv.VariableRateFile: its video's file missing, so its own frame
    times unknown) has no one rate to name: it says where it came from and what finding the file would do."""
    from merstudio.interchange.events_csv import VariableRateFile

    if isinstance(exc, VariableRateFile):
        low, high = exc.spread
        this = video.name if video is not None else "this video"
        return (f"{name} was exported from a variable-rate video (frame / time {low:g} to {high:g} fps), and "
                f"{this}'s file is missing, so its own frame times are unknown: to place the events right, Cancel, "
                f"locate its file (File > Open video… of it) and import again. Or, if {this} was re-encoded to a "
                f"constant rate since, import them by their times at its {exc.video_fps:g} fps?")
    return (f"{name} was coded at {exc.file_fps:g} fps; this video has {exc.video_fps:g} fps. Import its times at "
            "this video's rate? (Its times would otherwise land on the wrong frames.)")


def _previews(ctx: CommandContext, params: Params, offer_replace: bool = True) -> tuple[Any, Any]:
    """The import's preview and, where the project has events of the file's coders on the video and
    ``offer_replace``, the same file read to replace them (None: no such events), both read in a worker through a
    snapshot of the project (its own read-only connection: the GUI's stays on its thread) while the window is drawn
    and says so (workers.call_in_worker); File > Import events is disabled meanwhile."""
    from merstudio.project.snapshot import read_snapshot

    video = ctx.win.require_video()
    times = _own_times(ctx.win.playback.timebase.times)  # the worker's own copy of the player's frame times
    reader = read_snapshot(ctx.win.project)

    def read() -> tuple[Any, Any]:
        try:
            prev = _read_preview(reader, video.id, times, params)
            theirs = offer_replace and any(e.coder in prev.file_coders for e in reader.events(prev.video_id))
            return prev, _read_preview(reader, video.id, times, {**params, "replace": True}) if theirs else None
        finally:
            reader.close()

    return _read_in_worker(ctx.win, read, Path(params["path"]))


INLINE_BYTES = 64_000  # a file this small (~250 BORIS events: ~30 ms) is read on the GUI thread, as before


def _read_in_worker(win: Any, read: Callable[[], Any], path: Path) -> Any:
    """An import's file read by ``read()`` in a worker (workers.call_in_worker), File > Import events disabled
    meanwhile (its Ctrl+I too); a file under INLINE_BYTES on the GUI thread, its dialog at once."""
    from merstudio.gui.workers import call_in_worker

    try:
        small = path.stat().st_size < INLINE_BYTES
    except OSError:
        small = True  # the reader says what is wrong with it
    if small:
        return read()
    name = path.name
    action = getattr(win, "import_events_action", None)
    was = action is not None and action.isEnabled()
    if action is not None:
        action.setEnabled(False)
    project = getattr(win, "project", None)

    def gone() -> bool:  # the window's events turned during the wait: it may have closed, or opened another project
        return bool(getattr(win, "closing", False)) or getattr(win, "project", None) is not project

    try:
        out = call_in_worker(win, read, f"reading {name}", f"Reading {name}…", key="import")
    except Exception:
        if gone():
            raise ReadDropped(f"{name}: read while the window closed or its project changed; nothing imported") \
                from None
        raise
    finally:
        if action is not None:
            action.setEnabled(was)
    if gone():
        raise ReadDropped(f"{name}: read while the window closed or its project changed; nothing imported")
    return out


def _read_preview(project: Any, video_id: int, times: Any, params: Params) -> Any:
    """preview_import of the import's file (run in the worker), with a dataset sheet's hint and the note of the
    tiers left out."""
    from merstudio.interchange import preview_import

    tiers: dict[str, Any] = {k: dict(params[k]) for k in ("tier_coders", "tier_roles", "tier_faces") if params.get(k)}
    try:
        prev = preview_import(project, _elan(params) or params["path"], video_id, coder=params.get("coder") or None,
                              fps_override=bool(params.get("fps_override")),
                              fmt=params.get("fmt"), times=times, replace=bool(params.get("replace")), **tiers)
    except InputError:
        from merstudio.interchange.sheets import sheet_hint

        # a dataset's own sheet (CASME II's OnsetFrame...): say what it is and what reads it, not "not a table"
        hint = sheet_hint(params["path"])
        if not hint:
            raise
        raise InputError(hint) from None
    _note_left_out(prev, params.get("tiers_left_out") or ())
    return prev


def _note_left_out(prev: Any, left_out: Any) -> None:
    """Tiers the user unticked in the Map ELAN tiers dialog: one note naming them, not each a skipped "unknown
    tier ... or map it to a coder" (a deliberate choice, not a problem of the file)."""
    from merstudio.interchange.common import Skip, name_list, quote

    left = {Skip(f"{prev.path.name}: tier {quote(t)}", "").where: t for t in left_out}
    gone = [s for s in prev.skipped if s.where in left and str(s.reason).startswith("unknown tier")]
    if not gone:
        return
    prev.skipped = [s for s in prev.skipped if s not in gone]
    names = [left[s.where] for s in gone]
    prev.notes.insert(0, f"{prev.path.name}: {len(names)} tier(s) left out (unticked in Map ELAN tiers): "
                         f"{name_list(names, 6)}")


def _is_eaf(params: Params) -> bool:
    from merstudio.interchange import detect_format

    try:
        return detect_format(params["path"], params.get("fmt")) == "eaf"
    except MerstudioError:
        return False  # the reader says what is wrong with it


def _is_boris(params: Params) -> bool:
    from merstudio.interchange import detect_format

    try:
        return detect_format(params["path"], params.get("fmt")).startswith("boris")
    except MerstudioError:
        return False  # the reader says what is wrong with it


def _elan(params: Params) -> Any:
    """The ELAN file of an import, parsed once for every step (tier dialog, previews, remembered mapping): kept in
    params ``elan`` (merstudio.interchange.eaf.EafDocument); None for a file of another format."""
    if not _is_eaf(params):
        return None
    if "elan" not in params:
        from merstudio.interchange import parse_eaf

        params["elan"] = parse_eaf(params["path"])
    return params["elan"]


def _ask_tiers(ctx: CommandContext, params: Params) -> bool:
    """An ELAN file with tiers not in merstudio's scheme: the Map ELAN tiers dialog fills params tier_coders and
    tier_roles (prefilled as remembered for a file with these tiers). False: cancelled."""
    if "tier_coders" in params or not _is_eaf(params):
        return True
    from merstudio.gui.tier_dialog import TierMapDialog, memory_key
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(_elan(params))
    if not any(t.aligned for t in info.tiers):
        return True  # nothing another tool's tiers could give (the preview names any it skips)
    remembered = ctx.win.require_writable().get_setting(memory_key(t.tier for t in info.tiers))
    from merstudio.interchange import known_face_names

    video = ctx.win.video  # the names earlier imports into it gave faces: the Face column fills them in
    known = known_face_names(ctx.win.require_writable(), video.id) if video is not None else {}
    dlg = TierMapDialog(info, Path(params["path"]).name, remembered=remembered, parent=ctx.win, known_faces=known)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return False
    params["tier_coders"], params["tier_roles"] = dlg.mapping()
    params["tier_faces"] = dlg.faces()  # the faces the user changed (the others: the participant's)
    params["tiers_left_out"] = [t for t in dlg.rows if t not in params["tier_coders"]]
    return True


def _remember_tiers(settings: _SettingsMade, params: Params) -> None:
    """The tier mapping an import used (tier_coders given for an ELAN file), as a project setting keyed by the
    file's foreign tier names (tiers not mapped: left out)."""
    if "tier_coders" not in params or not _is_eaf(params):
        return
    from merstudio.gui.tier_dialog import memory_key, remembered_value
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(_elan(params))
    names = [t.tier for t in info.tiers]
    if names:
        settings.set_setting(memory_key(names), remembered_value(
            names, dict(params.get("tier_coders") or {}), dict(params.get("tier_roles") or {}), info,
            dict(params.get("tier_faces") or {})))  # a face the user gave a tier, as the next such file's


def _unmapped_tiers(params: Params, preview: Any) -> InputError | None:
    """An ELAN file refused for its unknown tiers, with nothing mapped: one line saying how to map them in the
    app (None: not that case)."""
    if params.get("tier_coders") or not _is_eaf(params):
        return None
    unknown = [s for s in preview.skipped if str(getattr(s, "reason", "")).startswith("unknown tier")]
    if not unknown:
        return None
    from merstudio.interchange.common import name_list
    from merstudio.interchange.eaf import foreign_tiers

    names = [t.tier for t in foreign_tiers(_elan(params)).tiers]
    return InputError(f"{preview.path.name}: {len(names)} tier(s) not in merstudio's scheme (CODER/event): "
                      f"{name_list(names, 4)}; nothing imported. Map them to coders: File > Import events… asks "
                      "whose coding each tier is and what it holds (Map ELAN tiers)")


class ExportEvents(AppCommand):
    """Export the current video's events; the format follows the extension (.eaf ELAN; .tsv / .xlsx /
    .boris.csv BORIS; .boris a BORIS project; .csv events CSV) unless params fmt names one."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        video = ctx.win.require_video()
        assert ctx.win.project is not None
        ctx.win.follow_project()
        default = str(export_folder(ctx.win.project) / f"{Path(video.name).stem}.eaf")
        if not params.get("path"):
            if not _ask_path(ctx, params, "path", "Export events", EXPORT_EVENTS_FILTER, save=True, default=default,
                             chosen="filter"):
                return False
            params["path"], fmt = _export_format(params["path"], params.pop("filter"))
            if fmt and not params.get("fmt"):
                params["fmt"] = fmt
        return _ask_beside(ctx, params, video.id, params.get("fmt"))

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.interchange import NOT_FOUND_NOTE, detect_format, export_project_events
        from merstudio.interchange.boris_project import export_losses

        win = ctx.win
        video = win.require_video()
        proj = win.project
        assert proj is not None
        path = Path(params["path"])
        times = win.playback.timebase.times  # a variable-rate video's frame times (None: constant rate)
        fmt = params.get("fmt")
        kind = detect_format(path, fmt, look_inside=False)
        # ELAN and BORIS link the video's file: where the project finds none (interchange.media_place), said
        notes = [f"{video.name}: {NOT_FOUND_NOTE}"] if kind != "events-csv" and proj.locate_video(video.id) is None \
            else []
        vid = video.id
        if kind == "eaf" and (still := ex.open_states_note(proj, vid)):  # an ELAN tier holds no state without an end
            notes.append(still)
        behaviours = params.get("behaviours", True)
        if kept := _beside_kept(params):
            notes.append(kept)

        def write(reader: Any, progress: Callable[[int, int], None], times: Any) -> list[Path]:
            if kind == "boris-project" and (note := export_losses(reader.events(vid))):  # what it cannot hold
                notes.append(note)
            # the events and the video's behaviour events (an ELAN file's tiers, else a CSV beside): as convert
            return export_project_events(reader, vid, path, fmt=fmt, times=times, progress=progress,
                                         behaviours=behaviours)

        def told() -> str:  # replaces export_done's line: its spreadsheet-safe count comes along
            return f"Exported {path.name}; note: {'; '.join(notes)}" if notes else ""

        if kind == "boris-xlsx" or len(win.coding.events) > EVENTS_AT_ONCE or win.frame_count > FRAMES_AT_ONCE:
            # a workbook (~0.1 s for 300 events), or a long video's: 0.8-2 s on the GUI thread for 919 events of a
            # 30,000-frame video (its frame times read, the file serialised and synced). In the worker, as IN_WORKER
            copy = _own_times(times)
            _export_in_worker(win, proj, f"events export of {video.name} ({path.name})", [path],
                              lambda reader, progress: write(reader, progress, copy), busy="Exporting the events…")
            _say_after(win, told)
            return
        win.export_done(write(proj, lambda _done, _total: None, times))  # ~40 ms: at once, there when this returns
        if notes:
            win.statusBar().showMessage(told() + safe_note(win.exports.made_safe), 15000)


class ImportAUTable(AppCommand):
    """Import another tool's per-frame AU table for the current video (an OpenFace 2 or a py-feat CSV, told apart by
    its header): stored as an overlay (params name, default "OpenFace" / "py-feat") and drawn dashed beside our AU
    curves; mismatches with the video (frame rate, frame count) are reported."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        ctx.win.require_writable()  # the table is stored in the project
        return _ask_path(ctx, params, "path", "Import OpenFace or py-feat CSV",
                         "OpenFace / py-feat CSV (*.csv);;All files (*)", kind="import")

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.interchange.au_tables import au_table_kind, read_au_table

        win = ctx.win
        video = win.require_video()
        assert win.project is not None
        path = Path(params["path"])
        if not path.is_file():
            raise InputError(f"{path}: not found")
        kind = au_table_kind(path)
        if kind is None:
            raise InputError(f"{path.name}: neither an OpenFace CSV (frame, success, AUxx_r) nor a py-feat CSV "
                             "(FaceScore, AU01..) by its header")
        table = read_au_table(path, kind, fps=video.fps, frame_count=video.frame_count,
                              our_faces=win.project.face_boxes(video.id), video_name=Path(video.path).name)
        name = params.get("name") or table.name
        win.project.save_overlay(video.id, name, table.frames, kind=kind, meta=table.meta)
        win.analysis.load_overlays()
        win.timeline.set_overlay_visible(name, True)
        n = len(table.au_columns)
        msg = (f"{table.path.name}: {len(table.frames)} rows, {n} AU column(s) shown dashed as {name!r}; "
               f"{table.note}")
        if table.mismatches:
            win.show_info(msg + ".\nMismatches with the video:\n- " + "\n- ".join(table.mismatches))
        else:
            win.statusBar().showMessage(msg + " (frame-aligned, no mismatches)", 6000)


# ---------------------------------------------------------------------------------------------------- agreement
# An agreement report of more rows than this (all its tables) is saved in a worker, as the exports of IN_WORKER
# (gui/exports.py), with the status bar's Cancel export: a year's project's 141,000 matches held the window 6-9 s.
# A smaller one is written at once (tens of milliseconds), its files there when the command returns.
AGREEMENT_AT_ONCE_ROWS = 20_000


class ShowAgreement(AppCommand):
    """Open (or update) the agreement report dialog. params: coders, tolerance, iou, all_videos, all_coded (all
    optional)."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.coders_view.require_not_blind("agreement report")
        ctx.win.show_agreement(coders=params.get("coders"), tolerance=params.get("tolerance"),
                               iou=params.get("iou"), all_videos=params.get("all_videos"),
                               all_coded=params.get("all_coded"))


class SaveAgreementCSV(AppCommand):
    """Write the open agreement report's tables as CSV files into the folder params path."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        if params.get("path"):
            return True
        ctx.win.follow_project()
        path = QFileDialog.getExistingDirectory(ctx.win, "Save agreement CSVs in",
                                                str(ctx.win.project.path.parent) if ctx.win.project else "")
        params["path"] = path
        return bool(path)

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.atomic import ensure_dir

        win = ctx.win
        dlg = win.agreement_dialog
        if dlg is not None and dlg.computing:  # the report shown (if any) is of the choices before
            raise InputError("agreement: the report is still being computed; save it when it is shown")
        if dlg is None or dlg.report is None:
            raise InputError("agreement: no report to save (choose at least two coders)")
        report, folder = dlg.report, Path(params["path"])
        # an edit since a long report was computed marks it out of date (AgreementDialog.AUTO_RECOMPUTE_S): said
        stale = "; the report shown, of the events before the latest change (Recompute to include it)" \
            if dlg.stale else ""
        if sum(len(t) for t in report.tables().values()) <= AGREEMENT_AT_ONCE_ROWS:
            win.export_done(report.write_csv(folder))
            if stale:
                win.statusBar().showMessage(win.statusBar().currentMessage() + stale, 15000)
            return
        win.exports.require_idle()
        ensure_dir(folder)  # a bad folder is refused at once, not after the work

        def write(progress: Callable[[int, int], None]) -> list[Path]:
            # Cancel export stops it before its next file, none moved into place; the report is the dialog's,
            # read-only (a new one replaces it whole)
            return report.write_csv(folder, progress=progress)

        win.exports.start(f"agreement report ({folder.name})", write, busy="Saving the agreement report…")
        if stale:
            _say_after(win, lambda: "Exported " + ", ".join(str(p) for p in win.last_exports) + stale)
        _wait_briefly(win)


# ---------------------------------------------------------------------------------------------------- model
class FineTune(AppCommand):
    """Open the fine-tuning dialog on the current project (params checkpoint: where to start from; default the
    loaded checkpoint). Its "Re-run predictions" runs RerunPredictions with the new checkpoint."""

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        ctx.win.open_finetune(params.get("checkpoint"))


class RerunPredictions(AppCommand):
    """Load a checkpoint (params path; meta to skip loading it twice) in the worker, then keep the current
    predictions (p_<class>, AUxx_p) as an overlay named after the old model and re-run the analysis of the current
    video (a file that does not load: one line, nothing changed). Only on that video: another one shown (or the
    project closed) before the load ends drops the re-run, said in one line. As RunAnalysis, a video with coded
    events or reviewed proposals asks first (confirmed True skips it)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        return RunAnalysis.ask(ctx, params)

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        analysis, path, settings = ctx.win.analysis, Path(params["path"]), params.get("settings")
        ctx.win.require_video()
        ctx.win.require_writable()
        if analysis.worker is not None:
            raise InputError("analysis: already running (cancel it first)")
        analysis.request_checkpoint(path, meta=params.get("meta"),
                                    then=lambda meta: analysis.rerun_with_checkpoint(path, meta, settings=settings))


# ---------------------------------------------------------------------------------------------------- video files
class ReencodeVideo(AppCommand):
    """File > Re-encode video for exact seeking…: a copy of the current video with frequent keyframes at a constant
    frame rate, made in a worker (``gui/reencode.py``). params: dst (default: asked, proposing ``<name>.seek.avi``
    beside the video), overwrite, keyint (default 12), open (True/False: open the copy when made; absent: ask)."""

    @staticmethod
    def ask(ctx: CommandContext, params: Params) -> bool:
        from merstudio.gui import reencode

        src = _reencode_source(ctx)
        reencode.require_idle(ctx.win)  # a second copy is refused before its dialog
        if params.get("dst"):
            return True
        chosen = reencode.ask_output(ctx.win, src)
        if chosen is None:
            return False
        params["dst"], params["overwrite"] = chosen
        return True

    @staticmethod
    def do(ctx: CommandContext, params: Params) -> None:
        from merstudio.gui import reencode

        reencode.start(ctx.win, _reencode_source(ctx), Path(params["dst"]), keyint=int(params.get("keyint", 12)),
                       overwrite=bool(params.get("overwrite")), open_after=params.get("open"))


def _reencode_source(ctx: CommandContext) -> Path:
    """The file the current video is read from (its located path when it moved)."""
    ctx.win.require_video()
    source = ctx.win.session.source
    if source is None:
        raise InputError("re-encode: no video is open")
    return Path(source.path)
