"""This user's own private folder under a guessable name in a shared place (TMPDIR): one rule for each such folder,
merstudio.project.lock's merstudio-locks-<uid> and merstudio.analysis.outputs' merstudio-staging-<uid>. Another
user could make the name first (or plant a link there) and then read, replace or block what is kept in it."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


class NotPrivate(OSError):
    """The folder's name is taken by a link, a file or another user's folder: not to be used."""


def own_private_folder(folder: Path) -> Path:
    """`folder` made (mode 0700) or found as this user's own private folder, and returned. OSError when it cannot be
    made; NotPrivate (an OSError) when it is a link, not a folder, or belongs to someone else. Ours but open to
    others (made with another umask, or by hand): closed to 0700."""
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise NotPrivate(f"{folder}: not this user's folder")
    if st.st_mode & 0o077:
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    return folder
