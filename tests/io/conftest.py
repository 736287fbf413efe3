"""Fixtures for the io tests (helpers in io_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from io_helpers import write_cv, write_ff
from support.miscounted import ffmpeg_or_skip


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    return ffmpeg_or_skip()


@pytest.fixture(scope="session")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("videos")


@pytest.fixture(scope="session")
def make_video(video_dir: Path) -> Callable[..., Path]:
    """Cached writer: make_video(name, fourcc) with cv2, or make_video(name, ffmpeg=exe, args=[...])."""

    def make(name: str, fourcc: str | None = None, ffmpeg: str | None = None, args: list[str] | None = None,
             **kw: object) -> Path:
        path = video_dir / name
        if not path.exists():
            if ffmpeg is not None:
                write_ff(ffmpeg, path, args or [], **kw)  # type: ignore[arg-type]
            else:
                assert fourcc is not None
                write_cv(path, fourcc, **kw)  # type: ignore[arg-type]
        return path

    return make
