"""The CUDA path: training, checkpoint inference and per-frame prediction on a GPU agree with the CPU.

Skipped where torch sees no GPU (CI, the project's CPU machines); run on a GPU machine with
`python -m pytest tests/training/test_cuda.py`. TF32 is torch's default for cuDNN convolutions, so agreement is
to ~1e-3, not bitwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from merstudio.training.trainer import predict, train_fold

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

STARTER = Path(__file__).resolve().parents[2] / "resources" / "models" / "starter.pt"


def test_a_fold_trains_on_cuda_like_on_the_cpu(tiny_data, tiny_cfg, tiny_settings):
    """The same seed on both devices: the model's weights live on the GPU, every epoch's loss is finite and
    follows the CPU's (float rounding and TF32 apart), and predictions are probabilities."""
    data, _ = tiny_data
    gpu_model, gpu_hist = train_fold(data, tiny_cfg(), tiny_settings(device="cuda", epochs=3))
    cpu_model, cpu_hist = train_fold(data, tiny_cfg(), tiny_settings(device="cpu", epochs=3))
    assert all(p.device.type == "cuda" for p in gpu_model.parameters())
    gpu_loss = [h["loss"] for h in gpu_hist if "loss" in h]
    cpu_loss = [h["loss"] for h in cpu_hist if "loss" in h]
    assert np.all(np.isfinite(gpu_loss))
    np.testing.assert_allclose(gpu_loss, cpu_loss, rtol=0.05)
    probs, _ = predict(gpu_model, data.X[:8], device=torch.device("cuda"))
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    cpu_probs, _ = predict(cpu_model, data.X[:8])
    assert np.abs(probs - cpu_probs).max() < 0.1


def test_the_starter_checkpoint_predicts_the_same_on_cuda():
    from merstudio.model.checkpoint import load_checkpoint

    net, _ = load_checkpoint(STARTER)
    cfg = net.cfg
    torch.manual_seed(0)
    x = torch.rand(16, cfg.T, cfg.in_channels, cfg.input_size, cfg.input_size)
    with torch.no_grad():
        cpu = torch.softmax(net.eval()(x)["logits"], 1)
        gpu = torch.softmax(net.to("cuda").eval()(x.cuda())["logits"], 1).cpu()
    torch.testing.assert_close(gpu, cpu, atol=2e-3, rtol=0)


def test_frame_predictor_on_cuda_matches_the_cpu():
    """The app's per-frame path (flow on the CPU, the batched network on the GPU) against the all-CPU one."""
    from merstudio.model.bench import _faces
    from merstudio.model.checkpoint import load_checkpoint
    from merstudio.model.inference import FramePredictor

    faces = _faces(40)
    out = {}
    for device in ("cpu", "cuda"):
        net, meta = load_checkpoint(STARTER)
        fp = FramePredictor(net, meta, device=device, batch_size=8, motion_threshold=0.0)
        preds = []
        for k, face in enumerate(faces):
            preds += fp.push(0, k, face)
        preds += fp.flush()
        out[device] = preds
    assert [p.frame_index for p in out["cpu"]] == [p.frame_index for p in out["cuda"]]
    assert len(out["cpu"]) == len(faces)
    scored = [(a, b) for a, b in zip(out["cpu"], out["cuda"], strict=True) if not a.gated]
    assert len(scored) > len(faces) // 2, "too few frames reached the network"
    for a, b in scored:
        assert not b.gated
        np.testing.assert_allclose(b.probs, a.probs, atol=2e-3)
        np.testing.assert_allclose(b.au_probs, a.au_probs, atol=2e-3)
