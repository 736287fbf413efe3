"""The checkpoint dialog says what a model was trained on apart from what the app will give it: a model of
precomputed 28 px flow images read "Input: flow 28x28, T=1, flow dis" as if merstudio had computed its flow."""

from __future__ import annotations

from pathlib import Path

from merstudio.model import InputSettings, MENet, ModelConfig, save_checkpoint


def _checkpoint(tmp_path: Path) -> Path:
    cfg = ModelConfig(T=1, in_channels=3, width=4, n_classes=2, class_names=["negative", "positive"])
    inp = InputSettings(modality="flow", size=28, T=1).to_dict()
    inp["training_source"] = {"images": 161, "clips": 0, "image_sizes": {"28x28": 161}, "table": "/d/samples.csv",
                              "table_sha256": "0123456789abcdef"}
    meta = {"input": inp, "training_data": {"description": "/d/samples.csv", "n_samples": 161, "n_subjects": 24,
                                            "data_fingerprint": "fedcba9876543210",
                                            "command": "merstudio train --data table:/d/samples.csv"}}
    return save_checkpoint(tmp_path / "dev.pt", MENet(cfg), meta)


def test_the_dialog_shows_the_training_inputs_and_the_video_flow_apart(qtbot, tmp_path):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog
    from merstudio.model import read_checkpoint_meta

    path = _checkpoint(tmp_path)
    dlg = CheckpointDialog(str(path), read_checkpoint_meta(path), use=False)
    qtbot.addWidget(dlg)
    assert dlg.rows["Input"] == "flow 28×28, T=1"
    assert dlg.rows["Trained on inputs"] == ("161 precomputed flow images (28x28 px), used as they are (merstudio "
                                             "computed no flow and aligned no face), from /d/samples.csv (SHA-256 "
                                             "0123456789abcdef…)")
    assert dlg.rows["On video"] == "the app computes flow dis at 128 px on the aligned face, shrunk to 28 px"
    assert dlg.rows["Training data"] == "fingerprint fedcba9876543210"
    assert dlg.rows["Training command"] == "merstudio train --data table:/d/samples.csv"


def test_an_older_checkpoint_says_its_training_inputs_were_not_recorded(qtbot, tmp_path):
    from merstudio.gui.checkpoint_dialog import CheckpointDialog
    from merstudio.model import read_checkpoint_meta

    path = _checkpoint(tmp_path)
    meta = read_checkpoint_meta(path)
    del meta["input"]["training_source"]
    dlg = CheckpointDialog(str(path), meta, use=False)
    qtbot.addWidget(dlg)
    assert dlg.rows["Trained on inputs"] == "not recorded (saved before 2026-12-07)"
    assert dlg.rows["On video"].startswith("the app computes flow dis at 128 px")
