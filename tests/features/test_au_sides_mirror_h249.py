"""The side columns (AUxx_L / AUxx_R) of a face seen in a mirror: its sides swapped. On the real smile the blendshape
network read the same mesh mirrored with the lips' press on the other side of the face (AU23 0.8 apart), so the
sides a coder copies (L23, R10) came from the network, not from the face (audit a100, h249). The mirror here is of
the mesh itself, so the check is exact; a mirrored image gets a mesh of its own (docs/aus.md, "Sides")."""

from __future__ import annotations

import numpy as np
import pytest

from merstudio.face import blendshapes as bs
from merstudio.features.blendshape_aus import AU_MAP, SIDED, aus_from_blendshapes

WIDTH = 640.0  # the clip's width: a mirror image's x is WIDTH - x


def _partners() -> np.ndarray:
    """Each refined-mesh point's mirror partner, found here from geometry alone: the canonical face (exactly
    symmetric) for the 468 mesh points, and for each iris ring point the other iris's point at the mirrored offset
    from its centre (on the real clip's first frame)."""
    from merstudio.face.template import mean_shape

    t = mean_shape()
    d = np.linalg.norm((t * [-1.0, 1.0])[:, None, :] - t[None, :, :], axis=2)
    assert d.min(axis=1).max() < 1e-6  # every point's mirror lands on a point
    return d.argmin(axis=1)


def _iris_partners(mesh: np.ndarray) -> np.ndarray:
    out = np.zeros(10, dtype=np.int64)
    for a, b in ((468, 473), (473, 468)):
        ring_a = mesh[a + 1:a + 5] - mesh[a]
        ring_b = (mesh[b + 1:b + 5] - mesh[b]) * [-1.0, 1.0]
        out[a - 468] = b
        for k in range(4):
            out[a - 468 + 1 + k] = b + 1 + int(np.linalg.norm(ring_b - ring_a[k], axis=1).argmin())
    return out


@pytest.fixture(scope="module")
def held_meshes(smile_clip) -> np.ndarray:
    """(8, 478, 2) refined meshes of frames 22-29 of the real clip: the held smile (coded 6+12+25), a blink at 26-28."""
    from merstudio.face.detector import FaceMeshDetector
    from merstudio.io import open_source

    meshes = []
    with open_source(smile_clip) as src, FaceMeshDetector(max_faces=1) as det:
        assert src.size[0] == WIDTH
        for i, rgb in src.iter_frames(start=18, stop=30):
            faces = det.detect(rgb)
            if i >= 22:
                meshes.append(faces[0].refined.astype(np.float64))
    return np.stack(meshes)


def _mirrored(meshes: np.ndarray) -> np.ndarray:
    partner = np.concatenate([_partners(), _iris_partners(meshes[0])])
    out = meshes[:, partner].copy()
    out[..., 0] = WIDTH - out[..., 0]
    return out


def _swap_sides() -> np.ndarray:
    return np.array([bs.INDEX[n.replace("Left", "Right")] if n.endswith("Left") else
                     bs.INDEX[n.replace("Right", "Left")] if n.endswith("Right") else i
                     for i, n in enumerate(bs.NAMES)])


def test_a_mirrored_mesh_scores_its_sides_swapped(held_meshes):
    model = bs.shared_model()
    plain = model(held_meshes)
    mirror = model(_mirrored(held_meshes))[:, _swap_sides()]
    # before: mouthPressRight 0.24 and mouthUpperUpLeft 0.12 apart on these frames
    np.testing.assert_allclose(mirror, plain, atol=1e-4)


def test_a_mirrored_mesh_reads_its_au_sides_swapped(held_meshes):
    model = bs.shared_model()
    mirrored = _mirrored(held_meshes)
    for mesh, mesh_m, s, s_m in zip(held_meshes, mirrored, model(held_meshes), model(mirrored), strict=True):
        a, b = aus_from_blendshapes(s, mesh), aus_from_blendshapes(s_m, mesh_m)
        for au in SIDED:  # AU6's eye narrowing too (geometry, gated per side by the smile)
            assert b.sides[(au, "R")] == pytest.approx(a.sides[(au, "L")], abs=1e-3), au
            assert b.sides[(au, "L")] == pytest.approx(a.sides[(au, "R")], abs=1e-3), au
        for au in AU_MAP:  # and the face's AUs (a sided one is the mean of its sides) read the same
            assert b.intensity[au] == pytest.approx(a.intensity[au], abs=1e-3), au
        assert b.blink == pytest.approx(a.blink, abs=1e-4)


def test_the_mesh_partners_pair_every_point_and_the_network_sees_both_of_each_pair(held_meshes):
    partner = bs.mesh_partners()
    assert (partner[partner] == np.arange(478)).all()  # a pairing: each point's partner's partner is itself
    np.testing.assert_array_equal(partner, np.concatenate([_partners(), _iris_partners(held_meshes[0])]))
    assert set(partner[bs.SUBSET].tolist()) == set(bs.SUBSET.tolist())
    np.testing.assert_array_equal(bs.SUBSET[bs.subset_partners()], partner[bs.SUBSET])
