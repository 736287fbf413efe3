"""fit_model refuses, as an InputError before any training, settings torch or numpy would fail on mid-run (a NaN
learning rate, a negative seed) or train silently into NaN weights (an infinite learning rate or mixup)."""

from __future__ import annotations

import math

import pytest

from merstudio.errors import InputError
from merstudio.training.trainer import TrainSettings, fit_model


@pytest.mark.parametrize("settings, message", [
    (TrainSettings(lr=math.nan), "lr nan"),
    (TrainSettings(lr=math.inf), "lr inf"),
    (TrainSettings(seed=-5), "seed -5"),
    (TrainSettings(mixup=math.inf), "mixup inf"),
])
def test_bad_settings_are_refused_before_training(settings, message) -> None:
    with pytest.raises(InputError, match=message):
        fit_model(None, None, settings, None)  # type: ignore[arg-type]  # refused before the model is touched
