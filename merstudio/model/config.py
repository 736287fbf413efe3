"""ModelConfig: every architectural and loss setting of MENet, JSON-serialisable, with ablation switches."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from merstudio.errors import InputError

# The common cross-dataset AU set (datasets.md); equal to merstudio.features.aus.AUS. Kept here as a literal so
# the model package does not import the feature extractors (and their cv2 work) just to build a config.
DEFAULT_AUS: tuple[int, ...] = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17)
DEFAULT_CLASSES: tuple[str, ...] = ("negative", "positive", "surprise")  # MEGC2019 composite order

MIN_INPUT_SIZE = 28
# Parts `ablate()` switches off: fam = the facial-action module (use_au; the AU-emotion constraint goes with it),
# au_emotion = only the AU-emotion constraint (w_consistency = 0, the module and its AU head kept), sample_norm = the
# per-sample standardisation of the input, mixstyle = MixStyle in training (additions to the published design,
# ablated like its modules).
ABLATION_NAMES = {"mswm": "multi-scale weighted module",
                  "fam": "facial-action module (with its AU head and the AU-emotion constraint)",
                  "au_emotion": "the AU-emotion constraint only (w_consistency 0)", "cluster": "clustering constraint",
                  "convlstm": "ConvLSTM", "sample_norm": "per-sample input standardisation",
                  "mixstyle": "MixStyle (feature-statistics mixing between samples in training)"}
ABLATIONS = tuple(ABLATION_NAMES)
# Training-side additions ablated the same way; they are TrainSettings fields (merstudio.training.run.apply_ablation)
TRAIN_ABLATION_NAMES = {"erase": "random erasing (an occluder augmentation)",
                        "mixup": "mixup (inputs and losses of two samples blended in training)"}
ALL_ABLATIONS = ABLATIONS + tuple(TRAIN_ABLATION_NAMES)
# The one table of what switching a part off sets: part -> (ModelConfig or TrainSettings field, its "off" value).
# A part is off when its field is not > 0 (False, 0.0).
ABLATION_SWITCHES: dict[str, tuple[str, Any]] = {
    "mswm": ("use_mswm", False), "fam": ("use_au", False), "au_emotion": ("w_consistency", 0.0),
    "cluster": ("use_cluster", False), "convlstm": ("use_convlstm", False), "sample_norm": ("sample_norm", False),
    "mixstyle": ("mixstyle", 0.0), "erase": ("erase", 0.0), "mixup": ("mixup", 0.0),
}
ABLATION_ALIASES = {"au": "fam"}  # older name of "fam", accepted and recorded as "fam"
NORMS = ("batch", "group")
# Defaults that changed: a saved config without the field was made with the old value.
LEGACY_DEFAULTS: dict[str, Any] = {"local_grid": 1, "sample_norm": False, "mixstyle": 0.0, "local_dim": 16,
                                   "sample_center": "mean"}
CENTER_MODES = ("ema", "learnable")
SAMPLE_CENTERS = ("median", "mean")


@dataclass
class ModelConfig:
    """Settings of MENet and of its losses. Defaults are the tiny CPU-friendly configuration (~0.1 M parameters)."""

    # Input
    in_channels: int = 3  # 3 = flow (u, v, strain), 1 = grey, 4 = flow + grey
    input_size: int = 28  # square input, >= 28
    T: int = 1  # time steps per sample
    # each sample standardised on its own: every channel centred and scaled to unit RMS over its T steps and pixels
    # (min-max flow images have an arbitrary zero and range per sample; see docs/model.md for what it gains across
    # datasets), centred on its median ("median": the still face, default since 2026-12-02) or its mean ("mean")
    sample_norm: bool = True
    sample_center: str = "median"
    # Output
    n_classes: int = 3
    class_names: list[str] = field(default_factory=lambda: list(DEFAULT_CLASSES))
    aus: list[int] = field(default_factory=lambda: list(DEFAULT_AUS))
    # Backbone
    width: int = 16  # channels of the first stage; stage i has width * 2**min(i, 2)
    depth: int = 3  # number of stages (>= 3 when use_mswm: it fuses three or more stages)
    blocks_per_stage: int = 1
    norm: str = "batch"  # "batch" or "group" (GroupNorm for tiny batches, e.g. fine-tuning with batch < 8)
    stem_stride: int = 0  # 0 = automatic: keeps the first stage at ~28-55 px whatever input_size is
    # Multi-scale weighted module
    use_mswm: bool = True
    mswm_width: int = 24  # common width of the projected stages (also the global map width without MSWM)
    mswm_spatial: bool = True  # per-pixel attention over scales on top of the per-scale softmax weights
    # Facial action module
    use_au: bool = True
    # channels of each AU region's local feature: 32 since 2026-12-02 (LODO +.009 UF1 over 60 paired seeds, 40 of them
    # run after the choice; docs/model.md), 16 before
    local_dim: int = 32
    local_stage: int = 1  # backbone stage the regions are pooled from
    local_grid: int = 2  # > 1: region-wise branches, each region pooled to k x k cells with its own weights
    # Clustering constraint
    use_cluster: bool = True
    center_mode: str = "ema"  # "ema": centres follow class means; "learnable": centres are parameters
    center_momentum: float = 0.1
    # Temporal model
    use_convlstm: bool = True
    lstm_hidden: int = 24
    lstm_kernel: int = 3
    # Regularisation
    dropout: float = 0.3
    # MixStyle (Zhou et al. 2021, domain generalisation): in training, with this probability per batch, the
    # per-channel mean and SD of the first backbone stages' maps are mixed between samples (Beta(alpha, alpha)
    # weights), so the network sees other "styles" (cameras, lighting, pipelines) of the same motion. 0 = off.
    mixstyle: float = 0.5
    mixstyle_alpha: float = 0.1
    # Loss weights and options (see docs/model.md)
    w_ce: float = 1.0
    w_au: float = 0.5
    w_consistency: float = 0.1
    w_center: float = 0.01
    label_smoothing: float = 0.0
    class_weights: list[float] | None = None
    focal_gamma: float = 0.0  # > 0: focal loss, each sample's CE times (1 - p_y)**gamma; 0 = plain CE
    au_pos_weight: float = 1.0

    def __post_init__(self) -> None:
        self.class_names = [str(c) for c in self.class_names]
        self.aus = [int(a) for a in self.aus]
        if self.class_weights is not None:
            self.class_weights = [float(w) for w in self.class_weights]
        self.validate()

    # -- checks -----------------------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise InputError naming the first bad setting."""

        def bad(what: str) -> InputError:
            return InputError(f"model config: {what}")

        if self.in_channels not in (1, 3, 4):
            raise bad(f"in_channels must be 1 (grey), 3 (flow) or 4 (flow + grey), got {self.in_channels}")
        if self.input_size < MIN_INPUT_SIZE:
            raise bad(f"input_size must be >= {MIN_INPUT_SIZE}, got {self.input_size}")
        if self.T < 1:
            raise bad(f"T must be >= 1, got {self.T}")
        if self.n_classes < 2:
            raise bad(f"n_classes must be >= 2, got {self.n_classes}")
        if len(self.class_names) != self.n_classes:
            raise bad(f"{len(self.class_names)} class_names for n_classes={self.n_classes}")
        if len(set(self.class_names)) != len(self.class_names):
            raise bad(f"duplicate class names in {self.class_names}")
        if len(set(self.aus)) != len(self.aus) or any(a <= 0 for a in self.aus):
            raise bad(f"aus must be distinct positive AU numbers, got {self.aus}")
        if self.use_au and not self.aus:
            raise bad("use_au needs a non-empty aus list")
        if self.width < 4 or self.mswm_width < 4 or self.local_dim < 1 or self.lstm_hidden < 1:
            raise bad("width, mswm_width, local_dim and lstm_hidden must be positive (width, mswm_width >= 4)")
        if self.depth < 1 or self.blocks_per_stage < 1:
            raise bad("depth and blocks_per_stage must be >= 1")
        if self.use_mswm and self.depth < 3:
            raise bad(f"use_mswm fuses at least three stages: depth must be >= 3, got {self.depth}")
        if self.use_au and not 0 <= self.local_stage < self.depth:
            raise bad(f"local_stage must be in 0..{self.depth - 1}, got {self.local_stage}")
        if not 1 <= self.local_grid <= 4:
            raise bad(f"local_grid must be 1..4, got {self.local_grid}")
        if self.norm not in NORMS:
            raise bad(f"norm must be one of {NORMS}, got {self.norm!r}")
        if self.stem_stride not in (0, 1, 2, 4):
            raise bad(f"stem_stride must be 0 (auto), 1, 2 or 4, got {self.stem_stride}")
        if self.center_mode not in CENTER_MODES:
            raise bad(f"center_mode must be one of {CENTER_MODES}, got {self.center_mode!r}")
        if self.sample_center not in SAMPLE_CENTERS:
            raise bad(f"sample_center must be one of {SAMPLE_CENTERS}, got {self.sample_center!r}")
        if not 0.0 < self.center_momentum <= 1.0:
            raise bad(f"center_momentum must be in (0, 1], got {self.center_momentum}")
        if self.lstm_kernel < 1 or self.lstm_kernel % 2 == 0:
            raise bad(f"lstm_kernel must be odd, got {self.lstm_kernel}")
        if not 0.0 <= self.mixstyle <= 1.0 or self.mixstyle_alpha <= 0:
            raise bad(f"mixstyle must be in [0, 1] and mixstyle_alpha > 0, got {self.mixstyle}, {self.mixstyle_alpha}")
        if not 0.0 <= self.dropout < 1.0:
            raise bad(f"dropout must be in [0, 1), got {self.dropout}")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise bad(f"label_smoothing must be in [0, 1), got {self.label_smoothing}")
        if not 0.0 <= self.focal_gamma <= 10.0:
            raise bad(f"focal_gamma must be in [0, 10], got {self.focal_gamma}")
        if min(self.w_ce, self.w_au, self.w_consistency, self.w_center) < 0:
            raise bad("loss weights must be >= 0")
        if self.au_pos_weight <= 0:
            raise bad(f"au_pos_weight must be > 0, got {self.au_pos_weight}")
        if self.class_weights is not None and (
            len(self.class_weights) != self.n_classes or min(self.class_weights) < 0
        ):
            raise bad(f"class_weights needs {self.n_classes} non-negative numbers, got {self.class_weights}")

    # -- derived ----------------------------------------------------------------------------------------------
    @property
    def n_aus(self) -> int:
        """Width of the AU output: len(aus) with the facial action module, 0 without it."""
        return len(self.aus) if self.use_au else 0

    @property
    def effective_stem_stride(self) -> int:
        if self.stem_stride:
            return self.stem_stride
        return 1 if self.input_size < 56 else 2 if self.input_size < 112 else 4

    def stage_channels(self) -> list[int]:
        return [self.width * 2 ** min(i, 2) for i in range(self.depth)]

    # -- ablation ---------------------------------------------------------------------------------------------
    def ablate(self, parts: str | list[str] | tuple[str, ...]) -> ModelConfig:
        """A copy with the named parts switched off: "mswm,fam" or ["cluster", "convlstm"]; "" or "none" = copy.
        "fam" switches off the facial-action module (and with it the AU-emotion constraint), "au_emotion" only the
        constraint (w_consistency = 0); "au" is an alias of "fam"."""
        names = [p.strip().lower() for p in (parts.split(",") if isinstance(parts, str) else parts)]
        names = [ABLATION_ALIASES.get(n, n) for n in names if n and n != "none"]
        unknown = [n for n in names if n not in ABLATIONS]
        if unknown:
            raise InputError(f"unknown part(s) to switch off: {', '.join(unknown)} (known: {', '.join(ABLATIONS)}; "
                             "parts= / --ablate)")
        return dataclasses.replace(self, **dict(ABLATION_SWITCHES[n] for n in names))

    def switched_off(self) -> list[str]:
        """The ablation parts this configuration has off (in ABLATIONS order). With the facial-action module off
        the AU-emotion constraint is gone too: recorded once, as fam."""
        off = [n for n in ABLATIONS if not getattr(self, ABLATION_SWITCHES[n][0]) > 0]
        return [n for n in off if not (n == "au_emotion" and "fam" in off)]

    # -- (de)serialisation ------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["class_names"] = list(self.class_names)
        d["aus"] = list(self.aus)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        """Build from to_dict() output; unknown keys are an error (a config from a newer, different model)."""
        if not isinstance(d, dict):
            raise InputError(f"model config: expected a mapping, got {type(d).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise InputError(f"model config: unknown field(s) {', '.join(unknown)}")
        # a field a config was saved without had its old default then, not today's (old checkpoints load as built)
        d = {**LEGACY_DEFAULTS, **d}
        try:
            return cls(**d)
        except TypeError as e:  # wrong value types that slip past validate()
            raise InputError(f"model config: {e}") from None
