"""`merstudio tune`: hyper-parameter search by k-fold cross-validation by subject over the data given; writes
chosen.json for `merstudio train --config`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EPILOG = """examples:
  merstudio tune --data megc2019:/data/megc --out runs/tune           # random search: 12 trials, each scored by kfold:5
  merstudio tune --data casme2:/data/CASME2 --out runs/tune-small --trials 6 --inner kfold:3 --epochs 30
  merstudio tune --data table:samples.csv --out runs/grid --space space.json --search grid
      space.json: {"train.lr": [0.0005, 0.001], "model.width": [12, 16]}
then (its last lines say these, with your --data and flags): an estimate of accuracy on new people runs the search
again inside every fold's training subjects (nested); chosen.json evaluated on the searched subjects repeats the
search's own score (with --protocol kfold:K of its inner K, its best trial to the digit), so it is for the final
model or for data the search never saw:
  merstudio train --data megc2019:/data/megc --tune --out runs/tune-nested
  merstudio train --data megc2019:/data/megc --config runs/tune/chosen.json --out runs/tune-final --final tuned.pt"""


def register(sub: argparse._SubParsersAction) -> None:
    from merstudio.cli.bounds import output
    from merstudio.cli.main import EpilogFormatter
    from merstudio.cli.train import add_data_args, add_progress_arg, add_search_args, add_train_args

    p = sub.add_parser(
        "tune",
        help="hyper-parameter search (grid or random) scored by k-fold by subject; writes chosen.json",
        description="Scores every trial of the search space by --inner cross-validation by subject over the "
                    "subjects of --data only, chooses the best pooled UF1 (then UAR), and writes chosen.json "
                    "(model + training settings + seed + data fingerprint) for `merstudio train --config`, with the "
                    "whole search (search.json, trials.csv, tune.md, one resumable run per trial) in --out. Give it "
                    "training subjects only; `merstudio train --tune` does this inside every fold (nested). The "
                    "(trial, fold) pairs are tasks on local processes (--jobs) or Ray (--ray).",
        epilog=EPILOG, formatter_class=EpilogFormatter)
    add_data_args(p)
    p.add_argument("--out", required=True, action=output(), metavar="DIR", help="folder for the search and chosen.json")
    p.add_argument("--overwrite", action="store_true", help="replace files in --out that no earlier search wrote "
                   "(chosen.json, tune.md, ...; an earlier search there is resumed either way)")
    add_search_args(p)
    add_train_args(p, protocol=False)
    add_progress_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from merstudio.cli.train import (
        Bars,
        build_settings,
        check_trials,
        loader_options,
        prepare_data,
        search_spec,
        thin_fit_warning,
    )
    from merstudio.execution import backend_from_args
    from merstudio.training.run import parse_ablate
    from merstudio.training.trainer import dist_info
    from merstudio.training.tune import tune

    parse_ablate(args.ablate)  # bad flags fail before the (slow) data preparation
    options = loader_options(args)
    search_spec(args, 0, say=False)  # a bad space fails before the data preparation
    backend = backend_from_args(args.jobs, args.ray)
    data, info, _ = prepare_data(args, options, distributed=False, command="tune")  # tune runs no DDP: its trials are tasks
    model_cfg, settings = build_settings(args, info)
    spec = search_spec(args, settings.seed)
    check_trials(spec, model_cfg, settings)
    thin = thin_fit_warning(args, data, settings, spec)  # --val-fraction 0.99 trained every trial on one person
    if thin is not None:
        print(f"merstudio: {thin}", file=sys.stderr)
    print(f"{info['description']}: {len(data)} samples, {len(data.subject_list)} subjects; {spec.search} search, "
          f"{len(spec.params)} parameters, scored by {spec.inner}; {backend.describe()}")
    bars = Bars(enabled=(dist_info()[0] == 0 and not args.no_progress))
    try:
        found = tune(data, info["class_names"], model_cfg, settings, spec, args.out, backend=backend,
                     data_desc=info["description"], input_settings=info["input"], progress=bars.progress,
                     fold_done=bars.fold_done)
    finally:
        bars.close()
    if dist_info()[0] == 0:
        from merstudio.cli.train import cache_dir, write_data_record

        write_data_record(args.out, info, len(data), cache_dir(args))
    b = found.best
    print(f"chosen: trial {b['trial']} of {len(found.trials)} {b['params']}: UF1 {b['uf1']:.3f} UAR {b['uar']:.3f} "
          f"({args.inner or spec.inner})")
    chosen = args.out / "chosen.json"
    print(f"wrote {chosen}; an estimate of accuracy on new people is nested (the search again inside each fold's "
          f"training subjects): {train_command(args, options, nested=True)}")
    print(f"{chosen} is for the final model or data the search never saw (a run of it on these subjects is no "
          f"estimate: the search saw them all); use: {train_command(args, options)}")
    return 0


# tune's flags that `train --tune` takes alike (dest, flag): the nested line searches as this search did
_SEARCH_FLAGS = (("space", "--space"), ("search", "--search"), ("trials", "--trials"), ("inner", "--inner"),
                 ("config", "--config"), ("epochs", "--epochs"), ("batch_size", "--batch-size"), ("lr", "--lr"),
                 ("width", "--width"), ("val_fraction", "--val-fraction"), ("mixup", "--mixup"),
                 ("ablate", "--ablate"), ("input", "--input"), ("size", "--size"), ("steps", "--steps"),
                 ("step_spacing", "--step-spacing"), ("framing", "--framing"), ("precision", "--precision"),
                 ("seed", "--seed"), ("threads", "--threads"), ("device", "--device"), ("jobs", "--jobs"))
_FLAG_DEFAULTS = {"threads": 1, "device": "auto", "jobs": 1}  # left out of the line at their default


def train_command(args: argparse.Namespace, options: Any, nested: bool = False) -> str:
    """A `merstudio train` line, as pasted, on the same data (--classes, --modality VIS and the like, --cache) with an
    --out beside the search's: ``nested``, `train --tune` with this search's space and settings (an estimate of
    accuracy on new people); else --config chosen.json with --final (the model to use: a --config run on the
    searched subjects repeats the search's score, which is no estimate)."""
    import shlex

    q = shlex.quote
    out = args.out.with_name(f"{args.out.name}-{'nested' if nested else 'final'}")
    parts = ["merstudio train --data", q(args.data), options.flags()]
    if args.classes:
        parts += ["--classes", q(args.classes)]
    if args.allow_missing:
        parts.append("--allow-missing")
    if args.cache is not None:
        parts += ["--cache", q(str(args.cache))]
    if nested:
        parts.append("--tune")
        for dest, flag in _SEARCH_FLAGS:
            value = getattr(args, dest, None)
            if value not in (None, "") and value != _FLAG_DEFAULTS.get(dest):
                parts += [flag, q(str(value))]
    else:
        parts += ["--config", q(str(args.out / "chosen.json"))]
    parts += ["--out", q(str(out))]
    if not nested:
        parts += ["--final", q(str(out.with_name(f"{out.name}.pt")))]
    return " ".join(x for x in parts if x)
