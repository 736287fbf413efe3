"""Locating bundled resources (demo clip, starter checkpoint) in a source checkout or an installed tree."""

from __future__ import annotations

import os
from pathlib import Path

from merstudio.errors import InputError


def resources_dir() -> Path:
    """The resources/ folder: $MERSTUDIO_RESOURCES, else the one beside the package (source checkout)."""
    env = os.environ.get("MERSTUDIO_RESOURCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str, must_exist: bool = True) -> Path:
    path = resources_dir().joinpath(*parts)
    if must_exist and not path.exists():
        raise InputError(f"{path}: bundled resource is missing (regenerate it: see resources/README.md)")
    return path


def demo_video() -> Path:
    return resource("demo", "interview.mp4")


def demo_truth() -> Path:
    return resource("demo", "truth.csv")


def starter_checkpoint() -> Path | None:
    path = resource("models", "starter.pt", must_exist=False)
    return path if path.exists() else None
