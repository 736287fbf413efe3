"""Honest hyper-parameter choice: each candidate is scored by k-fold-by-subject cross-validation on the data it is
given (pass only training subjects), never on a held-out test subject.

`merstudio tune` runs `tune()` on a data set and writes the chosen configuration (`chosen.json`) that
`merstudio train --config` reads; `merstudio train --tune` runs `search()` inside every outer fold (nested: each
fold's choice sees that fold's training subjects only).

Search space (`SearchSpec.params`): keys are `model.<ModelConfig field>` or `train.<TrainSettings field>`; a value
is a list of candidates, or a range `{"low": a, "high": b}` (+ `"log": true` for a log scale, `"int": true` for
whole numbers; ranges need the random search). Grid search tries every combination of the lists; random search
draws `trials` configurations with the search seed (distinct combinations while the lists allow). Every trial uses
the same inner folds and seeds, so trials differ only in their parameters.

Run folder of `tune()`:
    tune.json        what identifies the search (data fingerprint, space, base configuration)
    trials/NNN/      one resumable run per trial (run.json, folds/, predictions.csv, metrics.json, summary.md)
    search.json      every trial: parameters, UF1/UAR/accuracy, per inner fold scores, seconds
    trials.csv       the same as a table, best first
    chosen.json      {"model", "train", "seed", "input", "data_fingerprint", ...}: `merstudio train --config` reads it
    tune.md          the table and the choice
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from merstudio import __version__
from merstudio.atomic import write_text_atomic
from merstudio.errors import InputError, OutputError
from merstudio.execution import Backend
from merstudio.training.checks import check_settings
from merstudio.training.metrics import compute_metrics
from merstudio.training.protocols import DataArrays, make_folds, parse_protocol
from merstudio.training.run import (
    FoldJob,
    _aus,
    _fold_stem,
    check_same_run,
    data_fingerprint,
    json_safe,
    prepare_run,
    run_fold_jobs,
    run_protocol,
    store_fold,
    subject_fingerprints,
    summarise,
)
from merstudio.training.trainer import ProgressFn, TrainSettings, dist_info

# The documented default space (README, docs/model.md): the settings that moved results most in our runs.
DEFAULT_SPACE: dict[str, Any] = {
    "train.lr": [5e-4, 1e-3, 2e-3],
    "train.weight_decay": [1e-2, 5e-2, 1e-1],
    "train.epochs": [40, 60, 80],
    "train.mixup": [0.0, 0.2],
    "model.dropout": [0.2, 0.3, 0.4],
    "model.width": [12, 16, 24],
}
DEFAULT_TRIALS = 12
DEFAULT_INNER = "kfold:5"
SEARCHES = ("grid", "random")
# Fixed by the data or by where the run happens; a search may not vary them.
_FIXED = {"model.in_channels", "model.input_size", "model.T", "model.n_classes", "model.class_names",
          "model.aus", "train.seed", "train.device", "train.num_threads"}


@dataclass
class SearchSpec:
    """What to search: the space, grid or random, how many random trials, the inner protocol and the draw seed."""

    params: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SPACE))
    search: str = "random"
    trials: int = DEFAULT_TRIALS
    inner: str = DEFAULT_INNER
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        from merstudio.model.config import ModelConfig

        if self.search not in SEARCHES:
            raise InputError(f"search {self.search!r}: expected grid or random")
        if not isinstance(self.trials, int) or self.trials < 1:
            raise InputError(f"trials must be a whole number >= 1, got {self.trials!r}")
        try:
            kind, _ = parse_protocol(self.inner)
        except InputError:
            raise InputError(f"inner protocol {self.inner}: expected kfold:K with K >= 2 (k-fold by subject)") \
                from None
        if kind != "kfold":
            raise InputError(f"inner protocol {self.inner}: expected kfold:K (k-fold by subject)")
        if not isinstance(self.params, dict) or not self.params:
            raise InputError("search space: expected a non-empty object of parameters")
        fields = {"model": {f.name for f in dataclasses.fields(ModelConfig)},
                  "train": {f.name for f in dataclasses.fields(TrainSettings)}}
        for key, value in self.params.items():
            part, _, name = str(key).partition(".")
            if part not in fields or name not in fields[part]:
                raise InputError(f"search space: {key!r} is not model.<ModelConfig field> or "
                                 "train.<TrainSettings field>")
            if key in _FIXED:
                raise InputError(f"search space: {key} is set by the data or the run, not searched")
            if isinstance(value, list):
                if not value:
                    raise InputError(f"search space: {key} has no candidates")
            elif isinstance(value, dict):
                lo, hi = value.get("low"), value.get("high")
                if set(value) - {"low", "high", "log", "int"} or not all(
                        isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi)):
                    raise InputError(f"search space: {key}: a range is {{\"low\": a, \"high\": b}} "
                                     "(+ \"log\": true, \"int\": true)")
                if not lo <= hi or (value.get("log") and lo <= 0):  # type: ignore[operator]
                    raise InputError(f"search space: {key}: needs low <= high (and low > 0 on a log scale)")
                if self.search == "grid":
                    raise InputError(f"search space: {key} is a range; a grid needs lists (or use random search)")
            else:
                raise InputError(f"search space: {key}: expected a list of candidates or a range object")

    def validate_against(self, model_cfg: Any, settings: TrainSettings) -> None:
        """Raise InputError when a trial's values do not make a valid configuration (before any training)."""
        for params in make_trials(self):
            apply_params(model_cfg, settings, params)

    def to_dict(self) -> dict[str, Any]:
        return {"params": self.params, "search": self.search, "trials": self.trials, "inner": self.inner,
                "seed": self.seed}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SearchSpec:
        known = {f.name for f in dataclasses.fields(cls)}
        if not isinstance(d, dict) or set(d) - known:
            raise InputError(f"search spec: expected an object with {', '.join(sorted(known))}")
        return cls(**d)


def load_space(path: str | Path) -> dict[str, Any]:
    """A --space file: either the parameters themselves ({"train.lr": [...], ...}) or {"params": {...},
    optionally "search", "trials", "inner"}. Returns the keyword arguments of SearchSpec it sets."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the search space ({exc})") from None
    if not isinstance(d, dict):
        raise InputError(f"{path}: expected a JSON object")
    if "params" not in d:
        return {"params": d}
    extra = set(d) - {"params", "search", "trials", "inner"}
    if extra:
        raise InputError(f"{path}: unknown key(s) {', '.join(sorted(extra))} (params, search, trials, inner)")
    return d


def make_trials(spec: SearchSpec) -> list[dict[str, Any]]:
    """The trials' parameter sets, in a fixed order for the same spec (grid: every combination; random: drawn
    with spec.seed, distinct combinations while the lists have enough)."""
    keys = list(spec.params)
    if spec.search == "grid":
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(spec.params[k] for k in keys))]
    rng = np.random.default_rng(spec.seed)
    if all(isinstance(spec.params[k], list) for k in keys):
        sizes = [len(spec.params[k]) for k in keys]
        total = math.prod(sizes)
        picks = rng.choice(total, size=min(spec.trials, total), replace=False)
        out = []
        for flat in picks.tolist():
            combo = {}
            for k, n in zip(reversed(keys), reversed(sizes), strict=True):
                flat, r = divmod(flat, n)
                combo[k] = spec.params[k][r]
            out.append({k: combo[k] for k in keys})
        return out
    trials = []
    for _ in range(spec.trials):
        t: dict[str, Any] = {}
        for k in keys:
            v = spec.params[k]
            if isinstance(v, list):
                t[k] = v[int(rng.integers(len(v)))]
            elif v.get("int"):
                t[k] = int(rng.integers(int(v["low"]), int(v["high"]) + 1))
            elif v.get("log"):
                t[k] = float(np.exp(rng.uniform(np.log(v["low"]), np.log(v["high"]))))
            else:
                t[k] = float(rng.uniform(v["low"], v["high"]))
        trials.append(t)
    return trials


def apply_params(model_cfg: Any, settings: TrainSettings, params: dict[str, Any]) -> tuple[Any, TrainSettings]:
    """(model config, settings) with `params` set; a value the config rejects is an InputError naming it."""
    from merstudio.model.config import ModelConfig

    md = model_cfg.to_dict()
    td = settings.to_dict()
    for key, value in params.items():
        part, _, name = key.partition(".")
        (md if part == "model" else td)[name] = value
    try:
        cfg = ModelConfig.from_dict(md)
        s = TrainSettings.from_dict(td)
    except (InputError, TypeError, ValueError) as exc:
        raise InputError(f"search space {params}: {exc}") from None
    check_settings(s, cfg, where=f"search space {params}: ")
    return cfg, s


@dataclass
class SearchResult:
    trials: list[dict[str, Any]]  # every trial, in trial order: params, uf1, uar, accuracy, folds, seconds
    best: dict[str, Any]          # the chosen trial (highest UF1, then UAR, then the earlier trial)
    model_cfg: Any                # the chosen configuration
    settings: TrainSettings


def _score(frames: list[pd.DataFrame], class_names: list[str]) -> dict[str, float]:
    pred = pd.concat(frames, ignore_index=True)
    m = compute_metrics(pred["true"].to_numpy(), pred["pred"].to_numpy(), class_names)
    return {"uf1": float(m["uf1"]), "uar": float(m["uar"]), "accuracy": float(m["accuracy"])}


def _rank_key(t: dict[str, Any]) -> tuple[float, float, int]:
    def val(x: Any) -> float:
        return -1.0 if x is None or not np.isfinite(x) else float(x)

    return (-val(t["uf1"]), -val(t["uar"]), int(t["trial"]))


def search(data: DataArrays, class_names: list[str] | Any, model_cfg: Any, settings: TrainSettings,
           spec: SearchSpec, *, backend: Backend | None = None, out_dir: str | Path | None = None,
           data_desc: str = "", input_settings: dict[str, Any] | None = None,
           progress: ProgressFn | None = None, fold_done: Callable[[int, int], None] | None = None,
           cancel: Callable[[], bool] | None = None) -> SearchResult:
    """Score every trial of `spec` by `spec.inner` cross-validation by subject over `data` (only the subjects in
    `data`: pass an outer fold's training rows), choose the best by pooled UF1 (then UAR, then trial order).
    Every (trial, inner fold) pair is one task on `backend`. With `out_dir`, each trial is a resumable run in
    out_dir/trials/NNN/ (finished inner folds are kept); without, everything stays in memory (nested use)."""
    class_names = list(class_names)
    backend = backend or Backend("inprocess")
    params_list = make_trials(spec)
    configs = [apply_params(model_cfg, settings, p) for p in params_list]  # bad values fail before training
    folds = make_folds(data.subjects, spec.inner, seed=settings.seed, datasets=data.datasets)
    frames: list[list[pd.DataFrame | None]] = [[None] * len(folds) for _ in configs]
    infos: list[list[dict[str, Any] | None]] = [[None] * len(folds) for _ in configs]
    jobs: list[tuple[int, FoldJob]] = []
    trial_dirs: list[Path] = []
    for t, (cfg, s) in enumerate(configs):
        label = f"trial {t + 1}:"
        pending = folds
        if out_dir is not None:
            run_dir = Path(out_dir) / "trials" / f"{t + 1:03d}"
            trial_dirs.append(run_dir)
            _, pending = prepare_run(data, class_names, cfg, s, run_dir, protocol=spec.inner,
                                     data_desc=data_desc or "search", input_settings=input_settings)
            names = {f.name for f in pending}
            for f in folds:
                if f.name not in names:  # finished before: read back
                    stem = run_dir / "folds" / _fold_stem(f)
                    frames[t][f.index] = pd.read_csv(f"{stem}.csv", dtype={"subject": str, "sample": str,
                                                                          "dataset": str, "fold": str})
                    infos[t][f.index] = json.loads(Path(f"{stem}.json").read_text(encoding="utf-8"))
        jobs += [(t, FoldJob(f, cfg, s, class_names, _aus(cfg), label=label)) for f in pending]
    total = len(configs) * len(folds)
    done = total - len(jobs)
    if fold_done is not None:
        fold_done(done, total)
    for i, df, info in run_fold_jobs(data, [j for _, j in jobs], backend, progress=progress, cancel=cancel):
        t, job = jobs[i]
        frames[t][job.fold.index] = df
        infos[t][job.fold.index] = info
        if out_dir is not None:
            store_fold(trial_dirs[t], job.fold, df, info)
        done += 1
        if fold_done is not None:
            fold_done(done, total)
    trials: list[dict[str, Any]] = []
    for t, params in enumerate(params_list):
        fr = [df for df in frames[t] if df is not None]
        per_fold: list[dict[str, Any]] = []
        for f in folds:
            fdf, finfo = frames[t][f.index], infos[t][f.index]
            assert fdf is not None and finfo is not None  # every task has finished or raised
            per_fold.append({"fold": f.name, "test_subjects": list(f.test_subjects), "n_test": len(fdf),
                             "seconds": float(finfo.get("seconds", 0.0)), **_score([fdf], class_names)})
        trials.append({"trial": t + 1, "params": params, **_score(fr, class_names),
                       "seconds": float(sum(p["seconds"] for p in per_fold)), "folds": per_fold})
        if out_dir is not None and dist_info()[0] == 0:
            summarise(trial_dirs[t], folds, class_names)
    best = min(trials, key=_rank_key)
    cfg, s = configs[best["trial"] - 1]
    return SearchResult(trials=trials, best=best, model_cfg=cfg, settings=s)


def chosen_config(result: SearchResult, data: DataArrays, spec: SearchSpec, data_desc: str = "",
                  input_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """What `merstudio train --config` reads: the chosen model and training settings, the seed, the input the
    trials were scored on (`train --config` prepares the data the same way where no flag says otherwise) and
    where they came from (the data fingerprint says which data the choice saw)."""
    train = {k: v for k, v in result.settings.to_dict().items() if k not in ("device", "num_threads", "seed")}
    return {
        "model": result.model_cfg.to_dict(),
        "train": train,
        "seed": result.settings.seed,
        "input": input_settings or {},
        "data": data_desc,
        "data_fingerprint": data_fingerprint(data),
        "subjects": data.subject_list,
        # the searched people by their data (run.subject_fingerprints): `train --config` then knows them, as
        # `evaluate` knows a checkpoint's, and a copy of the data with the subjects renamed is not unseen people
        "subject_inputs": subject_fingerprints(data),
        "chosen": {"trial": result.best["trial"], "params": result.best["params"], "uf1": result.best["uf1"],
                   "uar": result.best["uar"], "inner": spec.inner},
        "merstudio_version": __version__,
    }


def tune(data: DataArrays, class_names: list[str] | Any, model_cfg: Any, settings: TrainSettings,
         spec: SearchSpec, out_dir: str | Path, *, backend: Backend | None = None, data_desc: str = "",
         input_settings: dict[str, Any] | None = None, progress: ProgressFn | None = None,
         fold_done: Callable[[int, int], None] | None = None,
         cancel: Callable[[], bool] | None = None) -> SearchResult:
    """`merstudio tune`: search (resumable, in out_dir/trials/), then write search.json, trials.csv, tune.md and
    chosen.json in out_dir."""
    out = Path(out_dir)
    class_names = list(class_names)
    ident = {"data": data_desc, "data_fingerprint": data_fingerprint(data), "n_samples": len(data),
             "n_subjects": len(data.subject_list), "class_names": class_names, "search": spec.to_dict(),
             "model": model_cfg.to_dict(),
             "train": {k: v for k, v in settings.to_dict().items() if k not in ("device", "num_threads")},
             "input": input_settings or {}}
    ident = json.loads(json.dumps(ident))
    rank = dist_info()[0]
    tune_json = out / "tune.json"
    check_same_run(tune_json, ident, "search")
    if not tune_json.exists() and rank == 0:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{out}: cannot create the folder ({exc.strerror})") from None
        write_text_atomic(tune_json, json.dumps(ident, indent=2))
    result = search(data, class_names, model_cfg, settings, spec, backend=backend, out_dir=out,
                    data_desc=data_desc, input_settings=input_settings, progress=progress, fold_done=fold_done,
                    cancel=cancel)
    if rank != 0:
        return result
    write_text_atomic(out / "search.json", json.dumps(json_safe({**ident, "trials": result.trials,
                                                                  "best": result.best["trial"]}), indent=2))
    ranked = sorted(result.trials, key=_rank_key)
    table = pd.DataFrame([{"trial": t["trial"], **{k: t["params"][k] for k in spec.params}, "uf1": t["uf1"],
                           "uar": t["uar"], "accuracy": t["accuracy"], "seconds": t["seconds"]} for t in ranked])
    write_text_atomic(out / "trials.csv", table.to_csv(index=False))
    chosen = chosen_config(result, data, spec, data_desc, input_settings)
    write_text_atomic(out / "chosen.json", json.dumps(json_safe(chosen), indent=2))
    write_text_atomic(out / "tune.md", _render(spec, ranked, data_desc, len(data), len(data.subject_list)))
    return result


def _render(spec: SearchSpec, ranked: list[dict[str, Any]], data_desc: str, n: int, n_subjects: int) -> str:
    keys = list(spec.params)
    lines = [f"# Hyper-parameter search ({spec.search}, {len(ranked)} trials)", "",
             f"- data: {data_desc} ({n} samples, {n_subjects} subjects)",
             f"- each trial scored by {spec.inner} cross-validation by subject over these subjects only "
             "(pooled UF1, then UAR); the same inner folds and seeds for every trial",
             f"- chosen: trial {ranked[0]['trial']} -> chosen.json, for the final model (`merstudio train --config "
             "chosen.json --final`) or data the search never saw",
             "- an estimate of accuracy on new people is nested: `merstudio train --tune` searches again inside each "
             "fold's training subjects; a LOSO run of chosen.json on these same subjects is not (the choice saw "
             "every subject)", "",
             "| trial | " + " | ".join(keys) + " | UF1 | UAR | accuracy | seconds |",
             "|---:|" + "---|" * len(keys) + "---:|---:|---:|---:|"]

    def f(x: Any) -> str:
        return "—" if x is None or not np.isfinite(x) else f"{x:.3f}"

    for t in ranked:
        lines.append(f"| {t['trial']} | " + " | ".join(str(t["params"][k]) for k in keys)
                     + f" | {f(t['uf1'])} | {f(t['uar'])} | {f(t['accuracy'])} | {t['seconds']:.0f} |")
    return "\n".join(lines) + "\n"


def grid_search(data: DataArrays, class_names: list[str], model_cfg: Any, settings: TrainSettings,
                grid: dict[str, list[Any]], out_dir: str | Path, protocol: str = "kfold:5",
                jobs: int = 1) -> list[dict[str, Any]]:
    """Score every combination of `grid` ({"train.lr": [...], "model.width": [...]}) by `protocol` CV, one
    run_protocol run per combination (the older helper; `tune()` pools every trial's folds as tasks).
    Results (sorted best UF1 first) are also written to out_dir/grid.json; finished runs are reused."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    keys = list(grid)
    results = []
    for combo in itertools.product(*(grid[k] for k in keys)):
        params = dict(zip(keys, combo, strict=True))
        mc, ts = apply_params(model_cfg, settings, params)
        name = "_".join(f"{k.split('.', 1)[1]}={v}" for k, v in params.items()).replace("/", "-")
        t0 = time.perf_counter()
        m = run_protocol(data, class_names, mc, ts, out / name, protocol=protocol, jobs=jobs,
                         data_desc="grid search")
        results.append({"params": params, "uf1": m["uf1"], "uar": m["uar"], "accuracy": m["accuracy"],
                        "seconds": time.perf_counter() - t0})
        write_text_atomic(out / "grid.json", json.dumps(json_safe(results), indent=2))
    return sorted(results, key=lambda r: -r["uf1"])
