"""MENet losses: cross-entropy, masked AU BCE, AU-emotion consistency, centre loss (docs/model.md: exact forms).

total = w_ce * CE + w_au * AU + w_consistency * CONS + w_center * CENTER, each term present only when its module
is on (use_au for AU and CONS, use_cluster for CENTER) and its inputs are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from merstudio.model.config import ModelConfig

EPS = 1e-6
LOSS_PARTS = ("ce", "au", "consistency", "center", "total")


@overload
def _as_tensor(x: None, ref: Tensor, dtype: torch.dtype | None = None) -> None: ...


@overload
def _as_tensor(x: Tensor | np.ndarray | Sequence[float], ref: Tensor, dtype: torch.dtype | None = None) -> Tensor: ...


@overload
def _as_tensor(x: Tensor | np.ndarray | Sequence[float] | None, ref: Tensor,
               dtype: torch.dtype | None = None) -> Tensor | None: ...


def _as_tensor(x: Tensor | np.ndarray | Sequence[float] | None, ref: Tensor,
               dtype: torch.dtype | None = None) -> Tensor | None:
    if x is None:
        return None
    t = x if isinstance(x, Tensor) else torch.as_tensor(np.asarray(x))
    return t.to(device=ref.device, dtype=dtype or ref.dtype)


def au_bce(au_logits: Tensor, au_targets: Tensor, au_mask: Tensor | None, pos_weight: float = 1.0) -> Tensor:
    """Mean BCE over the (sample, AU) entries whose mask is true; masked entries contribute exactly zero
    (value and gradient). au_mask: None (all coded), (B,) per sample or (B, A) per entry."""
    pw = torch.full((au_logits.shape[1],), float(pos_weight), device=au_logits.device, dtype=au_logits.dtype)
    per = F.binary_cross_entropy_with_logits(au_logits, au_targets, pos_weight=pw, reduction="none")
    if au_mask is None:
        return per.mean()
    m = au_mask.to(per.dtype)
    if m.dim() == 1:
        m = m.unsqueeze(1).expand_as(per)
    # torch.where, not a product: a masked entry's gradient stays 0 even if its target is NaN/garbage.
    return torch.where(m > 0, per, torch.zeros_like(per)).sum() / m.sum().clamp_min(1.0)


def implied_class_distribution(au_probs: Tensor, prior: Tensor) -> Tensor:
    """q (B, K): the class distribution the AUs imply, q_k = sum_a s_a P_ak / sum_a s_a (a mixture of the
    per-AU class posteriors, weighted by how active each AU is)."""
    mix = au_probs @ prior  # (B, K)
    return (mix + EPS) / (mix.sum(1, keepdim=True) + EPS * prior.shape[1])


def consistency_loss(logits: Tensor, au_logits: Tensor, prior: Tensor) -> Tensor:
    """mean_i w_i * KL(q_i || softmax(logits_i)), w_i = max_a s_ia (no gradient): samples whose AUs are all
    inactive say nothing about the emotion and barely count."""
    s = torch.sigmoid(au_logits)
    q = implied_class_distribution(s, prior)
    logp = F.log_softmax(logits, dim=1)
    kl = (q * (torch.log(q) - logp)).sum(1)
    w = s.max(1).values.detach()
    return (w * kl).mean()


@torch.no_grad()
def update_ema_centers(features: Tensor, labels: Tensor, centers: Tensor, seen: Tensor, momentum: float) -> None:
    """Move each class present in the batch's EMA centre towards the batch mean of its L2-normalised features,
    c <- (1-m) c + m mean (set to the mean the first time the class is seen)."""
    fd = F.normalize(features.detach(), dim=1).to(centers.dtype)
    for k in labels.unique().tolist():
        mean_k = fd[labels == k].mean(0)
        if bool(seen[k]):
            centers[k].mul_(1.0 - momentum).add_(mean_k, alpha=momentum)
        else:
            centers[k].copy_(mean_k)
            seen[k] = True


def center_loss(features: Tensor, labels: Tensor, centers: Tensor, seen: Tensor | None, momentum: float,
                update: bool = True) -> Tensor:
    """0.5 * mean_i ||f_i/|f_i| - c_{y_i}/|c_{y_i}| ||^2 on L2-normalised features.

    EMA centres (seen is given): with `update`, before the loss the centres move towards this batch's features
    (update_ema_centers), only when gradients are being recorded, so evaluation never moves centres (a mixup step
    evaluates the losses twice and passes update=False to the second, so they move once, under the dominant
    label). Learnable centres (seen None) get gradients.
    """
    f = F.normalize(features, dim=1)
    if update and seen is not None and torch.is_grad_enabled() and features.requires_grad:
        update_ema_centers(features, labels, centers, seen, momentum)
    c = F.normalize(centers, dim=1)[labels]
    if seen is not None:
        c = c.detach()
    return 0.5 * ((f - c) ** 2).sum(1).mean()


def classification_loss(logits: Tensor, labels: Tensor, cfg: ModelConfig) -> Tensor:
    """The emotion term: cross-entropy with cfg.class_weights and cfg.label_smoothing; with cfg.focal_gamma > 0,
    focal loss: each sample's (weighted, smoothed) CE times (1 - p_y)**gamma, p_y the softmax probability of its
    true class, so confidently right samples count less. Averaged like cross_entropy: divided by the sum of the
    samples' class weights (by B without weights). focal_gamma = 0 is exactly F.cross_entropy."""
    cw = _as_tensor(cfg.class_weights, logits) if cfg.class_weights is not None else None
    if cfg.focal_gamma == 0:
        return F.cross_entropy(logits, labels, weight=cw, label_smoothing=cfg.label_smoothing)
    per = F.cross_entropy(logits, labels, weight=cw, label_smoothing=cfg.label_smoothing, reduction="none")
    p_y = F.softmax(logits, dim=1).gather(1, labels.unsqueeze(1)).squeeze(1)
    focal = (1.0 - p_y).clamp_min(0.0).pow(cfg.focal_gamma) * per
    denom = cw[labels].sum() if cw is not None else torch.tensor(float(labels.numel()), device=logits.device)
    return focal.sum() / denom.clamp_min(EPS)


def distillation_loss(logits: Tensor, soft: Tensor, temperature: float) -> Tensor:
    """Knowledge distillation (Hinton et al. 2015): T^2 * KL(teacher_T || student_T), the teachers' class
    probabilities `soft` (B, K) and the student's logits both softened by the temperature T (the probabilities as
    p^(1/T), renormalised: the same as logits / T for one teacher). T^2 keeps the gradient's scale as T changes."""
    t = float(temperature)
    target = soft.clamp_min(EPS).pow(1.0 / t)
    target = target / target.sum(1, keepdim=True)
    log_student = F.log_softmax(logits / t, dim=1)
    return (t * t) * F.kl_div(log_student, target, reduction="batchmean")


def compute_losses(
    out: dict[str, Tensor],
    labels: Tensor,
    au_targets: Tensor | None,
    au_mask: Tensor | None,
    prior: Tensor | np.ndarray | None,
    cfg: ModelConfig,
    update_centers: bool = True,
) -> tuple[Tensor, dict[str, float]]:
    """Total loss (a scalar tensor to backpropagate) and its parts as floats (keys LOSS_PARTS, 0.0 when off).

    labels (B,) int; au_targets (B, A) in {0, 1} or None (no AU loss); au_mask (B,) or (B, A) bool or None (all
    coded); prior (A, K) from merstudio.model.priors or None (no consistency term). update_centers False: the
    EMA class centres are read, not moved (the caller moves them once per step: a mixup step's two evaluations).
    """
    logits = out["logits"]
    labels = labels.to(logits.device).long()
    ce = classification_loss(logits, labels, cfg)
    total = cfg.w_ce * ce
    parts = {"ce": float(ce.detach()), "au": 0.0, "consistency": 0.0, "center": 0.0}

    au_logits = out.get("au_logits")
    if cfg.use_au and au_logits is not None and au_logits.shape[1] > 0:
        t = _as_tensor(au_targets, au_logits)
        m = _as_tensor(au_mask, au_logits, torch.bool)
        # No AU term for a batch without coded samples (all masked, or targets with no AU columns at all).
        if t is not None and t.numel() > 0 and (m is None or bool(m.any())) and cfg.w_au > 0:
            if t.shape != au_logits.shape:
                raise ValueError(f"au_targets {tuple(t.shape)} do not match au_logits {tuple(au_logits.shape)}")
            au = au_bce(au_logits, torch.nan_to_num(t), m, cfg.au_pos_weight)
            total = total + cfg.w_au * au
            parts["au"] = float(au.detach())
        if prior is not None and cfg.w_consistency > 0:
            p = _as_tensor(prior, au_logits)
            if p.shape != (au_logits.shape[1], logits.shape[1]):
                raise ValueError(f"prior {tuple(p.shape)} must be (n_aus, n_classes) = "
                                 f"({au_logits.shape[1]}, {logits.shape[1]})")
            cons = consistency_loss(logits, au_logits, p)
            total = total + cfg.w_consistency * cons
            parts["consistency"] = float(cons.detach())
    if cfg.use_cluster and "centers" in out and cfg.w_center > 0:
        seen = out.get("center_seen")
        if seen is None and cfg.center_mode == "ema":
            raise ValueError("EMA centres need out['center_seen']")
        cl = center_loss(out["features"], labels, out["centers"], seen, cfg.center_momentum, update_centers)
        total = total + cfg.w_center * cl
        parts["center"] = float(cl.detach())
    parts["total"] = float(total.detach())
    return total, parts
