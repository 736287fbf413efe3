"""A preprocessing cache the disk does not take (full, a folder in an entry's place): the inputs are still made,
and the run is told once, naming the cache folder and why, not once per sample (nor not at all)."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest
from support.flow_tables import write_table
from support.prep_cache import expected_inputs
from support.tinyfs import fill, tiny_tmpfs

from merstudio.datasets import DatasetWarning, PreprocessSettings, load_samples, prepare

SETTINGS = PreprocessSettings(size=28, T=1, align=False)
NO_SPACE = os.strerror(errno.ENOSPC)  # "No space left on device"


def _no_room(*args, **kwargs):
    raise OSError(errno.ENOSPC, NO_SPACE)


def _cache_lines(seen) -> list[str]:
    return [str(w.message) for w in seen if "preprocessing cache" in str(w.message)]


def test_a_cache_the_disk_does_not_take_is_said_once_per_run(tmp_path, monkeypatch):
    """Every write failing as on a full disk: one warning for the run naming the folder and why (not one per
    sample), the count in info, and the inputs still made."""
    ds = load_samples("table", write_table(tmp_path / "data", n=4, n_subjects=2))
    cache = tmp_path / "cache"
    monkeypatch.setattr(np, "savez_compressed", _no_room)
    with pytest.warns(DatasetWarning) as seen:
        X, info = prepare(ds, SETTINGS, cache_dir=cache)
    np.testing.assert_allclose(X, expected_inputs(ds), atol=1e-6)
    assert (info["computed"], info["unwritten"]) == (4, 4)
    folder = cache / f"prep-{SETTINGS.key()}"
    assert info["cache_error"] == f"{folder}: cannot write the preprocessing cache ({NO_SPACE})"
    lines = [str(w.message) for w in seen]
    assert len(lines) == 1, lines
    assert str(folder) in lines[0] and NO_SPACE in lines[0] and "4 of 4" in lines[0]
    assert not list(folder.glob("*"))  # no entry, no temporary left


def test_a_really_full_disk(tmp_path):
    """A tmpfs filled up (root only; skipped elsewhere): ENOSPC from the file system itself."""
    ds = load_samples("table", write_table(tmp_path / "data", n=2, n_subjects=2))
    with tiny_tmpfs(tmp_path / "full", "64k") as mnt:
        (mnt / "c").mkdir()
        filler = fill(mnt)
        with pytest.warns(DatasetWarning) as seen:
            X, info = prepare(ds, SETTINGS, cache_dir=mnt / "c")
        np.testing.assert_allclose(X, expected_inputs(ds), atol=1e-6)
        assert info["unwritten"] == 2 and NO_SPACE in info["cache_error"]
        assert len(_cache_lines(seen)) == 1
        assert not list((mnt / "c").rglob("*.npz*"))
        filler.unlink()
        _, again = prepare(ds, SETTINGS, cache_dir=mnt / "c")  # room again: written this time
        assert (again["computed"], again["unwritten"], again["cache_error"]) == (2, 0, None)
        assert len(list((mnt / "c").rglob("*.npz"))) == 2


def test_a_folder_in_an_entrys_place_is_said_once_and_the_input_still_made(tmp_path):
    ds = load_samples("table", write_table(tmp_path / "data", n=2, n_subjects=2))
    cache = tmp_path / "cache"
    prepare(ds, SETTINGS, cache_dir=cache)
    entry = sorted((cache / f"prep-{SETTINGS.key()}").glob("*.npz"))[0]
    entry.unlink()
    (entry / "inside").mkdir(parents=True)  # another program's folder of that name: not ours to delete
    with pytest.warns(DatasetWarning) as seen:
        X, info = prepare(ds, SETTINGS, cache_dir=cache)
    np.testing.assert_allclose(X, expected_inputs(ds), atol=1e-6)
    assert (info["computed"], info["cached"], info["unwritten"]) == (1, 1, 1)
    assert (entry / "inside").is_dir()
    lines = _cache_lines(seen)
    assert len(lines) == 1 and str(entry.parent) in lines[0] and "1 of 1" in lines[0]
