"""The fine-tuning dialog's Held-out split row leaves a run that was no estimate (2 held-out samples of one class:
UF1 1.000) out of its "best UF1", and says so, as the split note does."""

from __future__ import annotations

import pytest

from merstudio.project import Project
from merstudio.resources import starter_checkpoint

pytestmark = pytest.mark.gui


def test_the_split_row_leaves_a_tiny_hold_out_out_of_best(qtbot, tmp_path):
    from merstudio.gui.finetune_dialog import FinetuneDialog
    from merstudio.training.finetune_split import SPLIT_SETTING
    from merstudio.training.metrics import compute_metrics

    project = Project.create(tmp_path / "p.merproj")
    try:
        video = tmp_path / "smile.mp4"
        video.write_bytes(b"\0" * 1000)  # the dialog reads the project only
        vid = project.add_video(video, fps=30.0, frame_count=200, width=320, height=240).id
        tiny = compute_metrics([1, 1], [1, 1], ["negative", "positive", "surprise"])["uf1"]  # 2 positives: 1.000
        runs = [{"n_held_out": 2, "after_uf1": tiny, "estimate": False},
                {"n_held_out": 14, "after_uf1": 0.55, "estimate": True}]
        project.set_setting(SPLIT_SETTING, {"by": "video", "groups": [str(vid)], "held_events": [], "runs": runs})
        dlg = FinetuneDialog(project.path, starter_checkpoint(), project=project)
        qtbot.addWidget(dlg)
        assert dlg.split_label.text() == ("locked: video smile.mp4 (2 earlier runs scored on it, best UF1 0.550; 1 run "
                                          "not an estimate, left out of best: under 10 held-out samples or 2 "
                                          "classes)")
    finally:
        project.close()
