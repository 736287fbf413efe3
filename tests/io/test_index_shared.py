"""A variable-frame-rate video's frame index (a pass over the whole file) is built once per version of the file and
shared: the app indexes it in a worker (gui.video_opening) and the analysis' own decoder takes the same index
instead of a second pass; the pass reports how far it is and stops when cancelled."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from support.vfr_clips import times as vfr_times
from support.vfr_clips import write_vfr_clip

from merstudio.io import frames, open_source


@pytest.fixture
def clip(tmp_path):
    frames._INDEXES.clear()
    yield write_vfr_clip(tmp_path / "phone.mp4")
    frames._INDEXES.clear()


def _open(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_source(path)


def test_a_second_opening_takes_the_index_of_the_first(clip):
    with pytest.raises(frames.IndexNeeded), frames.indexing(defer=True):
        _open(clip)  # nothing indexed yet: the caller is told before any long pass
    first = _open(clip)
    with frames.indexing(defer=True):  # indexed: opens at once, no pass
        second = _open(clip)
    assert second.is_vfr and second.frame_count == first.frame_count == 90
    assert np.allclose(second.timestamps, vfr_times(), atol=2e-3)
    assert np.array_equal(second.timestamps, first.timestamps)
    assert second.frame(70).mean() == pytest.approx(first.frame(70).mean(), abs=1)
    first.close()
    second.close()
    st = clip.stat()
    os.utime(clip, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # another version of the file: indexed anew
    with pytest.raises(frames.IndexNeeded), frames.indexing(defer=True):
        _open(clip)


def test_the_index_pass_reports_progress_and_can_be_cancelled(clip, monkeypatch):
    monkeypatch.setattr(frames, "_INDEX_STEP", 10)
    seen = []
    with frames.indexing(progress=lambda done, total: seen.append((done, total))):
        src = _open(clip)
    assert seen[-1] == (90, 90) and [d for d, _ in seen[:-1]] == list(range(10, 91, 10))
    src.close()
    frames._INDEXES.clear()
    with pytest.raises(frames.IndexCancelled), frames.indexing(cancel=lambda: True):
        _open(clip)
    assert not frames._INDEXES  # a cancelled pass keeps nothing


def test_another_process_adopts_the_index(clip) -> None:
    """The app's analysis runs in a spawned child (analysis.remote): it gets the parent's index with its arguments
    and opens the video without a second whole-file pass (35.9 s for 60 minutes before its first row)."""
    assert frames.known_index(clip) is None
    _open(clip).close()
    known = frames.known_index(clip)
    assert known is not None
    frames._INDEXES.clear()  # as in a fresh process
    frames.adopt_index(known)
    with frames.indexing(defer=True):  # no pass needed
        src = _open(clip)
    assert src.frame_count == 90 and np.allclose(src.timestamps, vfr_times(), atol=2e-3)
    src.close()


def test_the_analysis_child_is_given_the_index(clip, monkeypatch) -> None:
    from merstudio.analysis import remote

    _open(clip).close()
    started = {}

    class Proc:
        def __init__(self, target, args, **kw):
            started["index"] = args[-1]

        def start(self):
            raise RuntimeError("not started")  # the arguments are what this test reads

    spawn = remote.mp.get_context("spawn")  # (remote.mp is multiprocessing itself: taken before it is patched)

    class Ctx:
        def __getattr__(self, name):
            return getattr(spawn, name)

        Process = Proc

    monkeypatch.setattr(remote.mp, "get_context", lambda kind: Ctx())
    with pytest.raises(RuntimeError, match="not started"):
        remote.ProcessAnalysis(clip)
    key, times = started["index"]
    assert key == frames.known_index(clip)[0] and len(times) == 90
