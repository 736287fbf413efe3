"""The fine-tuning dialog's Held-out split row counts what the locked split scores on and, apart, the events coded
on its held-out video since the lock (h188's fresh set): it named the locked videos only, as if every event on them
were scored with the locked ones."""

from __future__ import annotations

import pytest
from support.finetune_project import tiny_checkpoint

from merstudio.project import Event, Project
from merstudio.training.finetune_split import SPLIT_SETTING, collect_events, group_names, run_split

pytestmark = pytest.mark.gui

CLASSES = ["negative", "positive", "surprise", "none"]
TRUTH = [(10, 14, 20, "positive"), (40, 44, 50, "negative"), (70, 73, 77, "surprise"), (100, 104, 110, "negative"),
         (130, 133, 140, "positive")]


def test_the_split_row_counts_locked_and_fresh_events(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    ckpt = tiny_checkpoint(tmp_path / "tiny.pt")
    proj = Project.create(tmp_path / "p.merproj")
    try:
        for k in range(4):
            clip = tmp_path / f"take{k}.avi"
            clip.write_bytes(f"take {k} ".encode() * 40)  # placeholders: four videos, none read
            v = proj.add_video(clip, 25.0, 200, 64, 48)
            proj.add_events([Event(v.id, a, b, c, emotion=e, coder="ann", status="accepted") for a, b, c, e in TRUTH])
        items, _ = collect_events(proj, CLASSES)
        first = run_split(proj, items, "video", 0.25, min_train=1, names=group_names(proj, "video"))
        proj.set_setting(SPLIT_SETTING, first.record)
        (held_vid,) = (int(g) for g in first.groups)
        name = f"take{held_vid - 1}.avi"

        dlg = FinetuneDialog(proj.path, ckpt, project=proj)
        qtbot.addWidget(dlg)
        assert dlg.split_label.text() == f"locked: video {name} (0 earlier runs scored on it): 5 held-out events"

        # coded since the lock on the held-out video: not scored with the locked five, scored apart
        proj.add_events([Event(held_vid, 160, 163, 170, emotion="surprise", coder="ann"),
                         Event(held_vid, 180, 183, 190, emotion="positive", coder="ann")])
        dlg.update_data()
        assert dlg.split_label.text() == (f"locked: video {name} (0 earlier runs scored on it): 5 held-out events "
                                          "(+2 coded since the lock, scored apart)"), dlg.split_label.text()

        # a fresh split holds out other events: the locked counts are not the run's
        dlg.fresh_split.setChecked(True)
        assert dlg.split_label.text() == f"locked: video {name} (0 earlier runs scored on it)"
        dlg.fresh_split.setChecked(False)
        dlg.holdout.setCurrentText("subject")  # another grouping draws a new split: no counts of the locked one
        assert "held-out event" not in dlg.split_label.text()
        assert "holding out by subject draws a new split" in dlg.split_label.text()
    finally:
        proj.close()
