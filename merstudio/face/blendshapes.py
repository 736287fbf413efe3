"""MediaPipe's face blendshape model (52 ARKit-style scores from 146 mesh landmarks), run in numpy.

The model is `face_blendshapes.tflite` from MediaPipe's Face Landmarker bundle (Apache-2.0; see
resources/models/README.md). We do not run it through a TFLite interpreter: the maintained one (ai-edge-litert)
needs protobuf >= 5, which mediapipe 0.10.21 cannot import beside, and the tasks-API FaceLandmarker that runs it
costs about 4x the legacy Face Mesh per frame. The network is a small MLP-Mixer (about 0.5 M weights, float16),
so `scripts/port_blendshapes.py` exports its operator list and weights to `face_blendshapes.npz`, checking every
intermediate tensor against LiteRT's, and this module executes that list with numpy (about 0.2 ms per face,
twice that with the mirror pass below).

Input: the 146-point subset (`SUBSET`) of the 478-point refined mesh, x/y in image pixels (the model centres and
scales them itself, so the frame size does not matter). Output: 52 scores in 0..1, names in `NAMES`.

The network is not mirror-symmetric: the same mesh mirrored (its sides swapped) read the upper lip's raise and the
lips' press on the other side of the face (on the real smile, mouthPressRight 0.07 and mouthUpperUp 0.06 apart on
average). `BlendshapeModel.__call__` therefore averages each face's scores with those of its mirrored mesh, sides
swapped back (`symmetric`), in the same batch: a mesh and its mirror read the same, sides exchanged (a mirror
image gets a mesh of its own, which differs by about a pixel: docs/aus.md, "Sides in a mirror").
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from merstudio.errors import MerstudioError

# mediapipe/tasks/cc/vision/face_landmarker/face_blendshapes_graph.cc (kLandmarksSubsetIdxs, kBlendshapeNames).
SUBSET = np.array([
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70,
    78, 80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146, 148, 149,
    150, 152, 153, 154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195,
    197, 234, 246, 249, 251, 263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300,
    308, 310, 311, 312, 314, 317, 318, 321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375,
    377, 378, 379, 380, 381, 382, 384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454,
    466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477], dtype=np.int64)

NAMES = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft", "eyeBlinkRight", "eyeLookDownLeft",
    "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft",
    "eyeLookUpRight", "eyeSquintLeft", "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft",
    "jawOpen", "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthPressLeft",
    "mouthPressRight", "mouthPucker", "mouthRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower",
    "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthUpperUpLeft", "mouthUpperUpRight", "noseSneerLeft", "noseSneerRight",
)
INDEX = {n: i for i, n in enumerate(NAMES)}
# Each score's mirror counterpart: a Left shape's Right, a midline shape itself.
SIDE_SWAP = np.array([INDEX[n[:-4] + "Right"] if n.endswith("Left") else INDEX[n[:-5] + "Left"] if n.endswith("Right")
                      else i for i, n in enumerate(NAMES)], dtype=np.int64)
# The iris points' mirror partners: 468-472 the subject's right iris (centre, then its ring), 473-477 the left; the
# ring's points run the other way round on the other side (measured on the real clip and its mirror image).
_IRIS_PARTNERS = (473, 476, 475, 474, 477, 468, 471, 470, 469, 472)

MODEL_FILE = ("models", "face_blendshapes.npz")  # under merstudio.resources.resources_dir()
# sha256 of the ported model; resources/models/README.md gives the original .tflite's too.
MODEL_SHA256 = "a46a5d719e88b1812e48de87ce9740bece760817821bae7ddd430423d7f0342d"


class BlendshapeModelError(MerstudioError):
    """The vendored model file is missing or not the one this code was written for."""


def model_path() -> Path:
    from merstudio.resources import resources_dir

    return resources_dir().joinpath(*MODEL_FILE)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _act(x: np.ndarray, name: str) -> np.ndarray:
    if name == "RELU":
        return np.maximum(x, 0)
    if name == "RELU6":
        return np.clip(x, 0, 6)
    return x


def run_op(op: dict, ins: list[np.ndarray], batch: int = 1) -> np.ndarray:
    """One operator of the exported graph. `op` carries the output shape and any parameter the export fixed.

    The graph was exported for one face (leading dimension 1); `batch` > 1 runs B faces at once, every
    recorded leading 1 standing for B (the per-face arithmetic never mixes faces)."""
    kind, shape = op["op"], tuple(op["shape"])
    if batch > 1 and shape and shape[0] == 1:
        shape = (batch, *shape[1:])
    if kind in ("MEAN", "SUM"):
        axes = tuple(int(a) for a in np.atleast_1d(ins[1]))
        red = np.mean if kind == "MEAN" else np.sum
        return red(ins[0], axis=axes, keepdims=True).reshape(shape)
    if kind == "ADD":
        return ins[0] + ins[1]
    if kind == "SUB":
        return ins[0] - ins[1]
    if kind == "MUL":
        return ins[0] * ins[1]
    if kind == "DIV":
        return ins[0] / ins[1]
    if kind == "SQUARED_DIFFERENCE":
        d = ins[0] - ins[1]
        return d * d
    if kind == "NEG":
        return -ins[0]
    if kind == "SQRT":
        return np.sqrt(ins[0])
    if kind == "RSQRT":
        return 1.0 / np.sqrt(ins[0])
    if kind == "LOGISTIC":
        return 1.0 / (1.0 + np.exp(-ins[0]))
    if kind == "RESHAPE":
        return ins[0].reshape(shape)
    if kind == "TRANSPOSE":
        return np.transpose(ins[0], tuple(int(a) for a in ins[1]))
    if kind == "CONCATENATION":
        if batch > 1:  # a constant (the class token) stands once for every face
            ins = [np.broadcast_to(x, (batch, *x.shape[1:])) if x.shape[0] == 1 else x for x in ins]
        return np.concatenate(ins, axis=int(op["axis"]))
    if kind == "STRIDED_SLICE":
        x, begin, strides = ins[0], ins[1], ins[3]
        full = list(op["full_shape"])  # the slice's shape before shrunk axes are dropped
        if batch > 1:
            full[0] = batch
            if len(op["shape"]) < len(full):  # the only shrunk axis is the leading one: keep it as the batch
                shape = (batch, *op["shape"])
        idx = tuple(slice(int(b), int(b) + n * int(s), int(s)) for b, n, s in zip(begin, full, strides, strict=True))
        return x[idx].reshape(shape)
    if kind == "CONV_2D":  # 1x1 convolutions only (the mixer's dense layers), NHWC, weights (O, 1, 1, I)
        wt = op.get("wt")  # the weights as a contiguous (I, O) matrix, prepared at load
        if wt is None:
            wt = ins[1].reshape(ins[1].shape[0], -1).T
        x = ins[0]
        # 2D GEMM on a contiguous matrix: numpy's 4D (stacked) matmul does not reach BLAS's fast path.
        y = (np.ascontiguousarray(x.reshape(-1, x.shape[-1])) @ wt).reshape(*x.shape[:-1], wt.shape[1])
        if len(ins) > 2:
            y = y + ins[2]
        return _act(y, op.get("act", "NONE"))
    raise BlendshapeModelError(f"blendshape model: unsupported operator {kind}")


class BlendshapeModel:
    """Loads the ported model once (checksum verified) and scores faces."""

    def __init__(self, path: str | Path | None = None, *, verify: bool = True) -> None:
        path = Path(path) if path is not None else model_path()
        if not path.is_file():
            from merstudio.resources import missing_hint  # right for a checkout and an installed package

            raise BlendshapeModelError(f"{path}: blendshape model missing ({missing_hint()})")
        if verify and _sha256(path) != MODEL_SHA256:
            raise BlendshapeModelError(f"{path}: checksum mismatch; the vendored model file is damaged or replaced")
        with np.load(path, allow_pickle=False) as z:
            self.graph: list[dict] = json.loads(bytes(z["graph"]).decode())
            self.input_index = int(z["input_index"])
            self.output_index = int(z["output_index"])
            self.consts: dict[int, np.ndarray] = {}
            for key in z.files:
                if key.startswith("t"):
                    a = z[key]
                    self.consts[int(key[1:])] = a.astype(np.float32) if a.dtype.kind == "f" else a
        for op in self.graph:
            if op["op"] == "CONV_2D":  # a transposed view makes matmul take a slow path: 4.4 -> ~1 ms per face
                w = self.consts[op["in"][1]]
                op["wt"] = np.ascontiguousarray(w.reshape(w.shape[0], -1).T)

    def run_subset(self, points: np.ndarray) -> np.ndarray:
        """Scores (52,) for the 146 subset points (146, 2) in pixels, or (B, 52) for (B, 146, 2): a batch costs
        far less per face (one pass of numpy calls; larger matrix products)."""
        pts = np.asarray(points, dtype=np.float32)
        single = pts.ndim == 2
        pts = pts.reshape(-1, 146, 2)
        b = len(pts)
        vals = dict(self.consts)
        vals[self.input_index] = pts
        for op in self.graph:
            vals[op["out"]] = run_op(op, [vals[i] for i in op["in"]], b).astype(np.float32, copy=False)
        out = vals[self.output_index].reshape(b, -1)
        return out[0] if single else out

    def __call__(self, landmarks478: np.ndarray, *, symmetric: bool = True) -> np.ndarray:
        """Scores (52,) for one face's refined mesh (478, 2) in pixels, or (B, 52) for meshes (B, 478, 2). Each
        mesh is first turned upright (`upright`). `symmetric`: the mean of the network's scores for the mesh and
        for the same mesh mirrored (`mirrored_subset`), sides swapped back (module docstring; one pass over both, so a face is never scored
        in a batch of one); False: the network's own scores."""
        lm = np.asarray(landmarks478)
        if lm.shape[-2] < 478:
            raise ValueError(f"blendshapes need the 478-point refined mesh (iris included), got {lm.shape[-2]} points")
        pts = upright(lm[..., :2])[..., SUBSET, :]
        if not symmetric:
            return self.run_subset(pts)
        single = pts.ndim == 2
        pts = pts.reshape(-1, len(SUBSET), 2)
        scores = self.run_subset(np.concatenate([pts, mirrored_subset(pts)]))
        n = len(pts)
        out = (scores[:n] + scores[n:][:, SIDE_SWAP]) / 2
        return out[0] if single else out


def upright(mesh: np.ndarray) -> np.ndarray:
    """The mesh (…, N, 2) turned about its centroid so that the line from the subject's right outer eye corner
    (point 33) to the left one (263) is horizontal, left to right. The model centres and scales its input but does
    not undo a head's roll: on the real clip rolled by 45° the smile's AU6 read 2.1 instead of 2.7 and relaxed brows
    AU1 0.2; a face upside down lost a fifth of its AU12. A tilted head is the same expression."""
    pts = np.asarray(mesh, dtype=np.float64)
    d = pts[..., 263, :] - pts[..., 33, :]
    ang = np.arctan2(d[..., 1], d[..., 0])
    c, s = np.cos(ang)[..., None], np.sin(ang)[..., None]
    centre = pts.mean(axis=-2, keepdims=True)
    x, y = pts[..., 0] - centre[..., 0], pts[..., 1] - centre[..., 1]
    return np.stack([c * x + s * y, -s * x + c * y], axis=-1) + centre


_subset_partners: np.ndarray | None = None


def mesh_partners() -> np.ndarray:
    """(478,) the mirror partner of each refined-mesh point (a midline point its own): the canonical face's
    pairing (merstudio.face.template, exactly symmetric: each point's mirror lands on its partner) and the irises'."""
    from merstudio.face.template import mean_shape

    t = mean_shape()
    d = np.linalg.norm((t * [-1.0, 1.0])[:, None, :] - t[None, :, :], axis=2)
    return np.concatenate([d.argmin(axis=1), _IRIS_PARTNERS]).astype(np.int64)


def subset_partners() -> np.ndarray:
    """(146,) the position in `SUBSET` of each subset point's mirror partner (the subset holds both of each pair)."""
    global _subset_partners
    if _subset_partners is None:
        where = {int(p): k for k, p in enumerate(SUBSET)}
        _subset_partners = np.array([where[int(q)] for q in mesh_partners()[SUBSET]], dtype=np.int64)
    return _subset_partners


def mirrored_subset(points: np.ndarray) -> np.ndarray:
    """The subset points (…, 146, 2) of the same face seen in a mirror: x reflected about the face's mean, each
    point taking its partner's place (so the subject's left eye is again the left one, on the image's right)."""
    pts = np.asarray(points)[..., subset_partners(), :].copy()
    centre = pts[..., 0].mean(axis=-1, keepdims=True)
    pts[..., 0] = 2 * centre - pts[..., 0]
    return pts


_shared: BlendshapeModel | None = None


def shared_model() -> BlendshapeModel:
    """One model per process (loading verifies the checksum and reads ~1 MB)."""
    global _shared
    if _shared is None:
        _shared = BlendshapeModel()
    return _shared
