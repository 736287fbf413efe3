"""Faces: MediaPipe Face Mesh landmarks, track ids across frames, alignment to the canonical face.

    tracker = FaceTracker(max_faces=4)
    for i, rgb in source.iter_frames():
        for tf in tracker.update(i, rgb):
            af = aligner.align(tf.track_id, tf.obs.landmarks, rgb, frame_index=i)

docs/face.md describes the tracking rule, the alignment and their measured cost.
"""

from typing import TYPE_CHECKING

from merstudio.lazy import lazy_exports

if TYPE_CHECKING:
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

# loaded on first use: merstudio.project reads mesh column names from merstudio.face.landmarks, and importing this
# package must not load OpenCV and MediaPipe for it (`merstudio project show`: 0.3-0.5 s)
_LAZY = {
    "align": ("ALIGNED_SIZE", "CANONICAL_SIZE", "AlignedFace", "FaceAligner", "canonical_landmarks",
                             "canonical_stable_points"),
    "detector": ("FaceMeshDetector", "FaceObservation"),
    "tracker": ("FaceTracker", "TrackedFace"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

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
