"""Honest hyper-parameter choice: each candidate is scored by k-fold-by-subject cross-validation on the data it
is given (pass only training subjects), never on a held-out test subject. A tool for choosing defaults."""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from pathlib import Path
from typing import Any

from merstudio.atomic import write_text_atomic
from merstudio.training.protocols import DataArrays
from merstudio.training.run import run_protocol
from merstudio.training.trainer import TrainSettings


def grid_search(data: DataArrays, class_names: list[str], model_cfg: Any, settings: TrainSettings,
                grid: dict[str, list[Any]], out_dir: str | Path, protocol: str = "kfold:5",
                jobs: int = 1) -> list[dict[str, Any]]:
    """Score every combination of `grid` ({"train.lr": [...], "model.width": [...]}) by `protocol` CV.
    Results (sorted best UF1 first) are also written to out_dir/grid.json; finished runs are reused."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    keys = list(grid)
    results = []
    for combo in itertools.product(*(grid[k] for k in keys)):
        mc, ts = model_cfg, settings
        name = []
        for k, v in zip(keys, combo, strict=True):
            part, field = k.split(".", 1)
            if part == "model":
                mc = dataclasses.replace(mc, **{field: v})
            else:
                ts = dataclasses.replace(ts, **{field: v})
            name.append(f"{field}={v}")
        t0 = time.perf_counter()
        m = run_protocol(data, class_names, mc, ts, out / "_".join(name).replace("/", "-"), protocol=protocol,
                         jobs=jobs, data_desc="grid search")
        results.append({"params": dict(zip(keys, combo, strict=True)), "uf1": m["uf1"], "uar": m["uar"],
                        "accuracy": m["accuracy"], "seconds": time.perf_counter() - t0})
        write_text_atomic(out / "grid.json", json.dumps(results, indent=2))
    return sorted(results, key=lambda r: -r["uf1"])
