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
    (TrainSettings(mixup=math.inf), "mixup must be a finite number of at least 0, got inf"),
    (TrainSettings(lr=20.0), "lr must be a positive number up to 10, got 20.0"),  # the CLI's bound, from Python too
    (TrainSettings(sam_rho=-1.0), "sam_rho must be a finite number of at least 0, got -1.0"),
])
def test_bad_settings_are_refused_before_training(settings, message) -> None:
    with pytest.raises(InputError, match=message):
        fit_model(None, None, settings, None)  # type: ignore[arg-type]  # refused before the model is touched


@pytest.mark.parametrize("settings, message", [
    (TrainSettings(warmup_epochs=math.nan), "warmup_epochs must be a whole number >= 0, got nan"),  # lr 0 always
    (TrainSettings(warmup_epochs="5"), "warmup_epochs must be a whole number >= 0, got '5'"),  # type: ignore[arg-type]
    (TrainSettings(schedule="linear"), "schedule must be one of cosine, step, got 'linear'"),
    (TrainSettings(step_gamma=math.inf), "step_gamma must be a number from 0 to 1, got inf"),
    (TrainSettings(step_every=0), "step_every must be a whole number >= 1, got 0"),
    (TrainSettings(distill_teachers=1.0), "distill_teachers must be a whole number"),  # type: ignore[arg-type]
])
def test_the_schedule_settings_are_checked_too(settings, message) -> None:
    """A --config's schedule fields (JSON takes NaN): a NaN warm-up trained nothing, silently; a text one failed
    in the warm-up note; an unknown schedule only mid-run, after the run folder was made."""
    with pytest.raises(InputError, match=message):
        fit_model(None, None, settings, None)  # type: ignore[arg-type]
