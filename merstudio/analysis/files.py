"""Running the pipeline into files: `<name>.csv` (per frame), `<name>.spots.csv`, `<name>.meta.json`.

Output names (`output_names`): the input's name without its extension (`clip.mp4` -> `clip`) when no other input
of the run, and no earlier result in the output folder, has that name; otherwise the whole file name (`x.mp4` and
`x.jpg` -> `x.mp4`, `x.jpg`); inputs with the same file name in different folders get the folder's name in front
(`a/x.mp4`, `b/x.mp4` -> `a_x.mp4`, `b_x.mp4`), and a number as the last resort. The meta file records the frames
found and the frames the container claims (`frames_found`, `frames_claimed`) and the input's warnings.

Crash safety: rows go to `<name>.partial.csv`, written in whole lines and flushed as they come; only a finished run
renames it to `<name>.csv`. Ctrl-C, an error or a kill therefore leaves a valid CSV whose name says it is partial
(and, except after kill -9, a meta file saying where it stopped).
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from merstudio import __version__
from merstudio.analysis.pipeline import Analysis, AnalysisSettings, CancelFn, ProgressFn, SpotRow
from merstudio.analysis.proposals import Suggestion, describe_interval
from merstudio.atomic import atomic_path, ensure_dir
from merstudio.errors import OutputError
from merstudio.io import open_source

SPOT_COLUMNS = ("face_id", "onset", "apex", "offset", "score", "onset_time", "apex_time", "offset_time")


@dataclass
class OutputPaths:
    csv: Path
    partial: Path
    spots: Path
    meta: Path

    def all(self) -> list[Path]:
        return [self.csv, self.partial, self.spots, self.meta]


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

    @property
    def csv(self) -> Path:
        return self.paths.csv if self.complete else self.paths.partial

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def output_names(inputs: Sequence[Path], out_dir: Path | None = None) -> list[str]:
    """A unique, predictable output name per input: `clip` for `clip.mp4`; the whole file name (`x.mp4`, `x.jpg`)
    when another input of this run has the same stem, or when `out_dir` already holds results named `<stem>` of
    another input (so a later run never replaces them); `<parent>_<file name>` when file names collide too;
    numbered (`_2`, `_3`) only when even those collide. A folder input's name is the folder's name."""
    paths = [Path(p) for p in inputs]
    full = [p.name for p in paths]
    stems = [p.stem if p.suffix and not p.is_dir() else p.name for p in paths]
    names = []
    for k, p in enumerate(paths):
        name = stems[k]
        if stems.count(name) > 1 or (out_dir is not None and _taken_by_other(out_dir, name, p)):
            name = full[k]
            if full.count(name) > 1 or (out_dir is not None and _taken_by_other(out_dir, name, p)):
                name = f"{p.resolve().parent.name}_{name}"
        names.append(name)
    out: list[str] = []
    for n in names:
        cand, k = n, 1
        while cand in out:
            k += 1
            cand = f"{n}_{k}"
        out.append(cand)
    return out


def _taken_by_other(out_dir: Path, name: str, source: Path) -> bool:
    """True when `out_dir` holds results named `name` whose meta file records another input."""
    meta = Path(out_dir) / f"{name}.meta.json"
    if not meta.is_file():
        return False
    try:
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        where = recorded.get("input_path") or recorded.get("input")
    except (OSError, ValueError, AttributeError):
        return False
    if not where:
        return False
    try:
        return Path(where).resolve() != Path(source).resolve()
    except OSError:
        return False


def output_paths(out_dir: Path, name: str) -> OutputPaths:
    return OutputPaths(out_dir / f"{name}.csv", out_dir / f"{name}.partial.csv", out_dir / f"{name}.spots.csv",
                       out_dir / f"{name}.meta.json")


def prepare_output_dir(out_dir: Path, paths: Sequence[OutputPaths], overwrite: bool) -> None:
    """Create the output folder and refuse to clobber earlier results unless `overwrite`."""
    ensure_dir(out_dir)
    for p in paths:
        existing = [q for q in (p.csv, p.spots) if q.exists()]
        if existing and not overwrite:
            raise OutputError(f"{existing[0]}: already exists (use --overwrite to replace it)")


def analyze_file(
    input_path: Path,
    out_dir: Path,
    name: str,
    settings: AnalysisSettings | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    fps: float | None = None,
) -> AnalysisOutput:
    """Analyse one video or frame folder into files in `out_dir` (which `prepare_output_dir` checked)."""
    settings = settings or AnalysisSettings()
    paths = output_paths(out_dir, name)
    started = time.perf_counter()
    with open_source(input_path, fps=fps) as source:
        analysis = Analysis(source, settings)
        columns = analysis.columns()
        for stale in (paths.csv, paths.spots):
            stale.unlink(missing_ok=True)
        n_rows = 0
        complete = False
        try:
            with open(paths.partial, "w", newline="", encoding="utf-8") as fh:
                fh.write(",".join(columns) + "\n")
                buf = io.StringIO()
                writer = csv.DictWriter(buf, fieldnames=columns, restval="", extrasaction="ignore",
                                        lineterminator="\n")
                last_flush = time.monotonic()
                try:
                    for row in analysis.rows(progress=progress, cancel=cancel):
                        writer.writerow(row)
                        n_rows += 1
                        now = time.monotonic()
                        if now - last_flush > 0.5:
                            # whole lines in one write, then flush: a kill leaves complete rows only
                            fh.write(buf.getvalue())
                            fh.flush()
                            buf.seek(0)
                            buf.truncate()
                            last_flush = now
                finally:
                    fh.write(buf.getvalue())  # rows already computed survive Ctrl-C and errors
            complete = not analysis.cancelled
        finally:
            seconds = time.perf_counter() - started
            spots = analysis.spots()
            rows_file = paths.partial  # renamed to paths.csv only below
            labels: list[Suggestion | None] = (label_spots(rows_file, spots) if rows_file.exists()
                                               else [None] * len(spots))
            _write_spots(paths.spots if complete else paths.spots.with_suffix(".partial.csv"), spots, labels)
            if complete:
                os.replace(paths.partial, paths.csv)
            result = AnalysisOutput(Path(input_path), paths, analysis.frames_done, source.frame_count,
                                    source.fps, complete, seconds, analysis.face_ids(), spots, labels, n_rows,
                                    analysis.device, frames_claimed=source.claimed_frame_count,
                                    warnings=source.warnings)
            _write_meta(result, settings, source.is_vfr)
    return result


def label_spots(rows_csv: Path, spots: list[SpotRow]) -> list[Suggestion | None]:
    """Suggested AUs and emotion per spotted interval, read back from the per-frame CSV in chunks (only the rows
    inside intervals are kept, so memory stays flat on long videos)."""
    if not spots:
        return []
    import pandas as pd

    wanted: dict[int, list[pd.DataFrame]] = {k: [] for k in range(len(spots))}
    for chunk in pd.read_csv(rows_csv, chunksize=20_000,
                             usecols=lambda c: c in ("frame", "face_id", "success")
                             or (c.startswith("AU") and c[-2:] in ("_c", "_r", "_m")) or c.startswith("p_")):
        lo, hi = int(chunk["frame"].iloc[0]), int(chunk["frame"].iloc[-1])
        for k, sp in enumerate(spots):
            if sp.offset >= lo and sp.onset <= hi:
                part = chunk[(chunk["frame"] >= sp.onset) & (chunk["frame"] <= sp.offset)
                             & (chunk["face_id"] == sp.face_id)]
                wanted[k].append(part)
    return [describe_interval(pd.concat(parts), apex=sp.apex) if parts else None
            for sp, parts in zip(spots, wanted.values(), strict=True)]


def _write_spots(path: Path, spots: list[SpotRow], labels: list[Suggestion | None]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow((*SPOT_COLUMNS, "aus", "emotion", "emotion_p"))
        for s, lab in zip(spots, labels, strict=True):
            extra = ("", "", "") if lab is None else (lab.aus, lab.emotion,
                                                      "" if lab.confidence is None else lab.confidence)
            w.writerow([*(getattr(s, c) for c in SPOT_COLUMNS), *extra])


def _write_meta(result: AnalysisOutput, settings: AnalysisSettings, vfr: bool) -> None:
    meta = {
        "merstudio": __version__,
        "input": str(result.input),
        "input_path": str(Path(result.input).resolve()),
        "status": "complete" if result.complete else "partial",
        "frames_processed": result.frames,
        "frame_count": result.frame_count,
        "frames_found": result.frame_count,  # frames that decode: every one is analysed
        "frames_claimed": result.frames_claimed,  # the container's count (an estimate in some containers)
        "warnings": result.warnings,
        "fps": result.fps,
        "variable_frame_rate": bool(vfr),
        "csv": result.csv.name,
        "faces": result.face_ids,
        "spots": len(result.spots),
        "seconds": round(result.seconds, 3),
        "device": result.device,
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()},
    }
    with atomic_path(result.paths.meta) as tmp:
        tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
