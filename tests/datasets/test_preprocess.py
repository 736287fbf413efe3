"""Preprocessing: flow / grey inputs from frame folders, videos and precomputed images, and the disk cache."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from merstudio.datasets import DatasetWarning, PreprocessSettings, load_samples, prepare, preprocess
from merstudio.datasets.preprocess import PREPROCESS_VERSION, compute_input, default_cache_dir
from merstudio.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::merstudio.datasets.DatasetWarning")

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "megc2019-dev" / "samples.csv"


def _texture(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    noise = rng.integers(0, 255, (h, w)).astype(np.float32)
    return cv2.normalize(cv2.GaussianBlur(noise, (0, 0), 1.5), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)


def _moving_patch_clip(folder: Path, dx: int, n: int = 5, size: int = 64) -> None:
    """A static textured background with a textured square in the middle moving dx pixels per frame."""
    rng = np.random.default_rng(1)
    bg, patch = _texture(rng, size, size), _texture(rng, 20, 20)
    folder.mkdir(parents=True)
    for k in range(n):
        img = bg.copy()
        x0 = 22 + dx * k
        img[22:42, x0:x0 + 20] = patch
        cv2.imwrite(str(folder / f"img{k + 1}.png"), cv2.cvtColor(img, cv2.COLOR_GRAY2BGR))


def _table(tmp_path: Path, dx: int = 1) -> Path:
    _moving_patch_clip(tmp_path / "right", dx)
    _moving_patch_clip(tmp_path / "left", -dx)
    (tmp_path / "samples.csv").write_text("subject,sample,label,path,onset,apex,offset\n"
                                          "s1,right,a,right,1,3,5\ns2,left,b,left,1,3,5\n")
    return tmp_path / "samples.csv"


def test_flow_direction_and_shape(tmp_path):
    ds = load_samples("table", _table(tmp_path))
    settings = PreprocessSettings(modality="flow", size=32, T=1, flow="dis", align=False)
    X, info = prepare(ds, settings, cache_dir=tmp_path / "cache")
    assert X.shape == (2, 1, 3, 32, 32) and X.dtype == np.float32
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert info["centre_cropped"] == [("table/s1/right", "alignment off"), ("table/s2/left", "alignment off")]
    inside = np.zeros((32, 32), bool)
    inside[13:19, 14:18] = True  # the middle of the patch (centre crop = the whole 64 x 64 frame)
    for i, sign in ((0, 1), (1, -1)):
        u, strain = X[i, 0, 0], X[i, 0, 2]
        assert sign * (u[inside].mean() - u[~inside].mean()) > 0.25, "u should follow the patch's motion"
        # Strain peaks at the patch edges, not in the rigidly translating middle or the static background.
        assert strain[~inside].max() > strain[inside].mean()


def test_temporal_steps_and_both_modality(tmp_path):
    ds = load_samples("table", _table(tmp_path))
    x, info = compute_input(ds[0], PreprocessSettings(modality="both", size=28, T=2, align=False))
    assert x.shape == (2, 4, 28, 28) and not info["aligned"]
    # Step 1 is onset -> frame 2, step 2 onset -> apex (frame 3): twice the displacement, and min-max over the
    # whole sample keeps that difference.
    assert x[1, 0].max() >= x[0, 0].max()
    grey = cv2.imread(str(ds[0].frames[ds[0].apex_pos]), cv2.IMREAD_GRAYSCALE)
    expect = cv2.resize(cv2.resize(grey, (128, 128)), (28, 28), interpolation=cv2.INTER_AREA) / 255.0
    assert np.abs(x[1, 3] - expect).mean() < 0.03  # the grey channel is the (centre-cropped) apex frame
    g, _ = compute_input(ds[0], PreprocessSettings(modality="grey", size=28, T=3, span="offset", align=False))
    assert g.shape == (3, 1, 28, 28)


@pytest.mark.parametrize(("spacing", "first"), [("even", 2), ("late", 3)])
def test_step_spacing_picks_the_frames(tmp_path, spacing, first):
    """Onset -> offset is frames 0..4 here: "even" steps lie at 2 and 4, "late" ones over the second half, 3 and 4."""
    ds = load_samples("table", _table(tmp_path))
    settings = PreprocessSettings(modality="grey", size=64, T=2, span="offset", spacing=spacing, align=False)
    x, _ = compute_input(ds[0], settings)
    frames = [cv2.resize(cv2.imread(str(f), cv2.IMREAD_GRAYSCALE), (64, 64), interpolation=cv2.INTER_AREA) / 255.0
              for f in ds[0].frames]
    nearest = [int(np.argmin([np.abs(x[k, 0] - f).mean() for f in frames])) for k in range(2)]
    assert nearest == [first, 4]
    with pytest.raises(InputError, match="spacing"):
        PreprocessSettings(T=2, spacing="early")


def test_cache_key_of_spacing():
    # Literal keys of the settings as they were before spacing existed (with PREPROCESS_VERSION 2, brightness-matched
    # flow; version 1's were a13e9486b6f4d57a and 2ac364070ea6a2f8 and match nothing now): the fields added since
    # leave the key alone wherever the steps are the same ("even", or one step, which lies at the apex either way).
    assert PREPROCESS_VERSION == 2
    assert PreprocessSettings().key() == PreprocessSettings(spacing="late").key() == "259d053da3266172"
    assert PreprocessSettings(T=2).key() == "fe25272803255b91"
    assert PreprocessSettings(T=2, spacing="late").key() not in ("fe25272803255b91", "259d053da3266172")
    # the whole aligned face is the framing every cache made before framings existed had
    assert PreprocessSettings(framing="whole").key() == "259d053da3266172"
    framed = PreprocessSettings(framing="megc2019")
    assert framed.framing == (0.143, 0.201, 0.857, 0.916) and framed.key() != "259d053da3266172"
    assert PreprocessSettings(framing=[0.143, 0.201, 0.857, 0.916]) == framed  # as read back from a checkpoint
    with pytest.raises(InputError, match="framing"):
        PreprocessSettings(framing="0.2,0.2,0.1,0.9")


@pytest.mark.parametrize("method", ["farneback", "tvl1"])
def test_other_flow_methods(tmp_path, method):
    ds = load_samples("table", _table(tmp_path, dx=1))
    x, _ = compute_input(ds[0], PreprocessSettings(size=28, flow=method, align=False))
    assert x.shape == (1, 3, 28, 28) and np.isfinite(x).all() and x[0, 0].std() > 0


def test_cache_is_reused_and_keyed_by_settings(tmp_path, monkeypatch):
    ds = load_samples("table", _table(tmp_path))
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "envcache"))
    assert default_cache_dir() == tmp_path / "envcache"
    a = PreprocessSettings(size=28, align=False)
    X1, i1 = prepare(ds, a)
    X2, i2 = prepare(ds, a)
    assert (i1["computed"], i1["cached"], i2["computed"], i2["cached"]) == (2, 0, 0, 2)
    np.testing.assert_array_equal(X1, X2)
    files = list((tmp_path / "envcache" / f"prep-{a.key()}").glob("*.npz"))
    assert len(files) == 2
    b = PreprocessSettings(size=28, align=False, flow="farneback")
    assert b.key() != a.key()
    _, i3 = prepare(ds, b)
    assert i3["computed"] == 2
    # A torn cache file is recomputed, not trusted.
    files[0].write_bytes(b"torn")
    _, i4 = prepare(ds, a)
    assert (i4["computed"], i4["cached"]) == (1, 1)



def test_a_frame_rewritten_in_place_is_computed_again(tmp_path):
    """Rewriting a clip's frames keeps the folder's modification time: the cache must see the files themselves."""
    import os

    ds = load_samples("table", _table(tmp_path))
    a = PreprocessSettings(size=28, align=False)
    X1, _ = prepare(ds, a, cache_dir=tmp_path / "c")
    frame = ds[0].frames[ds[0].apex_pos]
    folder_time = ds[0].path.stat().st_mtime_ns
    cv2.imwrite(str(frame), np.full_like(cv2.imread(str(frame)), 128))  # flat grey: another input
    os.utime(ds[0].path, ns=(folder_time, folder_time))
    X2, info = prepare(load_samples("table", tmp_path / "samples.csv"), a, cache_dir=tmp_path / "c")
    assert (info["computed"], info["cached"]) == (1, 1) and not np.array_equal(X1[0], X2[0])

def test_progress_and_cancel(tmp_path):
    from merstudio.datasets import PreprocessCancelled

    ds = load_samples("table", _table(tmp_path))
    seen: list[tuple[int, int]] = []
    prepare(ds, PreprocessSettings(align=False), progress=lambda d, t: seen.append((d, t)), cache_dir=tmp_path)
    assert seen == [(1, 2), (2, 2)]
    with pytest.raises(PreprocessCancelled):
        prepare(ds, PreprocessSettings(align=False), cancel=lambda: True, cache_dir=tmp_path)


def test_image_sample_is_u_v_strain(tmp_path):
    img = np.zeros((28, 28, 3), np.uint8)
    img[..., 0], img[..., 1], img[..., 2] = 10, 128, 255  # R, G, B = u, v, strain
    cv2.imwrite(str(tmp_path / "f.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\na,1,neg,f.png\n")
    ds = load_samples("table", tmp_path)
    X, info = prepare(ds, PreprocessSettings(size=28, T=2), cache_dir=tmp_path / "c")
    assert X.shape == (1, 2, 3, 28, 28)
    np.testing.assert_allclose(X[0, 0, :, 5, 5], [10 / 255, 128 / 255, 1.0], atol=1e-6)
    assert info["centre_cropped"] == []
    X56, _ = prepare(ds, PreprocessSettings(size=56), cache_dir=tmp_path / "c")
    assert X56.shape == (1, 1, 3, 56, 56)
    with pytest.raises(InputError, match="gives a flow input only"):
        prepare(ds, PreprocessSettings(modality="grey"), cache_dir=tmp_path / "c")


def test_video_sample(tmp_path):
    rng = np.random.default_rng(3)
    bg = _texture(rng, 48, 48)
    vid = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(vid), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (48, 48))
    for k in range(8):
        w.write(cv2.cvtColor(np.roll(bg, k, axis=1), cv2.COLOR_GRAY2BGR))
    w.release()
    (tmp_path / "samples.csv").write_text("subject,sample,label,path,onset,apex,offset\na,1,x,clip.avi,1,4,6\n")
    ds = load_samples("table", tmp_path)
    x, _ = preprocess(ds[0], PreprocessSettings(size=28, align=False), cache_dir=tmp_path / "c")
    assert x.shape == (1, 3, 28, 28) and x[0, 0].std() > 0


def test_no_face_found_is_centre_cropped_and_said(tmp_path):
    ds = load_samples("table", _table(tmp_path))
    with pytest.warns(DatasetWarning, match="no face found"):
        X, info = prepare(ds[:1], PreprocessSettings(size=28, align=True), cache_dir=tmp_path / "c")
    assert info["aligned"] == [False]
    assert info["centre_cropped"] == [("table/s1/right", "no face found on the onset frame")]


def test_unreadable_frame_at_preprocessing(tmp_path):
    ds = load_samples("table", _table(tmp_path))
    ds[0].frames[ds[0].apex_pos].write_bytes(b"broken")
    with pytest.raises(InputError, match=r"img3\.png: unreadable image"):
        prepare(ds, PreprocessSettings(align=False), cache_dir=tmp_path / "c")


def test_bad_settings():
    with pytest.raises(InputError, match="modality"):
        PreprocessSettings(modality="rgbd")
    with pytest.raises(InputError, match="flow"):
        PreprocessSettings(flow="lk")
    with pytest.raises(InputError, match="T"):
        PreprocessSettings(T=0)


@pytest.mark.skipif(not DEV.is_file(), reason="megc2019-dev data not present")
def test_real_megc2019_dev_prepare(tmp_path):
    ds = load_samples("table", DEV)
    X, info = prepare(ds, PreprocessSettings(size=28), cache_dir=tmp_path)
    assert X.shape == (309, 1, 3, 28, 28) and info["computed"] == 309
    assert 0.0 <= X.min() and X.max() <= 1.0 and X[:, 0, 0].std() > 0.05


def test_alignment_removes_where_the_face_is(tmp_path):
    """The same face at two places (and sizes) in the frame gives the same aligned input; centre-cropping does not."""
    from skimage import data

    face = data.astronaut()[20:260, 120:360]
    rows = []
    for name, (x, y, side) in {"left": (10, 20, 180), "right": (120, 40, 150)}.items():
        canvas = np.full((240, 320, 3), 90, np.uint8)
        canvas[y:y + side, x:x + side] = cv2.resize(face, (side, side), interpolation=cv2.INTER_AREA)
        folder = tmp_path / name
        folder.mkdir()
        for k in (1, 2):
            cv2.imwrite(str(folder / f"img{k}.png"), cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
        rows.append(f"a,{name},x,{name}")
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\n" + "\n".join(rows) + "\n")
    ds = load_samples("table", tmp_path)
    aligned, info = prepare(ds, PreprocessSettings(modality="grey", size=32), cache_dir=tmp_path / "c")
    assert info["aligned"] == [True, True]
    crop, _ = prepare(ds, PreprocessSettings(modality="grey", size=32, align=False), cache_dir=tmp_path / "c")
    same = np.abs(aligned[0] - aligned[1]).mean()
    differ = np.abs(crop[0] - crop[1]).mean()
    assert same < 0.05 and differ > 2 * same


def test_input_from_aligned_matches_the_sample_path(tmp_path):
    from merstudio.datasets import input_from_aligned

    ds = load_samples("table", _table(tmp_path))
    s = ds[0]
    settings = PreprocessSettings(size=28, T=1, align=False)
    from merstudio.datasets.preprocess import _centre_square, _warp_grey

    rgb = [cv2.cvtColor(cv2.imread(str(s.frames[p])), cv2.COLOR_BGR2RGB) for p in (0, s.apex_pos)]
    grey = [_warp_grey(im, _centre_square(im)) for im in rgb]
    x = input_from_aligned(grey[0], [grey[1]], settings)
    ref, _ = compute_input(s, settings)
    np.testing.assert_allclose(x, ref, atol=1e-5)
    with pytest.raises(InputError, match="2 target frames expected"):
        input_from_aligned(grey[0], [grey[1]], PreprocessSettings(T=2))


def _two_people() -> tuple[np.ndarray, tuple[float, ...], tuple[float, ...]]:
    """A real face twice in one frame, large on the left and small on the right (an interview's two people), and
    each one's box."""
    from merstudio.io import open_source
    from merstudio.resources import demo_video

    with open_source(demo_video()) as src:
        face = src.frame(0)
    h, w = face.shape[:2]
    frame = np.full((h, 2 * w, 3), 200, np.uint8)
    frame[:, :w] = face
    small = cv2.resize(face, (w * 2 // 3, h * 2 // 3), interpolation=cv2.INTER_AREA)
    frame[h // 6:h // 6 + small.shape[0], w + w // 6:w + w // 6 + small.shape[1]] = small
    from merstudio.face.detector import FaceMeshDetector

    det = FaceMeshDetector(max_faces=4, video_mode=False)
    try:
        boxes = sorted((f.bbox for f in det.detect(frame)), key=lambda b: b[0])
    finally:
        det.close()
    assert len(boxes) == 2, boxes
    return frame, boxes[0], boxes[1]


def test_the_face_asked_for_is_aligned_not_the_largest():
    """Fine-tuning on a project event of the second person of a video: the onset frame's alignment follows that
    person's face (the event's stored box), not the larger face beside it; a box on no face aligns nothing."""
    from merstudio.datasets.preprocess import WORK_SIZE, _Aligner

    frame, large, small = _two_people()
    al = _Aligner()
    try:
        for box in (large, small, None):
            m = al.matrix(frame, box)
            assert m is not None
            want = large if box is None else box
            centre = m @ np.array([(want[0] + want[2]) / 2, (want[1] + want[3]) / 2, 1.0])
            assert np.all(np.abs(centre - WORK_SIZE / 2) < 0.2 * WORK_SIZE), (box, centre)
        nowhere = (frame.shape[1] - 40.0, frame.shape[0] - 40.0, frame.shape[1] - 1.0, frame.shape[0] - 1.0)
        assert al.matrix(frame, nowhere) is None
    finally:
        al.close()


def test_pick_face_by_overlap():
    from types import SimpleNamespace

    from merstudio.datasets.preprocess import pick_face

    a, b = SimpleNamespace(bbox=(0, 0, 100, 100)), SimpleNamespace(bbox=(200, 0, 240, 40))
    assert pick_face([b, a]) is a  # the largest
    assert pick_face([a, b], (195, 5, 245, 45)) is b
    assert pick_face([a, b], (400, 400, 450, 450)) is None
    assert pick_face([], None) is None
