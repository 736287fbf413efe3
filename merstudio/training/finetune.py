"""Fine-tune a checkpoint on a project's accepted and corrected events, with an honest held-out evaluation.

What is trained on: every event with status ``accepted`` (manual, imported, or an accepted model proposal) whose
emotion is one of the checkpoint's classes (directly, or through an optional class map), plus, when the checkpoint
has a ``none`` class, windows of the same videos lying away from every event (of any status), and optionally a
dataset (``mix_with``). The network input of each event is built exactly as for training:
``merstudio.datasets.preprocess`` on the event's video (onset -> apex, face detected and aligned on the onset
frame, the checkpoint's input settings), cached on disk like any dataset's. In a video of several people the face
is the event's own: the one on its box from the project's stored landmarks (a `none` window: the face seen most),
never simply the largest.

Held-out evaluation: whole videos (or whole subjects: the per-video ``subject:<id>`` project setting, set with
``merstudio project subject``, else the video's file stem; with no subject set at all holding out by subject is
refused) are held out, never single frames or events. The split is decided before any input is built;
the training loop is handed a copy of the training rows only (``DataArrays.subset``), and the held-out rows stay
here to be predicted by the parent (before) and the fine-tuned model (after). The held-out events are therefore
not part of the new checkpoint's training data at all; its metadata lists both sets. A mixed dataset
(``mix_with``) sample whose frames come from a held-out video (the same file or frame folder, a copy of it, or a
held-out frame folder's clip name: ``held_out_match``) is left out of training too, and the result counts them
(``n_mix_held_out``).

Training starts from the parent's weights: AdamW, cosine learning-rate decay, class-balanced sampling and the
parent's augmentation settings. Batch-norm statistics adapt to the project's videos by default (they are often
far from the parent's training data: another camera, another flow range); `freeze_norm=True` keeps the parent's.

The events, the `none` windows and the held-out split are chosen in ``merstudio.training.finetune_split`` (their
names are importable from here too); this module builds the inputs, runs the steps and writes the result.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import math
import re
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from merstudio.errors import CheckpointError, InputError
from merstudio.io import natural_sort_key
from merstudio.model.checkpoint_meta import MIXED_TRAINING_DATA, mixed_training_sets
from merstudio.model.columns import NONE_CLASS
from merstudio.names import name_sort_key
from merstudio.regular_files import sha256_of
from merstudio.training.finetune_split import (
    DEFAULT_HOLDOUT_FRACTION,
    HOLDOUT_MIN_CLASSES,
    HOLDOUT_MIN_SAMPLES,
    MIN_TRAIN_PER_CLASS,
    SPLIT_SETTING,
    Collected,
    Item,
    RunSplit,
    check_counts,
    class_map_record,
    collect_events,
    collect_samples,
    event_records,
    fresh_text,
    group_names,
    held_and_fresh_text,
    holdout_basis,
    label_key,
    label_resolver,
    locked_none,
    locked_split,
    metric_rows,
    named_groups,
    none_items,
    none_windows,
    parse_holdout,
    run_split,
    split_holdout,
    split_note,
    store_split,
    suggest_class_map,
    thin_classes_text,
    trained_events,
    trained_samples,
    trained_windows,
    video_groups,
)
from merstudio.training.metrics import compute_metrics
from merstudio.training.protocols import DataArrays
from merstudio.training.trainer import (
    TrainingCancelled,
    TrainProgress,
    TrainSettings,
    fit_model,
    keeps_caller_state,
    predict,
    seed_everything,
)

# the public names, those of finetune_split included (imported from here by the CLI, the dialog and the tests)
__all__ = [
    "DEFAULT_HOLDOUT_FRACTION", "HOLDOUT_MIN_CLASSES", "HOLDOUT_MIN_SAMPLES", "MIN_TRAIN_PER_CLASS",
    "SPLIT_SETTING", "FinetuneResult", "Item", "LossFn", "ProgressFn", "StageFn", "build_inputs", "check_counts",
    "collect_events", "collect_samples", "events_rows", "figures_scope", "file_sha256", "finetune", "fresh_text",
    "glob_escape", "group_names", "held_out_match", "holdout_basis", "label_resolver", "load_mix", "locked_split", "named_groups",
    "next_version_path", "none_windows", "none_windows_text", "parse_holdout", "preprocess_settings",
    "scored_samples", "split_holdout", "split_note", "store_split", "suggest_class_map", "trained_events",
    "video_groups",
]

# When the training rows lack some of the model's classes: the weight of the parent's probabilities on the rows
# (learning without forgetting) against the labels' loss (trainer.step_loss: (1 - w) * labels + w * distillation);
# 0 = none, the classes' rows still kept. On a105's repro (15 epochs, no `others` events; 309 lab samples) 0.5 held
# mean p(others) at .145 (parent .171, full softmax .086) and UF1 at .446 (parent .514, full softmax .417).
KEEP_DISTILL_WEIGHT = 0.5

ProgressFn = Callable[[int, int], None]
StageFn = Callable[[str], None]
LossFn = Callable[[int, int, float], None]  # (epoch 1-based, epochs, mean training loss)


@dataclass
class FinetuneResult:
    checkpoint: Path
    class_names: list[str]
    before: dict[str, Any]  # compute_metrics of the parent on the held-out samples
    after: dict[str, Any]  # ... and of the fine-tuned model
    holdout: dict[str, Any]  # by, groups, videos, subjects, events, n
    train_events: list[int]
    holdout_events: list[int]
    coders: list[str]
    train_counts: dict[str, int]
    holdout_counts: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)  # emotion -> events not in the model's classes
    # the preset class map that would use the `skipped` events, (name, n), named only where the run's samples and
    # those events under it would pass check_counts at the run's min_per_class (suggest_class_map with its items,
    # as the refusal and the dialog name it); None when a map was given or none would pass
    class_map_hint: tuple[str, int] | None = None
    n_mix: int = 0  # mixed dataset samples trained on
    n_mix_held_out: int = 0  # mixed samples left out: their frames come from a held-out video
    # the model's time steps when the mixed data holds single flow images, each repeated at every step (0: none);
    # the CLI warns as train and evaluate do (cli.train.single_images_warning)
    mix_images_repeated: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    # The project's locked held-out split with this run added (store it with store_split; finetune() does when
    # it can open the project for writing: split_saved), and what the caller must say about the comparison.
    split: dict[str, Any] = field(default_factory=dict)
    split_saved: bool = False
    split_note: str = ""
    # what the held-out figures rest on (holdout_basis): samples per class, classes present, estimate or not
    basis: dict[str, Any] = field(default_factory=dict)
    parent_metrics: dict[str, Any] | None = None  # the parent's own evaluation, named (the checkpoint keeps it)
    # expressions coded more than once, merged into one sample, and those left out for disagreeing codings
    # (finetune_split.Collected.note; '' when none): the CLI and the dialog say it
    samples_note: str = ""
    # the events coded on the held-out videos since the split was locked, scored apart (fresh_figures; None when
    # there are none): no earlier run saw them, so they check settings the locked events' scores chose
    fresh: dict[str, Any] | None = None
    # each held-out sample as scored (scored_samples): its event (None: a 'none' window), video, frames, coded class
    # and the class read before and after; the checkpoint keeps it as finetune.held_out_scored
    scored: list[dict[str, Any]] = field(default_factory=list)
    span_s: float = 0.2  # the model's per-frame window (its input settings' span_s), for figures_scope

    def table(self) -> str:
        """Before/after on the held-out samples, as aligned text."""
        rows = [("", "before", "after"), *((name, _fmt(b), _fmt(a))
                                           for name, b, a in metric_rows(self.before, self.after, self.class_names))]
        w = max(len(r[0]) for r in rows) + 2
        return "\n".join(f"{r[0]:<{w}}{r[1]:>8}{r[2]:>8}" for r in rows)

    def events_table(self) -> str:
        """Each held-out event's class before and after (events_rows), as aligned text, then the 'none' windows
        counted (none_windows_text); "" when nothing was scored."""
        rows = events_rows(self.scored)
        if not rows:
            return none_windows_text(self.scored)
        rows = [("video", "frames", "coded", "before", "after"), *rows]
        widths = [max(len(r[k]) for r in rows) + 2 for k in range(4)]
        lines = ["".join(f"{c:<{w}}" for c, w in zip(r[:4], widths, strict=False)) + r[4] for r in rows]
        none = none_windows_text(self.scored)
        return "\n".join([*lines, *([none] if none else [])])


def figures_scope(span_s: float = 0.2) -> str:
    """What fine-tuning's held-out figures measure, in words (the CLI and the dialog say it beside them, after
    "what the figures measure: "; the checkpoint keeps it as finetune.scored_on): a93
    coded a smile `surprise`, read "F1 surprise 0.000 -> 0.667" and took it that proposals would now say
    surprise; but the two events scored right were stretches the app never asks the model about, and the frames
    it does ask about still read positive."""
    return ("each held-out event's coded onset -> apex frames, given to the model whole, not the app's proposals: "
            f"an analysis asks the model only about the frames that pass its motion gate, each with the {span_s:g} s "
            "before it, so the proposals on these videos may not change as the figures do (re-analyse them with "
            "the new model to see)")


def scored_samples(items: Sequence[Item], y: np.ndarray, before: np.ndarray, after: np.ndarray,
                   class_names: Sequence[str], video_names: dict[str, str]) -> list[dict[str, Any]]:
    """Each held-out sample (`items`, in the rows' order) as scored: its event id (None for a 'none' window), its
    video's name, onset/apex/offset, the coded class (as mapped) and the class the parent (`before`, (N, K)
    probabilities) and the new model (`after`) read, with their probability: what the per-class figures are made
    of, so a user sees which events changed."""
    out = []
    for it, k, pb, pa in zip(items, y, before, after, strict=True):
        b, a = int(np.argmax(pb)), int(np.argmax(pa))
        out.append({"event": it.event_id, "video": video_names.get(str(it.video_id), str(it.video_id)),
                    "onset": int(it.onset), "apex": int(it.apex), "offset": int(it.offset),
                    "label": class_names[int(k)], "before": class_names[b], "before_p": round(float(pb[b]), 4),
                    "after": class_names[a], "after_p": round(float(pa[a]), 4)})
    return out


def events_rows(scored: Sequence[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """The coded events among `scored` (scored_samples; a checkpoint's finetune.held_out_scored) as rows of
    (video, "onset-apex-offset", coded class, class before with its probability, after), by video and onset."""
    events = sorted((s for s in scored if s.get("event") is not None),
                    key=lambda s: (natural_sort_key(str(s["video"])), s["onset"], s["event"]))
    return [(str(s["video"]), f"{s['onset']}-{s['apex']}-{s['offset']}", str(s["label"]),
             _read_as(s["before"], s.get("before_p"), s["label"]), _read_as(s["after"], s.get("after_p"), s["label"]))
            for s in events]


def _read_as(cls: str, p: Any, coded: str) -> str:
    """"surprise .71 ✓" (the coded class), "positive .62" (another)."""
    prob = f" {p:.2f}".replace(" 0.", " .") if isinstance(p, int | float) else ""
    return f"{cls}{prob}" + (" ✓" if cls == coded else "")


def none_windows_text(scored: Sequence[dict[str, Any]]) -> str:
    """The held-out 'none' windows in a line: how many the parent and the new model read as none ("" when none
    were held out)."""
    windows = [s for s in scored if s.get("event") is None]
    if not windows:
        return ""
    n = len(windows)
    right = [sum(1 for s in windows if s[when] == s["label"]) for when in ("before", "after")]
    return (f"{n} '{NONE_CLASS}' window{'s' * (n != 1)} (frames away from every event): read as {NONE_CLASS} "
            f"{right[0]} before, {right[1]} after")


def _fmt(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


# --------------------------------------------------------------------------------------------- inputs


def preprocess_settings(meta: dict[str, Any], cfg: Any, where: str) -> Any:
    """The PreprocessSettings the checkpoint was trained with (meta['input']['preprocess'] when present,
    else derived from meta['input'])."""
    from merstudio.datasets.preprocess import PreprocessSettings
    from merstudio.model.inputs import InputSettings
    from merstudio.training.data import MODALITY_TO_PREP

    inp = meta.get("input") if isinstance(meta.get("input"), dict) else {}
    if inp and inp.get("normalise", "minmax") != "minmax":
        raise CheckpointError(f"{where}: input normalisation '{inp.get('normalise')}' cannot be rebuilt from "
                              "video for fine-tuning (only minmax)")
    prep = inp.get("preprocess") if inp else None
    try:
        if isinstance(prep, dict):
            known = {f.name for f in dataclasses.fields(PreprocessSettings)}
            s = PreprocessSettings(**{k: v for k, v in prep.items() if k in known})
        else:
            ins = InputSettings.from_dict(inp) if inp else InputSettings(
                modality={3: "flow", 1: "grey", 4: "flow+grey"}[cfg.in_channels], size=cfg.input_size, T=cfg.T)
            s = PreprocessSettings(modality=MODALITY_TO_PREP[ins.modality], size=ins.size, T=ins.T,
                                   flow=ins.flow_method, spacing=ins.spacing, framing=ins.box)
    except (InputError, TypeError) as exc:
        raise CheckpointError(f"{where}: bad input settings ({exc})") from None
    if s.channels != cfg.in_channels or s.size != cfg.input_size or s.T != cfg.T:
        raise CheckpointError(f"{where}: input settings ({s.modality}, {s.size} px, T={s.T}) do not fit the model "
                              f"({cfg.in_channels} channels, {cfg.input_size} px, T={cfg.T})")
    return s


def build_inputs(items: Sequence[Item], video_paths: dict[int, Path], fps: dict[int, float], prep: Any, *,
                 cache_dir: str | Path | None = None, progress: ProgressFn | None = None,
                 cancel: Callable[[], bool] | None = None, where: str = "project") -> np.ndarray:
    """(N, T, C, S, S) inputs of the items, through datasets.preprocess (face alignment, flow, cache).
    progress(done, total) from (0, total) on, one step per sample; cancel is checked before each sample."""
    from merstudio.datasets.preprocess import PreprocessCancelled, prepare
    from merstudio.datasets.sample import Sample

    samples = [Sample(dataset="project", subject=it.group, sample=it.sample.replace(":", "_"), label=it.label,
                      raw_label=it.label, path=video_paths[it.video_id], onset=it.onset, apex=it.apex,
                      offset=it.offset, fps=fps.get(it.video_id),
                      meta={"kind": "video", "source": f"{where}: {it.sample.replace(':', ' ')}",
                            **({"face_box": list(it.face_box)} if it.face_box is not None else {})})
               for it in items]
    if progress is not None:  # how many, before the first (MediaPipe's start-up: seconds) is done
        progress(0, len(samples))
    try:
        X, _info = prepare(samples, prep, progress=progress, cancel=cancel, cache_dir=cache_dir)
    except PreprocessCancelled:
        raise TrainingCancelled("fine-tuning cancelled") from None
    return X


def _arrays(items: Sequence[Item], X: np.ndarray, class_names: Sequence[str], aus: Sequence[int]) -> DataArrays:
    from merstudio.model.priors import au_targets_from_sets

    index = {c: i for i, c in enumerate(class_names)}
    au, mask = au_targets_from_sets([it.aus for it in items], list(aus))
    return DataArrays(X=X, y=np.array([index[it.label] for it in items], dtype=np.int64),
                      subjects=np.array([it.group for it in items], dtype=object),
                      samples=np.array([it.sample for it in items], dtype=object),
                      datasets=np.array(["project"] * len(items), dtype=object), au=au, au_mask=mask)


def _concat(a: DataArrays, b: DataArrays) -> DataArrays:
    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(a, name), getattr(b, name)])

    return DataArrays(X=cat("X"), y=cat("y"), subjects=cat("subjects"), samples=cat("samples"),
                      datasets=cat("datasets"), au=cat("au"), au_mask=cat("au_mask"))


def _resolved(path: str | Path) -> Path:
    p = Path(path).expanduser()
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a path that cannot be resolved
        return p.absolute()


def held_out_match(sample: Any, held: Sequence[str | Path], videos: Sequence[Any] = ()) -> str | None:
    """Whether a mixed dataset sample (merstudio.datasets Sample) comes from one of the held-out videos, given
    where they are (`held`) and their project records (`videos`, merstudio.project Video): "path" when its video
    file, frame folder or frames' folder is one of them (paths resolved: a link, a relative path or `..` name the
    same file); "copy" when that file or folder has a held-out video's content (the project's own test of a moved
    video: its content hash, a frame folder's file names and sizes); "clip" when a held-out video is a frame folder
    (a dataset clip added to the project) whose name is the sample's clip name (its frame folder's name, or its
    sample name: another copy of the clip, or flow images computed from it); else None."""
    from merstudio.project.store import Project

    held_paths = {_resolved(h) for h in held}
    own = {_resolved(sample.path)}
    own.update(_resolved(f).parent for f in (sample.frames or [])[:1])
    if own & held_paths:
        return "path"
    if any(Project.matches(p, v) for p in own for v in videos):
        return "copy"
    clips = {h.name.casefold() for h in held_paths if h.is_dir()}
    if not clips:
        return None
    names = {str(sample.sample).casefold()}
    if sample.frames is not None or Path(sample.path).is_dir():
        names.add(Path(sample.path).name.casefold())
    return "clip" if names & clips else None


@dataclass
class Mixed:
    """A mixed-in dataset as load_mix prepared it: the arrays (subjects and samples named "mix:<id>"), the samples
    left out ({"path" | "copy" | "clip": count}), what trained the model as a `training_data` record (the checkpoint's
    MIXED_TRAINING_DATA: `merstudio evaluate` on these people is fit, not accuracy) and whether it holds single flow
    images (one step each: repeated at every step of a T > 1 model)."""

    data: DataArrays
    left: dict[str, int]
    record: dict[str, Any]
    images: bool = False


def load_mix(spec: str, class_names: Sequence[str], prep: Any, aus: Sequence[int], *, classes: Any = None,
             cache_dir: str | Path | None = None, log: Callable[..., Any] = print,
             held_out: Sequence[str | Path] = (),
             held_videos: Sequence[Any] = (), options: Any = None) -> Mixed:
    """A dataset (a --data spec, read with the loader `options`: a LoadOptions, the --mix-modality, ... flags)
    prepared with the checkpoint's input settings, its labels re-indexed to the
    checkpoint's classes (default class map: the model's own class names), less the samples that come from one
    of the held-out videos (held_out_match: where they are, `held_out`, and their project records, `held_videos`),
    with the record of what it trains (Mixed)."""
    from merstudio.synth.dataset import DATASET_NAME as SYNTHETIC
    from merstudio.training.data import PREP_TO_MODALITY, load_arrays
    from merstudio.training.run import data_fingerprint, subject_fingerprints

    real = [c for c in class_names if c != NONE_CLASS]
    cls = classes if classes is not None else ",".join(real)
    modality = PREP_TO_MODALITY[prep.modality]
    listed: list[Any] = []  # the samples behind the arrays' rows: where each one's frames are (listed once)
    data, info = load_arrays(spec, classes=cls, input_kind=modality, size=prep.size, steps=prep.T, spacing=prep.spacing,
                             flow=prep.flow, aus=list(aus), cache_dir=cache_dir, framing=prep.framing, log=log,
                             options=options, option_flags="--mix-", on_samples=listed.append)
    index = {label_key(c): i for i, c in enumerate(class_names)}
    remap = []
    for c in info["class_names"]:
        if label_key(c) not in index:
            raise InputError(f"{spec}: class '{c}' of the mixed data is not one of the model's classes "
                             f"({', '.join(class_names)}); give a class map that maps onto them")
        remap.append(index[label_key(c)])
    data.y = np.asarray(remap, dtype=np.int64)[data.y]
    left: Counter[str] = Counter()
    if (held_out or held_videos) and len(data):
        why = [held_out_match(s, held_out, held_videos) for s in listed[0]]
        assert len(why) == len(data)  # load_arrays makes one row per sample, in order
        left.update(w for w in why if w is not None)
        if left:
            data = data.subset(np.flatnonzero([w is None for w in why]))
    # recorded as `merstudio train --final` records its data (its subjects' ids and inputs as evaluate reads this
    # --data: before the "mix:" names), so that evaluate says which of them trained the fine-tuned model
    record = {"description": info["description"], "spec": spec, "loader_options": info["loader_options"],
              "n_samples": len(data), "n_subjects": len(data.subject_list), "class_map": info.get("class_map", ""),
              "subjects": list(data.subject_list), "subject_inputs": subject_fingerprints(data),
              "data_fingerprint": data_fingerprint(data),
              "synthetic": bool(len(data)) and all(str(d) == SYNTHETIC for d in data.datasets)}
    data.subjects = np.array([f"mix:{s}" for s in data.subjects], dtype=object)
    data.samples = np.array([f"mix:{s}" for s in data.samples], dtype=object)
    images = any(getattr(x, "kind", None) == "image" for x in (listed[0] if listed else ()))
    return Mixed(data, dict(left), record, images)


# --------------------------------------------------------------------------------------------- files


def file_sha256(path: str | Path) -> str:
    return sha256_of(path)


_FT = re.compile(r"^(?P<base>.+?)-ft(?P<n>\d+)$")


def next_version_path(parent: str | Path, folder: str | Path) -> Path:
    """<parent stem>-ftN<suffix> in `folder`, N one more than the parent's own N and than any existing file's
    (a fine-tune of starter-ft1.pt is starter-ft2.pt, never starter-ft1-ft1.pt)."""
    p = Path(parent)
    m = _FT.match(p.stem)
    base, n = (m.group("base"), int(m.group("n"))) if m else (p.stem, 0)
    suffix = p.suffix or ".pt"
    folder = Path(folder)
    if folder.is_dir():
        for q in folder.glob(f"{glob_escape(base)}-ft*{suffix}"):
            mq = _FT.match(q.stem)
            if mq and mq.group("base") == base:
                n = max(n, int(mq.group("n")))
    return folder / f"{base}-ft{n + 1}{suffix}"


def glob_escape(s: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", s)


# --------------------------------------------------------------------------------------------- the steps


def _as_cancel(cancel: Callable[[], bool] | threading.Event | None) -> Callable[[], bool] | None:
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def _check_cancel(cancel: Callable[[], bool] | None) -> None:
    """Stop between steps when asked (TrainingCancelled): nothing is written then."""
    if cancel is not None and cancel():
        raise TrainingCancelled("fine-tuning cancelled")


def _metrics(y: np.ndarray, probs: np.ndarray, class_names: Sequence[str]) -> dict[str, Any]:
    m = compute_metrics(y, probs.argmax(1), list(class_names))
    m.pop("per_dataset", None)
    return m


@dataclass
class _Parent:
    """The checkpoint a run starts from, and the input settings its inputs are rebuilt with."""

    path: Path  # as given (user expanded)
    model: Any  # MENet
    meta: dict[str, Any]
    class_names: list[str]
    prep: Any  # PreprocessSettings

    @property
    def cfg(self) -> Any:
        return self.model.cfg


def _load_parent(ckpt: Path) -> _Parent:
    """The parent checkpoint; refused (CheckpointError) when its inputs cannot be rebuilt from video."""
    from merstudio.model.checkpoint import load_checkpoint

    model, meta = load_checkpoint(ckpt)
    return _Parent(ckpt, model, meta, list(model.cfg.class_names), preprocess_settings(meta, model.cfg, str(ckpt)))


def _mix_options(options: Any, mix_with: str | None, mix_classes: Any, class_names: Sequence[str]) -> Any:
    """The loader options of the mixed dataset (a LoadOptions), checked now: an option the --mix dataset's kind
    does not read fails before any work, not after the inputs are built."""
    from merstudio.datasets import LoadOptions

    mix_opts = options if options is not None else LoadOptions()
    if mix_opts.given():
        if not mix_with:
            raise InputError(f"{mix_opts.flags('--mix-')}: loader options of the mixed dataset (mix_options= / "
                             "--mix-OPTION): give the dataset too (mix_with= / --mix DATA)")
        from merstudio.training.data import parse_data_spec

        mix_cls = mix_classes if mix_classes is not None else ",".join(c for c in class_names if c != NONE_CLASS)
        mix_opts.check(parse_data_spec(mix_with)[0], mix_cls, "--mix-")
    return mix_opts


@dataclass
class _Plan:
    """What a run trains and is scored on, read from the project before any input is built."""

    items: list[Item]  # the accepted events with a class (collect_events)
    skipped: dict[str, int]  # emotion -> accepted events left out
    split: RunSplit
    none_items: list[Item]  # `none` windows, on both sides of the split
    parent_trained: set[int]  # the project's events the parent (and the fine-tunings it descends from) trained on
    names: dict[str, str]  # the split's groups, named for a person (group_names)
    video_names: dict[str, str]  # the videos, named for a person
    paths: dict[int, Path]  # where each video with events is now
    fps: dict[int, float]
    held_paths: list[Path]  # where the held-out videos' frames are (read for mix_with only) ...
    held_records: list[Any]  # ... and their project records
    videos: dict[int, Any] = field(default_factory=dict)  # the project's Video records by id (the checkpoint names them)
    collected: Collected | None = None  # what collect_samples merged and left out
    parent_windows: set[str] = field(default_factory=set)  # the `none` windows on frames the parent trained on

    def parent_fit(self, items: Sequence[Item]) -> tuple[int, int]:
        """How many of `items` (events, `none` windows) the parent trained on: their 'before' and 'after' scores are
        fit, not held out (the new model starts from the parent's weights)."""
        n_events = sum(1 for it in items if it.event_id is not None and self.parent_trained.intersection(it.event_ids()))
        return n_events, sum(1 for it in items if it.event_id is None and it.sample in self.parent_windows)

    def train_items(self) -> list[Item]:
        """The training samples: the events outside the held-out groups, then their `none` windows."""
        return ([self.items[i] for i in self.split.train_idx]
                + [it for it in self.none_items if it.group not in self.split.groups])

    def held_items(self) -> list[Item]:
        """The held-out samples, in the same order."""
        return ([self.items[i] for i in self.split.held_idx]
                + [it for it in self.none_items if it.group in self.split.groups])

    def fresh_items(self) -> list[Item]:
        """The events coded on the held-out groups since the split was locked: neither trained nor in the locked
        scoring (RunSplit.fresh_idx)."""
        return [self.items[i] for i in self.split.fresh_idx]

    def summary(self, by: str) -> str:
        """What the run uses and holds out, in a line for the log."""
        counts = ", ".join(f"{c} {n}" for c, n in sorted(Counter(i.label for i in self.items).items()))
        # trained, scored and fresh (scored apart) counted each by itself: the fresh ones are in neither of the others
        held = held_and_fresh_text(len(self.split.held_idx), len(self.split.fresh_idx))
        return (f"{len(self.items)} events ({counts}): {len(self.split.train_idx)} to train on, {held}; "
                f"{len(self.none_items)} '{NONE_CLASS}' windows; holding out "
                f"{by} {named_groups(sorted(self.split.groups, key=natural_sort_key), self.names)}")


def _read_project(ppath: Path, parent: _Parent, *, by: str, fraction: float, seed: int, fresh_split: bool,
                  min_per_class: int, class_map: Any, none_per_video: int | None, mix_with: str | None,
                  say: Callable[..., Any]) -> _Plan:
    """Everything a run needs from the project, in one opening of it: the usable events (refused when too few:
    check_counts), the held-out split (run_split: the locked one, else a new draw), where the videos are, where
    the held-out videos' frames are (for mix_with) and the `none` windows (when the model has that class)."""
    from merstudio.project.store import Project

    where, class_names = str(ppath), parent.class_names
    project = Project.open(ppath)
    try:
        # each video's relative path refreshed from where the file lies now, by the one refresh of every opening for
        # writing (the CLI's open_project, the app's): a project moved within its tree trained on the original
        # tree's videos, where a copy of the tree has its own (nothing in a project opened read-only: the app's)
        note = project.refresh_relpaths_on_open()
        if note:  # the run goes on: its videos are still found by their stored paths
            warnings.warn(note, UserWarning, stacklevel=2)
        got = collect_samples(project, class_names, by=by, class_map=class_map, where=where)
        items, skipped = got.items, got.skipped
        check_counts(items, class_names, min_per_class, where, skipped=skipped, suggest=class_map is None)
        videos = {v.id: v for v in project.videos()}
        # by id in this project, and by video content and frames (a copied or moved project's events)
        parent_trained = trained_events(parent.meta, ppath, items, videos)
        names = group_names(project, by)  # the messages name videos by file name, not by id
        split = run_split(project, items, by, fraction, seed=seed, fresh=fresh_split, min_train=min_per_class,
                          avoid=parent_trained, names=names, where=where, say=say)
        paths = _video_paths(project, sorted({it.video_id for it in items}), videos, where)
        held_paths, held_records = (_held_out_frames(project, by, split.groups, videos, paths, where) if mix_with
                                    else ([], []))
        none = (none_items(project, items, split.train_idx, videos, per_video=none_per_video,
                           min_per_class=min_per_class) if NONE_CLASS in class_names else [])
        if none:  # the held-out ones the split locked: later runs score on the same samples
            none = locked_none(split, none, project, items)
        return _Plan(items, skipped, split, none, parent_trained, names, group_names(project, "video"), paths,
                     {vid: videos[vid].fps for vid in paths}, held_paths, held_records, videos, got,
                     trained_windows(parent.meta, none, videos))
    finally:
        project.close()


def _video_paths(project: Any, video_ids: Sequence[int], videos: dict[int, Any], where: str) -> dict[int, Path]:
    """Where each video is now (a moved one found by the project); a missing one is refused, saying why."""
    paths: dict[int, Path] = {}
    for vid in video_ids:
        found = project.locate_video(vid)
        if found is None:
            raise InputError(f"{where}: video {videos[vid].path} (id {vid}): {project.missing_reason(vid)}; "
                             "relocate it in the app or put it beside the project")
        paths[vid] = found
    return paths


def _held_out_frames(project: Any, by: str, groups: set[str], videos: dict[int, Any], paths: dict[int, Path],
                     where: str) -> tuple[list[Path], list[Any]]:
    """Where the held-out videos' frames are (every video of a held-out group, events or not; where it is now
    and where the project recorded it), and their project records: a mixed sample taken from them is left out of
    training (held_out_match)."""
    held_paths: list[Path] = []
    held_records: list[Any] = []
    for vid, group in video_groups(project, by, where).items():
        if group in groups:
            held_records.append(videos[vid])
            held_paths.append(Path(videos[vid].path))
            now = paths.get(vid) or project.locate_video(vid)
            if now is not None:
                held_paths.append(Path(now))
    return held_paths, held_records


def _build_arrays(train_items: Sequence[Item], held_items: Sequence[Item], plan: _Plan, parent: _Parent, *,
                  cache_dir: str | Path | None, progress: ProgressFn | None, cancel: Callable[[], bool] | None,
                  where: str) -> tuple[DataArrays, DataArrays]:
    """The network inputs of the training and the held-out samples, built in one pass (one progress count) and
    handed back as copies: the training loop gets `train` only, and nothing it holds refers to the held-out rows."""
    items = [*train_items, *held_items]
    X = build_inputs(items, plan.paths, plan.fps, parent.prep, cache_dir=cache_dir, progress=progress,
                     cancel=cancel, where=where)
    data = _arrays(items, X, parent.class_names, parent.cfg.aus)
    train = data.subset(np.arange(len(train_items)))
    held = data.subset(np.arange(len(train_items), len(items)))
    leaked = set(train.samples.tolist()) & set(held.samples.tolist())
    leaked_groups = set(train.subjects.tolist()) & set(held.subjects.tolist())
    if leaked or leaked_groups:  # cannot happen by construction; a guard against future edits
        raise RuntimeError(f"held-out samples in the training data: {sorted(leaked | leaked_groups)[:5]}")
    return train, held


def _mix_in(train: DataArrays, mix_with: str, parent: _Parent, plan: _Plan, *, classes: Any, options: Any,
            cache_dir: str | Path | None, say: Callable[..., Any]) -> tuple[DataArrays, Mixed]:
    """`train` with the mixed dataset appended (load_mix), less its samples taken from a held-out video (said, with
    why), and the mixed dataset (Mixed: how many samples trained, how many were left out, its record)."""
    mixed = load_mix(mix_with, parent.class_names, parent.prep, parent.cfg.aus, classes=classes,
                     cache_dir=cache_dir, log=say, held_out=plan.held_paths, held_videos=plan.held_records,
                     options=options)
    mix, left = mixed.data, mixed.left
    n_mix, n_held = len(mix), sum(left.values())
    if n_held:
        how = ", ".join(f"{left[k]} {what}" for k, what in (("path", "the same file or frame folder"),
                                                             ("copy", "a copy of one"),
                                                             ("clip", "the same clip name")) if left.get(k))
        say(f"mixed dataset {mix_with} (mix_with= / --mix): left out {n_held} sample{'s' * (n_held != 1)} taken "
            f"from the held-out video(s) ({how}); training on the other {n_mix}")
    return _concat(train, mix), mixed


def _train_settings(parent: _Parent, *, epochs: int, lr: float, batch_size: int, seed: int,
                    device: str, keeps: bool = True) -> TrainSettings:
    """The parent's training settings (augmentation, sampling, averaging) with this run's epochs, lr, batch size,
    seed and device, and none of what a few events cannot use: no inner validation, warm-up or mixup. ``keeps``:
    some classes have no events, so the parent's probabilities are learnt too; else no distillation (recorded as
    off, not as the weight a run without it never used)."""
    stored = parent.meta.get("training")
    settings = TrainSettings.from_dict({**TrainSettings().to_dict(), **(stored if isinstance(stored, dict) else {})})
    return dataclasses.replace(settings, epochs=int(epochs), lr=float(lr), batch_size=int(batch_size),
                               seed=int(seed), device=device, val_fraction=0.0, warmup_epochs=0, mixup=0.0,
                               # the parent's own teachers are not retrained; its probabilities are the target of
                               # the classes the project has no events of (KEEP_DISTILL_WEIGHT)
                               distill_teachers=0, distill_weight=KEEP_DISTILL_WEIGHT if keeps else 0.0,
                               distill_temperature=1.0,
                               # predicts as its parent does (flip-averaged or not): before/after compare alike
                               tta_flip=getattr(parent.model, "tta_flip", None) is not None)


def _au_prior(parent: _Parent, train: DataArrays) -> torch.Tensor | None:
    """The AU -> class prior of the consistency loss: the parent's own, else one estimated from the training rows;
    None when the model has no such loss."""
    cfg = parent.cfg
    if not (cfg.use_au and cfg.w_consistency > 0):
        return None
    stored = parent.meta.get("prior")
    if stored is not None and np.asarray(stored).shape == (len(cfg.aus), cfg.n_classes):
        return torch.tensor(np.asarray(stored, dtype=np.float32))
    from merstudio.model.priors import estimate_prior

    return estimate_prior(train.au, train.y, train.au_mask, cfg)


def _train(parent_model: Any, train: DataArrays, settings: TrainSettings, prior: torch.Tensor | None, *,
           freeze_norm: bool, cancel: Callable[[], bool] | None, progress: ProgressFn | None,
           loss_callback: LossFn | None, keep: Sequence[int] = (),
           soft: np.ndarray | None = None) -> tuple[Any, list[dict[str, Any]]]:
    """A copy of the parent trained on `train` through the one epoch loop (trainer.fit_model), and its history;
    progress(epoch, epochs) and loss_callback(epoch, epochs, loss) follow every epoch. `keep`: the classes `train`
    has no rows of, kept as the parent had them (trainer.KeptClasses), `soft` the parent's probabilities on the
    rows (their distillation target)."""
    model = copy.deepcopy(parent_model)

    def on_epoch(p: TrainProgress) -> None:
        if loss_callback is not None:
            loss_callback(p.epoch, p.epochs, p.loss)
        if progress is not None:
            progress(p.epoch, p.epochs)

    # the seed decides everything random in training (dropout and MixStyle draw from torch's global generator):
    # the same seed and data give the same weights, as in trainer.train_fold
    seed_everything(settings.seed)
    history = fit_model(model, train, settings, prior, freeze_norm=freeze_norm, cancel=cancel, progress=on_epoch,
                        cancel_message="fine-tuning cancelled", keep=keep, soft_targets=soft if keep else None)
    return model, history


def _span_s(meta: dict[str, Any]) -> float:
    """The per-frame window of the checkpoint's input settings (span_s; the default when it records none)."""
    inp = meta.get("input")
    span = inp.get("span_s") if isinstance(inp, dict) else None
    return float(span) if isinstance(span, int | float) and span > 0 else 0.2


def _fresh_figures(fresh: DataArrays, items: Sequence[Item], before_model: Any, after_model: Any,
                   class_names: Sequence[str], parent_fit: int = 0) -> dict[str, Any]:
    """Before/after on the events coded on the held-out videos since the split was locked (a fresh set: no earlier
    run's choice saw them), what the figures rest on, and the events."""
    summary = lambda m: {k: m[k] for k in ("uf1", "uar", "accuracy", "n", "per_class")}  # noqa: E731
    labels = [class_names[k] for k in fresh.y]
    return {"n": len(fresh), "events": _event_ids(items),
            "before": summary(_metrics(fresh.y, predict(before_model, fresh.X)[0], class_names)),
            "after": summary(_metrics(fresh.y, predict(after_model, fresh.X, device="cpu")[0], class_names)),
            "basis": holdout_basis(labels, class_names, parent_fit)}


def _event_ids(items: Sequence[Item]) -> list[int]:
    """The project event ids among the samples (a `none` window has none), sorted."""
    return sorted(it.event_id for it in items if it.event_id is not None)


def _holdout_info(held_items: Sequence[Item], held: DataArrays, held_events: list[int], plan: _Plan, by: str,
                  fraction: float, class_names: Sequence[str]) -> dict[str, Any]:
    """The held-out set as the result and the new checkpoint record it: its groups, videos, events, samples and
    their labels."""
    videos = sorted({it.video_id for it in held_items})
    return {"by": by, "fraction": fraction, "groups": sorted(plan.split.groups, key=natural_sort_key),
            "videos": videos, "video_names": [plan.video_names[str(v)] for v in videos],
            "events": held_events, "n": len(held),
            "samples": held.samples.tolist(), "labels": [class_names[k] for k in held.y],
            "n_none": int(sum(1 for it in held_items if it.event_id is None))}


def _checkpoint_meta(result: FinetuneResult, parent: _Parent, parent_hash: str, ppath: Path,
                     settings: TrainSettings, prior: torch.Tensor | None, *, parent_trained: set[int],
                     n_none_train: int, mix_with: str | None, mix_opts: Any, freeze_norm: bool,
                     plan: _Plan, class_map: Any, mixed: Mixed | None = None) -> dict[str, Any]:
    """The new checkpoint's metadata: the parent's, less what describes the parent's own file, plus its lineage,
    the run's training settings, the held-out metrics, and the fine-tuning record (events, coders, split, before
    and after, mixed data, history). ``training_data`` stays the parent's and MIXED_TRAINING_DATA adds the mixed
    dataset to the parent's own (what `merstudio evaluate` checks for people the model has seen: every one of
    checkpoint_meta.training_sets); what this run trained on, readable without the project
    (each event's video by name and content, its frames, mapped label and coder), the held-out events the same
    way, the class map and the seed are in ``finetune``."""
    summary = lambda m: {k: m[k] for k in ("uf1", "uar", "accuracy", "n", "per_class", "confusion")}  # noqa: E731
    before, after, ckpt = result.before, result.after, parent.path
    meta = {k: v for k, v in parent.meta.items()
            if k not in ("model_config", "n_parameters", "merstudio_version", "created", "format_version")}
    meta.update({
        "parent": str(ckpt.resolve()),
        "parent_sha256": parent_hash,
        "lineage": [*(parent.meta.get("lineage") or []),
                    {"path": str(ckpt.resolve()), "sha256": parent_hash, "created": parent.meta.get("created")}],
        "training": settings.to_dict(),
        "metrics": {"protocol": f"fine-tuning hold-out by {result.holdout['by']} ({result.holdout['n']} samples)",
                    "uf1": after["uf1"], "uar": after["uar"], "accuracy": after["accuracy"], "n": after["n"],
                    "before_uf1": before["uf1"], "before_uar": before["uar"],
                    # what they rest on: a reader of the file alone can tell 2 samples of one class from a test
                    "per_class_n": result.basis["per_class"], "classes_present": result.basis["classes_present"],
                    "n_classes": result.basis["n_classes"], "estimate": result.basis["estimate"],
                    # held-out samples the parent trained on: fit, not held out (not an estimate when any)
                    "parent_fit": result.basis.get("parent_fit", 0), "basis": result.basis["text"]},
        # the parent's own evaluation, which "metrics" replaces: kept, named (a fine-tuned parent's with its own)
        "parent_metrics": result.parent_metrics,
        # the parent's mixed-in datasets (one of before 2026-12-07 by its spec alone) and this run's: the weights
        # were fit to them all
        MIXED_TRAINING_DATA: [*mixed_training_sets(parent.meta), *([mixed.record] if mixed is not None else [])],
        "finetune": {
            "project": str(ppath.resolve()),
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "events": result.train_events,
            "trained_on": event_records(plan.train_items(), plan.videos),
            "held_out": event_records(plan.held_items(), plan.videos),
            "class_map": class_map_record(class_map),  # None: the coders' emotions by class name
            "seed": settings.seed,
            "split_seed": plan.split.record.get("seed"),
            # with the fine-tunings this one descends from (same project): what a later run must not score on
            "trained_events": sorted(parent_trained | {e for it in plan.train_items() for e in it.event_ids()}),
            # the same by video content and frames, 'none' windows included: found in a copied or moved project too
            "trained_samples": trained_samples(parent.meta, plan.train_items(), plan.videos),
            "coders": result.coders,
            "train_counts": result.train_counts,
            "holdout": result.holdout,
            "holdout_counts": result.holdout_counts,
            "before": summary(before),
            "after": summary(after),
            # each held-out sample's class before and after (the confusion matrices cannot say which changed), and
            # what they were scored on: the coded onset -> apex input, not the analysis' gated per-frame windows
            "held_out_scored": result.scored,
            "scored_on": figures_scope(result.span_s),
            "skipped_labels": result.skipped,
            "fresh": result.fresh,  # the held-out videos' events coded since the lock, scored apart
            # one expression coded twice trained once (event ids, the one kept first); disagreeing ones not at all
            "coded_twice": {"merged": [list(m) for m in plan.collected.merged],
                            "conflicts": plan.collected.conflicts,
                            # those of `merged` that a proposal joined by lying inside a coder's longer event
                            "contained": plan.collected.contained} if plan.collected else None,
            "n_none_train": n_none_train,
            "mix": {"spec": mix_with, "n": result.n_mix, "left_out_held_out": result.n_mix_held_out,
                    **({"loader_options": mix_opts.given()} if mix_opts.given() else {})} if mix_with else None,
            "epochs": settings.epochs,
            "lr": settings.lr,
            "freeze_norm": bool(freeze_norm),
            "history": result.history,
        },
    })
    if prior is not None:
        meta["prior"] = prior.cpu().numpy().tolist()
    return meta


def _parent_metrics(parent: _Parent, parent_hash: str) -> dict[str, Any] | None:
    """The parent checkpoint's evaluation as its metadata holds it, with its file's name and hash (and, when the
    parent was fine-tuned itself, its own parent's under "parent_metrics"); None when it records none."""
    own = parent.meta.get("metrics")
    if not isinstance(own, dict):
        return None
    record = {"checkpoint": parent.path.name, "sha256": parent_hash, **own}
    grand = parent.meta.get("parent_metrics")
    if isinstance(grand, dict):
        record["parent_metrics"] = grand
    return record


def _with_run(record: dict[str, Any], out: Path, meta: dict[str, Any], result: FinetuneResult,
              mix: Any) -> dict[str, Any]:
    """The project's split record with this run added (`mix`: how the mixed data was read, or None)."""
    ft = meta["finetune"]
    return {**record, "runs": [*record.get("runs", []), {
        "created": ft["created"], "checkpoint": str(out), "parent_sha256": meta["parent_sha256"],
        "epochs": ft["epochs"], "lr": ft["lr"], "freeze_norm": ft["freeze_norm"], "mix": mix,
        "n_held_out": result.holdout["n"], "before_uf1": result.before["uf1"], "after_uf1": result.after["uf1"],
        "after_uar": result.after["uar"],
        "n_fresh": result.fresh["n"] if result.fresh else 0,  # coded since the lock on held-out videos, apart
        # 2 held-out samples of one class scored UF1 1.000: such a run is no best run (finetune_split._best_uf1)
        "estimate": result.basis["estimate"]}]}


# --------------------------------------------------------------------------------------------- main entry


@keeps_caller_state()  # it seeds the global generators and sets torch's threads: the caller's come back
def finetune(project_path: str | Path, checkpoint_path: str | Path, out_path: str | Path | None = None, *,
             holdout: str | float = "video", mix_with: str | None = None, mix_classes: Any = None,
             mix_options: Any = None,
             class_map: Any = None, epochs: int = 15, lr: float = 1e-3, batch_size: int = 8, seed: int = 0,
             fresh_split: bool = False,
             device: str = "auto", freeze_norm: bool = False, min_per_class: int = MIN_TRAIN_PER_CLASS, none_per_video: int | None = None,
             cache_dir: str | Path | None = None, progress: ProgressFn | None = None,
             cancel: Callable[[], bool] | threading.Event | None = None, loss_callback: LossFn | None = None,
             stage: StageFn | None = None, log: Callable[..., Any] | None = None) -> FinetuneResult:
    """Fine-tune `checkpoint_path` on the project's accepted events; write the new checkpoint (out_path, or the
    next free <parent>-ftN.pt beside the project) and return what was done and the before/after metrics.

    progress(done, total) counts the inputs being built (stage "inputs") and then the epochs (stage "training");
    stage(name) announces "inputs", "before", "training", "after", "saving"; loss_callback(epoch, epochs, loss)
    follows every epoch. cancel (a callable or threading.Event) stops at the next sample or batch with
    TrainingCancelled; nothing is written then. Too few events -> InputError naming the class and its count.
    The checkpoint is written (atomically), then the run recorded in the project's split (its path absolute); an
    interrupt before the run is recorded removes the file, so the record and the files agree.

    The held-out split is locked per project: the first fine-tuning holding out by video (or subject) draws it
    (seeded) and records it in the project; later runs hold out the same groups whatever their seed, so their
    scores compare like with like, and each run is recorded on it. Because choosing among runs by those scores
    spends the held-out events, the result's split_note says so from the second run on; fresh_split draws a
    new split (new seed) and starts a new record. mix_options (merstudio.datasets.LoadOptions): how the mix_with
    dataset is read (--mix-modality VIS, ...), as `merstudio train` reads --data with --modality VIS."""
    from merstudio.model.checkpoint import save_checkpoint

    cancel_fn = _as_cancel(cancel)
    say = log or (lambda *a, **k: None)
    stage_fn = stage or (lambda name: None)
    if epochs < 1 or lr <= 0 or batch_size < 1 or min_per_class < 1:
        raise InputError("fine-tuning needs epochs >= 1, lr > 0, batch size >= 1 and min-per-class >= 1")
    parent = _load_parent(Path(checkpoint_path).expanduser())
    class_names = parent.class_names
    by, fraction = parse_holdout(holdout)
    mix_opts = _mix_options(mix_options, mix_with, mix_classes, class_names)
    ppath = Path(project_path).expanduser()
    plan = _read_project(ppath, parent, by=by, fraction=fraction, seed=seed, fresh_split=fresh_split,
                         min_per_class=min_per_class, class_map=class_map, none_per_video=none_per_video,
                         mix_with=mix_with, say=say)
    train_items, held_items = plan.train_items(), plan.held_items()
    say(plan.summary(by))

    stage_fn("inputs")
    fresh_items = plan.fresh_items()
    train, held = _build_arrays(train_items, [*held_items, *fresh_items], plan, parent, cache_dir=cache_dir,
                                progress=progress, cancel=cancel_fn, where=str(ppath))
    fresh = held.subset(np.arange(len(held_items), len(held)))  # scored apart from the locked events
    held = held.subset(np.arange(len(held_items)))
    n_mix = n_mix_held = 0
    mixed = None
    if mix_with:
        train, mixed = _mix_in(train, mix_with, parent, plan, classes=mix_classes, options=mix_opts,
                               cache_dir=cache_dir, say=say)
        n_mix, n_mix_held = len(mixed.data), sum(mixed.left.values())

    trained_counts = Counter(class_names[k] for k in train.y)
    thin = thin_classes_text(trained_counts, class_names)
    if thin:  # before the time is spent: the way out (--mix, more events) is the user's to take
        say(thin)
    keep = [k for k, c in enumerate(class_names) if not trained_counts[c]]  # kept as the parent had them

    _check_cancel(cancel_fn)
    stage_fn("before")
    p_before = predict(parent.model, held.X)[0]
    before = _metrics(held.y, p_before, class_names)
    settings = _train_settings(parent, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, device=device,
                               keeps=bool(keep))
    prior = _au_prior(parent, train)
    # the parent's probabilities on these samples, learnt alongside the labels when classes are kept (learning
    # without forgetting: what the project cannot teach, it should not unlearn)
    soft = predict(parent.model, train.X)[0] if keep and settings.distill_weight > 0 else None
    stage_fn("training")
    model, history = _train(parent.model, train, settings, prior, freeze_norm=freeze_norm, cancel=cancel_fn,
                            progress=progress, loss_callback=loss_callback, keep=keep, soft=soft)
    stage_fn("after")
    model.cpu()
    p_after = predict(model, held.X, device="cpu")[0]
    fresh_figures = (_fresh_figures(fresh, fresh_items, parent.model, model, class_names,
                                    sum(plan.parent_fit(fresh_items))) if len(fresh) else None)
    after = _metrics(held.y, p_after, class_names)

    _check_cancel(cancel_fn)
    stage_fn("saving")
    # absolute: the split's runs[].checkpoint named it relative to the command's folder ("ft/r0/tiny-ft1.pt")
    out = Path(out_path).expanduser() if out_path is not None else next_version_path(parent.path, ppath.parent)
    out = out.absolute()
    train_events, held_events = _event_ids(train_items), _event_ids(held_items)
    result = FinetuneResult(
        checkpoint=out, class_names=class_names, before=before, after=after,
        holdout=_holdout_info(held_items, held, held_events, plan, by, fraction, class_names),
        train_events=train_events, holdout_events=held_events,
        coders=sorted({it.coder for it in train_items if it.event_id is not None and it.coder}, key=name_sort_key),
        train_counts=dict(trained_counts),
        holdout_counts=dict(Counter(class_names[k] for k in held.y)), skipped=plan.skipped,
        class_map_hint=(suggest_class_map(class_names, plan.skipped, plan.items, min_per_class)
                        if class_map is None and plan.skipped else None),
        n_mix=n_mix, n_mix_held_out=n_mix_held, history=history,
        mix_images_repeated=int(parent.prep.T) if mixed is not None and mixed.images and parent.prep.T > 1 else 0,
        basis=holdout_basis([class_names[k] for k in held.y], class_names, sum(plan.parent_fit(held_items))),
        scored=scored_samples(held_items, held.y, p_before, p_after, class_names, plan.video_names),
        span_s=_span_s(parent.meta))
    parent_hash = file_sha256(parent.path)
    result.parent_metrics = _parent_metrics(parent, parent_hash)
    result.samples_note = plan.collected.note() if plan.collected else ""
    result.fresh = fresh_figures
    meta = _checkpoint_meta(result, parent, parent_hash, ppath, settings, prior, parent_trained=plan.parent_trained,
                            n_none_train=sum(1 for it in train_items if it.event_id is None), mix_with=mix_with,
                            mix_opts=mix_opts, freeze_norm=freeze_norm, plan=plan, class_map=class_map,
                            mixed=mixed)
    mix_read = mix_opts.describe(mix_with) if mix_with else mix_with
    result.split = _with_run(plan.split.record, out, meta, result, mix_read)
    save_checkpoint(out, model, meta)  # atomic: the whole file or none
    try:
        result.split_saved = store_split(ppath, result.split)
    except BaseException:  # Ctrl-C before the run was recorded: no checkpoint the project's record misses
        out.unlink(missing_ok=True)
        raise
    # counts the runs of every split of the project scored on these events, spent ones included
    fit_events, fit_windows = plan.parent_fit(held_items)  # merged events too: the parent may have had either
    result.split_note = " ".join(t for t in (plan.split.note, split_note(
        result.split, parent_overlap=fit_events, parent_windows=fit_windows)) if t)
    return result
