"""Tiny data and model settings for the training tests (seconds, not minutes), and the fine-tuning tests' project."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.finetune_project import project_fixtures

from merstudio.model.config import ModelConfig
from merstudio.training.bench import synthetic_flow_set
from merstudio.training.protocols import DataArrays
from merstudio.training.trainer import TrainSettings

# ``built`` (support.finetune_project's project, built once per module that asks), ``cache`` (that module's
# preprocessing cache) and ``proj`` (each test's private copy: project, checkpoint); a module that calls
# project_fixtures itself keeps its own
built, cache, proj = project_fixtures("ftproj")


def _tiny_cfg(**kw) -> ModelConfig:
    base = dict(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0)
    base.update(kw)
    return ModelConfig(**base)


def _tiny_settings(**kw) -> TrainSettings:
    base = dict(epochs=2, batch_size=8, lr=3e-3, warmup_epochs=0, device="cpu")
    base.update(kw)
    return TrainSettings(**base)


@pytest.fixture
def tiny_data() -> tuple[DataArrays, list[str]]:
    data, classes = synthetic_flow_set(n_samples=30, n_subjects=6, seed=3)
    # give half the samples AU labels so the AU head and its metrics are exercised
    rng = np.random.default_rng(0)
    data.au = (rng.random((len(data), 12)) < 0.3).astype(np.float32)
    data.au_mask = np.arange(len(data)) % 2 == 0
    return data, classes


def _write_flow_table(folder: Path, n: int = 24, n_subjects: int = 4, seed: int = 0) -> Path:
    """A generic sample table of 28x28 u/v/strain PNGs (like the shared MEGC flow images)."""
    data, classes = synthetic_flow_set(n_samples=n, n_subjects=n_subjects, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["subject,sample,label,path,dataset"]
    for i in range(n):
        img = (data.X[i, 0].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        name = f"flows/{data.subjects[i]}_{i:03d}.png"
        (folder / "flows").mkdir(exist_ok=True)
        cv2.imwrite(str(folder / name), img[:, :, ::-1])
        rows.append(f"{data.subjects[i]},c{i:03d},{classes[data.y[i]]},{name},{'a' if i % 2 else 'b'}")
    table = folder / "samples.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return table


@pytest.fixture
def tiny_cfg():
    return _tiny_cfg


@pytest.fixture
def tiny_settings():
    return _tiny_settings


@pytest.fixture
def flow_table():
    return _write_flow_table
