"""Face detection + 468-point landmarks (478 with the irises) from MediaPipe Face Mesh (Apache-2.0; the model
ships in the wheel). The refined mesh (irises included) costs the same as the plain one here (3.0 vs 3.1 ms per
640x360 frame on one core) and is what the blendshape model (merstudio.face.blendshapes) reads. Faces too small
for Face Mesh's own detector are found and followed in crops (merstudio.face.small_faces)."""

from __future__ import annotations

import math
import os
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from merstudio.errors import InputError
from merstudio.face.landmarks import N_LANDMARKS
from merstudio.face.mp_import import mediapipe
from merstudio.face.small_faces import Box, Crop, CropFitter, SmallFaces, centre_inside, crop_for, crop_square
from merstudio.native_logs import native_logs_filtered

# A face the video-mode mesh has just detected is fitted in a region placed from the detector's few key points; on
# the next frame the region comes from the face's own landmarks, and the fit moves (about 1 % of the face's width)
# and settles there. The AU calibration was set on settled fits, and a photo is only ever a first frame: so a frame
# with a newly detected face is fitted again, up to SETTLE_PASSES times, until no face moves by more than
# SETTLE_TOL of its width (mean landmark shift). Measured (docs/face.md): a video's frame read as a photo then reads
# the video's AUs within 0.02 on average (0.05-0.09, AU4 off by 1.1 on the demo, from the first fit).
SETTLE_PASSES = 4
SETTLE_TOL = 0.0015

CROP_MESHES = 4       # tracking meshes for faces followed in crops; more faces share one that starts afresh each call
WINDOW_SLACK = 0.1    # of a crop window's side: how far its face may move from the middle before the window follows
SIZE_SLACK = 0.25     # relative change of the face's size before the window is remade
_BLANK = np.zeros((64, 64, 3), np.uint8)  # no face, no hand: a graph run on it is left with nothing to track


@dataclass(frozen=True)
class FaceObservation:
    """One face found in one frame, in pixel coordinates of that frame."""

    landmarks: np.ndarray  # (468, 2) float32, x/y pixels
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 (landmark extent)
    confidence: float  # 0..1
    # (468,) float32 relative depth in pixels (MediaPipe z x width; smaller = nearer), None if the detector has none.
    z: np.ndarray | None = None
    # (478, 2) float32 refined mesh (the 468 points + 10 iris points), x/y pixels; None if the detector has none.
    refined: np.ndarray | None = None
    # True: found in a crop around a face too small for the full-frame mesh (merstudio.face.small_faces)
    cropped: bool = False


_LANDMARK_BYTES = 17  # a serialised landmark with x, y, z: tag 0x0a, length 15, then 0x0d x 0x15 y 0x1d z (float32 each)


def landmark_array(landmarks: Any) -> np.ndarray:
    """(N, 3) float32 x, y, z of a MediaPipe landmark list: read from its serialised bytes when every landmark holds
    exactly x, y and z (Face Mesh's: 478 attribute reads cost ~0.25 ms of Python per face, the bytes ~0.03);
    attribute by attribute otherwise. The same floats either way (the message stores float32)."""
    raw = np.frombuffer(landmarks.SerializeToString(), np.uint8)
    n = len(landmarks.landmark)
    if len(raw) == _LANDMARK_BYTES * n:
        rec = raw.reshape(n, _LANDMARK_BYTES)
        if (rec[:, :3] == (0x0A, 15, 0x0D)).all() and (rec[:, 7] == 0x15).all() and (rec[:, 12] == 0x1D).all():
            return np.ascontiguousarray(rec[:, [3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16]]).view("<f4").astype(
                np.float32)
    return np.array([(p.x, p.y, p.z) for p in landmarks.landmark], dtype=np.float32).reshape(n, 3)


def _observations(result: Any, size: tuple[int, int], frame: tuple[int, int], crop: Crop | None = None,
                  ) -> list[FaceObservation]:
    """Face Mesh's faces on an image of `size` (w, h), in pixels of the frame (w, h) it was cut from by `crop`."""
    w, h = size
    scale, x0, y0 = (1.0, 0, 0) if crop is None else (crop.scale, crop.x0, crop.y0)
    faces: list[FaceObservation] = []
    for lm in result.multi_face_landmarks or []:
        full = landmark_array(lm)
        refined = full[:, :2] * np.array([w * scale, h * scale], dtype=np.float32) + np.array([x0, y0], np.float32)
        pts = refined[:N_LANDMARKS]
        bx0, by0 = pts.min(axis=0)
        bx1, by1 = pts.max(axis=0)
        # Face Mesh exposes no per-face score; report the fraction of landmarks inside the frame.
        inside = np.mean((pts[:, 0] >= 0) & (pts[:, 0] < frame[0]) & (pts[:, 1] >= 0) & (pts[:, 1] < frame[1]))
        faces.append(FaceObservation(pts, (float(bx0), float(by0), float(bx1), float(by1)), float(inside),
                                     full[:N_LANDMARKS, 2] * np.float32(w * scale),
                                     refined if len(refined) >= 478 else None))
    return faces


def _nearest(face: FaceObservation, others: list[FaceObservation]) -> tuple[FaceObservation, float]:
    """The one of `others` that is `face` fitted again, and the mean landmark distance to it over face's width."""
    width = max(face.bbox[2] - face.bbox[0], 1.0)
    d = [float(np.linalg.norm(face.landmarks - o.landmarks, axis=1).mean()) / width for o in others]
    k = int(np.argmin(d))
    return others[k], d[k]


def settled_fit(process: Callable[[], list[FaceObservation]], tracked: int) -> list[FaceObservation]:
    """The faces a video-mode mesh finds in an image (`process`: the mesh on it), the image fitted again while it
    holds more faces than the `tracked` it held before (some were just detected), each pass's regions from the last
    pass's landmarks, until no face moves by more than SETTLE_TOL of its width."""
    faces = first = process()
    if len(faces) <= tracked:
        return faces
    for _ in range(SETTLE_PASSES):
        again = process()
        if len(again) != len(faces):  # a fit lost or gained on a second look: keep what the graph now tracks
            return again
        moved = max(_nearest(a, faces)[1] for a in again)
        faces = again
        if moved <= SETTLE_TOL:
            break
    # A face cut by the frame's edge keeps its first fit: fitted again from the landmarks it guessed outside the
    # frame, it drifts away from the face (its geometry signature from the same face's whole fits: 0.034 -> 0.059,
    # a returning face not recognised; tests/face/test_tracker.py).
    return [f if f.confidence >= 0.99 else _nearest(f, first)[0] for f in faces]


def _centred(found: list[FaceObservation], cx: float, cy: float, side: float) -> FaceObservation | None:
    """The face meant in a crop: the one nearest (cx, cy), if it lies within a quarter of the crop's side."""
    near = [(math.hypot((o.bbox[0] + o.bbox[2]) / 2 - cx, (o.bbox[1] + o.bbox[3]) / 2 - cy), o) for o in found]
    near = [(d, o) for d, o in near if d <= side / 4]
    return min(near, key=lambda do: do[0])[1] if near else None


def _crop_face_mesh(static: bool, min_confidence: float) -> Any:
    mp = mediapipe()

    with native_logs_filtered():
        # two faces: in a crowd the neighbour may be the surer detection; the one at the crop's centre is wanted
        return started(mp.solutions.face_mesh.FaceMesh(static_image_mode=static, max_num_faces=2,
                                                       refine_landmarks=True, min_detection_confidence=min_confidence))


class _StaticCrop:
    """First fits: a static mesh on the crop around the face, every call (static mode: each image on its own)."""

    def __init__(self, mesh: Any) -> None:
        self.mesh = mesh

    def fit(self, rgb: np.ndarray, box: Box) -> FaceObservation | None:
        cx, cy, side = crop_for(box)
        img, crop = crop_square(rgb, cx, cy, side)
        found = _observations(self.mesh.process(img), (crop.size, crop.size), (rgb.shape[1], rgb.shape[0]), crop)
        return _centred(found, cx, cy, side)


class _TrackedCrop:
    """A video-mode mesh on a crop window around one followed face. The window stays put while the face stays near
    its middle (within WINDOW_SLACK of its side, its size within SIZE_SLACK), so the mesh tracks there as on full
    frames, its region from the last landmarks; when the window moves, the mesh detects afresh and the fit is
    settled. (It looks for two faces, a neighbour may be the surer one, so its detector runs on every crop too: the
    same cost as the static crop mesh it replaced.) Measured on the demo shrunk to a 90-px face in 1080p: AU4 2.03
    on average, against 1.82 at full size and 0.88 from a first fit in every crop. keep=False: starts afresh on
    every call (shared by the faces beyond CROP_MESHES)."""

    def __init__(self, mesh: Any, keep: bool = True) -> None:
        self.mesh, self.keep = mesh, keep
        self.window: tuple[float, float, float] | None = None
        self.tracked = 0

    def restart(self) -> None:
        self.window = None

    def fit(self, rgb: np.ndarray, box: Box) -> FaceObservation | None:
        cx, cy, side = crop_for(box)
        w = self.window
        if (not self.keep or w is None or math.hypot(cx - w[0], cy - w[1]) > WINDOW_SLACK * w[2]
                or abs(side / w[2] - 1) > SIZE_SLACK):
            w = self.window = (cx, cy, side)
            self.mesh.process(_BLANK)  # nothing to track: the next image is detected afresh
            self.tracked = 0
        img, crop = crop_square(rgb, *w)
        frame = (rgb.shape[1], rgb.shape[0])

        def process() -> list[FaceObservation]:
            return _observations(self.mesh.process(img), (crop.size, crop.size), frame, crop)

        found = settled_fit(process, self.tracked)
        self.tracked = len(found)
        return _centred(found, cx, cy, side)


class _CropMeshes:
    """The crop meshes of the faces followed in crops (merstudio.face.small_faces), lent one per face: in video mode
    up to CROP_MESHES tracking meshes (about 28 MB and 54 ms to make, each), then one shared that starts afresh on
    every call; in static mode one static mesh for all."""

    def __init__(self, video_mode: bool, min_confidence: float) -> None:
        self.video_mode, self.min_confidence = video_mode, min_confidence
        self._free: list[_TrackedCrop] = []
        self._all: list[Any] = []
        self._shared: _TrackedCrop | _StaticCrop | None = None

    def _mesh(self, static: bool) -> Any:
        mesh = _crop_face_mesh(static, self.min_confidence)
        self._all.append(mesh)
        return mesh

    def acquire(self) -> CropFitter:
        if self.video_mode:
            if self._free:
                fitter = self._free.pop()
                fitter.restart()
                return fitter
            if len(self._all) < CROP_MESHES:
                return _TrackedCrop(self._mesh(False))
        if self._shared is None:
            self._shared = _StaticCrop(self._mesh(True)) if not self.video_mode else _TrackedCrop(
                self._mesh(False), keep=False)
        return self._shared

    def release(self, fitter: CropFitter) -> None:
        if isinstance(fitter, _TrackedCrop) and fitter.keep:
            self._free.append(fitter)

    def close(self) -> None:
        for mesh in self._all:
            mesh.close()
        self._all.clear()
        self._free.clear()
        self._shared = None


def _quiet_mediapipe() -> None:
    # absl/glog's own levels where a build reads them (mediapipe 0.10.21 does not: see native_logs_filtered)
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _outputs(typename: str, field_names: Any) -> types.SimpleNamespace:
    return types.SimpleNamespace()


def _lean_outputs() -> None:
    """MediaPipe's solutions build a new namedtuple class for every image they process, only to set its fields as
    class attributes: ~40 us of Python holding the GIL each time, plus a class for the cyclic garbage collector. A
    plain namespace object takes its attributes the same way (results are read by attribute only). Patched in
    mediapipe's solution module alone, not in `collections`."""
    from mediapipe.python import solution_base

    if getattr(solution_base.collections, "namedtuple", None) is not _outputs:
        solution_base.collections = types.SimpleNamespace(namedtuple=_outputs)  # type: ignore[assignment]


def started(solution: Any) -> Any:
    """Run a MediaPipe solution just made once, on a small blank image (no face, no hand: no tracking state is
    left). Its graph opens its models asynchronously, by the first frame; doing it here, inside
    native_logs_filtered, drops the start-up lines they write (a few ms per graph)."""
    _lean_outputs()
    solution.process(_BLANK)
    return solution


def check_rgb(rgb: np.ndarray, what: str = "frame") -> np.ndarray:
    """An RGB uint8 (H, W, 3) array (grey (H, W) is expanded); InputError otherwise."""
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim not in (2, 3) or rgb.size == 0:
        raise InputError(f"{what}: expected an RGB uint8 image (H, W, 3), got "
                         f"{getattr(rgb, 'dtype', type(rgb).__name__)} {getattr(rgb, 'shape', '')}")
    if rgb.ndim == 2:
        return np.repeat(rgb[:, :, None], 3, axis=2)
    if rgb.shape[2] != 3:
        raise InputError(f"{what}: expected 3 colour channels, got shape {rgb.shape}")
    return rgb


class FaceMeshDetector:
    """Wraps mediapipe's Face Mesh.

    In video mode MediaPipe tracks: each face's region comes from the previous frame's landmarks and the face
    detector runs only while fewer than `capacity` faces are tracked. So `capacity` (the graph's max_num_faces) is
    what decides whether detection runs on every frame; FaceTracker lowers it to the number of faces present and
    looks for newcomers with `find_faces` every few frames instead.

    In video mode a frame on which the mesh reports more faces than it tracked is fitted again until the fits settle
    (SETTLE_PASSES, above): a photo read in video mode reads what the same face reads in a video. Static mode does
    not settle (every image is detected afresh there).

    A frame on which the video-mode mesh loses faces it tracked while its detector was off (it tracked `capacity`
    faces: a cut, a face jumping away) is looked at again by a graph that detects afresh (`_look_again`): MediaPipe
    would only detect on the next frame, and a face in plain view was reported missing on the first frame after
    every cut. `redetections` counts those looks (the only frames that pay for them).

    small_faces: also find faces too small for Face Mesh's own detector, on tiles of the frame, and follow them in
    crops (merstudio.face.small_faces): every SEARCH_EVERY frames in video mode while fewer than max_faces are
    seen, on every image in static mode while fewer are seen.
    """

    def __init__(self, max_faces: int = 4, video_mode: bool = True, min_confidence: float = 0.5,
                 small_faces: bool = True) -> None:
        if max_faces < 1:
            raise InputError(f"max_faces: must be at least 1, got {max_faces}")
        _quiet_mediapipe()
        self.max_faces = int(max_faces)
        self.video_mode = bool(video_mode)
        self.min_confidence = float(min_confidence)
        self._capacity = self.max_faces
        self._mesh = self._make_mesh()
        self._meshes = {self._capacity: self._mesh}  # graphs by capacity: the full one and the latest lower one
        self._tracked = 0  # faces the mesh graph tracked after the last frame (more now: some were just detected)
        self._fresh = False  # the last frame's full-frame faces were detected afresh (see `fresh`)
        self._spare: Any = None  # a full-capacity graph for _look_again while the full one is the one tracking
        self.redetections = 0  # frames looked at again after tracking lost faces (_look_again)
        # lazily created short-range face detector (find_faces); mediapipe has no type information
        self._finder: Any = None
        self._crops = _CropMeshes(self.video_mode, self.min_confidence)
        self.small = SmallFaces(self._crops, self.min_confidence) if small_faces else None

    def _make_mesh(self, capacity: int | None = None):  # noqa: ANN202 - mediapipe type
        mp = mediapipe()

        with native_logs_filtered():  # TFLite/absl start-up lines on every graph, which users read as errors
            return started(mp.solutions.face_mesh.FaceMesh(
                static_image_mode=not self.video_mode,
                max_num_faces=self._capacity if capacity is None else capacity,
                refine_landmarks=True,
                min_detection_confidence=self.min_confidence,
                min_tracking_confidence=0.5,
            ))

    @property
    def fresh(self) -> bool:
        """Whether the full-frame faces `detect` (or `detect_afresh`) last returned were detected afresh: the graph
        tracked nothing before that frame (a first frame, after a seek, a capacity change or a frame without a
        face; static mode: always) or lost every face there and detected it again (`_look_again`). `detect_afresh`
        on that frame would only fit it the same way a second time."""
        return self._fresh

    @property
    def capacity(self) -> int:
        """How many faces the mesh graph tracks (MediaPipe's max_num_faces)."""
        return self._capacity

    def set_capacity(self, n: int) -> None:
        """Track at most n faces (1..max_faces). Switches graphs, which forgets the tracking."""
        if self._clamped(n) != self._capacity:
            self._switch(n)

    def reset(self, capacity: int | None = None) -> None:
        """Forget the video-mode tracking state and the faces followed in crops (after a seek), keeping the
        settings; `capacity`: track up to this many faces from now on."""
        self._switch(self._capacity if capacity is None else capacity)
        if self.small is not None:
            self.small.reset()

    def _clamped(self, n: int) -> int:
        return max(1, min(int(n), self.max_faces))

    def _switch(self, capacity: int) -> None:
        """The graph tracking up to `capacity` faces, tracking nothing. Graphs are kept and made to forget (a blank
        image through them: the next frame is detected afresh, as by a new graph) rather than built anew: closed
        graphs left native memory behind (40 restarts of a detector, each switching twice, grew it by 40-55 MB; a
        20-minute analysis grew by 61 MB, 27 MB with graphs kept). At most two are kept, the full capacity's (every
        restart switches to it) and the latest lower one (the faces present), ~28 MB each."""
        self._capacity = self._clamped(capacity)
        mesh = self._meshes.get(self._capacity)
        if mesh is None:
            for cap in [c for c in self._meshes if c != self.max_faces]:
                self._meshes.pop(cap).close()
            mesh = self._meshes[self._capacity] = self._make_mesh()  # made by `started`: nothing tracked
        else:
            mesh.process(_BLANK)
        self._mesh = mesh
        self._tracked = 0

    def detect(self, rgb: np.ndarray) -> list[FaceObservation]:
        """Faces in an RGB uint8 image (H, W, 3): the full-frame mesh's, then those found in crops."""
        rgb = np.ascontiguousarray(check_rgb(rgb))
        if self.video_mode:
            tracked = self._tracked
            faces = settled_fit(lambda: self._mesh_faces(rgb), tracked)
            self._tracked = len(faces)
            self._fresh = tracked == 0  # nothing to track from: the graph detected the frame as `_afresh` does
            # MediaPipe's detector ran on this frame only if the graph tracked fewer faces than its capacity
            if len(faces) < tracked >= self._capacity:
                faces = self._look_again(rgb, faces)
        else:
            faces = self._mesh_faces(rgb)
            self._fresh = True
        if self.small is not None:
            if not self.video_mode:
                self.small.reset()  # each image on its own: nothing followed from the last one, a search on each
            faces += self.small.update(rgb, faces, self.max_faces)
        return faces

    def _mesh_faces(self, rgb: np.ndarray) -> list[FaceObservation]:
        h, w = rgb.shape[:2]
        return _observations(self._mesh.process(rgb), (w, h), (w, h))

    def detect_afresh(self, rgb: np.ndarray) -> list[FaceObservation]:
        """The full-frame mesh's faces on this frame, detected afresh: the tracking graph forgets what it tracked
        and fits the frame as on new faces (settled), then tracks those. For a frame on which a tracked face turned
        out to be someone else (a cut, FaceTracker): MediaPipe fitted the newcomer in the region of the last
        person's landmarks. Faces followed in crops are not looked at again."""
        rgb = np.ascontiguousarray(check_rgb(rgb))
        if not self.video_mode:
            return self._mesh_faces(rgb)
        return self._afresh(rgb)

    def _afresh(self, rgb: np.ndarray) -> list[FaceObservation]:
        self._mesh.process(_BLANK)  # nothing left to track: the frame is detected afresh
        faces = settled_fit(lambda: self._mesh_faces(rgb), 0)
        self._tracked = len(faces)
        self._fresh = True
        return faces

    def _look_again(self, rgb: np.ndarray, faces: list[FaceObservation]) -> list[FaceObservation]:
        """A frame on which the tracking mesh lost faces, detected afresh (fits settled as for any new face).

        All lost (a cut): the tracking graph itself detects the frame afresh and tracks what it finds from the next
        frame on, so that frame costs no more than it did (the graph detected there before). Some kept: those,
        plus the faces a second graph finds elsewhere on the frame, up to `capacity`; the tracking graph is left as
        it is (it tracks fewer faces than its capacity now: its own detector runs from the next frame, as before).
        The second graph is the full-capacity one when a lower capacity is tracking (it is kept anyway, idle), else
        one more made on first need (about 28 MB)."""
        self.redetections += 1
        if not faces:
            return self._afresh(rgb)
        spare = self._meshes.get(self.max_faces) if self._capacity != self.max_faces else None
        if spare is None:
            if self._spare is None:
                self._spare = self._make_mesh(self.max_faces)  # made by `started`: nothing tracked
            spare = self._spare
        spare.process(_BLANK)  # forget what it last tracked: the frame is detected afresh
        h, w = rgb.shape[:2]
        found = settled_fit(lambda: _observations(spare.process(rgb), (w, h), (w, h)), 0)
        new = [f for f in found if not any(centre_inside(f.bbox, g.bbox) or centre_inside(g.bbox, f.bbox)
                                           for g in faces)]
        return faces + new[: max(0, self._capacity - len(faces))]

    def find_faces(self, rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Boxes (x0, y0, x1, y1) from MediaPipe's short-range face detector alone (about 1 ms at 640x480): a cheap
        check for faces that the mesh is not tracking."""
        rgb = check_rgb(rgb)
        if self._finder is None:
            mp = mediapipe()

            with native_logs_filtered():
                self._finder = started(mp.solutions.face_detection.FaceDetection(
                    model_selection=0, min_detection_confidence=self.min_confidence))
        h, w = rgb.shape[:2]
        boxes = []
        for d in self._finder.process(np.ascontiguousarray(rgb)).detections or []:
            b = d.location_data.relative_bounding_box
            boxes.append((b.xmin * w, b.ymin * h, (b.xmin + b.width) * w, (b.ymin + b.height) * h))
        return boxes

    def close(self) -> None:
        for mesh in self._meshes.values():
            mesh.close()
        self._meshes.clear()
        if self.small is not None:
            self.small.close()
        self._crops.close()
        if self._spare is not None:
            self._spare.close()
            self._spare = None
        if self._finder is not None:
            self._finder.close()
            self._finder = None

    def __enter__(self) -> FaceMeshDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
