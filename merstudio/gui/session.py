"""The open project and the current video: their one owner.

Opening, creating and closing projects, adding and switching videos all end in one of two signals:
``projectChanged`` (a project was opened or closed) and ``videoChanged`` (the current video is another one, or
none). The window follows ``videoChanged`` down one path that every view and controller takes, so nothing drawn
for the previous video survives a switch. Questions to the user (open read-only? which project?) are asked
through the window, which tests replace.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from merstudio.atomic import fitted_name, name_bytes, name_max
from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.gui import commands as C
from merstudio.gui import reencode, remembered
from merstudio.gui.places import store_video, stored_video
from merstudio.gui.plain_text import menu_text
from merstudio.gui.questions import CANCEL, ask
from merstudio.gui.video_opening import VideoOpener, close_source
from merstudio.gui.workers import call_in_worker
from merstudio.pathnames import foreign_path
from merstudio.project import PROJECT_SUFFIX, Project, ProjectInUse, Video
from merstudio.project.lock import HEARTBEAT_EVERY, held_elsewhere
from merstudio.project.store import NeedsUpgrade, ProjectDamaged

if TYPE_CHECKING:
    from merstudio.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# seconds a write on the GUI thread waits for a lock another program holds, then fails with a message (the store's
# default, for the CLI, is longer; SQLite's was 30 s and froze the window)
GUI_BUSY_TIMEOUT = 0.5
FOLD_EVERY = 2.0  # seconds between folds of the journal into the project file while it is written (fold_journal)


class Session(QObject):
    projectChanged = Signal()  # a project was opened, created or closed (read-only state included)
    videoChanged = Signal()  # the current video is another one (or none): every view starts over
    projectClosing = Signal()  # the project is about to close: stop what writes to it
    projectMoved = Signal()  # the project file was moved or renamed while open, and followed (follow_project)
    compactingChanged = Signal()  # a compaction in a worker began or ended (``compacting``: the window says so)
    # the whole-file check run in a worker after a big project opened (check_in_background): (serial, SQLite's words)
    _checked = Signal(int, str)

    def __init__(self, win: MainWindow, open_source: Callable[[str], Any]) -> None:
        super().__init__(win)
        self.win = win
        self.open_source = open_source
        self.project: Project | None = None
        self.video: Video | None = None
        self.source: Any = None  # the current video's FrameSource (the transport reads frames from it)
        # (id, name) of the project's video that was not found and not located (its dialog cancelled): the empty
        # video area says so and offers to locate it (gui.first_run)
        self.missing: tuple[int, str] | None = None
        self.opener = VideoOpener(win, open_source)  # every video is opened in its worker (a 1080p one takes 1 s)
        self.compactingChanged.connect(self.opener.compaction_changed)  # one opened meanwhile waited for it
        self._note = ""  # what opening the project set right, for the status bar (restored_line)
        self._lost_said = False  # the project file was found gone (lost) and that was said: said once
        self.lost_box: QMessageBox | None = None  # the box saying so, with its Save As button
        self._heartbeat = QTimer(self)  # tells a second opener this window still has the project
        self._heartbeat.setInterval(int(HEARTBEAT_EVERY * 1000))
        self._heartbeat.timeout.connect(lambda: self.project.heartbeat() if self.project is not None else None)
        # the journal folded into the file every few seconds after edits: a copy of the .merproj made while it is
        # open holds the work up to then (a commit folds it itself only past 4 MiB: Project._fold); and the file
        # looked for (one stat): deleted while open, the edits go on into a file nobody else can reach (watch_file)
        self._fold = QTimer(self)
        self._fold.setInterval(int(FOLD_EVERY * 1000))
        self._fold.timeout.connect(self._tick)
        self._check_serial = 0  # the background check of the project open now (an older one's answer is dropped)
        self._checked.connect(self._damage_found)
        self.compact_on_close = True  # False: a quit at a stop signal closes at once (gui.app.end)
        # the name of the project file compacted in a worker now ("" when none: _compacting), and whether it is
        # closing (the window said "NAME is open" all through a close's compaction)
        self.compacting = ""
        self.compacting_closes = False

    def _tick(self) -> None:
        if self.project is not None and not self.compacting:  # (its fold would wait on the VACUUM, the GUI frozen)
            self.project.fold_journal()
            self.watch_file()

    # ---------------------------------------------------------------- guards
    def require_video(self) -> Video:
        if self.video is None or self.project is None:
            raise InputError("no video is open: open a video or a project first")
        return self.video

    def require_writable(self) -> Project:
        """The open project, or InputError (a dialog) when there is none or it is read-only, or while it is
        compacted (:meth:`refuse_while_compacting`)."""
        self.refuse_while_compacting()
        if self.project is None:
            raise InputError("no project is open: open a video or a project first")
        self.watch_file()  # an edit into a file deleted meanwhile: said at the first one, not 2 s later
        if self.project.read_only:  # every caller asks before it changes anything: nothing was changed
            reason = self.project.read_only_reason
            # open_project opens a read-only project again for writing once the other writer let go of it
            again = "; to edit, close it there and open it here again" if self.project.in_use_elsewhere else ""
            if self.project.in_use_elsewhere and not held_elsewhere(self.project.path):
                # the writer named when it was opened has closed it or was killed since: not named as if still there
                reason = "opened read-only while another merstudio had it open for writing"
                again = "; that one has let go of it since: to edit, open it here again (File > Open project)"
            raise InputError(f"{self.project.path.name} is open read-only ({reason}): edits are refused, nothing "
                             f"was changed{again}")
        return self.project

    def refuse_while_compacting(self) -> None:
        """InputError (one line) while a compaction runs in a worker (:meth:`_compacting`): the project's lock is
        held through its VACUUM, so a command or an edit of the GUI thread reaching the project meanwhile would
        wait for it, the window frozen again (the user's own input is held back until it ends: call_in_worker)."""
        if self.compacting:
            doing = "is closing (being compacted)" if self.compacting_closes else "is being compacted"
            raise InputError(f"{self.compacting} {doing}: try again once the status bar's 'Compacting "
                             f"{self.compacting}…' is gone; nothing was changed")

    # ---------------------------------------------------------------- projects
    def create_project(self, path: Path) -> None:
        # ProjectInUse (someone has that file open) -> dialog, current project untouched. The project of this very
        # window is said to be so: its lock names this process, which read as another program's
        cur = self.project
        if cur is not None and same_file(Path(path), cur.path):
            raise InputError(f"{cur.path.name}: this project is open in this window; a new project cannot replace "
                             "it (nothing was changed): give the new project another name")
        if not self.keep_lost_work():
            return
        self._set_project(Project.create(path, overwrite=True, busy_timeout=GUI_BUSY_TIMEOUT))

    def open_project(self, path: Path, read_only: bool | None = None, select: bool = True) -> bool:
        """Open a project; False when the user declined. In use by another window or program: ``read_only`` None
        asks whether to open it read-only, True opens it read-only, False refuses (ProjectInUse). Anything wrong
        with the file (missing, damaged, missing tables, newer) is an InputError before the current project is
        touched. The project already open here (File > Recent projects names it too) stays as it is: opened again,
        its lock would be this window's own, seen as another writer's (a read-only one may be opened again, to
        write once the other program let go of it)."""
        cur = self.project
        if cur is not None and same_file(Path(path), cur.path) and (not cur.read_only or read_only):
            if select and self.video is None and (vids := cur.videos()):
                self.select_video(stored_video(cur, vids).id)
            self.win.statusBar().showMessage(f"{cur.path.name} is already open", 4000)
            return True
        if not self.keep_lost_work():
            return False
        if read_only:
            proj = Project.open(path, read_only=True, busy_timeout=GUI_BUSY_TIMEOUT, fast=True)
        else:
            try:
                proj = Project.open(path, in_use="raise", busy_timeout=GUI_BUSY_TIMEOUT, fast=True)
            except ProjectInUse as exc:
                if read_only is False:
                    raise
                who = f"in use by merstudio ({exc.owner.describe()})" if exc.owner else "in use by another program"
                question = (f"{Path(path).name} is {who}: two writers would overwrite each other's edits.\n\n"
                            "Open it read-only? You can look at it and export from it; edits are refused.")
                if not self.win.ask_read_only(question):
                    return False
                proj = Project.open(path, read_only=True, busy_timeout=GUI_BUSY_TIMEOUT, fast=True)
                proj.read_only_reason, proj.in_use_elsewhere = who, True
        try:
            vids = proj.videos()
        except ProjectDamaged:  # the open's own line, the backup named
            proj.close()
            raise
        except Exception as exc:  # a file the checks let through but that cannot be read: keep the current one
            proj.close()
            raise InputError(f"{proj.path}: cannot be read ({exc})") from None
        self._set_project(proj)
        self.check_in_background(proj)
        if proj.read_only:
            # a copy keeps the file's SQL triggers (opened read-only again): for those, the reason says what helps
            copy = "" if "drop-triggers" in proj.read_only_reason else (
                " File > Save project as… makes an editable copy (it finds the videos this window finds).")
            self.win.show_info(f"{proj.path.name} is open read-only ({proj.read_only_reason}): you can look at it "
                               f"and export from it, but edits are refused.{copy}")
        aside: dict[int, int] = {}
        unrefreshed = ""
        if not proj.read_only:
            try:  # cancelled re-runs an older version left active over a complete run
                aside = proj.set_aside_cancelled_reruns()
            except MerstudioError as exc:
                log.warning("%s: cancelled re-runs not set aside (%s)", proj.path, exc)
            # moved within its tree: each video's relative path from here (a copy of the tree finds its own), by the
            # CLI's and finetune's one refresh; where it could not be written, its line is said with the notes
            unrefreshed = proj.refresh_relpaths_on_open()
            if unrefreshed:
                log.warning("%s", unrefreshed)
        # said once a video is shown (its own status line would hide it); an upgrade first: said once, as opened
        self._note = "; ".join(n for n in (proj.upgrade_note, restored_line(proj, aside), unrefreshed) if n)
        if vids and select:  # the video shown last (merstudio.gui.places), at its place
            self.select_video(stored_video(proj, vids).id)
        # else said once the video is shown: the one being opened, or the caller's (``select`` False: the video it
        # adds and shows next; said now, the switch to it wiped the upgrade's note at once)
        if select and not self.opener.running:
            self._say_note()
        return True

    def check_in_background(self, proj: Project) -> threading.Thread | None:
        """A big project closed cleanly opens without reading every page (``fast``: 1 s or more on the GUI thread
        for a 273 MB one); SQLite's quick_check reads them here in a worker, on its own read-only connection, and
        damage found is said at once (:meth:`_damage_found`). None where the open checked it whole."""
        if proj.checked_whole:
            return None
        serial, path, timeout = self._check_serial, proj.path, proj.busy_timeout

        def check() -> None:
            try:
                with Project.open(path, check=False, read_only=True, busy_timeout=timeout) as reader:
                    found = reader.quick_check()
            except ProjectDamaged as exc:
                found = exc.cause
            except Exception as exc:  # (moved, locked meanwhile...): the reads say it if it matters
                log.warning("%s: the whole-file check did not run (%s)", path, exc)
                return
            if found != "ok":
                with suppress(RuntimeError):  # the window closed meanwhile
                    self._checked.emit(serial, found.splitlines()[0] if found else found)

        worker = threading.Thread(target=check, name="merstudio-project-check", daemon=True)
        worker.start()
        return worker

    def _damage_found(self, serial: int, found: str) -> None:
        """The background check found damage: said at once, the backup named as the open names it, and nothing more
        is written into the file (read-only: an analysis or an edit would write over damaged pages)."""
        proj = self.project
        if proj is None or serial != self._check_serial:  # another project since
            return
        line = str(ProjectDamaged(proj.path, found))
        if not proj.read_only:
            proj.read_only_reason = "the file is damaged"
            self.projectChanged.emit()
        self.win.show_error(f"{line}. It is open read-only: edits and analyses are refused.")

    def _say_note(self, keep: bool = False) -> None:
        """What opening the project set right, before the line the video just shown has (an analysis made by an
        earlier merstudio): both are said, in one line. ``keep``: said again with the next video shown (its switch
        clears the status bar)."""
        if self._note:
            self.win.status_bar.add_message(self._note, 15000, first=True)
            if not keep:
                self._note = ""

    def _set_project(self, proj: Project) -> None:
        self.close_project()
        self.project = proj
        self._check_serial += 1  # a background check of the project before has nothing to say now
        self._lost_said = False
        self._note = ""  # one the project before kept for a video it never showed is not this one's
        coder = self.win.coding.coder
        if coder:
            proj.coder = coder
            if not proj.read_only:
                proj.add_coder(coder)
        if not proj.read_only:
            self._heartbeat.start()
            self._fold.start()
        self._add_recent(proj.path)
        self.projectChanged.emit()

    def close_project(self) -> None:
        """Close the project. Every edit is saved when it is made; where its file is gone, the caller asked first
        (:meth:`keep_lost_work`)."""
        self._heartbeat.stop()
        self._fold.stop()
        if self.lost_box is not None:  # its Save As is this project's
            self.lost_box.close()
            self.lost_box = None
        self.opener.shutdown()  # a video being indexed is of this project (or its window is closing)
        had_video = self.video is not None or self.source is not None
        self.video, self.source, self.missing = None, None, None
        if had_video or self.project is not None:
            self.videoChanged.emit()  # views let go of the video before its project closes
        if self.project is not None:
            self.projectClosing.emit()
            proj, self.project = self.project, None  # nothing reaches it while it closes (_close turns the loop)
            self._close(proj)
            self.projectChanged.emit()

    def _close(self, proj: Project) -> None:
        """Close ``proj``. One over half free is compacted by its close (Project.compacts_on_close: 2.8 s for a
        273 MB project), which held the GUI thread with nothing said, the window looking frozen: here it runs in a
        worker while the window is drawn and the status bar says so; the window waits for it (the window's close
        or the next project's open goes on after it). A quit at a stop signal skips it (``compact_on_close``)."""
        if not (self.compact_on_close and proj.compacts_on_close()):
            proj.close(compact=self.compact_on_close)
            return
        name = proj.path.name
        try:
            self._compacting(proj, proj.close, closing=True)
        except Exception:  # close() keeps its compaction's errors to itself: a bug, logged; the file is let go of
            log.exception("%s: closing", proj.path)
            proj.close(compact=False)
        done = proj.compacted_on_close
        if done is not None and done[1] < done[0] and not getattr(self.win, "closing", False):
            self.win.statusBar().showMessage(f"Compacted {name} as it closed: {done[0] / 1e6:.1f} MB -> "
                                             f"{done[1] / 1e6:.1f} MB", 8000)

    def compact_project(self) -> tuple[int, int]:
        """File > Compact project: :meth:`Project.compact` of the open project (VACUUM: 5.8 s for a 273 MB
        project, the window frozen on the GUI thread with a wait cursor only), in a worker as a close's compaction
        is (:meth:`_compacting`). Returns the file's size before and after, in bytes."""
        proj = self.require_writable()
        return self._compacting(proj, proj.compact, closing=False)

    def _compacting(self, proj: Project, fn: Callable[[], Any], closing: bool) -> Any:
        """``fn()``, a compaction of ``proj`` (File > Compact project's, or its close's: ``closing``), in a worker
        (workers.call_in_worker) while the window is drawn, its input held back, the status bar's busy bar saying
        "Compacting NAME…" and the title (closing: the empty video area too) that NAME is compacted or closing
        (``compactingChanged``). Meanwhile the fold timer leaves the project alone and every command and edit is
        refused in one line (:meth:`refuse_while_compacting`): the VACUUM holds the project's lock."""
        name = proj.path.name
        self.compacting, self.compacting_closes = name, closing
        self.compactingChanged.emit()
        try:
            return call_in_worker(self.win, fn, f"{name}: compacting", busy=f"Compacting {name}…", key="compact")
        finally:
            self.compacting, self.compacting_closes = "", False
            self.compactingChanged.emit()

    # ---------------------------------------------------------------- videos
    def default_project_path(self, video_path: Path) -> Path:
        """A project beside the video; in the app's data folder when that is not writable or is the bundled demo
        (`data_project_path`: one per video folder)."""
        from merstudio.resources import resources_dir

        beside = video_path.with_suffix(PROJECT_SUFFIX)
        in_resources = resources_dir().resolve() in video_path.resolve().parents
        if not in_resources and folder_writable(video_path.parent):
            return beside
        return data_project_path(app_data_dir() / "projects", video_path)

    def open_video(self, path: Path, project: str | None = None) -> None:
        """Open a video. With no project open, the project beside it is opened (created when there is none). With
        a project open that does not have this video while the video has its own project beside it (its earlier
        coding), ``project`` says which to use: "beside" opens that project, "current" adds the video to the open
        one; None asks. The video is opened in a worker (gui.video_opening): one that opens within its grace is
        added at once (InputError -> dialog before anything changes), a longer one (a 1080p file, a variable frame
        rate's index) is added and shown when that is done; Cancel leaves everything as it was."""
        self.opener.open_video(str(path), lambda source: self._add_video(path, source, project))

    def _add_video(self, path: Path, source: Any, project: str | None) -> None:
        """open_video, once the video is open."""
        try:
            beside = self.default_project_path(Path(path))
            if (self.project is not None and beside.exists() and not same_file(beside, self.project.path)
                    and not self.has_video(self.project, source)):
                choice = project or self.win.ask_project_beside(Path(path).name, beside)
                if choice not in ("beside", "current"):
                    close_source(source)
                    return
                if choice == "beside" and not self.open_project(beside, select=False):
                    close_source(source)  # the user chose not to open the project in use elsewhere
                    return
            note = ""
            if self.project is None:
                # no project of its name: one holding it under another name or path (renamed, another mount) is
                # offered before a new, empty one is made (the coding looked lost)
                earlier = None if beside.exists() else self.earlier_project(Path(path), beside)
                choice = "new" if earlier is None else self._take_earlier(Path(path), beside, earlier)
                if choice == "cancel":
                    close_source(source)
                    return
                if beside.exists() or choice == "earlier":
                    if not self.open_project(beside if earlier is None else earlier.path, select=False):
                        close_source(source)  # the user chose not to open the project in use elsewhere
                        return
                    if earlier is not None:
                        note = f"{Path(path).name}: opened {earlier.path.name}, which holds it ({earlier.path.parent})"
                elif not self._create_for_video(Path(path), beside):
                    close_source(source)  # no place for its project was chosen (said on the status bar)
                    return
            assert self.project is not None
            video = self.project.add_source(source)
            found = self._found_by_opening(video, Path(source.path)) or note
        except BaseException:
            close_source(source)
            # the project opened for it (upgraded) stays open: said now, and with the video shown next (a changed
            # video's locating shows it)
            self._say_note(keep=True)
            raise
        self.projectChanged.emit()  # the video list has one more
        # said with the open's notes (an upgrade), before the video's own line: said after it, it replaced both
        self._note = "; ".join(n for n in (self._note, found) if n)
        self.select_video(video.id, source=source)

    def earlier_project(self, video_path: Path, default: Path) -> Earlier | None:
        """The project that holds this video (its content, :meth:`Project.matches`) under another name or at another
        path, where no project of its own name (``default``) exists: the video renamed (``smile_man.mp4`` to
        ``P01_smile_man.mp4``: its coding is in ``smile_man.merproj`` beside it), or its read-only share mounted at
        another path (its project in the app's data folder is named for the folder's path). Only a few files are
        read: the projects beside the video and, where its project is kept in the app's data folder, those of that
        folder named for it; each video's size first, a content hash only for one of this size. A project whose
        video is still where it was stored is a copy's (P01/ and P02/ of one clip): not offered. Of several, the
        one with the most events. None: no project holds it."""
        cands: list[Path] = []
        with suppress(OSError):
            cands += sorted(video_path.parent.glob("*" + PROJECT_SUFFIX))
        data = default.parent
        if os.path.abspath(data) != os.path.abspath(video_path.parent):
            with suppress(OSError):
                cands += sorted(data.glob(glob.escape(video_path.stem) + "-*" + PROJECT_SUFFIX))
            cands.append(data / (video_path.stem + PROJECT_SUFFIX))  # the older name (data_project_path)
        seen: dict[tuple[int, str], bool] = {}  # (size, hash) -> whether the video is that content
        hits: list[Earlier] = []
        for cand in dict.fromkeys(cands):
            if cand.is_file() and not same_file(cand, default) and (hit := _holding(cand, video_path, seen)):
                hits.append(hit)
        if not hits:
            return None
        best = max(hits, key=lambda e: e.events)
        return best._replace(others=len(hits) - 1)

    def _take_earlier(self, video_path: Path, default: Path, earlier: Earlier) -> str:
        """What to do with the project found holding a video opened with no project of its name (:meth:`
        earlier_project`): "earlier" (open it), "new" (make ``default``) or "cancel". Not asked where it is the
        video's own project, renamed since (this very file, its only video: relinked before)."""
        if earlier.here and earlier.alone:
            return "earlier"
        return self.ask_earlier_project(video_path, default, earlier)

    def ask_earlier_project(self, video_path: Path, default: Path, earlier: Earlier) -> str:
        """The question of :meth:`_take_earlier` (tests replace it): "earlier", "new" or "cancel"."""
        name, proj = video_path.name, earlier.path.name
        said = earlier.describe(video_path, default)
        also = (f" ({earlier.others} other project{'s' * (earlier.others != 1)} hold it too)"
                if earlier.others else "")
        text = (f"{proj} {said.where} holds this video {said.held} ({said.events}){also}.\n\nOpen {proj}"
                f"{said.relink}, or make a new project, {default.name}, for {name}?")
        answer = ask(self.win, text, [("earlier", f"Open {menu_text(proj)}", QMessageBox.ButtonRole.AcceptRole),
                                      ("new", "New project", QMessageBox.ButtonRole.ActionRole), CANCEL],
                     default="earlier")
        return answer if answer in ("earlier", "new") else "cancel"

    def _found_by_opening(self, video: Video, path: Path) -> str:
        """File > Open video of a project video that is missing from where the project says (moved with its
        project, its dialog cancelled): the file opened is where it is now, as the "Where is …?" dialog would
        say (Project.found_at: the path stored, the other missing videos looked for in its folder). Before, the
        video was shown but not relinked: the stored path stayed old, Ctrl+R said "video not found" while it
        played, and reopening asked again. The status line ("" when nothing was missing)."""
        proj = self.project
        assert proj is not None
        if same_file(path, Path(video.path)) or proj.matches(Path(video.path), video):
            return ""  # where the project says (or the same video opened from a second place: the first stays)
        there, others, missing = proj.found_at(video.id, path)
        return C.found_line(there, others, missing, video.name)

    def _create_for_video(self, video_path: Path, default: Path) -> bool:
        """Create the project of a video opened with none open, at ``default`` (:meth:`default_project_path`). Where
        that cannot be made (the video's folder and the app's data folder both read-only, as for a read-only dataset
        and a read-only or full home, or the disk full), ask where to keep it instead: before, the app said "cannot
        create project" and nothing could be done with the video. A project chosen that exists is opened (the video
        is added to it), never replaced. The folder chosen is used for the next such video without asking, while it
        can be written (:meth:`_kept_elsewhere`: each video opened asked again). False: no place was chosen (said in
        one line)."""
        try:
            self.create_project(default)
            return True
        except ProjectInUse:
            raise
        except OutputError as exc:
            why = str(exc).removeprefix(f"{default}: ").removeprefix("cannot create project ")
        beside = os.path.abspath(default.parent) == os.path.abspath(video_path.parent)
        where = f"in {default.parent}" if beside else f"beside it nor in the app's data folder {default.parent}"
        kept = self._kept_elsewhere(video_path)  # the folder chosen the last time: not asked again (each video was)
        if kept is not None:
            chosen = str(kept)
        else:
            title = f"Where to keep the project of {video_path.name}? It cannot be made {where} {why}"
            start, name = self._writable_folder(), video_path.stem + PROJECT_SUFFIX
            chosen = self.ask_project_place(title, str(start / name) if start else name)
            if not chosen:
                self.win.statusBar().showMessage(
                    f"{video_path.name} not opened: its project cannot be made {where} {why}, and no other place "
                    f"was chosen; open the video again and choose a folder you can write", 60000)
                return False
        place = Path(chosen)
        if place.suffix != PROJECT_SUFFIX:
            place = place.with_name(place.name + PROJECT_SUFFIX)
        remembered.keep_folder(self.win, self.win.qsettings, "project", str(place))
        remembered.keep_folder(self.win, self.win.qsettings, remembered.PROJECTS_ELSEWHERE, str(place))
        if place.exists():
            made = self.open_project(place, select=False)
        else:
            self.create_project(place)
            made = self.project is not None
        if made and kept is not None:  # said once the video is shown (its own status line would hide it)
            line = (f"{video_path.name}: its project is kept in {place.parent}, the folder chosen before: it cannot "
                    f"be made {where} {why}")
            self._note = "; ".join(n for n in (self._note, line) if n)
        return made

    def _kept_elsewhere(self, video_path: Path) -> Path | None:
        """The video's project in the folder last chosen for a project that could be made neither beside its video
        nor in the app's data folder (remembered.PROJECTS_ELSEWHERE), where that folder can still be written (else
        None: asked again): ``<video name>.merproj``, or data_project_path's name where that one is another video's
        project (a video of the same name in another folder)."""
        folder = remembered.last_folder(self.win.qsettings, remembered.PROJECTS_ELSEWHERE)
        if not folder or not folder_writable(Path(folder)):
            return None
        plain = Path(folder) / (video_path.stem + PROJECT_SUFFIX)
        place = data_project_path(Path(folder), video_path)
        return plain if place != plain and not place.exists() and not plain.exists() else place

    def _writable_folder(self) -> Path | None:
        """Where the dialog of :meth:`_create_for_video` starts: the folder projects were last kept in, the user's
        documents, or home, the first that can be written (None: the dialog's own, the current folder)."""
        last = remembered.last_folder(self.win.qsettings, "project")
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        for folder in (last, docs, str(Path.home())):
            if folder and Path(folder).is_dir() and folder_writable(Path(folder)):
                return Path(folder)
        return None

    def ask_project_place(self, title: str, start: str) -> str:
        """The Save dialog of :meth:`_create_for_video` (tests replace it): the path chosen, "" when cancelled. An
        existing project may be chosen (not confirmed as a replacement: the video is added to it)."""
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self.win, title, start, C.PROJECT_FILTER,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        return path

    @staticmethod
    def has_video(proj: Project, source: Any) -> bool:
        """Whether the project already has this video (same file, or the same content somewhere else)."""
        p = Path(source.path)
        if any(same_file(p, Path(v.path)) for v in proj.videos()):
            return True
        if not p.is_file():
            return False
        from merstudio.project.store import content_hash

        digest, size = content_hash(p)
        return any(v.hash == digest and v.size == size for v in proj.videos())

    def select_video(self, video_id: int, source: Any = None, then: Callable[[], None] | None = None) -> None:
        """Make a video of the open project the current one (a missing file: say so and ask where it went); with
        no ``source``, its file is opened first (VideoOpener.open_video). ``then``: called once it is shown (at
        once, or when an open that outlasted the grace is done; not if it never is)."""
        assert self.project is not None
        video = self.project.video(video_id)
        if source is None:
            where = self.project.locate_video(video_id)
            if where is None:
                line = f"{video.path}: {self.project.missing_reason(video_id)}; please locate it"
                self.win.show_error(line)
                if self.win.ctx.execute(C.LocateVideo, video_id=video_id, name=video.name):
                    self.win.close_error(line)  # found: the box was no longer true, yet stayed to be dismissed
                elif self.video is None:
                    self.missing = (video_id, video.name)  # cancelled: the empty state says so (gui.first_run)
                    self._follow()
                return
            # in the worker: at once when it opens within the grace, else shown once open if this project is
            # still open then (the video shown stays meanwhile)
            proj = self.project
            self.opener.open_video(str(where), lambda source: self._show_video(proj, video_id, source, then))
            return
        self.opener.cancel()  # a video still being opened is not wanted any more
        self.video, self.source, self.missing = video, source, None
        self.videoChanged.emit()
        store_video(self.project, video.id)  # the project opens with it again (after the views have it)
        self._say_note()
        if then is not None:
            then()

    def _follow(self) -> None:
        """The window's empty state and hints follow what is open (gui.first_run; cheap when nothing changed)."""
        first_run = getattr(self.win, "first_run", None)
        if first_run is not None:
            first_run.update()

    def _show_video(self, proj: Project, video_id: int, source: Any, then: Callable[[], None] | None) -> None:
        if self.project is not proj:  # closed meanwhile (the opener is cancelled then: a safeguard)
            close_source(source)
            return
        self.select_video(video_id, source=source, then=then)

    # ---------------------------------------------------------------- a project file deleted while open
    def watch_file(self) -> None:
        """The fold timer's and every edit's look at the project file (one stat): gone, that is said once. A file
        moved is left to follow_project (a save, an export, the window coming to the front say it)."""
        proj = self.project
        if proj is None or proj.read_only:
            return
        if not proj.lost():
            self._lost_said = False  # put back: said again should it go again
        elif not self._lost_said and proj.current_name() is None:
            self._say_lost()

    def _gone(self) -> bool:
        """Whether no name reaches the open project's file (deleted, or moved where it cannot be followed) while
        edits made here are only in it; a move to a name another writer has open is said by follow_project."""
        proj = self.project
        return proj is not None and not proj.read_only and proj.lost() and proj.move_refused is None

    def _say_lost(self) -> None:
        """Once a project: the file is gone, and Save As is what keeps the work (a box with that button, and the
        status bar). Edits go on meanwhile, into the file this window still has open."""
        proj = self.project
        if self._lost_said or proj is None or not self._gone():
            return
        self._lost_said = True
        line = f"{proj.path.name} was deleted or moved away while open: Save As to keep your work"
        log.warning("%s: %s", proj.path, line)
        self.win.errors.append(line)
        self.win.statusBar().showMessage(line)  # stays until another message replaces it
        # said at an edit, the edit's own line ("Event 2: ...") comes after this one: shown again once it has
        QTimer.singleShot(0, self.win.statusBar(), lambda: self.win.statusBar().showMessage(line) if self._gone()
                          else None)
        box = QMessageBox(QMessageBox.Icon.Warning, "merstudio",
                          f"{line}.\n\nIt is no longer in {proj.path.parent}. Your edits, those made since too, are "
                          "only in this window now: Save As writes them all to a file you choose, and this window "
                          "goes on in it. Closing asks too.", QMessageBox.StandardButton.NoButton, self.win)
        save = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        # after the box has gone: the file dialog is modal
        box.buttonClicked.connect(lambda b: QTimer.singleShot(0, self._save_lost) if b is save else None)
        if self.lost_box is not None:
            self.lost_box.close()
        self.lost_box = box
        box.open()

    def _save_lost(self) -> None:
        if self._gone():
            self.win.ctx.execute(C.SaveProjectAs)

    def keep_lost_work(self, window: bool = False) -> bool:
        """Before the open project closes (the window closing, another project opened or made, a video's own
        project opened): the one place that asks about the work the close would lose. Where its file is gone, Save
        As / Discard / Cancel, its work being only in this window; then an analysis running, "Stop it?" (stopped by
        the close itself: AnalysisControl.project_closing); with ``window`` (the window closing, which alone stops
        it) a re-encoding running, "Stop it?" (stopped by MainWindow.shutdown); then a fine-tuning running, "Stop
        it?" (asked last: a stop cannot be taken back, so no later Cancel may keep the project open without it).
        True: go on closing (saved, discarded, stopped, or nothing to ask)."""
        return (self._keep_file_work() and self._analysis_may_stop() and (not window or self._reencode_may_stop())
                and self.stop_finetune())

    def _analysis_may_stop(self) -> bool:
        """An analysis running asks "Stop it?" (it was cancelled without a word: minutes of a long video's run
        gone). True: it may stop (or none runs); False: Keep analysing, the close is not done."""
        question = self.win.analysis.stop_question()
        return question is None or self.win.ask_stop_analysis(question)

    def _reencode_may_stop(self) -> bool:
        """A copy File > Re-encode is making asks "Stop it?" as an analysis does (it was cancelled and its partial
        file removed without a word: minutes of an hour-long video's copy gone on one Ctrl+Q). True: it may stop
        (or none runs); False: Keep re-encoding, the close is not done."""
        job = reencode.running(self.win)
        if job is None or not job.worker.isRunning():
            return True
        bar = job.progress  # its QProgressDialog: the frames done of the total (0 until the first is known)
        done = f" ({100 * max(0, bar.value()) // bar.maximum()}% done)" if bar.maximum() > 0 else ""
        return self.win.ask_stop_reencode(
            f"The copy of {job.src.name} is being made{done}. Stop it?\n\nStopped, the partial {job.dst.name} is "
            "removed; File > Re-encode video for exact seeking… makes it again.")

    def _keep_file_work(self) -> bool:
        if self.project is None or self.project.read_only:
            return True
        self.follow_project(say_lost=False)  # moved: followed, nothing to ask
        if not self._gone() or self.project.backup_holds_all() is not None:  # Ctrl+S said the backup is the copy
            return True
        name = self.project.path.name
        answer = self.win.ask_lost_project(
            f"{name} was deleted or moved away while open: your edits, those made since too, are only in this "
            f"window.\n\nSave them as a new project file before {name} closes? Discard loses them.")
        if answer == "save":
            return self.win.ctx.execute(C.SaveProjectAs, reopen=False)
        return answer == "discard"

    def stop_finetune(self) -> bool:
        """A fine-tuning running asks "A fine-tuning is running (about N min left). Stop it?" (its dialog's
        ask_stop, which its own Close asks too; it was cancelled without a word: minutes of training gone). True:
        none runs now (stopped, or finished while it asked: said in a box, as the project's video going clears the
        status line); False: Keep training, the close is not done."""
        dlg = getattr(self.win, "finetune_dialog", None)
        if dlg is None or not dlg.is_running():
            return True
        if not dlg.ask_stop():
            return False
        self.win.show_info(dlg.stop_line)  # stopped, or finished while the question was up (its checkpoint named)
        return True

    def save_project_as(self, path: Path, reopen: bool = True) -> Path | None:
        """Write the open project as it is now to ``path`` (Project.save_as: every edit, a file deleted while open
        included); with ``reopen``, close it and go on in the copy (its own undo history starts there). Returns the
        file written (None: a fine-tuning running was kept, nothing written)."""
        proj = self.project
        if proj is None:
            raise InputError("save as: no project is open")
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        if not proj.lost() and same_file(path, proj.path):
            raise InputError(f"{path.name} is the project open here: File > Save writes it")
        if reopen and not self.stop_finetune():  # going on in the copy closes this project
            return None
        places = proj.places()  # where this window finds each video (read-only: looked for, not stored)
        self.win.keep_place()  # the play head and zoom into the project first: the copy opens where the coder was
        written = proj.save_as(path)
        # a byte copy: the path and relative path as written where this project lies; the copy gets the places
        # found here, each relative path from its own folder (a copy of a moved read-only project found none)
        try:
            with Project.open(written, busy_timeout=GUI_BUSY_TIMEOUT) as copy:
                copy.take_places(places)
                # a read-only project's places (the video shown, its play head) were kept only in the window
                self.win.places_into(copy)
        except MerstudioError as exc:
            log.warning("%s: the videos' places not written into the copy (%s)", written, exc)
        if reopen:
            self.close_project()  # nothing to ask: everything is in the copy
            try:
                self.open_project(written, read_only=False)
            except MerstudioError as exc:
                raise InputError(f"{written}: saved, but it could not be opened ({exc}); open it with File > "
                                 "Open project") from None
        return written

    def follow_project(self, say_lost: bool = True) -> str:
        """The project file was moved or renamed while open: the project follows it (Project.follow_move), and
        with it the backup, the title, the default export folder and the names made from the project's, and the
        recent projects' entry. One stat when it did not move: called before a save, an export and when the window
        comes to the front. Returns the status line saying so ("" when it did not move or cannot be found), or that
        it was not followed because another writer has the new name open. A file no name reaches any more is said
        once (:meth:`_say_lost`), unless ``say_lost`` is False (the caller asks about it)."""
        proj = self.project
        old = proj.path if proj is not None else None
        moved = proj.follow_move() if proj is not None else None
        if moved is None:
            refused = proj.move_refused if proj is not None else None
            if refused is None:
                if say_lost:
                    self._say_lost()  # gone, not moved: the work is only in this window now
                return ""
            who = refused.owner.describe() if refused.owner else "another program"
            return (f"project file moved to {refused.project}, which is open for writing elsewhere ({who}): "
                    "not followed; close one of the two")
        self._add_recent(moved, replacing=old)
        self.projectMoved.emit()
        return f"project file moved to {moved}"

    # ---------------------------------------------------------------- recent projects
    def _add_recent(self, path: Path, replacing: Path | None = None) -> None:
        # read from the file first: another window's entry, added since this one started, is kept
        remembered.add_recent(self.win, self.win.qsettings, path, replacing)

    def recent_projects(self) -> list[str]:
        return remembered.recent(self.win.qsettings)


def restored_line(proj: Project, cancelled: Mapping[int, int] | None = None) -> str:
    """The status line for re-runs found interrupted (``proj.restored_analyses``) or cancelled (``cancelled``:
    Project.set_aside_cancelled_reruns) on opening whose complete run came back ("" when none)."""
    def names(vids: Iterable[int]) -> str:
        out = []
        for vid in vids:
            try:
                out.append(proj.video(vid).name)
            except KeyError:
                out.append(f"video {vid}")
        return ", ".join(out)

    lines = [f"{names(vids)}: {'an' if how == 'interrupted' else 'a'} {how} re-run was set aside (its frames kept, "
             "inactive); the complete run before it is shown again"
             for how, vids in (("interrupted", proj.restored_analyses), ("cancelled", cancelled or {})) if vids]
    return "; ".join(lines)


def folder_writable(folder: Path) -> bool:
    """Whether a project can be made in ``folder`` (a read-only share, a DVD, a folder of another user's: no)."""
    return os.access(folder, os.W_OK)


def app_data_dir() -> Path:
    """The app's data folder (``~/.local/share/merstudio/merstudio`` on Linux): projects of videos whose own folder
    cannot be written."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def data_project_path(projects: Path, video_path: Path) -> Path:
    """The project in ``projects`` (the app's data folder) for a video whose folder cannot be written:
    ``<video name>-<8 hex of its folder>.merproj``, one per video folder (``P01/interview.mp4`` and
    ``P02/interview.mp4``, both read-only, and the bundled demo's ``interview.mp4`` were all
    ``projects/interview.merproj`` until 2026-12-06: one project, each added to the others'). A project made under
    that old name is still opened for a video it holds (nothing coded there is stranded); it takes no other."""
    folder = Path(os.path.abspath(video_path)).parent
    with suppress(OSError):
        folder = folder.resolve()  # the same folder by any path to it (a symlink, `..`)
    tag = hashlib.sha1(os.fsencode(str(folder))).hexdigest()[:8]
    # room for SQLite's `<name>-journal`, the longest name kept beside a project
    room = name_max(projects) - name_bytes("-journal") - name_bytes(PROJECT_SUFFIX)
    new = projects / (fitted_name(f"{video_path.stem}-{tag}", room) + PROJECT_SUFFIX)
    old = projects / video_path.with_suffix(PROJECT_SUFFIX).name
    if not new.exists() and old.is_file() and _holds_video(old, video_path):
        return old
    return new


def _holds_video(project: Path, video_path: Path) -> bool:
    """Whether the project file has this video (its stored path is this file); False for one that cannot be read.
    A project of an older schema (which a reader may not open: NeedsUpgrade) is read as the file on disk is: its
    `videos.path` column is as old as projects."""
    try:
        with Project.open(project, read_only=True, check=False) as proj:
            paths = [v.path for v in proj.videos()]
    except NeedsUpgrade:
        try:
            con = sqlite3.connect(f"{project.resolve().as_uri()}?immutable=1", uri=True)
            try:
                paths = [str(r[0]) for r in con.execute("SELECT path FROM videos")]
            finally:
                con.close()
        except (sqlite3.Error, OSError):
            return False
    except (MerstudioError, OSError):
        return False
    return any(same_file(Path(p), video_path) for p in paths)


class Earlier(NamedTuple):
    """A project that holds a video under another name or path (Session.earlier_project)."""
    path: Path  # the project file
    name: str  # the video's name there
    stored: str  # its path there
    events: int  # its coded (accepted) events there
    here: bool  # stored as this very file (relinked to it before)
    alone: bool  # the project's only video
    others: int = 0  # other projects that hold it too

    def describe(self, video_path: Path, default: Path | None = None) -> EarlierPhrases:
        """The phrases of the one question asked of it wherever the video is opened (a new project's: ``default``,
        the project that would be made; an open project's: MainWindow.ask_project_holding), so both say it alike."""
        name = video_path.name
        folder = Path(os.path.abspath(self.path.parent))
        where = ("beside it" if same_file(folder, video_path.parent) else
                 f"in the app's data folder ({folder})" if default is not None and same_file(folder, default.parent)
                 else f"in {folder}")
        held = (f"under its old name {self.name}" if self.name != name else
                "among its videos" if self.here else f"as {self.stored}")
        relink = f" ({self.name} is relinked to {name})" if self.name != name else ""
        return EarlierPhrases(where, held, f"{self.events} event{'s' * (self.events != 1)}", relink)


class EarlierPhrases(NamedTuple):
    """How a question names an :class:`Earlier` (Earlier.describe)."""
    where: str  # where the project is: "beside it", "in the app's data folder (…)", "in /a/folder"
    held: str  # how it holds the video: "under its old name a.avi", "among its videos", "as /old/path/a.avi"
    events: str  # "3 events"
    relink: str  # " (a.avi is relinked to b.avi)" where the name changed, else ""


def _holding(project: Path, video_path: Path, seen: dict[tuple[int, str], bool]) -> Earlier | None:
    """The video of ``project`` whose content ``video_path`` is (Project.matches; ``seen`` keeps each content's
    answer, so that a file is hashed once) stored as this very file or where it is no more (renamed, moved, its
    share mounted elsewhere); None for none (a copy of it, the original still in place, is another video's
    project) or a project that cannot be read."""
    try:
        with Project.open(project, read_only=True, check=False) as proj:
            vids = proj.videos()
            for v in vids:
                key = (v.size, v.hash)
                if key not in seen:
                    seen[key] = proj.matches(video_path, v)
                if not seen[key]:
                    continue
                here = same_file(Path(v.path), video_path)
                if not here and not foreign_path(v.path) and proj.matches(Path(v.path), v):
                    continue  # still where it was: this is a copy (P01/ and P02/ of one clip), its own project made
                events = sum(n for (_coder, status), n in proj.event_counts(v.id).items() if status == "accepted")
                return Earlier(project, v.name, v.path, events, here, len(vids) == 1)
    except (MerstudioError, OSError, sqlite3.Error) as exc:
        log.info("%s: not looked into for %s (%s)", project, video_path.name, exc)
    return None


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
