"""The model benchmark's plumbing (the figures themselves are measured, never asserted)."""

import pytest

from merstudio.model.bench import bench_training, main
from merstudio.model.config import ModelConfig


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_training_step_runs_in_either_precision(precision):
    cfg = ModelConfig(width=8)
    r = bench_training(cfg, batch=4, steps=1, repeats=1, train_samples=8, precision=precision)
    assert r["precision"] == precision
    assert r["ms_per_batch"] > 0 and r["s_per_epoch"] > 0


def test_unknown_precision_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--precision", "float16"])
    assert e.value.code == 2
    assert "float16" in capsys.readouterr().err
