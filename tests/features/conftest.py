"""Fixtures for the AU tests: the public-domain astronaut face (NASA, shipped in scikit-image), its Face Mesh
landmarks, and helpers that run frames through the real detector + aligner, as the pipeline does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces"


@pytest.fixture(scope="session")
def smile_clip() -> Path:
    """The real clip (shared data, skipped where absent): a man goes from neutral to a broad smile."""
    clip = REAL / "smile_man.mp4"
    if not clip.is_file():
        pytest.skip(f"{clip} not here (shared real-face data)")
    return clip


@pytest.fixture(scope="session")
def smile_table(smile_clip: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real clip through the whole analysis: (per-frame rows, the coder's annotation: neutral 0-16, a broad
    smile 6+12+25 held 20-68)."""
    clip = smile_clip
    from merstudio.analysis.pipeline import Analysis
    from merstudio.io import open_source

    with open_source(clip) as src:
        rows = list(Analysis(src).rows())
    return pd.DataFrame(rows), pd.read_csv(REAL / "annotation.csv")


@pytest.fixture(scope="session")
def face() -> tuple[np.ndarray, np.ndarray]:
    """(RGB 600x600 head crop, doubled so the inter-ocular distance is ~86 px as in the demo clip; its (468, 2)
    landmarks found by Face Mesh on that crop)."""
    import cv2
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    crop = cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(crop)
    assert len(faces) == 1
    return crop, faces[0].landmarks.astype(np.float64)


@pytest.fixture(scope="session")
def detector():
    from merstudio.face.detector import FaceMeshDetector

    det = FaceMeshDetector(max_faces=1, video_mode=False)
    yield det
    det.close()


@pytest.fixture(scope="session")
def align_frames(detector) -> Callable[[Sequence[np.ndarray]], list]:
    """align_frames(rgb_frames) -> AlignedFace per frame: landmarks detected in each frame, then one track of the
    real FaceAligner (default smoothing), frame indices 0, 1, 2, ..."""
    from merstudio.face.align import FaceAligner

    def _run(frames: Sequence[np.ndarray]) -> list:
        aligner = FaceAligner()
        out = []
        for i, rgb in enumerate(frames):
            faces = detector.detect(rgb)
            assert len(faces) == 1, f"frame {i}: expected one face, found {len(faces)}"
            out.append(aligner.align(0, faces[0].landmarks, rgb, frame_index=i))
        return out

    return _run


@pytest.fixture(scope="session")
def aligned_face(face, align_frames):
    """One aligned neutral face (AlignedFace: image (128, 128) grey uint8, landmarks (468, 2) aligned pixels)."""
    return align_frames([face[0]])[0]


@pytest.fixture(scope="session")
def portrait():
    """The public-domain NASA portrait (scikit-image's astronaut), its mesh and an aligner."""
    import cv2
    from skimage import data

    from merstudio.face.align import FaceAligner
    from merstudio.face.detector import FaceMeshDetector

    crop = cv2.resize(data.astronaut()[0:300, 100:400], (600, 600), interpolation=cv2.INTER_CUBIC)
    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        obs = det.detect(crop)[0]
    return crop, obs, FaceAligner()
