"""Fine-tuning names held-out videos by file name (its id in brackets where two videos share one), as its result's
video_names do, not by the project's internal id ("holding out video 3"); the inputs' preparation announces how many
samples it builds before the first one (seconds: MediaPipe's start-up) is done."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import merstudio.training.finetune as F
from merstudio.errors import InputError


def test_the_log_names_the_held_out_video_by_its_file(built, tmp_path):
    dst = tmp_path / "p"
    shutil.copytree(built.path.parent, dst)
    said: list[str] = []
    res = F.finetune(dst / built.path.name, dst / built.checkpoint.name, epochs=1, cache_dir=tmp_path / "cache",
                     log=said.append)
    [line] = [s for s in said if "holding out video" in s]
    [name] = res.holdout["video_names"]
    assert name.endswith(".avi") and line.endswith(f"; holding out video {name}")


def test_a_locked_split_s_refusal_names_its_videos():
    items = [F.Item(f"event:{k}", k, v, str(v), lab, 0, 1, 2, None)
             for k, (v, lab) in enumerate([(1, "a"), (1, "b"), (2, "a"), (2, "b")] * 3)]
    with pytest.raises(InputError, match=r"none of the locked held-out videos \(gone\.mp4, same\.mp4 \[8\]\)"):
        F.locked_split({"by": "video", "groups": ["9", "8"]}, items, "video", min_train=1,
                       names={"9": "gone.mp4", "8": "same.mp4 [8]"})


def test_preparation_says_how_many_samples_before_the_first(monkeypatch, tmp_path):
    import importlib

    P = importlib.import_module("merstudio.datasets.preprocess")  # the package's `preprocess` is its function

    seen: list[tuple[int, int]] = []

    def prepare(samples, prep, *, progress, cancel, cache_dir):
        assert seen == [(0, len(samples))]  # announced before any sample is built
        for i in range(len(samples)):
            progress(i + 1, len(samples))
        return np.zeros((len(samples), 1)), {}

    monkeypatch.setattr(P, "prepare", prepare)
    items = [F.Item(f"event:{k}", k, 1, "1", "a", 0, 1, 2, None) for k in range(3)]
    F.build_inputs(items, {1: Path(tmp_path / "v.avi")}, {1: 30.0}, object(),
                   progress=lambda d, n: seen.append((d, n)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
