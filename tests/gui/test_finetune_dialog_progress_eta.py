"""The fine-tuning dialog's progress and held-out figures: each stage sets its own bar (a count where the run reports
one, busy where it does not, never the last stage's maximum at 0), the training says its time left from the epochs'
mean time, the summary counts the held-out 'none' windows as the CLI does, and the results table shows all its
rows. The slots are driven with the values the worker's signals carry; a clock is given, nothing is timed."""

from __future__ import annotations

import threading
import types

import pytest
from gui_fixtures import class_coded_project, shown_finetune_dialog

pytestmark = pytest.mark.gui

CLASSES = ("negative", "positive", "surprise")


@pytest.fixture
def project(tmp_path):
    project = class_coded_project(tmp_path, ("interview.mp4", "mirror.mp4"), CLASSES)
    yield project
    project.close()


def test_each_stage_sets_its_own_bar(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    dlg.epochs.setValue(30)
    dlg._on_stage("inputs")
    assert (dlg.bar.minimum(), dlg.bar.maximum()) == (0, 0)  # busy until the first sample is counted
    dlg._on_progress(0, 22)
    dlg._on_progress(22, 22)
    assert (dlg.bar.value(), dlg.bar.maximum()) == (22, 22)
    dlg._on_stage("before")  # scoring reports no steps: busy, not "0 of 22"
    assert dlg.bar.maximum() == 0
    dlg._on_stage("training")  # 30 epochs, none done yet (the first takes ~10 s on a first run)
    assert (dlg.bar.value(), dlg.bar.maximum()) == (0, 30)
    assert dlg.stage_label.text() == "Training: epoch 1/30…"
    dlg._on_progress(1, 30)
    assert (dlg.bar.value(), dlg.bar.maximum()) == (1, 30)
    for stage in ("after", "saving"):
        dlg._on_stage(stage)
        assert dlg.bar.maximum() == 0
    dlg._on_thread_finished()  # stopped in a stage without a count (failed, cancelled): not busy for ever
    assert (dlg.bar.value(), dlg.bar.maximum()) == (0, 1)


def test_the_training_says_its_time_left_from_the_epochs_mean_time(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    dlg.epochs.setValue(30)
    now = [100.0]
    dlg._clock = lambda: now[0]
    dlg._on_stage("training")
    now[0] = 104.0
    dlg._on_loss(1, 30, 0.75)
    assert dlg.stage_label.text() == "Training: epoch 1/30, loss 0.750, about 1 min 55 s left"  # 4 s x 29 = 116 s
    now[0] = 110.0
    dlg._on_loss(2, 30, 0.5)  # (110 - 100) / 2 = 5 s an epoch, 28 to go: 140 s
    assert dlg.stage_label.text() == "Training: epoch 2/30, loss 0.500, about 2 min 20 s left"
    now[0] = 241.0
    dlg._on_loss(28, 30, 0.25)  # 141 s / 28 epochs x 2 = 10.07 s
    assert dlg.stage_label.text() == "Training: epoch 28/30, loss 0.250, about 10 s left"
    dlg._on_loss(30, 30, 0.2)  # none left: scoring comes next
    assert dlg.stage_label.text() == "Training: epoch 30/30, loss 0.200"


def test_an_epoch_ending_while_cancelling_leaves_cancelling_shown(qtbot, project):
    from merstudio.training.trainer import TrainingCancelled

    gate = threading.Event()

    def held(*_args, stage, cancel, **_kw):
        stage("training")
        gate.wait(30)
        raise TrainingCancelled("stopped by the test")

    dlg = shown_finetune_dialog(qtbot, project, held)
    try:
        dlg.start()
        qtbot.waitUntil(lambda: dlg._stage == "training", timeout=10_000)
        dlg.cancel()
        dlg._on_loss(3, 30, 0.5)  # the epoch that was running when Cancel was clicked
        assert dlg.stage_label.text() == "Cancelling…"
    finally:
        gate.set()
        dlg.shutdown()


def test_the_start_is_busy_until_the_first_stage(qtbot, project):
    """Before the first stage the run reads the model and the project (~1.6 s on a first run): the bar is busy, not
    0 of 1."""
    gate = threading.Event()

    def held(*_args, stage, **_kw):
        gate.wait(30)
        stage("inputs")
        raise RuntimeError("stopped by the test")

    dlg = shown_finetune_dialog(qtbot, project, held)
    try:
        dlg.start()
        assert dlg.stage_label.text() == "Starting…"
        assert (dlg.bar.minimum(), dlg.bar.maximum()) == (0, 0)
    finally:
        gate.set()
        dlg.shutdown()


def _result(project, rows_per_class=True):
    per_class = {c: {"support": n, "f1": 0.5} for c, n in (("negative", 3), ("positive", 4), ("surprise", 4),
                                                           ("none", 4))}
    metrics = {"uf1": 0.568, "uar": 0.625, "accuracy": 0.6, "per_class": per_class}
    return types.SimpleNamespace(
        checkpoint=project.path.parent / "starter-ft1.pt", class_names=["negative", "positive", "surprise", "none"],
        before=metrics, after=metrics, train_events=list(range(11)), coders=["ann"], split={}, split_saved=True,
        holdout={"by": "video", "groups": ["1"], "video_names": ["interview.mp4"], "n": 15, "n_none": 4},
        holdout_counts={"negative": 3, "positive": 4, "surprise": 4, "none": 4},
        train_counts={"negative": 3, "positive": 4, "surprise": 4, "none": 5}, n_mix=0)


def test_the_summary_counts_the_held_out_none_windows_as_the_cli_does(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    res = _result(project)
    dlg._on_done(res)
    # 15 samples, 4 of them 'none' windows away from any event: 11 events
    assert ("held out video interview.mp4 (15 samples: 11 events + 4 'none' windows; negative 3, positive 4, "
            "surprise 4, none 4), never trained on in this run") in dlg.summary.text()
    from merstudio.training.finetune_split import held_out_text

    assert held_out_text(res) in dlg.summary.text()  # one wording, the CLI's


def test_the_summary_counts_the_trained_none_windows_as_the_cli_does(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    res = _result(project)
    dlg._on_done(res)
    # 11 events trained on beside 5 'none' windows: "Trained on 11 events" alone hid a third of the samples
    assert dlg.summary.text().startswith(
        "Trained on 11 events by ann + 5 'none' windows (negative 3, positive 4, surprise 4, none 5); held out")
    from merstudio.training.finetune_split import trained_text

    assert trained_text(res)[1:] in dlg.summary.text()  # one wording, the CLI's


def test_the_results_table_shows_every_row(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    dlg.resize(620, 720)
    dlg._on_done(_result(project))
    qtbot.wait(50)  # the layout settles (no timing asserted)
    t = dlg.table
    assert t.rowCount() == 7  # UF1, UAR, accuracy and four classes
    last = t.visualItemRect(t.item(6, 0))
    assert last.isValid() and last.bottom() < t.viewport().height()
    assert t.verticalScrollBar().maximum() == 0
