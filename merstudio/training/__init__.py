"""Training and evaluating MENet on a dataset (Qt-free; `merstudio train` uses it, and the app's Analysis >
Fine-tune on corrections… uses its `finetune`).

Entry points for Python (README, "Using merstudio from Python"):
    load_arrays(spec)                         a dataset as DataArrays + info ("casme2:ROOT", "table:FILE.csv", ...;
                                              training.data)
    run_protocol(data, class_names, model_cfg, settings, out_dir, protocol="loso", jobs=1)
                                              LOSO / k-fold evaluation into out_dir; load_predictions(out_dir)
                                              reads its per-sample predictions back (training.run)
    train_final(data, model_cfg, settings, path, meta)   train on everything and save a checkpoint (training.run)
    TrainSettings, train_fold, fit_model, predict        the trainer (training.trainer)
    finetune.finetune(project, checkpoint)    adapt a checkpoint to a project's coded events (not re-exported:
                                              the name is its module's, which tests and callers import)

Runs in this process (jobs=1) seed the global random, NumPy and torch generators and may set torch's thread count
while they train; the caller's are restored afterwards (trainer.keeps_caller_state).
Loaded on first use: importing this package does not import torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from merstudio.lazy import lazy_exports

if TYPE_CHECKING:
    from merstudio.training.data import load_arrays
    from merstudio.training.protocols import DataArrays
    from merstudio.training.run import load_predictions, run_protocol, train_final
    from merstudio.training.trainer import TrainSettings, fit_model, predict, train_fold

_LAZY = {  # submodule: the names it gives this package
    "data": ("load_arrays",),
    "protocols": ("DataArrays",),
    "run": ("load_predictions", "run_protocol", "train_final"),
    "trainer": ("TrainSettings", "fit_model", "predict", "train_fold"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


__all__ = ["DataArrays", "TrainSettings", "fit_model", "load_arrays", "load_predictions", "predict",
           "run_protocol", "train_final", "train_fold"]
