"""A run resumed on a machine where precision "auto" means other arithmetic (a run started before c5eab2d, when
auto was float32 on an AVX512-BF16 CPU, resumed after it; or resumed on another CPU) trains its folds left in the
new arithmetic: each fold records its own, and run.json and summary.md say what the folds ran in, not the first
run's choice alone; the resume says so in one line (a117 finding 1, h327)."""

from __future__ import annotations

import json
import warnings

import pytest

import merstudio.training.cpu as cpu_mod
import merstudio.training.run as run_mod
import merstudio.training.trainer as trainer_mod

EPYC_ZEN4 = "fpu vme avx512f avx512_bf16 avx512_vnni"


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """Sets whether "auto" trains in bfloat16 here (an AVX512-BF16 CPU) or float32."""
    info = tmp_path / "cpuinfo"
    info.write_text(f"processor\t: 0\nmodel name\t: x\nflags\t\t: {EPYC_ZEN4}\n\n")
    monkeypatch.setattr(cpu_mod, "CPUINFO", info)

    def set_bf16(on: bool) -> None:
        monkeypatch.setattr(trainer_mod, "cpu_computes_bfloat16", lambda: on)
    return set_bf16


def _record(out):
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_a_resume_in_other_arithmetic_is_recorded_per_fold(machine, tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "run"
    settings = tiny_settings(epochs=1, precision="auto")
    machine(False)
    run_mod.run_protocol(data, classes, tiny_cfg(), settings, out, protocol="kfold:2", jobs=1)
    folds = sorted((out / "folds").glob("*.json"))
    assert [json.loads(p.read_text())["arithmetic"] for p in folds] == ["float32"] * 2
    assert _record(out)["arithmetic"] == "float32"
    # as a run recorded before folds carried their arithmetic: the first fold's record lacks it
    first = json.loads(folds[0].read_text())
    del first["arithmetic"], first["cpu_bfloat16"]
    folds[0].write_text(json.dumps(first))
    for stem in ("001_*",):
        for p in (out / "folds").glob(stem):
            p.unlink()

    machine(True)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        run_mod.run_protocol(data, classes, tiny_cfg(), settings, out, protocol="kfold:2", jobs=1)
    notes = [str(w.message) for w in said if "arithmetic" in str(w.message) or "bfloat16" in str(w.message)]
    assert len(notes) == 1 and "the folds left train in bfloat16" in notes[0] and "says float32" in notes[0]
    record = _record(out)
    assert record["arithmetic"] == "folds 1 float32, 2 bfloat16"
    assert record["cpu_bfloat16"] == "AVX512-BF16"
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "- training arithmetic: folds 1 float32, 2 bfloat16 (precision auto" in summary
    # the fold that had no record now carries the run's, so a later summary still knows it
    assert json.loads(folds[0].read_text())["arithmetic"] == "float32"
    assert [json.loads(p.read_text())["arithmetic"] for p in sorted((out / "folds").glob("*.json"))][1:] == \
        ["bfloat16"]

    # resumed again with nothing left: no note, and the same words
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        run_mod.run_protocol(data, classes, tiny_cfg(), settings, out, protocol="kfold:2", jobs=1)
    assert not [w for w in said if "arithmetic" in str(w.message)]
    assert _record(out)["arithmetic"] == "folds 1 float32, 2 bfloat16"
    assert "folds 1 float32, 2 bfloat16" in (out / "summary.md").read_text(encoding="utf-8")


def test_fold_arithmetic_words():
    spec = {"arithmetic": "float32", "cpu_bfloat16": "AMX"}
    infos = [{"index": i, "arithmetic": "float32"} for i in range(20)] + \
        [{"index": i, "arithmetic": "bfloat16", "cpu_bfloat16": "AMX"} for i in range(20, 68)]
    assert run_mod.fold_arithmetic(spec, infos) == ("folds 1-20 float32, 21-68 bfloat16", "AMX")
    same = [{"index": i, "arithmetic": "bfloat16", "cpu_bfloat16": "AMX"} for i in range(3)]
    assert run_mod.fold_arithmetic(spec, same) == ("bfloat16", "AMX")
    # two bfloat16 paths round differently: each named
    two = same[:2] + [{"index": 2, "arithmetic": "bfloat16", "cpu_bfloat16": "AVX512-BF16"}]
    words, path = run_mod.fold_arithmetic(spec, two)
    assert words == "folds 1-2 bfloat16 (AMX), 3 bfloat16 (AVX512-BF16)" and path == "AMX, AVX512-BF16"
