"""`merstudio agreement`: --au-sides, the header saying how AUs are compared, the face-id hint, no "-0.000"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from merstudio.cli.main import main
from merstudio.project import Event, Project


@pytest.fixture
def two_coders(tmp_path: Path) -> Path:
    video = tmp_path / "v.avi"
    video.write_bytes(np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with Project.create(tmp_path / "p.merproj") as p:
        v = p.add_video(video, fps=30.0, frame_count=100, width=64, height=48).id
        p.add_events([Event(v, 5, 7, 10, aus="L14B+12C", coder="alice"), Event(v, 20, 25, 30, aus="12A", coder="alice"),
                      Event(v, 40, 42, 44, aus="12B", coder="alice"),
                      Event(v, 5, 7, 10, aus="R14B+12C", coder="bob"), Event(v, 20, 25, 30, aus="12B", coder="bob"),
                      Event(v, 40, 42, 44, aus="12A", coder="bob"),
                      Event(v, 60, 62, 65, face_id=1, coder="carl"), Event(v, 70, 72, 75, face_id=1, coder="carl"),
                      Event(v, 60, 62, 65, face_id=2, coder="dora"), Event(v, 70, 72, 74, face_id=2, coder="dora")])
        return p.path


def _kappa(text: str, variable: str) -> list[str]:
    return next(ln.split() for ln in text.splitlines() if ln.split()[:1] == [variable])


def test_au_sides_flag(two_coders: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agreement", str(two_coders), "--coders", "alice,bob"]) == 0
    text = capsys.readouterr().out
    assert "AUs compared on presence, sides ignored" in text and "either coder scored the AU" in text
    assert "AU14: 1 matched pair(s) agree on presence but not on side (L14 / R14)" in text
    assert "-0.000" not in text
    assert main(["agreement", str(two_coders), "--coders", "alice,bob", "--au-sides"]) == 0
    text = capsys.readouterr().out
    assert "AUs compared with their side" in text and "agree on presence but not on side" not in text


def test_coders_on_two_face_ids(two_coders: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agreement", str(two_coders), "--coders", "carl,dora"]) == 0
    text = capsys.readouterr().out
    hint = [ln for ln in text.splitlines() if "never share a face" in ln]
    assert hint == ["Note: video 1: carl coded face(s) 1 and dora face(s) 2: their events never share a face, but 2 "
                    "would match with faces ignored (one person under two face ids? events are matched per face)"]
