"""The canonical face: a frontal, left/right-symmetric mean shape of the 468 mesh points.

Provenance: `build_mean_shape()` runs MediaPipe Face Mesh (static mode) on scikit-image's public-domain astronaut
photograph, takes the 3-D landmarks, rotates them so that the facial midline plane is vertical and faces the camera,
averages each point with its mirror partner (so the shape is exactly symmetric), and keeps x/y. The result is
stored below (float16, normalised: stable-point centroid at 0, eye-centre distance 1) so that nothing is computed
at import time; tests/face/test_template.py rebuilds it and checks the stored copy.
"""

from __future__ import annotations

import base64

import numpy as np

from merstudio.face.landmarks import (
    L_EYE_INNER,
    L_EYE_OUTER,
    N_LANDMARKS,
    R_EYE_INNER,
    R_EYE_OUTER,
    STABLE_POINTS,
)

# Mesh vertices on the facial midline (forehead -> nose -> lips -> chin).
MIDLINE = (10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 164, 0, 11, 12, 13, 14, 15, 16, 17, 18, 200,
           199, 175, 152)

_STORED = (  # base64 of float16 (468, 2), written from encode(build_mean_shape()) with the refined mesh
    "AAC7OgAAWDgAACc5T63+MgAA/jYAAN80AABPIHu5LigAAOKyAABxtQAALroAAPg6AAA0OwAAXTsAAFw8AAB2PAAAljwAAMI8AAAzPQAA"
    "xDgQr8s4Crw6tKu2/C0VuG8uy7hGLsO5zCtmte8sc7i8sR63SbFCuQWxx7kbr1O6US9AttI9wLnVIEC8bTAju0YsJ7j8Nvawjzq6sBs7"
    "uLSqOjq20TpEtA07sLUVOzS4EzyYrVE4OK71Nq26trGstOsyfLXbN4S1/jZ6uqw2ya0MNe64s7T4uRi0Zrsyt7Ky/bKatVOv5rgrO++7"
    "RDxhtHg4BbK6OBm4MjvMtzs7VbrWtLC1MDgUt5m0Rre/tW+4sLnquiS2/bdkuBm7kbKfu2uz6bDZOn+03jr3tfE6DLSXOP+3NjsNt9M7"
    "nbdEO7OyUThytS07CbQ0O3WwRzsysSM977C1PNOwiDycsGk8TrBSPFa1EjyetRg887UoPCy2QzzVtwY6SLzaOAAACjlZttM7t7bLO9yw"
    "BTlGtaQ4bLHhOFu2MDSGuAA15bWdN0S61rjFueO3J7m2tfi2hDyMs2G1Q7SCuNO0GbppuZ8tHrufMYu01ituuh6rEbMjMVC0fDf9uxg0"
    "nroLM6m5lzM8uCIzXbYeMsy03DDZrYQoCLzpNva6EKwkq7w4xLTmNFW8lDE1s/UuF7bGNw264CNUtGY2MbyoOn+0syi/sZA1iLrpPFu6"
    "hT1RvEM4eLtsPAm8T6t+tlg+2akDOU622zXHu/wtv7hMKxq4oCtSt+c7DrwOOeuyAj8quGw+MLkJPgAAgLgAABk/7rbNKri1uinntI0p"
    "e7t2rPu11apJtyKuUbi5rvy4a61iuVOqPbwVrC+5/CkAAJg5CLapOU60YThEsYw5AAByrmu5cj1fuOY9EbOhPje7/Tz5tK8YC7HdMQAA"
    "uz4htsQ+P7zxOdWzNzwytEc8arRiPIu0jDwbteU857YkOym3Ejtit/46nriAOkC7LDnosA8u3LLsqVu04Kejtjc7W7tUOxWwq6yutVA9"
    "AAB7Mp+tKTAAAAsvi7MxNQAAOj4AAKo93bGZPbO4Vjxqt3c4t7fhPIi5WTiCuDI5RbqaObOyIj7etPc1QLnRPDO4Wz1suX47+rt5Oly6"
    "/TsSvIQ7QLn/OSuz4DOrsyM4BLU7OAGyPDebtE+wEreBsqO49LKIuSiyJrpxsIG6/ChSvFk17bmZMCe5HzEsuAwxe7Z4MAe1Ti8EtKUt"
    "UbxGNhK1YTggsTw0OrE5OEKvnzhVsV84urSWOMqtsDhJre04/bOqKHKySilpsUspmLkQpRO65qpPLf4yezkuKBAvyzgKPDq0qzb8LRU4"
    "by7LOEYuwznMK2Y17yxzOLyxHjdJsUI5BbHHORuvUzpRL0A20j3AOdUgQDxtMCM7RiwnOPw29jCPOrowGzu4NKo6OjbROkQ0DTuwNRU7"
    "NDgTPJgtUTg4LvU2rTq2saw06zJ8Nds3hDX+Nno6rDbJLQw17jiztPg5GLRmOzK3sjL9spo1U6/mOCs77ztEPGE0eDgFMro4GTgyO8w3"
    "OztVOta0sDUwOBQ3mbRGN7+1bziwueo6JLb9N2S4GTuRsp87a7PpMNk6fzTeOvc18ToMNJc4/zc2Ow030zudN0Q7szJROHI1LTsJNDQ7"
    "dTBHOzIxIz3vMLU80zCIPJwwaTxOMFI8VjUSPJ41GDzzNSg8LDZDPNU3BjpIPNo4WTbTO7c2yzvcMAU5RjWkOGwx4ThbNjA0hjgANeU1"
    "nTdEOta4xTnjtyc5trX4NoQ8jDNhtUM0grjTNBm6aTmfLR47nzGLNNYrbjoeqxEzIzFQNHw3/TsYNJ46CzOpOZczPDgiM102HjLMNNww"
    "2S2EKAg86Tb2OhCsJCu8OMQ05jRVPJQxNTP1Lhc2xjcNOuAjVDRmNjE8qDp/NLMovzGQNYg66TxbOoU9UTxDOHg7bDwJPE+rfjZYPtkp"
    "AzlONts1xzv8Lb84TCsaOKArUjfnOw48DjnrMgI/KjhsPjA5CT7uNs0quDW6Kec0jSl7O3as+zXVqkk3Iq5ROLmu/DhrrWI5U6o9PBWs"
    "Lzn8KQg2qTlONGE4RDGMOWs5cj1fOOY9ETOhPjc7/Tz5NK8YCzHdMSE2xD4/PPE51TM3PDI0RzxqNGI8izSMPBs15TznNiQ7KTcSO2I3"
    "/jqeOIA6QDssOegwDy7cMuypWzTgp6M2NztbO1Q7FTCrrK41UD2fLSkwizMxNd0xmT2zOFY8ajd3OLc34TyIOVk4gjgyOUU6mjmzMiI+"
    "3jT3NUA50TwzOFs9bDl+O/o7eTpcOv07EjyEO0A5/zkrM+AzqzMjOAQ1OzgBMjw3mzRPsBI3gbKjOPSyiDkosiY6cbCBOvwoUjxZNe05"
    "mTAnOR8xLDgMMXs2eDAHNU4vBDSlLVE8RjYSNWE4IDE8NDoxOThCL584VTFfOLo0ljjKLbA4SS3tOP0zqihyMkopaTFLKZg5EKUTOuaq"
)


def _normalise(pts: np.ndarray) -> np.ndarray:
    """Stable-point centroid at the origin, distance between the eye centres 1."""
    right = (pts[R_EYE_OUTER] + pts[R_EYE_INNER]) / 2
    left = (pts[L_EYE_OUTER] + pts[L_EYE_INNER]) / 2
    return (pts - pts[list(STABLE_POINTS)].mean(axis=0)) / np.linalg.norm(left - right)


def frontalise(p3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotate 3-D mesh points (468, 3) (x right, y down, z away from camera) to a frontal, upright pose.

    Returns (points (468, 3) in the frontal frame, mirror index: the left/right partner of each point)."""
    mid = p3[list(MIDLINE)]
    centre = mid.mean(axis=0)
    # The midline plane's normal is the direction in which the midline points spread least.
    normal = np.linalg.svd(mid - centre)[2][2]
    if np.dot(p3[L_EYE_OUTER] - p3[R_EYE_OUTER], normal) < 0:
        normal = -normal  # subject's left is image right (+x)
    down = p3[152] - p3[10]  # chin minus forehead, made orthogonal to the normal
    down -= np.dot(down, normal) * normal
    down /= np.linalg.norm(down)
    axes = np.stack([normal, down, np.cross(normal, down)])
    q = (p3 - centre) @ axes.T
    from scipy.optimize import linear_sum_assignment  # build time only (scipy comes with scikit-image)

    mirrored = q * np.array([-1.0, 1.0, 1.0])
    d = np.linalg.norm(q[:, None, :] - mirrored[None, :, :], axis=2)
    # A one-to-one pairing (nearest neighbours alone may send two points to one partner).
    return q, linear_sum_assignment(d)[1]


def build_mean_shape() -> np.ndarray:
    """Rebuild the canonical mean shape (468, 2), normalised, from the astronaut photograph (needs MediaPipe)."""
    from skimage import data

    from merstudio.face.detector import FaceMeshDetector

    with FaceMeshDetector(max_faces=1, video_mode=False) as det:
        faces = det.detect(data.astronaut())
    obs = faces[0] if faces else None
    if obs is None or obs.z is None:
        raise RuntimeError("astronaut: MediaPipe found no face")
    q, partner = frontalise(np.column_stack([obs.landmarks, obs.z]).astype(np.float64))
    mutual = partner[partner] == np.arange(len(partner))
    sym = np.where(mutual[:, None], (q + q[partner] * np.array([-1.0, 1.0, 1.0])) / 2, q)
    sym[list(MIDLINE), 0] = 0.0
    return _normalise(sym[:, :2])


def _decode(text: str) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(text), dtype="<f2")
    return raw.reshape(N_LANDMARKS, 2).astype(np.float64)


def encode(shape: np.ndarray) -> str:
    """The storage form of a mean shape (used once to write _STORED)."""
    return base64.b64encode(np.asarray(shape, dtype="<f2").tobytes()).decode("ascii")


def mean_shape() -> np.ndarray:
    """The stored canonical mean shape (468, 2): frontal, symmetric, stable-point centroid 0, eye distance 1."""
    return _MEAN_SHAPE.copy()


_MEAN_SHAPE = _decode(_STORED)
