"""Staging folders of output URLs (`$TMPDIR/merstudio-staging/<hash>/`) that stopped or killed runs left: a later
run removes those nobody uses (no claim held in them, nothing changed for a day); the line after a Ctrl-C to a URL
says where its partial files are. Nothing removed them unless the same URL was run again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from support.staging import DAY, GONE_PID, left_staging, own_tmpdir

from merstudio.analysis.outputs import remove_stale_staging, staging_root
from merstudio.atomic import FileClaim


@pytest.fixture
def tmpdir_here(tmp_path, monkeypatch) -> Path:
    return own_tmpdir(tmp_path, monkeypatch)


def test_only_unused_folders_a_day_old_go(tmpdir_here):
    old, recent = left_staging("s3://b/old", 2 * DAY), left_staging("s3://b/recent", 3600)
    mine = left_staging("s3://b/mine", 2 * DAY)
    busy = left_staging("s3://b/busy", 2 * DAY)
    with FileClaim.acquire(busy / "other.lock"):  # a run going there now (its claim is held)
        os.utime(busy / "other.lock", (time.time() - 2 * DAY,) * 2)
        os.utime(busy, (time.time() - 2 * DAY,) * 2)
        gone = remove_stale_staging(keep=mine)
    assert [p for p, _ in gone] == [old] and gone[0][1] == len("frame,face_id\n0,-1\n") + len(f"{GONE_PID}\n")
    assert not old.exists() and recent.is_dir() and mine.is_dir() and busy.is_dir()
    for folder in (recent, mine, busy):
        assert (folder / "clip.partial.csv").is_file()


def test_the_last_one_takes_the_root_with_it(tmpdir_here):
    left_staging("s3://b/old", 2 * DAY)
    assert len(remove_stale_staging()) == 1
    assert not staging_root().exists()
    assert remove_stale_staging() == []  # no root: nothing to do
