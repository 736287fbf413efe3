"""LOSO benchmark on a synthetic 442-sample, 68-subject, 3-class set of 28x28 flow images (a figure, not a test).

The images imitate the shared MEGC2019 flow images: three channels (u, v, optical strain), min-max normalised per
image to [0, 1]. Each class moves a different set of face regions (negative: brows lowered and drawn together;
positive: mouth corners up and out; surprise: brows raised, jaw dropped), with per-subject face placement and
motion strength, head motion, and noise, so that it is learnable but not trivial.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.training.protocols import DataArrays

CLASSES = ("negative", "positive", "surprise")
COUNTS = (250, 109, 83)  # the MEGC2019 composite class balance


def _blob(h: int, w: int, cy: float, cx: float, r: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))


def _strain(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    uy, ux = np.gradient(u)
    vy, vx = np.gradient(v)
    return np.sqrt(ux ** 2 + vy ** 2 + 0.5 * (uy + vx) ** 2)


def _minmax(a: np.ndarray) -> np.ndarray:
    lo, hi = float(a.min()), float(a.max())
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


def synthetic_flow_set(n_samples: int = 442, n_subjects: int = 68, size: int = 28, seed: int = 0,
                       counts: tuple[int, ...] | None = None) -> tuple[DataArrays, list[str]]:
    """Random-but-learnable flow images. Returns (arrays with X (N, 1, 3, size, size) in [0, 1], class names)."""
    rng = np.random.default_rng(seed)
    counts = counts or tuple(round(c * n_samples / sum(COUNTS)) for c in COUNTS)
    counts = (*counts[:-1], n_samples - sum(counts[:-1]))
    y = np.repeat(np.arange(len(CLASSES)), counts)
    rng.shuffle(y)
    # every subject gets at least one sample; the rest at random (as real subjects vary in sample count)
    subj_idx = np.concatenate([np.arange(n_subjects), rng.integers(0, n_subjects, n_samples - n_subjects)])
    rng.shuffle(subj_idx)
    sub_shift = rng.normal(0, 1.0, size=(n_subjects, 2))
    sub_gain = rng.uniform(0.6, 1.4, size=n_subjects)
    s = size / 28.0
    X = np.zeros((n_samples, 1, 3, size, size), np.float32)
    for i in range(n_samples):
        k, j = int(y[i]), int(subj_idx[i])
        dy, dx = (sub_shift[j] + rng.normal(0, 0.7, 2)) * s
        amp = sub_gain[j] * rng.uniform(0.3, 1.0)
        u = np.zeros((size, size), np.float32)
        v = np.zeros((size, size), np.float32)
        brow_l = _blob(size, size, (8 + dy) * s, (8 + dx) * s, 3 * s)
        brow_r = _blob(size, size, (8 + dy) * s, (20 + dx) * s, 3 * s)
        mouth_l = _blob(size, size, (21 + dy) * s, (9 + dx) * s, 2.5 * s)
        mouth_r = _blob(size, size, (21 + dy) * s, (19 + dx) * s, 2.5 * s)
        jaw = _blob(size, size, (25 + dy) * s, (14 + dx) * s, 3 * s)
        if k == 0:  # brows down and together
            v += amp * (brow_l + brow_r)
            u += amp * 0.8 * (brow_l - brow_r)
        elif k == 1:  # mouth corners up and out
            v -= amp * (mouth_l + mouth_r)
            u += amp * 0.8 * (mouth_r - mouth_l)
        else:  # brows up, jaw down
            v -= amp * (brow_l + brow_r)
            v += amp * 0.7 * jaw
        # distractors: a weaker random motion of another region, global head motion, noise
        other = [brow_l + brow_r, mouth_l + mouth_r, jaw][rng.integers(0, 3)]
        v += rng.normal(0, 0.6) * amp * other
        u += rng.normal(0, 0.3) + rng.normal(0, 0.6, (size, size))
        v += rng.normal(0, 0.3) + rng.normal(0, 0.6, (size, size))
        X[i, 0, 0] = _minmax(u)
        X[i, 0, 1] = _minmax(v)
        X[i, 0, 2] = _minmax(_strain(u, v))
    subjects = np.array([f"s{j:02d}" for j in subj_idx], dtype=object)
    data = DataArrays(X=X, y=y.astype(np.int64), subjects=subjects,
                      samples=np.array([f"c{i:03d}" for i in range(n_samples)], dtype=object),
                      datasets=np.array(["synthetic"] * n_samples, dtype=object),
                      au=np.zeros((n_samples, 0), np.float32), au_mask=np.zeros(n_samples, bool))
    return data, list(CLASSES)


def _cpu_seconds() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def bench_loso(n_samples: int = 442, n_subjects: int = 68, jobs: int | None = None, epochs: int | None = None,
               out_dir: str | Path | None = None,
               fold_done: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Full LOSO with the default model and training settings on the synthetic set; returns the figures.
    jobs: folds in parallel processes (one torch thread each); default one per available core, at most 2.
    fold_done(done, total): after each fold (the command line draws it as a bar)."""
    from merstudio.model.config import ModelConfig
    from merstudio.training.run import run_protocol
    from merstudio.training.trainer import TrainSettings

    if jobs is None:
        jobs = max(1, min(2, len(os.sched_getaffinity(0))))
    data, classes = synthetic_flow_set(n_samples, n_subjects)
    cfg = ModelConfig(in_channels=3, input_size=28, T=1, n_classes=len(classes), class_names=classes)
    settings = TrainSettings()
    if epochs is not None:
        settings.epochs = epochs
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(out_dir) if out_dir is not None else Path(tmp)
        t0 = time.perf_counter()
        cpu0 = _cpu_seconds()
        m = run_protocol(data, classes, cfg, settings, out, protocol="loso", jobs=jobs,
                         data_desc="synthetic flow benchmark", fold_done=fold_done)
        dt = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
    cpus = len(os.sched_getaffinity(0))
    return {"samples": n_samples, "subjects": n_subjects, "folds": m["n_folds"], "epochs": settings.epochs,
            "jobs": jobs, "threads_per_job": max(1, cpus // jobs) if jobs > 1 else None, "cpus": cpus,
            "seconds": round(dt, 1), "minutes": round(dt / 60, 2),
            # CPU time of this process and its (finished) fold workers: on `jobs` cores of its own the run would
            # take about cpu / jobs; a wall time far above that means other work shared the cores
            "cpu_seconds": round(cpu, 2), "cpu_minutes": round(cpu / 60, 2), "cpu_minutes_per_job": round(cpu / 60 / jobs, 2),
            "uf1": round(m["uf1"], 3), "uar": round(m["uar"], 3), "accuracy": round(m["accuracy"], 3),
            "arithmetic": settings.arithmetic()}
