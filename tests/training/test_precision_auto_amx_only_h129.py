"""`precision` "auto" trains in bfloat16 only where the CPU has AMX. On a Xeon with avx512_bf16 and no amx_* flags
a training step took 57-65 CPU-ms in bfloat16 against 42-44 in float32 (4 alternated pairs, 2026-12-07), yet "auto"
picked bfloat16 there because AVX512-BF16 counted like AMX; doctor said "trains in bfloat16" on that machine and
`bench --json` did not record the flags that decide.

The CPU is what the tests make it: torch's probes and /proc/cpuinfo's flag lines as such machines list them."""

from __future__ import annotations

import json

import pytest
import torch
from support.cli_run import run, tiny_video

import merstudio.training.run as run_mod
from merstudio.training.trainer import training_precision

XEON_AMX = "fpu vme avx512f avx512_bf16 amx_bf16 amx_tile amx_int8"
AVX512_BF16_ONLY = "fpu vme avx512f avx512_bf16 avx512_vnni"


@pytest.fixture
def cpu(tmp_path, monkeypatch):
    """set_flags(flags): torch's AMX / AVX512-BF16 probes and /proc/cpuinfo say what `flags` lists."""

    def set_flags(flags: str) -> None:
        has = flags.split()
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: "amx_tile" in has, raising=False)
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: "avx512_bf16" in has, raising=False)
        info = tmp_path / "cpuinfo"
        info.write_text("".join(f"processor\t: {i}\nmodel name\t: x\nflags\t\t: {flags}\n\n" for i in range(2)))
        monkeypatch.setattr(run_mod, "CPUINFO", info)

    return set_flags


def test_auto_is_float32_with_avx512_bf16_alone_and_bfloat16_with_amx(cpu):
    cpu(AVX512_BF16_ONLY)
    assert training_precision("auto", torch.device("cpu")) == "float32"
    assert training_precision("bfloat16", torch.device("cpu")) == "bfloat16"  # forcing it still works
    cpu(XEON_AMX)
    assert training_precision("auto", torch.device("cpu")) == "bfloat16"


@pytest.mark.parametrize(("flags", "says"), [
    (AVX512_BF16_ONLY, "bfloat16 in hardware: AVX512-BF16, trains in float32, as bfloat16 without AMX measured "
                       "slower"),
    (XEON_AMX, "bfloat16 in hardware: AMX, trains in bfloat16, faster than float32 with AMX"),
])
def test_doctor_says_which_arithmetic_and_why(cpu, flags, says, monkeypatch):
    from merstudio.cli.doctor import _check_torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cpu(flags)
    assert says in _check_torch()[1]


@pytest.mark.parametrize(("flags", "recorded"), [
    (AVX512_BF16_ONLY, {"cpu_bfloat16": True, "cpu_flags": {"amx_bf16": False, "avx512_bf16": True},
                        "training_arithmetic": "float32"}),
    (XEON_AMX, {"cpu_bfloat16": True, "cpu_flags": {"amx_bf16": True, "avx512_bf16": True},
                "training_arithmetic": "bfloat16"}),
])
def test_bench_json_records_the_deciding_flags(cpu, flags, recorded, tmp_path, capsys):
    cpu(flags)
    clip = tiny_video(tmp_path / "c.avi", n=10)
    code, _, _ = run(capsys, "bench", "decode", "--video", clip, "--cores", "1", "--json", tmp_path / "b.json")
    assert code == 0
    fig = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert {k: fig.get(k) for k in recorded} == recorded
