"""The fine-tuning dialog's races and numbers (h314, audit a114 findings 3, 4, 6): "Stop it?" answered after the run
finished (its checkpoint saved while the question was up) says it finished and names the checkpoint, never
"Cancelled: no checkpoint was written." (the dialog's Close, and the window's close path's information box); a
learning rate typed in exponent form is the rate the run gets and the one the box shows."""

from __future__ import annotations

import threading
import types

import pytest
from gui_fixtures import shown_finetune_dialog

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui

NO_CHECKPOINT = "no checkpoint was written"


def _result(checkpoint):
    metrics = {"uf1": 0.5, "uar": 0.5, "accuracy": 0.5, "per_class": {}}
    return types.SimpleNamespace(
        checkpoint=checkpoint, class_names=["negative", "positive", "surprise", "none"], before=metrics,
        after=metrics, train_events=[1, 2], coders=["ann"], split={}, split_saved=True,
        holdout={"by": "video", "groups": ["1"], "video_names": ["smile.mp4"], "n": 3}, train_counts={"negative": 1},
        n_mix=0)


class LastStage:
    """A fine-tuning that trains, then scores and saves as training.finetune does, no longer looking at cancel:
    it waits at `gate` (the test opens it while "Stop it?" is up), then writes `checkpoint` and returns its result;
    with `error`, it fails there instead."""

    def __init__(self, checkpoint, error: Exception | None = None) -> None:
        self.checkpoint, self.error = checkpoint, error
        self.gate, self.at_gate = threading.Event(), threading.Event()

    def __call__(self, *_args, stage, loss_callback, **_kw):
        stage("training")
        loss_callback(1, 1, 0.5)
        stage("saving")
        self.at_gate.set()
        if not self.gate.wait(10):
            raise RuntimeError("the test never let it finish")
        if self.error is not None:
            raise self.error
        self.checkpoint.write_bytes(b"checkpoint")
        return _result(self.checkpoint)


def _answer_stop_after(qtbot, monkeypatch, dlg, run: LastStage, delivered: bool) -> list[str]:
    """"Stop it?" patched: while it is up the run ends (`delivered`: its end reaches the dialog too, the box's own
    event loop running; else its signals are still queued when Stop is answered). Returns the questions asked."""
    from merstudio.gui.finetune_dialog import FinetuneDialog

    asked: list[str] = []

    def question(_dlg, text):
        asked.append(text)
        run.gate.set()
        assert dlg.worker.wait(10_000)
        if delivered:
            qtbot.waitUntil(lambda: dlg.result is not None or bool(dlg.error), timeout=5_000)
        return True

    monkeypatch.setattr(FinetuneDialog, "_ask_stop_question", question)
    return asked


@pytest.mark.parametrize("delivered", [False, True])
def test_stop_answered_after_the_run_saved_its_checkpoint_says_so(qtbot, monkeypatch, class_project, tmp_path,
                                                                   delivered):
    out = tmp_path / "new-ft.pt"
    run = LastStage(out)
    dlg = shown_finetune_dialog(qtbot, class_project, run)
    said: list[str] = []
    dlg.stopped.connect(lambda line: said.append(f"stopped: {line}"))
    dlg.finetuned.connect(lambda path: said.append(f"finetuned: {path}"))
    asked = _answer_stop_after(qtbot, monkeypatch, dlg, run, delivered)
    dlg.start()
    assert run.at_gate.wait(10)
    dlg.close_button.click()  # Close during the last stage: "Stop it?", up while the run saves
    assert asked and out.exists() and dlg.worker.outcome == "ok"
    assert not dlg.isVisible() and not dlg.is_running()  # closed, as asked
    assert dlg.stage_label.text() == "Done."  # it was: "Cancelled: no checkpoint was written."
    assert str(out) in dlg.summary.text() and dlg.result.checkpoint == out
    assert said == [f"finetuned: {out}"]  # once, and no "stopped: ... no checkpoint was written"
    assert dlg.stop_line == f"The fine-tuning finished before it could stop: {out} was saved."
    qtbot.wait(20)  # the queued signals, delivered already, change nothing more
    assert said == [f"finetuned: {out}"] and dlg.stage_label.text() == "Done."


def test_a_run_that_failed_while_stop_was_asked_says_its_error(qtbot, monkeypatch, class_project, tmp_path):
    from merstudio.errors import OutputError

    out = tmp_path / "new-ft.pt"
    run = LastStage(out, error=OutputError(f"{out}: the disk is full"))
    dlg = shown_finetune_dialog(qtbot, class_project, run)
    said: list[str] = []
    dlg.stopped.connect(said.append)
    _answer_stop_after(qtbot, monkeypatch, dlg, run, delivered=False)
    dlg.start()
    assert run.at_gate.wait(10)
    assert dlg.ask_stop()
    assert dlg.stage_label.text() == f"Error: {out}: the disk is full"
    assert said == [f"Fine-tuning stopped by an error: {out}: the disk is full"] == [dlg.stop_line]


def test_another_project_opened_after_the_run_saved_says_it_finished(qtbot, monkeypatch, window, tmp_path):
    """The window's close path (Session.stop_finetune): its information box claimed nothing was written."""
    win = window
    with Project.create(tmp_path / "b.merproj"):
        pass
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "a.merproj")), win.errors
    out = tmp_path / "new-ft.pt"
    run = LastStage(out)
    win.finetune_fn = run
    win.open_finetune()
    dlg = win.finetune_dialog
    _answer_stop_after(qtbot, monkeypatch, dlg, run, delivered=False)
    dlg.start()
    assert run.at_gate.wait(10)
    win.ctx.execute(C.OpenProject, path=str(tmp_path / "b.merproj"))
    assert win.project.path.name == "b.merproj" and out.exists()
    assert win.infos[-1] == f"The fine-tuning finished before it could stop: {out} was saved."
    assert not any(NO_CHECKPOINT in line for line in win.infos)


@pytest.mark.parametrize("typed", ["1.5e-5", "2.5e-5", "1.234e-4", "0.000015", "3e-4"])
def test_the_learning_rate_typed_is_the_one_shown_and_used(qtbot, class_project, typed):
    """It ran with 2e-05 for 1.5e-5 (the box rounded to its 5 decimals) while the box still showed 1.5e-5."""
    from PySide6.QtCore import Qt

    seen: dict = {}

    def run(*_args, **kw):
        from merstudio.training.trainer import TrainingCancelled

        seen.update(kw)
        raise TrainingCancelled("stopped by the test")

    dlg = shown_finetune_dialog(qtbot, class_project, run)
    dlg.lr.setFocus()
    dlg.lr.selectAll()
    qtbot.keyClicks(dlg.lr, typed)
    qtbot.keyClick(dlg.lr, Qt.Key.Key_Tab)
    dlg.start()
    assert dlg.worker.wait(10_000)
    assert seen["lr"] == pytest.approx(float(typed), rel=1e-9)
    shown = dlg.lr.text().replace(dlg.lr.locale().decimalPoint(), ".")
    assert float(shown) == pytest.approx(seen["lr"], rel=1e-9)  # the box shows the rate it ran with


def test_a_project_closed_unasked_after_the_run_saved_says_it_finished(qtbot, window, tmp_path):
    """MainWindow._project_closing (a close nothing asked about) stopped the run and always said "no checkpoint was
    written", beside a checkpoint saved before the run saw the cancel."""
    win = window
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "a.merproj")), win.errors
    out = tmp_path / "new-ft.pt"
    run = LastStage(out)
    win.finetune_fn = run
    win.open_finetune()
    dlg = win.finetune_dialog
    dlg.start()
    assert run.at_gate.wait(10)
    run.gate.set()  # it saves while the project closes
    win._project_closing()
    assert out.exists()
    assert win.infos[-1] == f"Its project closed. The fine-tuning finished before it could stop: {out} was saved."
    assert not any(NO_CHECKPOINT in line for line in win.infos)
