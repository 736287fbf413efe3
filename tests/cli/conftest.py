"""Fixtures of the CLI tests that write analysis outputs to a URL (`analyze -o memory://...`)."""

from __future__ import annotations

from pathlib import Path

import pytest


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
