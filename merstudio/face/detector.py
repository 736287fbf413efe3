"""Face detection + 468-point landmarks from MediaPipe Face Mesh (Apache-2.0; model ships in the wheel)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from merstudio.face.landmarks import N_LANDMARKS


@dataclass(frozen=True)
class FaceObservation:
    """One face found in one frame, in pixel coordinates of that frame."""

    landmarks: np.ndarray  # (468, 2) float32, x/y pixels
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 (landmark extent)
    confidence: float  # 0..1


def _quiet_mediapipe() -> None:
    # TFLite/absl log lines on every start confuse users; keep warnings and errors only.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class FaceMeshDetector:
    """Wraps mediapipe's Face Mesh. In video mode it tracks between frames, so full detection is not run on
    every frame (MediaPipe re-detects only when tracking confidence drops)."""

    def __init__(self, max_faces: int = 4, video_mode: bool = True, min_confidence: float = 0.5) -> None:
        _quiet_mediapipe()
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=not video_mode,
            max_num_faces=max_faces,
            refine_landmarks=False,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=0.5,
        )

    def detect(self, rgb: np.ndarray) -> list[FaceObservation]:
        """Faces in an RGB uint8 image (H, W, 3)."""
        if rgb.ndim == 2:
            rgb = np.repeat(rgb[:, :, None], 3, axis=2)
        h, w = rgb.shape[:2]
        result = self._mesh.process(np.ascontiguousarray(rgb))
        faces: list[FaceObservation] = []
        for lm in result.multi_face_landmarks or []:
            pts = np.array([(p.x * w, p.y * h) for p in lm.landmark[:N_LANDMARKS]], dtype=np.float32)
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            # Face Mesh exposes no per-face score; report the fraction of landmarks inside the image.
            inside = np.mean((pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h))
            faces.append(FaceObservation(pts, (float(x0), float(y0), float(x1), float(y1)), float(inside)))
        return faces

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> FaceMeshDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
