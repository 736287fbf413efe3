"""Where the preprocessing cache lies by default: $MERSTUDIO_CACHE, else $XDG_CACHE_HOME/merstudio (the XDG Base
Directory spec, as matplotlib's and pip's caches follow it), else ~/.cache/merstudio."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.flow_tables import write_table

from merstudio.datasets import PreprocessSettings, load_samples, prepare
from merstudio.datasets.preprocess import default_cache_dir


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name in ("MERSTUDIO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return monkeypatch


def test_xdg_cache_home_is_honoured(tmp_path, env):
    ds = load_samples("table", write_table(tmp_path / "data", n=2, n_subjects=2))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "merstudio"  # unset: ~/.cache, as before
    env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "merstudio"
    _, info = prepare(ds, PreprocessSettings(size=28, T=1, align=False))
    assert info["cache_dir"] == str(tmp_path / "xdg" / "merstudio")
    assert len(list((tmp_path / "xdg" / "merstudio").rglob("*.npz"))) == 2
    assert not (tmp_path / "home").exists()
    env.setenv("MERSTUDIO_CACHE", str(tmp_path / "mine"))  # merstudio's own setting comes first
    assert default_cache_dir() == tmp_path / "mine"


@pytest.mark.parametrize("value", ["", "relative/cache"])
def test_an_empty_or_relative_xdg_cache_home_is_ignored(tmp_path, env, value):
    """The spec: an empty or relative $XDG_CACHE_HOME is to be ignored."""
    env.setenv("XDG_CACHE_HOME", value)
    assert default_cache_dir() == Path(tmp_path / "home" / ".cache" / "merstudio")


def test_datasets_prepare_fills_and_names_the_xdg_cache(tmp_path, env, capsys):
    table = write_table(tmp_path / "data", n=2, n_subjects=2)
    env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "-q")
    assert code == 0, err
    assert f"cache {tmp_path / 'xdg' / 'merstudio'}/prep-" in out
    assert len(list((tmp_path / "xdg" / "merstudio").rglob("*.npz"))) == 2 and not (tmp_path / "home").exists()
