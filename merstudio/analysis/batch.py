"""Batch analysis of an archive: many videos -> one result set each plus `<out>/manifest.csv`, resumable.

Inputs (`find_inputs`): video files and images as given; a folder that holds images is one input as today (a frame
folder, or a set of photos of different sizes: one input per photo, `merstudio.io.photo_set`), and each video beside
its images is an input of its own (`folder_videos`: given directly or met in a tree alike); any other folder is
searched recursively for videos and frame folders (hidden entries, symbolic links to folders and the output folder
are skipped; a frame folder is a leaf: its subfolders are not searched); a list file (`--list`) names one path per
line (`#` starts a comment; relative paths are relative to the list file).

The manifest has one row per input (`MANIFEST_COLUMNS`): the input's absolute path, a content hash
(`content_hash`: size + SHA-256 of the whole input up to 16 MiB, a file or a frame folder's images, with no
modification times, so a copied archive keeps its hashes; a larger input adds its modification times to sampled
blocks, so an edit in its middle is seen; a row of the older rule, first and last MiB only, still counts for the
input it matches, `same_input`),
status (`done`, `failed`, `partial`: stopped by a cancel or Ctrl-C, `running`: handed to a worker when the manifest
was written, so a batch that was killed shows what was in flight), frames, fps, duration (s), device, error (one
line), output (the result's name in the output folder) and seconds. The caller's process is its only writer; it
rewrites it atomically (`merstudio.atomic.write_text_atomic`) when a video starts and when it ends (a manifest so
large that writing it would take more than `WRITE_SHARE` of the time is written at most that often, and always at
the end), and holds `<out>/manifest.lock` for the whole run, so two batches never interleave their rows.

A rerun reads the manifest (`plan_batch`): an input whose row is `done` with the same hash and whose meta file is
there, made with the run's settings (`settings_changes`), is skipped (other settings: it runs again); a `failed` one with the same hash is skipped and reported unless `retry_failed`; everything else
runs again (a changed file replaces its earlier result). A video keeps its output name from run to run. Each video
is one task of `merstudio.execution` (in-process, local processes or Ray); a video's result files are committed by
`analyze_file` (rows go to `<name>.partial.csv`, renamed over `<name>.csv` at the end), so a killed worker leaves no
half-written final file and its retry (Ray: `max_retries`; local processes: a new worker) rewrites the video from
its first frame.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import inspect
import io
import os
import re
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from merstudio import execution, interrupts
from merstudio.analysis.files import (
    HASH_CHUNK,  # noqa: F401 - re-exported: bytes hashed at each end of a file
    MANIFEST_NAME,
    SEGMENTS_DIR,
    WORKING_FORMS,
    AnalysisOutput,
    MetaFiles,
    OutputLost,
    analyze_file,
    content_hash,
    existing_results,
    finish_commit,
    folder_file_name,
    folder_file_note,
    legacy_content_hash,
    lost_output,
    moved_result,
    output_names,
    output_paths,
    publish_with_plots,
    result_status,
    results_of_inputs,
    same_input,
)
from merstudio.analysis.outputs import is_url, join_url, localize, staging_dir, upload_atomic
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.atomic import ClaimedElsewhere, FileClaim, ensure_dir, write_text_atomic
from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.execution import Backend, Cancelled, WorkerLost
from merstudio.io import (
    IMAGE_EXTENSIONS,
    VIDEO_EXTENSIONS,
    SourceWarning,
    folder_fps,
    natural_sort_key,
    photo_set,
)
from merstudio.textfile import shown_name

MANIFEST = f"{MANIFEST_NAME}.csv"  # no result is named so (files.folder_file_name)
MANIFEST_COLUMNS = ("video", "hash", "status", "frames", "fps", "duration", "device", "error", "output",
                    "seconds")
STATUSES = ("done", "failed", "partial", "running")
WRITE_SHARE = 0.1  # manifest writes take at most this share of the batch's time (they are put off otherwise)
SMALL_WRITE_S = 0.05  # ... unless one takes less than this: then every change is written (a killed run's in flight)
PROGRESS_SECONDS = 0.5  # a running video reports its frames this often
DEFAULT_RETRIES = 2  # runs of a video again after its worker process died


# ------------------------------------------------------------------------------------------ inputs


def read_list(path: Path) -> list[Path]:
    """The paths named in a list file: one per line, `#` comments and blank lines ignored; relative paths are
    relative to the list file's folder. Any text encoding (`merstudio.textfile.decode_table`: UTF-8 with or
    without a byte-order mark, UTF-16, Windows-1252 said in a warning; GBK and the like refused in one line)."""
    from merstudio.textfile import decode_table

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the list ({exc.strerror or exc})") from None
    text = decode_table(Path(path), data)  # the one text decoder: a BOM, UTF-16 (Notepad's "Unicode"), ANSI
    out: list[Path] = []
    for line in text.splitlines():
        # a comment starts a line or follows a space: take#2.mp4 is a file name
        entry = "" if line.lstrip().startswith("#") else re.split(r"\s#", line, maxsplit=1)[0].strip()
        if not entry:
            continue
        p = Path(entry).expanduser()
        out.append(p if p.is_absolute() else Path(path).parent / p)
    return out


def odd_name(shown: str) -> str:
    """Why an input whose name's bytes are no UTF-8 (an old Windows zip's b'Gespr\\xe4ch.mp4'; ``shown``: its path
    as `shown_name` writes it) is one failed row: its results would be named by bytes that are no text either."""
    return (f"{shown}: its name is not UTF-8 text (the bytes shown as \\xNN): rename it with UTF-8 characters "
            "(e.g. convmv -f latin1 -t utf8), then run again")


def frames_fps(path: Path | str, fps: float | None) -> float | None:
    """The `--fps` that applies to `path` (`merstudio.io.folder_fps`): the rate of a frame folder, an image or a
    video without frame timestamps (a raw `.h264` or `.mjpeg` stream); a video with them keeps its own timing
    (None). None when no `--fps` was given (each source's own default). A video file is opened to tell once per
    version of it in the process: the plan's rerun check (`settings_changes`) and the run share what it found."""
    return None if fps is None else folder_fps(path, fps)


def _has_images(folder: Path) -> bool:
    try:
        with os.scandir(folder) as it:
            return any(e.name[:1] != "." and Path(e.name).suffix.lower() in IMAGE_EXTENSIONS and e.is_file()
                       for e in it)
    except OSError:
        return False


def is_tree(path: Path) -> bool:
    """A folder searched recursively (it holds no images itself), as opposed to a frame or photo folder."""
    return Path(path).is_dir() and not _has_images(Path(path))


def _clip_or_photos(folder: Path) -> list[Path]:
    photos = photo_set(folder)
    return list(photos) if photos is not None else [folder]


def folder_videos(folder: Path) -> list[Path]:
    """The video files directly in `folder` (natural order, hidden ones skipped). Beside a folder's images (a frame
    or photo folder) each is an input of its own, whether the folder is met in a tree or given directly."""
    try:
        with os.scandir(folder) as it:
            found = [Path(e.path) for e in it
                     if e.name[:1] != "." and Path(e.name).suffix.lower() in VIDEO_EXTENSIONS and e.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda q: natural_sort_key(q.name))


def is_mixed(path: Path) -> bool:
    """A folder that holds images (a frame or photo folder) and videos beside them: given directly, it is a batch
    of its clip (or photos) and each video, as a tree search finds it (docs/batch.md)."""
    return Path(path).is_dir() and _has_images(Path(path)) and bool(folder_videos(Path(path)))


def _leaf_inputs(folder: Path) -> list[Path]:
    # a folder that holds images: its clip (or photos), then its videos (a leaf: its subfolders are not searched)
    return _clip_or_photos(folder) + folder_videos(folder)


def results_folder(folder: Path) -> bool:
    """True when `folder` holds merstudio results: a batch manifest (`manifest.csv` with its columns) or a
    result's meta file (`<name>.meta.json` written by merstudio). Such a folder (its plots are images) is never an
    input of a tree walk."""
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if e.is_file()]
    except OSError:
        return False
    if MANIFEST in names:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            with open(Path(folder) / MANIFEST, encoding="utf-8") as fh:
                if fh.readline().startswith(",".join(MANIFEST_COLUMNS[:3])):
                    return True
    import json

    for name in (n for n in names if n.endswith(".meta.json")):
        with contextlib.suppress(OSError, ValueError):
            meta = json.loads((Path(folder) / name).read_text(encoding="utf-8"))
            if isinstance(meta, dict) and ("merstudio" in meta or "analysis_revision" in meta):
                return True
    return False


def _walk(folder: Path, skip: set[Path], results: list[Path] | None = None) -> Iterator[Path]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: natural_sort_key(e.name))
    except OSError as exc:
        raise InputError(f"{folder}: cannot list folder ({exc.strerror})") from None
    subdirs = []
    for e in entries:
        if e.name.startswith("."):
            continue
        p = Path(e.path)
        if e.is_dir(follow_symlinks=False):
            if p.resolve() not in skip:
                subdirs.append(p)
        elif e.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS:
            yield p
    for d in subdirs:
        if results_folder(d):  # an earlier run's output folder (its plots are images, not frames)
            if results is not None:
                results.append(d)
            continue
        if _has_images(d):
            yield from _leaf_inputs(d)
        else:
            yield from _walk(d, skip, results)


def find_inputs(paths: Iterable[Path], list_file: Path | None = None, skip: Iterable[Path] = (),
                on_duplicate: Callable[[Path, Path], None] | None = None,
                on_results: Callable[[list[Path]], None] | None = None,
                on_mixed: Callable[[Path, list[Path], list[Path]], None] | None = None) -> list[Path]:
    """The inputs of a batch (module docstring): files as given, frame/photo folders by today's rules (with the
    videos beside their images: `on_mixed(folder, clip_or_photos, videos)` hears of each such folder named
    directly or listed, so that the run can say what it takes from it), other folders searched recursively, then
    the entries of `list_file`. Paths that do not exist are kept (the batch records them as failed); each input
    appears once (`on_duplicate(path, first)` hears of each later name of an input already found: a link, or the
    same file listed twice). `skip`: folders never searched (the output folder). Folders of merstudio results met
    in a search (`results_folder`: an earlier run's output folder, its plots would pass for frames) are skipped,
    and `on_results` hears of them all at once."""
    skipped = {Path(p).resolve() for p in skip}
    found: list[Path] = []
    results: list[Path] = []
    entries = [Path(p) for p in paths] + (read_list(list_file) if list_file is not None else [])
    for p in entries:
        if p.is_dir():
            if _has_images(p):
                images, videos = _clip_or_photos(p), folder_videos(p)
                if videos and on_mixed is not None:
                    on_mixed(p, images, videos)
                found.extend(images + videos)
            else:
                found.extend(_walk(p, skipped, results))
        else:
            found.append(p)
    if results and on_results is not None:
        on_results(results)
    seen: dict[str, Path] = {}
    out = []
    for p in found:
        key = str(p.resolve())
        if key not in seen:
            seen[key] = p
            out.append(p)
        elif on_duplicate is not None and p != seen[key]:
            on_duplicate(p, seen[key])
    return out


# ------------------------------------------------------------------------------------------ content hash


# ------------------------------------------------------------------------------------------ manifest


@dataclass
class ManifestRow:
    video: str
    hash: str = ""
    status: str = "running"
    frames: int | None = None
    fps: float | None = None
    duration: float | None = None
    device: str = ""
    error: str = ""
    output: str = ""
    seconds: float | None = None

    def as_csv(self) -> list[str]:
        def num(v: float | None, digits: int = 3) -> str:
            return "" if v is None else (str(v) if isinstance(v, int) else f"{round(v, digits):g}")

        return [self.video, self.hash, self.status, num(self.frames), num(self.fps), num(self.duration),
                self.device, self.error, self.output, num(self.seconds, 2)]


def _read_manifest(where: Path | str) -> str:
    """A manifest's text, from a path or a URL (FileNotFoundError: none there)."""
    if isinstance(where, Path):
        return where.read_text(encoding="utf-8")
    from merstudio.analysis.outputs import remote_exists

    if not remote_exists(where):
        raise FileNotFoundError(where)
    from merstudio.analysis.outputs import local_input

    with local_input(where) as local:
        return local.read_text(encoding="utf-8")


def _num(text: str | None, kind: type) -> Any:
    if text is None or text == "":
        return None
    try:
        return kind(float(text)) if kind is int else kind(text)
    except ValueError:
        return None


class Manifest:
    """`<out>/manifest.csv`: rows keyed by the input's absolute path, in the order they were first added."""

    def __init__(self, path: Path, rows: dict[str, ManifestRow] | None = None, url: str | None = None) -> None:
        self.path = Path(path)
        self.url = url  # a batch into an output URL: the manifest lives there, beside the results (`path`: unused)
        self.rows: dict[str, ManifestRow] = rows or {}
        self.dirty = False  # changed since the last write (a write that `save` put off)
        self._next_write = 0.0  # monotonic time before which `save` puts writes off
        self._took = 0.0  # seconds the last write took

    @staticmethod
    def key(video: Path) -> str:
        # normalised, so that lists/../clips/a.mp4 and clips/a.mp4 are one input (and one row) across runs; a name
        # whose bytes are no UTF-8 as `\xe4` (shown_name): the text the manifest holds and reads back
        return shown_name(os.path.normpath(Path(video).expanduser().absolute()))

    @property
    def where(self) -> str:
        """Where the manifest is, for messages: its URL or its path."""
        return join_url(self.url, MANIFEST) if self.url is not None else str(self.path)

    @classmethod
    def read(cls, out_dir: Path, url: str | None = None) -> Manifest:
        """The manifest in `out_dir`, or at the output URL `url` (`out_dir`: its staging folder), empty when there
        is none; a file that is not one is a one-line InputError."""
        path = Path(out_dir) / MANIFEST
        where: Path | str = path if url is None else join_url(url, MANIFEST)
        try:
            text = _read_manifest(where)
        except FileNotFoundError:
            return cls(path, url=url)
        except (OSError, UnicodeDecodeError, InputError) as exc:
            raise InputError(f"{where}: cannot read the manifest ({getattr(exc, 'strerror', None) or exc})") from None
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or not {"video", "status", "hash"} <= set(reader.fieldnames):
            raise InputError(f"{where}: not a merstudio batch manifest (no video, hash and status columns); move "
                             "it away or choose another output folder")
        rows: dict[str, ManifestRow] = {}
        for r in reader:
            if not r.get("video"):
                continue
            rows[r["video"]] = ManifestRow(
                r["video"], r.get("hash") or "", r.get("status") or "", _num(r.get("frames"), int),
                _num(r.get("fps"), float), _num(r.get("duration"), float), r.get("device") or "",
                r.get("error") or "", r.get("output") or "", _num(r.get("seconds"), float))
        return cls(path, rows, url)

    def text(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(MANIFEST_COLUMNS)
        for row in self.rows.values():
            w.writerow([shown_name(c) for c in row.as_csv()])  # an output or error naming such a file too
        return buf.getvalue()

    def write(self) -> None:
        started = time.monotonic()
        if self.url is not None:
            upload_atomic(self.text().encode("utf-8"), join_url(self.url, MANIFEST))
        else:
            write_text_atomic(self.path, self.text())
        took = self._took = time.monotonic() - started
        self.dirty = False
        self._next_write = time.monotonic() + took * (1 - WRITE_SHARE) / WRITE_SHARE

    def save(self, force: bool = False) -> None:
        """Write the manifest now, unless writes would take more than WRITE_SHARE of the time (a manifest of many
        thousand rows): then at the next `save` after a pause, or the next `save(force=True)`. A small manifest
        (milliseconds per write) is written at every call."""
        self.dirty = True
        if force or self._took < SMALL_WRITE_S or time.monotonic() >= self._next_write:
            self.write()

    def flush(self) -> None:
        """Write a change that `save` put off, once its pause is over."""
        if self.dirty and time.monotonic() >= self._next_write:
            self.write()

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for r in self.rows.values():
            out[r.status] = out.get(r.status, 0) + 1
        return out


# ------------------------------------------------------------------------------------------ planning


@dataclass
class BatchItem:
    input: Path
    name: str
    hash: str = ""
    overwrite: bool = False
    error: str | None = None  # known before running (a missing input, an unreadable file): recorded as failed


@dataclass
class BatchPlan:
    out: Path
    items: list[BatchItem]  # to run
    done: list[ManifestRow] = field(default_factory=list)  # skipped: finished with the same content
    failed: list[ManifestRow] = field(default_factory=list)  # skipped: failed before (rerun with retry_failed)
    manifest: Manifest | None = None  # None: a plain run (no manifest, nothing skipped)
    # finished before with the same content but other settings: analysed again (input's manifest key -> what
    # changed, e.g. ["--landmarks", "--format"])
    changed: dict[str, list[str]] = field(default_factory=dict)
    # earlier results of the same inputs (same content, same settings) taken into the manifest as done: single
    # runs into this folder, or a commit a stopped run left (`adoptable`)
    adopted: list[ManifestRow] = field(default_factory=list)
    # inputs found at another path than their finished row's, whose old path is gone (the archive moved or was
    # remounted): (old key, new key); their rows and results are kept
    moved: list[tuple[str, str]] = field(default_factory=list)
    # finished, up-to-date results (skipped or adopted; in a plain run, not refused) whose plots `--plot` asks for:
    # drawn from the result's files (`files.stored_result`), not analysed again
    replot: list[BatchItem] = field(default_factory=list)
    # an output URL: the results (and the manifest) are published there; `out` is then its local staging folder
    # (the runs' partial files and the batch's lock)
    url: str | None = None

    @property
    def target(self) -> Path | str:
        """Where the results go: the URL, or the folder."""
        return self.url if self.url is not None else self.out

    def changes(self) -> list[str]:
        """What changed since the inputs of `changed` were analysed, each named once, in order of appearance."""
        return list(dict.fromkeys(c for cs in self.changed.values() for c in cs))

    def changed_text(self, units: str = "") -> str:
        """The one line that says how many were analysed again for other settings, and which ("" when none)."""
        if not self.changed:
            return ""
        return (f"{len(self.changed)} {units + ' ' if units else ''}finished before with other settings, analysed "
                f"again: settings changed: {', '.join(self.changes())}")

    @property
    def total(self) -> int:
        return len(self.items) + len(self.done) + len(self.failed)


def _paths(out: Path, name: str, fmt: str = "csv") -> Any:
    """`output_paths` for the table format (`fmt` arrives with parquet output in files.py)."""
    if fmt == "csv":
        return output_paths(out, name)
    return output_paths(out, name, fmt)  # type: ignore[call-arg, unused-ignore]


def _result_there(out: Path, name: str, metas: MetaFiles | None = None) -> bool:
    """A committed result whose meta describes the files beside it (not a commit record a killed run left)."""
    return result_status(out, name, metas=metas) == "complete"


# AnalysisSettings fields -> the `merstudio analyze` option that sets them (a change names the option)
SETTING_FLAGS = {"flow": "--flow", "max_faces": "--max-faces", "landmarks": "--landmarks",
                 "checkpoint": "--checkpoint", "occlusion": "--no-cover-checks", "turn": "--rotate",
                 "model_gate": "--no-model-gate", "motion_lag_s": "motion_lag_s", "keyframe_s": "keyframe_s"}


def _setting_value(name: str, value: Any) -> Any:
    if name == "checkpoint" and value not in (None, ""):
        return os.path.normpath(Path(str(value)).expanduser().absolute())
    return value


def _effective(name: str, value: Any, meta: dict[str, Any]) -> Any:
    """A setting as the run that made the result `meta` describes used it: --max-faces left out (None) is the
    limit for its input (4 in a video, 16 in a photo: `face_limit`), so a result an older merstudio made with its
    default written out (4) is not "--max-faces changed" for today's default (None) on the same video."""
    if name == "max_faces" and value is None:
        from merstudio.analysis.pipeline import face_limit

        try:
            count = int(meta.get("frame_count") or meta.get("frames_processed") or 0)
        except (TypeError, ValueError):
            count = 0
        if count > 0:  # unknown: compared as recorded
            return face_limit(AnalysisSettings(max_faces=None), count)
    return _setting_value(name, value)


REVISION_CHANGE = "analysis revision"  # how settings_changes names a result of an older analysis revision


def _own_result_changes(out: Path, name: str, source: Path, digest: str, settings: AnalysisSettings | None, *,
                        fmt: str, fps: float | None, metas: MetaFiles) -> list[str] | None:
    """What differs (`settings_changes`) between a run of `source` now and the finished result `name` in `out`
    when that result is this input's (its meta records this content, wherever the input was then: a folder
    copied or moved with its video); None when it is not one (another input's, an older merstudio's without a
    content hash, not finished) or there is nothing to compare with (`settings` None)."""
    if settings is None or not digest or not _result_there(Path(out), name, metas):
        return None
    meta = metas.get(output_paths(Path(out), name).meta)
    if meta is None or not same_input(meta.get("input_hash"), Path(source), digest):
        return None
    return settings_changes(Path(out), name, Path(source), settings, fmt=fmt, fps=fps, metas=metas)


def _only_revision(changes: list[str] | None) -> bool:
    """The changes are only the analysis revision: the result is this run's, made by an older merstudio (analysed
    again by a batch, as a manifest's row of an older revision is); other options were the user's choice."""
    return bool(changes) and all(c.startswith(REVISION_CHANGE) for c in changes or [])


def _exists_text(where: Path | str, changes: list[str] | None) -> str:
    """The refusal of an existing result, with what makes it not this run's where that is known."""
    if not changes:
        return f"{where}: already exists (use --overwrite to replace it)"
    made = "by an older merstudio" if _only_revision(changes) else "with other settings"
    return (f"{where}: already exists, a result of this input made {made} ({', '.join(changes)}); use --overwrite "
            "to analyse it again")


def _digest_of(path: Path | str) -> str | None:
    """The sha256 of a checkpoint file (None: unreadable: the run that loads it says why), read once per file
    version in a plan of many inputs."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _digest_cached(os.path.abspath(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _digest_cached(path: str, size: int, mtime_ns: int) -> str | None:
    from merstudio.analysis.outputs import file_digest

    try:
        return file_digest(Path(path))
    except OSError:
        return None


def _untimed(meta: dict[str, Any]) -> bool:
    """Whether the result `meta` describes was made from a video without frame timestamps (a raw stream: timed at
    `--fps` or its own rate): its `seek_trouble` (a `merstudio.io.frames.SeekTrouble` value) where it records one,
    else the reader's warning line that says so (the one place that reads a warning's wording)."""
    from merstudio.io.frames import SeekTrouble

    if "seek_trouble" in meta:
        return meta["seek_trouble"] == SeekTrouble.NO_TIMESTAMPS.value
    return any(": the video has no frame timestamps;" in str(w) for w in meta.get("warnings") or [])


def settings_changes(out: Path, name: str, source: Path, settings: AnalysisSettings, *, fmt: str = "csv",
                     fps: float | None = None, metas: MetaFiles | None = None) -> list[str]:
    """What differs between the finished result `name` in `out` (its meta file) and a run of `source` with these
    settings: the options (`--landmarks`, `--format`, `--fps`) or `analysis revision` (an older merstudio's
    values). Empty: the result is what this run would write. Its plots are no part of it (missing ones are drawn
    from the result: the plan's `replot`). `device` is not compared (the same values on any device). `metas`: the
    plan's meta files (each read once)."""
    from dataclasses import asdict

    from merstudio.analysis.pipeline import ANALYSIS_REVISION

    meta = (metas if metas is not None else MetaFiles(out)).get(output_paths(Path(out), name).meta)
    if meta is None:
        return []
    changes = []
    if (had_revision := meta.get("analysis_revision")) != ANALYSIS_REVISION:
        # results of merstudio before revisions were recorded have none: not "None"
        changes.append(f"{REVISION_CHANGE} {'not recorded' if had_revision is None else had_revision} -> "
                       f"{ANALYSIS_REVISION}")
    raw = meta.get("settings")
    recorded: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for key, value in asdict(settings).items():
        if key not in SETTING_FLAGS:  # device is none of them: the same values on any device
            continue
        if key in recorded and _effective(key, recorded[key], meta) != _effective(key, value, meta):
            changes.append(SETTING_FLAGS[key])
    had = meta.get("checkpoint_sha256")  # results of merstudio before 2026-12-05 record none: not compared
    if settings.checkpoint and had and "--checkpoint" not in changes:
        now = _digest_of(settings.checkpoint)
        if now != had:  # None: gone or unreadable now (the run that loads it says which)
            changes.append("--checkpoint (its file changed: a retrained model)" if now else
                           "--checkpoint (its file cannot be read now)")
    if str(meta.get("format") or "csv") != fmt:
        changes.append("--format")
    # --fps or the own rate of frames without times; a timed video: None. A video is opened to tell only where --fps
    # is given or its result says its frames had no times (a rerun of 10,000 videos need not open each one)
    untimed = _untimed(meta)
    video = Path(source).is_file() and Path(source).suffix.lower() not in IMAGE_EXTENSIONS
    rate = folder_fps(source, fps) if (fps is not None or untimed or not video) else None
    if rate is not None:
        with contextlib.suppress(TypeError, ValueError):
            had = meta.get("fps")
            if had is not None and abs(float(had) - float(rate)) > 1e-6:
                changes.append("--fps")
    return changes


def _plots_there(out: Path, name: str, meta: dict[str, Any], metas: MetaFiles | None = None) -> bool:
    """The AU plots `--plot` draws for the result `name` (none for a result without faces) are there (at the
    output URL of `metas`, when it has one)."""
    raw = meta.get("faces")
    faces: list[Any] = raw if isinstance(raw, list) else []
    pngs = [out / f"{name}.png"] if len(faces) == 1 else [out / f"{name}_face{fid}.png" for fid in faces]
    return all(_there(p, metas) for p in pngs)


def _there(path: Path, metas: MetaFiles | None) -> bool:
    """A file of the output folder is there (published at its URL, for a URL output's `metas`)."""
    if metas is None or metas.url is None:
        return path.is_file()
    try:
        metas.size(path)
    except OSError:
        return False
    return True


def _output(out: Path | str) -> tuple[Path, str | None]:
    """The local folder a plan reads and the output URL (None: a local folder): for a URL (kept as text: pathlib
    would collapse local:///abs into local:/abs) its staging folder."""
    where = localize(out)
    if is_url(where):
        return staging_dir(str(where)), str(where)
    return Path(where), None


def adoptable(out: Path, name: str, source: Path, digest: str, settings: AnalysisSettings | None, *,
              fmt: str = "csv", fps: float | None = None, metas: MetaFiles | None = None) -> dict[str, Any] | None:
    """The meta of the finished result `name` in `out` when a batch may take it as the result of `source` without
    analysing it again: complete, its meta records this input (the same resolved path and the same content hash,
    `content_hash`) and this run's settings (`settings_changes` finds nothing). None otherwise (also without
    `settings`, or for a result of an older merstudio that recorded no content hash). `metas`: the plan's meta
    files (each read once)."""
    metas = metas if metas is not None else MetaFiles(out)
    if settings is None or not digest or not _result_there(Path(out), name, metas):
        return None
    meta = metas.get(output_paths(Path(out), name).meta)
    if meta is None:
        return None
    # this input's: its content, wherever the input was when analysed (a folder copied or moved with its video)
    where = meta.get("input_path") or meta.get("input")
    same = bool(where) and same_input(meta.get("input_hash"), Path(source), digest)
    if not same or settings_changes(Path(out), name, Path(source), settings, fmt=fmt, fps=fps, metas=metas):
        return None
    return meta


def _adopt(row: ManifestRow, meta: dict[str, Any], digest: str, name: str) -> ManifestRow:
    """`row` (the input's manifest row) made `done` from an adopted result's meta."""
    row.hash, row.status, row.error, row.output = digest, "done", "", name
    row.frames = _num(str(meta.get("frames_processed", "")), int)
    row.fps = _num(str(meta.get("fps", "")), float)
    count = _num(str(meta.get("frame_count", "")), int)
    row.duration = count / row.fps if row.fps and count is not None else None
    row.device = str(meta.get("device") or "")
    row.seconds = _num(str(meta.get("seconds", "")), float)
    return row


def _legacy_found(path: Path, gone: dict[str, list[str]]) -> str | None:
    """The key of `gone` (hashes of rows whose input is no longer where it was) that names `path` by the legacy
    rule (`legacy_content_hash`: a manifest written before the rule changed), if any."""
    if not any(gone.values()):
        return None
    try:
        old = legacy_content_hash(path)
    except OSError:
        return None
    return old if gone.get(old) else None


def _common_tail(a: str, b: str) -> int:
    """How many trailing path parts (the file name, its folders) two paths share."""
    pa, pb = Path(a).parts, Path(b).parts
    n = 0
    while n < min(len(pa), len(pb)) and pa[-1 - n] == pb[-1 - n]:
        n += 1
    return n


def plan_batch(inputs: Sequence[Path], out: Path | str, *, retry_failed: bool = False, overwrite: bool = False,
               manifest: Manifest | None = None, hash_fn: Callable[[Path], str] = content_hash,
               fmt: str = "csv", settings: AnalysisSettings | None = None, fps: float | None = None,
               plot: bool = False, notice: Callable[[str], None] | None = None) -> BatchPlan:
    """What a batch run does with each input, given the manifest in `out` (module docstring). A commit a stopped
    run left for an input's result is finished first (`files.finish_commit`: `notice` hears of it), so the result
    counts as there. Inputs that must run and are new to the manifest get names by `output_names` (never one that
    another row owns; the name of the input's own earlier result in `out` when there is one); an earlier result of
    such a name is taken into the manifest as done when it is this input's, of the same content and made with
    these settings (`adoptable`: the plan's `adopted`), else refused unless `overwrite` (OutputError, before
    anything runs). A row that is not `done` (a batch killed while its result committed) whose result is so is
    adopted the same way. With `settings`, a finished input whose result was made with other settings
    (`settings_changes`: the options, `fmt`, `fps` of a frame folder, an older analysis revision) runs again and
    is named in `changed`; with `plot`, a finished result whose plots are missing is skipped or adopted all the
    same and goes to `replot` (its plots are drawn from it). Each meta file in `out` is read once (`MetaFiles`).
    `out` may be an output URL: its manifest and results are read there (`plan.url`; `plan.out`: its staging
    folder)."""
    local, url = _output(out)
    manifest = manifest if manifest is not None else Manifest.read(local, url)
    owned = {r.output: k for k, r in manifest.rows.items() if r.output}
    plan = BatchPlan(local, [], manifest=manifest, url=url)
    metas = MetaFiles(plan.out, url)

    def current(item: BatchItem) -> None:
        """`item`'s result is skipped or adopted: with `plot`, its missing plots are drawn from it."""
        meta = metas.get(output_paths(plan.out, item.name).meta) or {}
        if plot and not _plots_there(plan.out, item.name, meta, metas):
            plan.replot.append(item)
    new: list[BatchItem] = []
    listed = {Manifest.key(p) for p in inputs}
    # rows whose input is no longer where it was (done, failed or stopped): an input of the same content is that
    # input, moved; of several with that content (copies), the one that kept its file name and folders
    gone: dict[str, list[str]] = {}
    for was, r in manifest.rows.items():
        if r.hash and r.output and was not in listed and not os.path.exists(was):
            gone.setdefault(r.hash, []).append(was)
    for p in inputs:
        key = Manifest.key(p)
        row = manifest.rows.get(key)
        try:
            digest = hash_fn(p)
            error = None
        except FileNotFoundError:
            digest, error = "", f"{p}: no such file or folder"
        except OSError as exc:
            digest, error = "", f"{p}: cannot read ({exc.strerror or exc})"
        if error is None and shown_name(str(p)) != str(p):
            error = odd_name(key)  # one failed row, the rest of the batch runs (it stopped at the manifest's write)
        found = None
        if row is None and error is None:
            found = digest if gone.get(digest) else _legacy_found(Path(p), gone)
        named = key  # the path the row's stored text names its input by
        if found:
            old = named = max(gone[found], key=lambda was: _common_tail(was, key))
            gone[found].remove(old)
            row = manifest.rows.pop(old)
            row.video = key
            manifest.rows[key] = row
            owned[row.output] = key
            plan.moved.append((old, key))
            manifest.dirty = True
        if row is not None and row.error:
            # a failed row's text names the input as this run does: where it is now (moved), and whole where the run
            # that failed named it relative to its own folder ('archive/broken1.mp4' said from another folder).
            # Written with the manifest's next change (a moved row's is one), never for this alone.
            row.error = _error_naming(row.error, named, key)
        if row is not None and row.output and folder_file_name(row.output):
            # an earlier merstudio named the result like the folder's own files (a spotting run's report then
            # replaced its rows): analysed again under a name of today's rule, its old files left as they are
            if notice is not None:
                notice(f"{p}: its result {row.output} in {plan.out} was named like the folder's own files (an "
                       "earlier merstudio's name): analysed again under another name")
            owned.pop(row.output, None)
            row.output, row.status = "", "partial"
            manifest.dirty = True
        if row is not None and row.output and plan.out.is_dir():
            finish_commit(_paths(plan.out, row.output, fmt), notice, metas)
        same = row is not None and error is None and same_input(row.hash, Path(p), digest)
        if same and row is not None and row.hash != digest:  # recorded by the legacy rule: today's from now on
            row.hash = digest
            manifest.dirty = True
        if same and row is not None and not overwrite:
            if row.status == "done" and _result_there(plan.out, row.output, metas):
                changes = ([] if settings is None else
                           settings_changes(plan.out, row.output, Path(p), settings, fmt=fmt, fps=fps, metas=metas))
                if not changes:
                    plan.done.append(row)
                    current(BatchItem(Path(p), row.output, digest))
                    continue
                plan.changed[key] = changes
            elif row.status in ("running", "partial") and row.output:
                meta = adoptable(plan.out, row.output, Path(p), digest, settings, fmt=fmt, fps=fps, metas=metas)
                if meta is not None:
                    plan.adopted.append(_adopt(row, meta, digest, row.output))
                    plan.done.append(row)
                    current(BatchItem(Path(p), row.output, digest))
                    manifest.dirty = True
                    continue
            if row.status == "failed" and not retry_failed:
                plan.failed.append(row)
                continue
        if row is not None and row.output:
            # its own earlier result (this input's row names it): a changed file or a rerun replaces it
            plan.items.append(BatchItem(Path(p), row.output, digest, True, error))
        else:
            item = BatchItem(Path(p), "", digest, overwrite, error)
            plan.items.append(item)
            new.append(item)
    if new:
        names = _own_names([i.input for i in new], output_names([i.input for i in new], plan.out, metas), plan.out,
                           notice, metas)
        for item, name in zip(new, names, strict=True):
            cand, k = name, 1
            while _owned_by_other(owned, cand, Manifest.key(item.input)):
                k += 1
                cand = f"{name}_{k}"
            owned[cand] = Manifest.key(item.input)
            item.name = cand
            _say_folder_file(item.input, cand, notice)
        for item in new:
            if plan.out.is_dir():
                finish_commit(_paths(plan.out, item.name, fmt), notice, metas)
            meta = None if overwrite or item.error is not None else adoptable(
                plan.out, item.name, item.input, item.hash, settings, fmt=fmt, fps=fps, metas=metas)
            if meta is not None:
                _say_moved(plan.out, item, metas, notice)
                key = Manifest.key(item.input)
                row = manifest.rows.setdefault(key, ManifestRow(key))
                plan.adopted.append(_adopt(row, meta, item.hash, item.name))
                plan.done.append(row)
                current(item)
                plan.items.remove(item)
                manifest.dirty = True
                continue
            if not overwrite:
                paths = _paths(plan.out, item.name, fmt)
                if url is None:  # a file of its name that is no result (a coder's table) is refused as such; with
                    # --overwrite its run refuses it (files.claim_result), after `spotting` names its ground truth
                    existing_results(paths, overwrite=True)
                existing = [q for q in (paths.csv, paths.spots) if _there(q, metas)]
                if existing:
                    stale = None if item.error is not None else _own_result_changes(
                        plan.out, item.name, item.input, item.hash, settings, fmt=fmt, fps=fps, metas=metas)
                    if stale and _only_revision(stale):
                        # this input's result, made by an older merstudio: analysed again, as a manifest's row of
                        # an older revision is (its files replaced only once the new ones are complete)
                        _say_moved(plan.out, item, metas, notice)
                        item.overwrite = True
                        plan.changed[Manifest.key(item.input)] = stale
                        continue
                    where = existing[0] if url is None else join_url(url, existing[0].name)
                    raise OutputError(_exists_text(where, stale))
    return plan


def _say_moved(out: Path, item: BatchItem, metas: MetaFiles, notice: Callable[[str], None] | None) -> None:
    """Tell of a result taken as `item`'s though its meta names another path (the same content: the folder was
    copied or moved with its video)."""
    if notice is not None and (was := moved_result(out, item.name, item.input, metas)) is not None:
        notice(f"{item.input}: the result {item.name} in {out} was made from {was}, of the same content (copied or "
               "moved since): taken as this input's")


def _say_folder_file(source: Path, name: str, notice: Callable[[str], None] | None) -> None:
    """Tell why an input named like the output folder's own files (`manifest.mp4`) has its result name."""
    if notice is not None and (note := folder_file_note(source, name)) is not None:
        notice(note)


def _own_names(inputs: Sequence[Path], names: list[str], out: Path,
               notice: Callable[[str], None] | None = None, metas: MetaFiles | None = None) -> list[str]:
    """`names` with each input's own earlier result in `out` kept: an input whose finished result there (its meta
    records this input) has another name than `output_names` gave keeps that name (so a rerun replaces it, never
    leaves it beside a new one), unless another input of the run has that name; an older result of the input
    that stays under another name is named through `notice`."""
    if (metas is None or metas.url is None) and not Path(out).is_dir():  # a URL's: listed there
        return names
    known = results_of_inputs(Path(out), metas)
    if not known:
        return names
    names = list(names)
    for k, p in enumerate(inputs):
        try:
            mine = known.get(str(Path(p).resolve()), [])
        except OSError:
            continue
        if mine and names[k] not in mine:
            # an earlier merstudio's result named like the folder's own files is not kept: its files are theirs
            free = [n for n in mine if n not in names and not folder_file_name(n)]
            if free:
                names[k] = free[0]
        for other in mine:
            if other != names[k] and notice is not None:
                notice(f"{p}: an older result of this input remains in {out} under the name {other}")
    return names


def _owned_by_other(owned: dict[str, str], name: str, key: str) -> bool:
    """`name` is another row's output name, or a name whose working files are another row's result (`x` when
    a row of an earlier merstudio owns `x.partial`: x.partial.csv would be taken for x's rows in progress)."""
    if name in owned and owned[name] != key:
        return True
    return any(owned.get(name + form, key) != key for form in WORKING_FORMS)


def plain_plan(inputs: Sequence[Path], target: Path | str, overwrite: bool, fmt: str = "csv",
               notice: Callable[[str], None] | None = None, *, settings: AnalysisSettings | None = None,
               fps: float | None = None, plot: bool = False) -> BatchPlan:
    """A run without a manifest (what `merstudio analyze a.mp4 b.mp4` always did): every input runs, once (an
    input named twice, the same resolved path, is analysed once and `notice` says so). An input whose earlier
    result in `out` has another name keeps that name (`_own_names`). A commit a stopped run left is finished
    before an existing result is refused (`prepare_output_dir`). With `plot` (and `settings`, not `overwrite`), an
    input whose result is up to date (`adoptable`: the same input, content and settings) is not analysed nor
    refused: it goes to the plan's `replot` (its plots are drawn from the result). `target`: the output folder
    `out`, or an output URL (kept as text; `plan.url`, `plan.out` its staging folder)."""
    from merstudio.analysis.files import prepare_output_dir

    seen: dict[str, Path] = {}
    unique: list[Path] = []
    for p in inputs:
        key = str(Path(p).resolve())
        if key in seen:
            if notice is not None:
                notice(f"{p}: the same file as {seen[key]}: analysed once")
            continue
        seen[key] = Path(p)
        unique.append(Path(p))
    inputs = unique
    out, url = _output(target)  # an output URL: its staging folder here, its published results read at the URL
    metas = MetaFiles(out, url)  # each meta file read once
    names = _own_names(inputs, output_names(list(inputs), out, metas), out, notice, metas)
    for p, n in zip(inputs, names, strict=True):
        _say_folder_file(p, n, notice)
    replot: list[BatchItem] = []
    if plot and settings is not None and not overwrite and url is None and Path(out).is_dir():
        for p, n in zip(list(inputs), list(names), strict=True):
            finish_commit(_paths(out, n, fmt), notice, metas)
            try:
                digest = content_hash(p)
            except OSError:
                continue
            if adoptable(Path(out), n, p, digest, settings, fmt=fmt, fps=fps, metas=metas) is not None:
                replot.append(BatchItem(p, n, digest))
        drawn = {it.name for it in replot}
        inputs, names = [p for p, n in zip(inputs, names, strict=True) if n not in drawn], \
            [n for n in names if n not in drawn]
    if not overwrite and settings is not None and url is None and Path(out).is_dir():
        for p, n in zip(inputs, names, strict=True):
            paths = _paths(out, n, fmt)
            finish_commit(paths, notice, metas)
            existing = [q for q in (paths.csv, paths.spots) if q.exists()]
            if not existing:
                continue
            try:
                digest = content_hash(p)
            except OSError:
                continue  # the run says why it cannot be read
            _say_moved(Path(out), BatchItem(Path(p), n, digest), metas, notice)
            changes = _own_result_changes(Path(out), n, Path(p), digest, settings, fmt=fmt, fps=fps, metas=metas)
            if changes:
                raise OutputError(_exists_text(existing[0], changes))
    prepare_output_dir(target if url is not None else out, [_paths(out, n, fmt) for n in names], overwrite, notice,
                       metas)
    return BatchPlan(out, [BatchItem(Path(p), n, overwrite=overwrite) for p, n in zip(inputs, names, strict=True)],
                     replot=replot, url=url)


# ------------------------------------------------------------------------------------------ the task


@dataclass(frozen=True)
class VideoTask:
    """One input for a worker: picklable, and everything `analyze_task` needs."""

    input: Path
    out: Path | str  # a folder, or an output URL (text: pathlib would collapse local:///abs into local:/abs)
    name: str
    settings: AnalysisSettings
    fps: float | None = None
    overwrite: bool = True
    fmt: str = "csv"
    input_hash: str | None = None  # its content_hash from the plan (None: the worker computes it)
    # an output URL: drawn from the complete result before it is published (`analyze_file`): a module's function
    before_publish: Callable[[AnalysisOutput], None] | None = None


PLOT_MISSING = "plot_missing"  # a published result's meta: why the plots drawn before publishing are not beside it


@dataclass(frozen=True)
class PlotsOrWhy:
    """`run_batch`'s before_publish into an output URL: `draw` (a module's function: picklable) draws a complete
    result's plots from its staged files. Where it fails, the result is published all the same without them, its
    meta's PLOT_MISSING saying why: the table, spots and meta were computed, and a failed plot lost them all."""

    draw: Callable[[AnalysisOutput], None]

    def __call__(self, out: AnalysisOutput) -> None:
        import json

        try:
            self.draw(out)
        except Exception as exc:  # noqa: BLE001 - whatever failed in the drawing (matplotlib's own), said in the meta
            for png in out.plots:  # the plots are published all or none: a partial set reads as the whole
                with contextlib.suppress(OSError):
                    png.unlink(missing_ok=True)
            out.plots.clear()
            meta = json.loads(out.paths.meta.read_text(encoding="utf-8"))
            meta[PLOT_MISSING] = _error_text(exc)
            write_text_atomic(out.paths.meta, json.dumps(meta, indent=2))


def _file_keywords(fmt: str) -> dict[str, Any]:
    """Keywords for `analyze_file` that depend on what this build's files.py accepts (`fmt` arrives with
    parquet output)."""
    if fmt == "csv":
        return {}
    if "fmt" not in inspect.signature(analyze_file).parameters:
        raise InputError(f"--format {fmt}: this merstudio writes CSV only")
    return {"fmt": fmt}


def _notice(line: str) -> None:
    import sys

    print(f"merstudio: {line}", file=sys.stderr, flush=True)


NOTICE = "notice"  # a task's progress payload (NOTICE, line): a notice for the caller to print (`on_notice`)
# a task's progress payload (INDEX, file name, done, total): its video's index pass (a variable rate: one
# decode-only pass over the whole file before the first frame, ~9 s for 20 minutes), `BatchProgress.indexing`
INDEX = "index"


def _task_notice(line: str) -> None:
    """A notice from inside a task (the rows of an interrupted run set aside): sent to the batch's caller, which
    prints it above its progress bar (`run_batch(on_notice=...)`); printed here outside a task."""
    if getattr(execution._context, "value", None) is None:
        _notice(line)
    else:
        execution.report((NOTICE, line))


def _throttled_report(indexing: str | None = None) -> Callable[[int, int], None]:
    """A task's progress(done, total) sent to the driver at most every PROGRESS_SECONDS (and at the end); with
    ``indexing`` (the file's name) that of its index pass, as an INDEX payload."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS or done == total:
            last[0] = now
            execution.report((done, total) if indexing is None else (INDEX, indexing, done, total))

    return progress


def _index_reported(path: Path) -> contextlib.AbstractContextManager[None]:
    """Within a task: the index pass of the video it opens reported to the driver (INDEX payloads), in a worker
    process as in this one (nothing was shown of a worker's pass)."""
    from merstudio.io.frames import indexing

    return indexing(progress=_throttled_report(indexing=path.name))


def analyze_task(task: VideoTask) -> AnalysisOutput:
    """Analyse one input (in a worker or in-process): `analyze_file` with the run's cancel and progress."""
    progress = _throttled_report()

    with warnings.catch_warnings(), _index_reported(task.input):
        warnings.simplefilter("ignore", SourceWarning)  # the input's warnings are in the result and its meta
        return analyze_file(task.input, task.out, task.name, task.settings, progress=progress,
                            cancel=execution.cancelled, fps=task.fps, overwrite=task.overwrite,
                            notice=_task_notice, input_hash=task.input_hash, before_publish=task.before_publish,
                            **_file_keywords(task.fmt))


@dataclass(frozen=True)
class SegmentTask:
    """Frames [start, stop) of a long input (`merstudio.analysis.segments.analyze_segment`); rows go to `work`."""

    input: Path
    start: int
    stop: int
    settings: AnalysisSettings
    fps: float | None
    work: Path


def analyze_segment_task(task: SegmentTask) -> Any:
    """One segment of a split video (in a worker or in-process) -> a SegmentResult for the merge."""
    from merstudio.analysis.segments import analyze_segment

    progress = _throttled_report()

    with warnings.catch_warnings(), _index_reported(task.input):
        warnings.simplefilter("ignore", SourceWarning)
        return analyze_segment(task.input, task.start, task.stop, task.settings, work_dir=task.work, fps=task.fps,
                               progress=progress, cancel=execution.cancelled)


def run_task(task: VideoTask | SegmentTask) -> Any:
    """The batch's task function: a whole video or one segment of one."""
    if isinstance(task, SegmentTask):
        return analyze_segment_task(task)
    return analyze_task(task)


def _segment_spans(path: Path, settings: AnalysisSettings, fps: float | None, segment_s: float,
                   indexed: Callable[[int, int], None] | None = None) -> list[tuple[int, int]] | None:
    """The segments of a video longer than `segment_s` seconds (None: one task; an input that does not open is
    left to its task, which reports it). `indexed`: progress(done, total) of the video's index pass, if it needs
    one to be counted."""
    try:
        from merstudio.analysis.segments import plan_segments
    except ImportError:
        raise InputError("--segment-minutes: this merstudio cannot split videos into segments") from None
    from merstudio.io import open_source
    from merstudio.io.frames import indexing

    try:
        with warnings.catch_warnings(), indexing(progress=indexed):
            warnings.simplefilter("ignore", SourceWarning)
            with open_source(path, fps=fps) as src:
                count, rate = src.frame_count, src.fps
    except (MerstudioError, OSError):
        return None
    return plan_segments(count, rate, segment_s, settings)


def worker_init() -> None:
    """In each worker process: warnings as one line (as in the CLI)."""
    from merstudio.messages import warning_line

    warnings.showwarning = warning_line


# ------------------------------------------------------------------------------------------ running


@dataclass
class BatchProgress:
    """What a batch reports while it runs (the CLI draws it): videos finished of those to run, frames analysed
    (finished videos plus the running ones' frames so far), and per running video (index -> (done, total))."""

    total: int
    videos_done: int = 0
    frames_done: int = 0
    running: dict[int, tuple[int, int]] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    labels: dict[int, str] = field(default_factory=dict)  # task index -> what it analyses (a name, a segment)
    # index passes under way: task index (-1 - item index: this process's, counting a video to split it) -> (the
    # file's name, frames done, the count known so far); a task's ends when its frames come
    indexing: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    # split videos: task index -> (item index, the video's frames); item index -> frames of its finished segments
    segments: dict[int, tuple[int, int]] = field(default_factory=dict)
    split_done: dict[int, int] = field(default_factory=dict)
    # the share of their frames that inputs stopped part-way (Ctrl-C, a cancel) analysed: not in videos_done, so
    # the bar shows how far the run got (it read 100 % after a Ctrl-C)
    stopped: float = 0.0

    @property
    def frames(self) -> int:
        return self.frames_done + sum(d for d, _ in self.running.values())

    def videos(self) -> float:
        """Videos finished plus the share of the unfinished ones' frames done (a running video: its frames done of
        its total; a split video: its segments' frames of the whole video's), for an ETA that moves while a long
        video runs."""
        share = 0.0
        for i, (done, total) in self.running.items():
            whole = self.segments[i][1] if i in self.segments else total
            share += min(1.0, done / whole) if whole else 0.0
        owners = {k: n for k, n in self.segments.values()}
        share += sum(min(1.0, f / owners[k]) for k, f in self.split_done.items() if owners.get(k))
        return self.videos_done + self.stopped + share

    def rates(self) -> tuple[float, float]:
        """(videos/s, frames/s) since the start."""
        dt = max(1e-9, time.monotonic() - self.started)
        return self.videos_done / dt, self.frames / dt


@dataclass
class BatchResult:
    outputs: list[AnalysisOutput]  # complete and partial results of this run, in input order
    failures: list[tuple[Path, str]]  # (input, one-line error) of this run
    partial_files: list[Path]  # files a stopped video left (named in the interrupt message)
    interrupted: bool = False  # Ctrl-C
    cancelled: bool = False  # Ctrl-C or the cancel callback
    skipped_done: int = 0
    skipped_failed: list[ManifestRow] = field(default_factory=list)
    not_started: int = 0
    # results published at an output URL without their plots (PlotsOrWhy): output name -> why (their metas say it)
    plots_missing: dict[str, str] = field(default_factory=dict)
    # split videos stopped part-way: (input, its segments' folder), named in the interrupt line as an unsplit
    # video's partial result is (it has no entry in `outputs`)
    split_stopped: list[tuple[Path, Path]] = field(default_factory=list)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _work_dir(out: Path, name: str) -> Path:
    """Where the segments of a split video keep their rows until the merge."""
    return Path(out) / SEGMENTS_DIR / name


def _partial_files(out: Path, name: str, fmt: str = "csv") -> list[Path]:
    p = _paths(out, name, fmt)
    files = [f for f in (p.partial, p.partial_spots, p.partial_meta) if f.exists()]
    work = _work_dir(out, name)
    if work.is_dir():
        files.extend(sorted(f for f in work.iterdir() if f.is_file()))
    return files


def _take_manifest(out: Path, url: str | None = None) -> FileClaim:
    """The batch's claim on its output folder (`<out>/manifest.lock`; for an output URL, in its staging folder
    `out`, but the refusal names the URL the user gave, not the staging folder)."""
    try:
        return FileClaim.acquire(Path(out) / "manifest.lock")
    except ClaimedElsewhere as exc:
        who = f"pid {exc.pid}" if exc.pid else "pid unknown"
        if url is not None:
            raise OutputError(f"{join_url(url, MANIFEST)}: another batch is writing to {url} ({who}); wait for it "
                              "to finish, or write to another location") from None
        raise OutputError(f"{Path(out) / MANIFEST}: another batch is running in this folder ({who}); wait for it "
                          "to finish, or write to another folder") from None


@contextlib.contextmanager
def sigint_cancels(stop: threading.Event, flag: list[bool]) -> Iterator[None]:
    """In the main thread: the first Ctrl-C (or SIGTERM, SIGHUP: `interrupts.STOP_SIGNALS`) sets `stop` (and
    flag[0]), a second one raises KeyboardInterrupt. Elsewhere: nothing (KeyboardInterrupt reaches the back-end,
    which stops the same way)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        interrupts.taken(signum)  # the exit status and line name it (143 for SIGTERM)
        if stop.is_set() and flag[0]:
            raise KeyboardInterrupt
        flag[0] = True
        stop.set()

    with interrupts.handling(handler):
        yield


def run_batch(plan: BatchPlan, settings: AnalysisSettings, backend: Backend, *, fps: float | None = None,
              fmt: str = "csv", cancel: execution.CancelArg = None, retries: int = DEFAULT_RETRIES,
              on_progress: Callable[[BatchProgress], None] | None = None,
              on_result: Callable[[BatchItem, AnalysisOutput | BaseException], None] | None = None,
              segment_s: float | None = None, on_notice: Callable[[str], None] | None = None,
              while_claimed: Callable[[], None] | None = None,
              before_publish: Callable[[AnalysisOutput], None] | None = None) -> BatchResult:
    """Run the plan's inputs on `backend`; update the manifest (when the plan has one) as videos start and end.
    Ctrl-C (main thread) and `cancel` stop the run (no new video starts, running ones stop and keep their rows as
    partial files); the result names those files and says whether it was interrupted. `segment_s`: videos longer
    than this are split into segments (`merstudio.analysis.segments`: the rows of an unsplit run), each a task
    of its own, merged by this process when all are done. `on_notice` gets the runs' notices (one line each, e.g.
    the rows of an interrupted run kept; default: printed to stderr), so that a caller drawing a progress bar prints
    them above it. `fps`: the rate of frame folders and images (a video keeps its own timing). `while_claimed`:
    work on the folder's results that must hold its claim too, run before the inputs (the plots `--plot` draws
    from up-to-date results: a run refused because another batch owns the folder writes nothing there).
    An output the file system takes no more of (a full disk, a quota, the file size limit) or whose folder vanished
    (`files.lost_output`) is no input's fault: the run stops at the first (no new input starts, running ones stop
    as on Ctrl-C), no input is marked failed (the one it hit keeps its rows as partial, or its row as it was), and
    an OutputError (exit status 3) says so in one line once the manifest is saved.
    `before_publish`: for a plan into an output URL, what each complete result draws before it is published (its
    plots: `analyze_file`; a split video's too); where it fails, the result is published without them
    (`PlotsOrWhy`) and the result's `plots_missing` names it."""
    notify = on_notice if on_notice is not None else _notice
    _file_keywords(fmt)  # a format this build cannot write fails before anything runs
    ensure_dir(plan.out)  # a URL's staging folder: its lock and partial files, never a local memory:/...
    claim = _take_manifest(plan.out, plan.url) if plan.manifest is not None else None
    stop = threading.Event()
    user_cancel = execution.as_cancel_fn(cancel)
    interrupted = [False]
    try:  # the folder's claim is released however the run ends, planning included (a video that cannot be split)
        run = _BatchRun(plan, settings, fmt, notify, on_progress, on_result)
        run.before_publish = PlotsOrWhy(before_publish) if plan.url is not None and before_publish else None
        try:
            run.fail_known_errors()
            run.plan_tasks(fps, segment_s)
            if while_claimed is not None:
                while_claimed()
            with sigint_cancels(stop, interrupted):
                try:
                    run.run_tasks(backend, lambda: stop.is_set() or user_cancel() or run.lost is not None, retries)
                except KeyboardInterrupt:
                    interrupted[0] = True
            run.describe_killed()
            run.name_unreported()
        finally:
            run.claim_stack.close()
    finally:
        if claim is not None:
            claim.release()
    if run.lost is not None and not interrupted[0]:
        raise OutputError(run.lost_line()) from None
    return run.finish(interrupted[0], interrupted[0] or stop.is_set() or user_cancel())


class _BatchRun:
    """The state of one run_batch: the plan's inputs as tasks (a split video is several), the manifest rows they
    update, the progress reported and the result built. Its methods are run_batch's steps and the callbacks of
    execution.run_tasks; k is an input's index in ``plan.items``, i a task's in ``tasks``."""

    def __init__(self, plan: BatchPlan, settings: AnalysisSettings, fmt: str, notify: Callable[[str], None],
                 on_progress: Callable[[BatchProgress], None] | None,
                 on_result: Callable[[BatchItem, AnalysisOutput | BaseException], None] | None) -> None:
        self.plan, self.settings, self.fmt, self.notify = plan, settings, fmt, notify
        self.on_progress, self.on_result = on_progress, on_result
        self.manifest = plan.manifest
        self.before_publish: Callable[[AnalysisOutput], None] | None = None
        self.claim_stack = contextlib.ExitStack()  # split videos' result claims still held: given back at the end
        self.result = BatchResult([], [], [], skipped_done=len(plan.done), skipped_failed=list(plan.failed))
        self.progress = BatchProgress(total=len(plan.items))
        self.outputs: dict[int, AnalysisOutput] = {}
        self.runnable: list[int] = []  # items with no error known before running
        self.tasks: list[VideoTask | SegmentTask] = []
        self.owner: list[int] = []  # task index -> item index
        self.claims: dict[int, contextlib.ExitStack] = {}  # item index -> the claim on its result (split videos)
        self.refused = 0  # split videos whose result another run is writing
        self.split: dict[int, int] = {}  # item index -> its number of segments (videos split into several tasks)
        self.segments_done: dict[int, list[Any]] = {}
        self.started: set[int] = set()  # items (inputs) handed out
        self.settled: set[int] = set()  # items with their final outcome in this run
        self.before: dict[str, ManifestRow | None] = {}  # rows as they were before their video was handed out
        self.began: dict[int, float] = {}  # item index -> perf_counter when its first task started (a split run's)
        self.killed: dict[int, float] = {}  # unsplit inputs whose task was killed, and their seconds (describe_killed)
        self.lost: BaseException | None = None  # the first output the file system took no more of: the run stops
        self.folder = _identity(Path(plan.out))  # the output folder (ensure_dir made it): the same one throughout

    # ------------------------------------------------------------------ the manifest

    def save(self, force: bool = False) -> None:
        if self.manifest is None or not self.folder_there():
            return
        try:
            self.manifest.save(force)
        except OutputError:
            if self.lost is None:
                raise
            # the full disk takes no manifest either: the run's error says why, and the rows on disk stay
            # runnable (`running`: run again)

    def folder_there(self) -> bool:
        """False once the output folder vanished (deleted, moved, or another in its place): a manifest written then
        would make it again, naming results that are gone."""
        return _identity(Path(self.plan.out)) == self.folder

    def check_folder(self) -> None:
        """OutputLost where the output folder vanished between inputs: the next would make it again and write
        there, beside a manifest of results that are gone."""
        if not self.folder_there():
            raise OutputLost(f"output folder {self.plan.out} vanished while the batch wrote to it")

    def row_for(self, item: BatchItem) -> ManifestRow:
        """The item's manifest row (made when new), naming its input's hash and its result's name."""
        assert self.manifest is not None
        key = Manifest.key(item.input)
        row = self.manifest.rows.get(key)
        if row is None:
            row = self.manifest.rows[key] = ManifestRow(key)
        row.hash, row.output = item.hash, item.name
        return row

    def record(self, item: BatchItem, outcome: AnalysisOutput | BaseException) -> None:
        """Write an input's outcome to its manifest row (done, partial or failed) and save the manifest."""
        if self.manifest is None:
            return
        row = self.row_for(item)
        if isinstance(outcome, AnalysisOutput):
            row.status = "done" if outcome.complete else "partial"
            row.frames, row.fps, row.device = outcome.frames, outcome.fps, outcome.device
            row.duration = outcome.frame_count / outcome.fps if outcome.fps else None
            row.seconds, row.error = outcome.seconds, ""
        elif isinstance(outcome, Cancelled):
            row.status, row.error = "partial", "stopped before the end"
            _from_partial_meta(row, output_paths(self.plan.out, item.name).partial_meta)
        else:
            row.status, row.error = "failed", _error_text(outcome)
            # what failed is the input as it is now (a file gone since the plan: no hash, so that the file, once
            # restored, runs again); nothing of an earlier run's result stays on a failed row
            try:
                row.hash = content_hash(item.input)
            except OSError:
                row.hash = ""
            row.frames = row.fps = row.duration = row.seconds = None
            row.device = ""
        self.save()

    def fail_unrun(self, item: BatchItem, text: str, exc: BaseException) -> None:
        """An input that fails before any task of it runs: a failure of the result, its row and on_result (an output
        the file system takes no more of: the run stops, `lose`)."""
        if lost_output(exc):
            self.lost = self.lost or exc
            return
        self.result.failures.append((item.input, text))
        self.record(item, exc)
        if self.on_result is not None:
            self.on_result(item, exc)

    # ------------------------------------------------------------------ before running

    def fail_known_errors(self) -> None:
        """Inputs the plan already knows fail (missing, unreadable) are recorded without running; the others are
        ``runnable``."""
        for k, item in enumerate(self.plan.items):
            if item.error is not None:
                self.fail_unrun(item, item.error, InputError(item.error))
            else:
                self.runnable.append(k)
        self.progress.total = len(self.runnable)

    def plan_tasks(self, fps: float | None, segment_s: float | None) -> None:
        """One task per runnable input, or, for a video longer than ``segment_s``, one per segment (split_task)."""
        for k in self.runnable:
            item = self.plan.items[k]
            rate = frames_fps(item.input, fps)  # --fps: frames without times only; a timed video keeps its timing
            spans = None
            if segment_s:
                try:  # counting a variable-rate video's frames is a pass over it here: shown as a task's is
                    spans = _segment_spans(item.input, self.settings, rate, segment_s,
                                           functools.partial(self.indexed, -1 - k, item.input.name))
                finally:
                    if self.progress.indexing.pop(-1 - k, None) is not None and self.on_progress is not None:
                        self.on_progress(self.progress)
            if spans is None or len(spans) < 2:
                self.tasks.append(VideoTask(item.input, self.plan.target, item.name, self.settings, rate,
                                            item.overwrite, self.fmt, item.hash or None, self.before_publish))
                self.owner.append(k)
                self.progress.labels[len(self.tasks) - 1] = item.name
            else:
                self.split_task(k, item, rate, spans)

    def split_task(self, k: int, item: BatchItem, rate: float | None, spans: list[tuple[int, int]]) -> None:
        """A task per segment of a split video, once its result is claimed (another run writing that result: the
        input fails now, neither run nor "not started"); the segments start over in its work folder."""
        work = _work_dir(self.plan.out, item.name)
        from merstudio.analysis.segments import claim_segments

        try:  # the result's claim first (another run writing it: this input fails), then start its segments over
            self.claims[k] = self.claim_stack.enter_context(contextlib.ExitStack())
            if self.plan.url is not None:  # the merge claims the result in the staging folder as it publishes it,
                shutil.rmtree(work, ignore_errors=True)  # as segments.analyze_segments does for a URL
            else:
                self.claims[k].enter_context(claim_segments(self.plan.out, item.name, work, fmt=self.fmt,
                                                            overwrite=item.overwrite, notice=self.notify))
        except OutputError as exc:  # refused before it started: neither run nor "not started"
            self.claims.pop(k).close()
            self.refused += 1
            self.progress.total -= 1
            self.fail_unrun(item, _error_text(exc), exc)
            return
        self.split[k] = len(spans)
        for start, stop_at in spans:
            self.tasks.append(SegmentTask(item.input, start, stop_at, self.settings, rate, work))
            self.owner.append(k)
            self.progress.segments[len(self.tasks) - 1] = (k, spans[-1][1])
            self.progress.labels[len(self.tasks) - 1] = f"{item.name} [{start}, {stop_at})"

    # ------------------------------------------------------------------ running

    def run_tasks(self, backend: Backend, cancel: Callable[[], bool], retries: int) -> None:
        """The tasks on ``backend``, each outcome settling its input (a split video's: once all its segments are
        in, or one failed or stopped)."""
        for i, outcome in execution.run_tasks(run_task, self.tasks, backend, cancel=cancel, retries=retries,
                                              on_start=self.on_start, on_progress=self.on_frames,
                                              worker_init=worker_init):
            k = self.owner[i]
            self.progress.running.pop(i, None)
            self.progress.indexing.pop(i, None)  # a pass that failed, or was stopped, before any frame
            if k in self.settled:
                continue  # another segment of a video that failed or stopped
            if k in self.split and not isinstance(outcome, BaseException):
                self.segment_finished(k, outcome)
            else:
                self.settle(k, outcome)

    def on_start(self, i: int) -> None:
        """Task i started: its input, at its first task, is marked running (its row as it was kept, for _forget)."""
        k = self.owner[i]
        self.check_folder()
        if k in self.started:
            return
        self.started.add(k)
        self.began[k] = time.perf_counter()
        if self.manifest is not None:
            key = Manifest.key(self.plan.items[k].input)
            old = self.manifest.rows.get(key)
            self.before[key] = None if old is None else ManifestRow(**vars(old))
            row = self.row_for(self.plan.items[k])
            row.status, row.error = "running", ""
            self.save()

    def on_frames(self, i: int, payload: Any) -> None:
        """What a running task reports: a notice (passed on), its index pass (INDEX), or its frames (done,
        total)."""
        if isinstance(payload, tuple) and len(payload) == 2 and payload[0] == NOTICE:
            self.notify(str(payload[1]))
            return
        if isinstance(payload, tuple) and len(payload) == 4 and payload[0] == INDEX:
            self.indexed(i, str(payload[1]), int(payload[2]), int(payload[3]))
            return
        if self.manifest is not None and self.folder_there():
            self.manifest.flush()
        self.progress.indexing.pop(i, None)
        self.progress.running[i] = payload
        if self.on_progress is not None:
            self.on_progress(self.progress)

    def indexed(self, key: int, name: str, done: int, total: int) -> None:
        """How far an index pass is (`BatchProgress.indexing`), passed on to on_progress."""
        self.progress.indexing[key] = (name, done, total)
        if self.on_progress is not None:
            self.on_progress(self.progress)

    def settle(self, k: int, outcome: AnalysisOutput | BaseException) -> None:
        """The final outcome of input k in this run."""
        item = self.plan.items[k]
        if isinstance(outcome, BaseException) and lost_output(outcome):
            self.lose(k, outcome)
            return
        files = _partial_files(self.plan.out, item.name, self.fmt)
        if isinstance(outcome, Cancelled) and (k not in self.started or not files):
            _forget(self.manifest, item, self.before)  # never ran: as if it had not been handed out
            if k in self.started and k not in self.split:
                self.killed[k] = 0.0  # killed as it began: only its lock to remove
            self.save()
            self.started.discard(k)
            return
        self.settled.add(k)
        if isinstance(outcome, Cancelled) or (isinstance(outcome, AnalysisOutput) and not outcome.complete):
            self.progress.stopped += self.stopped_share(k, outcome)  # not finished: counted by its frames done
        else:
            self.progress.videos_done += 1
        self.progress.split_done.pop(k, None)
        if k in self.claims:
            self.claims.pop(k).close()  # a split video's result claim: given back with its final outcome
        if isinstance(outcome, AnalysisOutput):
            self.outputs[k] = outcome
            if k not in self.split:
                self.progress.frames_done += outcome.frames
            if not outcome.complete:
                self.result.partial_files.extend(files)
            self.note_plots_missing(item, outcome)
        elif isinstance(outcome, Cancelled):
            self.result.partial_files.extend(files)
            if k in self.split:
                self.result.split_stopped.append((item.input, _work_dir(self.plan.out, item.name)))
            else:
                self.killed[k] = time.perf_counter() - self.began.get(k, time.perf_counter())
        else:
            self.result.failures.append((item.input, _error_text(outcome)))
        self.record(item, outcome)
        if self.on_result is not None:
            self.on_result(item, outcome)
        if self.on_progress is not None:
            self.on_progress(self.progress)

    def stopped_share(self, k: int, outcome: AnalysisOutput | BaseException) -> float:
        """How much of input k a run stopped part-way analysed (0-1): a split video's segments' frames of the
        whole, else the frames its result (or, killed, its partial meta) says it kept of the video's."""
        if k in self.split:
            whole = next((n for owner, n in self.progress.segments.values() if owner == k), 0)
            return min(1.0, self.progress.split_done.get(k, 0) / whole) if whole else 0.0
        if isinstance(outcome, AnalysisOutput):
            done, whole = outcome.frames, outcome.frame_count
        else:
            import json

            done = whole = 0
            with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
                info = json.loads(output_paths(self.plan.out, self.plan.items[k].name).partial_meta
                                  .read_text(encoding="utf-8"))
                done, whole = int(info.get("frames_processed") or 0), int(info.get("frame_count") or 0)
        return min(1.0, done / whole) if whole else 0.0

    def lose(self, k: int, exc: BaseException) -> None:
        """Input k hit an output the file system takes no more of (`lost_output`): the run stops (`lost`), and the
        input is not failed (a rerun with room analyses it): partial where it kept rows, else its row as it was
        before it started. Not passed to on_result: the run's error says it, once."""
        item = self.plan.items[k]
        self.lost = self.lost or exc
        self.settled.add(k)
        if k in self.claims:
            self.claims.pop(k).close()
        files = _partial_files(self.plan.out, item.name, self.fmt) if self.folder_there() else []
        if files and self.manifest is not None:
            self.result.partial_files.extend(files)
            row = self.row_for(item)
            row.status, row.error = "partial", f"stopped: {_error_text(exc)}"
            _from_partial_meta(row, output_paths(self.plan.out, item.name).partial_meta)
            self.save()
        else:
            _forget(self.manifest, item, self.before)
            self.save()
        self.started.discard(k)  # not "finished in this run"

    def lost_line(self) -> str:
        """The run's one line after `lost`: the error, and for a batch, that it stopped with no input failed."""
        assert self.lost is not None
        text = _error_text(self.lost)
        if len(self.plan.items) < 2:
            return text
        done = sum(1 for o in self.outputs.values() if o.complete)
        left = len(self.runnable) - done
        return f"{text}; the batch stopped there: {done} input(s) analysed in this run, {left} left for a rerun " \
               "(none marked failed)"

    def note_plots_missing(self, item: BatchItem, out: AnalysisOutput) -> None:
        """A result published without the plots drawn per face (PlotsOrWhy): why, as its published meta says."""
        if self.before_publish is None or out.remote is None or not out.face_ids or out.plots:
            return
        meta = MetaFiles(self.plan.out, self.plan.url).get(out.paths.meta) or {}
        if meta.get(PLOT_MISSING):
            self.result.plots_missing[item.name] = str(meta[PLOT_MISSING])

    def segment_finished(self, k: int, seg: Any) -> None:
        """A segment of split video k is done: kept until all are, then merged into the video's result (its work
        folder removed) and settled; a segment that stopped settles the video as stopped."""
        item = self.plan.items[k]
        self.progress.frames_done += seg.frames_done
        self.progress.split_done[k] = self.progress.split_done.get(k, 0) + seg.frames_done
        if not seg.complete:
            self.settle(k, Cancelled("stopped"))
            return
        self.segments_done.setdefault(k, []).append(seg)
        if len(self.segments_done[k]) < self.split[k]:
            return
        from merstudio.analysis.segments import merge_segments

        segs = sorted(self.segments_done[k], key=lambda r: r.start)
        try:
            merged: AnalysisOutput | BaseException
            if self.plan.url is None:
                merged = merge_segments(segs, self.plan.out, item.name, self.settings, fmt=self.fmt,
                                        overwrite=item.overwrite, notice=self.notify, claimed=True,
                                        wall_started=self.began.get(k), input_hash=item.hash or None)
            else:  # merged in the staging folder (claimed there, as an unsplit run's), then published here: its
                # plots before its meta (merge_segments publishing a URL itself uploads none)
                merged = publish_with_plots(merge_segments(
                    segs, self.plan.out, item.name, self.settings, fmt=self.fmt, notice=self.notify,
                    wall_started=self.began.get(k), input_hash=item.hash or None), self.plan.url, self.before_publish)
        except Exception as exc:  # noqa: BLE001 - recorded as this input's failure
            merged = exc
        shutil.rmtree(_work_dir(self.plan.out, item.name), ignore_errors=True)
        with contextlib.suppress(OSError):  # the last split video's: no empty .segments/ left in the results
            (Path(self.plan.out) / SEGMENTS_DIR).rmdir()
        self.settle(k, merged)

    # ------------------------------------------------------------------ after running

    def describe_killed(self) -> None:
        """Inputs whose task was killed part-way (after the grace period of a stop, or with its worker): their rows
        described as a stop describes them (partial meta `partial` with the frames kept, the lock removed), then
        their manifest rows and the result, so the stop line names them with their frames. A killed task wrote
        neither: its meta stayed `running` with 0 frames, its lock stayed. Run once the back-end has ended its
        workers (a result another process still holds is left as it is)."""
        if not self.folder_there():
            return
        for k, seconds in sorted(self.killed.items()):
            item = self.plan.items[k]
            out = _killed_output(item, output_paths(self.plan.out, item.name, self.fmt), seconds)
            if out is not None:
                self.outputs[k] = out
                self.record(item, out)

    def name_unreported(self) -> None:
        """Inputs handed out that never reported back (a second Ctrl-C): their partial files named, their rows
        partial (or as before, when they left nothing); then the manifest saved."""
        if not self.folder_there():
            return
        for k in sorted(self.started - self.settled):
            item = self.plan.items[k]
            files = _partial_files(self.plan.out, item.name, self.fmt)
            self.result.partial_files.extend(f for f in files if f not in self.result.partial_files)
            if k in self.split and files:
                self.result.split_stopped.append((item.input, _work_dir(self.plan.out, item.name)))
            if self.manifest is not None:
                if files:
                    row = self.row_for(item)
                    row.status, row.error = "partial", "stopped before the end"
                else:
                    _forget(self.manifest, item, self.before)
        if self.manifest is not None and (self.started or self.manifest.dirty or self.lost is not None):
            self.save(force=True)

    def finish(self, interrupted: bool, cancelled: bool) -> BatchResult:
        """The result: how the run ended, the inputs not started, the outputs in input order."""
        result = self.result
        result.interrupted = interrupted
        result.cancelled = cancelled
        result.not_started = len(self.runnable) - len(self.started) - self.refused
        result.outputs = [self.outputs[k] for k in sorted(self.outputs)]
        return result


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _from_partial_meta(row: ManifestRow, meta: Path) -> None:
    """Frames, fps and device of a stopped video from the partial meta file it left (when it wrote one)."""
    import json

    with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
        info = json.loads(meta.read_text(encoding="utf-8"))
        row.frames = int(info["frames_processed"]) if info.get("frames_processed") is not None else None
        row.fps = float(info["fps"]) if info.get("fps") else None
        if row.fps and info.get("frame_count"):
            row.duration = int(info["frame_count"]) / row.fps
        row.device = str(info.get("device") or "")


def _killed_output(item: BatchItem, paths: Any, seconds: float) -> AnalysisOutput | None:
    """The partial result of a task killed part-way, described now (`_BatchRun.describe_killed`) as a stop
    describes it: its meta `partial` with the rows in whole lines and the frames they cover (to the frame of the
    last row, as `segments.kept_spans` counts a stopped segment's), its lock removed. None where there is nothing
    to describe (no rows file; a Parquet table, unreadable without its footer) or another process holds it."""
    import datetime
    import json

    if not paths.lock.exists():
        return None
    try:
        claim = FileClaim.acquire(paths.lock)  # the killed task's OS lock went with it: only its file is left
    except (ClaimedElsewhere, OutputError):
        return None
    with claim, interrupts.keeping():  # its rows kept, described after the stop
        if paths.fmt != "csv" or not paths.partial.is_file():
            return None
        try:
            meta = json.loads(paths.partial_meta.read_text(encoding="utf-8"))
            if meta.get("status") == "running":
                rows, last, size = _whole_rows(paths.partial)
                meta.update(status="partial", frames_processed=0 if last is None else last + 1, rows=rows,
                            csv_bytes=size, seconds=round(seconds, 3),
                            finished_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
                meta.pop("pid", None)
                if not paths.partial_spots.is_file():
                    meta.pop("spots_csv", None)  # its spots were never written
                write_text_atomic(paths.partial_meta, json.dumps(meta, indent=2))
        except (OSError, ValueError, IndexError, TypeError, AttributeError):
            return None
        return AnalysisOutput(item.input, paths, int(meta.get("frames_processed") or 0),
                              int(meta.get("frame_count") or 0), float(meta.get("fps") or 0.0), False, seconds,
                              rows=int(meta.get("rows") or 0), device=str(meta.get("device") or "cpu"),
                              input_hash=str(meta.get("input_hash") or ""))


def _whole_rows(path: Path) -> tuple[int, int | None, int]:
    """The rows of a killed run's table in whole lines, the `frame` of the last (None: no row) and the bytes they
    take; a line the kill cut short is cut off. Read in blocks, never whole."""
    with open(path, "r+b") as fh:
        header = fh.readline()
        if not header.endswith(b"\n"):
            raise ValueError("no header")
        rows, end = 0, fh.tell()
        while block := fh.read(1 << 20):
            if (cut := block.rfind(b"\n")) >= 0:
                rows += block.count(b"\n")
                end = fh.tell() - len(block) + cut + 1
        if fh.tell() > end:
            fh.truncate(end)
        if not rows:
            return 0, None, end
        fh.seek(max(len(header), end - (1 << 16)))
        line = fh.read(end - fh.tell()).split(b"\n")[-2]
    at = next(csv.reader([header.decode("utf-8")])).index("frame")
    return rows, int(float(next(csv.reader([line.decode("utf-8")]))[at])), end


def _forget(manifest: Manifest | None, item: BatchItem, before: dict[str, ManifestRow | None]) -> None:
    """A video that never started: its row goes back to what it was before it was handed out (removed when it
    was new); the caller saves the manifest."""
    if manifest is None:
        return
    key = Manifest.key(item.input)
    if key not in before:
        return
    old = before[key]
    if old is None:
        manifest.rows.pop(key, None)
    else:
        manifest.rows[key] = old


def _error_naming(error: str, old: str, new: str) -> str:
    """A row's stored error with the path it leads with replaced by ``new`` (the input's key now; ``old``, the row's
    key when it failed, where it moved since): the text leads with the path as that run named it (``path: what is
    wrong``), absolute (``old``) or relative to that run's folder (the tail of ``old``, ``../`` dropped). Text that
    leads with no such path stays as it is."""
    start = 0
    while (i := error.find(": ", start)) > 0:
        named = os.path.normpath(error[:i])
        parts = [p for p in Path(named).parts if p != ".."] if not os.path.isabs(named) else []
        if named == old or (parts and old.endswith(os.sep + os.path.join(*parts))):
            return new + error[i:]
        start = i + 1
    return error


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, MerstudioError):
        return _one_line(str(exc))
    if isinstance(exc, WorkerLost):
        return _one_line(str(exc))
    return _one_line(f"{type(exc).__name__}: {exc}")


def interrupt_message(result: BatchResult, manifest: Manifest | None) -> str:
    """The one line printed after Ctrl-C: what finished, and every partial file."""
    done = sum(1 for o in result.outputs if o.complete)
    where = f" (see {manifest.where})" if manifest is not None else ""
    files = ", ".join(str(f) for f in result.partial_files) if result.partial_files else "none"
    return (f"interrupted: {done} input(s) finished in this run, {result.not_started} not started{where}; "
            f"partial files: {files}")
