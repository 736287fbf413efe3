"""One rule for which training settings train: checked by the CLI as its flags and --config are read (before any run
folder is made), for every trial of a search space, and by `fit_model` for callers from Python (the app's
fine-tuning, scripts). A value out of range is one InputError naming it; NaN and infinity always are: torch fails on
some mid-run (a NaN learning rate) and trains NaN weights silently on others (an infinite one or mixup), and a
negative probability must not pass as "off"."""

from __future__ import annotations

import math
from typing import Any

from merstudio.errors import InputError

LR_MAX = 10.0  # a learning rate above it only diverges
SEED_MAX = 2**32 - 1  # numpy's seed range
WIDTH_MAX = 512  # network width: beyond it a batch only exhausts memory

# (TrainSettings field, lowest, highest): the real-valued settings a flag or --config may set
RANGES = (("mixup", 0.0, math.inf), ("erase", 0.0, 1.0), ("noise", 0.0, math.inf), ("weight_decay", 0.0, math.inf),
          ("rotate_deg", 0.0, 180.0), ("scale", 0.0, 0.99), ("translate", 0.0, 0.5), ("ema_decay", 0.0, 1.0),
          ("swa_start", 0.0, 1.0), ("distill_weight", 0.0, 1.0), ("resolution_jitter", 0.0, 1.0),
          ("sam_rho", 0.0, math.inf), ("step_gamma", 0.0, 1.0))
AVERAGES = ("none", "ema", "swa")  # TrainSettings.average
SCHEDULES = ("cosine", "step")  # TrainSettings.schedule


def check_settings(settings: Any, model_cfg: Any = None, where: str = "") -> None:
    """Refuse, in one line prefixed by `where`, training settings (a TrainSettings) and, when given, a model
    configuration's width that training would fail on or run with silently."""
    def bad(text: str) -> InputError:
        return InputError(f"{where}{text}")

    s = settings
    if not _whole(s.epochs) or s.epochs < 1 or not _whole(s.batch_size) or s.batch_size < 1:
        raise bad(f"epochs and batch size must be whole numbers >= 1, got {s.epochs!r} and {s.batch_size!r}")
    if not _real(s.lr) or not 0 < s.lr <= LR_MAX:  # NaN and infinity too
        raise bad(f"lr must be a positive number up to {LR_MAX:g}, got {s.lr!r}")
    if not _whole(s.seed) or not 0 <= s.seed <= SEED_MAX:
        raise bad(f"seed must be a whole number from 0 to {SEED_MAX}, got {s.seed!r}")
    if model_cfg is not None and not (_whole(model_cfg.width) and 4 <= model_cfg.width <= WIDTH_MAX):
        raise bad(f"width must be from 4 to {WIDTH_MAX}, got {model_cfg.width!r}")
    if not _real(s.val_fraction) or not 0 <= s.val_fraction < 1:
        raise bad(f"val_fraction must be a number from 0 to below 1, got {s.val_fraction!r}")
    if s.average not in AVERAGES:
        raise bad(f"average must be one of {', '.join(AVERAGES)}, got {s.average!r}")
    if s.schedule not in SCHEDULES:
        raise bad(f"schedule must be one of {', '.join(SCHEDULES)}, got {s.schedule!r}")
    for name in ("warmup_epochs", "step_every", "num_threads"):  # a NaN warm-up made every epoch's lr 0
        v = getattr(s, name)
        if not _whole(v) or v < (1 if name == "step_every" else 0):
            raise bad(f"{name} must be a whole number >= {1 if name == 'step_every' else 0}, got {v!r}")
    for name, lo, hi in RANGES:
        v = getattr(s, name)
        if not _real(v) or not lo <= v <= hi or not math.isfinite(v):  # "within [0, inf]" read as inf allowed
            span = f"a finite number of at least {lo:g}" if math.isinf(hi) else f"a number from {lo:g} to {hi:g}"
            raise bad(f"{name} must be {span}, got {v!r}")
    if not _whole(s.distill_teachers) or s.distill_teachers < 0 or not _real(s.distill_temperature) \
            or not 0 < s.distill_temperature < math.inf:
        raise bad(f"distill_teachers must be a whole number >= 0 and distill_temperature a number > 0, got "
                  f"{s.distill_teachers!r} and {s.distill_temperature!r}")


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _real(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def thin_inner_fit(subjects: Any, folds: Any, val_fraction: float) -> int | None:
    """The training subjects of a fold (protocols.Fold, the largest such) whose inner validation split
    (``val_fraction`` > 0: protocols.validation_subjects) leaves one subject to train on; None where every fold
    keeps 2 or more, or there is no split. --val-fraction 0.99 trained every fold on one subject without a word."""
    import numpy as np

    if not val_fraction > 0:
        return None
    subjects = np.asarray(subjects)
    thin = []
    for f in folds:
        n = len(set(subjects[f.train_idx].tolist()))
        # validation_subjects' count (at least one, at most n - 1); n < 2 has no split and is refused there
        if n >= 2 and n - min(n - 1, max(1, round(val_fraction * n))) < 2:
            thin.append(n)
    return max(thin) if thin else None


def fold_class_gaps(y: Any, folds: Any, class_names: Any) -> list[str]:
    """One line per fold (protocols.Fold) whose training samples hold no sample of a class its test samples
    have: the model cannot predict that class there, and the fold's score says only how it misses it (k-fold on a
    small table; LOSO on a class only one subject has). [] when every fold trains on every class it is scored on."""
    import numpy as np

    y = np.asarray(y)
    folds = list(folds)
    lines = []
    for f in folds:
        trained = set(y[f.train_idx].tolist())
        tested = y[f.test_idx]
        gaps = sorted({int(c) for c in tested.tolist()} - trained)
        if not gaps:
            continue
        counts = {c: int((tested == c).sum()) for c in gaps}
        named = ", ".join(f"{class_names[c]} ({n} test sample{'s' * (n > 1)})" for c, n in counts.items())
        shown = ", ".join(f.test_subjects[:3]) + (f" and {len(f.test_subjects) - 3} more"
                                                   if len(f.test_subjects) > 3 else "")
        lines.append(f"fold {f.index + 1} of {len(folds)} (testing {shown}) trains on no sample of {named}: it cannot predict "
                     f"{'that class' if len(gaps) == 1 else 'those classes'} there (fewer folds or more subjects)")
    return lines
