"""Formats and locations of per-frame result tables: the OpenFace-style CSV or Parquet, on a local path or an
fsspec URL.

Formats (`FORMATS`): ``csv`` (the default, OpenFace 2 style, written by `merstudio.analysis.files`) and ``parquet``
(pyarrow, the `cluster` extra or the `test` extra): the same columns and values (a CSV cell's text is the
shortest repr of the float the Parquet file holds; NaN stays NaN, a cell left empty is null). Column types:
`frame` int64, `face_id` int32, `success`, `blink` and the `AUxx_c` presences int8, everything else float64. An
`AUxx_c` is unknown (an empty CSV cell, a Parquet null; pandas reads NaN) wherever its `AUxx_r` is NaN (a covered
region, lids shut): a nullable integer, never 0 there, which would say "absent". Tables written before 2026-12-06
(analysis revision 11 and earlier) have 0 there, and are read as they are.
Rows go to `<name>.partial.parquet` one row group at a time (every ROW_GROUP_CELLS values, about 11,000 rows of
the default columns, or every minute, whichever comes first: small row groups would make the file larger and
slower to read, and memory stays a few tens of MB); the footer is written when the run stops (completes, is
cancelled or fails), so the partial of a run that was killed (SIGKILL, power cut) cannot be read, unlike a CSV
partial, and a rerun starts it again. Nor can one whose row group, or footer, found no room (a full disk: pyarrow
writes no footer after a failed write): it is removed, and its partial meta counts no rows and no frames.

Locations: a local path (the default, as before) or a URL that fsspec understands (``s3://bucket/out``,
``memory://out``, ...); a ``file://`` URL is taken as the local path it names. An input URL is fetched to a local temporary first (OpenCV decodes
local files only); an output URL is written in a local staging folder (`staging_dir`, with the usual partial
files and lock) and published when the run completes: the remote `<name>.meta.json` first becomes a record with
status ``committing`` (so it never says ``complete`` about other files), then the table and the spots file are
uploaded, then the meta is written last. A reader of a remote result trusts it only when the meta says
``complete`` (and may check `csv_bytes` / `csv_sha256`). The plots `merstudio analyze --plot` draws from the
staged table are uploaded with the result, before its meta (a reader that waits for ``complete`` finds them
too). A batch's `manifest.csv` lives at the URL beside the results (`upload_atomic`: never half-written); its
working copy and `manifest.lock` are in the staging folder. `out_location` keeps a URL the user typed as text:
pathlib would collapse ``local:///abs`` into ``local:/abs``.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from merstudio import private_dirs
from merstudio.errors import InputError, OutputError, no_room
from merstudio.regular_files import sha256_of
from merstudio.resources import CLUSTER_INSTALL_HINT

FORMATS = ("csv", "parquet")
SUFFIX = {"csv": ".csv", "parquet": ".parquet"}
ROW_GROUP_CELLS = 1_000_000  # values buffered before a row group is written (rows x columns)
PARQUET_FLUSH_SECONDS = 60.0  # ... or this often


class OutputLost(OutputError):
    """The output's file system took no more (full, over quota, the file size limit) or its folder vanished while it
    was written: the output's fault, not the input's (`merstudio.analysis.files.lost_output`). Here, below both
    row writers (the CSV's in files.py, the Parquet one here), so each raises it for a full disk."""


def check_format(fmt: str) -> str:
    f = str(fmt).strip().lower()
    if f not in FORMATS:
        raise InputError(f"format '{fmt}': unknown (choose one of {', '.join(FORMATS)})")
    if f == "parquet":
        _pyarrow()
    return f


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise InputError(f"format parquet: needs pyarrow ({CLUSTER_INSTALL_HINT})") from None
    return pyarrow


def column_type(name: str) -> str:
    """The Parquet (Arrow) type of a per-frame column."""
    if name == "frame":
        return "int64"
    if name == "face_id":
        return "int32"
    if name in ("success", "blink") or (name.startswith("AU") and name.endswith("_c")):
        return "int8"
    return "float64"


def arrow_schema(columns: list[str]) -> Any:
    pa = _pyarrow()
    return pa.schema([(c, getattr(pa, column_type(c))()) for c in columns])


def _int(v: Any) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return int(v)
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return int(v)


def _float(v: Any) -> float | None:
    if v is None or v == "":
        return None
    return float(v)


class ParquetRowWriter:
    """Per-frame rows (dicts; values may be numbers or the CSV's text) into a Parquet file, one row group per
    flush (every `flush_seconds` and every ROW_GROUP_CELLS values). `rows` counts the rows written in row
    groups; a failed write closes the file there and raises a one-line OutputError (OutputLost for a full disk):
    pyarrow writes no footer after a failed write, so such a file holds no readable row and is removed; `rows` and
    `last_whole_frame` then say what the file keeps. The file is readable once closed."""

    def __init__(self, path: Path, columns: list[str], flush_seconds: float = PARQUET_FLUSH_SECONDS) -> None:
        pa = _pyarrow()
        import pyarrow.parquet as pq

        self.path, self.columns, self.rows, self.failed = Path(path), list(columns), 0, False
        self.flush_seconds = flush_seconds
        self._schema = arrow_schema(self.columns)
        self._conv: list[Callable[[Any], Any]] = [_int if column_type(c) != "float64" else _float
                                                  for c in self.columns]
        self._buf: list[list[Any]] = [[] for _ in self.columns]
        self._pending = 0
        self._group_rows = max(1, ROW_GROUP_CELLS // max(1, len(self.columns)))
        self._pa = pa
        self._frame = self.columns.index("frame") if "frame" in self.columns else None
        self._last_whole: int | None = None  # after a failed write: the last frame whose rows the file keeps
        try:
            self._writer = pq.ParquetWriter(str(self.path), self._schema, compression="zstd")
        except OSError as exc:
            kind = OutputLost if no_room(exc) else OutputError
            raise kind(f"{self.path}: cannot write ({exc})") from None
        self._closed = False

    def write(self, row: dict) -> None:
        for buf, c, conv in zip(self._buf, self.columns, self._conv, strict=True):
            buf.append(conv(row.get(c)))
        self._pending += 1

    def write_all(self, rows: Iterable[dict]) -> None:
        last = time.monotonic()
        for row in rows:
            self.write(row)
            now = time.monotonic()
            if now - last >= self.flush_seconds or self._pending >= self._group_rows:
                self.flush()
                last = now

    def flush(self) -> None:
        if not self._pending or self.failed:
            self._pending = 0
            self._buf = [[] for _ in self.columns]
            return
        pa = self._pa
        arrays = [pa.array(vals, type=f.type) for vals, f in zip(self._buf, self._schema, strict=True)]
        try:
            self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))
        except OSError as exc:
            raise self._failed(exc) from None
        self.rows += self._pending
        self._pending = 0
        self._buf = [[] for _ in self.columns]

    def _failed(self, exc: OSError) -> OutputError:
        """The error of a failed write (a row group, or the footer at the end), said once the file is closed and
        what it keeps is known (`_keep_written`): OutputLost where the disk took no more (pyarrow's OSError keeps
        the errno), as the CSV writer says it, so a batch stops on its type rather than on the text."""
        self.failed = True
        written = self.rows
        kept = self._keep_written()
        kind = OutputLost if no_room(exc) else OutputError
        return kind(f"{self.path}: cannot write ({exc}); " + (
            f"it keeps the {kept} rows written before" if kept else
            (f"the {written} rows written before are lost with it" if written else "no rows were kept")
            + " (a Parquet file cut short holds no table; --format csv keeps the rows written before)"))

    def _keep_written(self) -> int:
        """After a failed write: close the file (its footer, where pyarrow still writes one) and make `rows` and
        `last_whole_frame` what it keeps, read back from it; a file that reads as no table is removed (no rows to
        speak of, and its room is wanted on a full disk)."""
        import pyarrow.parquet as pq

        waiting = self._buf[self._frame] if self._frame is not None else []
        self.rows, self._closed, frames = 0, True, None
        with contextlib.suppress(OSError):
            self._writer.close()
        try:
            kept = pq.ParquetFile(str(self.path))
            if self._frame is not None and kept.num_row_groups:
                frames = kept.read_row_group(kept.num_row_groups - 1, columns=["frame"]).column(0)
            self.rows = int(kept.metadata.num_rows)
        except Exception:  # noqa: BLE001 - pyarrow raises ArrowInvalid (and others) for a file cut short
            pass
        if not self.rows:
            with contextlib.suppress(OSError):
                self.path.unlink()
            return 0
        if frames is not None and len(frames):
            last = int(frames[-1].as_py())
            # a frame's rows (several faces) split between two row groups: the file holds only some of them
            self._last_whole = last - 1 if waiting and waiting[0] == last else last
        return self.rows

    @property
    def last_whole_frame(self) -> int | None:
        """After a failed write, the `frame` of the last row the file keeps whose frame's rows are all there (None:
        no such row)."""
        return self._last_whole

    def close(self) -> None:
        if self._closed:
            return
        try:
            self.flush()
        finally:
            if not self._closed:  # (a failed flush closed it)
                self._closed = True
                try:
                    self._writer.close()
                except OSError as exc:  # the footer: a file without one holds no table
                    raise self._failed(exc) from None


def count_rows(path: Path, fmt: str) -> int:
    """Rows in a table file (a Parquet file without its footer, the partial of a killed run: 0)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(str(path)).metadata.num_rows)
        except Exception:  # noqa: BLE001 - pyarrow raises ArrowInvalid (and others) for a file cut short
            return 0
    with open(path, "rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)


def iter_table(path: Path, usecols: Callable[[str], bool] | None = None, chunksize: int = 20_000
               ) -> Iterator[Any]:
    """The rows of a result table (CSV or Parquet, by its suffix) as pandas DataFrames of up to `chunksize`
    rows, only the columns `usecols` accepts: memory stays flat on long videos."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(str(path))
        cols = [c for c in pf.schema_arrow.names if usecols is None or usecols(c)]
        for batch in pf.iter_batches(batch_size=chunksize, columns=cols):
            yield batch.to_pandas()
        return
    yield from pd.read_csv(path, chunksize=chunksize, usecols=usecols)


def read_table(path: Path) -> Any:
    """A whole result table as a pandas DataFrame (for tests and small files)."""
    import pandas as pd

    parts = list(iter_table(path, chunksize=100_000))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def file_digest(path: Path) -> str:
    return sha256_of(path)


# -- locations ---------------------------------------------------------------------------------------------------
def is_url(location: object) -> bool:
    """True for an fsspec URL (``proto://...``); local paths (and Windows drive letters) are not URLs."""
    if not isinstance(location, str):
        return False
    head, sep, _ = location.partition("://")
    return bool(sep) and len(head) > 1 and head.replace("+", "").replace("-", "").isalnum()


def _unmangle(location: str | Path) -> str | Path:
    """A URL that went through pathlib (``Path("s3://b/x")`` is ``s3:/b/x``) as the URL again, when its scheme is
    one fsspec knows (a one-letter scheme is a Windows drive)."""
    if isinstance(location, Path):
        text = str(location)
        head, sep, rest = text.partition(":/")
        if sep and len(head) > 1 and head.isalnum() and not rest.startswith("/"):
            try:
                from fsspec.registry import known_implementations
            except ImportError:
                return location
            if head.lower() == "file":
                return f"file:///{rest}"
            if head.lower() in known_implementations:
                return f"{head}://{rest}"
    return location


def out_location(text: str) -> str | Path:
    """The output folder a user typed (`-o`): an fsspec URL kept as its text (pathlib collapses `local:///abs` and
    `local://abs` alike into `local:/abs`: the URL cannot be told again), a ``file://`` URL or a path as the local
    Path."""
    where = localize(text)
    return where if is_url(where) else Path(where)


def localize(location: str | Path) -> str | Path:
    """A ``file://`` URL as the local path it names (written as local results are: atomically, under the claim);
    a URL mangled by pathlib as the URL; anything else unchanged."""
    location = _unmangle(location)
    if is_url(location) and str(location).lower().startswith("file://"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(str(location)).path))
    return location


def _fs(url: str, what: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{url}: {what} needs fsspec ({CLUSTER_INSTALL_HINT})") from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise InputError(f"{url}: {what} ({exc})") from None
    return fs, path


def join_url(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


@contextlib.contextmanager
def local_input(location: str | Path) -> Iterator[Path]:
    """A local path for an input: the path itself, or a temporary copy of a URL's file (or folder of frame
    images), removed afterwards. InputError when the URL cannot be read."""
    location = localize(location)
    if not is_url(location):
        yield Path(location)
        return
    url = str(location)
    fs, path = _fs(url, "cannot read")
    tmp = Path(tempfile.mkdtemp(prefix="merstudio-input-"))
    try:
        name = Path(path.rstrip("/")).name or "input"
        local = tmp / name
        try:
            if fs.isdir(path):
                fs.get(path.rstrip("/") + "/", str(local) + "/", recursive=True)
            else:
                fs.get_file(path, str(local))
        except FileNotFoundError:
            raise InputError(f"{url}: no such file") from None
        except OSError as exc:
            raise InputError(f"{url}: cannot read ({exc})") from None
        yield local
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def staging_dir(url: str) -> Path:
    """The local folder where the results for the output URL `url` are written before they are published: the
    same folder for the same URL (so the lock and the partial files of an interrupted run work as locally). Its
    parent, `staging_root`, is made here, this user's only (`own_private_folder`)."""
    key = hashlib.sha1(url.rstrip("/").encode("utf-8")).hexdigest()[:16]
    return own_private_folder(staging_root()) / key


def staging_root() -> Path:
    """The folder holding every output URL's staging folder (`staging_dir`): this user's, in TMPDIR. One for all
    users (the fixed merstudio-staging) was made 0755 by whoever ran first, and every other user's run to a URL
    failed (Permission denied); the uid in the name as in merstudio.project.lock's merstudio-locks-<uid>."""
    who = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    return Path(tempfile.gettempdir()) / f"merstudio-staging-{who}"


def own_private_folder(folder: Path) -> Path:
    """`folder` made (mode 0700) or found as this user's own private folder (merstudio.private_dirs' rule), and
    returned; OutputError (one line) when it cannot be made, or is a link, or belongs to someone else: a guessable
    name in a shared TMPDIR could be planted by another user, who would then read or replace the results staged
    there."""
    try:
        return private_dirs.own_private_folder(folder)
    except private_dirs.NotPrivate:
        raise OutputError(f"{folder}: not a folder of yours (a link, a file or another user's): not used for "
                          "staging; remove it, or set TMPDIR to a folder of your own") from None
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or exc}): set TMPDIR to a folder "
                          "of your own") from None


def remove_stale_staging(keep: Path | None = None, now: float | None = None) -> list[tuple[Path, int]]:
    """Remove the staging folders (other than `keep`) that earlier runs to output URLs left, stopped or killed,
    and nobody uses: no run holds a claim in them (the pid in each lock file is gone: its OS lock is free) and
    nothing in them changed for `merstudio.atomic.ABANDONED_AFTER` (a day; until then a rerun to that URL still
    keeps their partial rows as `.previous`). Nothing else removed them, as large as the rows done, and a TMPDIR
    cleaner could take them at any time. Returns (folder, bytes) of each one removed."""
    from merstudio.atomic import ABANDONED_AFTER
    from merstudio.locks import os_lock, pid_alive

    before = (time.time() if now is None else now) - ABANDONED_AFTER
    removed: list[tuple[Path, int]] = []
    try:
        folders = [p for p in staging_root().iterdir() if p.is_dir() and not p.is_symlink() and p != keep]
    except OSError:
        return removed
    for folder in folders:
        held: list[int] = []  # the locks taken while it goes: a run starting there now is refused, not clobbered
        try:
            files = [p for p in folder.rglob("*") if not p.is_symlink()]
            if max((p.lstat().st_mtime for p in [folder, *files]), default=0.0) >= before:
                continue
            for lock in (p for p in files if p.suffix == ".lock" and p.is_file()):
                fd = os.open(lock, os.O_RDWR)
                held.append(fd)
                got = os_lock(fd)
                if got is False or (got is None and pid_alive(_pid_in(lock))):
                    break
            else:
                size = sum(p.lstat().st_size for p in files if p.is_file())
                shutil.rmtree(folder)
                removed.append((folder, size))
        except OSError:
            continue
        finally:
            for fd in held:
                os.close(fd)
    with contextlib.suppress(OSError):
        staging_root().rmdir()  # only when empty
    return removed


def _pid_in(lock: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(lock.read_text(encoding="utf-8", errors="replace").split()[0])
    return None


def remote_exists(url: str) -> bool:
    fs, path = _fs(url, "cannot read")
    try:
        return bool(fs.exists(path))
    except OSError:
        return False


def publish(files: list[tuple[Path, str]], meta: Path, meta_url: str, run_id: str) -> None:
    """Publish a complete local result at its URLs: the remote meta becomes a `committing` record, the files (the
    table, the spots, the plots) are uploaded, the meta is written last. OutputError (one line) when the location cannot be written."""
    fs, meta_path = _fs(meta_url, "cannot write")
    record = {"status": "committing", "run_id": run_id, "files": [u for _, u in files]}
    try:
        parent = meta_path.rsplit("/", 1)[0] if "/" in meta_path else ""
        if parent:
            fs.makedirs(parent, exist_ok=True)
        fs.pipe_file(meta_path, json.dumps(record, indent=2).encode("utf-8"))
        for local, url in files:
            _, path = _fs(url, "cannot write")
            fs.put_file(str(local), path)
        fs.pipe_file(meta_path, meta.read_bytes())
    except OSError as exc:
        raise OutputError(f"{meta_url}: cannot write ({exc})") from None


def upload(local: Path, url: str) -> None:
    """One local file to `url` (a plot drawn beside a published result). OutputError (one line) when it cannot be
    written."""
    fs, path = _fs(url, "cannot write")
    try:
        fs.put_file(str(local), path)
    except OSError as exc:
        raise OutputError(f"{url}: cannot write ({exc})") from None


def upload_atomic(data: bytes, url: str) -> None:
    """`data` at `url`, whole or not at all for a reader (a batch's manifest): written beside under a temporary
    name, then moved over it (an object store's put is whole already; a local or SFTP file is renamed).
    OutputError (one line) when it cannot be written."""
    import os

    fs, path = _fs(url, "cannot write")
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        if parent:
            fs.makedirs(parent, exist_ok=True)
        fs.pipe_file(tmp, data)
        fs.mv(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            fs.rm_file(tmp)
        raise OutputError(f"{url}: cannot write ({exc})") from None


def remote_size(url: str) -> int:
    """The size of the file at `url`; OSError (FileNotFoundError) when there is none or it cannot be read."""
    fs, path = _fs(url, "cannot read")
    return int(fs.size(path))


def remote_names(url: str, suffix: str) -> list[str]:
    """The names of the files in the folder `url` that end in `suffix`, sorted (none: a folder not there)."""
    fs, path = _fs(url, "cannot read")
    try:
        listed = fs.ls(path.rstrip("/"), detail=False)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(n for n in (str(e).rstrip("/").rsplit("/", 1)[-1] for e in listed) if n.endswith(suffix))


def download(url: str, local: Path) -> bool:
    """The file at `url` into `local`; False when there is none. InputError (one line) when it cannot be read."""
    fs, path = _fs(url, "cannot read")
    try:
        fs.get_file(path, str(local))
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(f"{url}: cannot read ({exc})") from None
    return True
