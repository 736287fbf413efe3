"""`analyze --plot` names the checkpoint behind the class curves in the PNG's Description (a figure pasted into a
paper can be traced to its model: audit a85); without a model it names none."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from merstudio.cli.analyze import _plot_model


def _result(tmp_path: Path, checkpoint: str | None, digest: str) -> SimpleNamespace:
    meta = tmp_path / "clip.meta.json"
    meta.write_text(json.dumps({"settings": {"checkpoint": checkpoint}}))
    return SimpleNamespace(checkpoint_sha256=digest, paths=SimpleNamespace(meta=meta))


def test_the_checkpoints_name_and_digest(tmp_path):
    r = _result(tmp_path, "/models/retrained.pt", "ab" * 32)
    assert _plot_model(r) == "retrained.pt (abababababab)"  # type: ignore[arg-type]


def test_no_model_no_description(tmp_path):
    assert _plot_model(_result(tmp_path, None, "")) == ""  # type: ignore[arg-type]


def test_an_unreadable_meta_still_gives_the_digest(tmp_path):
    r = SimpleNamespace(checkpoint_sha256="cd" * 32, paths=SimpleNamespace(meta=tmp_path / "gone.json"))
    assert _plot_model(r) == "checkpoint (cdcdcdcdcdcd)"  # type: ignore[arg-type]
