"""The fine-tuning dialog's Held-out split row counts what the locked split scores on and, apart, the events coded
on its held-out video since the lock (h188's fresh set): it named the locked videos only, as if every event on them
were scored with the locked ones."""

from __future__ import annotations

import pytest
from support.finetune_project import locked_project, tiny_checkpoint

from merstudio.project import Event

pytestmark = pytest.mark.gui


def test_the_split_row_counts_locked_and_fresh_events(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    ckpt = tiny_checkpoint(tmp_path / "tiny.pt")
    locked = locked_project(tmp_path)
    proj, name = locked.project, locked.held_name
    try:
        dlg = FinetuneDialog(proj.path, ckpt, project=proj)
        qtbot.addWidget(dlg)
        assert dlg.split_label.text() == f"locked: video {name} (0 earlier runs scored on it): 5 held-out events"

        # coded since the lock on the held-out video: not scored with the locked five, scored apart
        proj.add_events([Event(locked.held_video, 160, 163, 170, emotion="surprise", coder="ann"),
                         Event(locked.held_video, 180, 183, 190, emotion="positive", coder="ann")])
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
