"""fit_model refuses, as an InputError before any training, settings torch or numpy would fail on mid-run (a NaN
learning rate, a negative seed) or train silently into NaN weights (an infinite learning rate or mixup)."""

from __future__ import annotations

import math

import pytest

from merstudio.errors import InputError
from merstudio.training.trainer import TrainSettings, fit_model


@pytest.mark.parametrize("settings, message", [
    (TrainSettings(lr=math.nan), "lr must be a positive number up to 10, got nan"),
    (TrainSettings(lr=math.inf), "lr must be a positive number up to 10, got inf"),
    (TrainSettings(seed=-5), "seed must be a whole number from 0 to 4294967295, got -5"),
    (TrainSettings(mixup=math.inf), r"mixup must be a finite number, got inf"),
    (TrainSettings(lr=20.0), "lr must be a positive number up to 10, got 20.0"),  # the CLI's bound, from Python too
    (TrainSettings(sam_rho=-1.0), r"sam_rho must be within \[0, inf\], got -1.0"),
])
def test_bad_settings_are_refused_before_training(settings, message) -> None:
    with pytest.raises(InputError, match=message):
        fit_model(None, None, settings, None)  # type: ignore[arg-type]  # refused before the model is touched
