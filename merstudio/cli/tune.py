"""`merstudio tune`: hyper-parameter search by k-fold cross-validation by subject over the data given; writes
chosen.json for `merstudio train --config`."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    from merstudio.cli.train import add_data_args, add_progress_arg, add_search_args, add_train_args

    p = sub.add_parser(
        "tune",
        help="hyper-parameter search (grid or random) scored by k-fold by subject; writes chosen.json",
        description="Scores every trial of the search space by --inner cross-validation by subject over the "
                    "subjects of --data only, chooses the best pooled UF1 (then UAR), and writes chosen.json "
                    "(model + training settings + seed + data fingerprint) for `merstudio train --config`, with the "
                    "whole search (search.json, trials.csv, tune.md, one resumable run per trial) in --out. Give it "
                    "training subjects only; `merstudio train --tune` does this inside every fold (nested). The "
                    "(trial, fold) pairs are tasks on local processes (--jobs) or Ray (--ray).")
    add_data_args(p)
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the search and chosen.json")
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
    )
    from merstudio.execution import backend_from_args
    from merstudio.training.run import parse_ablate
    from merstudio.training.trainer import dist_info
    from merstudio.training.tune import tune

    parse_ablate(args.ablate)  # bad flags fail before the (slow) data preparation
    options = loader_options(args)
    search_spec(args, 0, say=False)  # a bad space fails before the data preparation
    backend = backend_from_args(args.jobs, args.ray)
    data, info, _ = prepare_data(args, options, distributed=False)  # tune runs no DDP: its trials are tasks
    model_cfg, settings = build_settings(args, info)
    spec = search_spec(args, settings.seed)
    check_trials(spec, model_cfg, settings)
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
        from merstudio.cli.train import write_data_record

        write_data_record(args.out, info, len(data))
    b = found.best
    print(f"chosen: trial {b['trial']} of {len(found.trials)} {b['params']}: UF1 {b['uf1']:.3f} UAR {b['uar']:.3f} "
          f"({args.inner or spec.inner})")
    flags = options.flags()  # the same data: --modality VIS and the like go with --data
    print(f"wrote {args.out / 'chosen.json'}; use: merstudio train --data {args.data}{' ' + flags if flags else ''} "
          f"--config {args.out / 'chosen.json'}")
    return 0
