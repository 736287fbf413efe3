"""The fine-tuning dialog's "Re-run predictions with the new model" (RerunPredictions) re-runs the video it was asked
on, or nothing: the checkpoint loads in a worker for seconds, and a coder who opens another video (or project)
meanwhile must not find that one re-run (its proposals replaced, an overlay saved in it) without being asked. Found
by an audit: the re-run ran on whichever video was shown when the load ended. Like Ctrl+R, it asks first on a video
with coded events."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import two_video_project, write_video
from helpers import HeldLoad

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _analyse(qtbot, win, video_id: int) -> None:
    win.session.select_video(video_id)
    assert win.ctx.execute(C.RunAnalysis, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def test_a_rerun_is_dropped_when_another_video_is_opened_while_its_checkpoint_loads(qtbot, window, tmp_path,
                                                                                   monkeypatch):
    win = window
    a, b = two_video_project(win, tmp_path)
    _analyse(qtbot, win, a.id)
    win.project.add_event(Event(a.id, 10, 12, 15, emotion="surprise", source="manual", coder="tester"))
    asked: list[str] = []
    monkeypatch.setattr(win, "confirm", lambda q: asked.append(q) or True)
    win.session.select_video(b.id)
    load = HeldLoad(monkeypatch)
    assert win.ctx.execute(C.RerunPredictions, path=str(tmp_path / "new.pt")), win.errors
    assert win.analysis.checkpoint_loading == tmp_path / "new.pt"
    win.session.select_video(a.id)  # the coder looks at the other video while the model loads
    # dropped at once, and said: the model in use is unchanged, nothing waits for the load any more
    msg = win.statusBar().currentMessage()
    assert "Re-run of b clip.avi with new.pt not started: another video was opened" in msg, msg
    assert win.analysis.checkpoint_loading is None and not win.busy.isVisible()
    load.release(qtbot)
    assert win.worker is None and win.checkpoint is None and not win.errors
    assert win.project.analysis(a.id).id == 1 and win.project.previous_analysis(a.id) is None  # a not re-run
    assert win.project.overlays(a.id) == [] and win.project.analysis(b.id) is None
    assert asked == []  # b has nothing coded: no question; a was never going to be re-run
    assert [e.source for e in win.project.events(a.id) if e.source == "manual"] == ["manual"]


def test_a_rerun_is_dropped_when_another_project_is_opened_while_its_checkpoint_loads(qtbot, window, tmp_path,
                                                                                     monkeypatch):
    win = window
    two_video_project(win, tmp_path)
    first = win.project.path
    (tmp_path / "o").mkdir()
    write_video(tmp_path / "o" / "other.avi", n=30)
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "o" / "other.merproj"))
    assert win.ctx.execute(C.OpenVideo, path=str(tmp_path / "o" / "other.avi"))
    [other] = win.project.videos()
    _analyse(qtbot, win, other.id)
    assert win.ctx.execute(C.OpenProject, path=str(first))
    assert win.video.name == "b clip.avi"
    load = HeldLoad(monkeypatch)
    assert win.ctx.execute(C.RerunPredictions, path=str(tmp_path / "new.pt")), win.errors
    assert win.ctx.execute(C.OpenProject, path=str(tmp_path / "o" / "other.merproj"))
    assert win.video.name == "other.avi" and win.analysis.checkpoint_loading is None
    qtbot.waitUntil(lambda: "Re-run of b clip.avi with new.pt not started: its project was closed"
                    in win.statusBar().currentMessage(), timeout=5000)
    load.release(qtbot)
    assert win.worker is None and win.checkpoint is None and not win.errors
    assert win.project.analysis(other.id).id == 1 and win.project.previous_analysis(other.id) is None
    assert win.project.overlays(other.id) == []  # no "model: previous" saved in the other project


def test_a_rerun_on_the_video_still_shown_runs_once_its_checkpoint_loads(qtbot, window, tmp_path, monkeypatch):
    win = window
    _a, b = two_video_project(win, tmp_path)
    load = HeldLoad(monkeypatch)
    assert win.ctx.execute(C.RerunPredictions, path=str(tmp_path / "new.pt")), win.errors
    load.release(qtbot)
    qtbot.waitUntil(lambda: win.worker is None and win.project.analysis(b.id) is not None, timeout=20000)
    assert win.project.analysis(b.id).model == str(tmp_path / "new.pt") and win.checkpoint == tmp_path / "new.pt"
    assert not win.errors


def test_rerun_predictions_asks_first_on_a_video_with_coded_events(qtbot, window, tmp_path, monkeypatch):
    """As Ctrl+R (RunAnalysis): the re-run replaces the open proposals, so a video with coded events asks first;
    declined, nothing is loaded or run."""
    win = window
    _a, b = two_video_project(win, tmp_path)
    _analyse(qtbot, win, b.id)
    win.project.add_event(Event(b.id, 10, 12, 15, emotion="surprise", source="manual", coder="tester"))
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(win, "confirm", lambda q: asked.append(q) or answer[0])
    meta = {"class_names": ["negative", "positive"]}
    new = Path(tmp_path / "new.pt")
    assert not win.ctx.execute(C.RerunPredictions, path=str(new), meta=meta)
    assert len(asked) == 1 and "b clip.avi has 1 coded event. Re-run the analysis?" in asked[0]
    assert win.worker is None and win.checkpoint is None and win.project.previous_analysis(b.id) is None
    answer[0] = True
    assert win.ctx.execute(C.RerunPredictions, path=str(new), meta=meta), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    assert len(asked) == 2 and win.project.analysis(b.id).model == str(new) and not win.errors
