"""One long video analysed in segments (on several workers) with the rows of an unsplit run.

`plan_segments(frame_count, fps, max_seconds)` cuts [0, frame_count) at multiples of the restart grid
(`AnalysisSettings.keyframe_s`, 60 s); `analyze_segment(input, start, stop, settings)` (a top-level, picklable
function: a process pool or a Ray task can run it) analyses frames [start - warmup, stop) and keeps the rows of
[start, stop); `merge_segments(results, out_dir, name)` writes the one result, committed as an unsplit run's
(merstudio.analysis.files). `analyze_in_segments` does all three with any `map`.

Why the rows are the same (tests/analysis/test_segments.py checks it row for row, exact equality):
- every run, split or not, restarts its per-face state `warmup` frames before each grid point (see
  merstudio.analysis.pipeline): from that frame on, the state of a run depends only on the frames from there. A
  segment starts its warm-up exactly at the restart before its first grid point, so over the warm-up and after it
  the segment computes what the unsplit run computes. What does carry across a restart (track continuity, the
  micro-motion lane's frame t - k baseline, the tracker's 5 coasting frames, AU6's median over 0.25 s of
  open-eye frames) is shorter than the warm-up (`warmup_frames`: 1 s, at least k + 5 + AU6's window + 2 frames).
  One exception: eyes closed (blink score over 0.35) through all but a few frames of a seam's warm-up leave AU6's
  median window older values in the unsplit run; AU6 may then differ for up to 0.25 s after the seam;
- a segment's last frames wait, as the unsplit run's do, for the frames after them (the blink look-ahead: a blink is
  told by the lids opening again; AU6's median window centred on the frame): the segment reads its tail past `stop`
  through every per-face stage, restarts included, and drops those rows (merstudio.analysis.pipeline,
  `Analysis._read_stop`); it stops reading once its last row has left;
- the blendshape batches (8 faces) need not fall alike: a batch of 2..8 gives the same scores per face, and a
  lone face is never evaluated alone;
- track ids: a segment numbers its tracks from 0. The merge matches each segment's tracks to the previous
  segment's ids by the face boxes in the warm-up frames both computed (equal to the last bit, as the state is the
  same there) and numbers the others after the last id in order of creation, as the unsplit tracker does; rows of
  one frame are ordered by id, as unsplit. A face back across a restart then takes the id of the face it was
  (`return_labels`: the tracker's rule 2c on each segment's TrackRecords, which hold only what was computed after
  a restart, in the order the tracks began, as the unsplit run decides it as it goes);
- spotting reads the two-sided motion signal (frame t against t - k and t + k against t) of the whole video: the
  segments return their per-track signals and spotting runs once, at the merge, on the joined signals.
Not covered (documented limits): a learned model's columns (`checkpoint`: torch batches fall differently), and on
a variable-frame-rate video the spots' times come from the rows' timestamps.

Cost: each seam re-analyses `warmup_frames` (1 s of video) once more; the restarts cost a face-mesh rebuild and a
fresh face detection once a minute (`merstudio bench` reports both).
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import math
import shutil
import tempfile
import time
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from merstudio.analysis.files import (
    AnalysisOutput,
    FileClaim,
    _RowWriter,
    claim_result,
    finish_result,
    input_digest,
    output_paths,
    write_result,
)
from merstudio.analysis.outputs import check_format, is_url, local_input, localize
from merstudio.analysis.pipeline import (
    PAST_LIMIT,
    Analysis,
    AnalysisSettings,
    CancelFn,
    ProgressFn,
    _TrackSignals,
    cover_warnings,
    held_aus,
    held_warnings,
    keep_portrait,
    keyframe_frames,
    restart_frames,
    spot_tracks,
    track_frames,
    warmup_frames,
)
from merstudio.errors import InputError, OutputError
from merstudio.face.boxes import box_iou
from merstudio.face.tracker import ReturnLabels, TrackRecord
from merstudio.io import open_source

Box = tuple[float, float, float, float]


def plan_segments(frame_count: int, fps: float, max_seconds: float,
                  settings: AnalysisSettings | None = None) -> list[tuple[int, int]]:
    """[(start, stop)] covering [0, frame_count): each at most `max_seconds` long (at least one restart interval,
    `settings.keyframe_s`), every seam on the restart grid. One segment when the video is shorter, or when the
    settings have no restart grid (`keyframe_s=None`)."""
    settings = settings or AnalysisSettings()
    if not max_seconds > 0:  # NaN too
        raise InputError(f"segment length must be positive, got {max_seconds:g} s")
    if frame_count <= 0 or not math.isfinite(max_seconds * fps):  # no split: an endless segment holds it all
        return [(0, max(0, frame_count))]
    grid = keyframe_frames(settings, fps)
    if grid is None or grid < warmup_frames(fps, settings.motion_lag_s):
        return [(0, frame_count)]
    per = max(1, int(math.floor(max_seconds * fps / grid))) * grid
    return [(s, min(s + per, frame_count)) for s in range(0, frame_count, per)]


@dataclass
class SegmentResult:
    """What one segment hands to the merge (picklable). `rows_path`: its rows (CSV text, as an unsplit run writes
    them), or `rows_blob` (the same, zlib-compressed) when it ran without a work folder."""

    input: str
    start: int
    stop: int
    columns: list[str]
    rows: int
    frames_done: int
    complete: bool
    frame_count: int
    fps: float
    vfr: bool
    lag: int
    seconds: float
    device: str = "cpu"
    frames_claimed: int | None = None
    warnings: list[str] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    rows_path: Path | None = None
    rows_blob: bytes | None = None
    signals: dict[int, _TrackSignals] = field(default_factory=dict)  # local track id -> values (frames - start)
    timestamps: array = field(default_factory=lambda: array("d"))  # frames start.. (from the rows)
    head: list[tuple[int, int, Box]] = field(default_factory=list)  # warm-up: (frame, local id, box)
    tail: list[tuple[int, int, Box]] = field(default_factory=list)  # the last `warmup` frames
    portraits: dict[int, tuple[int, Box]] = field(default_factory=dict)  # local id -> (frame, box: keep_portrait)
    turned: int = 0  # the turn the segment found the faces upright with (every segment chooses the same)
    class_names: list[str] = field(default_factory=list)  # the model's classes (the spots' labels)
    checkpoint_sha256: str = ""  # of the checkpoint the segment loaded
    # local id -> merstudio.face.tracker.TrackRecord up to its stop: what the merge gives a face back across a
    # restart by (return_labels)
    tracks: dict[int, TrackRecord] = field(default_factory=dict)
    # the frames' (w, h): the merge keeps each face's portrait as keep_portrait does in an unsplit run, a box inside
    # the frame before a larger one past its right or bottom edge (None: a result from before it; then only the
    # left and top edges are known)
    frame_size: tuple[int, int] | None = None

    def row_lines(self) -> Iterator[dict[str, str]]:
        if self.rows_blob is not None:
            text = io.StringIO(zlib.decompress(self.rows_blob).decode("utf-8"), newline="")
            yield from csv.DictReader(text)
            return
        if self.rows_path is None:
            return
        with open(self.rows_path, newline="", encoding="utf-8") as fh:
            yield from csv.DictReader(fh)


def analyze_segment(input_path: str | Path, start: int, stop: int, settings: AnalysisSettings | None = None,
                    work_dir: str | Path | None = None, fps: float | None = None,
                    progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> SegmentResult:
    """Analyse frames [start, stop) of one input after the warm-up before `start` (a top-level function: give it to
    a process pool or a Ray task). The rows go to a file in `work_dir` (`segment_<start>_<stop>.csv`), or, without
    one, travel in the result compressed (a segment of 10 minutes, one face: about 5 MB)."""
    settings = settings or AnalysisSettings()
    started = time.perf_counter()
    own_dir = work_dir is None
    folder = Path(tempfile.mkdtemp(prefix="merstudio-segment-")) if own_dir else Path(str(work_dir))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _segment_name(start, stop)
    try:
        with local_input(input_path) as local, open_source(local, fps=fps) as source:
            w = warmup_frames(source.fps, settings.motion_lag_s)
            grid = keyframe_frames(settings, source.fps)
            if start and (grid is None or grid < w or start % grid):
                raise InputError(f"{input_path}: segment start {start} is not on the restart grid "
                                 f"({'none' if grid is None else f'every {grid} frames'}); cut with plan_segments")
            stop = min(int(stop), source.frame_count)
            analysis = Analysis(source, settings, span=(int(start), stop), warmup=w, keep_boxes=w)
            columns = analysis.columns()
            stamps = array("d")
            # "nan", not an empty cell: the merge reads it back as NaN, so a Parquet result stores NaN as unsplit
            writer = _RowWriter(path, columns, nan_text="nan")

            def rows() -> Iterator[dict]:
                it = analysis.rows(progress=progress, cancel=cancel)
                try:
                    last = -1
                    for row in it:
                        if row["frame"] != last:
                            last = row["frame"]
                            stamps.append(float(row["timestamp"]))
                        yield row
                finally:
                    it.close()  # type: ignore[attr-defined]  # a generator: stops the reader thread

            try:
                writer.write_all(rows())
            finally:
                writer.close()
            result = SegmentResult(
                str(input_path), int(start), stop, columns, writer.rows, analysis.frames_done,
                not analysis.cancelled and analysis.frames_done == stop - start, source.frame_count, source.fps,
                source.is_vfr, analysis._lag, time.perf_counter() - started, analysis.device,
                source.claimed_frame_count, list(source.warnings) + analysis.warnings,
                [u for u in source.unreadable_frames if start <= u[0] < stop], path, None,
                dict(analysis._signals), stamps,
                [b for b in analysis.boxes if b[0] < start], [b for b in analysis.boxes if b[0] >= start],
                dict(analysis.portraits), analysis.turned or 0, list(analysis.class_names),
                checkpoint_sha256=analysis.checkpoint_sha256, tracks=dict(analysis.tracks),
                frame_size=getattr(source, "size", None))
        if own_dir:
            result.rows_blob = zlib.compress(path.read_bytes(), 6)
            result.rows_path = None
        return result
    finally:
        if own_dir:
            shutil.rmtree(folder, ignore_errors=True)


def _segment_name(start: int, stop: int) -> str:
    return f"segment_{int(start):09d}_{int(stop):09d}.csv"


def kept_spans(work_dir: str | Path) -> list[tuple[int, int]]:
    """The frames [first, last] whose rows the segments in `work_dir` (a stopped split run's) hold, in order: each
    segment's first frame to the frame of its last whole row; a segment with no row is left out. Read from each
    file's name and its last line (the rows are never read whole)."""
    spans: list[tuple[int, int]] = []
    for path in sorted(Path(work_dir).glob("segment_*_*.csv")):
        try:
            start = int(path.stem.split("_")[1])
            with open(path, "rb") as fh:
                head = fh.readline()
                fh.seek(max(len(head), fh.seek(0, 2) - (1 << 16)))
                lines = [ln for ln in fh.read().split(b"\n")[:-1] if ln]  # whole lines only
            if not head.endswith(b"\n") or not lines:
                continue
            at = next(csv.reader([head.decode("utf-8")])).index("frame")
            last = int(float(next(csv.reader([lines[-1].decode("utf-8")]))[at]))
        except (OSError, ValueError, IndexError, UnicodeDecodeError):
            continue
        if last >= start:
            spans.append((start, last))
    return spans


def map_track_ids(results: Sequence[SegmentResult]) -> list[dict[int, int]]:
    """Per segment, its local track ids -> the ids an unsplit run gives: matched to the previous segment's tracks
    by the boxes of the frames both analysed (exact match first, then overlap), new tracks numbered after the
    last id in order of creation."""
    maps: list[dict[int, int]] = []
    next_id = 0
    prev_tail: dict[int, list[tuple[int, Box]]] = {}
    for seg in results:
        mapping: dict[int, int] = {}
        if prev_tail:
            votes: Counter[tuple[int, int]] = Counter()
            for f, lid, box in seg.head:
                for gid, pbox in prev_tail.get(f, []):
                    if box == pbox:
                        votes[(lid, gid)] += 2
                    elif box_iou(box, pbox) >= 0.5:
                        votes[(lid, gid)] += 1
            used: set[int] = set()
            for (lid, gid), _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
                if lid not in mapping and gid not in used:
                    mapping[lid] = gid
                    used.add(gid)
        for lid in sorted(seg.signals):
            if lid not in mapping:
                mapping[lid] = next_id
                next_id += 1
        if mapping:
            next_id = max(next_id, max(mapping.values()) + 1)
        prev_tail = {}
        for f, lid, box in seg.tail:
            if lid in mapping:
                prev_tail.setdefault(f, []).append((mapping[lid], box))
        maps.append(mapping)
    return maps


def return_labels(results: Sequence[SegmentResult], maps: Sequence[dict[int, int]],
                  settings: AnalysisSettings | None = None, timestamps: np.ndarray | None = None,
                  ) -> list[dict[int, int]]:
    """Per segment, its local track ids -> the ids the rows carry: `map_track_ids`' (`maps`), a face back across a
    restart given the id of the face it was (merstudio.face.tracker.ReturnLabels, rule 2c), decided on the
    segments' TrackRecords, in the order the tracks began, as an unsplit run decides as it goes. `timestamps`:
    the frames' times (default frame / fps). Segments without records (made before they were kept) keep `maps`."""
    settings = settings or AnalysisSettings()
    segs = sorted(results, key=lambda r: r.start)
    records: dict[int, TrackRecord] = {}
    for seg, mapping in zip(segs, maps, strict=True):
        for lid, rec in seg.tracks.items():
            gid = mapping.get(lid)
            if gid is None:  # seen in its warm-up only, and not matched: none of its rows are this segment's
                continue
            met = {mapping[m] for m in rec.met if m in mapping}
            have = records.get(gid)
            if have is None:  # where it began (the segments come in order): its first face
                records[gid] = replace(rec, met=met)
                continue
            have.met |= met
            if rec.last >= have.last:  # its face at its last frame, since the last restart (alike in both)
                have.last, have.appearance, have.geometry_end = rec.last, rec.appearance, rec.geometry_end
    if not segs or any(set(m.values()) - records.keys() for m in maps):
        return list(maps)
    fps = segs[0].fps
    n = segs[-1].stop
    times = (lambda i: float(timestamps[i])) if timestamps is not None and len(timestamps) >= n else (
        lambda i: i / fps)
    restarts = sorted(restart_frames(settings, fps, 1, n))
    labels = ReturnLabels(times)
    began: dict[int, list[int]] = {}
    for gid, rec in records.items():
        began.setdefault(rec.first, []).append(gid)
    for frame in sorted(began):
        k = bisect.bisect_right(restarts, frame) - 1
        labels.arrive(frame, sorted(began[frame]), records, restarts[k] if k >= 0 else None)
    return [{lid: labels.final[gid] for lid, gid in m.items()} for m in maps]


def _check(results: Sequence[SegmentResult]) -> list[SegmentResult]:
    if not results:
        raise InputError("merge_segments: no segments")
    segs = sorted(results, key=lambda r: r.start)
    first = segs[0]
    if first.start != 0:
        raise InputError(f"{first.input}: the segments start at frame {first.start}, not 0")
    for a, b in zip(segs, segs[1:], strict=False):
        if b.start != a.stop or b.input != a.input:
            raise InputError(f"{b.input}: segment [{b.start}, {b.stop}) does not follow [{a.start}, {a.stop})")
    for s in segs:
        if not s.complete:
            raise OutputError(f"{s.input}: segment [{s.start}, {s.stop}) did not complete ({s.frames_done} frames); "
                              "run it again")
    if segs[-1].stop != first.frame_count:
        raise InputError(f"{first.input}: the segments end at frame {segs[-1].stop} of {first.frame_count}")
    return segs


@contextlib.contextmanager
def claim_segments(out_dir: str | Path, name: str, work_dir: str | Path | None = None, *, fmt: str = "csv",
                   overwrite: bool = True, notice: Callable[[str], None] | None = None) -> Iterator[FileClaim]:
    """Hold the claim on the result `<out_dir>/<name>` for a whole split run (`claim_result`: OutputError "another
    merstudio analyze is writing this result (pid N)" when another run holds it) and only then start the
    segments' work folder `work_dir` over (an earlier, stopped run's rows). A second run into the same folder is
    thus refused before it touches the first one's segments. Give the merge `claimed=True` while this is held."""
    paths = output_paths(Path(str(localize(out_dir))), name, check_format(fmt))
    with claim_result(paths, overwrite, notice) as claim:
        if work_dir is not None:
            shutil.rmtree(work_dir, ignore_errors=True)
        yield claim


def merge_segments(results: Sequence[SegmentResult], out_dir: str | Path, name: str,
                   settings: AnalysisSettings | None = None, *, fmt: str = "csv", overwrite: bool = True,
                   notice: Callable[[str], None] | None = None, claimed: bool = False,
                   wall_started: float | None = None, input_hash: str | None = None) -> AnalysisOutput:
    """Write the segments' rows as one result (`<name>.csv` or `.parquet`, `.spots.csv`, `.meta.json`) with the
    track ids of an unsplit run, spots found once on the joined signals, committed as `analyze_file` commits (a
    claim on the result, the meta as the commit point). Segments must cover the video, in order. `claimed`: the
    caller holds the result's claim (`claim_segments`, taken before the segments ran); the merge takes none.
    `wall_started`: the `time.perf_counter()` when the first segment started (this process): the result's `seconds`
    is then the wall-clock time of the run and `cpu_seconds` the segments' own seconds summed (with the merge);
    without it both are that sum."""
    settings = settings or AnalysisSettings()
    fmt = check_format(fmt)
    segs = _check(results)
    out_dir = localize(out_dir)
    if is_url(out_dir):
        from merstudio.analysis.files import publish_result
        from merstudio.analysis.outputs import join_url, staging_dir

        url = str(out_dir)
        out = merge_segments(segs, staging_dir(url), name, settings, fmt=fmt, overwrite=True, notice=notice,
                             wall_started=wall_started)
        publish_result(out.paths, url, out.run_id)
        out.remote = join_url(url, out.paths.csv.name)
        return out
    started = time.perf_counter()
    first = segs[0]
    n = segs[-1].stop
    stamps = np.concatenate([np.frombuffer(s.timestamps, dtype=np.float64) for s in segs]) if n else np.zeros(0)
    maps = return_labels(segs, map_track_ids(segs), settings, stamps)
    signals: dict[int, _TrackSignals] = {}
    portraits: dict[int, tuple[int, Box]] = {}
    size = next((s.frame_size for s in segs if s.frame_size is not None), None)  # one input: one size
    for seg, mapping in zip(segs, maps, strict=True):
        for lid, (frame, box) in sorted(seg.portraits.items(), key=lambda kv: kv[1][0]):
            if lid in mapping:
                keep_portrait(portraits, mapping[lid], frame, box, size)
        for lid, sig in seg.signals.items():
            dst = signals.setdefault(mapping[lid], _TrackSignals())
            frames = np.frombuffer(sig.frames, dtype=np.int32) + np.int32(seg.start)
            dst.frames.frombytes(frames.astype(np.int32).tobytes())
            dst.values.frombytes(np.frombuffer(sig.values, dtype=np.float32).tobytes())
    paths = output_paths(Path(out_dir), name, fmt)
    source = str(first.input) if is_url(first.input) else None
    import secrets

    run_id = secrets.token_hex(8)

    # every segment completed (checked above): the whole input's faces
    held = held_warnings(held_aus(signals, n, first.fps)) + cover_warnings(signals, n)

    digest = input_digest(first.input, input_hash)

    def result(complete: bool, rows: int) -> AnalysisOutput:
        cpu = sum(s.seconds for s in segs) + time.perf_counter() - started
        wall = cpu if wall_started is None else time.perf_counter() - wall_started
        return AnalysisOutput(Path(first.input), paths, sum(s.frames_done for s in segs), first.frame_count,
                              first.fps, complete, wall, input_hash=digest, cpu_seconds=cpu,
                              face_ids=sorted(signals), rows=rows, device=first.device, frames_claimed=first.frames_claimed,
                              warnings=_merged_warnings(segs) + held, unreadable=[u for s in segs for u in s.unreadable],
                              source=source, run_id=run_id, portraits=portraits, turned=first.turned,
                              face_frames=track_frames(signals),
                              # a checkpoint rewritten while the segments loaded it: no one model, never current
                              checkpoint_sha256=first.checkpoint_sha256 if all(
                                  s.checkpoint_sha256 == first.checkpoint_sha256 for s in segs) else "mixed")

    def finish(complete: bool, rows: int) -> AnalysisOutput:
        spots = spot_tracks(signals, n, first.fps, stamps, first.lag, settings.motion_lag_s)
        return finish_result(result(complete, rows), spots, settings, first.vfr, first.class_names)

    with contextlib.nullcontext() if claimed else claim_result(paths, overwrite, notice):
        return write_result(paths, first.columns, _merged_rows(segs, maps), result, finish, lambda: False,
                            settings, first.vfr, notice)


def _merged_warnings(segs: Sequence[SegmentResult]) -> list[str]:
    """Every segment's warnings in order, each line once (the reader's notes repeat in every segment); of the lines
    saying faces went past the limit, the first segment's to find them (they name where). Only the first segment's
    were kept: more faces than the limit first met in a later segment went unsaid."""
    out: list[str] = []
    past_limit = False
    for seg in segs:
        for line in seg.warnings:
            if line in out or (PAST_LIMIT in line and past_limit):
                continue
            past_limit = past_limit or PAST_LIMIT in line
            out.append(line)
    return out


def _merged_rows(segs: Sequence[SegmentResult], maps: Sequence[dict[int, int]]) -> Iterator[dict[str, str]]:
    """The segments' rows in order, track ids mapped, the rows of one frame ordered by id (as unsplit)."""
    for seg, mapping in zip(segs, maps, strict=True):
        frame: list[dict[str, str]] = []
        for row in seg.row_lines():
            fid = int(row["face_id"])
            if fid >= 0:
                row["face_id"] = str(mapping[fid])
            if frame and row["frame"] != frame[0]["frame"]:
                yield from sorted(frame, key=lambda r: int(r["face_id"]))
                frame = []
            frame.append(row)
        yield from sorted(frame, key=lambda r: int(r["face_id"]))


def analyze_in_segments(input_path: str | Path, out_dir: str | Path, name: str,
                        settings: AnalysisSettings | None = None, *, max_seconds: float = 600.0,
                        fmt: str = "csv", overwrite: bool = True, notice: Callable[[str], None] | None = None,
                        fps: float | None = None,
                        map_fn: Callable[..., Iterable[SegmentResult]] = map) -> AnalysisOutput:
    """Plan, analyse (with `map_fn`, e.g. a process pool's `map`) and merge the segments of one input."""
    settings = settings or AnalysisSettings()
    wall_started = time.perf_counter()
    with local_input(input_path) as local, open_source(local, fps=fps) as src:
        count, rate = src.frame_count, src.fps
    plan = plan_segments(count, rate, max_seconds, settings)
    n = len(plan)
    held = contextlib.nullcontext() if is_url(localize(out_dir)) else \
        claim_segments(out_dir, name, fmt=fmt, overwrite=overwrite, notice=notice)  # the whole run, as unsplit
    with held:
        results = list(map_fn(analyze_segment, [input_path] * n, [a for a, _ in plan], [b for _, b in plan],
                              [settings] * n, [None] * n, [fps] * n))
        return merge_segments(results, out_dir, name, settings, fmt=fmt, overwrite=overwrite, notice=notice,
                              claimed=not is_url(localize(out_dir)), wall_started=wall_started)


__all__ = ["SegmentResult", "analyze_in_segments", "analyze_segment", "claim_segments", "kept_spans",
           "map_track_ids", "merge_segments", "plan_segments", "return_labels"]
