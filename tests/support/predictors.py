"""A FramePredictor's meta for tests: the input settings a model's config implies, recorded."""

from __future__ import annotations

from typing import Any

from merstudio.model import MODALITY_CHANNELS, FramePredictor, InputSettings, MENet


def input_meta(net: MENet) -> dict[str, Any]:
    """A checkpoint's meta recording the input settings ``net``'s config implies (the modality of its channels, its
    size and T; InputSettings' defaults for the rest): what inference reads a meta without them as
    (merstudio.model.inference.settings_from), without the NoInputSettings warning that reading says. For a test
    not about that warning (test_inference's test_a_meta_without_input_settings_is_read_with_a_warning is)."""
    cfg = net.cfg
    modality = next(m for m, channels in MODALITY_CHANNELS.items() if channels == cfg.in_channels)
    return {"input": InputSettings(modality=modality, size=cfg.input_size, T=cfg.T).to_dict()}


def predictor(net: MENet, **kwargs: Any) -> FramePredictor:
    """``FramePredictor(net, input_meta(net), **kwargs)``."""
    return FramePredictor(net, input_meta(net), **kwargs)
