"""Fixtures of the CLI tests: a short face clip to analyse, and for those that write analysis outputs to a URL
(`analyze -o memory://...`) a bucket and an empty working folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.clips import write_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """A 16-frame face clip, a.avi (30 fps: its container states the rate), written once per test module; a module
    that needs another clip defines its own `clip`."""
    return write_clip(tmp_path_factory.mktemp("clip") / "a.avi", n=16)


@pytest.fixture
def bucket(request):
    """(fsspec's in-memory filesystem, a root of this test's own in it), emptied afterwards."""
    import fsspec

    mem = fsspec.filesystem("memory")
    root = f"/t-{request.node.name.replace('_', '-')[:40]}"
    yield mem, root
    if mem.exists(root):
        mem.rm(root, recursive=True)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch) -> Path:
    """An empty working folder: a URL taken for a local path (memory:/...) would land in it."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    return here
