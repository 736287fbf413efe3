"""An analysis cancelled part-way (Ctrl+.) proposes the spots of the frames it analysed, as `merstudio analyze`
stopped by Ctrl-C keeps them (<name>.spots.partial.csv): it proposed nothing ("Analysis cancelled: 0 proposals to
review (N next, Y accept, X reject)") though the motion lane showed the movements. The status line says which
frames the proposals are of, and shows no review keys."""

from __future__ import annotations

import pytest
from gui_fixtures import FPS, N_FRAMES, SPOTS, FakeAnalysis, H, Spot, W

from merstudio.gui import commands as C
from merstudio.gui.workers import AnalysisWorker
from merstudio.project import Project

pytestmark = pytest.mark.gui

STOP_AT = 40  # frames analysed before the cancel: SPOTS[0] (frames 20-28) is inside them, SPOTS[1] (55-62) is not


class PartAnalysis(FakeAnalysis):
    """The fake's spots, as the pipeline's Analysis.spots gives them: of the frames analysed (frames_done)."""

    def spots(self):
        return [Spot(0, on, ap, off, 0.8) for on, ap, off in SPOTS if off < self.frames_done]


def test_a_cancelled_first_run_proposes_the_spots_of_the_frames_analysed(qapp, tmp_path, video_path,
                                                                        fake_analysis):
    proj = Project.create(tmp_path / "p.merproj")
    vid = proj.add_video(video_path, fps=FPS, frame_count=N_FRAMES, width=W, height=H).id
    w = AnalysisWorker(proj, vid, str(video_path), {"landmarks": True},
                       make_analysis=lambda src, st: PartAnalysis(src, st), batch_seconds=0.0)
    w.progress.connect(lambda done, total: w.cancel() if done >= STOP_AT else None)  # same thread: direct
    w.run()
    assert w.status == "cancelled"
    assert proj.frame_count_stored(vid) == STOP_AT
    assert [(e.onset, e.apex, e.offset, e.status) for e in proj.proposals(vid)] == [(*SPOTS[0], "proposal")]
    assert w.warnings[0] == f"for frames 0-{STOP_AT - 1} analysed (of {N_FRAMES})"
    proj.close()


def test_the_status_line_says_the_frames_and_shows_no_review_keys(qtbot, window, video_path, fake_analysis,
                                                                 monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "spots", PartAnalysis.spots)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    fake_analysis.gate = __import__("threading").Event()  # rows stop after frame 10 until the cancel
    window.analysis.batch_seconds = 0.0
    assert window.ctx.execute(C.RunAnalysis, settings={})
    qtbot.waitUntil(lambda: window.buffer is not None and window.buffer.frames_done >= 11, timeout=20000)
    window.ctx.execute(C.CancelAnalysis)
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    fake_analysis.gate = None
    qtbot.waitUntil(lambda: "Analysis cancelled" in window.statusBar().currentMessage(), timeout=10000)
    line = window.statusBar().currentMessage()
    # no spot ends by frame 10
    assert line.startswith("Analysis cancelled at frame 11 of 90: no proposals in frames 0-10"), line
    assert "N next" not in line, line
