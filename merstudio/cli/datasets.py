"""`merstudio datasets`: inspect a dataset as the loaders read it, list class maps, precompute inputs."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from merstudio.cli.bounds import SIZE_MAX, STEPS_MAX, output, whole
from merstudio.cli.main import EpilogFormatter
from merstudio.model.config import MIN_INPUT_SIZE
from merstudio.names import FLOW_METHODS

KIND_HELP = ("casme2 | casme | smic | samm | casme_sq (CAS(ME)^2) | casme3a (CAS(ME)^3 part A) | "
             "megc2019 (composite) | table (generic CSV: subject,sample,label,path[,onset,apex,offset,aus,dataset,face_box])")

INSPECT_EXAMPLES = """\
  merstudio datasets inspect casme2 /data/CASME2            # counts per subject and class, as training reads it
  merstudio datasets inspect samm:/data/SAMM --allow-missing --list   # what is skipped, and every sample
  merstudio datasets inspect table:samples.csv --classes megc2019"""
CLASSES_EXAMPLES = """\
  merstudio datasets classes                                # every built-in class map
  merstudio datasets classes casme2-5                       # one: its classes and label -> class"""
PREPARE_EXAMPLES = """\
  merstudio datasets prepare casme2:/data/CASME2            # the cache train would fill, filled once ahead
  merstudio datasets prepare megc2019:/data/megc --input flow+grey --steps 2 --cache /scratch/merstudio"""


def _examples(*blocks: str) -> str:
    return "examples:\n" + "\n".join(blocks)


def add_loader_args(p: argparse.ArgumentParser, prefix: str = "", of: str = "") -> None:
    """The dataset loader's options (merstudio.datasets.LoadOptions), defined once for `datasets inspect|prepare`,
    `train`, `evaluate`, `ablate`, `tune` and (prefix "mix-", of "--mix") `finetune --mix-...`. Each applies to some
    dataset kinds only; given with another kind it is refused in one line (LoadOptions.check)."""
    dest = prefix.replace("-", "_")
    g = p.add_argument_group(f"dataset loader options{f' (for {of})' if of else ''}",
                             "each applies to the dataset kinds named; with another kind it is refused")
    g.add_argument(f"--{prefix}sheet", dest=f"{dest}sheet", metavar="SHEET",
                   help="casme2, casme, samm, casme_sq, casme3a: the annotation file, or a sheet name in the one "
                        "found under ROOT (default: the file found under ROOT)")
    g.add_argument(f"--{prefix}sadness-fear", dest=f"{dest}sadness_fear", choices=("drop", "others"),
                   help="the casme2-5 class map (CASME II's default): drop sadness/fear (usual) or merge them into "
                        "others (default: as the class map says; casme2-5 drops them)")
    g.add_argument(f"--{prefix}variant", dest=f"{dest}variant", choices=("selected", "raw", "cropped"),
                   help="casme2, casme, samm, smic, casme_sq, megc2019 (all three parts; selected is CASME II's "
                        "alone): which frame tree when several exist (default: selected/raw before cropped)")
    g.add_argument(f"--{prefix}modality", dest=f"{dest}modality", choices=("HS", "VIS", "NIR"),
                   help="smic: the camera (default HS; the megc2019 composite is SMIC-HS)")
    g.add_argument(f"--{prefix}expression", dest=f"{dest}expression", choices=("micro", "macro", "all"),
                   help="casme_sq: CAS(ME)^2 rows to use (default micro)")
    g.add_argument(f"--{prefix}gt", dest=f"{dest}gt", type=Path, metavar="FILE",
                   help="megc2019: the official ground-truth CSV (found under ROOT otherwise)")


def add_class_args(p: argparse.ArgumentParser) -> None:
    """--classes and --allow-missing (load_samples' classes= and allow_missing=), defined once for `datasets
    inspect|prepare` and the commands of merstudio.cli.train.add_data_args (`train`, `evaluate`, `ablate`, `tune`).
    `finetune --classes` maps coders' emotions, not a dataset's labels: its own flag."""
    p.add_argument("--classes", default=None, metavar="MAP",
                   help="class map: a built-in name (see `merstudio datasets classes`), a JSON file, or a comma list "
                        "of class names (those only; other labels dropped and counted); default: the dataset's usual "
                        "map")
    p.add_argument("--allow-missing", action="store_true",
                   help="skip missing or bad clips/rows and list them, instead of stopping at the first")


def _load_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", metavar="KIND", help=KIND_HELP + "; or KIND:ROOT in one, as `merstudio train --data` "
                   "spells it")
    p.add_argument("root", metavar="ROOT", type=Path, nargs="?",
                   help="the dataset folder as distributed (for table: the CSV or its folder)")
    add_class_args(p)
    p.add_argument("--no-check-images", action="store_true",
                   help="do not decode the onset/apex/offset frames while loading")
    add_loader_args(p)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("datasets", help="inspect micro-expression datasets and class maps",
                       description="Read a dataset the way training will, and report what was found.",
                       epilog=_examples(*(b.splitlines()[0] for b in (INSPECT_EXAMPLES, CLASSES_EXAMPLES,
                                                                        PREPARE_EXAMPLES)))
                       + "\n\n(more under `merstudio datasets ACTION --help`)",
                       formatter_class=EpilogFormatter)
    dsub = p.add_subparsers(dest="datasets_command", metavar="ACTION", required=True)  # as `project` asks for one

    ins = dsub.add_parser("inspect", help="counts per subject and class, the class map, dropped and skipped rows",
                          description="Load a dataset and print counts per subject and class, the class map "
                                      "used, samples dropped by it and (with --allow-missing) what was skipped.",
                          epilog=_examples(INSPECT_EXAMPLES), formatter_class=EpilogFormatter)
    _load_args(ins)
    ins.add_argument("--list", action="store_true", help="also list every sample")
    ins.set_defaults(func=run_inspect)

    cls = dsub.add_parser("classes", help="print the built-in class maps (or one of them)",
                          description="Print class maps: classes in index order and raw label -> class.",
                          epilog=_examples(CLASSES_EXAMPLES), formatter_class=EpilogFormatter)
    cls.add_argument("name", nargs="?", help="a class map name or JSON file (default: all built-in maps)")
    cls.set_defaults(func=run_classes)

    pre = dsub.add_parser("prepare", help="compute and cache the network inputs of a dataset",
                          description="Compute the preprocessed inputs (face alignment, optical flow) of every "
                                      "sample once and store them in the cache, keyed by the settings.",
                          epilog=_examples(PREPARE_EXAMPLES), formatter_class=EpilogFormatter)
    _load_args(pre)
    pre.add_argument("--input", dest="input_modality", default="flow", choices=("flow", "grey", "flow+grey", "both"),
                     help="network input: flow (u, v, strain), grey aligned frames, or flow+grey (both; default "
                          "flow), as `merstudio train --input`")
    pre.add_argument("--size", action=whole(MIN_INPUT_SIZE, SIZE_MAX), default=28, help="input size in pixels (default 28)")
    pre.add_argument("--steps", "--T", dest="T", action=whole(1, STEPS_MAX), default=None, metavar="T",
                     help="time steps (default as `merstudio train --steps`: 2 for clips, 1 for precomputed flow "
                          "images)")
    pre.add_argument("--step-spacing", "--spacing", dest="spacing", default=None, choices=("late", "even"),
                     help="where the T steps lie over onset -> apex: late (default, as `merstudio train "
                          "--step-spacing`) or even")
    pre.add_argument("--flow", default="dis", choices=FLOW_METHODS,
                     help=f"optical flow method: {', '.join(FLOW_METHODS)} (default dis, as `merstudio train`); the "
                          "one a checkpoint or a --config records (input.flow_method) fills the cache its "
                          "`finetune`, `evaluate` or `train --config` read, dis_fast for a model trained on it")
    pre.add_argument("--no-align", action="store_true", help="centre-crop instead of detecting and aligning faces")
    pre.add_argument("--cache", action=output(), help="cache folder (default $MERSTUDIO_CACHE, $XDG_CACHE_HOME/merstudio "
                     "or ~/.cache/merstudio)")
    pre.add_argument("-q", "--quiet", "--no-progress", action="store_true",
                     help="no progress bar (as the other commands' -q)")
    pre.set_defaults(func=run_prepare)


def _kind_root(args: argparse.Namespace) -> None:
    """KIND ROOT, or KIND:ROOT (a table file) in one as --data spells it: sets args.kind and args.root."""
    from merstudio.errors import InputError

    if args.root is not None:
        kind, sep, _ = args.kind.strip().partition(":")
        if sep and len(kind) >= 2:  # KIND:ROOT and a ROOT too (a drive letter, C:, is no kind)
            raise InputError(f"{args.kind} {args.root}: give KIND ROOT (e.g. casme2 /data/CASME2) or KIND:ROOT, "
                             "not both")
        return
    from merstudio.training.data import parse_data_spec

    kind, sep, root = args.kind.strip().partition(":")
    try:
        args.kind, args.root = parse_data_spec(args.kind)
    except InputError:
        if sep and len(kind) >= 2 and root:  # KIND:ROOT with a kind no loader reads: the loader's refusal says so
            raise
        raise InputError(f"{args.kind}: give KIND ROOT (e.g. casme2 /data/CASME2) or KIND:ROOT") from None


def _load(args: argparse.Namespace):  # -> SampleSet
    from merstudio.datasets import LoadOptions, canonical_kind, load_samples

    _kind_root(args)
    options = LoadOptions.from_args(args)
    kind = canonical_kind(args.kind)
    options.check(kind, args.classes)
    return load_samples(args.kind, args.root, classes=args.classes, allow_missing=args.allow_missing,
                        check_images=not args.no_check_images, verbose=False, **options.loader_kwargs())


def run_inspect(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes are printed in the summary
        ds = _load(args)
    print(ds.summary())
    from merstudio.datasets.classes import rare_classes_note

    rare = rare_classes_note(s.label for s in ds)  # as `merstudio train` says it (training.data.load_arrays)
    if rare:
        print(rare)
    if args.list:
        print("")
        for s in ds:
            frames = f"{len(s.frames)} frames" if s.frames is not None else s.kind
            print(f"  {s.key}  {s.label} ({s.raw_label})  onset={s.onset} apex={s.apex} offset={s.offset}  "
                  f"AUs={s.aus_raw or '-'}  {frames}")
    return 0


def run_classes(args: argparse.Namespace) -> int:
    from merstudio.datasets import class_map, class_map_names

    names = [args.name] if args.name else class_map_names()
    for i, name in enumerate(names):
        if i:
            print("")
        print(class_map(name).describe())
    return 0


def run_prepare(args: argparse.Namespace) -> int:
    from merstudio.atomic import ensure_parent
    from merstudio.cli.bars import Bar
    from merstudio.datasets import PreprocessSettings, prepare
    from merstudio.datasets.preprocess import default_cache_dir
    from merstudio.errors import OutputError
    from merstudio.training.data import MODALITY_TO_PREP, default_steps

    # the cache is this command's whole output: an unwritable one must fail, not be a silenced warning (here for a
    # folder that cannot be made or written at all; below for writes that failed, as on a full disk)
    ensure_parent(Path(args.cache or default_cache_dir()) / "prep")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = _load(args)
    # the training defaults, so that this fills the cache `merstudio train` reads
    steps, spacing = default_steps(any(s.kind == "image" for s in ds), args.T, args.spacing)
    settings = PreprocessSettings(modality=MODALITY_TO_PREP[args.input_modality], size=args.size, T=steps, flow=args.flow,
                                  spacing=spacing, align=not args.no_align)
    if ds.skipped:
        print(f"skipped {len(ds.skipped)}:")
        for s in ds.skipped:
            print(f"  {s}")
    with Bar(total=len(ds), desc="preprocess", unit="sample", disable=args.quiet) as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # what prepare() warns is in info, said below
            X, info = prepare(ds, settings, progress=progress, cache_dir=args.cache)
    if info["unwritten"]:  # a full disk: inputs computed but not kept, and keeping them is this command's job
        raise OutputError(f"{info['cache_error']}: {info['unwritten']} of {len(ds)} samples not cached")
    print(f"{len(ds)} samples -> {tuple(X.shape)} float32; computed {info['computed']}, from cache "
          f"{info['cached']}; cache {info['cache_dir']}/prep-{info['settings_hash']}")
    if info["centre_cropped"]:
        print(f"centre-cropped (no face / alignment off): {len(info['centre_cropped'])}")
        for key, why in info["centre_cropped"][:20]:
            print(f"  {key}: {why}")
    return 0
