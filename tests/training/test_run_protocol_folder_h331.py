"""run_protocol from Python keeps a user's own files as `merstudio train` does (h316's rule, in one place:
training.run_folders): a folder holding files of the names a run writes and no run.json is refused before any
training, unless overwrite=True; an earlier run there resumes as before (a115, h331)."""

from __future__ import annotations

import pytest

import merstudio.training.run as run_mod
from merstudio.errors import OutputError


def _never_trained(*a, **k):
    raise AssertionError("a fold was trained in a folder the run should have refused")


def test_a_folder_of_the_users_own_files_is_refused_before_any_fold(tiny_data, tiny_cfg, tiny_settings, tmp_path,
                                                                    monkeypatch):
    data, classes = tiny_data
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.md").write_text("my own notes\n", encoding="utf-8")
    (out / "predictions.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setattr(run_mod, "train_fold", _never_trained)
    with pytest.raises(OutputError) as info:
        run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2")
    assert str(info.value) == (f"out_dir {out}: holds results already (predictions.csv, summary.md); choose another "
                               "folder or use overwrite=True to replace them")
    assert (out / "summary.md").read_text(encoding="utf-8") == "my own notes\n"
    assert sorted(p.name for p in out.iterdir()) == ["predictions.csv", "summary.md"]  # nothing written


def test_overwrite_lets_it_and_the_run_then_resumes_there_without_it(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.md").write_text("my own notes\n", encoding="utf-8")
    m = run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2",
                             overwrite=True)
    assert m["n_folds"] == 2
    assert (out / "summary.md").read_text(encoding="utf-8").startswith("# Run summary")
    again = run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2")
    assert again["n_folds"] == 2  # its own earlier run: resumed (every fold kept), no overwrite needed
