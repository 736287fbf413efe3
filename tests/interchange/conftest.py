"""Fixtures for the interchange tests: a small set of events, a project with one video."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ix_helpers import sample_events

from merstudio.interchange import Media
from merstudio.project import Event, Project


@pytest.fixture
def events() -> list[Event]:
    return sample_events()


@pytest.fixture
def media(tmp_path: Path) -> Media:
    return Media(path=str(tmp_path / "clip.mp4"), fps=30.0, frame_count=100)


@pytest.fixture
def project(tmp_path: Path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with Project.create(tmp_path / "study.merproj") as proj:
        proj.add_video(video, fps=30.0, frame_count=100, width=64, height=48)
        yield proj

