"""Atomic file writes: write beside the target, then os.replace, so a crash never leaves a half-written file.

Temporaries are hidden files beside the target, `.<target name>.<8 hex>.part`, created with mode 0666 less the
umask (as any other file the user writes), never mkstemp's 0600. `remove_stale_temps` removes those a killed writer
left; call it only where no other writer of that target can be running (under a `FileClaim`).
`FileClaim` is an exclusive claim on an output between processes: an OS lock (flock; msvcrt on Windows) on a lock
file that holds the owner's pid and is removed when the claim is released (a kill releases the lock with the
process, so a lock file left behind never blocks the next run).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

from merstudio.errors import OutputError

TEMP_SUFFIX = ".part"


def _make_folder(folder: Path, name: Path, what: str) -> None:
    # a file standing where a folder should be is named as such (mkdir alone would only say "File exists")
    for anc in (folder, *folder.parents):
        if anc.exists():
            if not anc.is_dir():
                raise OutputError(f"{name}: {what} ({anc} is a file, not a folder)")
            break
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


def ensure_parent(path: str | os.PathLike[str], what: str = "cannot write") -> None:
    """Create ``path``'s folder, or raise a one-line OutputError naming ``path``. Called before long work so a
    bad output path fails at once."""
    _make_folder(Path(path).parent, Path(path), what)


def ensure_dir(path: str | os.PathLike[str]) -> None:
    """Create the output folder ``path`` (and its parents), or raise a one-line OutputError naming it."""
    _make_folder(Path(path), Path(path), "cannot create the folder")


@contextmanager
def atomic_path(path: str | os.PathLike[str], what: str = "cannot write") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` on success, remove it on failure.
    OS errors become one-line OutputErrors naming ``path``: "<path>: <what> (<reason>)".
    The one way merstudio writes a result file; write the temporary by name (open, to_csv, savefig, ...)."""
    dst = Path(path)
    ensure_parent(dst, what)
    try:
        tmp = _new_temp(dst)
    except OSError as exc:
        raise OutputError(f"{dst}: {what} ({exc.strerror or exc})") from None
    try:
        yield Path(tmp)
        os.replace(tmp, dst)
    except OSError as exc:
        with suppress(OSError):  # on a read-only file system even the clean-up fails
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{dst}: {what} ({exc.strerror or exc})") from None
    except BaseException:
        with suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` through atomic_path (a reader sees the old file or the whole new one)."""
    dst = Path(path)
    with atomic_path(dst) as tmp:
        tmp.write_text(text, encoding=encoding)
    return dst


def _new_temp(dst: Path) -> Path:
    """Create an empty hidden temporary beside `dst`: O_EXCL, so it is this writer's alone, and mode 0666 less the
    umask (the kernel applies it), unlike tempfile.mkstemp's 0600."""
    for _ in range(100):
        tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name beside {dst}")


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
    prefix = f".{dst.name}."

    def ours(name: str) -> bool:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            return False
        token = name[len(prefix):-len(TEMP_SUFFIX)]
        return bool(token) and "." not in token  # `.clip.csv.bak.<token>.part` is clip.csv.bak's, not clip.csv's

    return remove_old_files(dst.parent, ours, before)


class ClaimedElsewhere(Exception):
    """The output is claimed by another process (or another claim in this one); `pid` is its owner when known."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path}: claimed by {'pid ' + str(pid) if pid else 'another process'}")
        self.path, self.pid = path, pid


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0) if hasattr(os, "pread") else b""
        return int(text.split()[0]) if text.split() else None
    except (OSError, ValueError):
        return None


class FileClaim:
    """An exclusive claim on `path` (a lock file) between processes and threads, held until `release()` (or the
    end of a `with` block, or the process). `FileClaim.acquire(path)` raises ClaimedElsewhere when it is held."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, path: str | os.PathLike[str]) -> FileClaim:
        lock = Path(path)
        ensure_parent(lock)
        for _ in range(100):
            try:
                fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise OutputError(f"{lock}: cannot write ({exc.strerror or exc})") from None
            try:
                if not _try_lock(fd):
                    raise ClaimedElsewhere(lock, _read_pid(fd))
                # the owner we raced may have released (and removed) the file between our open and lock: only a
                # lock on the file that is at the path now is a claim
                try:
                    current = os.path.samestat(os.fstat(fd), os.stat(lock))
                except FileNotFoundError:
                    current = False
                if current:
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()}\n".encode())
                    return cls(lock, fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        raise OutputError(f"{lock}: cannot take the lock (the file keeps being replaced)")

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if sys.platform != "win32":
            with suppress(OSError):
                self.path.unlink()  # while still locked: whoever opened the old file sees it is not current
        os.close(fd)
        if sys.platform == "win32":
            with suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> FileClaim:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
