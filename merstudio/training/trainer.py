"""Train one fold of MENet: AdamW, cosine or step LR, flow-aware augmentation, optional inner validation.

`train_fold` only ever receives the training subset (a `DataArrays` built by `protocols.split_fold`); model
selection is either "a fixed number of epochs" (the last epoch's weights, or their SWA / EMA average) or "the best
epoch on an inner validation split drawn from the training subjects". Works on CPU or CUDA, and under `torchrun`
(DDP: each rank takes its share of every batch; gloo on CPU, nccl on CUDA).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from merstudio.errors import InputError, MerstudioError
from merstudio.model.device import pick_device
from merstudio.model.tta import flip_flow, probabilities
from merstudio.training.checks import check_settings
from merstudio.training.cpu import cpu_computes_bfloat16
from merstudio.training.metrics import compute_metrics
from merstudio.training.protocols import DataArrays, inner_validation_split


class TrainingCancelled(MerstudioError):
    """Raised when the cancel callback asks training to stop."""

    exit_code = 130


@dataclass
class TrainSettings:
    """How a model is trained (each fold of run_protocol, train_final, fine-tuning): the optimiser and its schedule
    (epochs, batch_size, lr, weight_decay, schedule, ...), class balance, augmentation (rotate_deg, scale,
    translate, flip, noise, erase, mixup, ...), weight averaging (average, ema_decay, swa_start), seed, device,
    num_threads and precision (the comments beside the fields in trainer.py say what each does). Every field is a
    keyword argument with today's default (``TrainSettings(epochs=30, seed=1)``), and `merstudio train`'s flags
    set the same fields (--epochs, --seed, --threads for num_threads: the CLI trains on one thread by default,
    this class on the process's). ``flip_channels``: the input channels a horizontal flip reflects (the flow's u:
    load_arrays' info["flip_channels"]). to_dict() / from_dict() give and read the record run.json keeps
    (from_dict refuses an unknown key); the values are checked when a model starts training
    (merstudio.training.checks.check_settings: InputError naming the field)."""

    epochs: int = 60
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 5e-2
    schedule: str = "cosine"          # "cosine" (with warm-up) or "step"
    warmup_epochs: int = 3
    step_every: int = 20              # step schedule: multiply lr by step_gamma every step_every epochs
    step_gamma: float = 0.3
    balance: bool = True              # class-balanced sampling (UF1/UAR weigh classes equally)
    # augmentation, suited to flow images (applied identically to every time step of a sample)
    rotate_deg: float = 8.0
    scale: float = 0.08
    translate: float = 0.06           # fraction of the image size
    flip: bool = True                 # horizontal flip; the flip_channels (u) are reflected too
    flip_channels: tuple[int, ...] = (0,)
    flip_reflect: str = "auto"        # "zero": u -> -u; "range": u -> (min+max) - u per sample; "auto": by data
    noise: float = 0.03               # gaussian noise, times the training data's std
    # random erasing (an occluder: hand, glasses, hair): with this probability a sample gets one rectangle of
    # 2-25 % of its area, the same at every step, filled with the sample's mean per channel (no motion evidence)
    erase: float = 0.5
    # mixup Beta(alpha, alpha) on inputs and losses; 0 = off. 0.2 since 2026-12-02 (LODO +.008 UF1 over 40 paired
    # seeds, docs/model.md); fine-tuning keeps it off
    mixup: float = 0.2
    # camera-resolution jitter (another camera's smoother, coarser flow: SMIC's lower resolution): with this
    # probability a sample is blurred by a Gaussian of sigma 0.3-1.0 px or resampled down to 0.5-1.0 of its size and
    # back (even odds), the same at every step. 0 = off (LODO: docs/model.md, "what else was tried on 2026-12-05")
    resolution_jitter: float = 0.0
    # sharpness-aware minimisation (Foret et al. 2021): each step's gradient is taken at the weights moved by
    # sam_rho along the normalised gradient (a second forward and backward pass per step). 0 = off
    sam_rho: float = 0.0
    # weight averaging instead of any epoch selection: "ema" (exponential, per step), "swa" (equal average of
    # the epoch-end weights from swa_start * epochs on), "none" (the last epoch's weights)
    average: str = "swa"
    ema_decay: float = 0.95  # per step; 0.99 (a ~25-epoch memory at these few steps per epoch) scored .47 on LODO
    swa_start: float = 0.75
    tta_flip: bool = False            # predict as the mean of the sample and its flow-aware horizontal flip
    # seed-ensemble distillation: first train this many teachers (the same settings, other seeds) on the same
    # training data; the model then learns from the labels (1 - distill_weight) and from the teachers' mean class
    # probabilities on each training sample (distill_weight), softened by distill_temperature. 0 = off.
    distill_teachers: int = 0
    distill_weight: float = 0.5
    distill_temperature: float = 2.0
    val_fraction: float = 0.0         # > 0: inner validation split of training subjects, best epoch by UF1
    seed: int = 0
    device: str = "auto"              # "auto" | "cpu" | "cuda" | "cuda:N"
    num_threads: int = 0              # torch CPU threads; 0 = leave as is
    # arithmetic of the training forward pass: "auto" = bfloat16 autocast on a CPU with AMX (~25 % less time per
    # step, UF1 unchanged within noise), float32 elsewhere: AVX512-BF16 alone made a step slower (Xeon without
    # AMX, alternated pairs), other CPUs would emulate it, and on CUDA the launch-bound step is no faster (H200);
    # "float32" | "bfloat16" force one. Weights, optimiser state, losses and all evaluation stay float32.
    precision: str = "auto"

    def arithmetic(self) -> str:
        """What `precision` means on this machine and `device`: "float32" or "bfloat16" (for the records)."""
        return training_precision(self.precision, pick_device(self.device))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["flip_channels"] = list(self.flip_channels)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainSettings:
        """Build from to_dict() output; an unknown key is refused (a typo such as "lrr" trained at the default lr
        without a word), as ModelConfig.from_dict refuses one."""
        known = {f.name for f in fields(cls)}
        refuse_unknown_fields(d, known, "train settings")
        kw = dict(d)
        if "flip_channels" in kw:
            kw["flip_channels"] = tuple(kw["flip_channels"])
        return cls(**kw)


def refuse_unknown_fields(d: dict[str, Any], known: set[str], what: str) -> None:
    """InputError, in one line, naming each key of `d` not in `known` with the nearest known name where one is
    close ("train settings: unknown field lrr (did you mean lr?)")."""
    import difflib

    unknown = sorted(set(d) - known, key=str)
    if not unknown:
        return
    named, far = [], False
    for key in unknown:
        close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
        named.append(f"{key} (did you mean {close[0]}?)" if close else str(key))
        far = far or not close
    # the known names only where a key resembles none of them (a list of 40 names hides the one that matters)
    raise InputError(f"{what}: unknown field{'s' if len(unknown) > 1 else ''} {', '.join(named)}"
                     + (f"; known: {', '.join(sorted(known))}" if far else ""))


PRECISIONS = ("auto", "float32", "bfloat16")


@dataclass
class TrainProgress:
    fold: str
    epoch: int          # 1-based, finished epochs
    epochs: int
    loss: float
    val_uf1: float | None = None


ProgressFn = Callable[[TrainProgress], None]


def training_precision(setting: str, device: torch.device) -> str:
    """The arithmetic `precision` means on `device`: "float32" or "bfloat16"."""
    if setting not in PRECISIONS:
        raise InputError(f"precision {setting}: expected one of {', '.join(PRECISIONS)}")
    if setting != "auto":
        return setting
    return "bfloat16" if device.type == "cpu" and cpu_computes_bfloat16() else "float32"


def dist_info() -> tuple[int, int]:
    """(rank, world_size); (0, 1) unless torch.distributed is initialised (torchrun)."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


def init_distributed_from_env(device: str = "auto") -> bool:
    """Initialise the process group when launched by torchrun (WORLD_SIZE > 1). Returns True when distributed."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    if not torch.distributed.is_initialized():
        dev = pick_device(device)
        backend = "nccl" if dev.type == "cuda" else "gloo"
        torch.distributed.init_process_group(backend=backend)
        if dev.type == "cuda":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    return True


def seed_everything(seed: int) -> None:
    """Seed the global generators that training draws from (the weights' initialisation, dropout). Callers from
    Python get theirs back: the public entry points run under :func:`keeps_caller_state`."""
    import random

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


_guard = threading.RLock()
_depth = [0]  # trainings under way in this process (any thread): the generators and threads are the process's
_saved: list[tuple[Any, ...]] = []  # the state before the first of them


@contextmanager
def keeps_caller_state() -> Iterator[None]:
    """Restore, on the way out, what training changes process-wide: the global ``random``, NumPy and torch (CPU,
    and CUDA once initialised) generators and torch's thread count. Training still seeds those globals itself
    (seed_everything: the recorded results come from those seeds); the caller's own streams go on afterwards
    as if no training had run. The state is the process's, so only the last of overlapping uses (nested, or in
    several threads at once) restores, the state from before the first: a run's steps (train, then predict with
    the run's threads) see one state, and one thread's end never resets another's training midway."""
    import random

    with _guard:
        if _depth[0] == 0:
            saved = (random.getstate(), np.random.get_state(), torch.get_rng_state(),
                     torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None,
                     torch.get_num_threads())
            _saved[:] = [saved]
        _depth[0] += 1
    try:
        yield
    finally:
        with _guard:
            _depth[0] -= 1
            if _depth[0] == 0:
                py_state, np_state, cpu_state, cuda_states, threads = _saved.pop()
                random.setstate(py_state)
                np.random.set_state(np_state)
                torch.set_rng_state(cpu_state)
                if cuda_states is not None:
                    torch.cuda.set_rng_state_all(cuda_states)
                if torch.get_num_threads() != threads:
                    torch.set_num_threads(threads)



# ----------------------------------------------------------------------------------------------- augmentation


class FlowAugment:
    """Random affine (rotation, scale, translation), horizontal flip with u reflection, noise.

    The affine warps the images only; the (u, v) vectors are not rotated with them (the rotations are small, and
    precomputed flow images are often min-max normalised per image, where the zero of u/v is unknown)."""

    def __init__(self, s: TrainSettings, data_std: float, reflect: str, generator: torch.Generator) -> None:
        self.s = s
        self.noise_std = s.noise * data_std
        self.reflect = reflect
        self.g = generator

    def _rand(self, n: int, lo: float, hi: float) -> torch.Tensor:
        return torch.rand(n, generator=self.g) * (hi - lo) + lo

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        s = self.s
        b, t, c, h, w = x.shape
        dev = x.device
        if s.flip and b:
            flip = torch.rand(b, generator=self.g) < 0.5
            if flip.any():
                idx = flip.nonzero().ravel().to(dev)
                xf = flip_flow(x[idx], s.flip_channels, self.reflect)
                x = x.clone()
                x[idx] = xf
        if s.rotate_deg or s.scale or s.translate:
            ang = self._rand(b, -s.rotate_deg, s.rotate_deg) * math.pi / 180
            sc = 1.0 + self._rand(b, -s.scale, s.scale)
            tx = self._rand(b, -s.translate, s.translate) * 2
            ty = self._rand(b, -s.translate, s.translate) * 2
            cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
            theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1).to(dev, x.dtype)
            flat = x.reshape(b, t * c, h, w)
            grid = F.affine_grid(theta, list(flat.shape), align_corners=False)
            x = F.grid_sample(flat, grid, mode="bilinear", padding_mode="border", align_corners=False)
            x = x.reshape(b, t, c, h, w)
        if s.resolution_jitter > 0 and b:
            x = self._soften(x)
        if s.erase > 0 and b:
            x = self._erase(x)
        if self.noise_std > 0:
            x = x + torch.randn(x.shape, generator=self.g).to(dev, x.dtype) * self.noise_std
        return x

    def _soften(self, x: torch.Tensor) -> torch.Tensor:
        """Camera-resolution jitter: each hit sample blurred (Gaussian, sigma 0.3-1.0 px) or resampled down to
        0.5-1.0 of its size and back up (bilinear), alike at every step."""
        b, t, c, h, w = x.shape
        hit = torch.rand(b, generator=self.g) < self.s.resolution_jitter
        blur = torch.rand(b, generator=self.g) < 0.5
        amount = torch.rand(b, generator=self.g)
        if not hit.any():
            return x
        x = x.clone()
        for i in hit.nonzero().ravel().tolist():
            frames = x[i]  # (T, C, H, W): the steps as a batch, the same filter for each
            if blur[i]:
                x[i] = gaussian_blur(frames, 0.3 + 0.7 * float(amount[i]))
            else:
                scale = 0.5 + 0.5 * float(amount[i])
                small = F.interpolate(frames, size=(max(1, round(h * scale)), max(1, round(w * scale))),
                                      mode="bilinear", align_corners=False, antialias=True)
                x[i] = F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)
        return x

    def _erase(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c, h, w = x.shape
        hit = torch.rand(b, generator=self.g) < self.s.erase
        area = self._rand(b, 0.02, 0.25)
        aspect = torch.exp(self._rand(b, math.log(0.3), math.log(1 / 0.3)))
        eh = (area * aspect).sqrt().clamp(max=1.0)
        ew = (area / aspect).sqrt().clamp(max=1.0)
        y0 = torch.rand(b, generator=self.g) * (1 - eh)
        x0 = torch.rand(b, generator=self.g) * (1 - ew)
        ys = (torch.arange(h) + 0.5) / h
        xs = (torch.arange(w) + 0.5) / w
        inside_y = (ys[None] >= y0[:, None]) & (ys[None] < (y0 + eh)[:, None])  # (b, h)
        inside_x = (xs[None] >= x0[:, None]) & (xs[None] < (x0 + ew)[:, None])  # (b, w)
        mask = (inside_y[:, :, None] & inside_x[:, None, :] & hit[:, None, None]).to(x.device)
        mean = x.mean(dim=(1, 3, 4), keepdim=True)
        return torch.where(mask[:, None, None], mean, x)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """x (N, C, H, W) blurred per channel by a separable Gaussian of `sigma` px (edges replicated). The kernel is
    the discrete Gaussian (Lindeberg's, exp(-t) I_n(t) with t = sigma**2), whose variance is sigma**2 also below
    a pixel, where the sampled exp(-n**2 / 2 sigma**2) hardly blurs at all (sigma 0.3: 0.09 px)."""
    from scipy.special import ive

    r = math.ceil(3 * sigma) + 1
    k_np = ive(np.abs(np.arange(-r, r + 1)), sigma * sigma)
    k = torch.as_tensor(k_np / k_np.sum(), dtype=x.dtype, device=x.device)
    n, c, h, w = x.shape
    flat = F.pad(x.reshape(n * c, 1, h, w), (r, r, r, r), mode="replicate")
    flat = F.conv2d(F.conv2d(flat, k.view(1, 1, 1, -1)), k.view(1, 1, -1, 1))
    return flat.reshape(n, c, h, w)


def pick_reflect(setting: str, X: np.ndarray) -> str:
    if setting in ("zero", "range"):
        return setting
    if setting != "auto":
        raise InputError(f"flip_reflect {setting}: expected auto, zero or range")
    # Non-negative flow channels mean per-image min-max normalised images (as shared MEGC flow sets are):
    # then -u maps to (min + max) - u. Signed data: plain negation.
    return "range" if float(X.min()) >= 0.0 else "zero"


# ----------------------------------------------------------------------------------------------- training


def au_prior(train: DataArrays, n_classes: int, model_cfg: Any) -> torch.Tensor | None:
    """AU -> class prior for the correlation constraint, from the training labels only (via merstudio.model)."""
    from merstudio.model.priors import estimate_prior

    if not model_cfg.use_au or model_cfg.w_consistency <= 0:
        return None
    # Estimated from the training rows when enough are AU-coded, else the FACS objective-class table.
    return estimate_prior(train.au, train.y, train.au_mask, model_cfg)


def _lr_factor(s: TrainSettings, epoch_float: float) -> float:
    if s.schedule == "cosine":
        if s.warmup_epochs and epoch_float < s.warmup_epochs:
            return (epoch_float + 1e-3) / s.warmup_epochs
        span = max(1e-9, s.epochs - s.warmup_epochs)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, (epoch_float - s.warmup_epochs) / span)))
    if s.schedule == "step":
        return s.step_gamma ** int(epoch_float // max(1, s.step_every))
    raise InputError(f"schedule {s.schedule}: expected cosine or step")


def epoch_order(y: np.ndarray, balance: bool, rng: np.random.Generator) -> np.ndarray:
    """One epoch's sample order: class-balanced sampling with replacement (UF1/UAR weigh classes equally), or a
    permutation."""
    n = len(y)
    if not balance:
        return rng.permutation(n)
    counts = np.bincount(y)
    w = 1.0 / counts[y]
    return rng.choice(n, size=n, replace=True, p=w / w.sum())


@keeps_caller_state()
def train_fold(train: DataArrays, model_cfg: Any, settings: TrainSettings, *, fold: str = "",
               progress: ProgressFn | None = None, cancel: Callable[[], bool] | None = None,
               ) -> tuple[nn.Module, list[dict[str, Any]]]:
    """Train a fresh MENet on `train` only. Returns (model in eval mode on its device, per-epoch history)."""
    from merstudio.model.network import MENet

    s = settings
    if len(train) == 0:
        raise InputError(f"fold {fold}: no training samples")
    if s.distill_teachers < 0 or not 0 <= s.distill_weight <= 1 or s.distill_temperature <= 0:
        raise InputError("distillation: distill_teachers must be >= 0, distill_weight in [0, 1] and "
                         "distill_temperature > 0")
    if s.num_threads > 0:
        torch.set_num_threads(s.num_threads)
    device = pick_device(s.device)
    if dist_info()[1] > 1 and device.type == "cuda":
        device = torch.device("cuda", torch.cuda.current_device())
    seed_everything(s.seed)

    fit, val = train, None
    if s.val_fraction > 0:
        fit, val = inner_validation_split(train, s.val_fraction, s.seed)
    prior = au_prior(fit, model_cfg.n_classes, model_cfg)
    soft = None
    if s.distill_teachers > 0:
        soft = teacher_probabilities(fit, model_cfg, s, prior, fold=fold, progress=progress, cancel=cancel,
                                     device=device)
        seed_everything(s.seed)  # the student starts as the same seed without distillation would
    model = MENet(model_cfg).to(device)
    history = fit_model(model, fit, s, prior, val=val, fold=fold, progress=progress, cancel=cancel,
                        device=device, soft_targets=soft)
    return model, history


def teacher_probabilities(fit: DataArrays, model_cfg: Any, settings: TrainSettings, prior: torch.Tensor | None, *,
                          fold: str = "", progress: ProgressFn | None = None,
                          cancel: Callable[[], bool] | None = None, device: torch.device | None = None,
                          ) -> np.ndarray:
    """The mean class probabilities (N, K) on `fit` of settings.distill_teachers models trained on `fit` with the
    same settings and seeds seed + 1000 * k (k = 1..K): the soft targets of seed-ensemble distillation."""
    from merstudio.model.network import MENet

    total: np.ndarray | None = None
    k_all = settings.distill_teachers
    for k in range(1, k_all + 1):
        ts = replace(settings, seed=settings.seed + 1000 * k, distill_teachers=0)
        seed_everything(ts.seed)
        teacher = MENet(model_cfg)  # fit_model moves it to the device
        fit_model(teacher, fit, ts, prior, fold=f"{fold} teacher {k}/{k_all}".strip(), progress=progress,
                  cancel=cancel, device=device)
        probs, _ = predict(teacher, fit.X, device=device)
        total = probs if total is None else total + probs
    assert total is not None
    return total / k_all


class WeightAverage:
    """The running average of a model's floating-point weights and statistics: "ema" (exponential, updated every
    step) or "swa" (equal weights, updated at chosen epoch ends). Starts at the first update, not at the initial
    weights; integer and boolean state (batch counters, which class centres are set) comes from the live model."""

    def __init__(self, kind: str, decay: float = 0.95) -> None:
        self.kind, self.decay, self.n = kind, decay, 0
        self.avg: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.n += 1
        for k, v in model.state_dict().items():
            if not v.is_floating_point():
                continue
            if self.n == 1:
                self.avg[k] = v.detach().clone()
            elif self.kind == "ema":
                self.avg[k].mul_(self.decay).add_(v.detach(), alpha=1 - self.decay)
            else:
                self.avg[k].add_((v.detach() - self.avg[k]) / self.n)

    def state_dict(self, model: nn.Module) -> dict[str, torch.Tensor]:
        return {k: self.avg.get(k, v) for k, v in model.state_dict().items()}

    def model_like(self, model: nn.Module) -> nn.Module:
        """A copy of `model` holding the averaged weights (for validation during training)."""
        import copy

        twin = copy.deepcopy(model)
        twin.load_state_dict(self.state_dict(model))
        return twin


def make_optimizer(params: list[nn.Parameter], s: TrainSettings, device: torch.device) -> torch.optim.Optimizer:
    """AdamW, as one fused kernel per parameter on the CPU and CUDA: 0.34 against 1.0-1.5 ms per step for the
    foreach form on the CPU (a Python-level loop of small ops there), the same update up to float rounding."""
    fused = device.type in ("cpu", "cuda")
    return torch.optim.AdamW(params, lr=s.lr, weight_decay=s.weight_decay, fused=fused, foreach=None if fused else True)


def set_tta(model: nn.Module, settings: TrainSettings, reflect: str) -> None:
    """Record on the model how `predict` mirrors its inputs (None: no test-time flip averaging)."""
    # a plain attribute, not a buffer: checkpoints keep it in their training settings, not in the state dict
    model.tta_flip = (tuple(settings.flip_channels), reflect) if settings.tta_flip and settings.flip else None  # type: ignore[assignment]


class KeptClasses:
    """Training on rows of only some of a model's classes (fine-tuning on a project with no events of the others):
    the others are kept as the model had them. The label losses see the trained classes' logits only (their
    softmax, AU consistency and class centres over those classes), so nothing pushes the kept classes' logits down;
    their classifier rows (and centres) get no gradient and no weight decay: restore() puts them back bit for bit
    after every step. A distillation target (`soft`: the parent's probabilities on the rows; learning without
    forgetting, Li & Hoiem 2016) reaches the features through every class's logit, the kept rows excepted."""

    def __init__(self, model: nn.Module, keep: Sequence[int], device: torch.device) -> None:
        cfg: Any = model.cfg
        kept = sorted({int(k) for k in keep})
        trained = [k for k in range(cfg.n_classes) if k not in kept]
        if not kept or len(trained) < 2 or kept[0] < 0 or kept[-1] >= cfg.n_classes:
            raise InputError(f"classes to keep {kept}: give some of the model's {cfg.n_classes} classes, leaving "
                             "at least 2 to train")
        self.kept = torch.tensor(kept, device=device)
        self.trained = torch.tensor(trained, device=device)
        lookup = torch.full((cfg.n_classes,), -1, dtype=torch.long)
        lookup[trained] = torch.arange(len(trained))
        self.lookup = lookup.to(device)  # a model class -> its place among the trained ones
        weights = cfg.class_weights
        self.cfg = replace(cfg, n_classes=len(trained), class_names=[cfg.class_names[k] for k in trained],
                           class_weights=[weights[k] for k in trained] if weights is not None else None)
        head: Any = model.classifier
        centers = getattr(model, "centers", None)
        self._rows = [(t, t.detach()[self.kept].clone()) for t in (head.weight, head.bias, centers)
                      if isinstance(t, torch.Tensor)]

    def check(self, y: np.ndarray) -> None:
        """A training row of a kept class is a caller's error (its class would train and be restored)."""
        if np.isin(y, self.kept.cpu().numpy()).any():
            raise InputError("classes to keep: the training rows have some of them")

    def losses(self, out: dict[str, torch.Tensor], labels: torch.Tensor, au: torch.Tensor, mask: torch.Tensor,
               prior: torch.Tensor | None, update_centers: bool) -> torch.Tensor:
        """compute_losses over the trained classes: their logits, labels among them, prior columns and centres."""
        from merstudio.model.losses import compute_losses

        t = self.trained
        sub = {**out, "logits": out["logits"][:, t]}
        ema = "center_seen" in out
        if "centers" in out:  # indexed copies: a learnable centre's gradient flows back through the index
            sub["centers"] = out["centers"][t]
            if ema:
                sub["center_seen"] = out["center_seen"][t]
        loss, _ = compute_losses(sub, self.lookup[labels], au, mask, prior[:, t] if prior is not None else None,
                                 self.cfg, update_centers=update_centers)
        if ema and update_centers:  # the EMA centres moved in the copies: into the model's own
            with torch.no_grad():
                out["centers"][t] = sub["centers"]
                out["center_seen"][t] = sub["center_seen"]
        return loss

    @torch.no_grad()
    def restore(self, zero_grad: bool = False) -> None:
        """The kept rows back as they were (weight decay and averaging leave no trace); with zero_grad, instead
        their gradient is cleared (before clipping: the distillation term reaches them)."""
        for param, rows in self._rows:
            if zero_grad:
                if param.grad is not None:
                    param.grad[self.kept] = 0
            else:
                param[self.kept] = rows


def step_loss(net: nn.Module, xb: torch.Tensor, targets: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
              mix: tuple[float, torch.Tensor] | None, soft: torch.Tensor | None, prior: torch.Tensor | None,
              s: TrainSettings, low_precision: bool, update_centers: bool = True,
              kept: KeptClasses | None = None) -> torch.Tensor:
    """One batch's training loss: the forward pass and the losses of `targets` (labels, AU targets, AU mask),
    blended as mixup blended the inputs (`mix`: lambda and the partner permutation), and the distillation term
    when `soft` (the batch's teacher probabilities) is given; with `kept`, the label losses over the trained
    classes only (KeptClasses)."""
    from merstudio.model.losses import compute_losses, distillation_loss
    from merstudio.model.network import training_forward

    cfg: Any = net.module.cfg if isinstance(net, nn.parallel.DistributedDataParallel) else net.cfg
    out = training_forward(net, xb, low_precision)

    def label_losses(t: tuple[torch.Tensor, torch.Tensor, torch.Tensor], update: bool) -> torch.Tensor:
        if kept is not None:
            return kept.losses(out, *t, prior, update)
        return compute_losses(out, *t, prior, cfg, update_centers=update)[0]

    if mix is not None:
        lam, perm = mix
        # a mixup step evaluates the losses twice, under the dominant label first: only that evaluation moves the
        # EMA class centres (each moving them would pull every centre to the others')
        dom, other = targets, (targets[0][perm], targets[1][perm], targets[2][perm])
        w = lam
        if lam < 0.5:
            dom, other, w = other, dom, 1 - lam
        loss = w * label_losses(dom, update_centers) + (1 - w) * label_losses(other, False)
    else:
        loss = label_losses(targets, update_centers)
    if soft is not None:
        if mix is not None:
            soft = mix[0] * soft + (1 - mix[0]) * soft[mix[1]]
        kd = distillation_loss(out["logits"], soft, s.distill_temperature)
        loss = (1 - s.distill_weight) * loss + s.distill_weight * kd
    return loss


@contextmanager
def sam_ascent(model: nn.Module, rho: float) -> Iterator[None]:
    """SAM's ascent step: inside the block the weights are moved by rho along their current gradient (normalised
    over all parameters) and the BatchNorm statistics are frozen (the batch was counted once already); on leaving,
    the weights come back and keep the gradient computed inside, which the optimiser then applies."""
    params = [p for p in model.parameters() if p.grad is not None]
    grads = [p.grad for p in params if p.grad is not None]  # (the same list; typed for mypy)
    norm = float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))) if grads else 0.0
    steps = [g * (rho / (norm + 1e-12)) for g in grads]
    saved = [(m, {k: v.clone() for k, v in m.state_dict().items()})
             for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for p, e in zip(params, steps, strict=True):
            p.add_(e)
    try:
        yield
    finally:
        with torch.no_grad():
            for p, e in zip(params, steps, strict=True):
                p.sub_(e)
            for m, state in saved:
                m.load_state_dict(state)


def _row_tensors(fit: DataArrays, soft_targets: np.ndarray | None, n_classes: int, device: torch.device,
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """The training rows as tensors (inputs, labels, AU targets, AU mask, soft targets or None), on the GPU when
    training there (each batch is then indexed where it is), else on the CPU."""
    X = torch.from_numpy(np.ascontiguousarray(fit.X, dtype=np.float32))
    y = torch.from_numpy(fit.y.astype(np.int64))
    au = torch.from_numpy(fit.au.astype(np.float32))
    au_mask = torch.from_numpy(fit.au_mask.astype(bool))
    soft = torch.from_numpy(np.asarray(soft_targets, np.float32)) if soft_targets is not None else None
    if soft is not None and soft.shape != (len(fit), n_classes):
        raise InputError(f"soft targets {tuple(soft.shape)}: expected ({len(fit)}, {n_classes})")
    if device.type == "cuda":
        X, y, au, au_mask = X.to(device), y.to(device), au.to(device), au_mask.to(device)
        soft = soft.to(device) if soft is not None else None
    return X, y, au, au_mask, soft


def _batches_per_epoch(n: int, batch_size: int) -> tuple[int, int]:
    """(batch size, steps per epoch) for n training rows: a batch is at most the data; with at least two full
    batches the ragged rest of an epoch is left out (a different sample of it every epoch), else it is a step."""
    bs = max(1, min(batch_size, n))
    return bs, (max(1, n // bs) if n >= 2 * bs else max(1, math.ceil(n / bs)))


def _keep_norm_statistics(model: nn.Module) -> None:
    """Put the model's BatchNorm layers in eval mode: they normalise by, and no longer update, their statistics."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.eval()


def _validation_uf1(model: nn.Module, averaged: WeightAverage | None, val: DataArrays, s: TrainSettings,
                    reflect: str, device: torch.device, class_names: list[str]) -> tuple[float, nn.Module]:
    """UF1 on the inner validation split of the weights training would keep now (their average when averaging),
    and that model."""
    scored = averaged.model_like(model) if averaged is not None and averaged.n else model
    set_tta(scored, s, reflect)
    probs, _ = predict(scored, val.X, device=device)
    return float(compute_metrics(val.y, probs.argmax(1), class_names)["uf1"]), scored


def swa_first_epoch(epochs: int, swa_start: float) -> int:
    """The first epoch (0-based) whose end weights SWA averages: from swa_start of the epochs on, the last at least."""
    return min(epochs - 1, int(swa_start * epochs))


@keeps_caller_state()
def fit_model(model: nn.Module, fit: DataArrays, settings: TrainSettings, prior: torch.Tensor | None, *,
              val: DataArrays | None = None, freeze_norm: bool = False, fold: str = "",
              progress: ProgressFn | None = None, cancel: Callable[[], bool] | None = None,
              device: torch.device | None = None, cancel_message: str = "training cancelled",
              soft_targets: np.ndarray | None = None, keep: Sequence[int] = ()) -> list[dict[str, Any]]:
    """The one epoch loop (LOSO folds, final training and fine-tuning): train `model` in place on `fit` only.

    Hooks for the callers: `val` (an inner validation split of training subjects: the best epoch by its UF1 is
    kept), `freeze_norm` (fine-tuning a few events: BatchNorm statistics stay the parent's), `progress` after
    every epoch, `cancel` before every batch (raises TrainingCancelled), `soft_targets` (N, K teachers' class
    probabilities of the `fit` rows: distillation, see TrainSettings.distill_teachers), `keep` (the indices of
    classes `fit` has no rows of, kept as the model has them: KeptClasses; fine-tuning). Weight averaging
    (settings.average) replaces the last epoch's weights by their EMA or SWA average; with `val`, the averaged weights are what
    validation scores. Returns the per-epoch history; the model is left in eval mode."""
    from merstudio.model.network import to_training_device

    s = settings
    check_settings(s)  # the CLI checked its flags already; callers from Python (fine-tuning, scripts) here
    rank, world = dist_info()
    device = device or pick_device(s.device)
    low_precision = training_precision(s.precision, device) == "bfloat16"
    to_training_device(model, device)  # NHWC on the CPU
    cfg: Any = model.cfg
    if prior is not None:
        prior = prior.to(device)
    kept = KeptClasses(model, keep, device) if len(keep) else None
    if kept is not None:
        kept.check(fit.y)
    net: nn.Module = model
    if world > 1:
        net = nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None, find_unused_parameters=True)
    opt = make_optimizer([p for p in model.parameters() if p.requires_grad], s, device)
    averaged = WeightAverage(s.average, s.ema_decay) if s.average != "none" else None
    swa_from = swa_first_epoch(s.epochs, s.swa_start)

    X, y, au, au_mask, soft = _row_tensors(fit, soft_targets, cfg.n_classes, device)
    gen = torch.Generator().manual_seed(s.seed * 1000 + 17 + rank)
    reflect = pick_reflect(s.flip_reflect, fit.X)
    augment = FlowAugment(s, float(fit.X.std()) or 1.0, reflect, gen)
    order_rng = np.random.default_rng(s.seed)  # same on every rank: ranks split each batch
    mix_rng = np.random.default_rng(s.seed + 1)

    n = len(fit)
    bs, steps = _batches_per_epoch(n, s.batch_size)
    history: list[dict[str, Any]] = []
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    for epoch in range(s.epochs):
        net.train()
        if freeze_norm:
            _keep_norm_statistics(model)
        order = torch.from_numpy(epoch_order(fit.y, s.balance, order_rng))
        tot, cnt = 0.0, 0
        for step in range(steps):
            if cancel is not None and cancel():
                raise TrainingCancelled(cancel_message)
            for gparam in opt.param_groups:
                gparam["lr"] = s.lr * _lr_factor(s, epoch + step / steps)
            idx = order[step * bs:(step + 1) * bs]
            # a 1-sample batch: BatchNorm cannot train on it (skipped the same way on all ranks)
            if len(idx) < 2 <= n and not freeze_norm:
                continue
            if world > 1:
                idx = idx[rank::world]
                if len(idx) == 0:
                    idx = order[:1]
            idx = idx.to(X.device)
            xb = augment(X[idx].to(device))
            yb, aub, mb = y[idx].to(device), au[idx].to(device), au_mask[idx].to(device)
            lam = float(mix_rng.beta(s.mixup, s.mixup)) if s.mixup > 0 else 1.0
            if lam < 1.0:
                perm = torch.from_numpy(mix_rng.permutation(len(idx))).to(device)
                xb = lam * xb + (1 - lam) * xb[perm]
            sb = soft[idx].to(device) if soft is not None else None
            mix = (lam, perm) if lam < 1.0 else None
            loss = step_loss(net, xb, (yb, aub, mb), mix, sb, prior, s, low_precision, kept=kept)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if s.sam_rho > 0:
                # the same batch again at the weights moved uphill by sam_rho; its gradient is the one applied
                with sam_ascent(model, s.sam_rho):
                    opt.zero_grad(set_to_none=True)
                    step_loss(net, xb, (yb, aub, mb), mix, sb, prior, s, low_precision, update_centers=False,
                              kept=kept).backward()
            if kept is not None:
                kept.restore(zero_grad=True)
            nn.utils.clip_grad_norm_(model.parameters(), 5.0, foreach=True)
            opt.step()
            if kept is not None:  # AdamW's weight decay moved them
                kept.restore()
            if s.average == "ema" and averaged is not None:
                averaged.update(model)
            tot += float(loss.detach()) * len(idx)
            cnt += len(idx)
        if s.average == "swa" and averaged is not None and epoch >= swa_from:
            averaged.update(model)
        rec: dict[str, Any] = {"epoch": epoch + 1, "loss": tot / max(1, cnt), "lr": opt.param_groups[0]["lr"]}
        if val is not None:
            rec["val_uf1"], scored = _validation_uf1(model, averaged, val, s, reflect, device, cfg.class_names)
            score = rec["val_uf1"] if not math.isnan(rec["val_uf1"]) else -1.0
            if best is None or score >= best[0]:  # ties: the later epoch (more training)
                best = (score, epoch + 1, {k: v.detach().clone() for k, v in scored.state_dict().items()})
        history.append(rec)
        if progress is not None:
            progress(TrainProgress(fold=fold, epoch=epoch + 1, epochs=s.epochs, loss=rec["loss"],
                                   val_uf1=rec.get("val_uf1")))
    if best is not None:
        model.load_state_dict(best[2])
        history.append({"selected_epoch": best[1], "val_uf1": best[0]})
    elif averaged is not None and averaged.n:
        model.load_state_dict(averaged.state_dict(model))
    if kept is not None:  # an EMA of unchanged rows may differ from them in the last bit
        kept.restore()
    set_tta(model, s, reflect)
    model.eval()
    return history


@torch.no_grad()
def predict(model: nn.Module, X: np.ndarray, *, batch_size: int = 256,
            device: torch.device | str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """(class probabilities (N, K), AU probabilities (N, A) or None). A model trained with tta_flip averages the
    probabilities of each sample and its mirror image (set_tta, merstudio.model.tta)."""
    model.eval()
    if device is None:
        device = next(model.parameters()).device
    probs, aus = [], []
    for i in range(0, len(X), batch_size):
        xb = torch.from_numpy(np.ascontiguousarray(X[i:i + batch_size], dtype=np.float32)).to(device)
        p, a = probabilities(model, xb)
        probs.append(p.cpu().numpy())
        if a is not None:
            aus.append(a.cpu().numpy())
    P = np.concatenate(probs) if probs else np.zeros((0, 0), np.float32)
    A = np.concatenate(aus) if aus else None
    return P, A
