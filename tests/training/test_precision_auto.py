"""`precision` "auto" trains in bfloat16 where the CPU computes it faster than float32, as measured side by side:
with AMX (a Sapphire Rapids Xeon), and with AVX512-BF16 on AMD (a Zen 4 EPYC: 34-35 CPU-ms a step against 43-44,
2026-12-07), not with AVX512-BF16 on an Intel CPU without AMX (57-65 CPU-ms against 42-44, 2026-12-07). Before,
"auto" first counted AVX512-BF16 like AMX (slower on that Xeon), then picked float32 on every CPU without AMX (21 %
slower on the EPYC); doctor and `bench --json` say which and why.

The CPU is what the tests make it: /proc/cpuinfo's vendor and flag lines as such machines list them."""

from __future__ import annotations

import json

import pytest
import torch
from support.cli_run import run, tiny_video

import merstudio.training.cpu as cpu_mod
from merstudio.training.trainer import training_precision

AMX = "fpu vme avx512f avx512_bf16 amx_bf16 amx_tile amx_int8"
AVX512_BF16_ONLY = "fpu vme avx512f avx512_bf16 avx512_vnni"
INTEL, AMD = "GenuineIntel", "AuthenticAMD"


@pytest.fixture
def cpu(tmp_path, monkeypatch):
    """set_cpu(vendor, flags): /proc/cpuinfo lists `vendor` and `flags` on each of two processors."""

    def set_cpu(vendor: str, flags: str) -> None:
        info = tmp_path / "cpuinfo"
        info.write_text("".join(f"processor\t: {i}\nvendor_id\t: {vendor}\nmodel name\t: x\nflags\t\t: {flags}\n\n"
                                for i in range(2)))
        monkeypatch.setattr(cpu_mod, "CPUINFO", info)

    return set_cpu


@pytest.mark.parametrize(("vendor", "flags", "auto"), [
    (INTEL, AVX512_BF16_ONLY, "float32"),
    (AMD, AVX512_BF16_ONLY, "bfloat16"),
    (INTEL, AMX, "bfloat16"),
    (AMD, "fpu vme avx2 fma", "float32"),
])
def test_auto_picks_the_arithmetic_measured_faster(cpu, vendor, flags, auto):
    cpu(vendor, flags)
    assert training_precision("auto", torch.device("cpu")) == auto
    assert training_precision("bfloat16", torch.device("cpu")) == "bfloat16"  # forcing either still works
    assert training_precision("float32", torch.device("cpu")) == "float32"


def test_auto_is_float32_on_cuda(cpu):
    cpu(INTEL, AMX)
    assert training_precision("auto", torch.device("cuda")) == "float32"


@pytest.mark.parametrize(("vendor", "flags", "says"), [
    (INTEL, AVX512_BF16_ONLY, "bfloat16 in hardware: AVX512-BF16, trains in float32, as bfloat16 without AMX "
                              "measured slower on Intel CPUs"),
    (AMD, AVX512_BF16_ONLY, "bfloat16 in hardware: AVX512-BF16, trains in bfloat16, faster than float32 on this "
                            "AMD CPU"),
    (INTEL, AMX, "bfloat16 in hardware: AMX, trains in bfloat16, faster than float32 with AMX"),
    (AMD, "fpu vme avx2 fma", "no bfloat16 in hardware: trains in float32"),
])
def test_doctor_says_which_arithmetic_and_why(cpu, vendor, flags, says, monkeypatch):
    from merstudio.cli.doctor import _check_torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cpu(vendor, flags)
    assert says in _check_torch()[1]


@pytest.mark.parametrize(("vendor", "flags", "recorded"), [
    (INTEL, AVX512_BF16_ONLY, {"cpu_bfloat16": True, "cpu_flags": {"amx_bf16": False, "avx512_bf16": True},
                               "training_arithmetic": "float32"}),
    (AMD, AVX512_BF16_ONLY, {"cpu_bfloat16": True, "cpu_flags": {"amx_bf16": False, "avx512_bf16": True},
                             "training_arithmetic": "bfloat16"}),
    (INTEL, AMX, {"cpu_bfloat16": True, "cpu_flags": {"amx_bf16": True, "avx512_bf16": True},
                  "training_arithmetic": "bfloat16"}),
])
def test_bench_json_records_the_deciding_flags(cpu, vendor, flags, recorded, tmp_path, capsys):
    cpu(vendor, flags)
    clip = tiny_video(tmp_path / "c.avi", n=10)
    code, _, _ = run(capsys, "bench", "decode", "--video", clip, "--cores", "1", "--json", tmp_path / "b.json")
    assert code == 0
    fig = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert {k: fig.get(k) for k in recorded} == recorded
