"""Run an evaluation protocol (LOSO / k-fold by subject) into a run folder, resumably.

Run folder layout:
    run.json            what identifies the run (data fingerprint, classes, model + training settings, protocol)
    folds/NNN_<name>.csv   one per finished fold: that fold's test predictions (written atomically when it ends)
    folds/NNN_<name>.json  that fold's training history and time
    predictions.csv     all folds pooled
    metrics.json        pooled metrics (accuracy, UF1, UAR, per class, per dataset, confusion)
    summary.md          config, class map, pooled metrics, tables, confusion matrix
    confusion.png

Killing a run and starting it again with the same arguments keeps the finished folds.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import re
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from merstudio import __version__
from merstudio.atomic import atomic_path, write_set, write_text_atomic
from merstudio.errors import InputError, MerstudioError, OutputError
from merstudio.execution import Backend, Cancelled, WorkerLost, backend_from_args, run_tasks
from merstudio.interrupts import keeping
from merstudio.model.config import (
    ABLATION_ALIASES,
    ABLATION_NAMES,
    ABLATION_SWITCHES,
    ABLATIONS,
    ALL_ABLATIONS,
    TRAIN_ABLATION_NAMES,
)
from merstudio.training.checks import fold_class_gaps
from merstudio.training.cpu import cpu_bfloat16_path
from merstudio.training.metrics import (
    compute_metrics,
    confusion_image,
    confusion_matrix,
    format_confusion_table,
    format_per_class_table,
    format_per_dataset_table,
    scores_from_confusion,
)
from merstudio.training.protocols import DataArrays, Fold, make_folds, split_fold, validation_subjects
from merstudio.training.run_folders import check_new_run_folder
from merstudio.training.trainer import (
    ProgressFn,
    TrainingCancelled,
    TrainSettings,
    dist_info,
    keeps_caller_state,
    predict,
    swa_first_epoch,
    train_fold,
)

ALL_ABLATION_NAMES = {**ABLATION_NAMES, **TRAIN_ABLATION_NAMES}
# Settings left out of run.json, so a resumed run may differ in them. Not the thread count: it changes the figures
# (megc2019-dev kfold:4, 6 epochs, seed 3: UF1 .658 on 1 thread, .654 on 2, each reproducible), so run.json records
# the count a run trains with (resolved_threads) and a resume on another count is refused with the other settings.
_VOLATILE = ("device",)
# Settings recorded only since a date: a record without them ran with a count nobody wrote down, so it is not
# compared on them (an older run folder still resumes).
_RECORDED_SINCE = {"train": ("num_threads",)}  # 2026-12-06
# Recorded in run.json but free to differ on resume: the version, and the arithmetic "auto" chose on the machine
# (a resume on another CPU or a GPU changes rounding only).
# recorded, not compared on resume: the data as --data spelt it ("table:dev/x.csv" from one folder, an absolute
# path from another) is identified by data_fingerprint, which is compared
# the configuration's origin is the file's, which a resume may name by another path (its settings are compared)
# the CPU's bfloat16 path (cpu_bfloat16_path) likewise: a record, so that two machines' figures can be compared
# where the folds ran (backend: in-process, local processes, Ray and its address) is a record too: a resume may run
# elsewhere, and folds are seeded, so it gives the same figures
# what made the run (provenance: versions, date, command line, the command that runs it again) is a record as well
_RECORD_ONLY = ("merstudio_version", "arithmetic", "cpu_bfloat16", "data", "config_origin", "backend", "provenance")
# the input's record of what the training inputs were (training.data: precomputed flow images, clips), beside the
# settings the app prepares video with: recorded, not compared (an older run folder lacks it and still resumes)
_INPUT_RECORD_ONLY = ("training_source",)


def parse_ablate(spec: str | Sequence[str] | None) -> list[str]:
    if not spec:
        return []
    parts = [p.strip().lower() for p in (spec.split(",") if isinstance(spec, str) else spec) if p.strip()]
    parts = [ABLATION_ALIASES.get(p, p) for p in parts if p != "none"]
    bad = [p for p in parts if p not in ALL_ABLATIONS]
    if bad:
        # "--ablate BAD: ..." as `merstudio ablate` renames it (--parts); before it, the library's argument
        raise InputError(f"parts={','.join(bad)!r} / --ablate {','.join(bad)}: unknown part; choose from "
                         f"{','.join(ALL_ABLATIONS)} (au = fam)")
    return sorted(set(parts), key=ALL_ABLATIONS.index)


def apply_ablation(model_cfg: Any, settings: TrainSettings, parts: Sequence[str]) -> tuple[Any, TrainSettings]:
    """The configuration and training settings with `parts` (parse_ablate names) switched off."""
    model_parts = [p for p in parts if p in ABLATIONS]
    if model_parts:
        model_cfg = model_cfg.ablate(model_parts)
    train_off = dict(ABLATION_SWITCHES[p] for p in parts if p in TRAIN_ABLATION_NAMES)
    return model_cfg, replace(settings, **train_off) if train_off else settings


def ablated_parts(model_cfg: Any, settings: TrainSettings | None = None) -> list[str]:
    """The ablation parts a configuration (and its training settings, when given) has switched off, read from
    them (in ALL_ABLATIONS order): what a run records, whatever the caller says."""
    off = model_cfg.switched_off()
    if settings is not None:
        off += [p for p in TRAIN_ABLATION_NAMES if not getattr(settings, ABLATION_SWITCHES[p][0]) > 0]
    return off


def data_fingerprint(data: DataArrays) -> str:
    h = hashlib.sha1()
    for arr in (data.subjects, data.samples, data.datasets):
        h.update("\x1f".join(str(v) for v in arr).encode())
    h.update(np.ascontiguousarray(data.y, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(data.X, dtype=np.float32).tobytes())
    h.update(np.ascontiguousarray(data.au, dtype=np.float32).tobytes())
    if data.options:  # --modality VIS, --variant cropped, ...: other frames under the same names are other data
        h.update(f"\x1eloader {data.options}".encode())
    return h.hexdigest()[:16]


def sample_fingerprint(x: np.ndarray) -> str:
    """A short hash of one sample's network input (its float32 bytes): 12 hex digits, enough to tell a data set's
    samples apart and small enough to keep one per training sample in a checkpoint."""
    return hashlib.sha1(np.ascontiguousarray(x, dtype=np.float32).tobytes()).hexdigest()[:12]


def subject_fingerprints(data: DataArrays) -> dict[str, list[str]]:
    """Per subject, the fingerprints of its samples' network inputs (sample_fingerprint, in order): the same people's
    data whatever their ids are called (two synthetic sets, or two datasets, can both have a "synth01" or a
    "sub01"), and recognised sample by sample: the same people evaluated on part of their clips (one class left
    out) are still the people that trained it."""
    return {str(s): [sample_fingerprint(x) for x in data.X[data.subjects == s]] for s in data.subject_list}


def _whole_subject_hash(data: DataArrays, subject: Any) -> str:
    """What subject_fingerprints recorded before 2026-12-07: one hash over all of a subject's inputs (a subject
    with one sample fewer no longer matched)."""
    return hashlib.sha1(np.ascontiguousarray(data.X[data.subjects == subject], dtype=np.float32)
                        .tobytes()).hexdigest()[:16]


def trained_subjects(data: DataArrays, inputs: Any, names: Any = None) -> tuple[list[str], list[str]]:
    """(seen, by_name): the subjects of ``data`` that trained a model (or that a search looked at), from the record
    of the training subjects' inputs (``inputs``: subject_fingerprints; a record of 2026-12-05/06 holds one hash per
    subject) and their ids (``names``; the keys of ``inputs`` when not given). A subject is seen when ANY of its
    samples' inputs is a training sample's. Where the record cannot tell sample by sample (one hash per subject, or
    ids alone), a subject named as a training subject is counted seen as well (it may have lost a sample to
    --classes, and a figure of fit must never be called accuracy): those are also listed in ``by_name``."""
    record = inputs if isinstance(inputs, dict) else {}
    names = {str(s) for s in (names if names is not None else record)}
    per_sample = {str(h) for v in record.values() if isinstance(v, list) for h in v}
    whole = {str(v) for v in record.values() if isinstance(v, str)}
    # ids count only for subjects the record holds no sample list of (old records, or ids alone)
    by_id = {str(s) for s in names if not isinstance(record.get(str(s)), list)}
    seen: list[str] = []
    by_name: list[str] = []
    for s in data.subject_list:
        rows = data.X[data.subjects == s]
        if per_sample and any(sample_fingerprint(x) in per_sample for x in rows):
            seen.append(str(s))
        elif whole and _whole_subject_hash(data, s) in whole:
            seen.append(str(s))
        elif str(s) in by_id:
            seen.append(str(s))
            by_name.append(str(s))
    return seen, by_name


def resolved_threads(settings: TrainSettings, backend: Backend) -> TrainSettings:
    """``settings`` with the torch thread count its folds really train with, for the record and for every fold
    alike: "0 = leave as is" meant the caller's count in this process (torch.get_num_threads()) and one thread in
    a worker process (merstudio.threads.limit_threads), and a resume of one fold runs in this process."""
    if settings.num_threads > 0:
        return settings
    n = 1 if backend.kind != "inprocess" and dist_info()[1] == 1 else torch.get_num_threads()
    return replace(settings, num_threads=n)


# config_origin's record of the searched subjects (ids, and their samples' input hashes: subject_fingerprints, 12 hex
# digits a sample), carried in run.json so that a rerun on other data counts them among its own (_carried_origin)
SEARCHED = "searched"
# config_origin's count of these subjects that share an id, but no input, with a searched subject (_seen_counts)
NAMED_LIKE_SEARCH = "named_like_search"


def config_origin(path: str | Path, cfg: dict[str, Any], data: DataArrays) -> dict[str, Any]:
    """Where a configuration file's settings came from, as run.json and metrics.json record it: the file, and for
    the chosen.json of `merstudio tune` that search (its data, its choice and score, how many subjects it ran on)
    and ``seen_subjects``: how many of these ``n_subjects`` it saw (all of them when it ran on these very data,
    else those with a sample whose input is a searched sample's, trained_subjects as `merstudio evaluate` matches
    a checkpoint's: the same people under other ids are seen, and two sets' "sub01" are not one person; a choice
    that recorded one hash per subject or no inputs (before 2026-12-07) also by id, counted in ``seen_by_name``).
    Every subject is a test subject once (loso,
    kfold, lodo), so settings a search chose on some of them were chosen looking at test subjects: the run is
    then no nested estimate (`merstudio train --tune` is one). The searched subjects themselves are recorded too
    (SEARCHED, in run.json only: origin_shown): a run's run.json carries the origin it recorded, counted again on
    other data (_carried_origin)."""
    recorded = cfg.get("config_origin")
    if isinstance(recorded, dict) and recorded.get("file"):  # a run's run.json: where ITS settings came from
        return _carried_origin(path, cfg, recorded, data)
    origin: dict[str, Any] = {"file": str(path)}
    searched = [str(s) for s in cfg.get("subjects") or []]
    if not searched and not isinstance(cfg.get("chosen"), dict):
        return origin  # a hand-written configuration
    n = len(data.subject_list)
    # the searched subjects' inputs (only those `subjects` lists), as evaluate matches a checkpoint's
    inputs = cfg.get("subject_inputs")
    record = {"subjects": searched, **({"subject_inputs": {s: inputs[s] for s in searched if s in inputs}}
                                       if isinstance(inputs, dict) else {})}
    origin.update(chosen_by="merstudio tune", search_data=cfg.get("data", ""),
                  search_fingerprint=cfg.get("data_fingerprint", ""), chosen=cfg.get("chosen"),
                  search_subjects=len(searched))
    if cfg.get("data_fingerprint") == data_fingerprint(data):
        origin.update(seen_subjects=n, n_subjects=n)
    else:
        origin.update(_seen_counts(data, record))
    origin[SEARCHED] = record  # last: the longest entry of run.json
    return origin


def _seen_counts(data: DataArrays, record: dict[str, Any]) -> dict[str, Any]:
    """seen_subjects / n_subjects (and seen_by_name) of ``data`` for the searched subjects ``record`` (SEARCHED)."""
    seen, by_name = trained_subjects(data, record.get("subject_inputs"), record.get("subjects"))
    counts: dict[str, Any] = {"seen_subjects": len(seen), "n_subjects": len(data.subject_list)}
    if by_name:  # a choice that recorded one hash per subject, or ids alone: those known by their names
        counts["seen_by_name"] = len(by_name)
    # a searched subject's id with none of its inputs (per-sample record): perhaps the same person, perhaps another
    # dataset's "sub01", as evaluate says a checkpoint's (named_like_training): said, not counted as seen (h288)
    searched = {str(s) for s in record.get("subjects") or []}
    named = [str(s) for s in data.subject_list if str(s) in searched and str(s) not in seen]
    if named:
        counts[NAMED_LIKE_SEARCH] = len(named)
    return counts


def origin_shown(origin: dict[str, Any]) -> dict[str, Any]:
    """A config_origin as metrics.json and a --final checkpoint keep it: without the searched subjects' record,
    which only a rerun from run.json reads."""
    return {k: v for k, v in origin.items() if k != SEARCHED}


def _carried_origin(path: str | Path, cfg: dict[str, Any], recorded: dict[str, Any],
                    data: DataArrays) -> dict[str, Any]:
    """The origin a run's run.json (``cfg``, given as --config ``path``: "train it again") recorded, carried over:
    its settings are that run's, so they came from where that run's did (a search that saw test subjects stays
    said, in the rerun's summary and checkpoint). ``via``: the run.json they were read from. Its counts of seen
    subjects hold for the data that run had; on other data (more subjects, another dataset sharing some people's
    inputs) they are counted again from the searched subjects it records (SEARCHED), all seen where the search's
    own data are these, and left out where a run.json of before 2026-12-07 records no searched subjects."""
    origin = {k: v for k, v in recorded.items() if k != SEARCHED}
    origin["via"] = str(path)
    record = recorded.get(SEARCHED)
    fingerprint = data_fingerprint(data)
    if recorded.get("chosen_by") and cfg.get("data_fingerprint") != fingerprint:
        for key in ("seen_subjects", "n_subjects", "seen_by_name", NAMED_LIKE_SEARCH):
            origin.pop(key, None)
        if recorded.get("search_fingerprint") == fingerprint:
            origin.update(seen_subjects=len(data.subject_list), n_subjects=len(data.subject_list))
        elif isinstance(record, dict) and isinstance(record.get("subjects"), list):
            origin.update(_seen_counts(data, record))
    if record is not None:  # carried on: the rerun's run.json trains again on other data too
        origin[SEARCHED] = record
    return origin


def _fold_stem(fold: Fold) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", fold.name)
    return f"{fold.index:03d}_{safe}"


def _write_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text)


def _write_csv_atomic(path: Path, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False)


def _aus(model_cfg: Any) -> list[int]:
    return list(getattr(model_cfg, "aus", []) or [])


def _fold_seed(seed: int, fold: Fold) -> int:
    return seed * 1009 + fold.index


def _fold_frame(fold: Fold, test: DataArrays, probs: np.ndarray, au_probs: np.ndarray | None,
                class_names: Sequence[str], aus: Sequence[int]) -> pd.DataFrame:
    pred = probs.argmax(1) if len(probs) else np.zeros(0, dtype=int)
    df = pd.DataFrame({
        "fold": fold.name,
        "subject": test.subjects.astype(str),
        "sample": test.samples.astype(str),
        "dataset": test.datasets.astype(str),
        "label": [class_names[i] for i in test.y],
        "true": test.y.astype(int),
        "pred": pred.astype(int),
        "pred_label": [class_names[i] for i in pred],
    })
    for k, name in enumerate(class_names):
        df[f"p_{name}"] = probs[:, k] if len(probs) else []
    if au_probs is not None and len(aus) == au_probs.shape[1]:
        for k, a in enumerate(aus):
            df[f"AU{int(a):02d}_true"] = test.au[:, k].astype(int) if test.au.shape[1] == len(aus) else -1
            df[f"AU{int(a):02d}_p"] = au_probs[:, k]
        df["au_labelled"] = test.au_mask.astype(int)
    return df


def _run_one_fold(fold: Fold, train: DataArrays, test: DataArrays, model_cfg: Any, settings: TrainSettings,
                  class_names: Sequence[str], aus: Sequence[int], progress: ProgressFn | None = None,
                  cancel: Callable[[], bool] | None = None, *, tune: Any = None,
                  label: str = "") -> tuple[pd.DataFrame, dict[str, Any]]:
    """Train on `train` (the trainer never sees `test`), then predict `test`. With `tune` (a
    merstudio.training.tune.SearchSpec) the hyper-parameters are first chosen by a search inside `train` alone."""
    t0 = time.perf_counter()
    s = dataclasses.replace(settings, seed=_fold_seed(settings.seed, fold))
    chosen: dict[str, Any] | None = None
    if tune is not None:
        from merstudio.training.tune import search

        found = search(train, class_names, model_cfg, s, tune, backend=Backend("inprocess"), cancel=cancel)
        model_cfg, s = found.model_cfg, found.settings
        chosen = {"params": found.best["params"], "trials": found.trials}
    model, history = train_fold(train, model_cfg, s, fold=label + fold.name, progress=progress, cancel=cancel)
    probs, au_probs = predict(model, test.X)
    info = {"fold": fold.name, "index": fold.index, "test_subjects": list(fold.test_subjects),
            "n_train": len(train), "n_test": len(test), "seconds": time.perf_counter() - t0,
            "history": history,
            # where the fold ran (a resume may run on another machine, where "auto" chose otherwise)
            "arithmetic": s.arithmetic(), "cpu_bfloat16": cpu_bfloat16_path()}
    if s.val_fraction > 0:  # the epoch was chosen on these training subjects: listed, so the split can be audited
        info["val_subjects"] = validation_subjects(train, s.val_fraction, s.seed)
    if chosen is not None:
        info["tune"] = chosen
    return _fold_frame(fold, test, probs, au_probs, class_names, aus), info


@dataclass
class FoldJob:
    """One fold of one configuration: what a task trains and predicts."""

    fold: Fold
    model_cfg: Any
    settings: TrainSettings
    class_names: list[str]
    aus: list[int]
    tune: Any = None  # a SearchSpec: choose hyper-parameters inside the fold's training subjects first
    label: str = ""   # prefix of the fold name in progress reports (the variant or trial)


def _fold_task(job: FoldJob, data: DataArrays) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One fold in a worker (a local process or a Ray task): `data` is the run's shared data (sent once per
    worker); the trainer gets the fold's training rows only."""
    from merstudio.execution import cancelled, report

    train, test = split_fold(data, job.fold)
    return _run_one_fold(job.fold, train, test, job.model_cfg, job.settings, job.class_names, job.aus,
                         report, cancelled, tune=job.tune, label=job.label)


# runs of a fold again after the process training it died (killed, out of memory, a lost Ray node), as analyze
# retries a video: a fold is seeded from its index, so a rerun gives the same predictions
FOLD_RETRIES = 2


class FoldWorkerLost(MerstudioError):
    """The worker training a fold died more than FOLD_RETRIES times: the folds finished meanwhile are yielded (and
    kept by the caller); the same run again resumes with the lost ones. `folds`: their names."""

    def __init__(self, folds: Sequence[str], why: str) -> None:
        self.folds = list(folds)
        super().__init__(f"a worker died while training fold {', '.join(self.folds)} ({why}); the folds finished "
                         "are kept, the same command again resumes")


def run_fold_jobs(data: DataArrays, jobs: Sequence[FoldJob], backend: Backend, *,
                  progress: ProgressFn | None = None, cancel: Callable[[], bool] | None = None,
                  ) -> Iterator[tuple[int, pd.DataFrame, dict[str, Any]]]:
    """Run every job as a task on `backend` (merstudio.execution) and yield (job index, test predictions, info)
    as each finishes. The data is shared once per worker; each task splits out its fold (split_fold) and its
    trainer gets the training rows only. A task that fails raises its error here (the ones finished before were
    yielded); a fold whose worker process died is run again (FOLD_RETRIES), and one that died every time raises
    FoldWorkerLost once the other folds have finished (and were yielded); Ctrl-C stops the running tasks (the execution layer) and raises KeyboardInterrupt. Under torchrun
    (DDP) the jobs run one after another in this process, every rank together. Results do not depend on the
    back-end: each fold is seeded from its own index."""
    rank, world = dist_info()
    if world > 1 or backend.kind == "inprocess" or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            train, test = split_fold(data, job.fold)
            # a fold trains and predicts under its settings' threads; the caller's generators and threads are
            # back before it sees the fold (in-process: a Python caller's state)
            with keeps_caller_state():
                df, info = _run_one_fold(job.fold, train, test, job.model_cfg, job.settings, job.class_names,
                                         job.aus, progress, cancel, tune=job.tune, label=job.label)
            yield i, df, {**info, "backend": backend.describe()}  # a resume may run elsewhere than run.json says
            if world > 1:
                torch.distributed.barrier()
        return
    on_progress = (lambda _i, p: progress(p)) if progress is not None else None
    stopped = False
    finished = 0
    lost: list[tuple[str, WorkerLost]] = []
    for i, res in run_tasks(_fold_task, list(jobs), backend, cancel=cancel, on_progress=on_progress,
                            shared=data, retries=FOLD_RETRIES):
        if isinstance(res, Cancelled | TrainingCancelled):
            stopped = True  # stopped by a cancel or Ctrl-C: the others still report, then the run stops
            continue
        if isinstance(res, WorkerLost):  # the other folds go on (they were force-cancelled: work lost)
            lost.append((jobs[i].label + jobs[i].fold.name, res))
            continue
        if isinstance(res, BaseException):
            raise res
        df, info = res
        finished += 1
        yield i, df, {**info, "backend": backend.describe()}
    if lost:
        raise FoldWorkerLost([name for name, _ in lost], str(lost[0][1]))
    # a cancel also keeps tasks from starting at all, and those report nothing: count, do not only listen
    # (after a Ctrl-C run_tasks has raised KeyboardInterrupt instead)
    if stopped or finished < len(jobs):
        raise TrainingCancelled("training cancelled; finished folds are kept, rerun to resume")


def provenance(rerun: str | None = None) -> dict[str, Any]:
    """What made a run folder, for its run.json and summary.md: the versions of merstudio, torch, numpy and Python
    (the same seed gives the same figures on the same torch build only), the UTC date, this process's command line
    and, where the caller knows it, ``rerun``: the one command that trains the run again from its run.json."""
    from merstudio.model.checkpoint import made_with

    out: dict[str, Any] = {**made_with(), "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                           "command": _command_line()}
    if rerun:
        out["rerun"] = rerun
    return out


def _run_spec(data: DataArrays, class_names: list[str], model_cfg: Any, settings: TrainSettings, protocol: str,
              data_desc: str, input_settings: dict[str, Any] | None, tune: Any,
              origin: dict[str, Any] | None = None, backend: Backend | None = None,
              rerun: str | None = None) -> dict[str, Any]:
    spec = {
        "merstudio_version": __version__,
        "data": data_desc,
        "data_fingerprint": data_fingerprint(data),
        "n_samples": len(data),
        "n_subjects": len(data.subject_list),
        "class_names": class_names,
        "protocol": protocol,
        "ablate": ablated_parts(model_cfg, settings),  # from the configuration itself: its real name
        "model": model_cfg.to_dict(),
        "train": {**{k: v for k, v in settings.to_dict().items() if k not in _VOLATILE},
                  "num_threads": settings.num_threads or torch.get_num_threads()},
        "input": input_settings or {},
        # what "precision" meant on the machine that started the run (a record, not a setting: see check_same_run)
        "arithmetic": settings.arithmetic(),
        "cpu_bfloat16": cpu_bfloat16_path(),  # which bfloat16 (a record too: rounding differs between paths)
    }
    if tune is not None:
        spec["tune"] = tune.to_dict()
    if origin is not None:
        spec["config_origin"] = origin
    if backend is not None:  # what ran it (the console line said it, no file did)
        spec["backend"] = backend_record(backend)
    spec["provenance"] = provenance(rerun)
    return spec


def backend_record(backend: Backend) -> dict[str, Any]:
    """Where a run's folds ran, for run.json: the kind, the workers, a cluster's address, and in words."""
    return {"kind": backend.kind, "jobs": backend.jobs, "address": backend.address, "said": backend.describe()}


def prepare_run(data: DataArrays, class_names: list[str], model_cfg: Any, settings: TrainSettings,
                out: Path, *, protocol: str = "loso", data_desc: str = "",
                input_settings: dict[str, Any] | None = None, tune: Any = None,
                origin: dict[str, Any] | None = None, backend: Backend | None = None,
                rerun: str | None = None) -> tuple[list[Fold], list[Fold]]:
    """Check the data, create (or check, when resuming) the run folder and its run.json (``origin``: where the
    settings came from, config_origin; ``rerun``: the command that runs it again, provenance). Returns (all folds,
    folds not finished yet)."""
    rank, world = dist_info()
    if len(data) == 0:
        raise InputError(f"{data_desc or 'data'}: no samples to train on")
    present = set(np.unique(data.y).tolist())
    empty = [c for i, c in enumerate(class_names) if i not in present]
    if empty:
        raise InputError(f"{data_desc or 'data'}: class {', '.join(empty)} has no samples")
    folds = make_folds(data.subjects, protocol, seed=settings.seed, datasets=data.datasets)
    if rank == 0:  # a fold trained on no sample of a class it is scored on (one line each, the CLI's warning line)
        for line in fold_class_gaps(data.y, folds, class_names):
            warnings.warn(line, stacklevel=2)
    spec = _run_spec(data, class_names, model_cfg, settings, protocol, data_desc, input_settings, tune, origin,
                     backend, rerun)
    fold_dir = out / "folds"
    run_json = out / "run.json"
    # Every rank checks (so all fail together rather than some waiting at a barrier); rank 0 writes.
    check_same_run(run_json, spec, "run")
    pending = [f for f in folds if not (fold_dir / f"{_fold_stem(f)}.csv").exists()]
    if rank == 0 and pending and run_json.exists():
        _note_other_arithmetic(run_json, spec, out)
    if rank == 0:
        try:
            fold_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{out}: cannot create the run folder ({exc.strerror})") from None
        if not run_json.exists():
            _write_atomic(run_json, json.dumps(spec, indent=2))
    if world > 1:
        torch.distributed.barrier()
    return folds, pending


_ARITHMETICS = ("float32", "bfloat16")


def _note_other_arithmetic(run_json: Path, spec: dict[str, Any], out: Path) -> None:
    """A one-line warning where a resumed run trains its folds left in other arithmetic than its record says (it
    is free to: a record, _RECORD_ONLY); the summary and run.json then name each fold's (fold_arithmetic)."""
    try:
        old = json.loads(run_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # check_same_run has refused an unreadable one
    was, now, path = old.get("arithmetic"), spec.get("arithmetic"), spec.get("cpu_bfloat16")
    if was and now and _arith_label(now, path, True) != _arith_label(was, old.get("cpu_bfloat16"), True):
        warnings.warn(f"{out}: the folds left train in {now} (precision {spec.get('train', {}).get('precision', '?')}"
                      f" on this machine{f'; the CPU bfloat16: {path}' if now == 'bfloat16' and path else ''}), the "
                      f"run's record says {_arith_label(was, old.get('cpu_bfloat16'), True)}: summary.md and run.json "
                      "will name each fold's", stacklevel=3)


def _arith_label(arithmetic: str, path: Any, with_path: bool = False) -> str:
    """A fold's arithmetic in words; bfloat16 with the CPU's path where `with_path` (the paths round differently)."""
    return f"{arithmetic} ({path})" if with_path and arithmetic == "bfloat16" and path else str(arithmetic)


def fold_arithmetic(spec: dict[str, Any], infos: Sequence[dict[str, Any]]) -> tuple[str, str | None] | None:
    """The arithmetic the folds of `infos` (folds/*.json) trained in, as (arithmetic, the CPU's bfloat16 path) for
    run.json: one value where every fold ran in the same, else "folds 1-20 float32, 21-68 bfloat16" (by fold
    number; the path named where bfloat16 folds ran on two). A fold recorded before folds carried it (2026-12-08)
    ran in the record's (run.json's). None where nothing is known (no record, no folds)."""
    was, was_path = spec.get("arithmetic"), spec.get("cpu_bfloat16")
    runs: list[tuple[int, str, Any]] = []
    for i in infos:
        a = i.get("arithmetic") or (was if was in _ARITHMETICS else None)
        if a is None or not isinstance(i.get("index"), int):
            return None
        runs.append((i["index"], a, i.get("cpu_bfloat16", was_path) if "arithmetic" in i else was_path))
    if not runs:
        return None
    bf_paths = {p for _, a, p in runs if a == "bfloat16"}
    kinds = {_arith_label(a, p, len(bf_paths) > 1) for _, a, p in runs}
    path = ", ".join(sorted(map(str, bf_paths))) if bf_paths else runs[-1][2]
    if len(kinds) == 1:
        return runs[0][1], path
    groups: list[list[Any]] = []  # [first fold, last fold, label], by fold number
    for index, a, p in sorted(runs):
        label, n = _arith_label(a, p, len(bf_paths) > 1), index + 1
        if groups and groups[-1][2] == label and groups[-1][1] == n - 1:
            groups[-1][1] = n
        else:
            groups.append([n, n, label])
    said = ", ".join(f"{f}-{t} {label}" if f != t else f"{f} {label}" for f, t, label in groups)
    return f"folds {said}", path


def check_same_run(record: Path, spec: dict[str, Any], what: str) -> None:
    """A folder's record (run.json, tune.json) must describe the run being resumed into it: refuse (OutputError,
    naming each setting that differs with both values) otherwise. The merstudio version and the arithmetic may
    differ. A model or training setting the record lacks (added to merstudio after the run began) reads as its
    default, as an old checkpoint's does. No record: nothing to check."""
    if not record.exists():
        return
    try:
        old = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"{record}: unreadable ({exc}); use another folder (out_dir= / --out)") from None
    for key in _RECORD_ONLY:
        old.pop(key, None)
    new = json.loads(json.dumps({k: v for k, v in spec.items() if k not in _RECORD_ONLY}))
    for rec in (old, new):  # what the inputs were made from (training_source) is said by data_fingerprint
        if isinstance(rec.get("input"), dict):
            rec["input"] = {k: v for k, v in rec["input"].items() if k not in _INPUT_RECORD_ONLY}
    old = _with_defaults(old, new)
    if new != old:
        diff = sorted(k for k in set(new) | set(old) if new.get(k) != old.get(k))
        shown = "; ".join(_differences(old, new))
        raise OutputError(f"{record.parent}: holds a {what} with different settings ({', '.join(diff)})"
                          f"{': ' + shown if shown else ''}; use another folder (out_dir= / --out) to start a new "
                          f"{what}")


def _setting_defaults() -> dict[str, dict[str, Any]]:
    """What a setting missing from an older record was: the model configuration's as ModelConfig.from_dict
    reads an old checkpoint's (LEGACY_DEFAULTS where a default changed), the training settings' as
    TrainSettings.from_dict does (today's default: a new setting's default is the behaviour before it)."""
    from merstudio.model.config import LEGACY_DEFAULTS, ModelConfig

    train = {k: v for k, v in TrainSettings().to_dict().items() if k not in _VOLATILE}
    return json.loads(json.dumps({"model": {**ModelConfig().to_dict(), **LEGACY_DEFAULTS}, "train": train}))


def _with_defaults(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`old` (a record) with the model and training settings it lacks but `new` has read as their defaults (those
    of _RECORDED_SINCE as `new`'s: unknown, so not compared)."""
    out = dict(old)
    for part, defaults in _setting_defaults().items():
        have, now = old.get(part), new.get(part)
        if isinstance(have, dict) and isinstance(now, dict):
            unknown = {k: now[k] for k in _RECORDED_SINCE.get(part, ()) if k in now and k not in have}
            out[part] = {**{k: defaults[k] for k in now if k not in have and k in defaults}, **unknown, **have}
    return out


# a hash: two of them say only that the data differ, which the key's name already says
_OPAQUE = ("data_fingerprint",)


def _differences(old: Any, new: Any, key: str = "") -> list[str]:
    """'train.lr: 0.001 in the folder, 0.002 now' for each setting (nested ones by their dotted name) that
    differs between a record and the run being started; hashes named by the key alone."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [line for k in sorted(set(old) | set(new), key=str)
                for line in _differences(old.get(k, _ABSENT), new.get(k, _ABSENT), f"{key}.{k}" if key else str(k))
                if old.get(k, _ABSENT) != new.get(k, _ABSENT)]
    if old == new or key in _OPAQUE:
        return []
    return [f"{key}: {_shown(old)} in the folder, {_shown(new)} now"]


_ABSENT = object()


def _shown(value: Any, limit: int = 60) -> str:
    if value is _ABSENT:
        return "absent"
    text = json.dumps(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def store_fold(out: Path, fold: Fold, df: pd.DataFrame, info: dict[str, Any]) -> None:
    """A finished fold's predictions and record, each written atomically (rank 0 only under DDP). Written after a
    Ctrl-C too (`keeping`): a fold that finishes in the execution layer's grace period is kept, as the interrupted
    run says, and a rerun resumes without it."""
    if dist_info()[0] == 0:
        with keeping():
            _write_atomic(out / "folds" / f"{_fold_stem(fold)}.json", json.dumps(info, indent=1))
            _write_atomic(out / "folds" / f"{_fold_stem(fold)}.csv", df.to_csv(index=False))


def run_protocol(data: DataArrays, class_names: Sequence[str], model_cfg: Any, settings: TrainSettings,
                 out_dir: str | Path, *, protocol: str = "loso", jobs: int = 1, data_desc: str = "",
                 input_settings: dict[str, Any] | None = None, ablate: Sequence[str] = (),
                 progress: ProgressFn | None = None,
                 fold_done: Callable[[int, int], None] | None = None, backend: Backend | None = None,
                 tune: Any = None, cancel: Callable[[], bool] | None = None,
                 origin: dict[str, Any] | None = None, rerun: str | None = None,
                 overwrite: bool = False) -> dict[str, Any]:
    """Train/evaluate every fold not finished yet, then pool all folds into metrics and the summary.
    Returns the pooled metrics dict (also in metrics.json). ``origin`` (config_origin): where the settings came
    from, recorded in run.json and metrics.json and said in the summary (a search that saw test subjects).
    ``rerun``: the command that trains this run again (`merstudio train --config RUN/run.json ...`), recorded in
    run.json's provenance and said in the summary.

    Folds run as tasks on `backend` (default: `jobs` local processes). The parts switched off are recorded from
    `model_cfg` itself (`ablate` is accepted for older callers and not used). With `tune` (a SearchSpec), each
    fold first chooses its hyper-parameters by a search inside its own training subjects (nested).

    ``out_dir`` is a new or empty folder, or an earlier run's (resumed). One that holds files of the names a run
    writes (summary.md, predictions.csv, ...) and no run.json is refused (OutputError) before anything is trained
    or written, unless ``overwrite`` (`merstudio train --overwrite`: the same rule, run_folders)."""
    del ablate  # recorded from the configuration: ablated_parts(model_cfg)
    out = Path(out_dir)
    check_new_run_folder(out, "train", overwrite, flag="out_dir", overwrite_as="overwrite=True")
    class_names = list(class_names)
    aus = _aus(model_cfg)
    rank, world = dist_info()
    if backend is None:
        backend = backend_from_args(jobs, None)
    settings = resolved_threads(settings, backend)
    folds, pending = prepare_run(data, class_names, model_cfg, settings, out, protocol=protocol,
                                 data_desc=data_desc, input_settings=input_settings, tune=tune, origin=origin,
                                 backend=backend, rerun=rerun)
    done_count = len(folds) - len(pending)
    if fold_done is not None:
        fold_done(done_count, len(folds))
    jobs_ = [FoldJob(f, model_cfg, settings, class_names, aus, tune=tune) for f in pending]
    for i, df, info in run_fold_jobs(data, jobs_, backend, progress=progress, cancel=cancel):
        store_fold(out, jobs_[i].fold, df, info)
        done_count += 1
        if fold_done is not None:
            fold_done(done_count, len(folds))

    if rank == 0:
        metrics = summarise(out, folds, class_names)
    else:
        metrics = {}
    if world > 1:
        torch.distributed.barrier()
    return metrics


PREDICTION_DTYPES = {"subject": str, "sample": str, "dataset": str, "fold": str}  # ids stay text ("007")


def load_predictions(out_dir: str | Path, folds: Sequence[Fold] | None = None) -> pd.DataFrame:
    """The held-out predictions of a run_protocol (or `merstudio train`) folder ``out_dir``. Returns its finished
    folds' tables (out_dir/folds/*.csv; ``folds``: only those, in that order) as one pandas DataFrame, one row per
    test sample: fold, subject, sample, dataset (ids as text: "007"), label and true (the class, by name and index),
    pred and pred_label (the predicted class), p_<class> (its probabilities), and for a model with AU heads
    AUxx_true, AUxx_p and au_labelled (whether the sample's AUs were coded). A run stopped part-way gives the folds
    it finished. InputError where no fold has finished; FileNotFoundError where a fold of ``folds`` has not."""
    fold_dir = Path(out_dir) / "folds"
    paths = sorted(fold_dir.glob("*.csv")) if folds is None else [fold_dir / f"{_fold_stem(f)}.csv" for f in folds]
    frames = [pd.read_csv(p, dtype=PREDICTION_DTYPES) for p in paths]
    if not frames:
        raise InputError(f"{fold_dir}: no finished folds")
    return pd.concat(frames, ignore_index=True)


def au_metrics(pred: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per-AU F1 (threshold 0.5) and ROC AUC on the AU-labelled rows of a predictions table."""
    out: dict[str, dict[str, float]] = {}
    if "au_labelled" not in pred:
        return out
    rows = pred[pred["au_labelled"] == 1]
    if rows.empty:
        return out
    for col in [c for c in pred.columns if re.fullmatch(r"AU\d+_p", c)]:
        name = col[:-2]
        truth = rows[f"{name}_true"].to_numpy().astype(int)
        p = rows[col].to_numpy(dtype=float)
        hat = (p >= 0.5).astype(int)
        tp = int(((hat == 1) & (truth == 1)).sum())
        fp = int(((hat == 1) & (truth == 0)).sum())
        fn = int(((hat == 0) & (truth == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
        out[name] = {"support": int(truth.sum()), "n": len(truth), "f1": f1, "auc": roc_auc(truth, p)}
    return out


def roc_auc(truth: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC with tie handling; nan when only one class is present."""
    truth = np.asarray(truth).astype(bool)
    pos, neg = int(truth.sum()), int((~truth).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[truth].sum() - pos * (pos + 1) / 2) / (pos * neg))


def summarise(out_dir: str | Path, folds: Sequence[Fold] | None, class_names: Sequence[str],
              extra: dict[str, Any] | None = None, *, pred: pd.DataFrame | None = None,
              spec: dict[str, Any] | None = None,
              more: dict[Path, Callable[[Path], object]] | None = None) -> dict[str, Any]:
    """Pool the fold CSVs, compute metrics once, write predictions.csv, metrics.json, summary.md, confusion.png.
    `extra`: more figures for metrics.json and the summary (an evaluation's "unseen"). The four files are one set
    (atomic.write_set): a failed write leaves an earlier run's four whole, never some replaced. `more`: files
    written in the same set ({path: writer}: an evaluation's run.json and fold CSV), with `pred` and `spec` their
    content as load_predictions and run.json would read it back."""
    out = Path(out_dir)
    if pred is None:
        pred = load_predictions(out, folds)
    names = list(class_names)
    metrics = compute_metrics(pred["true"].to_numpy(), pred["pred"].to_numpy(), names, pred["dataset"].tolist())
    metrics["n_folds"] = int(pred["fold"].nunique())
    metrics["au"] = au_metrics(pred)
    info_paths = sorted((out / "folds").glob("*.json"))
    infos = [json.loads(p.read_text(encoding="utf-8")) for p in info_paths]
    metrics["train_seconds"] = float(sum(i.get("seconds", 0.0) for i in infos))
    metrics.update(extra or {})
    more = dict(more or {})
    if spec is None:
        spec = json.loads((out / "run.json").read_text(encoding="utf-8")) if (out / "run.json").exists() else {}
        arith = fold_arithmetic(spec, infos) if "checkpoint" not in spec and spec.get("arithmetic") else None
        if arith is not None and (arith[0], arith[1]) != (spec.get("arithmetic"), spec.get("cpu_bfloat16")):
            # a resume on a machine where "precision" chose other arithmetic: run.json and the summary say what
            # the folds ran in, and each fold that did not record it (trained before folds did) records the
            # run's, so the next summary still knows it once run.json no longer says one value
            for ipath, info in zip(info_paths, infos, strict=True):
                if "arithmetic" not in info:
                    text = json.dumps({**info, "arithmetic": spec["arithmetic"],
                                       "cpu_bfloat16": spec.get("cpu_bfloat16")}, indent=1)
                    more[ipath] = _text_writer(text)
            spec = {**spec, "arithmetic": arith[0], "cpu_bfloat16": arith[1]}
            record = json.dumps(spec, indent=2)
            more[out / "run.json"] = _text_writer(record)
    if "checkpoint" not in spec:  # an evaluation is one pass, no folds
        metrics["per_fold"] = fold_scores(pred, infos, names, spec.get("train") or {})
    if spec.get("config_origin"):  # beside the figures: a search on the test subjects makes them no nested estimate
        metrics["config_origin"] = origin_shown(spec["config_origin"])
    figures = json.dumps(json_safe(metrics), indent=2, default=_json_default)
    # an evaluation is one pass over the data, not folds
    seen = f" ({spec['seen_subjects']} of {spec.get('n_subjects', '?')} subjects trained it)" \
        if spec.get("seen_subjects") else ""
    # evaluate's named_like_training: a line of its own (the image's title does not wrap)
    named = f"\n{spec['named_like_training']} subjects share a name with a training subject" \
        if spec.get("named_like_training") else ""
    if _all_seen(spec):
        seen = " (training-set fit: every subject trained it)"
    pooled = f"all {metrics['n']} samples{seen}" if "checkpoint" in spec else \
        f"pooled over {metrics['n_folds']} fold{'s' if metrics['n_folds'] != 1 else ''}"
    image = confusion_image(np.asarray(metrics["confusion"]), names,
                            title=f"{pooled}, UF1 {metrics['uf1']:.3f}{named}", name=out / "confusion.png")
    summary = render_summary(spec, metrics)
    write_set({**more,
               out / "predictions.csv": lambda tmp: pred.to_csv(tmp, index=False),
               out / "metrics.json": lambda tmp: tmp.write_text(figures, encoding="utf-8"),
               out / "confusion.png": lambda tmp: tmp.write_bytes(image),
               out / "summary.md": lambda tmp: tmp.write_text(summary, encoding="utf-8")})
    return metrics


def _text_writer(text: str) -> Callable[[Path], object]:
    """A write_set writer of `text` (UTF-8)."""
    return lambda tmp: tmp.write_text(text, encoding="utf-8")


def json_safe(o: Any) -> Any:
    """NaN (undefined scores) -> None, so metrics.json is strict JSON."""
    if isinstance(o, dict):
        return {k: json_safe(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [json_safe(v) for v in o]
    if isinstance(o, float | np.floating) and not np.isfinite(o):
        return None
    return o


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(type(o))


def _searched_on_test(spec: dict[str, Any]) -> str:
    """"saw K of these N subjects" when the configuration was chosen by a search on some of the run's test
    subjects (config_origin), else ""."""
    o = spec.get("config_origin") or {}
    if not o.get("seen_subjects"):
        return ""
    return f"saw {o['seen_subjects']} of these {o.get('n_subjects', spec.get('n_subjects', '?'))} subjects"


_UNRECORDED = "?"  # _selection: the search's subjects are not recorded (an older run.json on other data)
_NAMED_LIKE = "~"  # _selection: none of the search's inputs, but some of its subjects' names (NAMED_LIKE_SEARCH)


def _selection(train: dict[str, Any], tuned: Any = (), searched: str = "") -> str:
    """How each fold's weights were chosen, in words (the summary said "last epoch" under SWA); ``searched``
    (_searched_on_test): the configuration was chosen looking at test subjects."""
    if train.get("val_fraction", 0):
        return "best epoch on an inner validation split of training subjects"
    n, avg = train.get("epochs", "?"), train.get("average", "none")
    if avg == "swa":
        how = f"the average of the weights of the last {1 - float(train.get('swa_start', 0.75)):.0%} of them (SWA)"
    elif avg == "ema":
        how = f"an exponential moving average of the weights (decay {train.get('ema_decay')} per step)"
    else:
        how = "the last epoch's weights"
    if searched == _NAMED_LIKE:
        held_out = ("the test fold is not trained on; some of its subjects share a name with ones the search that "
                    "chose the configuration looked at (next lines)")
    elif searched == _UNRECORDED:
        held_out = ("the test fold is not trained on; whether the search that chose the configuration saw these "
                    "subjects is not recorded (next line)")
    elif searched:
        held_out = f"the test fold is not trained on, but the search that chose the configuration {searched} (next line)"
    else:
        held_out = "the test fold is never looked at"
    if "epochs" in tuned or "train.epochs" in tuned:  # the nested search chose them, fold by fold
        return f"the epochs the search chose in each fold (folds/*.json), {how}; {held_out}"
    return f"a fixed {n} epochs, {how}; {held_out}"


# a fold of fewer samples has no UF1/UAR worth showing (one sample scores 0 or 1): its accuracy is shown alone
MIN_FOLD_SCORED = 3


def fold_scores(pred: pd.DataFrame, infos: Sequence[dict[str, Any]], class_names: Sequence[str],
                train: dict[str, Any]) -> list[dict[str, Any]]:
    """Each fold's own figures, in fold order (to find a fold that went wrong; the run's result is the pooled
    one): held-out subjects, n, accuracy, UF1 and UAR (over the classes in its truth; None under MIN_FOLD_SCORED
    samples), how its weights were chosen, and with a nested search the settings it chose. ``infos``: the
    folds/*.json records; ``train``: the run's training settings (run.json)."""
    by_name = {str(i.get("fold")): i for i in infos}
    rows = []
    for name, g in pred.groupby("fold", sort=False):
        info = by_name.get(str(name), {})
        sc = scores_from_confusion(confusion_matrix(g["true"].to_numpy(), g["pred"].to_numpy(), len(class_names)))
        scored = len(g) >= MIN_FOLD_SCORED
        chosen = (info.get("tune") or {}).get("params") or {}
        rows.append({"fold": str(name),
                     "test_subjects": [str(x) for x in info.get("test_subjects") or sorted(g["subject"].unique())],
                     "n": int(len(g)), "accuracy": sc["accuracy"], "uf1": sc["uf1"] if scored else None,
                     "uar": sc["uar"] if scored else None, "weights": fold_weights(info, train, chosen),
                     **({"chosen": chosen} if chosen else {})})
    return rows


def fold_weights(info: dict[str, Any], train: dict[str, Any], chosen: dict[str, Any] | None = None) -> str:
    """How one fold's weights were chosen, from its record (folds/*.json: the epochs it ran, the epoch inner
    validation selected) and its settings (the run's, with what a nested search chose in it, ``chosen``)."""
    s = {**train, **{k.partition(".")[2]: v for k, v in (chosen or {}).items() if k.startswith("train.")}}
    history = info.get("history") or []
    n = sum(1 for h in history if "epoch" in h) or s.get("epochs", "?")
    avg = s.get("average", "none")
    kind = {"swa": "SWA weights", "ema": "EMA weights"}.get(avg, "weights")
    picked = [h for h in history if "selected_epoch" in h]
    if picked:
        v = picked[-1].get("val_uf1")
        return (f"{kind} at epoch {picked[-1]['selected_epoch']} of {n}, chosen by inner validation"
                + (f" (UF1 {v:.3f})" if isinstance(v, int | float) and v >= 0 else ""))
    if avg == "swa" and isinstance(n, int):
        start = swa_first_epoch(n, float(s.get("swa_start", 0.75))) + 1  # counted from 1
        return f"SWA of epochs {start}–{n}" if start < n else f"SWA of epoch {n}"
    if avg == "ema":
        return f"EMA over {n} epochs"
    return f"epoch {n} (the last)"


def _subjects_shown(subjects: Sequence[str], limit: int = 6) -> str:
    return ", ".join(subjects[:limit]) + (f", … (+{len(subjects) - limit})" if len(subjects) > limit else "")


def format_fold_table(rows: Sequence[dict[str, Any]]) -> str:
    """The per-fold rows (fold_scores) as a Markdown table, with a line saying how to read them."""
    tuned = any("chosen" in r for r in rows)
    head = "| fold (held out) | n | accuracy | UF1 | UAR | weights |" + (" chosen |" if tuned else "")
    lines = [f"Each fold's own figures, to find one that went wrong; the result is the pooled figure above. UF1 and "
             f"UAR over the classes in the fold's truth, — under {MIN_FOLD_SCORED} samples. Every subject of a "
             "fold is in folds/*.json.", "", head, "|---|---:|---:|---:|---:|---|" + ("---|" if tuned else "")]
    for r in rows:
        subj = r["test_subjects"]
        where = r["fold"] if subj == [r["fold"]] else f"{r['fold']} ({_subjects_shown(subj)})"
        cells = [where, str(r["n"]), _fmt3(r["accuracy"]), _fmt3(r["uf1"]), _fmt3(r["uar"]), r["weights"]]
        if tuned:
            cells.append(", ".join(f"{k.partition('.')[2] or k}={v}" for k, v in (r.get("chosen") or {}).items()))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt3(x: Any) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.3f}"


# why an evaluation counts some subjects as the checkpoint's by their names (evaluate prints it too)
BY_NAME_WHY = ("the checkpoint records one fingerprint per training subject (saved before 2026-12-07), which no "
               "longer matches a subject evaluated on part of its samples, or its subjects' ids alone; a subject "
               "named as one of its training subjects is taken to be that person")
# an evaluated subject with a training subject's id but none of its inputs (evaluate's named_like_training): perhaps
# the same person, perhaps not (another dataset's "sub01"), so neither counted as trained nor among the unseen
NAMED_LIKE_WHY = ("share a name with subjects that trained this checkpoint (with other inputs): if they are the same "
                  "people, other clips of them score higher than new people would")
# the same for the subjects a `merstudio tune` search that chose a run's configuration looked at (NAMED_LIKE_SEARCH)
NAMED_LIKE_SEARCH_WHY = ("share a name with subjects the search that chose the configuration looked at (with other "
                         "inputs): if they are the same people, their figures are not a nested estimate")


def included_known(seen: int, named: int, trained: str = "it was trained on") -> str:
    """What an evaluation's headline figure mixes in: "including the 2 it was trained on and the 40 that share a
    name with its training subjects" (``trained``: how the first are said)."""
    parts = [f"the {seen} {trained}"] * bool(seen) + \
        [f"the {named} that share a name with its training subjects"] * bool(named)
    return "including " + " and ".join(parts)


def _provenance_lines(spec: dict[str, Any]) -> list[str]:
    """The summary's lines on what made the run (run.json's provenance; a folder from before 2026-12-07 has none)."""
    p = spec.get("provenance")
    if not isinstance(p, dict):
        return []
    versions = ", ".join(f"{name} {p[key]}" for name, key in (("torch", "torch"), ("numpy", "numpy"),
                                                              ("Python", "python")) if p.get(key))
    lines = [f"- made with: {versions}; started {p.get('date', '?')} (UTC)"]
    if p.get("command"):
        lines.append(f"- command: `{p['command']}`")
    if p.get("rerun"):
        lines.append(f"- to train it again (the same figures on the same torch build): `{p['rerun']}`")
    return lines


def _all_seen(spec: dict[str, Any]) -> bool:
    """An evaluation (run.json) on whose every subject the checkpoint was trained: its figures are fit."""
    return "checkpoint" in spec and bool(spec.get("seen_subjects")) and \
        spec.get("seen_subjects") == spec.get("n_subjects")


def render_summary(spec: dict[str, Any], m: dict[str, Any]) -> str:
    lines = [f"# Run summary ({spec.get('protocol', '?')})", ""]
    lines += [f"- data: {spec.get('data', '')} ({spec.get('n_samples', '?')} samples, "
              f"{spec.get('n_subjects', '?')} subjects, fingerprint {spec.get('data_fingerprint', '')})",
              f"- merstudio {spec.get('merstudio_version', '')}"
              + (f"; folds run on {spec['backend'].get('said')} (the run that started this folder)"
                 if isinstance(spec.get("backend"), dict) else ""),
              f"- ablated parts: {', '.join(spec.get('ablate') or []) or 'none'}",
              ]
    lines += _provenance_lines(spec)
    if "checkpoint" not in spec:  # an evaluation trains nothing
        lines.append(f"- folds pooled: {m['n_folds']}; training time {m.get('train_seconds', 0) / 60:.1f} min "
                     "(sum over folds)")
    searched = _searched_on_test(spec)
    if "train" in spec:
        o = spec.get("config_origin") or {}
        # a run.json of before 2026-12-07 trained again on other data: nothing says the test fold was never seen
        unknown = not searched and bool(o.get("chosen_by")) and "seen_subjects" not in o
        said = _UNRECORDED if unknown else _NAMED_LIKE if not searched and o.get(NAMED_LIKE_SEARCH) else searched
        lines.append("- model selection: " + _selection(spec["train"], (spec.get("tune") or {}).get("params", {}),
                                                        said))
    origin = spec.get("config_origin") or {}
    # a run trained again from a run.json: its settings' file, and the run.json they were read from
    named = origin.get("file", "?") + (f" (read from {origin['via']})" if origin.get("via") else "")
    if searched:  # as an evaluation says the subjects that trained its checkpoint
        chosen = origin.get("chosen") or {}
        lines.append(f"- **configuration {named} chosen by a search that {searched}** "
                     f"({origin.get('chosen_by', 'merstudio tune')} on {origin.get('search_data') or '?'}"
                     + (f": trial {chosen.get('trial')} {chosen.get('params')}, scored by {chosen.get('inner')}"
                        if chosen else "")
                     + "): the figures below are not a nested estimate of accuracy on new people (`merstudio train "
                       "--tune` chooses inside each fold's training subjects)")
    elif origin:
        # a run.json of before 2026-12-07 trained again on other data: its searched subjects are not recorded
        overlap = "none of these subjects" if "seen_subjects" in origin else \
            "which of these subjects it saw is not recorded"
        if origin.get(NAMED_LIKE_SEARCH):
            overlap = "none of these subjects' inputs"  # but some of their names: the next line
        lines.append(f"- configuration: {named}" + (
            f", chosen by {origin['chosen_by']} on {origin.get('search_data') or 'other data'} ({overlap})"
            if origin.get("chosen_by") else ""))
    if origin.get(NAMED_LIKE_SEARCH):
        lines.append(f"- **{origin[NAMED_LIKE_SEARCH]} of these {origin.get('n_subjects', spec.get('n_subjects', '?'))}"
                     f" subjects {NAMED_LIKE_SEARCH_WHY}** (not counted as seen)")
    if spec.get("arithmetic"):
        # a resumed run's folds may differ ("folds 1-20 float32, 21-68 AVX512-BF16 bfloat16": the paths named there)
        several = "," in str(spec.get("cpu_bfloat16") or "")
        path = f"; the CPU's bfloat16: {spec['cpu_bfloat16']}" if spec.get("cpu_bfloat16") and not several else ""
        lines.append(f"- training arithmetic: {spec['arithmetic']} (precision {spec.get('train', {}).get('precision', '?')}"
                     f"; evaluation in float32{path})")
    if spec.get("tune"):
        t = spec["tune"]
        from merstudio.training.tune import SearchSpec, make_trials

        try:  # a grid runs every combination, whatever `trials` says
            n_trials: Any = len(make_trials(SearchSpec.from_dict(t)))
        except (MerstudioError, TypeError, ValueError):
            n_trials = t.get("trials")
        lines.append(f"- hyper-parameters: chosen in every fold by a {t.get('search')} search "
                     f"({n_trials} trials, {', '.join(t.get('params', {}))}) scored by {t.get('inner')} "
                     "cross-validation by subject inside that fold's training subjects (nested; the choices are "
                     "in folds/*.json)")
    if "checkpoint" in spec:
        sha = f"SHA-256 {spec['checkpoint_sha256']}" if spec.get("checkpoint_sha256") else ""
        made = ", ".join(x for x in (sha, *(f"{w} {spec[k]}" for w, k in (
            ("merstudio", "checkpoint_merstudio_version"), ("created", "checkpoint_created")) if spec.get(k))) if x)
        lines.append(f"- checkpoint: {spec['checkpoint']}{f' ({made})' if made else ''} (evaluation only, no "
                     "training)")
    if spec.get("seen_subjects"):
        lines.append(f"- **{spec['seen_subjects']} of these {spec.get('n_subjects', '?')} subjects trained this "
                     "checkpoint**: on them the figures are its fit to data it has seen, not accuracy")
    if spec.get("seen_by_name"):
        lines.append(f"- {spec['seen_by_name']} of them counted as trained by their names: {BY_NAME_WHY}")
    if spec.get("named_like_training"):
        lines.append(f"- **{spec['named_like_training']} of these {spec.get('n_subjects', '?')} subjects "
                     f"{NAMED_LIKE_WHY}**; the unseen subjects' figures leave them out")
    lines += ["", "## Class map", ""]
    lines += [f"- {i}: {n}" for i, n in enumerate(m["class_names"])]
    if "checkpoint" not in spec:
        heading = "Pooled metrics (predictions of all folds pooled, computed once" + (
            "; not a nested estimate: the configuration's search saw these subjects)" if searched else ")")
    elif _all_seen(spec):
        heading = "Training-set fit (every subject trained this checkpoint): not accuracy"
    elif spec.get("seen_subjects") or spec.get("named_like_training"):
        heading = (f"Metrics over all {spec.get('n_subjects', '?')} subjects, " + included_known(
            spec.get("seen_subjects") or 0, spec.get("named_like_training") or 0, "that trained the checkpoint"))
    else:
        heading = "Metrics (every sample predicted once)"
    lines += ["", f"## {heading}", "",
              "| accuracy | UF1 | UAR | n |", "|---:|---:|---:|---:|",
              f"| {m['accuracy']:.3f} | {m['uf1']:.3f} | {m['uar']:.3f} | {m['n']} |", ""]
    u = m.get("unseen")
    if u:
        nor = " nor share a name with one that did" if spec.get("named_like_training") else ""
        lines += [f"## Unseen subjects only ({u['n_subjects']} subjects that did not train the checkpoint{nor})", "",
                  "| accuracy | UF1 | UAR | n |", "|---:|---:|---:|---:|",
                  f"| {_fmt3(u['accuracy'])} | {_fmt3(u['uf1'])} | {_fmt3(u['uar'])} | {u['n']} |", ""]
    lines += ["## Per class", "", format_per_class_table(m), ""]
    if m.get("per_dataset"):
        lines += ["## Per dataset", "", format_per_dataset_table(m), ""]
    if m.get("per_fold"):
        lines += ["## Per fold", "", format_fold_table(m["per_fold"]), ""]
    lines += ["## Confusion matrix", "", format_confusion_table(m), "", "![confusion matrix](confusion.png)", ""]
    if m.get("au"):
        lines += ["## AU head (AU-labelled samples)", "", "| AU | support | n | F1@0.5 | AUC |",
                  "|---|---:|---:|---:|---:|"]
        for name, r in m["au"].items():
            f1 = "—" if np.isnan(r["f1"]) else f"{r['f1']:.3f}"
            auc = "—" if np.isnan(r["auc"]) else f"{r['auc']:.3f}"
            lines.append(f"| {name} | {r['support']} | {r['n']} | {f1} | {auc} |")
        lines.append("")
    if "model" in spec:
        shown = {k: dict(spec.get(k) or {}) for k in ("model", "train", "input")}
        tuned_keys = list((spec.get("tune") or {}).get("params") or {})
        lines += ["## Configuration", ""]
        if tuned_keys:  # those values are where the search started, not what a fold trained with
            for key in tuned_keys:
                part, _, name = key.partition(".")
                if name in shown.get(part, {}):
                    shown[part][name] = "chosen in each fold (folds/*.json)"
            lines += [f"Each fold chose its own {', '.join(tuned_keys)} by its nested search (the \"chosen\" column "
                      "above; folds/*.json \"tune\"); the other settings are the run's.", ""]
        lines += ["```json", json.dumps(shown, indent=2), "```", ""]
    return "\n".join(lines)


def train_final(data: DataArrays, model_cfg: Any, settings: TrainSettings, path: str | Path,
                meta: dict[str, Any], progress: ProgressFn | None = None) -> Path:
    """Train on all subjects (same settings as the protocol) and save a checkpoint with `meta`.

    The input settings the arrays were prepared with (load_arrays' PreparedArrays: T, the steps' spacing, the flow
    method, ...) go into meta["input"] even where `meta` leaves them out (keys its own "input" gives win): per-frame
    inference builds its windows from them, and a checkpoint without them was read with the defaults (a T=2 "late"
    model as "even"). Arrays that carry none (built by hand) and a meta without "input": saved so, with a warning."""
    from merstudio.model.checkpoint import save_checkpoint
    from merstudio.training.data import PreparedArrays

    model, history = train_fold(data, model_cfg, settings, fold="final", progress=progress)
    rank, _ = dist_info()
    path = Path(path)
    if rank == 0:
        meta = dict(meta)
        stated = meta.get("input")
        given: dict[str, Any] = stated if isinstance(stated, dict) else {}
        known: dict[str, Any] = data.input if isinstance(data, PreparedArrays) else {}
        if known:
            meta["input"] = {**known, **given}
        elif "modality" not in given:
            warnings.warn(f"{path}: saved without input settings (meta['input']; the arrays are not load_arrays' "
                          "and carry none): per-frame inference reads it with the defaults (steps 'even', flow "
                          "dis), which a model trained otherwise does not fit", stacklevel=2)
        meta.setdefault("merstudio_version", __version__)
        meta["final_history"] = history[-1:] if history else []
        meta["training_arithmetic"] = settings.arithmetic()
        meta["training_cpu_bfloat16"] = cpu_bfloat16_path()
        if isinstance(meta.get("training_data"), dict):
            # which arrays trained it (as run.json and an evaluation's summary name them) and the command that
            # asked for it: the checkpoint says what it was made from without its run folder
            meta["training_data"] = {**meta["training_data"], "data_fingerprint": data_fingerprint(data),
                                     "command": _command_line()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create the folder ({exc.strerror})") from exc
        save_checkpoint(path, model.cpu(), meta)
    return path


def _command_line() -> str:
    """This process's command line, as a shell would take it back ("merstudio train ..." for the CLI)."""
    argv = list(sys.argv) or ["?"]
    if Path(argv[0]).name in ("merstudio", "__main__.py"):
        argv[0] = "merstudio"
    return shlex.join(argv)


def run_ablation(data: DataArrays, class_names: Sequence[str], model_cfg: Any, settings: TrainSettings,
                 out_dir: str | Path, *, parts: Sequence[str] = ALL_ABLATIONS, protocol: str = "loso",
                 jobs: int = 1, data_desc: str = "", input_settings: dict[str, Any] | None = None,
                 progress: ProgressFn | None = None,
                 fold_done: Callable[[int, int], None] | None = None, backend: Backend | None = None,
                 cancel: Callable[[], bool] | None = None, seeds: int = 1,
                 origin: dict[str, Any] | None = None,
                 log: Callable[[str], Any] | None = None) -> list[dict[str, Any]]:
    """The reference model (`model_cfg`: the full model, or whatever it already has switched off) and the model
    with each of `parts` switched off in turn, on the same folds and seeds. Every variant is named and recorded
    by the parts really switched off in it (ablated_parts), each a resumable run in out_dir/<full | no-a+b>/; all
    variants' folds are tasks on one `backend` pool. The table goes to ablation.md and ablation.csv.

    With `seeds` > 1 every variant runs with the seeds settings.seed, settings.seed + 1, ... (in
    out_dir/<variant>/seed-<s>/): one seed's score moves by about as much as a part is worth, so the table then
    gives each variant's mean and its paired difference to the reference (same seed, same folds).

    ``origin`` (config_origin): where the settings came from; every variant's run records it, and where a search
    saw some of the test subjects the table says its figures are no nested estimate. ``log`` is told, before any
    training, when out_dir's table is of other variants or seeds than this run's (it is replaced at the end)."""
    if seeds < 1:
        raise InputError(f"seeds must be at least 1 (got {seeds})")
    out = Path(out_dir)
    class_names = list(class_names)
    rank, world = dist_info()
    if backend is None:
        backend = backend_from_args(jobs, None)
    settings = resolved_threads(settings, backend)
    variants: list[tuple[list[str], Any, TrainSettings]] = [(ablated_parts(model_cfg, settings), model_cfg, settings)]
    reference_off = variants[0][0]
    skipped: list[str] = []
    for p in parse_ablate(list(parts)):
        cfg, s = apply_ablation(model_cfg, settings, [p])
        off = ablated_parts(cfg, s)
        if all(off != v[0] for v in variants):  # a part already off in the reference adds no variant
            variants.append((off, cfg, s))
        else:  # said: the table had silently fewer rows than --parts asked for
            skipped.append(p)

    def names(off: list[str]) -> tuple[str, str]:
        return ("full", "full") if not off else ("-" + "-".join(off), "no-" + "+".join(off))

    skipped_note = _skipped_parts_note(skipped, reference_off, names(reference_off)[0])
    if skipped_note and log is not None and rank == 0:
        log(skipped_note)

    seed_list = [settings.seed + k for k in range(seeds)]
    plans: list[tuple[str, Path, list[Fold], Any, int]] = []
    jobs_: list[tuple[int, FoldJob]] = []
    for off, cfg, s in variants:
        name, folder = names(off)
        for seed in seed_list:
            s_seed = dataclasses.replace(s, seed=seed)
            run_dir = out / folder if seeds == 1 else out / folder / f"seed-{seed}"
            folds, pending = prepare_run(data, class_names, cfg, s_seed, run_dir, protocol=protocol,
                                         data_desc=data_desc, input_settings=input_settings, origin=origin,
                                         backend=backend)
            label = (f"{name}:" if len(variants) > 1 else "") + (f"s{seed}:" if seeds > 1 else "")
            jobs_ += [(len(plans), FoldJob(f, cfg, s_seed, class_names, _aus(cfg), label=label)) for f in pending]
            plans.append((name, run_dir, folds, off, seed))
    note = replaced_table_note(out, [(p[0], p[4]) for p in plans])
    if note and log is not None and rank == 0:
        log(note)
    total = sum(len(p[2]) for p in plans)
    done_count = total - len(jobs_)
    if fold_done is not None:
        fold_done(done_count, total)
    for i, df, info in run_fold_jobs(data, [j for _, j in jobs_], backend, progress=progress, cancel=cancel):
        plan_i, job = jobs_[i]
        store_fold(plans[plan_i][1], job.fold, df, info)
        done_count += 1
        if fold_done is not None:
            fold_done(done_count, total)
    rows: list[dict[str, Any]] = []
    if rank == 0:
        for name, run_dir, folds, off, seed in plans:
            m = summarise(run_dir, folds, class_names)
            rows.append({"variant": name, "switched_off": ",".join(off) or "none", "seed": seed,
                         "accuracy": m["accuracy"], "uf1": m["uf1"], "uar": m["uar"], "n": m["n"],
                         "folds": m["n_folds"],
                         **{f"uf1_{d}": e["uf1"] for d, e in m["per_dataset"].items()}})
        df_rows = pd.DataFrame(rows)
        _write_csv_atomic(out / "ablation.csv", df_rows)
        head = f"# Ablation ({protocol}, {data_desc}; same folds and seeds for every variant)"
        if seeds == 1:
            lines = [head, "", "| variant | switched off | accuracy | UF1 | UAR | n |", "|---|---|---:|---:|---:|---:|"]
            for i, r in enumerate(rows):
                shown = f"{r['variant']} (reference)" if i == 0 else r["variant"]
                lines.append(f"| {shown} | {r['switched_off']} | {r['accuracy']:.3f} | {r['uf1']:.3f} | "
                             f"{r['uar']:.3f} | {r['n']} |")
        else:
            lines = [head, "", seeds_table(df_rows)]
        lines += ["", f"Reference: {names(reference_off)[0]}, the model as configured"
                  + (f" (switched off: {', '.join(reference_off)})" if reference_off else "")
                  + "; every other variant switches one more part off."]
        if skipped_note:
            lines += ["", skipped_note]
        lines += ["", "Parts: " + ", ".join(f"{k} = {v}" for k, v in ALL_ABLATION_NAMES.items()) + "."]
        searched = _searched_on_test({"config_origin": origin or {}, "n_subjects": len(data.subject_list)})
        if searched:  # the parts' differences stand on the same footing, the figures themselves do not
            lines += ["", f"**The configuration ({(origin or {}).get('file', '?')}) was chosen by a search that "
                          f"{searched}: these figures are not a nested estimate.**"]
        _write_atomic(out / "ablation.md", "\n".join(lines) + "\n")
    if world > 1:
        torch.distributed.barrier()
    return rows


def _skipped_parts_note(skipped: Sequence[str], reference_off: Sequence[str], reference: str) -> str:
    """One line naming the requested parts that add no variant, and why: already off in the reference (its
    --config or --ablate), or without effect once the reference's parts are off (au_emotion with fam off)."""
    if not skipped:
        return ""
    off = [p for p in skipped if p in reference_off]
    idle = [p for p in skipped if p not in reference_off]
    why = []
    if off:
        why.append(f"{', '.join(off)} already switched off in the reference {reference} (the --config or --ablate)")
    if idle:
        why.append(f"{', '.join(idle)} change nothing with {', '.join(reference_off) or 'nothing'} off")
    return f"note: --parts {','.join(skipped)}: no variant of {'its' if len(skipped) == 1 else 'their'} own: " \
        + "; ".join(why)


def _variants_said(pairs: Sequence[tuple[str, int]]) -> str:
    """'full, -fam (seed 0)' / '... (seeds 0, 1)': an ablation table's variants and seeds, in words."""
    names = list(dict.fromkeys(str(n) for n, _ in pairs))
    seeds = sorted({int(x) for _, x in pairs})
    return f"{', '.join(names)} (seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))})"


def replaced_table_note(out: Path, planned: Sequence[tuple[str, int]]) -> str | None:
    """A line when out/ablation.csv tables other (variant, seed) pairs than ``planned``: this run's table will
    replace it (a rerun with other --parts or --seeds did so without a word). The earlier variants' runs stay in
    their folders, so the old table comes back by a rerun with the old --parts and --seeds (their folds are done)."""
    try:
        old = pd.read_csv(out / "ablation.csv", usecols=["variant", "seed"])
    except (OSError, ValueError):
        return None
    before = [(str(v), int(x)) for v, x in zip(old["variant"], old["seed"], strict=True)]
    if set(before) == {(str(n), int(x)) for n, x in planned}:
        return None
    return (f"note: {out / 'ablation.md'} tables {_variants_said(before)}; this run's table of "
            f"{_variants_said(planned)} replaces it and ablation.csv when it ends (the earlier variants' runs stay "
            "in their folders: rerun with their --parts and --seeds to table them again)")


def seeds_table(rows: pd.DataFrame) -> str:
    """Markdown table of a several-seed ablation: per variant the mean UF1 and UAR over the seeds and the paired
    difference to the reference (the first variant) on the same seeds: mean ± standard error, on how many seeds
    the variant scored higher, and with several datasets (leave one dataset out) the difference on each one's
    samples. Pairing on the seed keeps the folds and the seed fixed between the two runs of a difference, so
    only the variant differs."""
    seeds = sorted(rows["seed"].unique())
    ref_name = rows["variant"].iloc[0]
    ref = rows[rows["variant"] == ref_name].set_index("seed")
    per_ds = [c for c in rows.columns if c.startswith("uf1_")]
    head = ["variant", "switched off", "UF1", "UAR", "Δ UF1", "Δ UAR", "higher"] + [f"Δ UF1 {c[4:]}" for c in per_ds]
    out = [f"{len(seeds)} seeds ({seeds[0]}–{seeds[-1]}); Δ = the variant minus {ref_name} on the same seed, "
           "mean ± standard error; 'higher' = seeds on which the variant's UF1 was higher"
           + ("; Δ UF1 <dataset> = the same on that dataset's samples" if per_ds else ""), "",
           "| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]

    def delta(g: pd.DataFrame, common: pd.Index, metric: str) -> str:
        d = (g.loc[common, metric] - ref.loc[common, metric]).to_numpy(float)
        se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        return f"{d.mean():+.3f} ± {se:.3f}"

    for name, g in rows.groupby("variant", sort=False):
        g = g.set_index("seed")
        cells = [str(name), str(g["switched_off"].iloc[0]), f"{g['uf1'].mean():.3f}", f"{g['uar'].mean():.3f}"]
        if name == ref_name:
            cells += [""] * (len(head) - len(cells))
        else:
            common = g.index.intersection(ref.index)
            higher = int((g.loc[common, "uf1"] > ref.loc[common, "uf1"]).sum())
            cells += [delta(g, common, "uf1"), delta(g, common, "uar"), f"{higher}/{len(common)}"]
            cells += [delta(g, common, c) for c in per_ds]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)
