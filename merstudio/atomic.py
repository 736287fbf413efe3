"""Atomic file writes: write beside the target, then os.replace, so a crash never leaves a half-written file.

Temporaries are hidden files beside the target, `.<target name>.<8 hex>.part`, created with mode 0666 less the
umask (as any other file the user writes), never mkstemp's 0600. A target whose name is too long for that (names are
at most 255 bytes on ext4, xfs, btrfs, APFS: a 242-byte video name made every temporary of its results fail with
"File name too long") gets `.<its name cut short by bytes>~<8 hex of its name>.<8 hex>.part` (`fitted_name`): the
same name for the same target, so its dead temporaries are still found, and the random token keeps two writers
apart. A target whose own name does not fit is refused in one line naming the limit (`ensure_parent`).

fsync policy (issue 14): `atomic_path` fsyncs the temporary before `os.replace` and, on POSIX, the folder after it,
so a power cut leaves the old file or the whole new one, never a renamed but empty (0-byte) file, as ext4/xfs can
without the fsync. Cost, measured on the development VM (ext4 on virtio; 800 writes, medians): a 1 kB
write_text_atomic takes 0.38 ms with the two fsyncs against 0.18 ms without (a laptop SSD or a disk adds more per
fsync); results are written once per run or per user action, so the cost does not matter. `durable=False` skips
both, for files that can be made again (caches).

Files that belong together (a report's tables, a run's predictions, metrics and summary) are written by `write_set`:
every temporary first, then the renames, those done put back if one fails, so a failed --overwrite leaves the old
set whole, never half old, half new. A symlink output is written through (`write_target`): its target is replaced,
the link stays. A FIFO, device or socket at the output is refused in one line (`check_not_special`, also in
`ensure_parent`): a rename would put a plain file in its place.

After a Ctrl-C under a watch (`merstudio.interrupts`: every command but the app) nothing is moved into place:
atomic_path and write_set raise its KeyboardInterrupt instead, remove their temporaries and leave the old files,
even where C code dropped the exception and the command ran on. A caller that renames a `temp_beside` temporary
itself should make the same check first (`merstudio.interrupts.stop_if_interrupted`).

The per-frame partial CSV of an analysis (`merstudio.analysis.files`) is not written through atomic_path: it is
appended in whole rows, one unbuffered write() per flush (at least every 0.5 s), and never fsynced (a flush of
40 rows, 80 kB, takes 0.03 ms, 0.19 ms with an fsync, measured as above): a kill -9 loses nothing written (the page
cache outlives the process), a power cut may lose the last rows, which a rerun makes again. The finished rows file
is fsynced once, when the run commits, before it is renamed over `<name>.csv` (files.commit_result).

Temporaries a killed writer left are removed by the next write of the same target (`remove_dead_temps`, called by
`atomic_path`): on POSIX a live writer holds an OS lock (flock) on its temporary while it writes, a killed one's
lock went with the process, so no claim and no clock is needed. Those of other names in the folder (a killed export
whose file is never written again) go with them once a day old (:data:`ABANDONED_AFTER`) and unlocked too: the age
keeps a file of another program that happens to look like ours out of reach. (On NFS, where flock is emulated with POSIX locks
that a close() of the file drops, a concurrent writer of the same target may lose its temporary and fail with an
OutputError; it never replaces the target with a partial file.) `remove_stale_temps` removes them by age, for
callers that hold a `FileClaim`. `temp_beside` gives the same locked temporary to a writer that renames it itself
(or holds two), also named `.<target name>.<8 hex>.part<target suffix>` where the writer picks the format by the
name's ending (FFmpeg: `merstudio reencode`).
`FileClaim` is an exclusive claim on an output between processes: an OS lock (flock; msvcrt on Windows) on a lock
file that holds the owner's pid and is removed when the claim is released (a kill releases the lock with the
process, so a lock file left behind never blocks the next run). The lock is `merstudio.locks.LockFile`, shared
with the project's `ProjectLock`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from merstudio.errors import OutputError
from merstudio.interrupts import note_written, stop_if_interrupted
from merstudio.locks import Busy, LockFile, Unsettled, os_lock, pid_alive

TEMP_SUFFIX = ".part"
NAME_MAX = 255  # bytes in a file name where the file system does not say (ext4, xfs, btrfs, APFS all allow 255)
_TOKEN_BYTES = 4  # a temporary's random token: 8 hex digits
ABANDONED_AFTER = 24 * 3600.0  # seconds: an unlocked temporary of another target this old is a killed writer's


def check_not_input(out: str | os.PathLike[str], src: str | os.PathLike[str], rest: str) -> None:
    """OutputError "<out>: is the input<rest>" (before anything is written) where the output `out` is the input
    `src`: another spelling, a symlink or a hard link of it. No --overwrite lets a command replace what it reads."""
    a, b = Path(out).expanduser(), Path(src).expanduser()
    same = a.resolve() == b.resolve()
    if not same:
        with suppress(OSError):
            same = a.exists() and b.exists() and os.path.samefile(a, b)
    if same:
        raise OutputError(f"{out}: is the input{rest}")


def check_no_file_in_the_way(folder: Path, name: Path, what: str) -> None:
    """Refuse, in one line, a folder that a file stands in place of (the folder or one above it): mkdir alone would
    only say "File exists". Nothing is created (a command checks its output folder before its work)."""
    for anc in (folder, *folder.parents):
        if anc.exists():
            if not anc.is_dir():
                raise OutputError(f"{name}: {what} ({anc} is a file, not a folder)")
            return


def _make_folder(folder: Path, name: Path, what: str) -> None:
    check_no_file_in_the_way(folder, name, what)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{name}: {what} ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{name}: {what} ({_not_writable(folder)})")


def _not_writable(folder: Path) -> str:
    """Why a folder that exists cannot be written: a read-only file system is not a missing permission."""
    if hasattr(os, "statvfs"):
        with suppress(OSError):
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return "read-only file system"
    return f"no permission in {folder}"


def name_max(folder: str | os.PathLike[str]) -> int:
    """The longest file name, in bytes, that ``folder``'s file system allows (NAME_MAX where it does not say)."""
    with suppress(OSError, ValueError, AttributeError):  # no pathconf on Windows; a folder not there yet
        limit = os.pathconf(folder, "PC_NAME_MAX")
        if limit > 0:
            return int(limit)
    return NAME_MAX


def name_bytes(name: str) -> int:
    """A file name's length as the file system counts it: bytes, not characters (`ü` is 2, `受` 3)."""
    return len(os.fsencode(name))


def fitted_name(name: str, limit: int, tail: str = "") -> str:
    """``name + tail`` when it fits in ``limit`` bytes; else ``name`` cut short on a character boundary, then `~`,
    8 hex digits of a hash of the whole ``name`` (names that differ only past the cut stay apart) and ``tail``.
    The same answer for the same arguments: a reader finds what a writer named so."""
    if name_bytes(name + tail) <= limit:
        return name + tail
    mark = "~" + hashlib.sha1(os.fsencode(name)).hexdigest()[:8]
    room = limit - name_bytes(mark + tail)
    head, used = [], 0
    for ch in name:  # whole characters only: a cut UTF-8 sequence is no name a file manager shows
        n = name_bytes(ch)
        if used + n > room:
            break
        head.append(ch)
        used += n
    return "".join(head) + mark + tail


def check_name_fits(path: str | os.PathLike[str], what: str = "cannot write") -> None:
    """Refuse, in one line naming the limit, a file whose name the file system cannot hold (the OS says only
    "File name too long")."""
    p = Path(path)
    limit, n = name_max(p.parent), name_bytes(p.name)
    if n > limit:
        raise OutputError(f"{p}: {what} (its name is {n} bytes; the file system allows at most {limit})")


def ensure_parent(path: str | os.PathLike[str], what: str = "cannot write") -> None:
    """Create ``path``'s folder, or raise a one-line OutputError naming ``path``; also one for a name too long
    for the file system, and one for a FIFO, device or socket standing at ``path`` (`check_not_special`). Called
    before long work so a bad output path fails at once."""
    _make_folder(Path(path).parent, Path(path), what)
    check_name_fits(path, what)
    check_not_special(path, what)


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
            (stat.S_ISSOCK, "a socket"))


def check_not_special(path: str | os.PathLike[str], what: str = "cannot write") -> None:
    """Refuse, in one line, an output that is (or links to) a FIFO, a device or a socket: the rename of a result
    over it would replace the node with a plain file (a FIFO's reader then waits forever; as root, /dev/full was
    replaced and the write 'succeeded'). A folder is left to the caller (some outputs are folders)."""
    try:
        mode = os.stat(path).st_mode  # follows links: a link to a FIFO is a FIFO here
    except OSError:
        return  # not there (or a dangling link: written through, see write_target); the write says what else fails
    for test, kind in _SPECIAL:
        if test(mode):
            raise OutputError(f"{path}: {what} (it is {kind}; results are written to regular files only)")


def write_target(path: str | os.PathLike[str]) -> Path:
    """The file a write of ``path`` replaces: ``path``, or where ``path`` is a symlink the file it points to
    (followed to the end), so that the link stays and its target gets the result, as a shell's `>` does; a rename
    over the link itself would turn it into a plain file and leave the target old."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def ensure_dir(path: str | os.PathLike[str]) -> None:
    """Create the output folder ``path`` (and its parents), or raise a one-line OutputError naming it."""
    _make_folder(Path(path), Path(path), "cannot create the folder")


@contextmanager
def temp_beside(path: str | os.PathLike[str], keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a new temporary beside ``path``, named and locked as atomic_path's (``keep_suffix``: ending in
    ``path``'s suffix too, `.clip.avi.<token>.part.avi`, for a writer that picks the format by the name), for a
    caller that renames it over ``path`` itself; removed at the exit where it is still there. Temporaries of
    ``path`` that killed writers left are removed first (a kill leaves this one, and the next write removes it)."""
    dst = Path(path)
    remove_dead_temps(dst)
    try:
        tmp, guard = _new_temp(dst, dst.suffix if keep_suffix else "")
    except OSError as exc:
        raise OutputError(f"{dst}: cannot write ({exc.strerror or exc})") from None
    try:
        yield tmp
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        if guard is not None:
            os.close(guard)


@contextmanager
def atomic_path(path: str | os.PathLike[str], what: str = "cannot write", *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` on success, remove it on failure.
    OS errors become one-line OutputErrors naming ``path``: "<path>: <what> (<reason>)".
    The one way merstudio writes a result file; write the temporary by name (open, to_csv, savefig, ...).

    ``durable`` (default): the temporary is fsynced before the rename and the folder after it, so a power cut
    leaves the old file or the whole new one (never a renamed, empty one). Pass False only for files that can be
    made again (caches). Temporaries of ``path`` that killed writers left are removed first (see the module).
    A symlink at ``path`` is written through (its target replaced, the link kept); a FIFO, device or socket is
    refused (`check_not_special`). After a Ctrl-C under a watch: KeyboardInterrupt, the old file kept (the module)."""
    dst = Path(path)
    real = _checked_target(dst, what)
    remove_dead_temps(real)
    try:
        tmp, guard = _new_temp(real)
    except OSError as exc:
        raise OutputError(f"{dst}: {what} ({exc.strerror or exc})") from None
    try:
        yield Path(tmp)
        if durable:
            _fsync_file(tmp)
        stop_if_interrupted()  # a Ctrl-C came (its exception maybe dropped in C): the old file stays
        os.replace(tmp, real)
        note_written(dst)
        if durable:
            _fsync_dir(real.parent)
    except OSError as exc:
        with suppress(OSError):  # on a read-only file system even the clean-up fails
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{dst}: {what} ({exc.strerror or exc})") from None
    except BaseException:
        with suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        if guard is not None:
            os.close(guard)


def _checked_target(dst: Path, what: str) -> Path:
    """`ensure_parent` for ``dst`` and for the file it links to; returns that file (`write_target`)."""
    ensure_parent(dst, what)
    real = write_target(dst)
    if real != dst:
        ensure_parent(real, what)
    return real


def write_set(writers: Mapping[Path, Callable[[Path], object]], what: str = "cannot write", *,
              durable: bool = True) -> list[Path]:
    """Write several files that belong together (a report's tables, a run's predictions, metrics and summary) as
    one set: a reader never finds some of this run's files beside some of an earlier run's. Each writer is called
    with its target's temporary (named as atomic_path's, ending in the target's suffix too, for writers that pick
    the format by the name); only when every one is written (and fsynced, see ``durable``) are they moved over
    their targets. A failure while writing leaves every target as it was, and the temporaries are removed. A move
    that fails (rare: a rename in one folder fails on a read-only or failing disk) puts back those already moved:
    the old files are kept by hard links until the end. The one-line OutputError names the file that failed and
    says what the folder holds now. Returns the target paths (symlinks are written through, as atomic_path)."""
    targets = [Path(p) for p in writers]
    reals = [_checked_target(dst, what) for dst in targets]
    existed = [r.exists() for r in reals]
    temps: list[Path] = []
    guards: list[int] = []
    olds: list[Path | None] = []
    moved = 0
    current = targets[0] if targets else Path()
    try:
        try:
            for dst, real, write in zip(targets, reals, writers.values(), strict=True):
                current = dst
                remove_dead_temps(real)
                tmp, guard = _new_temp(real, real.suffix)
                temps.append(tmp)
                if guard is not None:
                    guards.append(guard)
                write(tmp)
                if durable:
                    _fsync_file(tmp)
            olds = [_keep_old(r) if e else None for r, e in zip(reals, existed, strict=True)]
            for tmp, dst, real in zip(temps, targets, reals, strict=True):
                current = dst
                stop_if_interrupted()  # as atomic_path; those already moved are put back
                os.replace(tmp, real)
                moved += 1
            for dst in targets:
                note_written(dst)
        except BaseException as exc:
            mixed = _put_back(reals[:moved], olds, existed)
            if not isinstance(exc, OSError):
                raise
            if mixed:
                said = (f"{', '.join(p.name for p in mixed)} {'is' if len(mixed) == 1 else 'are'} this run's and "
                        "the earlier could not be put back: the set there is mixed")
            elif any(existed):
                said = "this run's files were not written; the earlier ones there are kept whole"
            else:
                said = "none of this run's files was written"
            raise OutputError(f"{current}: {what} ({exc.strerror or exc}); {said}") from None
        if durable:
            for folder in dict.fromkeys(r.parent for r in reals):
                _fsync_dir(folder)
    finally:
        for leftover in (*temps, *(o for o in olds if o is not None)):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        for guard in guards:
            os.close(guard)
    return targets


def _keep_old(real: Path) -> Path | None:
    """A hard link to ``real`` under a temporary's name (removed by the next write if a kill leaves it), so that
    the old file can be put back; None where the file system has no hard links (FAT, some network shares)."""
    for _ in range(100):
        keep = real.with_name(f".{_temp_head(real)}.{secrets.token_hex(_TOKEN_BYTES)}{TEMP_SUFFIX}")
        try:
            os.link(real, keep)
            return keep
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


def _put_back(moved: Sequence[Path], olds: Sequence[Path | None], existed: Sequence[bool]) -> list[Path]:
    """Undo the moves of a set that failed part way: each moved target gets its old file back (or is removed where
    there was none). Returns the targets that could not be put back."""
    stuck = []
    for real, old, was in zip(moved, olds, existed, strict=False):
        try:
            if old is not None:
                try:
                    os.replace(old, real)
                except OSError:  # the renames are what just failed: unlink and link, which need no new entry
                    real.unlink()
                    os.link(old, real)
            elif not was:
                real.unlink()
            else:
                stuck.append(real)
        except OSError:
            stuck.append(real)
    return stuck


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", *,
                      durable: bool = True) -> Path:
    """Write ``text`` to ``path`` through atomic_path (a reader sees the old file or the whole new one)."""
    dst = Path(path)
    with atomic_path(dst, durable=durable) as tmp:
        tmp.write_text(text, encoding=encoding)
    return dst


def _fsync_file(path: Path) -> None:
    """Flush `path`'s data to the disk (fsync works on a read-only descriptor on POSIX; Windows wants write
    access). Errors (EIO; ENOSPC where space is allocated late) propagate: the file may not be whole."""
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no folder fsync). Best effort: some file systems
    refuse to sync a folder (EINVAL), and the rename itself has happened either way."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _new_temp(dst: Path, suffix: str = "") -> tuple[Path, int | None]:
    """Create an empty hidden temporary beside `dst` (its name ending in `suffix` after `.part`): O_EXCL, so it is this writer's alone, and mode 0666 less the
    umask (the kernel applies it), unlike tempfile.mkstemp's 0600. On POSIX the temporary is returned locked
    (flock on the returned descriptor, which the caller closes when done): `remove_dead_temps` leaves it alone."""
    head = _temp_head(dst, suffix)
    for _ in range(100):
        tmp = dst.with_name(f".{head}.{secrets.token_hex(_TOKEN_BYTES)}{TEMP_SUFFIX}{suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        if os.name != "posix":
            os.close(fd)
            return tmp, None
        try:
            got = os_lock(fd)
            # a cleaner may have locked and removed it between our create and our lock: then take another name
            mine = got is not False and os.path.samestat(os.fstat(fd), os.stat(tmp))
        except FileNotFoundError:
            mine = False
        except BaseException:
            os.close(fd)
            raise
        if mine:
            return tmp, fd
        os.close(fd)
    raise FileExistsError(f"no free temporary name beside {dst}")


def _temp_head(dst: Path, suffix: str = "") -> str:
    """What `dst`'s temporaries are named after: its name, or that cut short (`fitted_name`) so that
    `.<head>.<token>.part<suffix>` fits in the file system's limit."""
    return fitted_name(dst.name, name_max(dst.parent)
                       - name_bytes(f"..{'0' * 2 * _TOKEN_BYTES}{TEMP_SUFFIX}{suffix}"))


def _temp_of(dst: Path) -> Callable[[str], bool]:
    """Matches the names of `dst`'s temporaries, `.<name>.<token>.part` and `.<name>.<token>.part<suffix>`
    (`temp_beside`'s keep_suffix), not `.<name>.bak.<token>.part`."""
    forms = [(f".{_temp_head(dst)}.", TEMP_SUFFIX)]
    if dst.suffix:
        forms.append((f".{_temp_head(dst, dst.suffix)}.", TEMP_SUFFIX + dst.suffix))

    def ours(name: str) -> bool:
        for prefix, end in forms:
            if name.startswith(prefix) and name.endswith(end) and len(name) > len(prefix) + len(end):
                token = name[len(prefix):-len(end)]
                if "." not in token:  # `.clip.csv.bak.<token>.part` is clip.csv.bak's, not clip.csv's
                    return True
        return False

    return ours


def _any_temp(name: str) -> bool:
    """Whether `name` is shaped like a temporary of atomic_path's, of any target: `.<name>.<8 hex>.part`, or
    `.<name>.<8 hex>.part.<ext>` (`temp_beside`'s keep_suffix; earlier re-encodes named theirs so too)."""
    if not name.startswith("."):
        return False
    if not name.endswith(TEMP_SUFFIX):
        name, _, ext = name.rpartition(".")
        if not (name.endswith(TEMP_SUFFIX) and 0 < len(ext) <= 5 and ext.isalnum()):
            return False
    head, _, token = name[:-len(TEMP_SUFFIX)].rpartition(".")
    return len(head) > 1 and len(token) == 8 and all(c in "0123456789abcdef" for c in token)


def remove_dead_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporaries of `target` whose writer is gone (killed): a live writer holds an OS lock on its
    temporary (see `_new_temp`), a killed one's lock went with it; and those of other targets in its folder that
    are unlocked and older than ABANDONED_AFTER. Needs no claim on `target`; POSIX only (elsewhere it removes
    nothing). Returns the removed paths. atomic_path calls it before every write."""
    dst = Path(target)
    removed: list[Path] = []
    if os.name != "posix":
        return removed
    ours = _temp_of(dst)
    old = time.time() - ABANDONED_AFTER

    def dead(e: os.DirEntry[str]) -> bool:
        if ours(e.name):
            return True
        if not _any_temp(e.name):
            return False
        try:
            return e.stat(follow_symlinks=False).st_mtime < old
        except OSError:
            return False

    try:
        entries = [e for e in os.scandir(dst.parent) if dead(e)]
    except OSError:
        return removed
    for entry in entries:
        try:
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if os_lock(fd) and stat.S_ISREG(os.fstat(fd).st_mode):
                os.unlink(entry.path)  # while locked: a writer that raced us sees its file gone and takes another
                removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def remove_old_files(folder: str | os.PathLike[str], match: Callable[[str], bool], before: float) -> list[Path]:
    """Remove the regular files in `folder` whose name `match`es and that were last modified before `before` (a
    time.time() value): what a killed writer left. Returns the removed paths; unreadable entries are skipped."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not match(entry.name):
            continue
        with suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < before:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def remove_stale_temps(target: str | os.PathLike[str], before: float) -> list[Path]:
    """Remove the temporaries of `target` (`.<name>.<token>.part`, from atomic_path, or mkstemp's before it) last
    modified before `before` (a time.time() value): what a killed writer left. Returns the removed paths."""
    dst = Path(target)
    return remove_old_files(dst.parent, _temp_of(dst), before)


class ClaimedElsewhere(Exception):
    """The output is claimed by another process (or another claim in this one); `pid` is its owner when known."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path}: claimed by {'pid ' + str(pid) if pid else 'another process'}")
        self.path, self.pid = path, pid


def _read_pid(lock: Path) -> int | None:
    try:
        with open(lock, "rb") as fh:
            words = fh.read(32).split()
        return int(words[0]) if words else None
    except (OSError, ValueError):
        return None


class FileClaim(LockFile):
    """An exclusive claim on `path` (a lock file holding the owner's pid) between processes and threads, held until
    `release()` (or the end of a `with` block, or the process). `FileClaim.acquire(path)` raises ClaimedElsewhere
    when it is held, OutputError when the lock file cannot be written. The lock itself is `merstudio.locks`'s."""

    @classmethod
    def acquire(cls, path: str | os.PathLike[str]) -> FileClaim:
        lock = Path(path)
        ensure_parent(lock)

        def make(fd: int) -> FileClaim:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return cls(lock, fd)

        try:
            return cls._take(lock, lambda: pid_alive(_read_pid(lock)), make)
        except Unsettled:
            raise OutputError(f"{lock}: cannot take the lock (the file keeps being replaced)") from None
        except Busy:
            raise ClaimedElsewhere(lock, _read_pid(lock)) from None
        except OSError as exc:
            raise OutputError(f"{lock}: cannot write ({exc.strerror or exc})") from None
