"""Faces past the limit (--max-faces) are said, once per run, naming the input: a picture made of three real faces
(the public-domain astronaut, pasted three times) has three by construction."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.analysis.pipeline import Analysis, AnalysisSettings
from merstudio.face.tracker import FaceTracker

FACES = 3  # faces pasted into the picture
FRAMES = 20  # of the clip


def three_faces(shift: int = 0) -> np.ndarray:
    """The astronaut's face three times side by side on grey (RGB), moved `shift` px right."""
    from skimage import data

    face = cv2.resize(data.astronaut()[20:250, 130:330], (300, 345), interpolation=cv2.INTER_AREA)
    out = np.full((480, 1100, 3), 200, np.uint8)
    for k in range(FACES):
        x = 40 + shift + k * 350
        out[60:405, x:x + 300] = face
    return out


def _write(path: Path, rgb: np.ndarray) -> Path:
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("past_limit") / "three.png", three_faces())


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A frame folder (a clip) of FRAMES frames of the three faces, drifting 1 px a frame."""
    folder = tmp_path_factory.mktemp("past_limit_clip")
    for i in range(FRAMES):
        _write(folder / f"f{i:03d}.png", three_faces(shift=i))
    return folder


def _run(path: Path, max_faces: int) -> tuple[Analysis, list[dict]]:
    a = Analysis(path, AnalysisSettings(max_faces=max_faces))
    rows = list(a.rows())
    return a, rows


def _limit_lines(a: Analysis) -> list[str]:
    return [w for w in a.warnings if "more faces than the limit" in w]


def test_photo_over_the_limit_says_so(photo: Path) -> None:
    a, rows = _run(photo, max_faces=FACES - 1)
    assert len({r["face_id"] for r in rows}) == FACES - 1  # the limit: the third face has no row
    [line] = _limit_lines(a)
    assert line.startswith(f"{photo}: ")  # names the input
    assert f"{FACES - 1} analysed, {FACES} seen in the picture" in line
    assert "--max-faces" in line


def test_photo_at_the_limit_says_nothing(photo: Path) -> None:
    a, rows = _run(photo, max_faces=FACES)
    assert len({r["face_id"] for r in rows}) == FACES
    assert _limit_lines(a) == []


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The faces tracked on each frame the finder looked past them (FaceTracker.faces_present's calls)."""
    looked: list[int] = []
    original = FaceTracker.faces_present

    def counted(self: FaceTracker, rgb: np.ndarray, faces: list) -> int:
        looked.append(len(faces))
        return original(self, rgb, faces)

    monkeypatch.setattr(FaceTracker, "faces_present", counted)
    return looked


def test_video_over_the_limit_says_it_once(clip: Path, looks: list[int]) -> None:
    a, rows = _run(clip, max_faces=FACES - 1)
    assert {r["frame"] for r in rows} == set(range(FRAMES))
    [line] = _limit_lines(a)  # one line for the run, not one a frame
    assert line.startswith(f"{clip}: ")
    assert f"{FACES} seen first at frame 0 " in line
    assert len(looks) == 1  # said once: no more looks after it


def test_video_at_the_limit_looks_now_and_then(clip: Path, looks: list[int]) -> None:
    a, _rows = _run(clip, max_faces=FACES)
    assert _limit_lines(a) == []
    assert 1 <= len(looks) <= FRAMES // 10  # not a second detector pass on every frame
