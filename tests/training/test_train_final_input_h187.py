"""train_final records the input settings the arrays were prepared with, whatever the caller's meta says: a T=2
"late" model saved with meta={} was read back as "even" at inference, unsaid (audit a91 finding 5). A checkpoint
without them is read with the defaults, and inference says so once."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from merstudio.model.checkpoint import load_checkpoint
from merstudio.model.inference import FramePredictor, NoInputSettings, settings_from
from merstudio.model.inputs import InputSettings
from merstudio.training.data import PreparedArrays
from merstudio.training.protocols import DataArrays
from merstudio.training.run import train_final

CLASSES = ["negative", "positive", "surprise"]


def _arrays(cls=PreparedArrays, **kw):  # noqa: ANN001
    rng = np.random.default_rng(0)
    n = 12
    return cls(X=rng.random((n, 2, 3, 28, 28), dtype=np.float32), y=np.arange(n) % 3,
               subjects=np.array([f"s{i % 3}" for i in range(n)], dtype=object),
               samples=np.array([f"c{i}" for i in range(n)], dtype=object),
               datasets=np.array(["d"] * n, dtype=object), au=np.zeros((n, 12), np.float32),
               au_mask=np.zeros(n, bool), **kw)


@pytest.fixture
def late() -> dict:
    inp = InputSettings(modality="flow", size=28, T=2, spacing="late").to_dict()
    inp["normalise"] = "minmax"
    return inp


def _train(tmp_path, tiny_cfg, tiny_settings, data, meta):  # noqa: ANN001
    cfg = tiny_cfg(in_channels=3, input_size=28, T=2, n_classes=3, class_names=CLASSES)
    path = train_final(data, cfg, tiny_settings(epochs=1), tmp_path / "m.pt", meta)
    return load_checkpoint(path)


def test_an_empty_meta_keeps_the_arrays_input_settings(tmp_path, tiny_cfg, tiny_settings, late) -> None:
    net, meta = _train(tmp_path, tiny_cfg, tiny_settings, _arrays(input=late), {})
    assert meta["input"]["spacing"] == "late" and meta["input"]["T"] == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoInputSettings)
        s = settings_from(meta, net)
    assert (s.T, s.spacing) == (2, "late")


def test_the_callers_own_keys_win_and_the_rest_are_filled_in(tmp_path, tiny_cfg, tiny_settings, late) -> None:
    _, meta = _train(tmp_path, tiny_cfg, tiny_settings, _arrays(input=late), {"input": {"span_s": 0.3}})
    assert meta["input"]["span_s"] == 0.3 and meta["input"]["spacing"] == "late"
    assert meta["input"]["modality"] == "flow"


def test_arrays_without_settings_save_with_a_warning_and_inference_warns(tmp_path, tiny_cfg, tiny_settings) -> None:
    with pytest.warns(UserWarning, match="saved without input settings"):
        net, meta = _train(tmp_path, tiny_cfg, tiny_settings, _arrays(DataArrays), {})
    assert "input" not in meta
    with pytest.warns(NoInputSettings) as said:
        pred = FramePredictor(net, meta, device="cpu")
    assert len(said) == 1 and "steps 'even'" in str(said[0].message) and "T=2" in str(said[0].message)
    assert pred.settings.spacing == "even"  # the default it said it used


def test_load_arrays_gives_arrays_that_carry_their_input_settings(tmp_path, flow_table) -> None:
    from merstudio.training.data import load_arrays

    data, info = load_arrays(str(flow_table(tmp_path / "flows")), log=lambda *a, **k: None)
    assert isinstance(data, PreparedArrays) and data.input == info["input"] and data.input["modality"] == "flow"
    assert type(data.subset(np.arange(2))) is DataArrays  # a fold's part: plain arrays
