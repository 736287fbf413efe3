"""`merstudio doctor` lists the staging folders of runs to output URLs (`$TMPDIR/merstudio-staging/`) with their
size: a stopped or killed run's partial rows stay there unpublished, under a name that gives no hint of its URL."""

from __future__ import annotations

import pytest
from support.staging import DAY, left_staging, own_tmpdir

from merstudio.analysis.outputs import staging_root
from merstudio.cli import doctor


@pytest.fixture
def tmpdir_here(tmp_path, monkeypatch):
    return own_tmpdir(tmp_path, monkeypatch)


def test_none_yet(tmpdir_here):
    assert doctor._check_staging() == ("ok", f"{staging_root()} (none: runs to output URLs write there until they "
                                             "publish)")


def test_each_folder_left_is_counted_with_its_size(tmpdir_here):
    left_staging("s3://b/one", DAY / 2)
    (left_staging("s3://b/two", 2 * DAY) / "clip.partial.csv").write_bytes(bytes(400_000))
    status, detail = doctor._check_staging()
    assert status == "ok" and detail.startswith(f"{staging_root()} (2 folder(s), 0.4 MB: partial rows of runs "), detail
    assert "removes those unused for a day" in detail and "\n" not in detail
