"""The micro-expression network (MENet), its losses, checkpoints and streaming per-frame inference.

Stable API (docs/model.md):
    ModelConfig, MENet, compute_losses, estimate_prior, facs_prior, estimate_au_prior, au_targets_from_sets,
    save_checkpoint, load_checkpoint, describe_checkpoint, InputSettings, make_input, step_indices,
    FramePredictor, FramePrediction, class_column, au_column, prediction_columns
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from merstudio.lazy import lazy_exports

if TYPE_CHECKING:
    from merstudio.model.checkpoint import (
        describe_checkpoint,
        load_checkpoint,
        read_checkpoint_meta,
        save_checkpoint,
        transfer_weights,
    )
    from merstudio.model.columns import au_column, class_column, prediction_columns
    from merstudio.model.config import ABLATIONS, DEFAULT_AUS, DEFAULT_CLASSES, ModelConfig
    from merstudio.model.device import pick_device
    from merstudio.model.inference import FramePrediction, FramePredictor
    from merstudio.model.inputs import MODALITY_CHANNELS, InputSettings, make_input, step_indices
    from merstudio.model.losses import LOSS_PARTS, compute_losses
    from merstudio.model.network import MENet, count_parameters
    from merstudio.model.priors import au_targets_from_sets, estimate_au_prior, estimate_prior, facs_prior
    from merstudio.model.regions import AU_REGION_MAP, AU_REGIONS

# Loaded on first use (PEP 562): importing merstudio.model.config, as the CLI's argument parsers do, must not pull in
# torch (seconds) for `merstudio --help`.
_LAZY = {  # submodule: the names it gives this package
    "checkpoint": ("describe_checkpoint", "load_checkpoint", "read_checkpoint_meta", "save_checkpoint",
                   "transfer_weights"),
    "config": ("ABLATIONS", "DEFAULT_AUS", "DEFAULT_CLASSES", "ModelConfig"),
    "device": ("pick_device",),
    "columns": ("au_column", "class_column", "prediction_columns"),
    "inference": ("FramePrediction", "FramePredictor"),
    "inputs": ("InputSettings", "MODALITY_CHANNELS", "make_input", "step_indices"),
    "losses": ("LOSS_PARTS", "compute_losses"),
    "network": ("MENet", "count_parameters"),
    "priors": ("au_targets_from_sets", "estimate_au_prior", "estimate_prior", "facs_prior"),
    "regions": ("AU_REGIONS", "AU_REGION_MAP"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "ABLATIONS", "AU_REGIONS", "AU_REGION_MAP", "DEFAULT_AUS", "DEFAULT_CLASSES", "LOSS_PARTS", "MODALITY_CHANNELS",
    "FramePrediction", "FramePredictor", "InputSettings", "MENet", "ModelConfig",
    "au_column", "au_targets_from_sets", "class_column", "compute_losses", "count_parameters",
    "describe_checkpoint", "estimate_au_prior", "estimate_prior", "facs_prior", "load_checkpoint", "make_input",
    "pick_device", "prediction_columns", "read_checkpoint_meta", "save_checkpoint", "step_indices",
    "transfer_weights",
]
