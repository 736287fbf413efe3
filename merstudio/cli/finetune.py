"""`merstudio finetune`: fine-tune a checkpoint on a project's accepted events, report before/after on held-out
videos (or subjects), write a new versioned checkpoint that records its parent, events and coders."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from merstudio.cli.main import EpilogFormatter
from merstudio.cli.train import add_cache_arg, cache_dir, check_device

EPILOG = """examples:
  merstudio finetune --project study.merproj --checkpoint model.pt     # writes model-ft1.pt beside the project
  merstudio finetune --project study.merproj --checkpoint model.pt --holdout subject --epochs 30
  merstudio finetune --project study.merproj --checkpoint model.pt --mix casme2:/data/CASME2 -o mixed.pt"""

def register(sub: argparse._SubParsersAction) -> None:
    from merstudio.cli.bounds import BATCH_MAX, COUNT_MAX, EPOCHS_MAX, LR_MAX, SEED_MAX, output, real, whole

    p = sub.add_parser(
        "finetune",
        help="fine-tune a model on a project's accepted and corrected events",
        description="Trains a copy of CHECKPOINT on the project's accepted events (manual, imported and accepted "
                    "model proposals) whose emotion is one of the model's classes, plus 'none' windows away from "
                    "any event when the model has a 'none' class. Whole videos (or subjects) are held out and never "
                    "trained on; UF1/UAR on them are reported for the parent (before) and the new model (after). "
                    "The new checkpoint records its parent (path + SHA-256), the events and coders used, the "
                    "held-out split and both sets of metrics.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("--project", required=True, type=Path, metavar="P", help="the project file (.merproj)")
    p.add_argument("--checkpoint", required=True, type=Path, metavar="C", help="the checkpoint to start from")
    p.add_argument("-o", "--out", action=output(folder=False), default=None, metavar="OUT.pt",
                   help="where to write the new checkpoint (default: <checkpoint>-ftN.pt beside the project, "
                        "N the next free version)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing -o file (never the --checkpoint)")
    p.add_argument("--epochs", action=whole(1, EPOCHS_MAX), default=15, help="training epochs (default 15)")
    p.add_argument("--lr", action=real(0, LR_MAX, above=True), default=1e-3, help="learning rate (default 1e-3)")
    p.add_argument("--batch-size", action=whole(1, BATCH_MAX), default=8, help="batch size (default 8)")
    p.add_argument("--holdout", default="video", metavar="BY",
                   help="what is held out: video (default), subject (each video's subject, set with `merstudio "
                        "project subject`; a video without one is its own subject; refused when no video has "
                        "one), video:FRACTION / subject:FRACTION, or a fraction of the videos "
                        "(default fraction 0.25; always whole videos or subjects)")
    p.add_argument("--classes", default=None, metavar="MAP",
                   help="class map from the coders' emotions to the model's classes (a preset such as megc2019, or "
                        "a JSON file); default: emotions named like a class")
    p.add_argument("--mix", default=None, metavar="DATA",
                   help="also train on this dataset (KIND:ROOT or a sample table, as for `merstudio train`); its "
                        "samples taken from a held-out video (the same file or frame folder, a copy of it, or the "
                        "clip name of a held-out frame folder) are left out of training (default: none, the "
                        "project's events alone)")
    p.add_argument("--mix-classes", default=None, metavar="MAP",
                   help="class map for --mix (default: the model's class names)")
    from merstudio.cli.datasets import add_loader_args

    add_loader_args(p, prefix="mix-", of="--mix")  # --mix-modality VIS, ... as `merstudio train --modality VIS`
    p.add_argument("--min-per-class", action=whole(1, COUNT_MAX), default=3,
                   help="refuse when a class the project has events of has fewer training events than this "
                        "(default 3); a model class with no events at all is kept as the parent had it (its "
                        "classifier row unchanged, pulled towards the parent's probabilities), and the run names "
                        "the classes with no or few events before training")
    p.add_argument("--freeze-norm", action="store_true", help="keep the parent's batch-norm statistics")
    p.add_argument("--seed", action=whole(0, SEED_MAX), default=0,
                   help="training seed; also draws the held-out split on a project's first fine-tuning "
                        "(default 0)")
    p.add_argument("--fresh-split", action="store_true",
                   help="draw a new held-out split instead of the project's locked one (the first fine-tuning "
                        "locks it, so later runs compare on the same held-out events)")
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto (default)")
    add_cache_arg(p)
    p.add_argument("--no-progress", "-q", "--quiet", dest="no_progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


class _Bars:
    """One progress bar per stage: building inputs, then epochs (with the loss)."""

    NAMES = {"inputs": "inputs", "training": "epochs"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.stage = ""

    def on_stage(self, name: str) -> None:
        self.close()
        self.stage = name

    def progress(self, done: int, total: int) -> None:
        if not self.enabled or self.stage not in self.NAMES:
            return
        if self.bar is None:
            from merstudio.cli.bars import Bar

            self.bar = Bar(total=total, desc=self.NAMES[self.stage], unit="epoch" if self.stage == "training"
                           else "event", leave=False)
        self.bar.update(done - self.bar.n)

    def loss(self, epoch: int, epochs: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{loss:.3f}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run(args: argparse.Namespace) -> int:
    from merstudio.cli.project import refuse_unmade
    from merstudio.datasets.options import LoadOptions
    from merstudio.training.finetune import figures_scope, finetune, fresh_text
    from merstudio.training.finetune_split import held_out_text, trained_text

    refuse_unmade(args.project)  # an empty file stays as it is: the core's open would make it a new project
    check_device(args.device)  # before the events' inputs are built (minutes), as train checks it
    mix_options = LoadOptions.from_args(args, prefix="mix-")
    if args.mix_classes is not None and args.mix is None:
        from merstudio.errors import InputError

        raise InputError("--mix-classes maps the classes of --mix: give --mix DATA too")
    run_fn: Any = finetune
    if args.out is not None:
        from merstudio.atomic import ensure_parent
        from merstudio.training.finetune_output import check_output, guarded, guarded_paths

        # a bad -o fails now, not after the training, and once more right before the write (a file may appear)
        keep = guarded_paths(args.project, args.checkpoint)
        out = check_output(args.out, keep, overwrite=args.overwrite)
        ensure_parent(out)
        run_fn = guarded(finetune, lambda: check_output(out, keep, overwrite=args.overwrite))
    cache = cache_dir(args)  # a --cache that cannot be written is refused now, as by every command that prepares
    bars = _Bars(enabled=not args.no_progress)
    try:
        res = run_fn(args.project, args.checkpoint, args.out, holdout=args.holdout, mix_with=args.mix,
                       mix_classes=args.mix_classes, mix_options=mix_options, class_map=args.classes, epochs=args.epochs, lr=args.lr,
                       batch_size=args.batch_size, seed=args.seed, device=args.device,
                       freeze_norm=args.freeze_norm, min_per_class=args.min_per_class, cache_dir=cache,
                       fresh_split=args.fresh_split,
                       progress=bars.progress, loss_callback=bars.loss, stage=bars.on_stage, log=print)
    finally:
        bars.close()
    if res.skipped:
        hint = res.class_map_hint  # only a map whose counts would pass at --min-per-class (h292's rule)
        print("not used (emotion not among the model's classes): "
              + ", ".join(f"{k} {v}" for k, v in sorted(res.skipped.items()))
              + (f" (--classes {hint[0]} would use {hint[1]} of them)" if hint else ""))
    if res.samples_note:  # an expression coded twice counts once; codings that disagree train no class
        print(f"note: {res.samples_note}")
    print(trained_text(res))
    if res.mix_images_repeated:  # as `train --steps 2` and `evaluate` say of flow images under a T-step model
        from merstudio.cli.train import MIX_IMAGES_CONSEQUENCE, single_images_warning

        steps = res.mix_images_repeated
        print(single_images_warning(args.checkpoint.name, steps, f"--mix {args.mix}", MIX_IMAGES_CONSEQUENCE))
    if res.n_mix_held_out:
        k = res.n_mix_held_out
        print(f"left out {k} mixed sample{'s' * (k != 1)} taken from the held-out video(s) (the same file, frame "
              "folder or clip)")
    print(held_out_text(res))
    print()
    # what the figures rest on, above them: 2 held-out samples of one class scored 1.000 everywhere
    if res.basis:
        print(f"held-out figures: {res.basis['text']}")
    print(res.table())
    print()
    fresh = fresh_text(res.fresh)
    if fresh:  # apart from the table: the locked events' figures compare with earlier runs', these with none
        print(fresh)
        print()
    events = res.events_table()
    if events:  # which events the figures count as right or wrong, before and after
        print("each held-out event as read before and after (✓ the coded class):")
        print(events)
        print()
    # a93: "F1 surprise 0.000 -> 0.667" read as "the proposals will say surprise"; they did not
    print(f"what the figures measure: {figures_scope(res.span_s)}")
    parent_line = _parent_evaluation(res.parent_metrics)
    if parent_line:
        print(parent_line)
    if res.split_note:
        print(f"note: {res.split_note}")
    if not res.split_saved:
        print(f"note: the held-out split could not be recorded in {args.project} (in use or read-only); the next "
              "run may hold out other events")
    print(f"saved {res.checkpoint}")
    return 0


def _parent_evaluation(record: dict[str, Any] | None) -> str:
    """The parent checkpoint's own evaluation (FinetuneResult.parent_metrics) in a line, '' when it records none:
    what the hold-out's figures stand beside; the new checkpoint keeps it as ``parent_metrics``."""
    if not isinstance(record, dict):
        return ""
    figs = ", ".join(f"{name} {record[k]:.3f}" for k, name in (("uf1", "UF1"), ("uar", "UAR"),
                                                                ("accuracy", "accuracy"))
                     if isinstance(record.get(k), int | float))
    n = f" (n = {record['n']})" if record.get("n") else ""
    return (f"{record.get('checkpoint', 'the parent')}'s own evaluation (its test data, not these samples; kept in the "
            f"new checkpoint): "
            f"{record.get('protocol') or 'protocol not recorded'}, {figs}{n}")
