"""Named indices into the 468-point MediaPipe face mesh (subject's left/right, not image left/right).

This is the one place that names mesh points; alignment, AU regions and the synthetic warps all use it.
"""

from __future__ import annotations

N_LANDMARKS = 468

# The per-frame table's names for the mesh points in frame pixels (`merstudio analyze --landmarks`): mp_x_0 ..
# mp_x_467, then mp_y_0 .. mp_y_467. Not OpenFace's x_0 .. x_67: OpenFace readers (py-feat's read_openface, a
# script's x_16 - x_0 jaw width) take those for OpenFace's 68-point layout, and MediaPipe's point 16 is a lip
# point. Tables and rows written before as x_k / y_k are still read (is_landmark_column).
LANDMARK_X, LANDMARK_Y = "mp_x_", "mp_y_"
OLD_LANDMARK_X, OLD_LANDMARK_Y = "x_", "y_"


def landmark_columns() -> list[str]:
    """The per-frame table's landmark columns, in order: mp_x_0 .. mp_x_467, mp_y_0 .. mp_y_467."""
    return [f"{LANDMARK_X}{k}" for k in range(N_LANDMARKS)] + [f"{LANDMARK_Y}{k}" for k in range(N_LANDMARKS)]


def is_landmark_column(name: str) -> bool:
    """A landmark coordinate's column: mp_x_K / mp_y_K, or x_K / y_K as merstudio wrote them before."""
    for prefix in (LANDMARK_X, LANDMARK_Y, OLD_LANDMARK_X, OLD_LANDMARK_Y):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            return True
    return False

# Eyes
R_EYE_OUTER, R_EYE_INNER = 33, 133
L_EYE_INNER, L_EYE_OUTER = 362, 263
R_EYE_UPPER, R_EYE_LOWER = 159, 145
L_EYE_UPPER, L_EYE_LOWER = 386, 374
# Nose
NOSE_BRIDGE = 168  # between the eyes: does not move with facial action
NOSE_BRIDGE_LOW = 6
NOSE_TIP = 1
R_NOSE_WING, L_NOSE_WING = 129, 358
# Brows (inner -> outer)
R_BROW = (107, 66, 105, 63, 70)
L_BROW = (336, 296, 334, 293, 300)
R_BROW_INNER, R_BROW_OUTER = 107, 70
L_BROW_INNER, L_BROW_OUTER = 336, 300
GLABELLA = 9
# Mouth
R_MOUTH_CORNER, L_MOUTH_CORNER = 61, 291
UPPER_LIP_OUTER, UPPER_LIP_INNER = 0, 13
LOWER_LIP_INNER, LOWER_LIP_OUTER = 14, 17
# Cheeks, chin, face outline
R_CHEEK, L_CHEEK = 205, 425
CHIN = 152
CHIN_BOSS = 199
FOREHEAD = 10
R_FACE_EDGE, L_FACE_EDGE = 234, 454

# Points that do not move with facial action: used to estimate the head's similarity transform.
STABLE_POINTS = (R_EYE_OUTER, R_EYE_INNER, L_EYE_INNER, L_EYE_OUTER, NOSE_BRIDGE, NOSE_BRIDGE_LOW)
