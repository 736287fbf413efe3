"""The batch's progress after a stop (Ctrl-C or a cancel): an input stopped part-way counts by the share of its
frames it analysed, not as a finished video. It was counted as one, so the batch bar read 100 % after a Ctrl-C
that stopped every running input."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.execution import Backend


def test_a_stopped_input_counts_by_its_frames_not_as_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # every frame reported: with the throttle, a fast or loaded machine could analyse all 40 frames between two
    # reports, so the stop came after the last frame (CI's failure at e43ca12)
    monkeypatch.setattr(B, "PROGRESS_SECONDS", 0.0)
    clip = write_clip(tmp_path / "a.avi", n=40)
    seen: list[B.BatchProgress] = []
    stop = threading.Event()

    def progress(p: B.BatchProgress) -> None:
        seen.append(p)
        if p.frames >= 5:
            stop.set()  # as the first Ctrl-C does (run_batch's sigint_cancels sets the same kind of event)

    result = B.run_batch(B.plain_plan([clip], tmp_path / "out", False), AnalysisSettings(), Backend(),
                         cancel=stop, on_progress=progress)
    assert result.cancelled and len(result.outputs) == 1
    out = result.outputs[0]
    assert not out.complete and 0 < out.frames < out.frame_count == 40
    last = seen[-1]
    assert last.videos_done == 0
    assert last.videos() == out.frames / out.frame_count  # how far it got: well short of the one video (100 %)


def test_a_killed_input_counts_by_the_frames_its_partial_meta_kept(tmp_path: Path) -> None:
    """A task killed after the grace period comes back as Cancelled: its share from the partial meta it left."""
    from merstudio.analysis.files import output_paths
    from merstudio.execution import Cancelled

    clip = write_clip(tmp_path / "a.avi", n=10)
    plan = B.plain_plan([clip], tmp_path / "out", False)
    run = B._BatchRun(plan, AnalysisSettings(), "csv", lambda line: None, None, None)
    run.fail_known_errors()
    run.plan_tasks(None, None)
    run.on_start(0)
    paths = output_paths(plan.out, plan.items[0].name)
    paths.partial.write_text("frame\n0\n1\n2\n")
    paths.partial_meta.write_text('{"status": "partial", "frames_processed": 3, "frame_count": 12, "fps": 30}')
    run.settle(0, Cancelled("stopped (the worker was killed)"))
    assert run.progress.videos_done == 0 and run.progress.videos() == 0.25
