"""The checkpoint dialog shows a fine-tuned model's small training settings as numbers: lr 3e-4 read "lr 0.000"
(and a weight decay 5e-5 the same), as if the model had been trained with no step at all."""

from __future__ import annotations

from pathlib import Path

from merstudio.model import MENet, ModelConfig, save_checkpoint


def test_a_small_learning_rate_is_not_shown_as_zero(qtbot, tmp_path: Path):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog
    from merstudio.model import read_checkpoint_meta

    cfg = ModelConfig(T=1, in_channels=3, width=4, n_classes=2, class_names=["negative", "positive"])
    meta = {"training": {"epochs": 15, "lr": 3e-4, "weight_decay": 5e-5, "label_smoothing": 0.1, "mixup": 0.0}}
    path = save_checkpoint(tmp_path / "ft.pt", MENet(cfg), meta)
    dlg = CheckpointDialog(str(path), read_checkpoint_meta(path), use=False)
    qtbot.addWidget(dlg)
    row = dlg.rows["Training"]
    assert "lr 0.0003" in row and "weight decay 5e-05" in row, row
    # figures of a usual size keep their 3 decimals
    assert "label smoothing 0.100" in row and "mixup 0.000" in row, row
