"""In-process training leaves the caller's global generators and torch thread count as they were (it still
seeds those globals itself, so its results do not change)."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import torch

from merstudio.model.network import MENet
from merstudio.training.run import load_predictions, run_protocol
from merstudio.training.trainer import fit_model, train_fold


def _draws() -> tuple[float, float, float]:
    return random.random(), float(np.random.rand()), float(torch.rand(1).item())


def _seed_caller() -> None:
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)


def _caller_draws() -> tuple[float, float, float]:
    """What the caller's generators, seeded, give next: drawn once, then seeded again so that they give it again."""
    _seed_caller()
    expected = _draws()
    _seed_caller()
    return expected


def _weights_hash(model: torch.nn.Module) -> str:
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def _other_threads() -> int:
    return 2 if torch.get_num_threads() == 1 else 1


def test_train_fold_keeps_caller_state_and_results(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    threads = torch.get_num_threads()
    s = tiny_settings(epochs=1, num_threads=_other_threads(), precision="float32")
    expected = _caller_draws()
    model, _ = train_fold(data, tiny_cfg(), s)
    assert _draws() == expected
    assert torch.get_num_threads() == threads
    # the training seeds itself: the same weights whatever the caller's generators held
    random.seed(7)
    np.random.seed(7)
    torch.manual_seed(7)
    again, _ = train_fold(data, tiny_cfg(), s)
    assert _weights_hash(again) == _weights_hash(model)


def test_fit_model_keeps_caller_state(tiny_data, tiny_cfg, tiny_settings):
    data, _ = tiny_data
    torch.manual_seed(0)
    model = MENet(tiny_cfg(dropout=0.3))  # dropout draws from the global torch generator
    expected = _caller_draws()
    fit_model(model, data, tiny_settings(epochs=1, precision="float32"), None)
    assert _draws() == expected


def test_run_protocol_in_process_keeps_caller_state(tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    threads = torch.get_num_threads()
    s = tiny_settings(epochs=1, num_threads=_other_threads(), precision="float32")
    expected = _caller_draws()
    run_protocol(data, classes, tiny_cfg(), s, tmp_path / "a", protocol="kfold:2", jobs=1)
    assert _draws() == expected
    assert torch.get_num_threads() == threads
    # a second run from another caller state predicts the same
    run_protocol(data, classes, tiny_cfg(), s, tmp_path / "b", protocol="kfold:2", jobs=1)
    a, b = load_predictions(tmp_path / "a"), load_predictions(tmp_path / "b")
    assert a.equals(b)


def test_overlapping_trainings_in_two_threads_restore_once_at_the_end() -> None:
    """The generators are the process's: a thread finishing must not reset them under another still training
    (its seeded stream would jump back to the caller's), and the caller's come back after the last one."""
    import threading

    from merstudio.training.trainer import keeps_caller_state, seed_everything

    a_in, b_in, a_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[float] = []

    @keeps_caller_state()
    def a() -> None:
        a_in.set()
        b_in.wait(10)

    @keeps_caller_state()
    def b() -> None:
        seed_everything(7)
        b_in.set()
        a_done.wait(10)
        seen.append(float(np.random.rand()))  # drawn after A left: still B's seeded stream

    expected = _caller_draws()
    ta = threading.Thread(target=a)
    ta.start()
    a_in.wait(10)
    tb = threading.Thread(target=b)
    tb.start()
    ta.join(10)
    a_done.set()
    tb.join(10)
    assert seen == [float(np.random.RandomState(7).random_sample())]  # B's stream, untouched by A's end
    assert _draws() == expected  # and the caller's, from before A began
