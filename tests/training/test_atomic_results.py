"""Run-folder results (predictions.csv, metrics.json, summary.md, confusion.png, fold files, grid/ablation) go
through merstudio.atomic.atomic_path: a failed rename leaves the old file as it was and no temporary behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import merstudio.training.run as run_mod
from merstudio.errors import OutputError

RESULTS = ("predictions.csv", "metrics.json", "summary.md", "confusion.png")


def fail_replace_of(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """os.replace raises (as on a full disk or a yanked drive) when it would land `name`; others go through."""
    real = os.replace
    seen: list[str] = []

    def replace(src, dst, *a, **kw):
        seen.append(Path(dst).name)
        if Path(dst).name == name:
            raise OSError(28, "No space left on device")
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", replace)
    return seen


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or ".tmp" in p.name)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory):
    from merstudio.model.config import ModelConfig
    from merstudio.training.bench import synthetic_flow_set
    from merstudio.training.trainer import TrainSettings

    data, classes = synthetic_flow_set(n_samples=18, n_subjects=3, seed=5)
    out = tmp_path_factory.mktemp("run") / "run"
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8, dropout=0.0, use_au=False)
    settings = TrainSettings(epochs=1, batch_size=8, lr=3e-3, warmup_epochs=0, device="cpu")
    run_mod.run_protocol(data, classes, cfg, settings, out, protocol="loso")
    return out, classes


@pytest.mark.parametrize("name", RESULTS)
def test_summarise_result_is_replaced_whole_or_not_at_all(finished_run, monkeypatch, name):
    out, classes = finished_run
    old = {n: (out / n).read_bytes() for n in RESULTS}
    (out / name).write_bytes(b"OLD RESULT")
    try:
        seen = fail_replace_of(monkeypatch, name)
        with pytest.raises(OutputError, match=rf"{name}: cannot write \(No space left on device\)"):
            run_mod.summarise(out, None, classes)
        assert name in seen  # the write went through os.replace (atomic), not straight into the file
        assert (out / name).read_bytes() == b"OLD RESULT"
        assert _leftovers(out) == []
    finally:
        monkeypatch.undo()
        for n, content in old.items():
            (out / n).write_bytes(content)


def test_summarise_never_leaves_a_partial_new_file(finished_run, monkeypatch):
    out, classes = finished_run
    saved = (out / "metrics.json").read_bytes()
    (out / "metrics.json").unlink()
    try:
        fail_replace_of(monkeypatch, "metrics.json")
        with pytest.raises(OutputError):
            run_mod.summarise(out, None, classes)
        assert not (out / "metrics.json").exists() and _leftovers(out) == []
    finally:
        monkeypatch.undo()
        (out / "metrics.json").write_bytes(saved)


def test_fold_files_are_written_atomically(tmp_path, monkeypatch):
    from merstudio.training.bench import synthetic_flow_set
    from merstudio.training.protocols import make_folds

    data, _ = synthetic_flow_set(n_samples=6, n_subjects=2, seed=1)
    fold = make_folds(data.subjects, "loso")[0]
    stem = run_mod._fold_stem(fold)
    target = tmp_path / f"{stem}.json"
    target.write_text("old")
    fail_replace_of(monkeypatch, target.name)
    with pytest.raises(OutputError):
        run_mod._write_atomic(target, '{"new": 1}')
    assert target.read_text() == "old" and _leftovers(tmp_path) == []


def test_tune_grid_json_is_atomic(tmp_path, monkeypatch):
    import merstudio.training.tune as tune_mod

    (tmp_path / "grid.json").write_text("old")
    monkeypatch.setattr(tune_mod, "run_protocol", lambda *a, **kw: {"uf1": 0.5, "uar": 0.5, "accuracy": 0.5})
    fail_replace_of(monkeypatch, "grid.json")
    from merstudio.model.config import ModelConfig
    from merstudio.training.trainer import TrainSettings

    with pytest.raises(OutputError):
        tune_mod.grid_search(None, ["a"], ModelConfig(), TrainSettings(), {"train.lr": [1e-3]}, tmp_path)
    assert (tmp_path / "grid.json").read_text() == "old" and _leftovers(tmp_path) == []
