from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.face import landmarks as L
from merstudio.synth import demo as D
from merstudio.synth import warps as W

DEMO_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"

# Landmarks where each expression of the demo must show its motion.
REGION = {
    "12": (L.R_MOUTH_CORNER, L.L_MOUTH_CORNER),
    "4": (L.R_BROW_INNER, L.L_BROW_INNER),
    "1+2": (L.R_BROW_INNER, L.L_BROW_OUTER),
    "14": (L.R_MOUTH_CORNER, L.L_MOUTH_CORNER),
    "15+17": (L.R_MOUTH_CORNER, L.CHIN_BOSS),
    "10": (L.UPPER_LIP_OUTER,),
}


@pytest.fixture(scope="module")
def renderer() -> D.DemoRenderer:
    return D.DemoRenderer(seed=0)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0**2 / max(mse, 1e-12)))


def _decode(path: Path) -> tuple[list[np.ndarray], float, tuple[int, int]]:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames, fps, size


def test_renderer_is_deterministic_for_a_seed(renderer):
    again = D.DemoRenderer(seed=0)
    other = D.DemoRenderer(seed=1, landmarks=renderer.landmarks)
    for i in (0, 50, 274, 340):
        img = renderer.frame(i)
        assert img.shape == (D.HEIGHT, D.WIDTH, 3) and img.dtype == np.uint8
        assert D.frame_digest(img) == D.frame_digest(again.frame(i))
        assert D.frame_digest(img) != D.frame_digest(other.frame(i))


def test_timeline_follows_the_truth_rows(renderer):
    rows = D.truth_rows()
    assert [r["aus"] for r in rows] == list(REGION)
    inside = set()
    for r in rows:
        on, apex, off = int(r["onset"]), int(r["apex"]), int(r["offset"])
        assert 6 <= off - on + 1 <= 15  # 1/5 .. 1/2 s at 30 fps
        aus = {int(a) for a in str(r["aus"]).split("+")}
        assert set(renderer.state(apex).aus) == aus
        assert all(v == pytest.approx(max(e.aus.values())) for e in D.EXPRESSIONS if e.apex == apex
                   for v in renderer.state(apex).aus.values())
        inside.update(range(on + 1, off))
    for i in range(D.N_FRAMES):
        assert bool(renderer.state(i).aus) == (i in inside), i


@pytest.mark.parametrize("row", D.truth_rows(), ids=lambda r: str(r["aus"]))
def test_expression_is_rendered_where_and_when_the_truth_says(renderer, row):
    apex, on, off = int(row["apex"]), int(row["onset"]), int(row["offset"])
    with_ex = renderer.frame(apex, noise=False).astype(np.int16)
    without = renderer.frame(apex, expressions=False, noise=False).astype(np.int16)
    diff = np.abs(with_ex - without).max(axis=2)
    assert diff.max() >= 20
    # The change sits around the AU's landmarks (within 20 % of the inter-ocular distance) ...
    lm = renderer.landmarks_at(apex)
    iod = float(np.linalg.norm(lm[[L.R_EYE_OUTER, L.R_EYE_INNER]].mean(0) - lm[[L.L_EYE_OUTER, L.L_EYE_INNER]].mean(0)))
    ys, xs = np.nonzero(diff >= 10)
    changed = np.stack([xs, ys], axis=1).astype(float)
    targets = lm[list(REGION[str(row["aus"])])]
    # All changed pixels lie near the AU's warp handles (carried along by the head motion).
    aus = {int(a): 1.0 for a in str(row["aus"]).split("+")}
    s = renderer.state(apex)
    m = W.similarity_matrix(renderer.centre, s.dx, s.dy, s.angle_deg, s.scale)
    handles = W.transform_points(np.array([p for p, _, _ in W.au_handles(renderer.landmarks, aus)]), m)
    near = np.min(np.linalg.norm(changed[:, None, :] - handles[None], axis=2), axis=1) < 0.35 * iod
    assert near.mean() > 0.99
    assert min(np.min(np.linalg.norm(changed - t, axis=1)) for t in targets) < 0.2 * iod
    # ... and nowhere at the onset and offset frames.
    for i in (on, off):
        assert np.array_equal(renderer.frame(i, noise=False), renderer.frame(i, expressions=False, noise=False))


def test_build_writes_a_readable_video_and_truth(tmp_path):
    paths = D.build_demo(tmp_path / "demo", seed=0, n_frames=60)
    frames, fps, size = _decode(paths.video)
    assert len(frames) == 60 and fps == pytest.approx(30.0) and size == (640, 480)
    with open(paths.truth, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(D.TRUTH_COLUMNS)
    assert rows == [{k: str(v) for k, v in D.truth_rows()[0].items()}]  # only the AU12 event ends before 60
    with open(paths.frames, newline="") as fh:
        per_frame = list(csv.DictReader(fh))
    assert [int(r["frame"]) for r in per_frame] == list(range(60))
    assert float(per_frame[50]["AU12"]) == pytest.approx(1.4, abs=1e-3)
    assert float(per_frame[30]["AU12"]) == 0.0
    # The codec keeps the picture (the index alignment is checked on the committed clip's flicker).
    r = D.DemoRenderer(seed=0, landmarks=None)
    for i in (0, 50, 59):
        assert _psnr(frames[i], r.frame(i, noise=False)) > 33
    assert not list(tmp_path.glob("demo/.*tmp*"))


def _committed_demo() -> Path:
    video = DEMO_DIR / "interview.mp4"
    # committed: missing is a failure, never a skip
    assert video.exists(), f"{video} (committed) is missing (regenerate: scripts/make_demo.py)"
    return video


def test_committed_demo_decodes_frame_exact():
    video = _committed_demo()
    assert video.stat().st_size <= 5_000_000
    frames, fps, size = _decode(video)
    assert len(frames) == D.N_FRAMES == 600 and fps == pytest.approx(30.0) and size == (640, 480)
    cap = cv2.VideoCapture(str(video))
    for i in (517, 3, 299, 599, 120):  # random access, including backwards seeks
        cap.set(cv2.CAP_PROP_POS_FRAMES, i)
        ok, f = cap.read()
        assert ok and np.array_equal(cv2.cvtColor(f, cv2.COLOR_BGR2RGB), frames[i]), i
    cap.release()
    with open(DEMO_DIR / "truth.csv", newline="") as fh:
        assert list(csv.DictReader(fh)) == [{k: str(v) for k, v in r.items()} for r in D.truth_rows()]
    with open(DEMO_DIR / "frames.csv", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 600
    for name in ("README.md", "LICENSE.md"):
        assert (DEMO_DIR / name).exists()


def test_committed_demo_is_current(renderer):
    """The committed clip is what the current code renders (regenerate with scripts/make_demo.py if not)."""
    frames, _, _ = _decode(_committed_demo())
    # Frames in the fast head turn and the flicker (gain alternates every 2 frames) tell neighbours apart.
    for i in (50, 334, 401, 403):
        scores = {j: _psnr(frames[i], renderer.frame(j, noise=False)) for j in (i - 2, i, i + 2)}
        assert max(scores, key=scores.get) == i and scores[i] > 33, scores
