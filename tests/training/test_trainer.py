"""Trainer: determinism, augmentation, inner validation."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from merstudio.errors import InputError
from merstudio.training import trainer
from merstudio.training.trainer import (
    FlowAugment,
    TrainSettings,
    pick_reflect,
    predict,
    train_fold,
    training_precision,
)


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_same_seed_same_weights_other_seed_differs(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    a, hist = train_fold(data, tiny_cfg(), tiny_settings(seed=5))
    b, _ = train_fold(data, tiny_cfg(), tiny_settings(seed=5))
    c, _ = train_fold(data, tiny_cfg(), tiny_settings(seed=6))
    sa, sb, sc = _state(a), _state(b), _state(c)
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert any(not torch.equal(sa[k], sc[k]) for k in sa if sa[k].is_floating_point())
    assert [h["epoch"] for h in hist] == [1, 2] and all(np.isfinite(h["loss"]) for h in hist)
    probs, au = predict(a, data.X[:5])
    assert probs.shape == (5, 3) and np.allclose(probs.sum(1), 1, atol=1e-5)
    assert au is not None and au.shape == (5, 12)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_training_reduces_loss(tiny_data, tiny_cfg, tiny_settings, precision):
    data, _ = tiny_data
    _, hist = train_fold(data, tiny_cfg(), tiny_settings(epochs=6, lr=1e-2, noise=0.0, rotate_deg=0, scale=0, translate=0,
                                                         precision=precision))
    assert np.mean([h["loss"] for h in hist[-3:]]) < np.mean([h["loss"] for h in hist[:3]])


def test_inner_validation_selects_an_epoch(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    _, hist = train_fold(data, tiny_cfg(), tiny_settings(epochs=3, val_fraction=0.34))
    assert "val_uf1" in hist[0]
    assert 1 <= hist[-1]["selected_epoch"] <= 3


def test_flip_reflects_u_only():
    x = torch.rand(4, 1, 3, 8, 8)
    s = TrainSettings(rotate_deg=0, scale=0, translate=0, noise=0, erase=0, flip=True, flip_channels=(0,))
    g = torch.Generator().manual_seed(0)
    out = FlowAugment(s, 1.0, "range", g)(x)
    flipped = [i for i in range(4) if not torch.equal(out[i], x[i])]
    assert flipped  # with this seed some are flipped
    for i in flipped:
        u = x[i, :, 0]
        assert torch.allclose(out[i, :, 0], (u.min() + u.max() - u).flip(-1))
        assert torch.allclose(out[i, :, 1], x[i, :, 1].flip(-1))
        assert torch.allclose(out[i, :, 2], x[i, :, 2].flip(-1))
    out0 = FlowAugment(s, 1.0, "zero", torch.Generator().manual_seed(0))(x)
    for i in flipped:
        assert torch.allclose(out0[i, :, 0], -x[i, :, 0].flip(-1))


def test_affine_and_noise_keep_shape_and_change_values():
    x = torch.rand(2, 2, 3, 28, 28)
    out = FlowAugment(TrainSettings(flip=False), 1.0, "range", torch.Generator().manual_seed(1))(x)
    assert out.shape == x.shape and not torch.allclose(out, x)


def test_pick_reflect():
    assert pick_reflect("auto", np.ones((2, 2))) == "range"
    assert pick_reflect("auto", -np.ones((2, 2))) == "zero"
    from merstudio.errors import InputError

    with pytest.raises(InputError):
        pick_reflect("mirror", np.ones(1))


def test_cuda_request_without_cuda_is_a_clear_error(tiny_data, tiny_cfg, tiny_settings):
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    from merstudio.errors import InputError

    with pytest.raises(InputError, match="CUDA is not available"):
        train_fold(tiny_data[0], tiny_cfg(), tiny_settings(device="cuda"))


def test_weight_averaging_leaves_the_trajectory_and_averages_it(tiny_data, tiny_cfg, tiny_settings):
    from merstudio.model.network import MENet
    from merstudio.training.trainer import fit_model

    data, _ = tiny_data
    plain, h_plain = train_fold(data, tiny_cfg(), tiny_settings(epochs=3, seed=2))
    ema, h_ema = train_fold(data, tiny_cfg(), tiny_settings(epochs=3, seed=2, average="ema", ema_decay=0.9))
    # averaging watches the training; it does not change it
    assert [h["loss"] for h in h_plain] == [h["loss"] for h in h_ema]
    sp, se = _state(plain), _state(ema)
    assert any(not torch.equal(sp[k], se[k]) for k in sp if sp[k].is_floating_point())

    # SWA from the first epoch = the mean of the epoch-end weights
    torch.manual_seed(0)
    model = MENet(tiny_cfg())
    ends: list[dict] = []
    s = tiny_settings(epochs=3, seed=2, average="swa", swa_start=0.0)
    fit_model(model, data, s, None, progress=lambda p: ends.append(_state(model)))
    params = {k for k, _ in model.named_parameters()}
    for k in params:
        assert torch.allclose(model.state_dict()[k], torch.stack([e[k] for e in ends]).mean(0), atol=1e-6)
    # ... and from the last epoch only = the last weights (the progress hook sees the raw weights)
    torch.manual_seed(0)
    last = MENet(tiny_cfg())
    ends = []
    fit_model(last, data, tiny_settings(epochs=3, seed=2, average="swa", swa_start=0.99), None,
              progress=lambda p: ends.append(_state(last)))
    assert all(torch.allclose(last.state_dict()[k], ends[-1][k]) for k in params)
    with pytest.raises(Exception, match="average"):
        train_fold(data, tiny_cfg(), tiny_settings(average="best"))


def test_test_time_flip_averages_a_sample_and_its_mirror(tiny_data, tiny_cfg, tiny_settings):
    from merstudio.model.tta import flip_flow

    data, _ = tiny_data
    model, _ = train_fold(data, tiny_cfg(), tiny_settings(tta_flip=True))
    reflect = pick_reflect("auto", data.X)
    assert model.tta_flip == ((0,), reflect)
    X = data.X[:6]
    with_tta, au_tta = predict(model, X)
    model.tta_flip = None
    plain, au_plain = predict(model, X)
    mirrored, au_mirror = predict(model, flip_flow(torch.from_numpy(X), (0,), reflect).numpy())
    assert np.allclose(with_tta, (plain + mirrored) / 2, atol=1e-6)
    assert au_tta is not None and np.allclose(au_tta, (au_plain + au_mirror) / 2, atol=1e-6)
    assert not np.allclose(plain, mirrored)  # the mirror is another input, not a no-op
    x = torch.rand(3, 2, 3, 8, 8)
    for mode in ("range", "zero"):  # mirroring twice gives the sample back
        assert torch.allclose(flip_flow(flip_flow(x, (0,), mode), (0,), mode), x, atol=1e-6)


def test_distillation_pulls_the_model_to_the_teachers_probabilities(tiny_data, tiny_cfg, tiny_settings):
    """With the soft targets alone (distill_weight 1, T 1) the model's predictions approach them, whatever the
    labels say: the targets are what it learns from."""
    from merstudio.model.network import MENet
    from merstudio.training.trainer import fit_model

    data, _ = tiny_data
    target = np.array([0.1, 0.2, 0.7], np.float32)  # far from the labels' mostly-negative balance
    s = tiny_settings(epochs=25, lr=1e-2, distill_weight=1.0, distill_temperature=1.0, average="none")
    torch.manual_seed(0)
    model = MENet(tiny_cfg(in_channels=3, input_size=28, n_classes=3, class_names=["a", "b", "c"], use_au=False))
    fit_model(model, data, s, None, soft_targets=np.tile(target, (len(data), 1)))
    probs, _ = predict(model, data.X)
    assert np.abs(probs.mean(0) - target).max() < 0.1


def test_distillation_trains_teachers_of_other_seeds_first(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    seen = []
    a, hist = train_fold(data, tiny_cfg(), tiny_settings(distill_teachers=2), fold="s1",
                         progress=lambda p: seen.append(p.fold))
    b, _ = train_fold(data, tiny_cfg(), tiny_settings())
    assert seen == ["s1 teacher 1/2"] * 2 + ["s1 teacher 2/2"] * 2 + ["s1"] * 2
    assert len(hist) == 2  # the model's own history
    assert any(not torch.equal(v, _state(b)[k]) for k, v in _state(a).items() if v.is_floating_point())


def test_random_erasing_fills_one_rectangle_per_sample_with_its_mean():
    x = torch.rand(64, 2, 3, 28, 28)
    s = TrainSettings(rotate_deg=0, scale=0, translate=0, noise=0, flip=False, erase=0.5)
    out = FlowAugment(s, 1.0, "range", torch.Generator().manual_seed(0))(x)
    changed = (out != x).any(dim=2)  # (B, T, H, W)
    hit = changed.flatten(1).any(1)
    assert 16 <= int(hit.sum()) <= 48  # about half the samples
    for i in hit.nonzero().ravel().tolist():
        assert torch.equal(changed[i, 0], changed[i, 1])  # the same occluder at every step
        rows, cols = changed[i, 0].any(1).nonzero().ravel(), changed[i, 0].any(0).nonzero().ravel()
        box = changed[i, 0, rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        assert bool(box.all())  # one solid rectangle
        assert 0.01 <= box.numel() / (28 * 28) <= 0.3
        mean = x[i].mean(dim=(0, 2, 3))
        torch.testing.assert_close(out[i, 0, :, rows[0], cols[0]], mean)
    assert torch.equal(out[~hit], x[~hit])


def test_training_with_mixstyle_and_erasing_runs(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    model, hist = train_fold(data, tiny_cfg(mixstyle=1.0), tiny_settings(erase=0.5))
    assert all(np.isfinite(h["loss"]) for h in hist)
    with pytest.raises(Exception, match="erase"):
        train_fold(data, tiny_cfg(), tiny_settings(erase=2.0))


def test_nhwc_training_where_torch_crashed_runs_to_the_end():
    """fit_model trains in channels_last on the CPU. With nn.Conv2d 1x1 stride-2 shortcuts, torch 2.13's oneDNN
    backward corrupted the heap here (width 4, a 7-sample last batch, two threads): the process died. Run in a
    child process with glibc's heap checks on, so a regression fails this test instead of killing the suite."""
    script = (
        "import numpy as np\n"
        "from merstudio.model.config import ModelConfig\n"
        "from merstudio.training.bench import synthetic_flow_set\n"
        "from merstudio.training.trainer import TrainSettings, train_fold\n"
        "data, _ = synthetic_flow_set(n_samples=30, n_subjects=6, seed=3)\n"
        "cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0)\n"
        "train_fold(data.subset(np.arange(15)), cfg,\n"
        "           TrainSettings(epochs=2, batch_size=8, lr=3e-3, warmup_epochs=0, device='cpu', erase=0.5))\n"
        "print('done')\n")
    env = {**os.environ, "MALLOC_CHECK_": "3", "OMP_NUM_THREADS": "2"}
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0 and "done" in res.stdout, res.stderr[-2000:]


def test_precision_auto_is_bfloat16_only_on_a_cpu_that_computes_it(monkeypatch):
    cpu, gpu = torch.device("cpu"), torch.device("cuda")
    monkeypatch.setattr(trainer, "cpu_computes_bfloat16", lambda: True)
    assert training_precision("auto", cpu) == "bfloat16"
    assert training_precision("auto", gpu) == "float32"  # not measured on a GPU: stays float32 there
    monkeypatch.setattr(trainer, "cpu_computes_bfloat16", lambda: False)
    assert training_precision("auto", cpu) == "float32"  # emulated bfloat16 would be slower, not faster
    assert training_precision("bfloat16", cpu) == "bfloat16" and training_precision("float32", cpu) == "float32"
    with pytest.raises(InputError, match="precision half: expected one of auto, float32, bfloat16"):
        training_precision("half", cpu)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_bfloat16_training_computes_the_network_in_bfloat16_and_keeps_float32_weights(
        tiny_data, tiny_cfg, tiny_settings, precision, monkeypatch):
    data, _ = tiny_data
    seen: list[torch.dtype] = []
    real_init = torch.nn.Conv2d.__init__

    def watched_init(self, *a, **k):  # every convolution of the model records the dtype it computes in
        real_init(self, *a, **k)
        self.register_forward_hook(lambda _m, _i, out: seen.append(out.dtype))

    monkeypatch.setattr(torch.nn.Conv2d, "__init__", watched_init)
    model, hist = train_fold(data, tiny_cfg(), tiny_settings(precision=precision))
    n_train = len(seen)
    probs, _ = predict(model, data.X[:4])
    assert set(seen[:n_train]) == {torch.bfloat16 if precision == "bfloat16" else torch.float32}
    assert set(seen[n_train:]) == {torch.float32}  # evaluation is float32 whatever the training arithmetic
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert all(np.isfinite(h["loss"]) for h in hist) and np.allclose(probs.sum(1), 1, atol=1e-5)


@pytest.mark.parametrize("mixup", [0.0, 0.2])
def test_ema_centres_move_once_per_step_with_or_without_mixup(tiny_data, tiny_cfg, tiny_settings, monkeypatch, mixup):
    # A mixup step evaluates the losses twice (each blended sample's label and its partner's); the centres must
    # still move once, under each sample's dominant label, or every centre is pulled towards the other classes'.
    from merstudio.model import losses

    data, _ = tiny_data
    calls: list[torch.Tensor] = []
    real = losses.update_ema_centers
    monkeypatch.setattr(losses, "update_ema_centers", lambda f, y, *a: (calls.append(y.clone()), real(f, y, *a)))
    s = tiny_settings(mixup=mixup, epochs=2, batch_size=8)
    trainer.train_fold(data, tiny_cfg(), s)
    steps = 2 * (len(data) // 8)
    assert len(calls) == steps
    assert all(len(c) == 8 for c in calls)
