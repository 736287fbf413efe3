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

_STORED = (  # base64 of float16 (468, 2), written once from encode(build_mean_shape())
    "AACKOgAAWTgAAEI5Ka07MwAABDcAAOg0AAB6JHq5VSYAAKyyAABjtQAAAboAANw6AAANOwAAFjsAADc8AABWPAAAezwAAK88AAAcPQAA"
    "yTgOrs44Ebw2s1C21i3ctywusLg1Lr+5pisRteksXLiOsAW3S7Ajucyvprk+rVK6JTAGtqk9zLmmH0G8ezEpu9wtC7hGN+mwZzp/sAE7"
    "5bR+OmS2rDoItPo6XrUHOwW4EDxPrVI46636NsG6erGZtIszF7ULOCO1Pzdlugk3jK0bNQq5v7QRuhK0b7uotq+yRbOLtRyusrgyO8q7"
    "SzwBtIs4YbHSOB64MDtxtzk7fLrmtEC1VDg6t720iLcBtnG4frn0utW1BrhGuDO7U7Knu5OyybDGOmu0zTrhtdo6UbOvON23MTvrtrs7"
    "K7c/OxWyWTgUtfY6crP6OiCwCTv/sA89ybCfPKGwbDxosEk8FbAvPCm19ztvtQI8yLUSPA+2MDx1tx06P7wWOQAAEzkTtsE7hLa1O02w"
    "LTnatNE40bABOUG2hzR3uFs1fLXkN0u6nLjSuaq3U7nitau2ejy7s6+1SrReuNK06rlcuYAtJLtzMk+0rStjuvao/bK0MQW0njf1u4o0"
    "n7qwM6m5FjQvuM0zJ7bQMpO0jjHIrRYqAbxSN/66A6p3qr84krQuNVa85DLZsh4wsrUMOAC6SSUKtJQ2JrzSOmm06ydysak1UbraPCS6"
    "bz1PvHo4S7tpPAy8dKY3tiA+HqkLORG2JjbMuxMwo7i4Kea3KCpIt887Arw1OZ6yuz73tzo++rjkPQAAXLgAAM4+mraqKWa1uSiwtKco"
    "hrtLqtq136o5t9StTbhOrv24CK1nuZGpQ7yspSC5nigAALA51rXBOfyzcTjtsKg5AAAIrjW5Vj0vuLs9yrJhPgW79TzetOqV9bBFMgAA"
    "dz7ctYU+O7wZOoGzGjwFtCo8PrRHPGy0dzzitNM8qLYROya3+zqYt9w6abiOOh67SzncsBEvfLJhqTG0K6ZAtgM7LbtdO+OvV6x2tTQ9"
    "AACoMpKtfjAAAI8vK7NnNQAABT4AAIU9q7F3PYe4TjwHt504arfPPGi5ezhWuFA5HLqyOYKy8T2StDs2EbnAPAq4PD08uYE72ruSOiu6"
    "9zsHvJc7D7kWOvWyLjQVsy44pLRSOKWxTDeBtAuwBrfcsZu4LLKAuYCxGrrRr3q69SpRvNU147n0MBO5fjEMuFwxKLbHMLm0+S+Gs08u"
    "SrzdNqi0fTj7sGU01rA7OFiunzjasGA4ULS2ODWtsDiirPQ4tbPIKAayXiocsSsrorkspP25yqgpLTszejlVJg4uzjgRPDazUDbWLdw3"
    "LC6wODUuvzmmKxE16SxcOI6wBTdLsCM5zK+mOT6tUjolMAY2qT3MOaYfQTx7MSk73C0LOEY36TBnOn8wATvlNH46ZDasOgg0+jpeNQc7"
    "BTgQPE8tUjjrLfo2wTp6sZk0izMXNQs4IzU/N2U6CTeMLRs1Cjm/tBE6ErRvO6i2rzJFs4s1HK6yODI7yjtLPAE0izhhMdI4HjgwO3E3"
    "OTt8Oua0QDVUODo3vbSINwG2cTh+ufQ61bUGOEa4MztTsqc7k7LJMMY6azTNOuE12jpRM6843TcxO+s2uzsrNz87FTJZOBQ19jpyM/o6"
    "IDAJO/8wDz3JMJ88oTBsPGgwSTwVMC88KTX3O281AjzINRI8DzYwPHU3HTo/PBY5EzbBO4Q2tTtNMC052jTRONEwATlBNoc0dzhbNXw1"
    "5DdLOpy40jmqt1M54rWrNno8uzOvtUo0XrjSNOq5XDmALSQ7czJPNK0rYzr2qP0ytDEFNJ439TuKNJ86sDOpORY0LzjNMyc20DKTNI4x"
    "yC0WKgE8Ujf+OgOqdyq/OJI0LjVWPOQy2TIeMLI1DDgAOkklCjSUNiY80jppNOsncjGpNVE62jwkOm89Tzx6OEs7aTwMPHSmNzYgPh4p"
    "CzkRNiY2zDsTMKM4uCnmNygqSDfPOwI8NTmeMrs+9zc6Pvo45D2aNqopZjW5KLA0pyiGO0uq2jXfqjk31K1NOE6u/TgIrWc5kalDPKyl"
    "IDmeKNY1wTn8M3E47TCoOTU5Vj0vOLs9yjJhPgU79TzeNOqV9TBFMtw1hT47PBk6gTMaPAU0Kjw+NEc8bDR3POI00zyoNhE7Jjf7Opg3"
    "3DppOI46HjtLOdwwES98MmGpMTQrpkA2AzstO1074y9XrHY1ND2SLX4wKzNnNasxdz2HOE48BzedOGo3zzxoOXs4VjhQORw6sjmCMvE9"
    "kjQ7NhE5wDwKODw9PDmBO9o7kjorOvc7BzyXOw85Fjr1Mi40FTMuOKQ0UjilMUw3gTQLsAY33LGbOCyygDmAsRo60a96OvUqUTzVNeM5"
    "9DATOX4xDDhcMSg2xzC5NPkvhjNPLko83TaoNH04+zBlNNYwOzhYLp842jBgOFA0tjg1LbA4oiz0OLUzyCgGMl4qHDErK6I5LKT9Ocqo"
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
    if not faces or faces[0].z is None:
        raise RuntimeError("astronaut: MediaPipe found no face")
    obs = faces[0]
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
