"""`merstudio train`: evaluate a configuration under LOSO / k-fold by subject, optionally train a final model."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from merstudio.cli.bounds import (
    BATCH_MAX,
    COUNT_MAX,
    EPOCHS_MAX,
    JOBS_MAX,
    LR_MAX,
    SEED_MAX,
    SIZE_MAX,
    STEPS_MAX,
    WIDTH_MAX,
    output,
    real,
    whole,
)
from merstudio.errors import InputError
from merstudio.model.config import ALL_ABLATIONS, MIN_INPUT_SIZE
from merstudio.resources import CLUSTER_INSTALL_HINT
from merstudio.training.checks import check_settings
from merstudio.training.run_folders import (  # run_protocol's rule too
    RUN_OUTPUTS,
    check_new_run_folder,
    check_run_folder,
)

PARTS_HELP = (f"{','.join(ALL_ABLATIONS)} (fam = the facial-action module with its AU-emotion constraint, "
              "au_emotion = the constraint only, sample_norm = the per-sample input standardisation, mixstyle = "
              "MixStyle, erase = random erasing, mixup = mixup in training; au = fam)")


EPILOG = """examples:
  merstudio train --data casme2:/data/CASME2 --out runs/casme2                    # LOSO (the default protocol)
  merstudio train --data megc2019:/data/megc --out runs/megc --jobs 2 --final megc.pt   # then a model on all subjects
  merstudio train --data table:samples.csv --out runs/quick --protocol kfold:5 --epochs 10   # a quick first look
  merstudio train --data megc2019:/data/megc --tune --out runs/nested             # a nested search in every fold: an estimate
  merstudio train --data megc2019:/data/megc --config runs/tune/chosen.json --out runs/tuned --final tuned.pt   # `tune`'s choice: the final model (no estimate here)
  merstudio train --data smic:/data/SMIC --modality VIS --out runs/smic-vis --cache /scratch/merstudio-cache
The same command again resumes (finished folds are kept); other settings into the same --out are refused."""


def add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, metavar="KIND:ROOT|TABLE.csv",
                   help="a dataset (e.g. casme2:/data/CASME2, megc2019:/data/megc) or a generic sample table CSV; "
                        "the dataset loader options below (--modality VIS, ...) say how to read it")
    from merstudio.cli.datasets import add_class_args, add_loader_args

    add_class_args(p)  # --classes, --allow-missing as `merstudio datasets inspect` takes them
    add_loader_args(p)  # --sheet, --variant, --modality, ... as `merstudio datasets inspect` takes them
    add_cache_arg(p)


def add_cache_arg(p: argparse.ArgumentParser) -> None:
    """--cache DIR: where the prepared inputs are kept, as `merstudio datasets prepare --cache` fills it (read with
    cache_dir)."""
    p.add_argument("--cache", action=output(), default=None, metavar="DIR",
                   help="preprocessing cache folder, e.g. the one `merstudio datasets prepare --cache DIR` filled "
                        "(default: $MERSTUDIO_CACHE, else $XDG_CACHE_HOME/merstudio, else ~/.cache/merstudio)")


def cache_dir(args: argparse.Namespace) -> Path:
    """The cache a run reads and fills: --cache, else $MERSTUDIO_CACHE, $XDG_CACHE_HOME/merstudio or
    ~/.cache/merstudio. A --cache that cannot be written is refused now, as `merstudio datasets prepare --cache`
    refuses it (the default one only warns: preparation works without it)."""
    from merstudio.datasets.preprocess import default_cache_dir

    if getattr(args, "cache", None) is None:
        return default_cache_dir()
    from merstudio.atomic import ensure_parent

    ensure_parent(Path(args.cache).expanduser() / "prep")
    return Path(args.cache).expanduser()


def loader_options(args: argparse.Namespace) -> Any:
    """The --sheet, --variant, --modality, ... of add_data_args (a merstudio.datasets.LoadOptions), checked against
    the --data kind: one that kind does not read fails now, before the (slow) data preparation."""
    from merstudio.datasets.options import LoadOptions
    from merstudio.training.data import parse_data_spec

    options = LoadOptions.from_args(args)
    options.check(parse_data_spec(args.data)[0], args.classes)
    return options


def add_train_args(p: argparse.ArgumentParser, protocol: bool = True) -> None:
    from merstudio.cli.analyze import RayOption  # --ray: a value that is no address is one line

    if protocol:
        p.add_argument("--protocol", default="loso", help="loso (default), kfold:K (k-fold by subject) or lodo (leave one dataset out: "
                       "trains on the other datasets, the proxy for an unseen camera and population)")
    # the defaults are TrainSettings' and ModelConfig's, written out so that --help does not import torch
    # (tests/cli/test_cli_entry.py checks that they agree)
    p.add_argument("--epochs", action=whole(1, EPOCHS_MAX), default=None, help="training epochs per fold (default 60, or the --config's)")
    p.add_argument("--batch-size", action=whole(1, BATCH_MAX), default=None, help="batch size (default 32)")
    p.add_argument("--lr", action=real(0, LR_MAX, above=True), default=None, help="peak learning rate of the cosine schedule (default 0.001)")
    p.add_argument("--width", action=whole(4, WIDTH_MAX), default=None,
                   help="backbone width: channels of the first stage (default 16)")
    p.add_argument("--val-fraction", action=real(0, 1, under=True), default=None,
                   help="choose the epoch on an inner validation split of this fraction of TRAINING subjects "
                        "(default 0: a fixed number of epochs, their weights averaged as \"average\" in --config says: "
                        "SWA over the last quarter by default)")
    p.add_argument("--mixup", action=real(0, math.inf), default=None, help="mixup alpha (default 0.2; 0 = off)")
    p.add_argument("--ablate", default="", metavar="PARTS", help=f"switch parts off: any of {PARTS_HELP}")
    p.add_argument("--config", type=Path, default=None,
                   help='JSON file {"model": {...ModelConfig...}, "train": {...TrainSettings...}} to override '
                        "defaults, e.g. the chosen.json of `merstudio tune` (its seed too, unless --seed is given)")
    p.add_argument("--input", default=None, metavar="KIND",
                   help="network input for clips: flow (default), grey or flow+grey (ignored for image tables)")
    p.add_argument("--size", action=whole(MIN_INPUT_SIZE, SIZE_MAX), default=None,
                   help=f"input size in pixels, at least {MIN_INPUT_SIZE} (default {MIN_INPUT_SIZE} for clips; "
                        "precomputed flow images: their own size)")
    p.add_argument("--steps", action=whole(1, STEPS_MAX), default=None, metavar="T", help="time steps per clip over onset -> apex (default 2 "
                   "for clips, so the ConvLSTM sees the movement unfold; precomputed flow images default to 1, and a larger T "
                   "repeats the one image at every step)")
    p.add_argument("--step-spacing", choices=("late", "even"), default=None,
                   help="where a clip's steps lie: late (default) = evenly over the second half of onset -> apex (T = 2: "
                        "at 3/4 and the apex), even = evenly over all of it; a checkpoint records it for inference")
    p.add_argument("--framing", default=None, metavar="BOX",
                   help="framing: the part of merstudio's aligned face the input shows, as x0,y0,x1,y1 fractions or "
                        "a name: whole (default) or megc2019 (the MEGC2019 composite's shared flow images, tighter "
                        "and higher). Clips are cropped to it; precomputed flow images are said to have it. The "
                        "checkpoint records it, and the app frames video faces the same way")
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto (default: CUDA when present)")
    p.add_argument("--precision", choices=("auto", "float32", "bfloat16"), default=None,
                   help="training arithmetic (default auto: bfloat16 autocast on a CPU with AMX, about 25%% faster "
                        "with the same accuracy; float32 elsewhere, AVX512-BF16 without AMX included); evaluation "
                        "is float32")
    p.add_argument("--seed", action=whole(0, SEED_MAX), default=None, help="random seed (default: the --config's seed, else 0)")
    p.add_argument("--jobs", action=whole(1, JOBS_MAX), default=1, help="folds trained in parallel processes (default 1)")
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS", action=RayOption,
                   help="run the folds as Ray tasks: an embedded local Ray (no ADDRESS; --jobs CPUs when > 1) or the "
                        f"cluster at ADDRESS ({CLUSTER_INSTALL_HINT}); results equal a local run's")
    p.add_argument("--threads", action=whole(1, JOBS_MAX), default=1,
                   help="torch CPU threads per process (default 1: the small networks train fastest single-threaded, "
                        "and a busy machine makes multi-threaded training much slower; use --jobs to use more cores)")


def add_progress_arg(p: argparse.ArgumentParser) -> None:
    """-q: no progress bars (train, tune and ablate draw the data preparation, the folds and the epochs)."""
    p.add_argument("--no-progress", "-q", "--quiet", dest="no_progress", action="store_true", help="no progress bars")


def add_search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--space", type=Path, default=None, metavar="FILE.json",
                   help='search space: {"train.lr": [5e-4, 1e-3], "model.width": [12, 16], ...} or {"params": '
                        '{...}, "search": ..., "trials": ..., "inner": ...}; lists, or ranges {"low": a, "high": b, '
                        '"log": true} (default: merstudio.training.tune.DEFAULT_SPACE)')
    p.add_argument("--search", choices=("grid", "random"), default=None,
                   help="grid: every combination; random: --trials draws (default: random)")
    p.add_argument("--trials", action=whole(1, COUNT_MAX), default=None, help="random search: trials to draw (default 12)")
    p.add_argument("--inner", default=None, metavar="kfold:K",
                   help="cross-validation by subject that scores each trial (default kfold:5)")


def write_data_record(out: Path, info: dict[str, Any], n_samples: int, cache: Path | None = None) -> None:
    """data.md in a finished run folder: what the loader read and left out (training.data.data_record), and the
    preprocessing cache the inputs came from (``cache``: a record, not a setting: runs on other caches compare
    alike)."""
    from merstudio.atomic import write_text_atomic
    from merstudio.training.data import data_record

    text = data_record(info, n_samples)
    if cache is not None:
        text += f"\n## Preprocessing cache\n\n{cache}\n"
    write_text_atomic(out / "data.md", text)


def recorded_search(config: Path | None) -> dict[str, Any]:
    """The SearchSpec keywords (params, search, trials, inner) a `train --tune` run's run.json records as "tune";
    {} for any other --config or none (read_config says what is wrong with a bad file)."""
    if config is None:
        return {}
    try:
        tune = json.loads(Path(config).read_text(encoding="utf-8")).get("tune")
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(tune, dict):
        return {}
    return {k: tune[k] for k in ("params", "search", "trials", "inner") if k in tune}


# training flags that name a parameter a search space may vary: given, the flag fixes it
_SEARCHED_FLAGS = {"epochs": "train.epochs", "lr": "train.lr", "width": "model.width", "mixup": "train.mixup",
                   "batch_size": "train.batch_size", "val_fraction": "train.val_fraction"}


def search_spec(args: argparse.Namespace, seed: int, say: bool = True) -> Any:
    """The SearchSpec of --space / --search / --trials / --inner (flags override the file). A training flag the
    user gave (--epochs 2) fixes its parameter: it is taken out of the space, and said (``say``), instead of the
    search silently trying other values. In `train --tune` without --space, a --config that is a `train --tune`
    run's run.json gives its recorded search (its "tune": the space as that run searched it, the settings its flags fixed taken
    out, and its search, trials and inner folds), so that its "to train it again" command searches as it did."""
    from merstudio.training.tune import DEFAULT_SPACE, SearchSpec, load_space

    kw: dict[str, Any] = (load_space(args.space) if args.space is not None
                          else recorded_search(args.config) if getattr(args, "tune", False) else {})
    for flag in ("search", "trials", "inner"):
        if getattr(args, flag, None) is not None:
            kw[flag] = getattr(args, flag)
    space = dict(kw.get("params", DEFAULT_SPACE))
    fixed = [(f, key) for f, key in _SEARCHED_FLAGS.items() if getattr(args, f, None) is not None and key in space]
    if fixed:
        for _, key in fixed:
            space.pop(key)
        given = ", ".join(f"--{f.replace('_', '-')} {getattr(args, f)}" for f, _ in fixed)
        if not space:
            raise InputError(f"{given}: every parameter of the search space is fixed by a flag; nothing to search")
        kw["params"] = space
        if say:  # one write, newline included: print's separate "\n" could land after the next stdout line
            sys.stdout.flush()
            sys.stderr.write(f"merstudio: {given} fixed: taken out of the search space "
                             f"({', '.join(k for _, k in fixed)})\n")
            sys.stderr.flush()
    return SearchSpec(**kw, seed=seed)


def register(sub: argparse._SubParsersAction) -> None:
    from merstudio.cli.main import EpilogFormatter

    p = sub.add_parser(
        "train",
        help="train and evaluate under leave-one-subject-out (or k-fold by subject)",
        description="Runs the protocol into the run folder (per-fold CSVs, metrics.json, summary.md, confusion.png). "
                    "Rerunning with the same arguments resumes: finished folds are kept. No model selection looks "
                    "at the held-out subject. Scales out with torchrun (DDP) unchanged.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    add_data_args(p)
    p.add_argument("--out", required=True, action=output(), metavar="RUN", help="run folder")
    add_train_args(p)
    p.add_argument("--tune", action="store_true",
                   help="nested hyper-parameter search: every fold chooses its settings by --inner cross-validation "
                        "inside its own training subjects (see `merstudio tune`; slow: trials x inner folds per fold)")
    add_search_args(p)
    p.add_argument("--final", action=output(folder=False), default=None, metavar="OUT.pt",
                   help="afterwards, train on all subjects and save this checkpoint (with the protocol's metrics)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --final checkpoint, and files in "
                   "--out that no earlier train run wrote (summary.md, predictions.csv, ...; an earlier run there "
                   "is resumed either way)")
    add_progress_arg(p)
    p.set_defaults(func=run)


# What `merstudio tune` writes into chosen.json beside "model" and "train" (merstudio.training.tune.chosen_config)
CHOSEN_KEYS = {"seed", "data", "data_fingerprint", "subjects", "chosen", "merstudio_version", "input",
               "subject_inputs"}
# What a training run's run.json records beside "model", "train" and "input" (merstudio.training.run._run_spec):
# accepted in a --config and not used, so that `--config RUN/run.json` trains that run again
RUN_KEYS = {"data", "data_fingerprint", "n_samples", "n_subjects", "class_names", "protocol", "ablate",
            "arithmetic", "cpu_bfloat16", "tune", "config_origin", "backend", "provenance"}
# a --config's "input" (InputSettings, as chosen.json records it) -> the flag that sets it here
_INPUT_FLAGS = {"modality": "input", "size": "size", "T": "steps", "spacing": "step_spacing", "framing": "framing"}


def apply_config_input(args: argparse.Namespace) -> str:
    """The input settings of a --config that records them (chosen.json: the search scored its trials on that
    input): each one a flag does not give is set on `args`; a flag giving another value is refused, in one line
    (training chosen settings on another input would evaluate something the search never tried). Returns the
    optical-flow method to prepare clips with (no flag sets it)."""
    if args.config is None:
        return "dis"
    try:
        inp = json.loads(Path(args.config).read_text(encoding="utf-8")).get("input")
    except (OSError, ValueError, AttributeError):
        return "dis"  # build_settings says what is wrong with the file
    if not isinstance(inp, dict) or not inp:
        return "dis"
    from merstudio.model.inputs import parse_framing
    from merstudio.training.data import MODALITY_TO_PREP

    def same(key: str, given: Any, recorded: Any) -> bool:
        if key == "modality":
            return MODALITY_TO_PREP.get(str(given).strip().lower()) == MODALITY_TO_PREP.get(str(recorded))
        if key == "framing":
            box = parse_framing(recorded)
            return parse_framing(given) == (None if box is None else tuple(box))
        return bool(str(given) == str(recorded))

    for key, flag in _INPUT_FLAGS.items():
        if key not in inp:
            continue
        recorded, given = inp[key], getattr(args, flag, None)
        _check_recorded_input(args.config, key, recorded)
        if given is None:
            if key == "framing" and recorded is not None:
                recorded = ",".join(f"{v:g}" for v in recorded)
            setattr(args, flag, recorded)
        elif not same(key, given, recorded):
            shown = recorded if key != "framing" or recorded is None else ",".join(f"{v:g}" for v in recorded)
            raise InputError(f"--{flag.replace('_', '-')} {given}: {args.config} was chosen on "
                             f"{_INPUT_NAMES[key]} {shown if shown is not None else 'whole'}; leave the flag out "
                             "(the config sets it) or tune again with it")
    return str(inp.get("flow_method") or "dis")


_INPUT_NAMES = {"modality": "input", "size": "size", "T": "steps", "spacing": "step spacing", "framing": "framing"}


def _check_recorded_input(config: Path, key: str, value: Any) -> None:
    """Refuse, naming --config, a bad value of its "input" (modality "bogus", T 0): it was refused once the data
    was read, or named as the flag (--steps) the user never gave."""
    from merstudio.model.inputs import parse_framing
    from merstudio.training.data import MODALITY_TO_PREP

    def whole_from(lo: int, hi: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi

    where = f'{config}: "input": {key}'
    if key == "modality" and str(value).strip().lower() not in MODALITY_TO_PREP:
        raise InputError(f"{where} must be flow, grey or flow+grey, got {value!r}")
    if key == "T" and not whole_from(1, STEPS_MAX):
        raise InputError(f"{where} must be a whole number from 1 to {STEPS_MAX}, got {value!r}")
    if key == "size" and value is not None and not whole_from(MIN_INPUT_SIZE, SIZE_MAX):
        raise InputError(f"{where} must be a whole number from {MIN_INPUT_SIZE} to {SIZE_MAX}, got {value!r}")
    if key == "spacing" and value is not None and value not in ("late", "even"):
        raise InputError(f"{where} must be late or even, got {value!r}")
    if key == "framing":
        try:
            parse_framing(value)
        except InputError as exc:
            raise InputError(f"{config}: \"input\": {exc}") from None


def check_final_apart(final: Path, out: Path) -> None:
    """Refuse a --final that the run folder stands in place of: --out itself or a folder above it (the run makes it
    a folder, and the checkpoint's write failed after the whole training), or a name the run writes in it
    (summary.md, folds/...). Said before anything is done; a final.pt inside the run folder is fine."""
    from merstudio.errors import OutputError

    f, o = Path(os.path.abspath(final)).resolve(), Path(os.path.abspath(out)).resolve()
    if f == o or f in o.parents:
        where = "is the --out folder" if f == o else f"is a folder above --out {out}"
        raise OutputError(f"--final {final}: {where}; give a checkpoint file, e.g. {out / 'final.pt'}")
    if o in f.parents and f.relative_to(o).parts[0] in RUN_OUTPUTS["train"]:
        raise OutputError(f"--final {final}: the run writes {f.relative_to(o).parts[0]} in --out {out} itself; give "
                          f"another name, e.g. {out / 'final.pt'}")


def prep_progress(enabled: bool) -> Any:
    """The callback load_arrays reports the data preparation to (face alignment, optical flow: minutes on a new
    dataset), as a bar like `merstudio datasets prepare` shows; None when off (-q)."""
    if not enabled:
        return None
    from merstudio.cli.bars import Bar

    bar: list[Bar] = []

    def progress(done: int, total: int) -> None:
        if not bar:
            bar.append(Bar(total=total, desc="preprocess", unit="sample"))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return progress


def config_origin(args: argparse.Namespace, data: Any) -> dict[str, Any] | None:
    """Where --config's settings came from (merstudio.training.run.config_origin: the file, and for a `merstudio
    tune` choice how many of these subjects its search saw), for run.json, metrics.json and the summary; None
    without --config."""
    if args.config is None:
        return None
    from merstudio.training.run import config_origin as origin_of

    try:
        cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # build_settings has refused it already
    return origin_of(args.config, cfg if isinstance(cfg, dict) else {}, data)


def config_note(args: argparse.Namespace, origin: dict[str, Any] | None) -> str | None:
    """A line when --config is a `merstudio tune` choice made on some of these very subjects (``origin``:
    config_origin): evaluating it by LOSO on them is not nested (the choice saw test subjects); --tune is. The
    run's summary.md says the same. Also when a run's run.json that predates the record of the searched subjects
    is trained again on other data: how many of these the search saw is then unknown."""
    o = origin or {}
    via = f"{args.config} (settings from {o.get('file')})" if o.get("via") else str(args.config)
    if o.get("chosen_by") and "seen_subjects" not in o:  # a run.json of before 2026-12-07, on other data
        return (f"note: {via} was chosen by a search on {o.get('search_data') or 'other data'} whose subjects "
                f"{args.config} does not record: if it saw some of these, their scores here are not a nested "
                "estimate (use --tune for one)")
    if not o.get("seen_subjects"):
        from merstudio.training.run import NAMED_LIKE_SEARCH

        if o.get(NAMED_LIKE_SEARCH):  # none of its inputs, some of its names: maybe the same people
            return (f"note: {via} was chosen by a search whose subjects' names {o[NAMED_LIKE_SEARCH]} of these "
                    f"{o.get('n_subjects', '?')} subjects share (with other inputs): if they are the same people, "
                    "their scores here are not a nested estimate (use --tune for one)")
        return None
    return (f"note: {via} was chosen by a search that saw {o['seen_subjects']} of these "
            f"{o['n_subjects']} subjects; their scores here are not a nested estimate (use --tune for one)")


def read_config(path: Path) -> dict[str, Any]:
    """A --config file, checked: JSON, an object of "model" and/or "train" (beside what chosen.json or a training
    run's run.json records, which is not used), each an object of known fields (a typo in either is refused, named
    with the nearest field: one under "train" was dropped unsaid and the run trained at the default)."""
    from merstudio.model.config import ModelConfig
    from merstudio.training.trainer import TrainSettings, refuse_unknown_fields

    try:
        cfg = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the JSON config ({exc})") from None
    if not isinstance(cfg, dict):
        raise InputError(f"{path}: expected an object with 'model' and/or 'train'")
    if cfg.get("protocol") == "evaluate":
        raise InputError(f"{path}: is an evaluation's run.json (no training settings); give a training run's "
                         "run.json, a `merstudio tune` chosen.json or a file of 'model' and/or 'train'")
    unknown = sorted(set(cfg) - {"model", "train"} - CHOSEN_KEYS - RUN_KEYS, key=str)
    if unknown:
        raise InputError(f"{path}: unexpected key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         "expected an object with 'model' and/or 'train' (or a training run's run.json)")
    if not isinstance(cfg.get("model", {}), dict) or not isinstance(cfg.get("train", {}), dict):
        raise InputError(f"{path}: 'model' and 'train' must be objects")
    refuse_unknown_fields(cfg.get("model", {}), {f.name for f in dataclasses.fields(ModelConfig)}, f'{path}: "model"')
    refuse_unknown_fields(cfg.get("train", {}), {f.name for f in dataclasses.fields(TrainSettings)}, f'{path}: "train"')
    return cfg


def _settings_dicts(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(model fields, train fields, the --config read) from --config, then the flags."""
    model_d: dict[str, Any] = {}
    train_d: dict[str, Any] = {}
    cfg: dict[str, Any] = {}
    if args.config is not None:
        cfg = read_config(args.config)
        model_d.update(cfg.get("model", {}))
        train_d.update(cfg.get("train", {}))
        if "seed" in cfg:
            train_d["seed"] = cfg["seed"]
    if args.width is not None:
        model_d["width"] = args.width
    for flag, key in (("epochs", "epochs"), ("batch_size", "batch_size"), ("lr", "lr"),
                      ("val_fraction", "val_fraction"), ("mixup", "mixup"), ("precision", "precision")):
        if getattr(args, flag, None) is not None:
            train_d[key] = getattr(args, flag)
    if args.seed is not None:
        train_d["seed"] = args.seed
    train_d.setdefault("seed", 0)
    if not isinstance(train_d["seed"], int) or isinstance(train_d["seed"], bool):
        raise InputError(f"{_config_where(args)}seed must be a whole number, got {train_d['seed']!r}")
    train_d["device"] = args.device
    train_d["num_threads"] = max(1, args.threads)
    return model_d, train_d, cfg


def _config_where(args: argparse.Namespace) -> str:
    """The prefix of a refused setting: every flag is checked as the command line is read (merstudio.cli.bounds),
    so a value refused here came from the --config file, which is named ("lr must be ..., got 'fast'" named
    neither the file nor that the flags' bounds had passed)."""
    return f"{args.config}: " if args.config is not None else ""


def check_device(device: str) -> None:
    """Refuse --device bogus, or cuda where torch sees no GPU, in one line naming the flag, before the data is read
    (the run said so only after preparing it: minutes on a clip dataset)."""
    from merstudio.model.device import pick_device

    try:
        pick_device(device)
    except InputError as exc:  # "device bogus: expected auto, cpu, cuda or cuda:N"
        raise InputError(f"--{exc}") from None


def check_before_data(args: argparse.Namespace) -> None:
    """What train, tune and ablate can refuse before they read the data: --device, an --out that cannot be written
    (a read-only folder failed once the data was prepared) and the training settings of --config and the flags
    (the model's fields that come from the data are checked once it is read)."""
    from merstudio.cli.main import check_folder_writable
    from merstudio.model.config import ModelConfig
    from merstudio.training.run import apply_ablation, parse_ablate
    from merstudio.training.trainer import TrainSettings

    check_device(args.device)
    check_folder_writable(args.out, "--out")
    model_d, train_d, _ = _settings_dicts(args)
    where = _config_where(args)
    try:
        settings = TrainSettings.from_dict({**TrainSettings().to_dict(), **train_d})
    except TypeError as exc:  # a field of the wrong shape (flip_channels 3)
        raise InputError(f"{where}\"train\": {exc}") from None
    _, settings = apply_ablation(ModelConfig(), settings, parse_ablate(args.ablate))  # --ablate mixup: mixup off
    width = model_d.get("width", ModelConfig().width)
    check_settings(settings, argparse.Namespace(width=width), where=where)
    check_model_fields(model_d, where)


def check_model_fields(model_d: dict[str, Any], where: str) -> None:
    """Refuse, before the data is read, a "model" value of --config (or --width) that build_settings would refuse
    once it is (a negative dropout, T 0, an unknown norm), in the same words: the model is checked with the
    fields the data sets (n_classes, class_names) made to agree with the config's class_weights, all else as given."""
    from merstudio.model.config import ModelConfig

    probe = {**ModelConfig().to_dict(), **model_d}
    weights = probe.get("class_weights")
    n = max(2, len(weights)) if isinstance(weights, list) else ModelConfig().n_classes
    probe.update(n_classes=n, class_names=[f"class {i}" for i in range(n)])
    try:
        ModelConfig.from_dict(probe)
    except InputError as exc:  # "model config: dropout must be in [0, 1), got -0.5"
        raise InputError(f"{where}{exc}") from None


def build_settings(args: argparse.Namespace, data_info: dict[str, Any]) -> tuple[Any, Any]:
    """(ModelConfig, TrainSettings) from defaults, --config, then flags; input fields from the data."""
    from merstudio.model.config import ModelConfig
    from merstudio.training.run import apply_ablation, parse_ablate
    from merstudio.training.trainer import TrainSettings

    model_d, train_d, cfg = _settings_dicts(args)
    if cfg.get("tune") and not getattr(args, "tune", False):  # a run.json of `train --tune`: its search is not
        print(f"merstudio: note: {args.config} records a nested search (--tune) whose choices were each fold's; "
              "this run trains every fold with the settings in it (give --tune to search again)", file=sys.stderr)
    section = cfg.get("model")
    given: dict[str, Any] = section if isinstance(section, dict) else {}
    if "T" in given and "in_channels" not in given and given["T"] != data_info["T"]:
        # the frames per sample are the prepared data's (--steps): a hand-written T was replaced without a word
        raise InputError(f"{args.config}: \"model\" T {given['T']!r} is not this data's {data_info['T']} frame(s) "
                         "per sample; the data sets T: give --steps (or \"input\": {\"T\": ...}) instead, or drop "
                         "\"T\" from \"model\"")
    model_d.update(in_channels=data_info["in_channels"], input_size=data_info["input_size"], T=data_info["T"],
                   n_classes=len(data_info["class_names"]), class_names=list(data_info["class_names"]))
    # a "model" section a run wrote (run.json, a tune's chosen.json: in_channels is a field only a record holds) reads
    # as ModelConfig.from_dict reads a checkpoint and the resume check a record: a field it lacks had its default
    # of then (LEGACY_DEFAULTS), not today's (a chosen.json from before sample_center trained median-centred though
    # scored mean-centred); a hand-written section gets today's defaults for what it leaves out
    saved = isinstance(cfg.get("model"), dict) and "in_channels" in cfg["model"]
    base = {} if saved else ModelConfig().to_dict()
    base.update(model_d)
    where = _config_where(args)
    try:
        model_cfg = ModelConfig.from_dict(base)
    except InputError as exc:  # "model config: ..." of a --config's "model"
        raise InputError(f"{where}{exc}") from None
    if "flip_channels" not in train_d:
        train_d["flip_channels"] = data_info.get("flip_channels", [0])
    settings = TrainSettings.from_dict({**TrainSettings().to_dict(), **train_d})
    model_cfg, settings = apply_ablation(model_cfg, settings, parse_ablate(args.ablate))
    check_settings(settings, model_cfg, where=where)
    if settings.schedule == "cosine" and settings.epochs <= settings.warmup_epochs:
        # the learning rate is still rising when training stops: the weights hardly move (two trials or two
        # ablation variants score alike), which looks like a result and is not one
        print(f"merstudio: note: {settings.epochs} epoch(s) end within the {settings.warmup_epochs} warm-up epochs of "
              "the learning rate: the model hardly trains (a smoke test, not a figure)", file=sys.stderr)
    return model_cfg, settings


def thin_fit_warning(args: argparse.Namespace, data: Any, settings: Any, spec: Any = None) -> str | None:
    """The line `train` and `tune` say when an inner validation split (--val-fraction, the --config's val_fraction
    or, in a search (``spec``), a trial's train.val_fraction) leaves a fold one training subject to fit on: the run
    trains anyway, each model on one person. In a search the folds are its --inner ones."""
    from merstudio.training.checks import thin_inner_fit
    from merstudio.training.protocols import make_folds

    fractions: list[tuple[float, str]] = []
    if settings.val_fraction > 0:
        fractions.append((settings.val_fraction, f"--val-fraction {settings.val_fraction:g}"
                          if args.val_fraction is not None else f"{args.config}'s val_fraction {settings.val_fraction:g}"))
    if spec is not None:  # each trial may set its own
        from merstudio.training.tune import make_trials

        fractions += [(float(v), f"the search space's train.val_fraction {float(v):g}") for v in
                      {p["train.val_fraction"] for p in make_trials(spec) if "train.val_fraction" in p} if v > 0]
    if not fractions:
        return None
    protocol = spec.inner if spec is not None else args.protocol
    try:
        folds = make_folds(data.subjects, protocol, seed=settings.seed, datasets=data.datasets)
    except InputError:
        return None  # run_protocol (or the search) refuses the protocol for these data, in its words
    for fraction, given in sorted(fractions, reverse=True):  # the largest fraction leaves the fewest
        n = thin_inner_fit(data.subjects, folds, fraction)
        if n is not None:
            whose = f"an inner fold's ({protocol})" if spec is not None else "a fold's"
            model = "each trial's model" if spec is not None else "each model"
            return (f"warning: {given} holds out {n - 1} of {whose} {n} training subjects to choose the epoch on, "
                    f"leaving 1 to train on: {model} learns one person (a smaller fraction, e.g. 0.2, or leave it out)")
    return None


def check_trials(spec: Any, model_cfg: Any, settings: Any) -> None:
    """Every trial of a search checked as build_settings checks the flags (a space's lr NaN included), before any
    training or folder."""
    from merstudio.training.tune import apply_params, make_trials

    for params in make_trials(spec):
        apply_params(model_cfg, settings, params)  # checks the trial's settings (training.checks)


class Bars:
    """Progress bars: folds (outer) and one bar per fold in training (epochs, with the loss); with --jobs several
    folds train at once, each on its own line. Neither shows a rate (`bars.NO_RATE`): the first update comes after
    a whole epoch (or fold) and its count can jump."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.folds: Any = None  # a bar, made when the first fold is done
        self.epochs: dict[str, Any] = {}

    def fold_done(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        from merstudio.cli.bars import NO_RATE, Bar

        if self.folds is None:
            self.folds = Bar(total=total, desc="folds", unit="fold", position=0, bar_format=NO_RATE)
        self.folds.update(done - self.folds.n)

    def progress(self, p: Any) -> None:
        if not self.enabled:
            return
        from merstudio.cli.bars import NO_RATE, Bar

        bar = self.epochs.get(p.fold)
        if bar is None:
            bar = Bar(total=p.epochs, desc=f"fold {p.fold}", unit="epoch", position=1 + len(self.epochs),
                      leave=False, bar_format=NO_RATE)
            self.epochs[p.fold] = bar
        bar.update(p.epoch - bar.n)
        post = {"loss": f"{p.loss:.3f}"}
        if p.val_uf1 is not None:
            post["val_uf1"] = f"{p.val_uf1:.3f}"
        bar.set_postfix(post)
        if p.epoch >= p.epochs:
            bar.close()
            del self.epochs[p.fold]

    def close(self) -> None:
        for b in [*self.epochs.values(), self.folds]:
            if b is not None:
                b.close()
        self.epochs = {}
        self.folds = None


def prepare_data(args: argparse.Namespace, options: Any, distributed: bool = True,
                 command: str = "train") -> tuple[Any, dict[str, Any], Callable[..., None]]:
    """What train, tune and ablate (``command``) do between checking their flags and their work, in this order:
    refuse an --out that cannot be a run folder, holds another command's run or, not being this command's earlier
    run, files of the names it writes (without --overwrite), check --config, apply a --config's input (chosen.json's, where no
    flag gives it), join the DDP process group when torchrun started this process (``distributed``; tune does
    not), and prepare the data (a progress bar on rank 0 unless -q). Returns (data, info, say): ``say`` prints on
    rank 0 only, so that the ranks of a DDP run do not print each line once each."""
    from merstudio.cli.main import check_output_folder
    from merstudio.training.data import load_arrays
    from merstudio.training.trainer import dist_info, init_distributed_from_env

    check_output_folder(args.out)
    check_run_folder(args.out, command)
    check_new_run_folder(args.out, command, bool(getattr(args, "overwrite", False)))
    if args.config is not None:
        read_config(args.config)  # a bad --config fails before the (slow) data preparation
    check_before_data(args)  # its values, --device and a read-only --out too
    flow = apply_config_input(args)
    if distributed:
        init_distributed_from_env(args.device)
    rank = dist_info()[0]
    say: Callable[..., None] = print if rank == 0 else (lambda *a, **k: None)
    images: list[bool] = []
    data, info = load_arrays(args.data, classes=args.classes, allow_missing=args.allow_missing,
                             options=options, input_kind=args.input, size=args.size, cache_dir=cache_dir(args),
                             steps=args.steps, spacing=args.step_spacing, framing=args.framing, flow=flow, log=say,
                             progress=prep_progress(rank == 0 and not args.no_progress),
                             on_samples=lambda ds: images.append(any(x.kind == "image" for x in ds)))
    if len(info["class_names"]) < 2:  # the model's own check named its setting (n_classes), not the data
        raise InputError(f"{args.data}: holds one class ({', '.join(info['class_names'])}): training needs 2 or more "
                         "(check the labels, or give --classes)")
    if int(info["T"]) > 1 and any(images):  # --steps (or a --config's T) over flow images: said, as evaluate does
        say(single_images_warning(f"the model (--steps {info['T']})", int(info["T"]), args.data,
                                  "it sees the same still image at every step, no movement unfolding (flow images "
                                  "take one step: leave --steps out)"))
    return data, info, say


def _fold_names(out: Path) -> list[str]:
    """The folds finished in the run folder `out`, by name ("fold01", a subject), in order (their tables are
    folds/<index>_<name>.csv)."""
    return [p.stem.split("_", 1)[-1] for p in sorted((out / "folds").glob("*.csv"))]


def _pooled_after(out: Path, folds: list[Path]) -> bool:
    """Whether out/metrics.json was written after every fold in `folds` (the pooling finished before a Ctrl-C)."""
    try:
        return (out / "metrics.json").stat().st_mtime_ns >= max(f.stat().st_mtime_ns for f in folds)
    except (OSError, ValueError):
        return False


def rerun_command(args: argparse.Namespace, options: Any, settings: Any) -> str:
    """The one command that trains the run of `args` again from its run.json (the model, training and input
    settings, a nested search's "tune", where the settings came from: the same predictions on the same torch
    build), into a new folder beside it: the data and the options that read it as given (from this folder: a
    relative path is the cwd's), --protocol, and --threads (the thread count changes the figures; run.json's is
    not read back)."""
    out = Path(os.path.abspath(args.out))
    argv = ["merstudio", "train", "--config", str(out / "run.json"), "--data", args.data]
    argv += shlex.split(options.flags())
    if getattr(args, "classes", None):
        argv += ["--classes", str(args.classes)]
    if getattr(args, "allow_missing", False):
        argv.append("--allow-missing")
    argv += ["--protocol", str(args.protocol)]
    if settings.num_threads != 1:
        argv += ["--threads", str(settings.num_threads)]
    if getattr(args, "tune", False):  # run.json's "tune" is the search as it ran (search_spec reads it back):
        argv.insert(2, "--tune")       # its space less what flags fixed; flags again would fix what it searched
    argv += ["--out", f"{out}-again"]
    return f"cd {shlex.quote(os.getcwd())} && {shlex.join(argv)}"


# what a fine-tune learns from single flow images mixed into a T-step model (`finetune --mix`, the app's Mix with)
MIX_IMAGES_CONSEQUENCE = ("the fine-tuned model learns still images at every step, no movement unfolding (mix clips "
                          "instead, or train a one-step model on flow images with `merstudio train`)")


def single_images_warning(who: str, steps: int, data: str, consequence: str) -> str:
    """The line train, tune and ablate print when a model of `steps` time steps meets precomputed flow images (each
    sample's one image fills every step); worded as evaluate's for a T-step checkpoint, which can call it too."""
    return (f"warning: {who} takes {steps} time steps over a clip's onset -> apex; {data} holds single flow images, "
            f"one step each, repeated {steps} times: {consequence}")


def run(args: argparse.Namespace) -> int:
    from merstudio.execution import backend_from_args
    from merstudio.model.device import pick_device
    from merstudio.training.protocols import parse_protocol
    from merstudio.training.run import (
        FoldWorkerLost,
        json_safe,
        origin_shown,
        parse_ablate,
        run_protocol,
        subject_fingerprints,
        train_final,
    )
    from merstudio.training.trainer import TrainingCancelled, dist_info

    parse_ablate(args.ablate)  # bad flags fail before the (slow) data preparation
    parse_protocol(args.protocol)
    options = loader_options(args)
    spec = search_spec(args, 0, say=False) if args.tune else None  # a bad space fails before the data preparation
    if not args.tune and (args.space or args.search or args.trials or args.inner):
        raise InputError("--space, --search, --trials and --inner go with --tune (or `merstudio tune`)")
    backend = backend_from_args(args.jobs, args.ray)
    if args.final is not None:
        from merstudio.cli.main import check_output_file, check_writable_file

        check_final_apart(args.final, args.out)
        check_output_file(args.final, args.overwrite, "final.pt")  # before the protocol, not after it
        check_writable_file(args.final)  # makes its folder, as the write would
    data, info, say = prepare_data(args, options)
    rank, world = dist_info()
    model_cfg, settings = build_settings(args, info)
    thin = thin_fit_warning(args, data, settings) if rank == 0 else None
    if thin is not None:
        print(f"merstudio: {thin}", file=sys.stderr)
    if spec is not None:
        spec = search_spec(args, settings.seed)
        check_trials(spec, model_cfg, settings)
    say(f"{info['description']}: {len(data)} samples, {len(data.subject_list)} subjects; "
        f"protocol {args.protocol}; {settings.epochs} epochs; device {pick_device(settings.device)} "
        f"({settings.arithmetic()} training)"
        + (f"; DDP world size {world}" if world > 1 else "")
        + (f"; {backend.describe()}" if world == 1 else "")
        + (f"; nested {spec.search} search ({spec.inner}) in every fold" if spec is not None else ""))
    origin = config_origin(args, data)
    note = config_note(args, origin)
    if note:
        say(note)
    bars = Bars(enabled=(rank == 0 and not args.no_progress))
    folds: list[tuple[int, int]] = []  # (finished, of) as the run said them: once there, folds are kept

    kept_before: list[str] = []  # folds an earlier run finished: this one resumes after them (said, not silent)

    def fold_done(done: int, total: int) -> None:
        if not folds and done:  # the first count, before any fold of this run: what is on disk is the earlier's
            kept_before.extend(_fold_names(args.out))
            say(f"{', '.join(kept_before)}: kept from an earlier run ({len(kept_before)} of {total} folds)")
        folds.append((done, total))
        bars.fold_done(done, total)

    try:
        metrics = run_protocol(data, info["class_names"], model_cfg, settings, args.out, protocol=args.protocol,
                               data_desc=info["description"], input_settings=info["input"], backend=backend,
                               tune=spec, progress=bars.progress, fold_done=fold_done, origin=origin,
                               rerun=rerun_command(args, options, settings), overwrite=args.overwrite)
    except (KeyboardInterrupt, TrainingCancelled):
        if not folds:
            raise  # before the run folder: nothing kept
        bars.close()
        if rank == 0:  # counted on disk, as a resume counts them: a fold may be stored before it is reported
            kept = list((args.out / "folds").glob("*.csv"))
            total = folds[-1][1]
            if len(kept) < total:
                print(f"merstudio: interrupted: {len(kept)} of {total} fold(s) finished and kept in "
                      f"{args.out / 'folds'}; the same command again resumes with the others", file=sys.stderr)
            else:  # stopped while pooling them: there are no others to resume with
                print(f"merstudio: interrupted: all {total} folds finished and kept in {args.out / 'folds'}; "
                      + ("the pooled metrics were written (summary.md)" if _pooled_after(args.out, kept) else
                         "the pooled metrics were not written: the same command again writes them (no fold is "
                         "trained again)"), file=sys.stderr)
        return 130
    except FoldWorkerLost as exc:  # retried FOLD_RETRIES times already: one line, the kept folds counted on disk
        bars.close()
        if rank == 0:
            done = sum(1 for _ in (args.out / "folds").glob("*.csv"))
            of = str(folds[-1][1]) if folds else "?"
            print(f"merstudio: error: a worker died while training fold {', '.join(exc.folds)}; {done} of {of} "
                  f"folds kept in {args.out / 'folds'}; the same command again resumes", file=sys.stderr)
        return exc.exit_code
    finally:
        bars.close()
    if rank == 0:
        write_data_record(args.out, info, len(data), cache_dir(args))
        earlier = f", {len(kept_before)} kept from an earlier run" if kept_before else ""
        print(f"pooled over {metrics['n_folds']} folds{earlier}: accuracy {metrics['accuracy']:.3f}  "
              f"UF1 {metrics['uf1']:.3f}  UAR {metrics['uar']:.3f}   ({args.out / 'summary.md'})")
    if args.final is not None and spec is not None:
        # the final model's settings: the same search over all subjects (no test subject remains)
        from merstudio.training.tune import tune

        bars = Bars(enabled=(rank == 0 and not args.no_progress))
        try:
            found = tune(data, info["class_names"], model_cfg, settings, spec, args.out / "final_tune",
                         backend=backend, data_desc=info["description"], input_settings=info["input"],
                         progress=bars.progress, fold_done=bars.fold_done)
        finally:
            bars.close()
        model_cfg, settings = found.model_cfg, found.settings
        say(f"final model settings: trial {found.best['trial']} {found.best['params']} "
            f"({args.out / 'final_tune' / 'chosen.json'})")
    if args.final is not None:
        from merstudio.synth.dataset import DATASET_NAME as SYNTHETIC

        meta = {
            "input": info["input"],
            "class_names": list(info["class_names"]),
            "aus": list(model_cfg.aus),
            "training_data": {"description": info["description"], "spec": args.data,
                              # --sheet, --variant, --modality, ... as given (`merstudio evaluate` compares them)
                              "loader_options": info["loader_options"], "n_samples": len(data),
                              "n_subjects": len(data.subject_list), "class_map": info.get("class_map", ""),
                              # who trained it: `merstudio evaluate` on these people is fit, not accuracy (known by
                              # their inputs: ids alone collide across datasets)
                              "subjects": list(data.subject_list),
                              "subject_inputs": subject_fingerprints(data),
                              # every sample from merstudio's synthetic generator: the app marks the model's
                              # output "synthetic faces only" (merstudio.gui.checkpoint_dialog)
                              "synthetic": bool(len(data)) and all(str(d) == SYNTHETIC for d in data.datasets)},
            "training": settings.to_dict(),
            "metrics": json_safe({"protocol": args.protocol,
                                  **{k: metrics.get(k) for k in ("accuracy", "uf1", "uar", "n", "n_folds",
                                                                 "per_class", "per_dataset", "au")},
                                  # where --config came from: a search that saw test subjects makes these figures
                                  # no nested estimate, wherever the checkpoint is shown (the app's dialog)
                                  **({"config_origin": origin_shown(origin)} if origin else {})}),
            "run_folder": os.path.abspath(args.out),  # as typed ("t4") it meant nothing outside that folder's cwd
        }
        bars = Bars(enabled=(rank == 0 and not args.no_progress))
        try:
            train_final(data, model_cfg, settings, args.final, meta, progress=bars.progress)
        finally:
            bars.close()
        say(f"final model (all {len(data.subject_list)} subjects) saved to {args.final}")
    return 0
