"""The fine-tuning dialog's Coded events row counts as the run will: an expression two coders coded is one, one
whose codings disagree none, and the row says so (it counted every coding, as the run trained them)."""

from __future__ import annotations

import pytest
from support.finetune_project import tiny_checkpoint

from merstudio.project import Event, Project

pytestmark = pytest.mark.gui

TRUTH = [(10, 14, 20, "positive"), (40, 44, 50, "negative"), (70, 73, 77, "surprise"), (100, 104, 110, "negative"),
         (130, 133, 140, "positive"), (160, 163, 170, "surprise")]


def test_the_coded_events_row_counts_expressions(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    ckpt = tiny_checkpoint(tmp_path / "tiny.pt")
    proj = Project.create(tmp_path / "p.merproj")
    for k in range(3):
        clip = tmp_path / f"take{k}.avi"
        clip.write_bytes(f"take {k} ".encode() * 40)  # placeholders: three videos, none read
        v = proj.add_video(clip, 25.0, 200, 64, 48)
        for coder in ("ann", "ben"):
            proj.add_events([Event(v.id, a, b, c, coder=coder, status="accepted",
                                   emotion="surprise" if (coder, k, a) == ("ben", 0, 10) else e)
                             for a, b, c, e in TRUTH])
    try:
        dlg = FinetuneDialog(proj.path, ckpt, project=proj)
        qtbot.addWidget(dlg)
        dlg.update_data()
        text = dlg.data_label.text()
        assert text.startswith("17 accepted with one of the model's classes (negative 6, positive 5, surprise 6) "
                               "in 3 videos; 17 expressions coded more than once"), text
        assert "1 expression left out, its codings disagree (take0.avi frames 10-20: positive (ann), surprise (ben))" \
            in text, text
    finally:
        proj.close()
