"""What this CPU is, as far as training's arithmetic and the speed figures depend on it: its bfloat16 hardware,
its vendor and its model name, read from /proc/cpuinfo (torch's probes where there is none: not Linux)."""

from __future__ import annotations

import platform
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")


def _cpuinfo_lines() -> list[str] | None:
    try:
        return CPUINFO.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def _field(lines: list[str], key: str) -> str:
    """The first non-empty value of `key` ("model name", "vendor_id") in /proc/cpuinfo's lines; "" where none."""
    for line in lines:
        name, sep, value = line.partition(":")
        if sep and name.strip() == key and value.strip():
            return " ".join(value.split())
    return ""


def cpu_flags() -> set[str] | None:
    """/proc/cpuinfo's feature flags (x86 "flags", ARM "Features"); None where it cannot be read."""
    lines = _cpuinfo_lines()
    if lines is None:
        return None
    return {f for line in lines if line.startswith(("flags", "Features")) for f in line.partition(":")[2].split()}


def has_flag(flag: str) -> bool | None:
    """Whether /proc/cpuinfo lists `flag` (None where it cannot be read)."""
    flags = cpu_flags()
    return None if flags is None else flag in flags


def cpu_vendor() -> str:
    """/proc/cpuinfo's vendor_id ("AuthenticAMD", "GenuineIntel"); "" where unknown."""
    lines = _cpuinfo_lines()
    return _field(lines, "vendor_id") if lines is not None else ""


def cpu_model() -> str:
    """The CPU's model name, which the figures depend on: /proc/cpuinfo's "model name" on Linux (x86; ARM's
    kernels may give none), else what the platform says (its processor, at least its architecture)."""
    lines = _cpuinfo_lines()
    return (_field(lines, "model name") if lines is not None else "") or platform.processor() or platform.machine()


def cpu_bfloat16_path() -> str:
    """Which hardware computes this CPU's bfloat16: "AMX" (its tiles, where oneDNN goes first), "AVX512-BF16" or
    "none". The two paths round differently, so one seed's bfloat16 figures agree only between machines of the same
    path (an AMX Xeon and an AVX512-BF16 EPYC both "train in bfloat16"). From /proc/cpuinfo's flags (amx_bf16,
    avx512_bf16); without it (not Linux), from torch's probes."""
    flags = cpu_flags()
    if flags is None:
        import torch  # only here: the rest is read without it (bench, doctor)

        probe = {name: getattr(torch.cpu, f"_is_{name}_supported", None) for name in ("amx_tile", "avx512_bf16")}
        try:  # private, hence looked up
            flags = {"amx_bf16" if name == "amx_tile" else name for name, fn in probe.items() if fn and fn()}
        except RuntimeError:
            flags = set()
    if "amx_bf16" in flags:
        return "AMX"
    return "AVX512-BF16" if "avx512_bf16" in flags else "none"


def cpu_computes_bfloat16() -> bool:
    """Whether training gains from bfloat16 on this CPU, as measured side by side (docs/model.md, Speed):
    - AMX tiles (Xeon Sapphire Rapids and later): a step ~27 % less time than in float32;
    - AVX512-BF16 on AMD (Zen 4 and later): 34-35 CPU-ms a step against 43-44 in float32, 3 alternated pairs on a
      2-core EPYC, 2026-12-07;
    - AVX512-BF16 on an Intel CPU without AMX: 57-65 CPU-ms against 42-44, each of 4 alternated pairs slower
      (2026-12-07), so float32 there; without either, bfloat16 is emulated and slower still."""
    path = cpu_bfloat16_path()
    return path == "AMX" or (path == "AVX512-BF16" and cpu_vendor() == "AuthenticAMD")


def why_arithmetic() -> str:
    """Doctor's words for the arithmetic `precision` "auto" picks here, and why."""
    path = cpu_bfloat16_path()
    if path == "AMX":
        trains = "trains in bfloat16, faster than float32 with AMX"
    elif path == "AVX512-BF16" and cpu_computes_bfloat16():
        trains = "trains in bfloat16, faster than float32 on this AMD CPU"
    elif path == "AVX512-BF16":
        trains = "trains in float32, as bfloat16 without AMX measured slower on Intel CPUs"
    else:
        trains = "trains in float32"
    return f"bfloat16 in hardware: {path}, {trains}" if path != "none" else f"no bfloat16 in hardware: {trains}"
