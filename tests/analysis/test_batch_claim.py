"""A batch that fails while planning its tasks (a video that cannot be split into segments) gives the output
folder's claim back: the next batch there ran into "another batch is running in this folder" for as long as the
process lived (an app or a notebook)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.errors import InputError
from merstudio.execution import Backend


def test_a_batch_failing_while_planning_releases_the_folder(tmp_path: Path, monkeypatch) -> None:
    clip = write_clip(tmp_path / "a.avi", n=6)
    out = tmp_path / "out"

    def cannot_split(*_args, **_kwargs):
        raise InputError("--segment-minutes: this merstudio cannot split videos into segments")

    monkeypatch.setattr(B, "_segment_spans", cannot_split)
    with pytest.raises(InputError, match="cannot split"):
        B.run_batch(B.plan_batch([clip], out), AnalysisSettings(), Backend(), segment_s=1.0)
    monkeypatch.undo()
    res = B.run_batch(B.plan_batch([clip], out), AnalysisSettings(), Backend())
    assert [r.complete for r in res.outputs] == [True]
