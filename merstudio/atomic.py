"""Atomic file writes: write beside the target, then os.replace, so a crash never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from merstudio.errors import OutputError


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` on success, remove it on failure.
    OS errors become one-line OutputErrors naming ``path``."""
    dst = Path(path)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{dst}: cannot write ({exc.strerror or exc})") from None
    try:
        yield Path(tmp)
        os.replace(tmp, dst)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{dst}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
