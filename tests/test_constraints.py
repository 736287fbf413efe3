"""scripts/constraints.txt: the exact versions the README's two commands and CI install (scripts/dev)."""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "scripts" / "constraints.txt"


def pins(text: str) -> dict[str, Version]:
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name), f"not an exact pin: {line!r}"
        out[canonicalize_name(name)] = Version(version)
    return out


def direct_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def test_every_direct_dependency_is_pinned_within_pyprojects_bounds() -> None:
    pinned = pins(CONSTRAINTS.read_text())  # committed: a missing file fails here
    for req in direct_requirements():
        name = canonicalize_name(req.name)
        if name == "torch":  # MERSTUDIO_TORCH chooses it (a CUDA build, another release)
            assert name not in pinned
            continue
        assert name in pinned, f"{req.name} is not pinned in scripts/constraints.txt: run `scripts/dev lock`"
        assert req.specifier.contains(pinned[name], prereleases=True), \
            f"scripts/constraints.txt pins {req.name}=={pinned[name]}, outside pyproject.toml's {req}"


def test_scripts_dev_installs_with_the_constraints() -> None:
    dev = (ROOT / "scripts" / "dev").read_text()
    assert "CONSTRAINTS=${MERSTUDIO_CONSTRAINTS-scripts/constraints.txt}" in dev
    installs = [line for line in dev.splitlines() if re.search(r"quiet_pip install -q -e \"?\.", line)]
    assert len(installs) == 2 and all('"${pins[@]}"' in line for line in installs), installs


def test_lock_pins_this_venv_but_not_torch_nor_what_only_torch_needs() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "lock.py")], capture_output=True, text=True,
                         check=True).stdout
    pinned = pins(out)
    assert pinned[canonicalize_name("numpy")] == Version(md.version("numpy"))
    assert pinned[canonicalize_name("av")] == Version(md.version("av"))
    # torch 2.5 pins sympy==1.13.1: a pin of ours would make MERSTUDIO_TORCH=torch==2.5.1 uninstallable
    for name in ("torch", "sympy", "mpmath", "networkx", "merstudio", "pip"):
        assert name not in pinned, name
    # torch needs fsspec too, but merstudio names it itself (torch never pins it): kept
    assert "fsspec" in pinned
