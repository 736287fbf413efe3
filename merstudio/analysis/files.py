"""Running the pipeline into files: `<name>.csv` (per frame), `<name>.spots.csv`, `<name>.meta.json`.

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

    @property
    def csv(self) -> Path:
        return self.paths.csv if self.complete else self.paths.partial

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def output_names(inputs: Sequence[Path]) -> list[str]:
    """A unique, readable output name per input (`clip`, or `parent_clip` where stems collide)."""
    stems = [Path(p).stem if Path(p).suffix else Path(p).name for p in inputs]
    names = []
    for p, s in zip(inputs, stems, strict=True):
        if stems.count(s) > 1:
            s = f"{Path(p).resolve().parent.name}_{s}"
        names.append(s)
    # still colliding (same parent name too): number them
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if names.count(n) == 1 else f"{n}_{seen[n]}")
    return out


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
            labels = label_spots(rows_file, spots) if rows_file.exists() else [None] * len(spots)
            _write_spots(paths.spots if complete else paths.spots.with_suffix(".partial.csv"), spots, labels)
            if complete:
                os.replace(paths.partial, paths.csv)
            result = AnalysisOutput(Path(input_path), paths, analysis.frames_done, source.frame_count,
                                    source.fps, complete, seconds, analysis.face_ids(), spots, labels, n_rows,
                                    analysis.device)
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
                             usecols=lambda c: c in ("frame", "face_id", "success") or c.endswith("_c")
                             or c.startswith("p_")):
        lo, hi = int(chunk["frame"].iloc[0]), int(chunk["frame"].iloc[-1])
        for k, sp in enumerate(spots):
            if sp.offset >= lo and sp.onset <= hi:
                part = chunk[(chunk["frame"] >= sp.onset) & (chunk["frame"] <= sp.offset)
                             & (chunk["face_id"] == sp.face_id)]
                wanted[k].append(part)
    return [describe_interval(pd.concat(parts)) if parts else None for parts in wanted.values()]


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
        "status": "complete" if result.complete else "partial",
        "frames_processed": result.frames,
        "frame_count": result.frame_count,
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
