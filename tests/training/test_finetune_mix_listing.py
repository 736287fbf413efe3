"""`finetune --mix` lists its mixed dataset once: the held-out test (which mixed samples come from a held-out video)
reads the paths of the samples the arrays were made of, instead of walking the dataset's tree a second time."""

from __future__ import annotations

import shutil

import merstudio.datasets as D
import merstudio.training.finetune as F


def test_the_mixed_dataset_is_listed_once(built, flow_table, tmp_path, monkeypatch):
    dst = tmp_path / "p"
    shutil.copytree(built.path.parent, dst)
    path, ckpt = dst / built.path.name, dst / built.checkpoint.name
    table = flow_table(tmp_path / "mix", n=12, n_subjects=3)
    calls: list[str] = []
    real = D.load_samples

    def counting(kind, root, **kw):
        calls.append(str(root))
        return real(kind, root, **kw)

    monkeypatch.setattr(D, "load_samples", counting)
    res = F.finetune(path, ckpt, dst / "mixed.pt", epochs=1, mix_with=str(table), cache_dir=tmp_path / "cache",
                     log=lambda *a, **k: None)
    assert res.n_mix == 12 and res.n_mix_held_out == 0
    assert calls.count(str(table)) == 1, calls
