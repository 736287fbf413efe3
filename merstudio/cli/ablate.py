"""`merstudio ablate`: the ablation table (full model, then each part switched off) on the same folds."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  merstudio ablate --data megc2019:/data/megc --out runs/ablation               # each part off in turn, LOSO
  merstudio ablate --data megc2019:/data/megc --out runs/ablation10 --seeds 10 --jobs 2   # paired over 10 seeds
  merstudio ablate --data megc2019:/data/megc --out runs/abl-lodo --protocol lodo --parts fam,mixup
The same command again resumes; other --parts or --seeds into the same --out add their variants and replace the
table (said when the run starts; the earlier variants' runs stay in their folders)."""


def register(sub: argparse._SubParsersAction) -> None:
    from merstudio.cli.bounds import COUNT_MAX, output, whole
    from merstudio.cli.main import EpilogFormatter
    from merstudio.cli.train import add_data_args, add_progress_arg, add_train_args

    p = sub.add_parser("ablate", help="ablation table: the full model and each part switched off, same folds",
                       description="Runs the protocol for the reference model (the full model, or the model with "
                                   "--ablate parts off) and for it with each of --parts switched off (same folds, "
                                   "seeds and settings); writes ablation.md and ablation.csv in --out, each variant "
                                   "a resumable run in its own subfolder named by the parts it has off. All "
                                   "variants' folds are tasks on one pool (--jobs, --ray).",
                       epilog=EPILOG, formatter_class=EpilogFormatter)
    add_data_args(p)
    p.add_argument("--out", required=True, action=output(), metavar="DIR", help="folder for the variants and the table")
    p.add_argument("--overwrite", action="store_true", help="replace files in --out that no earlier ablation wrote "
                   "(ablation.md, ...; an earlier ablation there is resumed either way)")
    from merstudio.cli.train import PARTS_HELP
    from merstudio.model.config import ALL_ABLATIONS

    p.add_argument("--parts", default=",".join(ALL_ABLATIONS),
                   help=f"parts to switch off one at a time (default: all of {PARTS_HELP})")
    add_train_args(p)
    p.add_argument("--seeds", action=whole(1, COUNT_MAX), default=1, metavar="N",
                   help="run every variant with N seeds (--seed, --seed+1, ...) and report each variant's mean and "
                        "its paired difference to the reference; one seed's UF1 moves by about as much as a part "
                        "is worth (default 1)")
    add_progress_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from merstudio.cli.train import (
        Bars,
        build_settings,
        cache_dir,
        config_note,
        config_origin,
        loader_options,
        prepare_data,
        write_data_record,
    )
    from merstudio.errors import InputError
    from merstudio.execution import backend_from_args
    from merstudio.training.protocols import parse_protocol
    from merstudio.training.run import parse_ablate, run_ablation
    from merstudio.training.trainer import dist_info

    # bad flags fail before the (slow) data preparation
    try:
        parts = parse_ablate(args.parts)
    except InputError as exc:
        raise InputError(str(exc).replace("--ablate", "--parts", 1)) from None
    parse_ablate(args.ablate)
    parse_protocol(args.protocol)
    options = loader_options(args)
    backend = backend_from_args(args.jobs, args.ray)
    data, info, _ = prepare_data(args, options, command="ablate")
    rank, _ = dist_info()
    model_cfg, settings = build_settings(args, info)  # applies --ablate: the reference has those parts off
    origin = config_origin(args, data)
    note = config_note(args, origin)
    if note and rank == 0:
        print(note)
    bars = Bars(enabled=(rank == 0 and not args.no_progress))
    try:
        run_ablation(data, info["class_names"], model_cfg, settings, args.out, parts=parts,
                     protocol=args.protocol, backend=backend, data_desc=info["description"],
                     input_settings=info["input"], progress=bars.progress, fold_done=bars.fold_done,
                     seeds=args.seeds, origin=origin, log=print)
    finally:
        bars.close()
    if rank == 0:
        write_data_record(args.out, info, len(data), cache_dir(args))
        print((args.out / "ablation.md").read_text(encoding="utf-8"))
    return 0
