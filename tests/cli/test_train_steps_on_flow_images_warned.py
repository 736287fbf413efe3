"""`merstudio train --steps 2` on a table of precomputed flow images repeats each sample's one image at both steps:
said in one warning line, as `merstudio evaluate` says it of a T-step checkpoint; without --steps (one step) nothing
is said."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from merstudio.cli.main import main
from merstudio.errors import InputError


def _flow_table(folder, n: int = 8):
    rng = np.random.default_rng(0)
    (folder / "flows").mkdir(parents=True)
    rows = ["subject,sample,label,path"]
    for i in range(n):
        cv2.imwrite(str(folder / "flows" / f"{i}.png"), rng.integers(0, 255, (28, 28, 3), np.uint8))
        rows.append(f"s{i % 4},c{i},{'pos' if i % 2 else 'neg'},flows/{i}.png")
    (folder / "samples.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder / "samples.csv"


@pytest.mark.parametrize("steps", [2, None])
def test_steps_over_single_flow_images_are_warned(tmp_path, capsys, monkeypatch, steps):
    table = _flow_table(tmp_path / "data")

    def stop(*args, **kwargs):
        raise InputError("stopped before training (test)")

    monkeypatch.setattr("merstudio.training.run.run_protocol", stop)
    argv = ["train", "--data", f"table:{table}", "--out", str(tmp_path / "run"), "--protocol", "kfold:2", "-q",
            "--cache", str(tmp_path / "cache")]
    main(argv + (["--steps", str(steps)] if steps else []))
    out = capsys.readouterr().out
    warned = [line for line in out.splitlines() if line.startswith("warning:")]
    if steps is None:
        assert not warned, out
        return
    assert len(warned) == 1, out
    assert "takes 2 time steps" in warned[0] and f"table:{table} holds single flow images, one step each, " \
        "repeated 2 times" in warned[0]
