"""Print the pip constraints for `scripts/dev`: the exact versions installed in the venv running this script.

`scripts/dev setup` installs merstudio with these constraints, so the README's two commands and CI get the
releases the suite last passed with, not whatever was published since (PyAV 18.1.1, a patch release, broke every
video open on 2026-12-07). pyproject.toml keeps its loose bounds for people who install the wheel.

torch and everything it pulls in are left out: `MERSTUDIO_TORCH` may name another torch (a CUDA build, an older
release) whose own pins (sympy, networkx, ...) must not meet ours, except what merstudio requires itself (torch
does not pin those). merstudio itself is left out too.

Refresh (DEVELOPERS.md): `MERSTUDIO_CONSTRAINTS= MERSTUDIO_VENV=/tmp/newest scripts/dev test` installs today's newest
releases and runs the suite; when it passes, `MERSTUDIO_VENV=/tmp/newest scripts/dev lock`.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import sys

HEADER = """\
# Exact versions for scripts/dev (the README's two commands and CI): written by `scripts/dev lock` from a venv whose
# whole test suite passed. pyproject.toml keeps the loose bounds a wheel install uses. torch and its own
# dependencies are not pinned here (MERSTUDIO_TORCH chooses torch). Python {python}.
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(dist: md.Distribution, extras: bool = False) -> list[str]:
    """The names a distribution requires (with `extras`, those of its extras too)."""
    names = []
    for req in dist.requires or []:
        if not extras and ";" in req and "extra ==" in req.split(";", 1)[1]:
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
        if match:
            names.append(canonical(match.group(1)))
    return names


def closure(root: str, installed: dict[str, md.Distribution]) -> set[str]:
    """`root` and every installed distribution it depends on, however deep."""
    seen: set[str] = set()
    todo = [canonical(root)]
    while todo:
        name = todo.pop()
        if name in seen or name not in installed:
            continue
        seen.add(name)
        todo.extend(requirement_names(installed[name]))
    return seen


def constraints() -> list[str]:
    installed = {canonical(d.metadata["Name"]): d for d in md.distributions()}
    # what merstudio names itself stays pinned even where torch needs it too (fsspec): torch never pins those
    own = set(requirement_names(installed["merstudio"], extras=True)) if "merstudio" in installed else set()
    leave_out = (closure("torch", installed) - own) | {"torch", "merstudio", "pip", "setuptools", "wheel"}
    lines = []
    for name, dist in sorted(installed.items()):
        if name in leave_out:
            continue
        lines.append(f"{dist.metadata['Name']}=={dist.version}")
    return lines


def main() -> int:
    if "torch" not in {canonical(d.metadata["Name"]) for d in md.distributions()}:
        print("scripts/lock.py: torch is not installed in this venv: run it with a venv set up by scripts/dev",
              file=sys.stderr)
        return 1
    sys.stdout.write(HEADER.format(python=".".join(map(str, sys.version_info[:2]))))
    sys.stdout.write("\n".join(constraints()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
