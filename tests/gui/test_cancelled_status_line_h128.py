"""A cancelled analysis' status line says where it stopped and which frames its proposals are of, in the line
itself ("Analysis cancelled at frame 40 of 90: 1 proposal for frames 0-39 (N next, Y accept, X reject)"); with none,
no review keys; a re-run cancelled before any frame, over a run that was not complete either, says the previous run
is kept for Undo, and Undo brings it back. (It said "Analysis cancelled, 0 proposals: stopped before any frame was
analysed" while the 11-frame run it replaced waited, unsaid, on the undo stack.)"""

from __future__ import annotations

import pytest
from gui_fixtures import N_FRAMES, SPOTS, FakeAnalysis, Spot
from helpers import cancelled_run, run_analysis

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _part_spots(self):  # as the pipeline's Analysis.spots: of the frames analysed
    return [Spot(0, on, ap, off, 0.8) for on, ap, off in SPOTS if off < self.frames_done]


def test_a_cancelled_run_says_its_frames_and_proposals(qtbot, window, video_path, fake_analysis, monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "spots", _part_spots)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    line = cancelled_run(qtbot, window, fake_analysis, at=40)
    # 40 frames (0-39) of the clip's 90 analysed: the spot at 20-28 ends within them, the one at 55-62 does not
    assert [(e.onset, e.offset) for e in window.project.proposals(window.video.id)] == [(20, 28)]
    assert line == f"Analysis cancelled at frame 40 of {N_FRAMES}: 1 proposal for frames 0-39 (N next, Y accept, " \
                   "X reject)", line


def test_a_rerun_cancelled_at_once_says_the_previous_run_is_kept_for_undo(qtbot, window, video_path, fake_analysis,
                                                                       monkeypatch):
    monkeypatch.setattr(FakeAnalysis, "spots", _part_spots)
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    proj, vid = window.project, window.video.id
    first = cancelled_run(qtbot, window, fake_analysis, at=11)
    assert first == f"Analysis cancelled at frame 11 of {N_FRAMES}: no proposals in frames 0-10", first
    kept = proj.analysis(vid).id
    line = cancelled_run(qtbot, window, fake_analysis, at=0)
    assert proj.analysis(vid).id != kept and proj.frame_count_stored(vid) == 0  # the empty run is the active one
    assert line == ("Analysis cancelled before any frame was analysed: no proposals; the previous run is kept: "
                    "Edit > Undo (Ctrl+Z) brings it back"), line
    assert "N next" not in line
    window.undo_stack.undo()
    assert proj.analysis(vid).id == kept and proj.frame_count_stored(vid) == 11


def test_a_complete_run_says_its_proposals_to_review(qtbot, window, video_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    run_analysis(qtbot, window)
    qtbot.waitUntil(lambda: "Analysis complete" in window.statusBar().currentMessage(), timeout=10000)
    assert window.statusBar().currentMessage() == \
        f"Analysis complete: {len(SPOTS)} proposals to review (N next, Y accept, X reject)"
