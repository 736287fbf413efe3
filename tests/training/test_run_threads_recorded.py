"""A run records the torch thread count its folds train with, and a resume on another count is refused: the
count changes the figures (megc2019-dev, kfold:4, 6 epochs, seed 3: UF1 .658 on 1 thread, .654 on 2), and it was
neither in run.json nor compared, so a resume with --threads 2 silently mixed folds of both.

Expected counts are the ones the test gives torch or the settings."""

from __future__ import annotations

import json

import pytest
import torch

from merstudio.errors import OutputError
from merstudio.training.run import run_protocol


@pytest.fixture
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield 2
    torch.set_num_threads(before)


def _run(data, classes, cfg, settings, out):
    return run_protocol(data, classes, cfg, settings, out, protocol="kfold:2", jobs=1)


def test_leave_as_is_records_the_count_it_trained_with(tiny_data, tiny_cfg, tiny_settings, tmp_path, two_threads):
    data, classes = tiny_data
    _run(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=0), tmp_path / "run")
    record = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert record["train"]["num_threads"] == two_threads


def test_a_resume_on_another_thread_count_is_refused_in_one_line(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "run"
    _run(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=1), out)
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["train"]["num_threads"] == 1
    last = sorted((out / "folds").glob("*.csv"))[-1]
    last.unlink()  # a run killed before its last fold
    with pytest.raises(OutputError) as exc:
        _run(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=2), out)
    assert "train.num_threads: 1 in the folder, 2 now" in str(exc.value) and "\n" not in str(exc.value)
    assert not last.exists()  # nothing trained
    _run(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=1), out)  # the same count resumes
    assert last.exists()


def test_a_record_from_before_the_count_was_written_resumes(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "run"
    _run(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=1), out)
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    del record["train"]["num_threads"]
    (out / "run.json").write_text(json.dumps(record), encoding="utf-8")
    sorted((out / "folds").glob("*.csv"))[-1].unlink()
    _run(data, classes, tiny_cfg(), tiny_settings(epochs=1, num_threads=2), out)  # its count is unknown
