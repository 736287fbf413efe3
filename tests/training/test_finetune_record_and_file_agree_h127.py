"""A fine-tuning interrupted (Ctrl-C) after its checkpoint is written but before the project records the run leaves
no checkpoint that the project's held-out record misses; the record names the checkpoint by an absolute path, not
one relative to the folder the command ran in."""

from __future__ import annotations

import os

import pytest

import merstudio.training.finetune as F
from merstudio.project import Project


def _split(path):
    with Project.open(path, read_only=True) as p:
        return p.get_setting(F.SPLIT_SETTING)


def test_ctrl_c_before_the_run_is_recorded_leaves_no_checkpoint(proj, cache, monkeypatch):
    path, ckpt = proj
    before = _split(path)
    out = path.parent / "interrupted.pt"

    def interrupted(*a, **k):
        assert out.exists()  # the checkpoint was written: the interrupt comes between it and the record
        raise KeyboardInterrupt

    monkeypatch.setattr(F, "store_split", interrupted)
    with pytest.raises(KeyboardInterrupt):
        F.finetune(path, ckpt, out, epochs=1, cache_dir=cache)
    assert not out.exists()
    assert not [n for n in os.listdir(path.parent) if n.endswith(".part")]
    assert _split(path) == before


def test_the_run_names_its_checkpoint_by_an_absolute_path(proj, cache, monkeypatch):
    path, ckpt = proj
    (path.parent / "ft" / "r0").mkdir(parents=True)
    monkeypatch.chdir(path.parent)
    res = F.finetune(path, ckpt, os.path.join("ft", "r0", "tiny-ft1.pt"), epochs=1, cache_dir=cache)
    where = path.parent / "ft" / "r0" / "tiny-ft1.pt"
    assert where.exists()
    runs = _split(path)["runs"]
    assert runs[-1]["checkpoint"] == str(where)
    assert res.checkpoint == where
