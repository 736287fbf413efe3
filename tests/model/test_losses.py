"""Losses: finiteness, AU masking, the AU-emotion consistency term, centre loss, priors, a small overfit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from merstudio.model import (
    LOSS_PARTS,
    MENet,
    ModelConfig,
    au_targets_from_sets,
    compute_losses,
    estimate_au_prior,
    estimate_prior,
    facs_prior,
)
from merstudio.model.losses import classification_loss, consistency_loss


def _batch(cfg: ModelConfig, b: int = 8, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, cfg.T, cfg.in_channels, cfg.input_size, cfg.input_size, generator=g)
    y = torch.arange(b) % cfg.n_classes
    au = (torch.rand(b, len(cfg.aus), generator=g) > 0.7).float()
    mask = torch.ones(b, dtype=torch.bool)
    return x, y, au, mask


def test_losses_finite_with_all_parts() -> None:
    torch.manual_seed(0)
    cfg = ModelConfig(T=2, label_smoothing=0.1, class_weights=[1.0, 2.0, 1.5])
    net = MENet(cfg)
    x, y, au, mask = _batch(cfg)
    prior = facs_prior(cfg.aus, cfg.class_names)
    total, parts = compute_losses(net(x), y, au, mask, prior, cfg)
    assert set(parts) == set(LOSS_PARTS)
    assert torch.isfinite(total) and all(np.isfinite(v) for v in parts.values())
    assert all(parts[k] > 0 for k in ("ce", "au", "consistency", "center"))
    expected = (cfg.w_ce * parts["ce"] + cfg.w_au * parts["au"] + cfg.w_consistency * parts["consistency"]
                + cfg.w_center * parts["center"])
    assert parts["total"] == pytest.approx(expected, rel=1e-5)
    total.backward()
    assert all(p.grad is not None for n, p in net.named_parameters() if p.requires_grad), "unused parameters"


def test_switched_off_parts_are_zero() -> None:
    cfg = ModelConfig().ablate("au,cluster")
    net = MENet(cfg)
    x, y, _, _ = _batch(cfg)
    total, parts = compute_losses(net(x), y, None, None, None, cfg)
    assert parts["au"] == parts["consistency"] == parts["center"] == 0.0
    assert parts["total"] == pytest.approx(parts["ce"])
    # targets without AU columns (a dataset with no AU coding) skip the AU term
    cfg2 = ModelConfig()
    out = MENet(cfg2)(x)
    _, parts2 = compute_losses(out, y, torch.zeros(8, 0), torch.zeros(8, dtype=torch.bool), None, cfg2)
    assert parts2["au"] == 0.0


def test_masked_au_loss_ignores_masked_samples() -> None:
    cfg = ModelConfig(w_consistency=0.0, w_center=0.0, w_ce=0.0)
    torch.manual_seed(0)
    au_logits = torch.randn(6, len(cfg.aus), requires_grad=True)
    out = {"logits": torch.randn(6, 3), "au_logits": au_logits, "features": torch.randn(6, 8)}
    y = torch.zeros(6, dtype=torch.long)
    targets = (torch.rand(6, len(cfg.aus)) > 0.5).float()
    mask = torch.tensor([True, True, False, True, False, False])
    targets_garbage = targets.clone()
    targets_garbage[~mask] = float("nan")  # uncoded samples may carry anything
    total, parts = compute_losses(out, y, targets_garbage, mask, None, cfg)
    total.backward()
    assert np.isfinite(parts["au"])
    grad = au_logits.grad
    assert grad is not None
    assert torch.all(grad[~mask] == 0)
    assert torch.all(grad[mask].abs().sum(1) > 0)
    # the value equals the loss over the coded samples alone
    coded = {"logits": out["logits"][mask], "au_logits": au_logits.detach()[mask], "features": out["features"][mask]}
    _, parts_coded = compute_losses(coded, y[mask], targets[mask], None, None, cfg)
    assert parts["au"] == pytest.approx(parts_coded["au"], rel=1e-6)
    # a per-entry mask (B, A) works too, and an all-masked batch gives no AU term
    entry_mask = torch.zeros(6, len(cfg.aus), dtype=torch.bool)
    entry_mask[0, :3] = True
    _, p = compute_losses(out, y, targets, entry_mask, None, cfg)
    assert p["au"] > 0
    _, p = compute_losses(out, y, targets, torch.zeros(6, dtype=torch.bool), None, cfg)
    assert p["au"] == 0.0


def test_consistency_lower_when_consistent() -> None:
    aus = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17]
    classes = ["negative", "positive", "surprise"]
    prior = torch.from_numpy(facs_prior(aus, classes))
    au_logits = torch.full((1, len(aus)), -6.0)
    au_logits[0, aus.index(6)] = au_logits[0, aus.index(12)] = 6.0  # AU6 + AU12: happiness
    happy = torch.tensor([[-3.0, 3.0, -3.0]])
    negative = torch.tensor([[3.0, -3.0, -3.0]])
    assert consistency_loss(happy, au_logits, prior) < consistency_loss(negative, au_logits, prior)
    au_logits = torch.full((1, len(aus)), -6.0)
    au_logits[0, aus.index(4)] = au_logits[0, aus.index(7)] = 6.0  # AU4 + AU7: anger -> negative
    assert consistency_loss(negative, au_logits, prior) < consistency_loss(happy, au_logits, prior)
    # samples whose AUs are all off barely count
    quiet = torch.full((1, len(aus)), -10.0)
    assert consistency_loss(negative, quiet, prior) < 1e-3


def test_priors() -> None:
    aus = [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17]
    classes = ["negative", "positive", "surprise"]
    p = facs_prior(aus, classes)
    assert p.shape == (12, 3)
    np.testing.assert_allclose(p.sum(1), 1.0, rtol=1e-5)
    assert p[aus.index(12)].argmax() == 1
    assert p[aus.index(4)].argmax() == 0
    assert p[aus.index(2)].argmax() == 2
    np.testing.assert_allclose(p[aus.index(14)], 1 / 3, rtol=1e-5)  # AU14: not in the table -> uniform
    p5 = facs_prior(aus, ["happiness", "disgust", "repression", "surprise", "others"])
    assert p5[aus.index(9)].argmax() == 1 and p5[aus.index(12)].argmax() == 0

    targets, mask = au_targets_from_sets([{12, 6}, {4}, None, {4, 7, 43}, set()], aus)
    assert mask.tolist() == [True, True, False, True, True]
    assert targets[3, aus.index(4)] == 1 and targets[3].sum() == 2 and targets[4].sum() == 0
    y = np.array([1, 0, 1, 0, 2])
    est = estimate_au_prior(targets, y, 3, mask, alpha=1.0)
    # AU4: 2 negative samples -> (2+1)/(2+3)
    assert est[aus.index(4), 0] == pytest.approx(3 / 5)
    np.testing.assert_allclose(est.sum(1), 1.0, rtol=1e-5)
    cfg = ModelConfig(aus=aus)
    few = estimate_prior(targets, y, mask, cfg)  # too few coded samples: the FACS table
    np.testing.assert_allclose(few.numpy(), p, rtol=1e-6)
    many = estimate_prior(np.tile(targets, (4, 1)), np.tile(y, 4), np.tile(mask, 4), cfg)
    assert isinstance(many, torch.Tensor) and many.shape == (12, 3)
    assert many[aus.index(4), 0] == pytest.approx((8 + 1) / (8 + 3))


def test_center_loss_ema_updates_only_when_training() -> None:
    cfg = ModelConfig(center_momentum=0.5)
    net = MENet(cfg)
    x, y, au, mask = _batch(cfg)
    seen = net.center_seen  # a buffer, updated in place
    assert isinstance(seen, torch.Tensor)
    assert not seen.any()
    with torch.no_grad():
        compute_losses(net(x), y, au, mask, None, cfg)
    assert not seen.any() and net.centers.abs().sum() == 0
    out = net(x)
    _, parts = compute_losses(out, y, au, mask, None, cfg)
    assert seen.all() and parts["center"] > 0
    feats = torch.nn.functional.normalize(out["features"].detach(), dim=1)
    first = net.centers.clone()
    torch.testing.assert_close(first[0], feats[y == 0].mean(0))  # first sighting: the class mean
    out = net(x)
    compute_losses(out, y, au, mask, None, cfg)
    feats2 = torch.nn.functional.normalize(out["features"].detach(), dim=1)
    torch.testing.assert_close(net.centers[1], 0.5 * first[1] + 0.5 * feats2[y == 1].mean(0))


def test_learnable_centres_get_gradients() -> None:
    cfg = ModelConfig(center_mode="learnable", w_center=1.0)
    net = MENet(cfg)
    x, y, au, mask = _batch(cfg)
    total, _ = compute_losses(net(x), y, au, mask, None, cfg)
    total.backward()
    assert net.centers.grad is not None and net.centers.grad.abs().sum() > 0


def test_overfit_fixed_batch() -> None:
    torch.manual_seed(0)
    cfg = ModelConfig(T=2, dropout=0.0)
    net = MENet(cfg)
    x, y, au, mask = _batch(cfg, b=12, seed=3)
    prior = facs_prior(cfg.aus, cfg.class_names)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        total, parts = compute_losses(net(x), y, au, mask, prior, cfg)
        opt.zero_grad()
        total.backward()
        opt.step()
        losses.append(parts["total"])
    assert losses[-1] < 0.5 * losses[0]
    with torch.no_grad():  # still in training mode: BatchNorm uses this batch's statistics, no dropout
        assert (net(x)["logits"].argmax(1) == y).float().mean() >= 0.9


def test_focal_gamma_zero_is_todays_cross_entropy() -> None:
    torch.manual_seed(0)
    logits, y = torch.randn(7, 3), torch.tensor([0, 1, 2, 0, 1, 2, 2])
    for kw in ({}, {"label_smoothing": 0.1, "class_weights": [1.0, 2.0, 0.5]}):
        cfg = ModelConfig(**kw)  # type: ignore[arg-type]
        assert cfg.focal_gamma == 0.0
        cw = torch.tensor(cfg.class_weights) if cfg.class_weights else None
        today = torch.nn.functional.cross_entropy(logits, y, weight=cw, label_smoothing=cfg.label_smoothing)
        assert torch.equal(classification_loss(logits, y, cfg), today)
        # the focal path's own averaging agrees with cross_entropy's as gamma -> 0 (no jump at 0)
        near = classification_loss(logits, y, ModelConfig(**kw, focal_gamma=1e-9))  # type: ignore[arg-type]
        assert float(near) == pytest.approx(float(today), rel=1e-6)


def test_focal_gamma_down_weights_confident_correct_samples() -> None:
    # sample 0: p_y = 0.9 (confident, right); sample 1: p_y = 0.2 (wrong); two classes, logits = log p
    logits = torch.log(torch.tensor([[0.9, 0.1], [0.8, 0.2]]))
    y = torch.tensor([0, 1])
    ce0, ce1 = -np.log(0.9), -np.log(0.2)
    cfg = ModelConfig(n_classes=2, class_names=["a", "b"], focal_gamma=2.0)
    # by hand: mean of (1 - p_y)^2 * -log p_y = (0.01 * 0.10536 + 0.64 * 1.60944) / 2
    expected = (0.1**2 * ce0 + 0.8**2 * ce1) / 2
    assert float(classification_loss(logits, y, cfg)) == pytest.approx(expected, rel=1e-5)
    assert expected == pytest.approx(0.515547, rel=1e-5)
    # the confident sample's share of the loss falls from ~6% (CE) to ~0.1% (focal)
    assert 0.1**2 * ce0 / (2 * expected) < 0.002 < ce0 / (ce0 + ce1)
    # gamma 1 lies between; class weights weigh and normalise like cross_entropy's
    g1 = float(classification_loss(logits, y, ModelConfig(n_classes=2, class_names=["a", "b"], focal_gamma=1.0)))
    assert g1 == pytest.approx((0.1 * ce0 + 0.8 * ce1) / 2, rel=1e-5)
    cw = ModelConfig(n_classes=2, class_names=["a", "b"], focal_gamma=2.0, class_weights=[1.0, 3.0])
    assert float(classification_loss(logits, y, cw)) == pytest.approx(
        (0.1**2 * ce0 + 3 * 0.8**2 * ce1) / 4, rel=1e-5)
    # gradients still flow (the modulating factor included), and the full loss uses this term
    lg = logits.clone().requires_grad_(True)
    classification_loss(lg, y, cfg).backward()
    assert lg.grad is not None and torch.isfinite(lg.grad).all() and lg.grad.abs().sum() > 0
    out = {"logits": logits, "features": torch.randn(2, 4)}
    _, parts = compute_losses(out, y, None, None, None, cfg.ablate("fam,cluster"))
    assert parts["ce"] == pytest.approx(expected, rel=1e-5)


def test_focal_gamma_validated_and_saved() -> None:
    from merstudio.errors import InputError

    for bad in (-0.5, 11.0):
        with pytest.raises(InputError, match="focal_gamma"):
            ModelConfig(focal_gamma=bad)
    cfg = ModelConfig(focal_gamma=2.0)
    assert ModelConfig.from_dict(cfg.to_dict()).focal_gamma == 2.0
    old = ModelConfig().to_dict()
    del old["focal_gamma"]  # a checkpoint saved before the option trains and loads as plain CE
    assert ModelConfig.from_dict(old).focal_gamma == 0.0


@pytest.mark.parametrize("t", [1.0, 2.0, 4.0])
def test_distillation_loss_is_zero_at_the_teacher_and_positive_elsewhere(t):
    from merstudio.model.losses import distillation_loss

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 3, generator=g)
    assert float(distillation_loss(logits, torch.softmax(logits, 1), t)) == pytest.approx(0.0, abs=1e-5)
    other = torch.softmax(torch.randn(6, 3, generator=g), 1)
    assert float(distillation_loss(logits, other, t)) > 0.01
