"""A checkpoint whose input asks for a flow method merstudio does not compute is refused on load, in one line naming
the file; it loaded ("Use this model") and every analysis then failed without naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.errors import CheckpointError
from merstudio.features.flow import FLOW_METHODS
from merstudio.model import InputSettings, MENet, ModelConfig, load_checkpoint, save_checkpoint


def _save(path: Path, flow_method: str, modality: str = "flow") -> Path:
    channels = {"flow": 3, "grey": 1}[modality]
    cfg = ModelConfig(T=1, in_channels=channels, width=4, n_classes=2, class_names=["negative", "positive"])
    inp = InputSettings(modality=modality, size=28, T=1).to_dict()
    inp["flow_method"] = flow_method
    return save_checkpoint(path, MENet(cfg), {"input": inp})


def test_an_unknown_flow_method_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = _save(tmp_path / "flow_raft.pt", "raft")
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    text = str(err.value)
    assert text.startswith(f"{path}: ") and "'raft'" in text and "\n" not in text
    assert all(m in text for m in FLOW_METHODS)  # the ones it could have been


@pytest.mark.parametrize("method", [*FLOW_METHODS, "DIS"])
def test_the_flow_methods_merstudio_computes_load(tmp_path: Path, method: str) -> None:
    load_checkpoint(_save(tmp_path / "m.pt", method))


def test_a_grey_model_computes_no_flow_whatever_its_method_says(tmp_path: Path) -> None:
    load_checkpoint(_save(tmp_path / "grey.pt", "raft", modality="grey"))
