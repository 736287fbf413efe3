"""A folder made unwritable for the length of a test, also when the tests run as root."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only_location(folder: Path) -> Iterator[None]:
    """Make ``folder`` and the files in it unwritable: chmod for a normal user; chattr +i for root (whom
    permissions do not stop); skip the test where neither works."""
    files = [folder / n for n in os.listdir(folder)]
    if os.geteuid() != 0:
        for f in files:
            f.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
            for f in files:
                f.chmod(0o644)
        return
    targets = [str(f) for f in files] + [str(folder)]
    try:
        res = subprocess.run(["chattr", "+i", *targets], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("cannot make a read-only folder as root here (no chattr)")
    if res.returncode != 0:
        subprocess.run(["chattr", "-i", *targets], capture_output=True)
        pytest.skip(f"cannot make a read-only folder as root here (chattr: {res.stderr.strip()})")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *targets], check=True)
