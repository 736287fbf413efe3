"""The app's analysis progress counts frames whose rows the window has got (h295, a109 finding 3): the worker sends
rows every batch_seconds, and a progress said meanwhile (the pipeline's, per frame) used to reach the bar first, so
the bar ran ahead of the curves and read 100 % before the last rows came. It is said with those rows now."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES, FakeAnalysis, H, W

from merstudio.gui.workers import AnalysisWorker
from merstudio.project import Project

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("batch_seconds", [3600.0, 0.0])  # rows sent at the end (500 a batch) / row by row
def test_progress_never_runs_ahead_of_the_rows_sent(qapp, tmp_path, video_path, fake_analysis,  # noqa: ANN001
                                                   batch_seconds: float) -> None:
    proj = Project.create(tmp_path / "p.merproj")
    vid = proj.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
    w = AnalysisWorker(proj, vid, str(video_path), {"landmarks": True},
                       make_analysis=lambda src, st: FakeAnalysis(src, st), batch_seconds=batch_seconds)
    sent = [0]  # frames whose rows the window has got
    said: list[tuple[int, int, int]] = []
    w.rows.connect(lambda rows: sent.__setitem__(0, max(sent[0], 1 + max(int(r["frame"]) for r in rows))))
    w.progress.connect(lambda done, total: said.append((done, total, sent[0])))  # same thread: direct
    w.run()
    assert w.status == "complete"
    assert said, "no progress said"
    assert all(done <= got for done, _total, got in said), [s for s in said if s[0] > s[2]][:5]
    assert said[-1] == (N_FRAMES, N_FRAMES, N_FRAMES)
    proj.close()
