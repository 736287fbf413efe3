"""Faces: MediaPipe Face Mesh landmarks, track ids across frames, alignment to the canonical face.

    tracker = FaceTracker(max_faces=4)
    for i, rgb in source.iter_frames():
        for tf in tracker.update(i, rgb):
            af = aligner.align(tf.track_id, tf.obs.landmarks, rgb, frame_index=i)

docs/face.md describes the tracking rule, the alignment and their measured cost.
"""

from merstudio.face.align import (
    ALIGNED_SIZE,
    CANONICAL_SIZE,
    AlignedFace,
    FaceAligner,
    canonical_landmarks,
    canonical_stable_points,
)
from merstudio.face.detector import FaceMeshDetector, FaceObservation
from merstudio.face.tracker import FaceTracker, TrackedFace

__all__ = [
    "ALIGNED_SIZE",
    "CANONICAL_SIZE",
    "AlignedFace",
    "FaceAligner",
    "FaceMeshDetector",
    "FaceObservation",
    "FaceTracker",
    "TrackedFace",
    "canonical_landmarks",
    "canonical_stable_points",
]
