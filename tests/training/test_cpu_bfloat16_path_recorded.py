"""Which hardware computes the CPU's bfloat16 (AMX or AVX512-BF16) is named by `merstudio doctor` and recorded in
run.json and the summary: both paths "train in bfloat16" and round differently, so one seed's figures from an AMX
Xeon and an AVX512-BF16 EPYC differ while doctor and run.json said the same "bfloat16" for both.

Expected paths are read off the /proc/cpuinfo flag lines the tests write (as a Sapphire Rapids Xeon, a Zen 4
EPYC and an older EPYC list them)."""

from __future__ import annotations

import json

import pytest

import merstudio.training.cpu as cpu_mod
import merstudio.training.run as run_mod

XEON_AMX = "fpu vme avx512f avx512_bf16 amx_bf16 amx_tile amx_int8"
EPYC_ZEN4 = "fpu vme avx512f avx512_bf16 avx512_vnni"
EPYC_OLD = "fpu vme avx2 fma"


@pytest.fixture
def cpu(tmp_path, monkeypatch):
    def set_flags(flags: str) -> None:
        info = tmp_path / "cpuinfo"
        info.write_text("".join(f"processor\t: {i}\nmodel name\t: x\nflags\t\t: {flags}\n\n" for i in range(2)))
        monkeypatch.setattr(cpu_mod, "CPUINFO", info)
    return set_flags


@pytest.mark.parametrize(("flags", "path"), [(XEON_AMX, "AMX"), (EPYC_ZEN4, "AVX512-BF16"), (EPYC_OLD, "none")])
def test_doctor_names_the_bfloat16_path(cpu, flags, path, monkeypatch):
    import torch

    from merstudio.cli.doctor import _check_torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cpu(flags)
    assert cpu_mod.cpu_bfloat16_path() == path
    status, detail = _check_torch()
    assert status == "ok"
    assert (f"bfloat16 in hardware: {path}," in detail) if path != "none" else ("no bfloat16 in hardware" in detail)


def test_run_json_and_the_summary_record_the_path(cpu, tiny_data, tiny_cfg, tiny_settings, tmp_path):
    data, classes = tiny_data
    out = tmp_path / "run"
    cpu(XEON_AMX)
    run_mod.run_protocol(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2", jobs=1)
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["cpu_bfloat16"] == "AMX"
    assert "the CPU's bfloat16: AMX" in (out / "summary.md").read_text(encoding="utf-8")
    # a record, as the arithmetic is: the run resumes on a machine of another path
    cpu(EPYC_ZEN4)
    folds, pending = run_mod.prepare_run(data, classes, tiny_cfg(), tiny_settings(epochs=1), out, protocol="kfold:2")
    assert len(folds) == 2 and pending == []
