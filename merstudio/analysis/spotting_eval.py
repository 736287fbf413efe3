"""Spotting evaluation on long videos, the MEGC way (`merstudio spotting`).

For each long video the ground-truth intervals (GT) and the spotted intervals (the spots of `merstudio analyze`,
`<name>.spots.csv`) are matched one to one with the inter-coder matcher (`merstudio.agreement.matching.
match_events`, with no boundary tolerance: IoU alone); a spot is a true positive when its IoU with its GT (frames,
both ends included) is at least `iou` (0.5). An unmatched GT is a false negative, an unmatched spot a false
positive. TP, FP and FN are pooled over all videos, then precision, recall and F1 (per expression type and overall).

Types: a GT interval has the type its sheet gives (CAS(ME)^2: micro-/macro-expression; a table's `type` column);
a table without one types it by its length: *micro* when it lasts at most MICRO_MAX_S (0.5 s, CAS(ME)^2's bound) at
the video's frame rate, else *macro*. A spot takes the type of the GT it matches; an unmatched one is typed by the
spotter's own bound (`merstudio.features.spotting.too_long`: 0.5 s and a frame of rounding), so every candidate the
spotter keeps as a micro-expression that matches nothing is a false positive of the micro row. Matching always uses all of a video's coded GT; `expression` only chooses the rows reported (a spot that
matched a macro-expression is neither a TP nor an FP of the micro row).

Frames: the analysis numbers a frame folder's images by their position in it (0, 1, ...; natural order), a video
by its 0-based frame index. CAS(ME)^2's onset/offset are image numbers (img<k>.jpg); they are turned into positions
by the folder's own listing, so a folder numbered from 1 or with a gap in its numbering is read right. A `table:`
CSV gives frame indices as merstudio indexes them (0-based positions).

Ground truth that is not coded (CAS(ME)^2 offset 0, a table row with no offset) is left out and counted.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from merstudio.atomic import check_not_input
from merstudio.errors import InputError

MICRO_MAX_S = 0.5  # a micro-expression lasts at most this long (CAS(ME)^2)
TYPES = ("micro", "macro")
EXPRESSIONS = ("micro", "macro", "all")
DATA_KINDS = ("casme_sq", "table")
CSV_COLUMNS = ("video", "kind", "onset", "offset", "type", "partner_onset", "partner_offset", "iou", "outcome")
DEFAULT_FPS = 30.0
REPORT_CSV, REPORT_MD = "spotting.csv", "spotting.md"  # written into the output folder on every run
REPORT_TITLE = "# Spotting evaluation"  # the report's first line (foreign_reports tells ours by it)


@dataclass(frozen=True)
class Span:
    """One interval of a long video, frames as the analysis indexes them (inclusive)."""

    onset: int
    offset: int
    type: str = ""  # "micro" / "macro" ("" for a spot until it is typed)
    source: str = ""  # where it was declared ("file: row N") or "spot"

    @property
    def apex(self) -> int:  # match_events reads an apex; with no tolerance only the IoU rule applies
        return (self.onset + self.offset) // 2

    @property
    def length(self) -> int:
        return self.offset - self.onset + 1


@dataclass
class LongVideo:
    name: str  # shown in the report and the CSV: "s15/15_0101disgustingteeth", or the table's path
    path: Path  # frame folder or video file
    gt: list[Span] = field(default_factory=list)


@dataclass
class GroundTruth:
    kind: str
    source: Path
    videos: list[LongVideo]
    fps: float | None = None  # the frame rate of the dataset's frame folders (None: the analysis' default)
    uncoded: int = 0  # GT left out: not coded (CAS(ME)^2 offset 0, a table row without an offset)
    skipped: list[str] = field(default_factory=list)  # bad rows left out (with allow_missing)
    notes: list[str] = field(default_factory=list)
    selected_from: int | None = None  # --video: the number of videos with ground truth before the selection

    @property
    def intervals(self) -> int:
        return sum(len(v.gt) for v in self.videos)


def parse_data(spec: str) -> tuple[str, Path]:
    """`casme_sq:ROOT` or `table:FILE.csv` -> (kind, path)."""
    from merstudio.datasets.loaders import canonical_kind

    kind, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise InputError(f"--data {spec}: give KIND:PATH (casme_sq:ROOT or table:FILE.csv)")
    k = canonical_kind(kind)
    if k not in DATA_KINDS:
        raise InputError(f"--data {spec}: {k} has no long videos with spotting ground truth (spotting reads "
                         "casme_sq:ROOT, CAS(ME)^2's long videos, or table:FILE.csv with video,onset,offset[,type])")
    return k, Path(rest).expanduser()


def load_truth(kind: str, path: Path, *, sheet: str | None = None, allow_missing: bool = False) -> GroundTruth:
    if not path.exists():
        raise InputError(f"{path}: not found")
    if kind == "casme_sq":
        return casme_sq_truth(path, sheet=sheet, allow_missing=allow_missing)
    if sheet is not None:
        raise InputError("--sheet applies to casme_sq only (a table: names its intervals itself)")
    return table_truth(path, allow_missing=allow_missing)


def folder_positions(folder: Path) -> dict[str, int]:
    """Image name -> the position the analysis gives it in a frame folder (merstudio.io's listing)."""
    from merstudio.io.listing import frame_files

    return {p.name: i for i, p in enumerate(frame_files(folder))}


def _type_of(text: str) -> str:
    low = text.strip().lower()
    return "macro" if "macro" in low else "micro" if "micro" in low else ""


def casme_sq_truth(root: Path, *, sheet: str | None = None, allow_missing: bool = False) -> GroundTruth:
    """CAS(ME)^2's coded intervals grouped by long video (rawpic/sNN/<folder>), as frame positions."""
    import warnings

    from merstudio.datasets.loaders import FPS, load_samples
    from merstudio.datasets.sample import DatasetWarning

    # every row is read (labels are not what spotting scores), and rows that are not coded are counted, not refused
    # (the loader's notes on them, e.g. a clip ending at its apex, are about classification clips)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DatasetWarning)
        ds = load_samples("casme_sq", root, classes="raw", sheet=sheet, variant="raw", expression="all",
                          allow_missing=True, verbose=False)
    uncoded = sum(1 for s in ds.skipped if "not coded" in s.reason)
    bad = [str(s) for s in ds.skipped if "not coded" not in s.reason]
    if bad and not allow_missing:
        raise InputError(f"{bad[0]}" + (f" (and {len(bad) - 1} more; --allow-missing leaves them out)"
                                        if len(bad) > 1 else " (--allow-missing leaves it out)"))
    videos: dict[Path, LongVideo] = {}
    positions: dict[Path, dict[str, int]] = {}
    for s in ds:
        if s.offset is None or not s.frames:
            uncoded += 1  # offset 0: the loader ends the clip at the apex; no interval to score
            continue
        folder = Path(s.path)
        pos = positions.get(folder)
        if pos is None:
            pos = positions[folder] = folder_positions(folder)
        first, last = pos.get(s.frames[0].name), pos.get(s.frames[-1].name)
        if first is None or last is None:  # an image the analysis does not read (a hidden file)
            what = f"{s.source}: {s.frames[0].name}..{s.frames[-1].name} not among the frames of {folder}"
            if not allow_missing:
                raise InputError(what)
            bad.append(what)
            continue
        video = videos.setdefault(folder, LongVideo(f"{folder.parent.name}/{folder.name}", folder))
        video.gt.append(Span(first, last, _type_of(str(s.meta.get("type", ""))), s.source))
    for v in videos.values():
        v.gt.sort(key=lambda g: (g.onset, g.offset))
    if not videos:
        raise InputError(f"{root}: no coded intervals to evaluate ({uncoded} not coded)")
    return GroundTruth("casme_sq", root, sorted(videos.values(), key=lambda v: v.name), FPS["casme_sq"], uncoded,
                       bad, list(ds.notes))


def _int(text: str, what: str, where: str) -> int | None:
    t = text.strip()
    if t == "":
        return None
    if not re.fullmatch(r"\d+(\.0*)?", t):
        raise InputError(f"{where}: {what} '{t[:40]}' is not a frame index (0, 1, ...)")
    return int(float(t))


def table_truth(path: Path, *, allow_missing: bool = False) -> GroundTruth:
    """A CSV with columns video (a video file or frame folder, relative to the CSV), onset, offset[, type]: frame
    indices as merstudio indexes them (0-based positions)."""
    from merstudio.datasets.parse import read_table_rows

    if path.is_dir():
        raise InputError(f"{path}: is a folder; table: names a CSV file (video,onset,offset[,type])")
    videos: dict[Path, LongVideo] = {}
    uncoded = 0
    skipped: list[str] = []
    for rowno, get in read_table_rows(path, "spotting table", ("video", "onset", "offset"), ("type",)):
        where = f"{path}: row {rowno}"
        try:
            if not get["video"]:
                raise InputError(f"{where}: empty video")
            target = Path(get["video"]).expanduser()
            target = target if target.is_absolute() else (path.parent / target)
            if not target.exists():
                raise InputError(f"{where}: {get['video']}: no such video or frame folder")
            onset = _int(get["onset"], "onset", where)
            offset = _int(get["offset"], "offset", where)
            if onset is None or offset is None:
                uncoded += 1
                continue
            if offset < onset:
                raise InputError(f"{where}: offset {offset} is before onset {onset}")
            kind = get.get("type", "")
            typ = _type_of(kind)
            if kind and not typ:
                raise InputError(f"{where}: type '{kind[:40]}' is neither micro nor macro")
        except InputError as exc:
            if not allow_missing:
                raise
            skipped.append(str(exc))
            continue
        key = Path(target.resolve())
        video = videos.setdefault(key, LongVideo(get["video"], target))
        video.gt.append(Span(onset, offset, typ, where))
    for v in videos.values():
        v.gt.sort(key=lambda g: (g.onset, g.offset))
    if not videos:
        raise InputError(f"{path}: no coded intervals to evaluate ({uncoded} not coded, {len(skipped)} bad)")
    return GroundTruth("table", path, list(videos.values()), None, uncoded, skipped)


def select_videos(truth: GroundTruth, names: Sequence[str]) -> None:
    """Keep the videos named (the report's name, the folder or file name, or its stem); an unknown name is refused."""
    if not names:
        return
    keep: list[LongVideo] = []
    for n in names:
        hits = [v for v in truth.videos if n in (v.name, v.path.name, v.path.stem, str(v.path))]
        if not hits:
            shown = ", ".join(v.name for v in truth.videos[:5]) + (", ..." if len(truth.videos) > 5 else "")
            raise InputError(f"--video {n}: no long video of that name with ground truth ({shown})")
        keep += [v for v in hits if v not in keep]
    truth.selected_from = len(truth.videos)
    truth.videos = keep


# ------------------------------------------------------------------------------------------ matching and scoring


def span_type(span: Span, fps: float | None) -> str:
    """micro when the interval lasts at most MICRO_MAX_S at `fps` (its `length` frames, both ends included, shown
    for length / fps seconds), else macro. The bound in frames is floored, never rounded: at 15 fps 8 frames last
    0.533 s (round() made 7.5 frames 8), at 29.97 fps 15 frames 0.5005 s."""
    rate = fps if fps and fps > 0 else DEFAULT_FPS
    # + 1e-9: a rate stored as 29.999999999 for 30 keeps its 15 frames
    return "micro" if span.length <= math.floor(MICRO_MAX_S * rate + 1e-9) else "macro"


def spot_type(span: Span, fps: float | None) -> str:
    """An unmatched spot's type: micro unless the spotter itself would have dropped it as too long. span_type's
    CAS(ME)^2 bound would make the spotter's own 16-frame candidates at 30 fps (0.533 s, within its frame of
    rounding) macro false positives, hiding them from the micro row."""
    from merstudio.features.spotting import too_long

    rate = fps if fps and fps > 0 else DEFAULT_FPS
    return "macro" if too_long(span.onset, span.offset, rate, MICRO_MAX_S) else "micro"


@dataclass
class VideoResult:
    video: LongVideo
    spots: list[Span]
    pairs: list[tuple[int, int, float]]  # (GT index, spot index, IoU)
    fps: float | None = None
    status: str = "ok"  # ok | no face | failed
    error: str = ""
    frames: int | None = None  # frames the analysis read (None: not known)

    @property
    def past_end(self) -> list[Span]:
        """Ground truth that ends past the video's last frame: another numbering (1-based, another rate)?"""
        return [g for g in self.video.gt if self.frames is not None and g.offset >= self.frames]

    @property
    def scored(self) -> bool:
        return self.status != "failed"


def match_video(gt: Sequence[Span], spots: Sequence[Span], iou: float = 0.5) -> list[tuple[int, int, float]]:
    """One-to-one pairs (GT index, spot index, IoU) with IoU >= iou (merstudio.agreement.matching, no tolerance)."""
    from merstudio.agreement.matching import interval_iou, match_events

    m = match_events(list(gt), list(spots), tolerance=0, iou=iou)
    return [(i, j, interval_iou(gt[i].onset, gt[i].offset, spots[j].onset, spots[j].offset)) for i, j in m.pairs]


def evaluate_video(video: LongVideo, spots: Sequence[Span], iou: float = 0.5, fps: float | None = None,
                   status: str = "ok", error: str = "") -> VideoResult:
    gt = [g if g.type else Span(g.onset, g.offset, span_type(g, fps), g.source) for g in video.gt]
    video = LongVideo(video.name, video.path, gt)
    pairs = match_video(gt, spots, iou) if status != "failed" else []
    partner = {j: i for i, j, _ in pairs}
    typed = [Span(s.onset, s.offset, gt[partner[j]].type if j in partner else spot_type(s, fps), s.source)
             for j, s in enumerate(spots)]
    return VideoResult(video, typed, pairs, fps, status, error)


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pooled(results: Sequence[VideoResult], expression: str = "all") -> dict[str, Score]:
    """TP/FP/FN summed over the scored videos, per type, and overall (both types) when `expression` is all."""
    want = TYPES if expression == "all" else (expression,)
    counts: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    for r in results:
        if not r.scored:
            continue
        gt_hit = {i for i, _, _ in r.pairs}
        spot_hit = {j for _, j, _ in r.pairs}
        for i, g in enumerate(r.video.gt):
            counts[g.type]["tp" if i in gt_hit else "fn"] += 1
        for j, s in enumerate(r.spots):
            if j not in spot_hit:
                counts[s.type]["fp"] += 1
    out = {t: Score(counts[t]["tp"], counts[t]["fp"], counts[t]["fn"]) for t in want}
    if expression == "all":
        out["overall"] = Score(*(sum(counts[t][k] for t in want) for k in ("tp", "fp", "fn")))
    return out


# ------------------------------------------------------------------------------------------ analysis


def read_spots(path: Path) -> list[Span]:
    """The intervals of a `<name>.spots.csv` (every face track's), in time order."""
    from merstudio.analysis.files import read_spot_rows

    return sorted((Span(s.onset, s.offset, "", "spot") for s in read_spot_rows(path)),
                  key=lambda s: (s.onset, s.offset))


@dataclass
class SpottingRun:
    truth: GroundTruth
    results: list[VideoResult]
    iou: float
    expression: str
    settings: Any  # AnalysisSettings
    model: dict[str, Any] | None = None  # the learned model (--checkpoint): checkpoint_record; None: none
    analysed: int = 0  # videos analysed by this run
    skipped_done: int = 0  # finished before (skipped)
    interrupted: bool = False

    def scores(self) -> dict[str, Score]:
        return pooled(self.results, self.expression)


def checkpoint_record(path: Path) -> dict[str, Any]:
    """The learned model a run analyses with (settings.checkpoint), as spotting.md records it: its path, SHA-256
    and classes. The checkpoint is loaded whole here, so that a missing, damaged or incompatible one is one line
    (CheckpointError) before any video is analysed, not a failure of every video."""
    from merstudio.analysis.outputs import file_digest
    from merstudio.model.checkpoint import load_checkpoint

    path = Path(path).expanduser()
    _, meta = load_checkpoint(path)
    return {"path": str(path.absolute()), "sha256": file_digest(path),
            "classes": [str(c) for c in meta["class_names"]]}


def run_spotting(truth: GroundTruth, out: Path, settings: Any, backend: Any, *, iou: float = 0.5,
                 expression: str = "all", overwrite: bool = False, retry_failed: bool = False,
                 notice: Callable[[str], None] | None = None,
                 on_result: Callable[[Any, Any], None] | None = None,
                 model: dict[str, Any] | None = None, segment_s: float | None = None,
                 on_plan: Callable[[Any], None] | None = None,
                 on_progress: Callable[[Any], None] | None = None) -> SpottingRun:
    """Analyse each long video into `out` as `merstudio analyze` does a batch (`batch.plan_batch`/`run_batch` on
    `backend`: local processes or Ray; `segment_s`: videos longer than this split into segments, the rows of an
    unsplit run), read its spots, match them to its GT and write `out`/spotting.csv and spotting.md. The folder is
    a batch folder like any: a video its manifest lists as done with the same content and settings (by this
    command, or by `merstudio analyze --ray` into it) is not analysed again. With settings.checkpoint the analysis
    uses that learned model (`model`: its checkpoint_record, made here when not given). The ground-truth file is
    never an output (OutputError before any video is analysed). `on_plan` hears the batch's plan before it runs
    (the CLI sizes its progress bar by it), `on_progress` the batch's `BatchProgress` while it runs."""
    from merstudio.analysis import batch as B
    from merstudio.analysis.files import output_paths

    if not 0.0 < iou <= 1.0:
        raise InputError(f"--iou must be within (0, 1], got {iou:g}")
    if expression not in EXPRESSIONS:
        raise InputError(f"--expression must be micro, macro or all (got {expression})")
    refuse_truth_as_report(truth, out)
    if settings.checkpoint is not None and model is None:
        model = checkpoint_record(settings.checkpoint)
    inputs = [v.path for v in truth.videos]
    plan = B.plan_batch(inputs, out, overwrite=overwrite, retry_failed=retry_failed, settings=settings,
                        fps=truth.fps, notice=notice)
    for item in plan.items:  # nor a video's analysis (table:OUT/clip.csv for clip.mp4, with --overwrite)
        for path in output_paths(plan.out, item.name).all():
            _refuse_truth_as_output(truth, path, f"the analysis of {item.input.name} would replace it")
    if plan.changed and notice is not None:  # a folder analysed with other options: not reused, and said why
        notice(plan.changed_text("video(s)"))
    if on_plan is not None:
        on_plan(plan)
    result = B.run_batch(plan, settings, backend, fps=truth.fps, on_progress=on_progress, on_result=on_result,
                         on_notice=notice, segment_s=segment_s)
    run = SpottingRun(truth, [], iou, expression, settings, model, sum(1 for r in result.outputs if r.complete),
                      len(plan.done), result.interrupted)
    if result.interrupted:
        return run
    manifest = plan.manifest
    assert manifest is not None  # plan_batch reads or starts one
    for v in truth.videos:
        row = manifest.rows.get(B.Manifest.key(v.path))
        if row is None or row.status != "done" or not row.output:
            error = row.error if row is not None and row.error else "not analysed"
            run.results.append(evaluate_video(v, [], iou, row.fps if row else None, "failed", error))
            continue
        paths = output_paths(out, row.output)
        faces: list[Any] = []
        try:
            faces = list(json.loads(paths.meta.read_text(encoding="utf-8")).get("faces") or [])
        except (OSError, ValueError):
            pass
        spots = read_spots(paths.spots)
        fps = row.fps if row.fps else truth.fps
        res = evaluate_video(v, spots, iou, fps, "ok" if faces else "no face")
        res.frames = row.frames
        run.results.append(res)
    write_csv(run, out / REPORT_CSV)
    write_report(run, out / REPORT_MD)
    return run


def refuse_truth_as_report(truth: GroundTruth, out: Path) -> None:
    """The report's files are written on every run: never over the ground truth itself (table:OUT/spotting.csv),
    --overwrite or not (OutputError saying so, before any video is analysed)."""
    for report in (out / REPORT_CSV, out / REPORT_MD):
        _refuse_truth_as_output(truth, report, "the report would replace it")


def foreign_reports(out: Path) -> list[str]:
    """The report names (spotting.csv, spotting.md) that `out` holds as something an earlier spotting run did not
    write (a user's own notes, another tool's table, a folder): a run rewrites its own reports, never those
    (the CLI refuses them without --overwrite). Told by the first line each report starts with."""
    heads = {REPORT_CSV: ",".join(CSV_COLUMNS), REPORT_MD: REPORT_TITLE}
    foreign = []
    for name, head in heads.items():
        path = out / name
        if not os.path.lexists(path):
            continue
        try:
            with open(path, encoding="utf-8", newline="") as f:
                first = f.readline(len(head) + 2).rstrip("\r\n")
        except (OSError, ValueError):  # a folder, unreadable, not text: not a report of ours
            first = None
        if first != head:
            foreign.append(name)
    return foreign


def _refuse_truth_as_output(truth: GroundTruth, path: Path, why: str) -> None:
    """OutputError (one line, before anything is written) when `path` is the ground-truth file itself."""
    check_not_input(path, truth.source, f" (the ground truth); {why}: write to another folder (-o)")


# ------------------------------------------------------------------------------------------ files


def csv_rows(results: Sequence[VideoResult]) -> list[list[str]]:
    rows: list[list[str]] = []
    for r in results:
        by_gt = {i: (j, v) for i, j, v in r.pairs}
        by_spot = {j: (i, v) for i, j, v in r.pairs}
        for i, g in enumerate(r.video.gt):
            hit = by_gt.get(i)
            if hit is None:
                rows.append([r.video.name, "gt", str(g.onset), str(g.offset), g.type, "", "", "",
                             "FN" if r.scored else "not scored"])
            else:
                s = r.spots[hit[0]]
                rows.append([r.video.name, "gt", str(g.onset), str(g.offset), g.type, str(s.onset), str(s.offset),
                             f"{hit[1]:.3f}", "TP"])
        for j, s in enumerate(r.spots):
            hit = by_spot.get(j)
            if hit is None:
                rows.append([r.video.name, "spot", str(s.onset), str(s.offset), s.type, "", "", "", "FP"])
            else:
                g = r.video.gt[hit[0]]
                rows.append([r.video.name, "spot", str(s.onset), str(s.offset), s.type, str(g.onset),
                             str(g.offset), f"{hit[1]:.3f}", "TP"])
    return rows


def write_csv(run: SpottingRun, path: Path) -> None:
    from merstudio.atomic import write_text_atomic

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(csv_rows(run.results))
    write_text_atomic(path, buf.getvalue())


def score_table(scores: dict[str, Score]) -> list[str]:
    """The markdown table; a ratio with nothing to count (no spot, no interval of that type) is '–', not 0."""
    def ratio(value: float, counted: int) -> str:
        return f"{value:.3f}" if counted else "–"

    lines = ["| expression | TP | FP | FN | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, s in scores.items():
        lines.append(f"| {name} | {s.tp} | {s.fp} | {s.fn} | {ratio(s.precision, s.tp + s.fp)} | "
                     f"{ratio(s.recall, s.tp + s.fn)} | {ratio(s.f1, s.tp + s.fp + s.fn)} |")
    return lines


def macro_note(scores: dict[str, Score]) -> str:
    """The line under the table when macro-expressions are scored: the spotter looks for micro-expressions only
    (merstudio.features.spotting: at most 0.5 s and a frame), so its macro row is 0 by design, and the overall row
    counts those intervals as missed. '' when no macro-expression is coded or the macro row is not reported."""
    m = scores.get("macro")
    if m is None or m.tp + m.fn == 0:
        return ""
    return (f"macro: merstudio's spotter looks for micro-expressions only (at most {MICRO_MAX_S:g} s and a frame), "
            f"so the {m.tp + m.fn} macro-expression(s) count as missed here and in the overall row: read the micro "
            "row for the spotter")


def video_notes(run: SpottingRun) -> list[str]:
    notes = []
    for r in run.results:
        if r.status == "failed":
            notes.append(f"{r.video.name}: analysis failed ({' '.join(r.error.split())[:300]}); its "
                         f"{len(r.video.gt)} interval(s) are left out of the scores")
        elif r.status == "no face":
            notes.append(f"{r.video.name}: no face found; its {len(r.video.gt)} interval(s) count as missed")
        if r.past_end:
            g = r.past_end[0]
            notes.append(f"{r.video.name}: {len(r.past_end)} interval(s) end past its last frame ({r.frames} frames; "
                         f"e.g. {g.onset}-{g.offset}): frames numbered from 1, or at another rate? They count as "
                         "missed")
    return notes


def model_line(model: dict[str, Any] | None) -> str:
    """spotting.md's line on the learned model: which checkpoint (path, SHA-256, classes), or none."""
    if model is None:
        return "- learned model: none (no --checkpoint; a spot's suggested emotion is the FACS class of its AUs)"
    return (f"- learned model (--checkpoint): {model['path']} (sha256 {model['sha256']}; classes "
            f"{', '.join(model['classes'])}): it names each spot's emotion (emotion, emotion_p of the videos' "
            "spots.csv); the intervals scored are the micro-motion spotter's either way")


def report_text(run: SpottingRun) -> str:
    t = run.truth
    scored = [r for r in run.results if r.scored]
    gt_types = Counter(g.type for r in scored for g in r.video.gt)
    lines = [
        REPORT_TITLE, "",
        f"- data: {t.kind}:{t.source}",
        f"- videos: {len(run.results)} with ground truth, {len(scored)} scored"
        f" ({sum(1 for r in run.results if r.status == 'failed')} failed)"
        + (f"; only those named by --video ({len(run.results)} of {t.selected_from})"
           if t.selected_from is not None else ""),
        f"- ground-truth intervals scored: {sum(gt_types.values())} ("
        + ", ".join(f"{k} {gt_types.get(k, 0)}" for k in TYPES) + f"); not coded (left out): {t.uncoded}"
        + (f"; bad rows left out (--allow-missing): {len(t.skipped)}" if t.skipped else ""),
        f"- spots: {sum(len(r.spots) for r in scored)}",
        f"- matching: one to one per video, a TP at IoU >= {run.iou:g} (frames, both ends included); "
        f"expression: {run.expression}; an unmatched spot is micro when it lasts <= {MICRO_MAX_S:g} s "
        "and a frame (the spotter's bound)",
        model_line(run.model),
        "- analysis settings (merstudio analyze's defaults unless given): "
        + ", ".join(f"{k}={v}" for k, v in asdict(run.settings).items())
        + (f", fps of the frame folders {t.fps:g}" if t.fps else ""),
        "",
        *score_table(run.scores()),
    ]
    note = macro_note(run.scores())
    if note:
        lines += ["", note]
    notes = video_notes(run)
    if notes:
        lines += ["", "Notes:", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def write_report(run: SpottingRun, path: Path) -> None:
    from merstudio.atomic import write_text_atomic

    write_text_atomic(path, report_text(run))
