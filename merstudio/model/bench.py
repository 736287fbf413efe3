"""Speed figures of the model alone: training step, batched inference, streaming per-frame prediction.

    python -m merstudio.model.bench [--threads 2] [--device cpu|cuda] [--precision float32|bfloat16] [--json out.json]

Timings take the best of a few repeats, so load from other processes matters less. These are benchmarks, not
tests: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from merstudio.model.config import ModelConfig
from merstudio.model.device import pick_device
from merstudio.model.inference import DEFAULT_MOTION_THRESHOLD, DEFAULT_NOISE_RATIO, FramePredictor
from merstudio.model.inputs import InputSettings
from merstudio.model.losses import compute_losses
from merstudio.model.network import MENet, count_parameters, to_training_device, training_forward
from merstudio.model.priors import facs_prior

_CPU: list[float] = []  # CPU seconds of the last _best() call (best repeat)


def _best(fn, repeats: int) -> float:
    """Best wall time of `repeats` runs; the best process CPU time goes to _CPU[-1] (steadier under load)."""
    best, cpu = float("inf"), float("inf")
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    _CPU.append(cpu)
    return best


def _sync(device: str) -> None:
    """Wait for the GPU's queued work, so that a wall time covers it (a no-op on the CPU)."""
    if device.startswith("cuda"):
        torch.cuda.synchronize(device)


def bench_training(cfg: ModelConfig | None = None, batch: int = 32, steps: int = 10, repeats: int = 3,
                   train_samples: int = 435, device: str = "cpu", precision: str = "float32") -> dict[str, Any]:
    """Forward + backward + AdamW step on random input; the time of one epoch over `train_samples`. The
    model is in the layout `fit_model` trains in on that device (network.to_training_device), and its forward pass
    runs as fit_model's does in `precision` (network.training_forward)."""
    cfg = cfg or ModelConfig()
    torch.manual_seed(0)
    net = to_training_device(MENet(cfg).train(), device)
    opt = torch.optim.AdamW(net.parameters(), 1e-3, fused=True)  # as training's make_optimizer builds it
    x = torch.randn(batch, cfg.T, cfg.in_channels, cfg.input_size, cfg.input_size, device=device)
    y = torch.arange(batch, device=device) % cfg.n_classes
    au = (torch.rand(batch, len(cfg.aus), device=device) > 0.8).float()
    mask = torch.ones(batch, dtype=torch.bool, device=device)
    prior = torch.as_tensor(facs_prior(cfg.aus, cfg.class_names), dtype=torch.float32, device=device)

    low = precision == "bfloat16"

    def run() -> None:
        for _ in range(steps):
            total, _ = compute_losses(training_forward(net, x, low), y, au, mask, prior, cfg)
            opt.zero_grad(set_to_none=True)
            total.backward()
            opt.step()
        _sync(device)

    run()  # warm-up
    sec = _best(run, repeats) / steps
    return {"params": count_parameters(net), "batch": batch, "precision": precision, "ms_per_batch": round(sec * 1e3, 2),
            "samples_per_s": round(batch / sec, 1), "cpu_ms_per_batch": round(_CPU[-1] / steps * 1e3, 2),
            "s_per_epoch": round(train_samples / batch * sec, 3), "train_samples": train_samples}


@torch.inference_mode()
def bench_forward(cfg: ModelConfig | None = None, batch: int = 64, repeats: int = 5,
                  device: str = "cpu") -> dict[str, Any]:
    cfg = cfg or ModelConfig()
    net = MENet(cfg).eval().to(device)
    x = torch.randn(batch, cfg.T, cfg.in_channels, cfg.input_size, cfg.input_size, device=device)

    def run() -> None:
        net(x)
        _sync(device)

    run()
    sec = _best(run, repeats)
    return {"batch": batch, "windows_per_s": round(batch / sec, 1),
            "cpu_ms_per_window": round(_CPU[-1] / batch * 1e3, 3)}


def _faces(n: int, size: int = 128, seed: int = 0) -> list[np.ndarray]:
    """A smooth random texture, drifting and slowly zooming in and out (so it has strain): stands in for aligned
    128 px faces from 640x480 video."""
    import cv2

    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(rng.random((size + 64, size + 64)).astype(np.float32), (0, 0), 2.0)
    img = ((img - img.min()) / (img.max() - img.min()) * 255).astype(np.uint8)
    out = []
    for k in range(n):
        m = np.asarray(cv2.getRotationMatrix2D((size / 2 + 32, size / 2 + 32), 0.0, 1.0 + 0.08 * np.sin(k / 4)),
                       dtype=np.float64)
        m[:, 2] += (-32 + 0.3 * k, -32)
        out.append(cv2.warpAffine(img, m, (size, size), flags=cv2.INTER_LINEAR))
    return out


def bench_predictor(T: int = 1, modality: str = "flow", frames: int = 300, batch_size: int = 32,
                    motion_threshold: float = 0.0, repeats: int = 2, device: str = "cpu") -> dict[str, Any]:
    """Frames/s of FramePredictor (flow + input building + batched network) on 128 px aligned faces."""
    channels = {"flow": 3, "grey": 1, "flow+grey": 4}[modality]
    cfg = ModelConfig(T=T, in_channels=channels)
    net = MENet(cfg).eval()
    meta = {"input": InputSettings(modality=modality, size=cfg.input_size, T=T).to_dict()}
    faces = _faces(frames)

    gated = [0]

    def run() -> None:
        fp = FramePredictor(net, meta, device=device, batch_size=batch_size, motion_threshold=motion_threshold)
        preds = []
        for k, f in enumerate(faces):
            preds += fp.push(0, k, f)
        preds += fp.flush()
        _sync(device)
        assert len(preds) == frames
        gated[0] = sum(p.gated for p in preds)

    run()
    sec = _best(run, repeats)
    return {"T": T, "modality": modality, "frames": frames, "fps": round(frames / sec, 1),
            "ms_per_frame": round(sec / frames * 1e3, 3), "cpu_ms_per_frame": round(_CPU[-1] / frames * 1e3, 3),
            "motion_gate": motion_threshold, "gated_frames": gated[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m merstudio.model.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda[:N]: where the network runs (flow "
                    "stays on the CPU); the figures' wall times then include the GPU's work")
    ap.add_argument("--precision", choices=("float32", "bfloat16"), default="float32",
                    help="arithmetic of the training steps' forward pass (bfloat16: autocast, as `precision` in "
                    "training settings)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    dev = str(pick_device(args.device))
    torch.set_num_threads(args.threads)
    report: dict[str, Any] = {"threads": args.threads, "torch": torch.__version__, "device": dev,
                              "precision": args.precision}
    if dev.startswith("cuda"):
        report["gpu"] = torch.cuda.get_device_name(dev)
    report["train_28px_T1"] = bench_training(device=dev, precision=args.precision)
    print(f"training, default config, 28 px, T=1, {args.precision}:", report["train_28px_T1"])
    report["train_28px_T4"] = bench_training(ModelConfig(T=4), batch=16, device=dev, precision=args.precision)
    print(f"training, 28 px, T=4, {args.precision}:", report["train_28px_T4"])
    report["forward_28px_T1"] = bench_forward(device=dev)
    print("inference forward, 28 px, T=1:", report["forward_28px_T1"])
    for T in (1, 2):
        key = f"predictor_flow_T{T}"
        report[key] = bench_predictor(T=T, device=dev)
        print(f"FramePredictor flow T={T} (no gate):", report[key])
    report["predictor_flow_T1_gate"] = bench_predictor(T=1, motion_threshold=DEFAULT_MOTION_THRESHOLD, device=dev)
    print(f"FramePredictor flow T=1, the default gate ({DEFAULT_MOTION_THRESHOLD}, {DEFAULT_NOISE_RATIO}x the noise floor):",
          report["predictor_flow_T1_gate"])
    if args.json:
        from merstudio.atomic import write_text_atomic

        write_text_atomic(args.json, json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
