"""finetune() from Python leaves the caller's global generators and torch's thread count as they were (it seeds
them for its own run and set the threads; a notebook's random stream changed after it)."""

from __future__ import annotations

import random
import shutil

import numpy as np
import torch
from support.finetune_project import build_project

import merstudio.training.finetune as F


def test_finetune_keeps_the_caller_s_generators_and_threads(tmp_path) -> None:
    built = build_project(tmp_path / "built")
    dst = tmp_path / "p"
    shutil.copytree(built.path.parent, dst)
    random.seed(5)
    np.random.seed(5)
    torch.manual_seed(5)
    expected = (random.random(), float(np.random.rand()), float(torch.rand(1).item()))
    threads = torch.get_num_threads()
    random.seed(5)
    np.random.seed(5)
    torch.manual_seed(5)
    F.finetune(dst / built.path.name, dst / built.checkpoint.name, epochs=1, cache_dir=tmp_path / "cache")
    assert (random.random(), float(np.random.rand()), float(torch.rand(1).item())) == expected
    assert torch.get_num_threads() == threads
