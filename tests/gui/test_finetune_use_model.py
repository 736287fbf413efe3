"""After a fine-tuning the dialog says that the new model is not the one the next analyses use, and its "Use this
model" makes it so through the app's one path for loading a checkpoint (Analysis > Load checkpoint's): the next
analysis, of any video, uses it (before, it ran with the old model unless "Re-run predictions" was clicked)."""

from __future__ import annotations

import types

import pytest
from PySide6.QtCore import Qt

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui

META = {"class_names": ["negative", "positive"]}


def _result(path):
    """What finetune() returns, as far as the dialog reads it."""
    return types.SimpleNamespace(checkpoint=path, class_names=["negative", "positive"], before={}, after={},
                                 holdout={"by": "video", "groups": ["1"], "video_names": ["clip.avi"], "n": 2},
                                 train_events=[1, 2], coders=["tester"], split={}, split_saved=True,
                                 train_counts={"negative": 1, "positive": 1}, n_mix=0)


def test_use_this_model_makes_the_next_analysis_use_it(qtbot, window, video_path, tmp_path, monkeypatch):
    from merstudio.gui import workers

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    video = win.video
    old, new = tmp_path / "starter.pt", tmp_path / "starter-ft1.pt"
    win.analysis.set_checkpoint(old, META)
    monkeypatch.setattr(workers, "describe_checkpoint", lambda p: {**META, "path": str(p)})
    win.finetune_fn = lambda *a, **kw: _result(new)
    assert win.ctx.execute(C.FineTune), win.errors
    dlg = win.finetune_dialog
    assert not dlg.use_button.isEnabled() and dlg.use_label.text() == ""
    with qtbot.waitSignal(dlg.finetuned, timeout=10_000):
        dlg.start()
    # said in the dialog and in the status bar: the new model is not in use yet
    assert dlg.use_label.text().startswith("⚠ starter-ft1.pt is not in use yet: the next analyses use starter.pt, "
                                           "the model loaded now.")
    assert "not in use yet" in win.statusBar().currentMessage()
    assert dlg.use_button.isEnabled() and win.checkpoint == old
    qtbot.mouseClick(dlg.use_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.checkpoint == new, timeout=10_000)  # loaded by the app's checkpoint loader
    qtbot.waitUntil(lambda: dlg.use_label.text() == "In use: the next analyses use starter-ft1.pt.", timeout=5_000)
    assert not dlg.use_button.isEnabled()
    assert win.ctx.execute(C.RunAnalysis, settings=None), win.errors
    qtbot.waitUntil(lambda: win.worker is None, timeout=20_000)
    assert win.project.analysis(video.id).model == str(new)
    # another model loaded afterwards: the dialog says so again, and offers the new one back
    win.ctx.execute(C.LoadCheckpoint, path=str(old), confirmed=True)
    qtbot.waitUntil(lambda: win.checkpoint == old, timeout=10_000)
    qtbot.waitUntil(dlg.use_button.isEnabled, timeout=5_000)
    assert "not in use yet: the next analyses use starter.pt" in dlg.use_label.text()


def test_a_failed_load_leaves_it_offered(qtbot, window, video_path, tmp_path, monkeypatch):
    from merstudio.errors import CheckpointError
    from merstudio.gui import workers

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    new = tmp_path / "starter-ft1.pt"

    def refuse(p):
        raise CheckpointError(f"{p}: not a checkpoint")

    monkeypatch.setattr(workers, "describe_checkpoint", refuse)
    monkeypatch.setattr(win, "show_error", lambda m, *a, **k: win.errors.append(m))
    win.finetune_fn = lambda *a, **kw: _result(new)
    assert win.ctx.execute(C.FineTune), win.errors
    dlg = win.finetune_dialog
    with qtbot.waitSignal(dlg.finetuned, timeout=10_000):
        dlg.start()
    assert "the next analyses use the model each video was analysed with before" in dlg.use_label.text()
    qtbot.mouseClick(dlg.use_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.analysis.checkpoint_loading is None, timeout=10_000)
    qtbot.waitUntil(dlg.use_button.isEnabled, timeout=5_000)
    assert win.checkpoint is None and "not in use yet" in dlg.use_label.text()
