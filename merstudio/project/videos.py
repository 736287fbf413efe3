"""The project's videos: where each file is (stored path, path relative to the project, content hash, so that a
moved or renamed video is found again) and its metadata. Project has these methods through VideoTables."""

from __future__ import annotations

import hashlib
import json
import math
import operator
import os
import sqlite3
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from merstudio.errors import InputError, MerstudioError
from merstudio.io.listing import frame_files  # not merstudio.io.frames: OpenCV, for a folder listing
from merstudio.names import VIDEO_EXTENSIONS  # not merstudio.io: OpenCV, for a name list
from merstudio.pathnames import file_name, find_relative, foreign_path, relative_parts, same_name
from merstudio.project.base import StoreBase, inserted_id
from merstudio.project.settings import old_names_key, video_setting_keys

MIB = 1 << 20
# A frame folder's hash (_folder_hash) starts with this; a hash without it is the old rule's (names and sizes only),
# still matched, and replaced by the new one once its folder is found (_upgrade_folder).
FOLDER_HASH_PREFIX = "folder2:"
FRAME_SAMPLE = 4096  # bytes hashed from the middle of every frame file
WHOLE_FRAME = 16 * MIB  # at most this much of the first, middle and last frames hashed whole
_VIDEO_COLS = "id, path, hash, size, fps, frame_count, width, height, relpath"  # Video's fields, in order
_NOT_SAVED = "the edit was not saved ("  # how a write that failed words its reason (store.Project._write_error)
VIDEO_SUFFIXES = VIDEO_EXTENSIONS  # one home: merstudio.io
# a frame folder's rate set by a user (Project.set_video_fps): held at it, the folder is no longer "30 fps assumed"
# even at 30 (one added without a rate holds the 30 assumed, which merstudio.io says is a guess)
RATE_SET_PREFIX = "rate_set/"  # (one of settings.VIDEO_SETTING_PREFIXES: removed with its video)
# a run's settings key: the rate its rows were measured at, where the video's rate was set to another since (its
# micro-motion looks 0.2 s back, its spots are kept by their length in seconds: both counted in frames at that rate)
MEASURED_FPS = "measured_fps"


@dataclass(frozen=True)
class Video:
    id: int
    path: str
    hash: str
    size: int
    fps: float
    frame_count: int
    width: int
    height: int
    relpath: str | None = None

    @property
    def name(self) -> str:
        """The file name (of a path written on Windows too: ``C:\\Users\\a\\clip.mp4`` -> ``clip.mp4``)."""
        return file_name(self.path)


def rate_set_key(video_id: int) -> str:
    """The project setting that says a frame folder's rate was set by a user (:meth:`VideoTables.set_video_fps`)."""
    return f"{RATE_SET_PREFIX}{int(video_id)}"


@dataclass(frozen=True)
class RateChange:
    """What :meth:`VideoTables.set_video_fps` changed, and what undoes it (:meth:`VideoTables.undo_video_fps`)."""

    video: Video  # at its new rate
    before: float  # its rate before
    was_set: bool  # that rate had been set by a user (else the one it was added at: a dataset's, or 30 assumed)
    runs: int  # analysis runs of the video whose rows were retimed (frame / the new rate)
    events: int  # coded events, proposals and behaviour events of the video: kept at their frames
    analysed_at: float | None  # the rate its active run was measured at where that is not the new one, else None

    def line(self) -> str:
        """One line: the rate, the events' times, the stored analysis (the caller adds how to re-run it)."""
        v = self.video
        line = f"{v.name}: frame rate {self.before:g} -> {v.fps:g} fps ({v.frame_count} frames, " \
               f"{v.frame_count / v.fps:.2f} s)"
        if self.events:
            line += f"; its {self.events} event(s) keep their frames, their times are counted at {v.fps:g} fps"
        if self.analysed_at is not None:
            line += f"; {analysed_at_text(self.analysed_at, v.fps)}"
        return line


def check_rate_settable(v: Video) -> None:
    """InputError where ``v``'s frame rate cannot be set (:meth:`VideoTables.set_video_fps`): a video file's
    frames are timed by the file; a frame folder's images carry no rate."""
    if v.size != 0:
        raise InputError(f"{v.name}: a video file's frames are timed by the file ({v.fps:g} fps); only a frame "
                         "folder's rate can be set (image files carry none)")


def analysed_at_text(measured: float, fps: float) -> str:
    """What a stored analysis measured at another rate than the video's is worth now: its times follow the rate,
    its motion and spots do not."""
    return (f"its stored analysis was measured at {measured:g} fps: its times are counted at {fps:g} now, but its "
            f"micro-motion and spots were measured at {measured:g} (re-run it)")


def set_folder_rate(con: sqlite3.Connection, video_id: int, old: float, rate: float, mark: bool) -> tuple[int, int]:
    """Store ``rate`` for frame folder ``video_id``, held at ``old`` until now, inside the caller's transaction
    (:meth:`VideoTables.set_video_fps`, its undo, a merge bringing in another copy's rate): its rate, the mark that a
    user set it (``mark``) or none, each run's rows retimed and the rate each was measured at (kept where it is not
    ``rate``). (runs, events)."""
    con.execute("UPDATE videos SET fps = ? WHERE id = ?", (rate, video_id))
    key = rate_set_key(video_id)
    if mark:
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(rate)))
    else:
        con.execute("DELETE FROM settings WHERE key = ?", (key,))
    runs = con.execute("SELECT id, settings FROM analyses WHERE video_id = ?", (video_id,)).fetchall()
    for aid, text in runs:
        # rows at the old rate's frame / fps (every row of a folder's run) move to the new one's; others (an
        # imported table's own times) are left as they are
        con.execute("UPDATE frames SET timestamp = frame / ? WHERE analysis_id = ? AND timestamp = frame / ?",
                    (rate, aid, old))
        settings = json.loads(text or "{}")
        measured = float(settings.get(MEASURED_FPS, old))
        if measured == rate:
            settings.pop(MEASURED_FPS, None)
        else:
            settings[MEASURED_FPS] = measured
        con.execute("UPDATE analyses SET settings = ? WHERE id = ?", (json.dumps(settings), aid))
    events = con.execute("SELECT (SELECT COUNT(*) FROM events WHERE video_id = ?) + (SELECT COUNT(*) FROM "
                         "behaviour_events WHERE video_id = ?)", (video_id, video_id)).fetchone()
    return len(runs), int(events[0])


class ChangedVideo(InputError):
    """A file at the path a video of the project was added from holds other content now (re-encoded in place,
    edited, replaced): added, the project had two videos of one path, the first (with its events) never found
    again. Its video is to be located there instead (Project.reattach for a re-encoded copy)."""

    def __init__(self, path: Path, video: Video) -> None:
        super().__init__(f"{path}: video {video.id} ({video.name}) was added from this path and the file has changed "
                         "since (re-encoded, edited or replaced): locate that video here rather than adding it twice")
        self.path, self.video = path, video


def frames_differ(v: Video, fps: float, frame_count: int, width: int, height: int) -> str:
    """What tells video ``v`` and a file of these frames apart, for a file that is not the one added (another
    content hash) but may be a re-encoded copy of it: '' where the frame count, the frame rate and the frame size
    match, so that its events and analysis keep their frames; else what differs, the project's first (``frames
    600 vs 598``)."""
    out = []
    if int(frame_count) != v.frame_count:
        out.append(f"frames {v.frame_count} vs {int(frame_count)}")
    if not math.isclose(float(fps), v.fps, rel_tol=1e-3):
        out.append(f"{v.fps:g} vs {float(fps):g} fps")
    if (int(width), int(height)) != (v.width, v.height):
        out.append(f"{v.width}x{v.height} vs {int(width)}x{int(height)} pixels")
    return ", ".join(out)


def stored_path(p: str | os.PathLike[str]) -> str:
    """A path as the project stores it: the UTF-8 text of its file system bytes, whatever the locale. Under LANG=C
    (UTF-8 mode off) Python names a file 'Gespräch.avi' with its UTF-8 bytes as surrogates, which SQLite cannot
    store (it crashed saving a video found moved) and no other locale reads as that name. Text the locale cannot
    encode is a name as stored already (not read from the disk); bytes that are no UTF-8 (a latin-1 name) are kept
    as this locale reads them where that is text (else escaped: such a file is found again by its content)."""
    try:
        raw = os.fsencode(p)
    except UnicodeEncodeError:
        return os.fspath(p)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = os.fsdecode(raw)
        try:
            text.encode("utf-8")  # no surrogates: text SQLite stores
        except UnicodeEncodeError:
            return raw.decode("utf-8", "backslashreplace")
        return text


def on_disk(text: str) -> str:
    """A stored path (:func:`stored_path`) as this process names the file: its UTF-8 bytes as the locale decodes
    them (under LANG=C 'Gespräch' could not be named at all: every check said the video was not there)."""
    try:
        return os.fsdecode(text.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return text


def content_hash(path: str | os.PathLike[str]) -> tuple[str, int]:
    """sha256 over the size plus the first and last MiB: cheap on hour-long files, and enough to recognise a
    video that was moved or renamed. Returns (hex digest, size)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        h = hashlib.sha256(str(size).encode())
        with p.open("rb") as f:
            h.update(f.read(MIB))
            if size > MIB:
                f.seek(max(MIB, size - MIB))
                h.update(f.read(MIB))
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return h.hexdigest(), size


class VideoTables(StoreBase):
    def add_video(self, path: str | os.PathLike[str], fps: float, frame_count: int, width: int,
                  height: int) -> Video:
        """Register a video (metadata from its FrameSource). Adding the same file twice returns the first record."""
        p = Path(path).resolve()
        try:
            digest, size = content_hash(p) if p.is_file() else (_folder_hash(p), 0)
        except OSError as exc:  # a frame of the folder (content_hash says so itself)
            raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
        known = self._query(f"SELECT {_VIDEO_COLS} FROM videos WHERE hash = ? AND size = ? ORDER BY id LIMIT 1",
                            (digest, size))
        if known:
            return Video(*known[0])
        if size == 0 and (same := self._added_by_old_rule(p, digest)) is not None:
            return same
        here = self._query(f"SELECT {_VIDEO_COLS} FROM videos WHERE path = ? ORDER BY id LIMIT 1", (stored_path(p),))
        if here:  # other content at a video's own path: a second record of that path hid the first for good
            raise ChangedVideo(p, Video(*here[0]))
        rel = _relpath(p, self.path.parent)
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (stored_path(p), rel, digest, size, float(fps), int(frame_count), int(width), int(height), time.time()))
            vid = inserted_id(cur)
        return self.video(vid)

    def add_source(self, source: Any) -> Video:
        """Register a merstudio.io FrameSource."""
        w, h = source.size
        return self.add_video(source.path, source.fps, source.frame_count, w, h)

    def _added_by_old_rule(self, p: Path, digest: str) -> Video | None:
        """The record of frame folder ``p`` (new-rule hash ``digest``) among those stored with the old rule's hash
        (names and sizes only: two clips of one length and uncompressed frames had the same): the one at this very
        folder, or one whose folder still lies where it was stored with the same frames (a copy); its hash is
        upgraded. One whose folder is gone is taken as moved here, as before (upgraded once relocated). None: a
        new video."""
        rows = self._query(f"SELECT {_VIDEO_COLS} FROM videos WHERE size = 0 AND hash NOT LIKE ? ORDER BY id",
                           (FOLDER_HASH_PREFIX + "%",))
        olds = [Video(*r) for r in rows]
        if not olds:
            return None
        forms = _old_folder_hashes(p)
        moved = None
        for v in olds:
            if v.hash not in forms:
                continue
            stored = None if foreign_path(v.path) else Path(on_disk(v.path))
            if stored is not None and stored.is_dir():
                try:
                    same = stored.resolve() == p or _folder_hash(stored) == digest
                except OSError:
                    same = False
                if same:
                    return self._upgraded(v, digest)
            elif moved is None:
                moved = v
        return moved

    def _upgraded(self, v: Video, digest: str) -> Video:
        """``v`` with the new rule's hash of its frame folder (stored unless read-only): its old one said nothing
        of the frames' content."""
        if v.size != 0 or v.hash.startswith(FOLDER_HASH_PREFIX) or v.hash == digest:
            return v
        if not self.read_only:
            with self._tx() as con:
                con.execute("UPDATE videos SET hash = ? WHERE id = ?", (digest, v.id))
        return replace(v, hash=digest)

    def videos(self) -> list[Video]:
        """Every video of the project, in the order they were added (by id): path, hash, fps, frame count, size."""
        rows = self._query(f"SELECT {_VIDEO_COLS} FROM videos ORDER BY id")
        return [Video(*r) for r in rows]

    def video(self, video_id: int) -> Video:
        """One video's record: one row read (it read every video's: an export of 200 videos built the list 405
        times). KeyError for an id not in the project (or no id at all)."""
        try:
            key = operator.index(video_id)  # an int, a numpy integer; anything else names no video
        except TypeError:
            raise KeyError(f"no video {video_id!r} in {self.path}") from None
        rows = self._query(f"SELECT {_VIDEO_COLS} FROM videos WHERE id = ?", (key,)) if -(1 << 63) <= key < 1 << 63 \
            else []
        if not rows:
            raise KeyError(f"no video {video_id} in {self.path}")
        return Video(*rows[0])

    def remove_video(self, video_id: int) -> None:
        """Remove the video and, in the same transaction, its per-video settings (VIDEO_SETTING_PREFIXES): a video
        added later may get its id, and must not inherit them."""
        with self._tx() as con:
            con.execute("DELETE FROM videos WHERE id = ?", (video_id,))
            con.executemany("DELETE FROM settings WHERE key = ?", [(k,) for k in video_setting_keys(video_id)])
            # the app's last video (gui.places.VIDEO_KEY) when it was this one: a video added later may get its id
            con.execute("DELETE FROM settings WHERE key = 'view_video' AND value = ?", (json.dumps(video_id),))

    def set_video_fps(self, video_id: int, fps: float) -> RateChange:
        """Set the frame rate of a frame folder (or image sequence) of the project: image files carry none, so it
        holds the rate it was added at (`project add --fps`, a known dataset's, else the 30 assumed). Its events
        and proposals are kept by frame, as they are stored: their times change, their frames do not. The rows of
        its stored analysis runs are retimed (each frame's timestamp frame / fps), so that the project's times
        agree with one another; the run's micro-motion and spots were measured at the old rate, which the run
        keeps (MEASURED_FPS: :meth:`analysed_at` says it) until it is made again. One transaction. InputError for a
        video file (its frames are timed by the file) or a rate that is not a positive number; OutputError where
        the project is read-only."""
        v = self.video(video_id)
        check_rate_settable(v)
        try:
            rate = float(fps)
        except (TypeError, ValueError):
            raise InputError(f"{fps!r}: a frame rate is a number of frames a second") from None
        if not (math.isfinite(rate) and rate > 0):
            raise InputError(f"{v.name}: a frame rate is a positive number of frames a second, not {fps!r}")
        was_set = self._rate_set(video_id)
        runs, events = self._set_rate(v, rate, True)
        return RateChange(self.video(video_id), v.fps, was_set, runs, events, self.analysed_at(video_id))

    def undo_video_fps(self, change: RateChange) -> None:
        """Put back the rate (and whether a user had set it) that ``change`` replaced: the runs' rows retimed at it."""
        self._set_rate(self.video(change.video.id), change.before, change.was_set)

    def _set_rate(self, v: Video, rate: float, mark: bool) -> tuple[int, int]:
        """Store ``rate`` for frame folder ``v`` in one transaction (:func:`set_folder_rate`). (runs, events)."""
        with self._tx() as con:
            return set_folder_rate(con, v.id, float(v.fps), rate, mark)

    def _rate_set(self, video_id: int) -> bool:
        return bool(self._query("SELECT 1 FROM settings WHERE key = ?", (rate_set_key(video_id),)))

    def rate_was_set(self, video: Video) -> bool:
        """Whether a user set frame folder ``video``'s rate (:meth:`set_video_fps`): it is no guess, even at 30."""
        return video.size == 0 and self._rate_set(video.id)

    def analysed_at(self, video_id: int) -> float | None:
        """The rate the video's stored analysis was measured at where its rate was set to another since (its
        micro-motion and spots are that rate's: a re-run makes them at this one), else None."""
        rows = self._query("SELECT settings FROM analyses WHERE video_id = ? AND active = 1", (video_id,))
        measured = json.loads(rows[0][0] or "{}").get(MEASURED_FPS) if rows else None
        return float(measured) if isinstance(measured, int | float) and not isinstance(measured, bool) else None

    def locate_video(self, video_id: int, search_dirs: Iterable[str | os.PathLike[str]] = ()) -> Path | None:
        """Where the video is now: at its path relative to the project if the content there matches (a project
        folder moved, or copied with its videos: the copy's own video, even where the original is still in place),
        else at its stored path, else a file with the same content hash next to the project, in the relative
        path's folder or in ``search_dirs``. A relative path written on Windows (``videos\\a.mp4``) or a name a Mac
        wrote decomposed (NFD) is followed as its user means it (merstudio.pathnames). A hit elsewhere than the
        stored path is remembered (the path is updated; not in a read-only project). None when it cannot be
        found."""
        v = self.video(video_id)
        here = self.path.parent
        candidates, dirs = self._places_of(v, search_dirs)
        for c in candidates:
            if self.matches(c, v):
                # its relative path too: found at the stored path after the project file moved within the tree,
                # 'videos/x.mp4' stayed (not '../videos/x.mp4'), and a copy of the tree used the original's videos
                moved = stored_path(c.resolve()) != v.path or _relpath(c.resolve(), here) != v.relpath
                if moved and not self.read_only:
                    self.relocate(video_id, c)
                else:
                    self._upgrade_folder(v, c)
                return c.resolve()
        for d in dirs:  # renamed as well as moved: compare every same-size file
            if not d.is_dir():
                continue
            for c in sorted(d.iterdir()):
                if c.suffix.lower() in VIDEO_SUFFIXES and self.matches(c, v):
                    if not self.read_only:
                        self.relocate(video_id, c)
                        name = stored_path(c.name)
                        if not same_name(name, v.name):  # it was renamed silently: --video NAME stopped working
                            # names as stored (under LANG=C c.name's bytes are surrogates, printed as \udcc3)
                            warnings.warn(f"{v.name}: found renamed, as {name} in {stored_path(c.parent)}: the "
                                          f"project calls it {name} now ({v.name!r} still names it)", UserWarning,
                                          stacklevel=2)
                    return c.resolve()
        return None

    def _places_of(self, v: Video, search_dirs: Iterable[str | os.PathLike[str]] = ()
                   ) -> tuple[list[Path], list[Path]]:
        """Where :meth:`locate_video` looks for ``v``, in its order: (the paths that may hold it: its relative path,
        its stored path, its name in each folder; the folders)."""
        here = self.path.parent
        rel = find_relative(here, on_disk(v.relpath)) if v.relpath else None
        candidates: list[Path] = [rel] if rel is not None else []
        stored = None if foreign_path(v.path) else Path(on_disk(v.path))  # C:\\... is no path here (nor its folder: the cwd)
        if stored is not None:
            candidates.append(stored)
        rel_dir = find_relative(here, on_disk("/".join(relative_parts(v.relpath)[:-1]))) if v.relpath else None
        dirs = list(dict.fromkeys([here, *([rel_dir] if rel_dir is not None else []),
                                   *([stored.parent] if stored is not None else []), *map(Path, search_dirs),
                                   *self.search_dirs]))
        candidates += [c for d in dirs if (c := find_relative(d, on_disk(v.name))) is not None]
        return candidates, dirs

    def seen_at(self, video_id: int) -> Path | None:
        """Where the video seems to be by the cheap check (:meth:`looks_like`: a size, a folder's listing; no byte
        of a video read), looked for as :meth:`locate_video` does, renamed files aside: `project show` of 200 videos
        read 400 MB for the content check. Nothing stored. None where no place passes; locate_video, the app's
        check, may still find it (renamed)."""
        v = self.video(video_id)
        return next((c.resolve() for c in self._places_of(v)[0] if self.looks_like(c, v)), None)

    def refresh_relpaths(self) -> list[int]:
        """Each video's relative path recomputed from where the project lies now, where it reaches nothing while the
        stored path holds the video (the project file was moved within the tree: see :meth:`locate_video`), so that
        the videos not shown yet have it right too. A stat or two per video; a content hash only for a video whose
        relative path is stale. A relative path that reaches a file is left to locate_video (a copy's own video).
        Not in a read-only project. Returns the ids updated."""
        if self.read_only:
            return []
        here = self.path.parent
        stale = []
        for v in self.videos():
            stored = None if foreign_path(v.path) else Path(on_disk(v.path))
            if stored is None or _relpath(stored, here) == v.relpath:
                continue
            if (not v.relpath or find_relative(here, on_disk(v.relpath)) is None) and self.matches(stored, v):
                stale.append((_relpath(stored, here), v.id))
        if stale:
            with self._tx() as con:
                con.executemany("UPDATE videos SET relpath = ? WHERE id = ?", stale)
        return [vid for _, vid in stale]

    def refresh_relpaths_on_open(self) -> str:
        """:meth:`refresh_relpaths` as every opening for writing does it (the app's, the CLI's `open_project`,
        `finetune`'s): a project moved within its tree and used by any of them then finds a copy of the tree's own
        videos. A write that fails (the file locked elsewhere, a full disk) stops nothing: the videos are still
        found by their stored paths, and the one line returned says so for the caller to print or show; '' where
        nothing went wrong (the core prints nothing itself)."""
        try:
            self.refresh_relpaths()
        except MerstudioError as exc:
            why = str(exc).removeprefix(f"{self.path}: ")  # the project named once
            # a write's own wrapping ("the edit was not saved (…; try again)") said inside the clause nested two
            # brackets, and "try again" asks for nothing here: only its reason
            if why.startswith(_NOT_SAVED) and why.endswith(")"):
                why = why[len(_NOT_SAVED):-1].removesuffix("; try again")
            return f"{self.path}: the videos' relative paths were not refreshed ({why}); they are found by their " \
                "stored paths"
        return ""

    def locate_missing(self, folder: str | os.PathLike[str], exclude: Iterable[int] = ()) -> tuple[list[int], list[int]]:
        """The user found a video in ``folder``: look there (by name, then by content, as :meth:`locate_video`)
        for the project's other videos that are not where the project says (those in ``exclude`` aside: the one
        just found), remembering the folder for the rest of the session (``search_dirs``). Returns (ids found,
        ids still missing)."""
        where = Path(folder).resolve()
        self.search_dirs = [d for d in self.search_dirs if d != where] + [where]  # the last one found in: last
        skip = set(exclude)
        found: list[int] = []
        missing: list[int] = []
        for v in self.videos():
            if v.id in skip or self.matches(Path(on_disk(v.path)), v):
                continue
            (found if self.locate_video(v.id) is not None else missing).append(v.id)
        return found, missing

    def found_at(self, video_id: int, path: str | os.PathLike[str]) -> tuple[Video, list[int], list[int]]:
        """The user found a video at ``path`` (the "Where is …?" dialog, or File > Open video of the moved file):
        point it there (:meth:`relocate`; InputError for other content) and look in that folder for the project's
        other missing videos (:meth:`locate_missing`). Returns (the video as found, ids found there too, ids still
        missing)."""
        video = self.relocate(video_id, path)
        found, missing = self.locate_missing(Path(video.path).parent, exclude=[video_id])
        return video, found, missing

    def places(self) -> dict[int, tuple[Path | None, bool]]:
        """Each video's place as this session sees it, for a copy of the project made elsewhere (Save As): (where
        it was found, True), else (where the project expects it: its relative path from this folder, else its
        stored path; None for another system's path, False). A read-only project looks without storing."""
        out: dict[int, tuple[Path | None, bool]] = {}
        for v in self.videos():
            where = self.locate_video(v.id)
            if where is not None:
                out[v.id] = where, True
            elif v.relpath:
                out[v.id] = self.path.parent.resolve().joinpath(*relative_parts(v.relpath)), False
            else:
                out[v.id] = (None if foreign_path(v.path) else Path(on_disk(v.path))), False
        return out

    def take_places(self, places: Mapping[int, tuple[Path | None, bool]]) -> int:
        """On a copy of a project (Save As, elsewhere): store the places its original found (:meth:`places`), each
        relative path recomputed from this folder, so that the copy finds the videos the original did (a byte copy
        kept the path and the relative path written where the original lies: a copy made from a read-only project
        that had been moved could find none). A video the original did not find keeps its stored path and gets
        the relative path to where the original expected it. Returns how many videos were found."""
        with self._tx() as con:
            for v in self.videos():
                where, found = places.get(v.id, (None, False))
                rel = _relpath(where, self.path.parent) if where is not None else v.relpath
                con.execute("UPDATE videos SET path = ?, relpath = ? WHERE id = ?",
                            (stored_path(where) if found and where is not None else v.path, rel, v.id))
        return sum(1 for _, found in places.values() if found)

    def old_names(self, video_id: int) -> list[str]:
        """The file names video ``video_id`` had before it was found or relinked under another (oldest first):
        the names scripts and notes still use for it."""
        rows = self._query("SELECT value FROM settings WHERE key = ?", (old_names_key(video_id),))
        return [str(n) for n in json.loads(rows[0][0])] if rows else []

    def _remember_name(self, con: Any, v: Video, p: Path) -> None:
        """Inside a write of ``v``'s new path ``p``: its name so far kept among its old names (:meth:`old_names`)
        where the file is named otherwise."""
        name = stored_path(p.name)
        if not same_name(name, v.name):
            names = [n for n in self.old_names(v.id) if n not in (v.name, name)] + [v.name]
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (old_names_key(v.id), json.dumps(names)))

    def reattach(self, video_id: int, path: str | os.PathLike[str], fps: float, frame_count: int, width: int,
                 height: int) -> Video:
        """Point video ``video_id`` at ``path``, a file with other content (re-encoded in place, or a copy made with
        `merstudio reencode`) whose frame count, frame rate and frame size (those of its FrameSource) match the
        video's, once the user accepted it: its content hash becomes the file's, so that it is found from then on,
        and its events and analysis keep their frames (the analysis was made on the old file). InputError, naming
        what differs, where they do not match (:func:`frames_differ`), or where the file is another video of the
        project. A read-only project stores nothing and returns the record as attached."""
        p = Path(path).resolve()
        v = self.video(video_id)
        if v.size == 0 and p.is_file():
            p = p.parent
        if differs := frames_differ(v, fps, frame_count, width, height):
            raise InputError(f"{p}: not the same video as {v.name} ({differs}; the project's first): not attached")
        try:
            digest, size = content_hash(p) if p.is_file() else (_folder_hash(p), 0)
        except OSError as exc:
            raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
        other = self._query(f"SELECT {_VIDEO_COLS} FROM videos WHERE hash = ? AND size = ? AND id != ? LIMIT 1",
                            (digest, size, video_id))
        if other:
            o = Video(*other[0])
            raise InputError(f"{p}: is the project's video {o.id} ({o.name}) already; not attached to video "
                             f"{v.id} ({v.name})")
        rel = _relpath(p, self.path.parent)
        if self.read_only:
            return replace(v, path=stored_path(p), relpath=rel, hash=digest, size=size)
        with self._tx() as con:
            con.execute("UPDATE videos SET path = ?, relpath = ?, hash = ?, size = ? WHERE id = ?",
                        (stored_path(p), rel, digest, size, video_id))
            self._remember_name(con, v, p)
        return self.video(video_id)

    def missing_reason(self, video_id: int) -> str:
        """Why locate_video found nothing, in a few words: the file at the stored path is another one now (edited,
        re-encoded, replaced), the frame folder there holds other frames, or nothing is there."""
        v = self.video(video_id)
        stored = None if foreign_path(v.path) else Path(on_disk(v.path))
        if stored is not None and v.size == 0 and stored.is_dir():
            return ("the folder there does not hold the frames that were added (frame images changed, added, "
                    "removed or renamed)")
        if stored is not None and v.size != 0 and stored.is_file():
            return "the file there is not the video that was added (its content changed: edited, re-encoded or replaced)"
        return "video not found (moved or deleted)"

    @staticmethod
    def looks_like(c: Path, v: Video) -> bool:
        """The cheap part of :meth:`matches`: a file of the size ``v`` was added with, or a folder of as many frame
        images as its frames (a stat, a listing). False wherever matches is False; True proves no content."""
        try:
            if v.size == 0:
                return c.is_dir() and len(_frame_files(c)) == v.frame_count
            return c.is_file() and c.stat().st_size == v.size
        except OSError:
            return False

    @staticmethod
    def matches(c: Path, v: Video) -> bool:
        """Whether the file or frame folder ``c`` holds the video ``v`` was added as (its content hash; a frame
        folder's by the rule its hash was stored with: :func:`_folder_hash`, or the old one of names and sizes)."""
        try:
            if c.is_dir():
                if v.size != 0:
                    return False
                if v.hash.startswith(FOLDER_HASH_PREFIX):
                    return _folder_hash(c) == v.hash
                return v.hash in _old_folder_hashes(c)
            return c.is_file() and c.stat().st_size == v.size and content_hash(c)[0] == v.hash
        except (OSError, InputError):
            return False

    def _upgrade_folder(self, v: Video, c: Path) -> None:
        """A frame folder found by the old rule's hash (:meth:`matches`) gets the new rule's (not in a read-only
        project): from then on its frames' content is checked too."""
        if v.size == 0 and not v.hash.startswith(FOLDER_HASH_PREFIX) and not self.read_only:
            try:
                self._upgraded(v, _folder_hash(c))
            except OSError:
                pass  # unreadable meanwhile: checked by the old rule again next time

    def relocate(self, video_id: int, new_path: str | os.PathLike[str], check_hash: bool = True) -> Video:
        """Point a video record at a new path (the user found it). Refuses a file with other content. A frame
        image named for a frame-folder video stands for its folder (a file dialog picks files). A read-only
        project stores nothing and returns the record with the new path."""
        p = Path(new_path).resolve()
        v = self.video(video_id)
        if v.size == 0 and p.is_file():
            p = p.parent
        if check_hash and not self.matches(p, v):
            raise InputError(f"{p}: not the same video as {v.name} (content differs)")
        if self.read_only:
            return replace(v, path=stored_path(p), relpath=_relpath(p, self.path.parent))
        self._upgrade_folder(v, p)
        with self._tx() as con:
            con.execute("UPDATE videos SET path = ?, relpath = ? WHERE id = ?",
                        (stored_path(p), _relpath(p, self.path.parent), video_id))
            self._remember_name(con, v, p)
        return self.video(video_id)


def _relpath(p: Path, base: Path) -> str | None:
    try:
        return stored_path(os.path.relpath(p, base.resolve()))
    except ValueError:  # other drive on Windows
        return None


def _frame_files(p: Path) -> list[Path]:
    """The frame files of a folder clip, exactly as merstudio.io plays them (natural order; other files, hidden
    ones and subfolders ignored: a Thumbs.db or .DS_Store changes nothing); none where ``p`` is no folder."""
    return frame_files(p) if p.is_dir() else []


def _folder_hash(p: Path) -> str:
    """A frame folder's identity ("folder2:" and a sha256): the frame files the frame source reads (names and
    sizes, in order), FRAME_SAMPLE bytes from the middle of each (an uncompressed frame's size says nothing of its
    picture: two .bmp clips of one length had the same hash), and the whole of the first, middle and last frames
    (up to WHOLE_FRAME bytes each). A 2,000-frame folder takes a few tens of ms when cached. Files the source
    ignores change nothing. OSError where the folder or a frame cannot be read."""
    files = _frame_files(p)
    h = hashlib.sha256(b"folder2")
    whole = {0, len(files) // 2, len(files) - 1} if files else set()
    for k, f in enumerate(files):
        with f.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            h.update(f"{f.name}:{size};".encode())
            if k in whole:
                h.update(fh.read(WHOLE_FRAME))
            else:
                fh.seek(max(0, size // 2 - FRAME_SAMPLE // 2))
                h.update(fh.read(FRAME_SAMPLE))
    return FOLDER_HASH_PREFIX + h.hexdigest()


def _old_folder_hashes(p: Path) -> set[str]:
    """The hashes the old rule (sorted names and sizes of every file in the folder) gives ``p``: over every file,
    as it was stored, and over the frame files alone (a Thumbs.db, .DS_Store or notes file put there since then
    made the clip "missing")."""
    frames = {f.name for f in _frame_files(p)}
    every = hashlib.sha256(b"folder")
    only = hashlib.sha256(b"folder")
    for c in sorted(p.iterdir()) if p.is_dir() else []:
        if c.is_file():
            entry = f"{c.name}:{c.stat().st_size};".encode()
            every.update(entry)
            if c.name in frames:
                only.update(entry)
    return {every.hexdigest(), only.hexdigest()}
