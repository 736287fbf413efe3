"""The fine-tuning dialog lists each held-out event's class before and after and says what its figures measure,
as `merstudio finetune` does (a93 finding 3: "F1 surprise 0.000 -> 0.667" was read as "the proposals will now say
surprise"; the two events scored right were stretches the app never asks the model about, and the smile onsets it
does ask about still read positive). Driven with a result as the worker hands it over."""

from __future__ import annotations

import types

import pytest
from gui_fixtures import class_coded_project, shown_finetune_dialog

pytestmark = pytest.mark.gui

CLASSES = ["negative", "positive", "surprise", "none"]


@pytest.fixture
def project(tmp_path):
    project = class_coded_project(tmp_path, ["smile.mp4"], CLASSES[:3])
    yield project
    project.close()


def _scored(video, onset, apex, offset, label, before, before_p, after, after_p, event=1):
    return {"event": event, "video": video, "onset": onset, "apex": apex, "offset": offset, "label": label,
            "before": before, "before_p": before_p, "after": after, "after_p": after_p}


def _result(project):
    """a93's run: the smile coded surprise on two held-out copies; the onsets read positive before and after, the
    later 40-45-60 stretches none before and surprise after; one 'none' window."""
    from merstudio.training.finetune import holdout_basis

    scored = [
        _scored("smile_flip.mp4", 40, 45, 60, "surprise", "none", 0.55, "surprise", 0.71, event=19),
        _scored("smile_flip.mp4", 17, 20, 40, "surprise", "positive", 0.9, "positive", 0.62, event=18),
        _scored("smile_bright.mp4", 17, 20, 40, "surprise", "positive", 0.93, "positive", 0.58, event=20),
        _scored("smile_bright.mp4", 40, 45, 60, "surprise", "none", 0.6, "surprise", 0.66, event=21),
        _scored("smile_bright.mp4", 80, 83, 86, "none", "none", 0.7, "none", 0.8, event=None),
    ]
    labels = [s["label"] for s in scored]
    per_class = {c: {"support": labels.count(c), "f1": 0.5} for c in CLASSES}
    metrics = {"uf1": 0.5, "uar": 0.5, "accuracy": 0.5, "per_class": per_class}
    return types.SimpleNamespace(
        checkpoint=project.path.parent / "starter-ft1.pt", class_names=CLASSES, before=metrics, after=metrics,
        train_events=list(range(9)), coders=["ann"], split={}, split_saved=True,
        holdout={"by": "video", "groups": ["2", "3"], "video_names": ["smile_bright.mp4", "smile_flip.mp4"],
                 "n": len(labels), "n_none": 1},
        holdout_counts={"surprise": 4, "none": 1}, train_counts={"positive": 5, "negative": 3, "surprise": 3},
        n_mix=0, basis=holdout_basis(labels, CLASSES), scored=scored, span_s=0.2)


def _cells(table):
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def test_each_held_out_event_is_listed_with_its_class_before_and_after(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    assert not dlg.events_table.isVisible() and not dlg.scope_label.isVisible()  # before a run: nothing
    dlg._on_done(_result(project))
    assert dlg.events_table.isVisible()
    assert _cells(dlg.events_table) == [
        ("smile_bright.mp4", "17-20-40", "surprise", "positive .93", "positive .58"),
        ("smile_bright.mp4", "40-45-60", "surprise", "none .60", "surprise .66 ✓"),
        ("smile_flip.mp4", "17-20-40", "surprise", "positive .90", "positive .62"),
        ("smile_flip.mp4", "40-45-60", "surprise", "none .55", "surprise .71 ✓"),
    ]
    assert dlg.events_label.text() == ("Each held-out event as read before and after (✓ the coded class). 1 'none' "
                                       "window (frames away from every event): read as none 1 before, 1 after.")
    # every row in sight, below the figures
    assert dlg.events_table.height() >= sum(dlg.events_table.rowHeight(r) for r in range(4))
    assert dlg.table.geometry().bottom() <= dlg.events_table.geometry().top()


def test_the_dialog_says_what_the_figures_measure(qtbot, project):
    dlg = shown_finetune_dialog(qtbot, project)
    dlg._on_done(_result(project))
    text = dlg.scope_label.text()
    assert dlg.scope_label.isVisible()
    assert text.startswith("What the figures measure: each held-out event's coded onset -> apex frames")
    assert "not the app's proposals" in text and "motion gate" in text and "0.2 s" in text
    # laid out once the scroll area's content has taken its new height (a moment later when it outgrows the view)
    qtbot.waitUntil(lambda: dlg.table.geometry().bottom() <= dlg.scope_label.geometry().top(), timeout=5000)
    for label in (dlg.scope_label, dlg.events_label):  # every line in sight (a hidden label kept an old height)
        assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing()
