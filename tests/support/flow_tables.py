"""A generic sample table of synthetic 28x28 flow PNGs (the layout of the shared MEGC flow images), for CLI tests."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from merstudio.training.bench import synthetic_flow_set


def write_table(folder: Path, n: int = 24, n_subjects: int = 4) -> Path:
    """A generic sample table of 28x28 u/v/strain PNGs."""
    data, classes = synthetic_flow_set(n_samples=n, n_subjects=n_subjects, seed=0)
    (folder / "flows").mkdir(parents=True, exist_ok=True)
    rows = ["subject,sample,label,path"]
    for i in range(n):
        img = (data.X[i, 0].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        name = f"flows/{data.subjects[i]}_{i:03d}.png"
        cv2.imwrite(str(folder / name), img[:, :, ::-1])
        rows.append(f"{data.subjects[i]},c{i:03d},{classes[data.y[i]]},{name}")
    (folder / "samples.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder / "samples.csv"


def write_tiny_config(path: Path, **model: int) -> Path:
    """A `--config` file for a network small enough to train in a test (no warm-up epochs); `model` adds or
    overrides model settings (e.g. width=4)."""
    import json

    path.write_text(json.dumps({"model": {"mswm_width": 8, "local_dim": 4, "lstm_hidden": 8, **model},
                                "train": {"warmup_epochs": 0}}))
    return path


def tune_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """What a small `merstudio tune` run reads, in `tmp_path`: a flow table, a base config of width 4 and a search
    space over two learning rates: (table, base config, space)."""
    import json

    table = write_table(tmp_path / "data")
    base = write_tiny_config(tmp_path / "base.json", width=4)
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"train.lr": [1e-3, 3e-3]}))
    return table, base, space
