"""open_source: a dropped source closes at once (no reference cycle waits for the GC); arguments of the wrong type
are refused in one line."""

from __future__ import annotations

import gc
import os
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from merstudio.io import open_source


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")
def test_dropped_video_source_closes_without_gc(make_video: Callable[..., Path]) -> None:
    path = make_video("release.avi", "MJPG")
    with open_source(path):  # warm up: the first open loads FFmpeg's libraries and caches
        pass
    gc.collect()
    gc.disable()
    try:
        before = _fds()
        src = open_source(path)
        src.frame(3)
        ref = weakref.ref(src)
        del src
        assert ref() is None  # freed by its reference count: nothing held it in a cycle
        assert _fds() == before  # the capture's file is closed
    finally:
        gc.enable()


def test_iter_frames_after_drop_of_decoder_still_works(make_video: Callable[..., Path]) -> None:
    path = make_video("release.avi", "MJPG")
    with open_source(path) as src:
        assert [i for i, _ in src.iter_frames(0, 3)] == [0, 1, 2]
        assert src.frame(5).shape[2] == 3
        assert src.frame(1).shape[2] == 3  # a step back seeks through the decoder


@pytest.mark.parametrize("path", [42, None, b"clip.mp4", 3.5])
def test_path_of_the_wrong_type(path: object) -> None:
    with pytest.raises(TypeError, match=r"^open_source: expected a path") as info:
        open_source(path)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("fps", ["30", True, [30]])
def test_fps_of_the_wrong_type(make_video: Callable[..., Path], fps: object) -> None:
    path = make_video("release.avi", "MJPG")
    with pytest.raises(TypeError, match=r"^open_source: fps must be a number") as info:
        open_source(path, fps=fps)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_numeric_fps_still_accepted(make_video: Callable[..., Path]) -> None:
    import numpy as np

    path = make_video("release.avi", "MJPG")
    with open_source(path, fps=np.float32(60)) as src:
        assert src.fps == 60.0
    with open_source(path, fps=25) as src:
        assert src.fps == 25.0
