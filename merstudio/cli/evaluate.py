"""`merstudio evaluate`: score a checkpoint on a labelled dataset (no training)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from merstudio.errors import InputError
from merstudio.model.columns import class_key

EPILOG = """examples:
  merstudio evaluate --checkpoint megc.pt --data samm:/data/SAMM --classes megc2019        # the figures, printed
  merstudio evaluate --checkpoint megc.pt --data samm:/data/SAMM --classes megc2019 --out runs/eval-samm   # and saved
  merstudio evaluate --checkpoint casme2.pt --data table:samples.csv --device cpu -q"""


def register(sub: argparse._SubParsersAction) -> None:
    from merstudio.cli.bounds import output
    from merstudio.cli.main import EpilogFormatter
    from merstudio.cli.train import add_data_args

    p = sub.add_parser("evaluate", help="score a trained checkpoint on a labelled dataset",
                       description="Predicts every sample of --data with the checkpoint (inputs prepared with the "
                                   "checkpoint's own input settings) and reports accuracy, UF1, UAR, per class, "
                                   "per dataset and the confusion matrix.",
                       epilog=EPILOG, formatter_class=EpilogFormatter)
    p.add_argument("--checkpoint", required=True, type=Path, help="a .pt checkpoint written by merstudio train")
    add_data_args(p)
    p.add_argument("--out", action=output(), default=None,
                   help="folder for predictions.csv, metrics.json, summary.md, confusion.png")
    p.add_argument("--overwrite", action="store_true", help="replace the results already in --out")
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto (default: CUDA when present)")
    p.add_argument("--no-progress", "-q", "--quiet", dest="no_progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np  # here, not at the top: building the parser (`merstudio --help`) imports no numpy

    from merstudio.cli.train import cache_dir, check_device, loader_options, prep_progress
    from merstudio.model.checkpoint import load_checkpoint
    from merstudio.model.device import pick_device
    from merstudio.training.data import load_arrays
    from merstudio.training.metrics import compute_metrics

    check_device(args.device)  # first, named as the flag, as train checks it (h318)
    # --modality VIS and the like: the data read as `merstudio train` read it (one its kind does not read fails now)
    options = loader_options(args)
    if args.out is not None:
        _check_out(args.out, args.overwrite)
    cache = cache_dir(args)  # an unwritable --cache fails before the checkpoint loads
    device = pick_device(args.device)
    model, meta = load_checkpoint(args.checkpoint, map_location=device)
    inp = meta.get("input") or {}
    names = list(meta["class_names"])
    # the data's classes against the checkpoint's before any input is prepared (minutes of optical flow on clips)
    early = data_classes(args.data, args.classes, options, args.allow_missing)
    if early is not None:
        check_classes(early, names, args)
    steps = int(inp.get("T") or 1)
    images: list[bool] = []

    def log(line: str) -> None:
        # load_arrays' advice to give --framing is train's: evaluate frames the data as the checkpoint says
        if str(line).startswith(_FRAMING_ADVICE):
            line = ("precomputed flow images: taken to show the checkpoint's framing (the whole aligned face); "
                    "evaluate uses the checkpoint's input settings (a model for the MEGC2019 composite's flow "
                    "images is one trained on them with --framing megc2019)")
        print(line)

    data, info = load_arrays(args.data, classes=args.classes, allow_missing=args.allow_missing, options=options,
                             input_kind=inp.get("modality", "flow"), size=inp.get("size"), steps=steps,
                             spacing=inp.get("spacing", "even"), flow=inp.get("flow_method", "dis"),
                             aus=list(meta["aus"]), framing=inp.get("framing"), log=log, cache_dir=cache,
                             progress=prep_progress(not args.no_progress), split_by_subject=False,
                             on_samples=lambda ds: images.append(any(x.kind == "image" for x in ds)))
    if steps > 1 and any(images):
        from merstudio.cli.train import single_images_warning

        print(single_images_warning(args.checkpoint.name, steps, args.data, "unless it was trained on flow images "
                                    "so, these figures are not its accuracy on clips (evaluate it on clips)"))
    check_classes(info["class_names"], names, args)
    own = {class_key(n): k for k, n in enumerate(names)}  # the data's 'Class I' is an older checkpoint's 'class i'
    remap = np.array([own[class_key(c)] for c in info["class_names"]], dtype=np.int64)
    data.y = remap[data.y]
    seen, by_name = trained_by(meta, args.data, data)
    # ids a training subject had, with other inputs (another dataset's copy of "sub01" may be another person): not
    # counted as trained, but never among the unseen either
    named = [s for s in named_like_training(meta, data) if s not in seen]
    if args.out is None:
        from merstudio.training.trainer import predict

        probs, _ = predict(model, data.X, device=device)
        m = compute_metrics(data.y, probs.argmax(1), names, data.datasets.tolist())
        unseen = unseen_metrics(data.subjects, data.y, probs.argmax(1), names, seen, named)
    else:
        from merstudio import __version__
        from merstudio.training.run import data_fingerprint, provenance

        m = write_evaluation(model, data, names, args.out, spec={
            **checkpoint_record(args.checkpoint, meta), "data": options.describe(args.data), "protocol": "evaluate",
            "merstudio_version": __version__, "data_fingerprint": data_fingerprint(data), "provenance": provenance(),
            "seen_subjects": len(seen), **({"seen_by_name": len(by_name)} if by_name else {}),
            **({"named_like_training": len(named)} if named else {}),
            **({"loader_options": info["loader_options"]} if info["loader_options"] else {})},
            seen=seen, by_name=by_name, named=named)
        unseen = m.get("unseen")
        from merstudio.cli.train import write_data_record

        if named:  # data.md said nothing of them, which summary.md, run.json and metrics.json name (h288)
            info = {**info, "notes": [*(info.get("notes") or []), named_note(named, unseen is not None)]}
        write_data_record(args.out, info, len(data), cache)
    from merstudio.training.run import included_known

    n_subjects = len(data.subject_list)
    # what the headline's figures are, said on its own line: fit when every subject trained it; fit and accuracy
    # mixed when some did or may have (the unseen ones' figure follows)
    if seen and len(seen) == n_subjects:
        what = ": training-set fit (every subject trained this checkpoint):"
    elif seen or named:
        what = f", all {n_subjects} subjects {included_known(len(seen), len(named))}:"
    else:
        what = ":"
    print(f"{args.checkpoint.name} on {info['description']} ({m['n']} samples){what} accuracy {m['accuracy']:.3f}  "
          f"UF1 {m['uf1']:.3f}  UAR {m['uar']:.3f}")
    if unseen is not None:
        none_named = ", none sharing a name with its training subjects" if named else ""
        print(f"  unseen subjects only ({unseen['n_subjects']} subjects, {unseen['n']} samples{none_named}): "
              f"accuracy {unseen['accuracy']:.3f}  UF1 {unseen['uf1']:.3f}  UAR {unseen['uar']:.3f}")
    for name, r in m["per_class"].items():
        print(per_class_line(name, r))
    for name, r in m.get("per_dataset", {}).items():
        print(f"  [{name}] n {r['n']}  UF1 {r['uf1']:.3f}  UAR {r['uar']:.3f}")
    if seen:
        n = len(data.subject_list)
        print(f"warning: {'all' if len(seen) == n else len(seen)} of these {n} subjects trained this checkpoint: on "
              "them these figures are its fit to data it has seen, not accuracy (for that: the LOSO/LODO figures of "
              "its training run, or data of other people)")
    if by_name:
        from merstudio.training.run import BY_NAME_WHY

        print(f"note: {len(by_name)} of them counted as trained by their names: {BY_NAME_WHY}")
    other = other_loader_options(meta, args.data, info["loader_options"])
    if other is not None:
        print(f"note: the checkpoint was trained on {args.data} read with {other}; this evaluation read it with "
              f"{options.flags() or 'the loader defaults'} (give the same options to evaluate on the same data)")
    if named:
        print(f"note: {named_note(named, unseen is not None)}")
    return 0


def named_note(named: list[str], unseen: bool) -> str:
    """The line on the evaluated subjects that share a name with the checkpoint's training subjects
    (named_like_training), as the console and data.md say it; ``unseen``: the unseen subjects' figures are given."""
    from merstudio.training.run import NAMED_LIKE_WHY

    return (f"{len(named)} of these subjects ({', '.join(named[:6])}{' ...' if len(named) > 6 else ''}) "
            f"{NAMED_LIKE_WHY}" + ("; the unseen subjects' figures leave them out" if unseen else ""))


def checkpoint_record(path: Path, meta: dict) -> dict:
    """Which checkpoint an evaluation scored, for its run.json and summary: the path as typed, the file's absolute
    path and SHA-256 (two files called model.pt are told apart, as analyze's checkpoint_sha256 tells them), and
    the merstudio version and date the checkpoint records."""
    import os

    from merstudio.regular_files import sha256_of

    out = {"checkpoint": str(path), "checkpoint_path": os.path.abspath(path), "checkpoint_sha256": sha256_of(path)}
    for key, rec in (("merstudio_version", "checkpoint_merstudio_version"), ("created", "checkpoint_created")):
        if meta.get(key):
            out[rec] = str(meta[key])
    return out


def per_class_line(name: str, r: dict) -> str:
    """One class's line of the printed report; a class of the checkpoint the data has no sample of says so (its
    recall is undefined: nan)."""
    if r["support"] == 0:
        return f"  {name:>12}: no samples" + (f" ({r['fp']} predicted as {name})" if r.get("fp") else "")
    return f"  {name:>12}: support {r['support']:4d}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}"


def other_loader_options(meta: dict, spec: str, given: dict) -> str | None:
    """The loader options (--modality VIS, ...) the checkpoint's training read this same --data with, as flags, when
    they are not the ones given now (None otherwise, and for a checkpoint trained on other data)."""
    from merstudio.datasets.options import LoadOptions
    from merstudio.model.checkpoint_meta import training_sets

    # its training's data or a set fine-tuning mixed in (`finetune --mix DATA --mix-modality VIS`)
    td = next((t for t in training_sets(meta) if t.get("spec") == spec), None)
    if td is None:
        return None
    recorded = td.get("loader_options") or {}
    if not isinstance(recorded, dict):
        return None
    try:
        trained = LoadOptions(**{k: v for k, v in recorded.items() if k in LoadOptions.names()})
    except (TypeError, ValueError):
        return None
    # the options that read other frames or labels (--sheet and --gt name files, spelt as the folder had them)
    if trained.identity() == LoadOptions(**given).identity():
        return None
    return trained.flags() or "the loader defaults"


def named_like_training(meta: dict, data) -> list[str]:  # noqa: ANN001 - merstudio.training.data.DataArrays
    """The evaluated subjects named as a training subject of the checkpoint (its subject_inputs' keys or its
    subjects list, of each of its training sets: checkpoint_meta.training_sets): perhaps the same people (a dataset
    keeps its subject ids, whatever clips they bring now), perhaps not (another dataset's "sub01"): said as sharing
    a name, and left out of the unseen subjects' figures."""
    from merstudio.model.checkpoint_meta import training_sets

    names: set[str] = set()
    for td in training_sets(meta):
        listed = td.get("subjects")
        names |= set(td["subject_inputs"]) if isinstance(td.get("subject_inputs"), dict) else \
            {str(s) for s in listed} if isinstance(listed, list) else set()
    return [str(s) for s in data.subject_list if str(s) in names]


def seen_subjects(meta: dict, spec: str, data) -> list[str]:  # noqa: ANN001 - merstudio.training.data.DataArrays
    """The subjects of the evaluated data that trained the checkpoint (trained_by)."""
    return trained_by(meta, spec, data)[0]


def trained_by(meta: dict, spec: str, data) -> tuple[list[str], list[str]]:  # noqa: ANN001 - DataArrays
    """(seen, by_name): the subjects of the evaluated data that trained the checkpoint, and those of them known by
    their names alone. Seen: a subject with any sample whose input trained it (checkpoints since 2026-12-07 record
    one fingerprint per sample: training.run.trained_subjects); with an older record (one hash per subject, or the
    ids alone) also one named as a training subject, which may have lost a sample to --classes since; for a
    checkpoint saved before any of those were recorded, all of them when it was trained on the same --data. Each of
    the checkpoint's training sets counts (checkpoint_meta.training_sets: a fine-tuned one's parent's training and
    the data sets fine-tuning mixed in); a subject seen by its inputs in one is not "by name" for another."""
    from merstudio.model.checkpoint_meta import training_sets

    seen: set[str] = set()
    by_name: set[str] = set()
    for td in training_sets(meta):
        one, named = _trained_by_one(td, spec, data)
        seen |= set(one) - set(named)
        by_name |= set(named)
    by_name -= seen
    order = [str(s) for s in data.subject_list]
    return [s for s in order if s in seen or s in by_name], [s for s in order if s in by_name]


def _trained_by_one(td: dict, spec: str, data) -> tuple[list[str], list[str]]:  # noqa: ANN001 - DataArrays
    """trained_by for one training-set record (training_data, or a data set fine-tuning mixed in)."""
    from merstudio.training.run import trained_subjects

    if isinstance(td.get("subject_inputs"), dict) or isinstance(td.get("subjects"), list):
        names = td["subjects"] if isinstance(td.get("subjects"), list) else None
        return trained_subjects(data, td.get("subject_inputs"), names)
    return ([str(s) for s in data.subject_list], []) if td.get("spec") == spec else ([], [])


def unseen_metrics(subjects, y, pred, names, seen: list[str],  # noqa: ANN001 - arrays
                   named: list[str] | tuple[str, ...] = ()) -> dict | None:
    """UF1, UAR, accuracy over the subjects that did not train the checkpoint (``seen``) nor share a name with one
    that did (``named``: named_like_training, perhaps the same people), when some are left and some are not (the
    headline mixes fit, or perhaps fit, with accuracy on the unseen); None otherwise."""
    import numpy as np

    from merstudio.training.metrics import compute_metrics

    subj = np.asarray([str(s) for s in subjects])
    known = [str(s) for s in (*seen, *named)]
    keep = ~np.isin(subj, known)
    if not known or not keep.any():
        return None
    m = compute_metrics(np.asarray(y)[keep], np.asarray(pred)[keep], names)
    return {"n": int(keep.sum()), "n_subjects": len(set(subj[keep])), "accuracy": m["accuracy"], "uf1": m["uf1"],
            "uar": m["uar"]}


RESULT_FILES = ("run.json", "metrics.json", "predictions.csv", "summary.md", "folds")
_FRAMING_ADVICE = "precomputed flow images: their framing"


def data_classes(spec: str, classes: str | None, options: Any, allow_missing: bool) -> list[str] | None:
    """The classes `--data` is scored in, known without preparing an input: its class map's (megc2019: negative,
    positive, surprise), or a table's labels as they are (its rows read, no frame decoded). None where they depend on
    which samples load (labels as they are, with --allow-missing): load_arrays' classes are checked then."""
    import warnings

    from merstudio.datasets import load_samples
    from merstudio.datasets.classes import class_map
    from merstudio.training.data import parse_data_spec

    kind, root = parse_data_spec(spec)
    cmap = class_map(classes, kind)
    if not cmap.identity:
        return list(cmap.classes)
    if allow_missing:
        return None
    with warnings.catch_warnings():  # what the loader warns of is said once, by load_arrays
        warnings.simplefilter("ignore")
        ds = load_samples(kind, root, classes=classes, check_images=False, verbose=False, **options.loader_kwargs())
    return list(ds.classes)


def check_classes(data: list[str], names: list[str], args: argparse.Namespace) -> None:
    """Refuse (one line) data whose classes are not all the checkpoint's: a model is scored on its own classes. With
    --classes given, its map is what names them, so the map is what to change (a preset onto the checkpoint's
    classes where one is, e.g. casme2-5 for a CASME II 5-class model)."""
    from merstudio.datasets.classes import class_map, class_map_names

    own = {class_key(n) for n in names}  # compared as fine-tuning compares (case, spacing ignored)
    unknown = [c for c in data if class_key(c) not in own]
    if not unknown:
        return
    what = f"class {unknown[0]} is not one" if len(unknown) == 1 else f"classes {', '.join(unknown)} are not ones"
    known = f"the checkpoint knows ({', '.join(names)})"
    if args.classes is None:
        raise InputError(f"{args.data}: {what} {known}; pass --classes to map the labels onto them")
    fits = [m for m in class_map_names() if m != "raw" and {class_key(c) for c in class_map(m).classes} <= own]
    onto = f" (presets: {', '.join(fits)})" if fits else ""
    raise InputError(f"--classes {args.classes}: {what} {known}; a model is scored on its own classes: give "
                     f"--classes a map onto them{onto}, or evaluate a model of {', '.join(data)}")


def _check_out(out: Path, overwrite: bool) -> None:
    """Refuse a file, or a folder holding another command's run (train, ablate, tune: writing there would replace
    its predictions and summary, --overwrite or not), or an earlier evaluation unless --overwrite."""
    from merstudio.errors import OutputError
    from merstudio.training.run_folders import check_results_kept, check_run_folder, held_run, run_record

    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file; give a folder")
    check_run_folder(out, "evaluate")
    what = f" of an earlier evaluation (of {run_record(out).get('checkpoint', '?')})" \
        if held_run(out) is not None else ""
    check_results_kept(out, RESULT_FILES, overwrite, what=what)


def write_evaluation(model, data, names, out: Path, spec: dict, seen: list[str] | None = None,
                     by_name: list[str] | None = None, named: list[str] | None = None) -> dict:
    """Predict all of `data` as one pseudo-fold and write the same files as a training run; with `seen` (the
    subjects that trained the checkpoint) or `named` (named_like_training), the figures over the others as well
    ("unseen" in metrics.json). metrics.json says what its figures are: "fit_on_training_data" (every subject
    trained the checkpoint: fit, not accuracy), "seen_subjects" (those that did), "seen_by_name" (those of them
    known by name alone) and "named_like_training" (not among them, but sharing a training subject's name)."""
    import io

    import numpy as np
    import pandas as pd

    from merstudio.training.protocols import Fold
    from merstudio.training.run import PREDICTION_DTYPES, _fold_frame, _fold_stem, summarise
    from merstudio.training.trainer import predict

    fold = Fold(index=0, name="all", test_subjects=tuple(data.subject_list),
                train_idx=np.zeros(0, dtype=np.int64), test_idx=np.arange(len(data)))
    probs, au_probs = predict(model, data.X)
    aus = list(model.cfg.aus) if model.cfg.use_au else []
    df = _fold_frame(fold, data, probs, au_probs, names, aus)
    # run.json and the fold's CSV are written with the results, one set (summarise's `more`): a failed --overwrite
    # leaves the earlier evaluation whole, its record included. folds/ is made only then, with its file: a Ctrl-C
    # during the prediction left an empty one, which the same command then refused as "results already"
    fold_csv = out / "folds" / f"{_fold_stem(fold)}.csv"
    record = json.dumps({**spec, "n_samples": len(data), "n_subjects": len(data.subject_list)}, indent=2)
    pred = pd.read_csv(io.StringIO(df.to_csv(index=False)), dtype=PREDICTION_DTYPES)  # as read back from the file
    seen = list(seen or [])
    unseen = unseen_metrics(data.subjects, data.y, probs.argmax(1), names, seen, named or [])
    extra: dict = {"fit_on_training_data": bool(seen) and len(seen) == len(data.subject_list),
                   "seen_subjects": seen, "seen_by_name": list(by_name or []),
                   "named_like_training": list(named or [])}
    if unseen is not None:
        extra["unseen"] = unseen
    metrics = summarise(out, [fold], names, extra=extra, pred=pred, spec=json.loads(record),
                        more={fold_csv: lambda tmp: df.to_csv(tmp, index=False),
                              out / "run.json": lambda tmp: tmp.write_text(record, encoding="utf-8")})
    for old in fold_csv.parent.glob("*.csv"):  # an earlier evaluation's other fold files
        if old != fold_csv:
            old.unlink()
    return metrics
