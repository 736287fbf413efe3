"""An analysis gives back MediaPipe's face graphs when its stream ends, finished or stopped early: they were never
closed, and a process analysing video after video (a batch with one job, the app) kept ~90 MB per run."""

from __future__ import annotations

import pytest
from support.clips import write_clip

from merstudio.analysis.pipeline import Analysis, AnalysisSettings
from merstudio.face import tracker as T
from merstudio.io import open_source


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clip") / "a.avi", n=12)


@pytest.fixture
def closed(monkeypatch) -> list[T.FaceTracker]:
    seen: list[T.FaceTracker] = []
    original = T.FaceTracker.close

    def close(self):
        seen.append(self)
        return original(self)

    monkeypatch.setattr(T.FaceTracker, "close", close)
    return seen


def test_a_finished_run_closes_its_tracker(clip, closed) -> None:
    with open_source(clip) as src:
        rows = list(Analysis(src, AnalysisSettings()).rows())
    assert len(rows) >= 12 and len(closed) == 1


def test_a_run_stopped_early_closes_its_tracker(clip, closed) -> None:
    with open_source(clip) as src:
        stream = Analysis(src, AnalysisSettings()).rows()
        next(stream)
        stream.close()  # the consumer stops reading (Ctrl-C, a cancelled export)
    assert len(closed) == 1
