"""The fine-tuning dialog around a run: the "Coded events" row and Start are recounted when the run's thread ends
(an event deleted meanwhile was still counted, and Start offered a run that would refuse), Browse is off while it
runs, the inputs' preparation shows its progress per sample, and held-out videos are named by file name (their id
in brackets where two share a name), not by id."""

from __future__ import annotations

import threading
import types

import pytest
from gui_fixtures import class_coded_project, shown_finetune_dialog

pytestmark = pytest.mark.gui

CLASSES = ("negative", "positive", "surprise")


@pytest.fixture
def project(tmp_path):
    """Four videos (the second two sharing a file name), one accepted event of each class on each: a held-out
    video leaves three of each class to train."""
    project = class_coded_project(tmp_path, ("a/one.avi", "a/two.avi", "b/same.avi", "c/same.avi"), CLASSES)
    yield project
    project.close()


def _gated(gate: threading.Event, steps=()):
    """A fine-tuning that reports `steps` ((stage,) or (done, total)), then waits for the test, then stops."""

    def run(*_args, progress, stage, cancel, **_kw):
        from merstudio.training.trainer import TrainingCancelled

        for step in steps:
            stage(step[0]) if len(step) == 1 else progress(*step)
        gate.wait(30)
        raise TrainingCancelled("stopped by the test")

    return run


def test_the_row_and_start_are_recounted_when_the_run_ends(qtbot, project):
    gate = threading.Event()
    dlg = shown_finetune_dialog(qtbot, project, _gated(gate))
    assert dlg.data_label.text().startswith("12 accepted") and dlg.start_button.isEnabled()
    dlg.start()
    try:
        assert dlg.is_running()
        # two surprises deleted while it runs (the window recounts only an idle dialog): two left, too few
        for vid in (1, 2):
            [surprise] = [e for e in project.events(vid) if e.emotion == "surprise"]
            project.delete_event(surprise.id)
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=10_000)
    qtbot.waitUntil(lambda: "10 accepted" in dlg.data_label.text(), timeout=5_000)
    assert "class 'surprise' has 2 accepted events (need at least 3)" in dlg.data_label.text()
    assert not dlg.start_button.isEnabled()  # the run it would start refuses


def test_browse_is_off_while_it_runs_and_the_preparation_counts_samples(qtbot, project):
    gate = threading.Event()
    dlg = shown_finetune_dialog(qtbot, project, _gated(gate, [("inputs",), (0, 12), (1, 12)]))
    assert dlg.browse_button.isEnabled()
    dlg.start()
    try:
        assert not dlg.browse_button.isEnabled() and not dlg.checkpoint.isEnabled()
        qtbot.waitUntil(lambda: dlg.bar.value() == 1, timeout=5_000)
        assert dlg.bar.maximum() == 12
        assert dlg.stage_label.text() == "Building inputs from the events' videos… 1 of 12"
        dlg.cancel()
        dlg._on_progress(2, 12)  # a sample finishing after Cancel: the bar moves, the label keeps saying so
        assert dlg.stage_label.text() == "Cancelling…" and dlg.bar.value() == 2
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=10_000)
    qtbot.waitUntil(dlg.browse_button.isEnabled, timeout=5_000)
    assert dlg.stage_label.text().startswith("Cancelled")


def test_the_split_names_videos_by_file_name(qtbot, project):
    from merstudio.training.finetune import SPLIT_SETTING

    project.set_setting(SPLIT_SETTING, {"by": "video", "fraction": 0.25, "groups": ["2", "4"], "runs": [{}]})
    dlg = shown_finetune_dialog(qtbot, project, _gated(threading.Event()))
    assert dlg.split_label.text() == "locked: video two.avi, same.avi [4] (1 earlier run scored on it)"


def test_the_summary_names_a_held_out_video_whose_name_is_shared_by_its_id(qtbot, project):
    """training.finetune's holdout video_names: the summary shows them."""
    from merstudio.training.finetune import group_names

    names = group_names(project, "video")
    assert names == {"1": "one.avi", "2": "two.avi", "3": "same.avi [3]", "4": "same.avi [4]"}
    assert group_names(project, "subject") == {}
    dlg = shown_finetune_dialog(qtbot, project, None)
    res = types.SimpleNamespace(
        checkpoint=project.path.parent / "starter-ft1.pt", class_names=list(CLASSES), before={}, after={},
        holdout={"by": "video", "groups": ["3"], "video_names": [names["3"]], "n": 3}, train_events=[1],
        coders=["ann"], split={}, split_saved=True, train_counts={CLASSES[0]: 1}, n_mix=0)
    dlg._on_done(res)
    assert "held out video same.avi [3] (3 samples" in dlg.summary.text()
