"""The one rule for where the network runs (training, evaluation, checkpoints, per-frame inference).

"auto" (or None): CUDA when torch sees a GPU, else the CPU. "cpu", "cuda" and "cuda:N" as given, checked here
so that a bad setting is one clear line before any work starts. Other torch devices (Apple's MPS, XPU) are not
offered: nothing in merstudio is tested on them.
"""

from __future__ import annotations

import torch

from merstudio.errors import InputError

DEVICE_CHOICES = "auto, cpu, cuda or cuda:N"


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """The torch device for a setting; InputError for one that is not offered or not on this machine."""
    if device is None or str(device).strip().lower() == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(str(device).strip().lower()) if isinstance(device, str) else torch.device(device)
    except (RuntimeError, TypeError):
        raise InputError(f"device {device!r}: expected {DEVICE_CHOICES}") from None
    if dev.type not in ("cpu", "cuda"):
        raise InputError(f"device {device}: expected {DEVICE_CHOICES} (merstudio runs on CUDA or the CPU)")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise InputError(f"device {device}: CUDA is not available on this machine (torch {torch.__version__}"
                             f"{'' if torch.version.cuda else ', a CPU-only build'}); use cpu or auto")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise InputError(f"device {device}: this machine has {torch.cuda.device_count()} CUDA device(s), "
                             f"numbered from 0")
    return dev
