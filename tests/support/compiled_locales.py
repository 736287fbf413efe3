"""Locales compiled for one test session into a LOCPATH folder (no system change): `localedef -i tr_TR -f UTF-8
--no-archive DIR/tr_TR.UTF-8`, as a user's system has them installed. Tests skip, saying so, only where localedef
itself is missing (a C library without it); a localedef that fails is a failure."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def compiled_locale(folder: Path, source: str, charset: str) -> tuple[Path, str]:
    """(the LOCPATH folder, the locale's name) of `source` (tr_TR, de_DE) in `charset` (UTF-8, ISO-8859-1),
    compiled into `folder` unless it is there already."""
    name = f"{source}.{charset}"
    if not (folder / name / "LC_CTYPE").is_file():
        localedef = shutil.which("localedef")
        if localedef is None:
            pytest.skip(f"localedef is missing: the {name} locale this test runs under cannot be compiled")
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([localedef, "-i", source, "-f", charset, "--no-archive", str(folder / name)],
                              capture_output=True, text=True, timeout=120)
        # localedef exits 1 on mere warnings; the compiled LC_CTYPE is what counts
        assert (folder / name / "LC_CTYPE").is_file(), f"localedef {name} failed: {done.stderr[-500:]}"
    return folder, name
