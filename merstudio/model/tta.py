"""Test-time flip averaging, the one home of the mirror of flow inputs and of the averaged outputs.

A model trained with ``tta_flip`` (merstudio.training.trainer.TrainSettings) predicts the mean of a sample's and its
mirror image's probabilities. The model carries how to mirror its inputs as ``model.tta_flip`` = (u channels,
reflect mode), or None; checkpoints keep it (merstudio.model.checkpoint), so LOSO evaluation, `merstudio train`'s
figures and the app's per-frame inference all predict the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

REFLECTS = ("zero", "range")


def flip_flow(x: torch.Tensor, channels: Sequence[int], reflect: str) -> torch.Tensor:
    """Mirror (B, T, C, H, W) flow samples left-right. A mirrored face moves the other way horizontally, so the
    u channels are reflected: -u for signed flow ("zero"), (min + max) - u per sample for min-max normalised flow
    images ("range"; their zero is unknown, the reflection keeps the value range)."""
    xf = x.flip(-1)
    c = x.shape[2]
    for ch in channels:
        if ch >= c:
            continue
        u = xf[:, :, ch]
        if reflect == "range":
            lo = u.amin(dim=(1, 2, 3), keepdim=True)
            hi = u.amax(dim=(1, 2, 3), keepdim=True)
            xf[:, :, ch] = lo + hi - u
        else:
            xf[:, :, ch] = -u
    return xf


def probabilities(model: nn.Module, xb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(class probabilities (B, K), AU probabilities (B, A) or None) of a batch, averaged with its mirror image's
    when the model says so (``model.tta_flip``)."""
    out = model(xb)
    p = torch.softmax(out["logits"].float(), 1)
    a = torch.sigmoid(out["au_logits"].float()) if out.get("au_logits") is not None else None
    tta = getattr(model, "tta_flip", None)
    if tta is not None:
        out_f = model(flip_flow(xb, tta[0], tta[1]))
        p = (p + torch.softmax(out_f["logits"].float(), 1)) / 2
        # AU sides swap in a mirror, but the AU head predicts bilateral AUs: average them too
        if a is not None and out_f.get("au_logits") is not None:
            a = (a + torch.sigmoid(out_f["au_logits"].float())) / 2
    return p, a


def tta_to_meta(model: nn.Module) -> dict[str, Any] | None:
    """What a checkpoint records of the model's flip averaging (None: off)."""
    tta = getattr(model, "tta_flip", None)
    return None if tta is None else {"channels": [int(c) for c in tta[0]], "reflect": str(tta[1])}


def tta_from_meta(value: Any) -> tuple[tuple[int, ...], str] | None:
    """The model's ``tta_flip`` from a checkpoint's record; ValueError for a record that is not one."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("reflect") not in REFLECTS or \
            not isinstance(value.get("channels"), list) or \
            not all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in value["channels"]):
        raise ValueError(f"tta_flip {value!r}: expected {{'channels': [u channels], 'reflect': 'zero'|'range'}}")
    return tuple(value["channels"]), value["reflect"]
