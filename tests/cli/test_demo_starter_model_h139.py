"""`merstudio demo --headless` analyses the demo with the starter model the app's demo loads (gui.app.start_demo),
so the terminal's files have the class columns and proposal labels the app shows (h139: it ran with none)."""

from __future__ import annotations

import pandas as pd

from merstudio.cli.main import main
from merstudio.model.checkpoint import read_checkpoint_meta
from merstudio.resources import starter_checkpoint


def test_demo_headless_has_the_starter_models_class_columns(tmp_path, capsys) -> None:
    ckpt = starter_checkpoint()
    assert ckpt is not None, "resources/models/starter.pt (committed) is missing"
    classes = list(read_checkpoint_meta(ckpt)["class_names"])  # what the app's class lane and readout list
    assert main(["demo", "--headless", "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    frames = pd.read_csv(tmp_path / "interview.csv")
    assert [c for c in frames.columns if c.startswith("p_")] == [f"p_{c}" for c in classes]
    assert frames[[f"p_{c}" for c in classes]].notna().any().all()  # asked on some frames, each class answered
    spots = pd.read_csv(tmp_path / "interview.spots.csv")
    assert len(spots) and set(spots["emotion"]) <= set(classes) and spots["emotion_p"].notna().all()
