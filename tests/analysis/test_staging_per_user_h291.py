"""Output URLs stage in a folder of this user's own, made 0700 (h291, a107 finding 3): the one fixed
`$TMPDIR/merstudio-staging` was made 0755 by whoever ran first, and every other user's `analyze -o s3://...` failed
with exit 3; a folder of that guessable name planted by someone else (or a link) is refused, not written into."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from support.staging import own_tmpdir

from merstudio.analysis.outputs import staging_dir, staging_root
from merstudio.errors import OutputError

URL = "memory://bucket/out"


@pytest.fixture
def tmpd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_tmpdir(tmp_path, monkeypatch)


def test_each_user_stages_in_a_private_folder_of_their_own(tmpd: Path) -> None:
    (tmpd / "merstudio-staging").mkdir(mode=0o755)  # the shared folder an earlier merstudio (another user) made
    folder = staging_dir(URL)
    assert folder.parent == staging_root() == tmpd / f"merstudio-staging-{os.getuid()}"
    st = staging_root().stat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()
    folder.mkdir()  # what analyze does next: the root is there already
    assert staging_dir(URL) == folder  # the same URL, the same folder (its lock, its partial rows)


def test_a_root_open_to_others_is_closed(tmpd: Path) -> None:
    root = staging_root()
    root.mkdir(mode=0o777)
    root.chmod(0o777)
    staging_dir(URL)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_another_users_folder_is_refused(tmpd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = staging_root()
    root.mkdir(mode=0o700)
    me = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: me + 1)  # the folder is now someone else's (no chown without root)
    monkeypatch.setattr("merstudio.analysis.outputs.staging_root", lambda: root)  # its name keeps the real uid
    with pytest.raises(OutputError, match="not a folder of yours.*set TMPDIR to a folder of your own"):
        staging_dir(URL)


def test_a_planted_link_is_refused(tmpd: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "theirs"
    elsewhere.mkdir()
    staging_root().symlink_to(elsewhere)
    with pytest.raises(OutputError, match="not a folder of yours"):
        staging_dir(URL)
    assert not any(elsewhere.iterdir())
