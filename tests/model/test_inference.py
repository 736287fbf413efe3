"""Per-frame streaming inference and the shared input builder."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from support.predictors import input_meta, predictor

from merstudio.datasets.preprocess import PreprocessSettings, input_from_aligned
from merstudio.errors import InputError
from merstudio.features.flow import compute_flow
from merstudio.model import (
    FramePredictor,
    InputSettings,
    MENet,
    ModelConfig,
    au_column,
    class_column,
    make_input,
    prediction_columns,
    step_indices,
)
from merstudio.model.inference import NoInputSettings
from merstudio.model.inputs import grey_u8


def _texture(seed: int = 0, size: int = 128) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = cv2.GaussianBlur(rng.random((size, size)).astype(np.float32), (0, 0), 2.0)
    img = (img - img.min()) / (img.max() - img.min())
    return (img * 255).astype(np.uint8)


def _shifted(img: np.ndarray, dx: float, dy: float = 0.0) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(img, m, img.shape[::-1], flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)


def _zooming(n: int, rate: float, seed: int = 0) -> list[np.ndarray]:
    """The texture scaled about its centre by (1 + rate) ** k: a deformation with strain, unlike a shift."""
    base = _texture(seed)
    out = []
    for k in range(n):
        m = cv2.getRotationMatrix2D((63.5, 63.5), 0.0, (1 + rate) ** k)
        out.append(cv2.warpAffine(base, m, (128, 128), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT))
    return out


def _sequence(n: int, step: float, seed: int = 0) -> list[np.ndarray]:
    base = _texture(seed)
    return [_shifted(base, step * k) for k in range(n)]


def _predict_all(net: MENet, s: InputSettings, seq: list[np.ndarray]) -> dict:
    """Every frame of one track through a FramePredictor at 10 fps, by frame index."""
    fp = FramePredictor(net, {"input": s.to_dict()}, device="cpu", batch_size=64, fps=10, motion_threshold=0.0)
    for k, img in enumerate(seq):
        fp.push(7, k, img)
    return {p.frame_index: p for p in fp.flush()}


def _model(**kw) -> MENet:
    torch.manual_seed(0)
    return MENet(ModelConfig(**kw)).eval()


def test_step_indices() -> None:
    assert step_indices(10, 20, 1) == [20]
    assert step_indices(10, 20, 2) == [15, 20]
    assert step_indices(0, 3, 3) == [1, 2, 3]
    assert step_indices(5, 5, 2) == [5, 5]
    # "late": evenly over the second half of (onset, end]; one step is the end either way
    assert step_indices(10, 20, 2, "late") == [18, 20]  # 17.5 rounds half to even
    assert step_indices(0, 8, 2, "late") == [6, 8]
    assert step_indices(0, 6, 3, "late") == [4, 5, 6]
    assert step_indices(10, 20, 1, "late") == [20]
    assert step_indices(5, 5, 2, "late") == [5, 5]
    with pytest.raises(InputError, match="spacing"):
        step_indices(0, 8, 2, "early")
    with pytest.raises(InputError, match="spacing"):
        InputSettings(T=2, spacing="early")
    assert InputSettings.from_dict({"modality": "flow", "T": 2}).spacing == "even"  # a checkpoint saved before it


def test_make_input_channels_and_flow_scale() -> None:
    base = _texture(1)
    moved = _shifted(base, 4.0)
    s = InputSettings(modality="flow+grey", size=28, T=1, normalise="none")
    x = make_input(base, [moved], s)
    assert x.shape == (1, 4, 28, 28) and x.dtype == np.float32
    u, v = x[0, 0, 6:-6, 6:-6], x[0, 1, 6:-6, 6:-6]
    assert np.median(u) == pytest.approx(4.0 * 28 / 128, abs=0.1)  # pixels of the 28 px input
    assert abs(np.median(v)) < 0.1
    assert np.median(x[0, 2]) < 0.05  # a translation has no strain
    assert 0.0 <= x[0, 3].min() and x[0, 3].max() <= 1.0
    mm = make_input(base, [moved], InputSettings(modality="flow", size=28, T=1))  # the default: min-max
    assert mm.min() >= 0.0 and mm.max() <= 1.0 and np.allclose(mm[0].max(axis=(1, 2)), 1.0)
    grey = make_input(base, [moved, moved], InputSettings(modality="grey", size=32, T=2))
    assert grey.shape == (2, 1, 32, 32)
    with pytest.raises(InputError):
        make_input(base, [moved], InputSettings(T=2))
    with pytest.raises(InputError):
        InputSettings(modality="depth")
    assert InputSettings(modality="grey_flow").modality == "flow+grey"


@pytest.mark.parametrize(("modality", "prep_modality"), [("flow", "flow"), ("grey", "grey"), ("flow+grey", "both")])
def test_same_input_as_training_preprocessing(modality: str, prep_modality: str) -> None:
    """Per-frame inference and the dataset preprocessing must produce identical inputs."""
    seq = _sequence(5, 0.6, seed=3)
    steps = [seq[i] for i in step_indices(0, 4, 2)]
    ours = make_input(seq[0], steps, InputSettings(modality=modality, size=28, T=2))
    theirs = input_from_aligned(
        seq[0], steps, PreprocessSettings(modality=prep_modality, size=28, T=2, flow="dis"))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert step_indices(3, 6, 2) == [int(round(t)) for t in np.linspace(3, 6, 3)[1:]]


@pytest.mark.parametrize("modality", ["flow", "grey", "flow+grey"])
def test_framed_input_is_the_crop_of_the_aligned_face(modality: str) -> None:
    """A framing crops the aligned face before the resize, in inference and in the dataset preprocessing alike."""
    from merstudio.model.inputs import crop_to_framing

    seq = _sequence(5, 0.6, seed=4)
    box = (0.143, 0.201, 0.857, 0.916)
    framed = make_input(seq[0], [seq[4]], InputSettings(modality=modality, size=28, framing="megc2019"))
    # by hand: the crop of the 128 px faces (92 x 91 px), its flow computed on the whole faces first
    whole = make_input(seq[0], [seq[4]], InputSettings(modality=modality, size=28))
    assert not np.allclose(framed, whole)
    flow = compute_flow(grey_u8(seq[0], 128), grey_u8(seq[4], 128), "dis")
    crop = crop_to_framing(flow, box)
    assert crop.shape[:2] == (91, 92)
    if modality != "grey":
        u = cv2.resize(np.ascontiguousarray(crop[..., 0]), (28, 28), interpolation=cv2.INTER_AREA)
        u = (u - u.min()) / (u.max() - u.min())
        np.testing.assert_allclose(framed[0, 0], u, atol=1e-5)
    prep_modality = {"flow": "flow", "grey": "grey", "flow+grey": "both"}[modality]
    theirs = input_from_aligned(seq[0], [seq[4]], PreprocessSettings(
        modality=prep_modality, size=28, framing=list(box)))
    np.testing.assert_allclose(framed, theirs, rtol=1e-5, atol=1e-6)


def test_framing_settings() -> None:
    assert InputSettings().framing is None and InputSettings(framing="whole").framing is None
    s = InputSettings(framing="megc2019")
    assert s.framing == [0.143, 0.201, 0.857, 0.916] and InputSettings.from_dict(s.to_dict()).box == s.box
    assert InputSettings(framing="0.1, 0.2, 0.9,1").box == (0.1, 0.2, 0.9, 1.0)
    for bad in ("tight", "0.1,0.2,0.9", "0.5,0.2,0.4,0.9", "0,0,1,1.2", [0.0, 0.0, 0.05, 1.0]):
        with pytest.raises(InputError, match="framing"):
            InputSettings(framing=bad)
    # raw flow ("none"): u and v in pixels of the network input, so a crop scales them by 28 / its width
    seq = _sequence(5, 0.6, seed=4)
    raw = make_input(seq[0], [seq[4]], InputSettings(size=28, normalise="none", framing="0,0,0.5,0.5"))
    flow = compute_flow(grey_u8(seq[0], 128), grey_u8(seq[4], 128), "dis")[:64, :64]
    u = cv2.resize(np.ascontiguousarray(flow[..., 0]), (28, 28), interpolation=cv2.INTER_AREA) * 28 / 64
    np.testing.assert_allclose(raw[0, 0], u, atol=1e-5)


def test_columns() -> None:
    # the column is the class's own name (h280): its tail spells the class as the checkpoint does
    assert class_column("surprise") == "p_surprise" and class_column("Happy  face ") == "p_Happy face"
    assert au_column(4) == "AU04_p" and au_column(12) == "AU12_p"
    assert prediction_columns(["a", "none"], [1, 17]) == ["p_a", "p_none", "AU01_p", "AU17_p"]


def test_one_prediction_per_pushed_frame() -> None:
    net = _model(T=2)
    meta = {"input": InputSettings(modality="flow", size=28, T=2).to_dict()}
    fp = FramePredictor(net, meta, device="cpu", batch_size=4, fps=10, motion_threshold=0.0)  # span: 2 frames
    seqs = {0: _sequence(9, 0.4, seed=0), 3: _sequence(9, -0.3, seed=1)}
    preds = []
    for k in range(9):
        for tid, seq in seqs.items():
            if tid == 3 and k == 4:
                continue  # face not found in this frame
            got = fp.push(tid, 100 + k, seq[k])
            assert len(got) <= 8  # predictions lag by at most about one batch
            preds += got
    preds += fp.flush()
    assert fp.flush() == []
    keys = [(p.track_id, p.frame_index) for p in preds]
    expected = [(t, 100 + k) for k in range(9) for t in seqs if not (t == 3 and k == 4)]
    assert keys == expected  # exactly one per push, in push order
    for p in preds:
        assert p.probs.shape == (3,) and p.au_probs.shape == (12,)
        if p.frame_index < 100 + fp.span:  # no frame a span back yet: not asked, with the gate off too (h320)
            assert p.gated and p.no_onset and np.isnan(p.probs).all()
            continue
        assert p.probs.sum() == pytest.approx(1.0, abs=1e-5)
        assert not p.gated
    row = preds[0].as_row(net.cfg.class_names, net.cfg.aus)
    assert list(row) == fp.columns


@pytest.mark.parametrize("spacing", ["even", "late"])
def test_predictions_equal_direct_model_on_training_inputs(spacing: str) -> None:
    """The predictor builds windows exactly like make_input does for training samples, steps where the checkpoint
    says they lie."""
    net = _model(T=2, in_channels=4)
    s = InputSettings(modality="flow+grey", size=28, T=2, span_s=0.4, spacing=spacing)
    seq = _sequence(10, 0.5, seed=2)
    preds = _predict_all(net, s, seq)
    f = 8
    onset = f - 4  # span 0.4 s at 10 fps
    steps = step_indices(onset, f, 2, spacing)
    assert steps == ([6, 8] if spacing == "even" else [7, 8])
    x = make_input(seq[onset], [seq[i] for i in steps], s)
    with torch.no_grad():
        out = net(torch.from_numpy(x)[None])
    np.testing.assert_allclose(preds[f].probs, torch.softmax(out["logits"], 1)[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(preds[f].au_probs, torch.sigmoid(out["au_logits"])[0].numpy(), atol=1e-5)


def test_motion_gate() -> None:
    net = _model(class_names=["negative", "positive", "none"])
    # the fixed threshold alone (noise_ratio 0): a steady zoom keeps deforming, which a noise floor would learn
    fp = predictor(net, device="cpu", batch_size=2, fps=15, motion_threshold=0.04, noise_ratio=0)  # span: 3 frames
    still = [_texture(4)] * 8
    shifting = _sequence(8, 0.8, seed=6)  # rigid motion (like alignment jitter): no strain
    zooming = _zooming(8, 0.015, seed=5)  # deformation: strain ~ 1.4 * 0.015 per frame of span
    preds = []
    for k in range(8):
        preds += fp.push(1, k, still[k])
        preds += fp.push(2, k, zooming[k])
        preds += fp.push(3, k, shifting[k])
    preds += fp.flush()
    by = {(p.track_id, p.frame_index): p for p in preds}
    assert len(by) == 24
    for k in range(8):
        for tid in (1, 3):
            p = by[(tid, k)]
            assert p.gated and (np.isnan(p.motion) if k < 3 else p.motion < 0.04), (tid, k, p.motion)
            assert np.isnan(p.probs).all() and np.isnan(p.au_probs).all()  # not asked: no claim, not even "none"
    for k in range(3, 8):  # once the onset proxy is 3+ frames back, the zoom deforms enough
        p = by[(2, k)]
        assert not p.gated and p.motion > 0.04, (k, p.motion)
        assert p.probs.sum() == pytest.approx(1.0, abs=1e-5)
    # without a "none" class alike
    fp2 = predictor(_model(), device="cpu", batch_size=2, motion_threshold=0.04, noise_ratio=0)
    fp2.push(0, 0, still[0])
    (p,) = fp2.push(0, 1, still[1]) or fp2.flush()
    assert p.gated and np.isnan(p.probs).all() and len(p.probs) == 3


def test_the_gate_rises_to_a_noisy_faces_floor_and_a_movement_still_passes() -> None:
    """Sensor noise above the fixed threshold: once the track has a floor its noisy still frames are gated, while a
    brief deformation (a zoom over 4 frames, then back) standing out from that floor passes."""
    rng = np.random.default_rng(3)
    base = _texture(8).astype(np.float32)
    zoom = {30 + k: 1.03 ** k for k in range(1, 5)}  # frames 31-34 deform, frame 35 is still again
    frames = []
    for k in range(45):
        img = base
        if k in zoom:
            m = cv2.getRotationMatrix2D((63.5, 63.5), 0.0, zoom[k])
            img = cv2.warpAffine(base, m, (128, 128), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        frames.append(np.clip(img + rng.normal(0, 12, img.shape), 0, 255).astype(np.uint8))
    fixed = predictor(_model(), device="cpu", fps=30, noise_ratio=0)
    floor = predictor(_model(), device="cpu", fps=30)
    got = {}
    for name, fp in (("fixed", fixed), ("floor", floor)):
        preds = [p for k, img in enumerate(frames) for p in fp.push(0, k, img)] + fp.flush()
        got[name] = {p.frame_index: p for p in preds}
    quiet = range(10, 30)
    assert all(got["fixed"][k].motion > 0.04 and not got["fixed"][k].gated for k in quiet)  # the noise passes 0.04
    # the face's first windows: no floor yet (a median of one or two windows is none), so none is asked
    first = range(1, floor.span + 1)
    assert all(got["floor"][k].gated for k in first) and any(got["fixed"][k].motion > 0.04 for k in first)
    assert all(got["floor"][k].gated for k in quiet)
    assert all(got["floor"][k].gate > 0.04 for k in quiet)
    assert all(not got["floor"][k].gated for k in (33, 34))


def test_a_run_started_at_a_restart_gates_as_a_run_that_went_through_it() -> None:
    """The analysis restarts the floor on its restart grid; a segment of a split run starts there with no earlier
    frames. From a span after the restart on, both learn the same floor and gate the same frames."""
    rng = np.random.default_rng(5)
    base = _texture(9).astype(np.float32)
    frames = [np.clip(base * (1 + 0.02 * np.sin(k / 2.0)) + rng.normal(0, 12 + 8 * (k < 30), base.shape), 0, 255)
              .astype(np.uint8) for k in range(70)]  # noisier before the restart: an unsplit floor would remember
    whole = predictor(_model(), device="cpu", fps=30)
    got_whole = []
    for k, img in enumerate(frames):
        if k == 30:
            whole.restart_floor(30)
        got_whole += whole.push(0, k, img)
    got_whole += whole.flush()
    part = predictor(_model(), device="cpu", fps=30)
    part.restart_floor(30)
    got_part = [p for k in range(30, 70) for p in part.push(0, k, frames[k])] + part.flush()
    after = 30 + whole.span
    a = {p.frame_index: (round(p.gate, 6), p.gated) for p in got_whole if p.frame_index >= after}
    b = {p.frame_index: (round(p.gate, 6), p.gated) for p in got_part if p.frame_index >= after}
    assert a == b and len(a) == 70 - after
    assert a[after + 10][0] > 0.04  # the floor is the one that decides there


def _zooms(scales: dict[int, float], n: int, seed: int) -> list[np.ndarray]:
    """n noisy frames of one still texture, zoomed by scales[k] at frame k (1 elsewhere)."""
    rng = np.random.default_rng(seed)
    base = _texture(8).astype(np.float32)
    frames = []
    for k in range(n):
        m = cv2.getRotationMatrix2D((63.5, 63.5), 0.0, scales.get(k, 1.0))
        img = cv2.warpAffine(base, m, (128, 128), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        frames.append(np.clip(img + rng.normal(0, 12, img.shape), 0, 255).astype(np.uint8))
    return frames


def test_a_face_going_back_to_rest_is_not_asked_and_the_next_movement_is() -> None:
    """A movement (a zoom over frames 30-33, held, undone over 44-47) and, after a rest, the same movement again
    (70-73). The undoing flow is the movement's negative: a network trained on onset -> apex flows would read it as
    the opposite expression, so those windows are not asked (released). The second movement is asked: the first was
    undone and the face rested since."""
    scales = {30 + k: 1.03 ** (k + 1) for k in range(4)} | {34 + k: 1.03 ** 4 for k in range(10)}
    scales |= {44 + k: 1.03 ** (3 - k) for k in range(4)} | {70 + k: 1.03 ** (k + 1) for k in range(4)}
    scales |= {74 + k: 1.03 ** 4 for k in range(16)}
    frames = _zooms(scales, 90, seed=4)
    fp = predictor(_model(), device="cpu", fps=30)
    by = {p.frame_index: p for k, img in enumerate(frames) for p in fp.push(0, k, img)} | {
        p.frame_index: p for p in fp.flush()}
    asked = [k for k in range(90) if not by[k].gated]
    released = [k for k in range(90) if by[k].released]
    assert set(asked) & set(range(30, 37)) and set(asked) & set(range(70, 77)), asked
    assert released and set(released) <= set(range(44, 54)), released  # the undoing, only
    assert not set(asked) & set(range(44, 54)), asked
    assert all(by[k].gated and np.isnan(by[k].probs).all() for k in released)
    # the same frames with the release gate off: the undoing is asked like any movement
    off = predictor(_model(), device="cpu", fps=30, release_gate=False)
    by_off = {p.frame_index: p for k, img in enumerate(frames) for p in off.push(0, k, img)} | {
        p.frame_index: p for p in off.flush()}
    assert set(released) <= {k for k in range(90) if not by_off[k].gated}
    assert not any(p.released for p in by_off.values())


def test_a_movement_past_rest_is_asked_and_a_mere_undoing_is_not() -> None:
    """A zoom in (frames 30-33, held) and then, in as short a time, a zoom out past rest to the opposite amount
    (50-53: a frown straight out of a held brow raise). Its windows point against the first movement as an undoing
    does, but move about twice as much: more than the face did, so not a return to rest: they are asked."""
    scales = {30 + k: 1.03 ** (k + 1) for k in range(4)} | {34 + k: 1.03 ** 4 for k in range(16)}
    scales |= {50 + k: 1.03 ** (3 - 2 * k) for k in range(4)} | {54 + k: 1.03 ** -4 for k in range(16)}
    frames = _zooms(scales, 70, seed=4)
    fp = predictor(_model(), device="cpu", fps=30)
    by = {p.frame_index: p for k, img in enumerate(frames) for p in fp.push(0, k, img)} | {
        p.frame_index: p for p in fp.flush()}
    past = [k for k in range(50, 57) if not by[k].gated]
    assert past and not any(by[k].released for k in past), [(k, by[k].released, by[k].motion) for k in range(48, 58)]
    assert set(range(30, 37)) & {k for k in range(70) if not by[k].gated}


REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-faces"


def test_on_a_real_face_the_neutral_frames_are_gated_and_the_smile_onset_passes() -> None:
    """The real clip (shared data; skipped where absent) as the pipeline feeds it: Face Mesh in video mode, the
    aligner, one track. Its coder saw a neutral face at frames 0-16, the smile's onset at 17-19, the smile held to
    68 and its offset (the lips closing) at 69-71; the fixed 0.04 let most neutral frames through (their motion is
    0.04-0.09 in this compressed footage). Frames 15-16 are left out: a window ending there already reaches into the
    movement the coder dates from 17. The offset undoes the onset after 1.4 s of held smile: the release gate turns
    it away (a model trained on onset -> apex flows read it as negative at p .8)."""
    clip = REAL / "smile_man.mp4"
    if not clip.is_file():
        pytest.skip(f"{clip} not here (shared real-face data)")
    from merstudio.face.align import FaceAligner
    from merstudio.face.detector import FaceMeshDetector
    from merstudio.io import open_source

    fp = predictor(_model(), device="cpu", fps=30)
    aligner = FaceAligner()
    preds = []
    with open_source(clip) as src, FaceMeshDetector(max_faces=1, video_mode=True) as det:
        for i, rgb in src.iter_frames(0, 72):
            faces = det.detect(rgb)
            if faces:
                preds += fp.push(0, i, aligner.align(0, faces[0].landmarks, rgb, frame_index=i).image)
    by = {p.frame_index: p for p in preds + fp.flush()}
    neutral = [k for k in range(0, 15) if k in by]
    onset = [k for k in range(17, 23) if k in by]
    assert len(neutral) >= 12 and len(onset) == 6
    assert [k for k in neutral if not by[k].gated] == []
    assert [k for k in onset if by[k].gated] == []
    assert [k for k in onset if by[k].released] == []
    offset = [k for k in (69, 70, 71) if k in by]
    assert len(offset) == 3 and [k for k in offset if not by[k].released] == []


def test_bad_pushes_and_settings() -> None:
    net = _model()
    fp = predictor(net, device="cpu", motion_threshold=0.0)
    out = fp.push(0, 5, _texture())
    with pytest.raises(InputError, match="frames must increase"):
        fp.push(0, 5, _texture())
    with pytest.raises(InputError):
        fp.push(1, 0, np.zeros((4, 5, 6, 7), np.uint8))
    with pytest.raises(InputError, match="do not fit"):
        FramePredictor(net, {"input": InputSettings(modality="grey").to_dict()}, device="cpu")
    fp.reset(0)
    out += fp.push(0, 1, _texture())  # a reset track may start again
    assert len(out + fp.flush()) == 2
    grey_model = _model(in_channels=1, input_size=48)
    fpg = predictor(grey_model, device="cpu", fps=10, motion_threshold=0.0)
    got = [p for k, img in enumerate(_sequence(3, 1.0))
           for p in fpg.push(0, k, cv2.cvtColor(img, cv2.COLOR_GRAY2RGB))]  # RGB faces are converted
    got += fpg.flush()
    assert [p.frame_index for p in got] == [0, 1, 2] and np.isfinite(got[2].probs).all()


def test_a_meta_without_input_settings_is_read_with_a_warning() -> None:
    # the one test here of a checkpoint that records no input settings (the others pass input_meta's): read with
    # the defaults its config implies, said once, as a NoInputSettings warning
    net = _model()
    with pytest.warns(NoInputSettings, match="records no input settings") as said:
        fp = FramePredictor(net, {}, device="cpu")
    assert len(said) == 1
    assert fp.settings == InputSettings.from_dict(input_meta(net)["input"])  # the helper's are those defaults'


def test_lost_tracks_are_forgotten() -> None:
    fp = predictor(_model(), device="cpu", batch_size=8, motion_threshold=0.0)
    faces = _sequence(2, 0.5)
    fp.push(1, 0, faces[0])
    for k in range(0, fp.stale_after + 11, 10):
        fp.push(2, k, faces[k % 2])
    assert 1 not in fp._tracks and 2 in fp._tracks
    fp.push(1, fp.stale_after + 5, faces[1])  # the id comes back: a fresh history, no error
    assert [fr[0] for fr in fp._tracks[1].frames] == [fp.stale_after + 5]
    fp.push(2, 3 * fp.stale_after, faces[0])  # long gap in the same track: its old frames are dropped
    assert [fr[0] for fr in fp._tracks[2].frames] == [3 * fp.stale_after]
    fp.flush()
    with pytest.raises(InputError):
        predictor(_model(), device="tpu0")


def test_a_flip_averaging_model_averages_each_window_with_its_mirror() -> None:
    """Per-frame inference predicts as the LOSO evaluation did (merstudio.training.trainer.predict): the mean of
    the window's and its mirror image's probabilities, u reflected."""
    from merstudio.model.tta import flip_flow

    net = _model(T=1, in_channels=3)
    with torch.no_grad():  # an untrained net answers ~uniformly to anything: sharpen its class head
        for m in net.modules():
            if isinstance(m, torch.nn.Linear) and m.out_features == len(net.cfg.class_names):
                m.weight.mul_(200.0)
    net.tta_flip = ((0,), "range")
    s = InputSettings(modality="flow", size=28, T=1, span_s=0.3)
    seq = _sequence(10, 0.5, seed=4)
    preds = _predict_all(net, s, seq)
    f = 8
    x = torch.from_numpy(make_input(seq[f - 3], [seq[f]], s))[None]
    with torch.no_grad():
        p = torch.softmax(net(x)["logits"], 1)[0]
        p_mirror = torch.softmax(net(flip_flow(x, (0,), "range"))["logits"], 1)[0]
    assert not torch.allclose(p, p_mirror, atol=1e-3)  # the mirror changes the answer: averaging shows
    np.testing.assert_allclose(preds[f].probs, ((p + p_mirror) / 2).numpy(), atol=1e-5)


def test_a_gated_window_costs_one_flow_and_a_passing_one_all_its_steps(monkeypatch) -> None:
    """With T = 2 the gate reads the last step's flow alone; the other step's flow is computed only for windows that
    pass, and those get the same predictions as with every flow computed up front (no gate: threshold 0)."""
    import merstudio.features.flow as flow_mod

    calls = [0]
    real = flow_mod.compute_flow

    def counted(*a, **k):
        calls[0] += 1
        return real(*a, **k)

    monkeypatch.setattr(flow_mod, "compute_flow", counted)
    net = _model(T=2)
    zooming = _zooming(8, 0.015, seed=5)
    # span 3 frames: the first 3 windows have no onset a span back, no flow (h320)
    gated_fp = predictor(net, device="cpu", batch_size=2, fps=15, motion_threshold=0.04, noise_ratio=0)
    preds = [p for k in range(8) for p in gated_fp.push(0, k, _texture(4))]
    preds += gated_fp.flush()
    assert len(preds) == 8 and all(p.gated for p in preds)
    assert calls[0] == 5  # one flow per still window, not T

    calls[0] = 0
    gated = predictor(net, device="cpu", batch_size=2, fps=30, motion_threshold=0.04, noise_ratio=0)
    every = predictor(net, device="cpu", batch_size=2, fps=30, motion_threshold=0.0)
    seq = [zooming[0]] * 6 + zooming  # still, then zooming: windows of 6 frames, some gated, some not
    a = [p for k in range(len(seq)) for p in gated.push(0, k, seq[k])] + gated.flush()
    n_gated = sum(p.gated and not p.no_onset for p in a)
    n_asked = sum(not p.gated for p in a)
    assert n_gated > 0 and n_asked > 0
    assert calls[0] == n_gated + 2 * n_asked
    b = {p.frame_index: p for k in range(len(seq)) for p in every.push(0, k, seq[k])}
    b.update({p.frame_index: p for p in every.flush()})
    for p in a:
        if not p.gated:
            np.testing.assert_array_equal(p.probs, b[p.frame_index].probs)


def _local_zooms(boxes: dict[tuple[float, float, float, float], dict[int, float]], n: int, seed: int
                 ) -> list[np.ndarray]:
    """n noisy frames of one still texture where each box's content is zoomed by its scales[k] at frame k (a lid, a
    mouth moving; 1 elsewhere)."""
    rng = np.random.default_rng(seed)
    base = _texture(9).astype(np.float32)
    frames = []
    for k in range(n):
        img = base.copy()
        for (x0, y0, x1, y1), scales in boxes.items():
            r, c = slice(int(y0 * 128), int(y1 * 128)), slice(int(x0 * 128), int(x1 * 128))
            patch = base[r, c]
            h, w = patch.shape
            m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 0.0, scales.get(k, 1.0))
            img[r, c] = cv2.warpAffine(patch, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        frames.append(np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8))
    return frames


LIDS = (0.24, 0.33, 0.76, 0.43)  # inside the eye boxes
MOUTH = (0.30, 0.62, 0.70, 0.76)


def _run_blink(frames: list[np.ndarray], blink: set[int], monkeypatch=None) -> tuple[dict, list[np.ndarray]]:
    """Every frame through a predictor, those in `blink` marked as in a blink; (predictions by frame, the inputs the
    network was given)."""
    import merstudio.model.inference as inference

    seen: list[np.ndarray] = []
    if monkeypatch is not None:
        real = inference.probabilities

        def spy(model, xb):  # noqa: ANN001, ANN202
            seen.extend(xb.numpy())
            return real(model, xb)

        monkeypatch.setattr(inference, "probabilities", spy)
    fp = predictor(_model(), device="cpu", fps=30)
    by = {p.frame_index: p for k, img in enumerate(frames) for p in fp.push(0, k, img, k in blink)}
    return by | {p.frame_index: p for p in fp.flush()}, seen


def test_a_blink_alone_is_not_asked_and_the_same_lid_movement_unmarked_is() -> None:
    """The lids close over frames 30-32, stay shut to 35 and open over 36-38 (the eye boxes' content squeezed and
    back), nothing else moves. Marked as a blink (merstudio.features.blinks does that from the blendshape scores),
    the gate reads the nose, mouth and chin, which did not move: no window over the blink is asked, and each says
    blink. Unmarked, the same frames pass the gate as any movement does."""
    lids = {k: s for k, s in zip(range(30, 39), [0.97, 0.94, 0.9, 0.9, 0.9, 0.9, 0.94, 0.97, 1.0], strict=True)}
    frames = _local_zooms({LIDS: lids}, 70, seed=3)
    by, _ = _run_blink(frames, set(range(28, 41)))
    over = range(28, 47)  # windows with a frame in the blink: ending in it, or starting in it (span 6 frames)
    assert [k for k in over if not by[k].gated] == []
    assert all(by[k].blink for k in over) and not any(by[k].blink for k in range(0, 28))
    unmarked, _ = _run_blink(frames, set())
    assert [k for k in over if not unmarked[k].gated]
    assert not any(p.blink for p in unmarked.values())


def test_a_mouth_moving_during_a_blink_is_asked_without_the_eyes(monkeypatch) -> None:
    """The same blink with the mouth stretching over 31-34: those windows pass on the mouth's motion, and the network
    sees them with the eyes hidden (each channel's mean there, as random erasing fills its rectangles in training)."""
    lids = {k: s for k, s in zip(range(30, 39), [0.97, 0.94, 0.9, 0.9, 0.9, 0.9, 0.94, 0.97, 1.0], strict=True)}
    mouth = {31 + k: 1.04 ** (k + 1) for k in range(4)} | {35 + k: 1.04 ** 4 for k in range(35)}
    frames = _local_zooms({LIDS: lids, MOUTH: mouth}, 70, seed=3)
    by, seen = _run_blink(frames, set(range(28, 41)), monkeypatch)
    asked = [k for k in range(31, 38) if not by[k].gated]
    assert asked and all(by[k].blink for k in asked)
    assert len(seen) == sum(not p.gated for p in by.values())
    s = seen[0].shape[-1]
    rows, cols = slice(int(0.28 * s) + 1, int(0.47 * s)), slice(int(0.19 * s) + 1, int(0.81 * s))
    band = np.stack([x[:, :, rows, cols] for x in seen])  # (n, T, C, h, w)
    assert np.ptp(band, axis=(1, 3, 4)).max() == 0.0  # one value per input and channel
    assert np.ptp(np.stack([x[:, :, -8:, :] for x in seen]), axis=(1, 3, 4)).min() > 0  # the rest as it was


def test_hide_fills_the_part_where_the_framing_shows_it() -> None:
    from merstudio.model.inputs import FRAMINGS, hide

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 28, 28)).astype(np.float32)
    box = FRAMINGS["megc2019"]
    region = (0.18, 0.27, 0.82, 0.48)
    out = hide(x, [region], box)
    inside = np.zeros((28, 28), bool)
    for i in range(28):
        for j in range(28):  # pixel (i, j) covers [j, j+1) / 28 of the crop; the crop is box of the aligned face
            ax0, ax1 = box[0] + (box[2] - box[0]) * j / 28, box[0] + (box[2] - box[0]) * (j + 1) / 28
            ay0, ay1 = box[1] + (box[3] - box[1]) * i / 28, box[1] + (box[3] - box[1]) * (i + 1) / 28
            inside[i, j] = ax1 > region[0] and ax0 < region[2] and ay1 > region[1] and ay0 < region[3]
    np.testing.assert_array_equal(out[:, :, ~inside], x[:, :, ~inside])
    want = np.broadcast_to(x.mean(axis=(0, 2, 3))[None, :, None], out[:, :, inside].shape)
    np.testing.assert_allclose(out[:, :, inside], want, rtol=1e-6)
    assert inside.sum() > 0.2 * inside.size
    np.testing.assert_array_equal(hide(x, [(0.0, 0.0, 0.1, 0.1)], box), x)  # outside the framing: nothing


def test_hide_fills_every_part_with_the_means_of_the_input_as_given() -> None:
    """Two parts hidden at once (the eyes in a blink and a hand over the mouth) both get the channel means of the
    unhidden input, as random erasing's one rectangle does in training, not a mean that already counts the first
    part's fill."""
    from merstudio.model.inputs import hide

    rng = np.random.default_rng(1)
    x = (rng.normal(size=(2, 3, 28, 28)) + np.array([1.0, -2.0, 3.0])[None, :, None, None]).astype(np.float32)
    x[:, :, 20:, :] += 4.0  # the lower part moves: hiding it first changes the whole input's mean
    out = hide(x, [(0.0, 0.7, 1.0, 1.0), (0.0, 0.0, 1.0, 0.3)])
    means = x.mean(axis=(0, 2, 3))
    for rows in (slice(int(0.7 * 28), 28), slice(0, int(np.ceil(0.3 * 28)))):
        np.testing.assert_allclose(out[:, :, rows, :], np.broadcast_to(means[None, :, None, None],
                                                                       out[:, :, rows, :].shape), rtol=1e-6)
    np.testing.assert_array_equal(out[:, :, 9:19, :], x[:, :, 9:19, :])


def test_the_demos_flickering_light_is_not_asked() -> None:
    """The bundled demo (a committed resource) flickers at 7.5 Hz, 12 % deep, over frames 400-423 and nothing else
    happens there (resources/demo/README.md), as the pipeline feeds it: Face Mesh in video mode, the aligner. Flow
    between frames of other brightness read as strain (0.05-0.07, twice the quiet windows) and passed the gate on 6
    of those frames until the light was matched first (merstudio.features.flow.match_brightness)."""
    from merstudio.face.align import FaceAligner
    from merstudio.face.detector import FaceMeshDetector
    from merstudio.io import open_source
    from merstudio.resources import demo_video

    fp = predictor(_model(), device="cpu", fps=30)
    aligner = FaceAligner()
    preds = []
    with open_source(demo_video()) as src, FaceMeshDetector(max_faces=1, video_mode=True) as det:
        for i, rgb in src.iter_frames(100, 432):
            faces = det.detect(rgb)
            assert faces, i
            preds += fp.push(0, i, aligner.align(0, faces[0].landmarks, rgb, frame_index=i).image)
    by = {p.frame_index: p for p in preds + fp.flush()}
    assert [k for k in range(400, 430) if not by[k].gated] == []


def _occluded(n: int, sweep: range, seed: int) -> list[np.ndarray]:
    """n noisy frames of one still texture with a dark "hand" (a disc) moving down across the lower face over
    `sweep` (before: not there; after: gone below the face)."""
    rng = np.random.default_rng(seed)
    base = _texture(12).astype(np.float32)
    frames = []
    for k in range(n):
        img = base.copy()
        if k in sweep:
            y = 70 + 8 * (k - sweep.start)
            cv2.circle(img, (64, y), 22, 30.0, -1)
        frames.append(np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8))
    return frames


def test_a_hand_moving_over_a_covered_part_of_the_face_is_not_asked() -> None:
    """A hand crosses the mouth and chin (frames 40-46), nothing else moves. Told which parts it covers (the analysis
    knows: merstudio.face.occlusion), the gate reads the rest of the face, which held still: not asked, and each such
    window says covered. Not told, the hand's flow passes the gate as a movement."""
    frames = _occluded(70, range(40, 47), seed=5)
    parts = {k: ["mouth", "jaw"] for k in range(40, 47)}

    def run(tell: bool) -> dict:
        fp = predictor(_model(), device="cpu", fps=30)
        by = {p.frame_index: p for k, img in enumerate(frames)
              for p in fp.push(0, k, img, covered=parts.get(k, ()) if tell else ())}
        return by | {p.frame_index: p for p in fp.flush()}

    told, untold = run(True), run(False)
    over = range(40, 53)  # windows with a covered frame: ending in the sweep or starting in it
    assert [k for k in over if not told[k].gated] == []
    assert all(told[k].covered for k in over) and not any(told[k].covered for k in range(40))
    assert [k for k in over if not untold[k].gated]


def test_a_movement_beside_a_covered_part_is_asked_without_it(monkeypatch) -> None:
    """The brows (zoomed, frames 41-44) move while a still hand covers the mouth: asked, with the mouth and cheeks
    hidden from the network (each channel's mean there)."""
    import merstudio.model.inference as inference
    from merstudio.model.regions import COVER_BOXES

    seen: list[np.ndarray] = []
    real = inference.probabilities

    def spy(model, xb):  # noqa: ANN001, ANN202
        seen.extend(xb.numpy())
        return real(model, xb)

    monkeypatch.setattr(inference, "probabilities", spy)
    brows = {41 + k: 1.04 ** (k + 1) for k in range(4)} | {45 + k: 1.04 ** 4 for k in range(25)}
    frames = _local_zooms({(0.2, 0.16, 0.8, 0.32): brows}, 70, seed=6)
    fp = predictor(_model(), device="cpu", fps=30)
    by = {p.frame_index: p for k, img in enumerate(frames) for p in fp.push(0, k, img, covered=["mouth"])}
    by |= {p.frame_index: p for p in fp.flush()}
    asked = [k for k in range(41, 48) if not by[k].gated]
    assert asked and all(by[k].covered for k in asked)
    x0, y0, x1, y1 = COVER_BOXES["mouth"]
    s = seen[0].shape[-1]
    rows, cols = slice(int(y0 * s) + 1, int(y1 * s) - 1), slice(int(x0 * s) + 1, int(x1 * s) - 1)
    assert np.ptp(np.stack([x[:, :, rows, cols] for x in seen]), axis=(1, 3, 4)).max() == 0.0
    with pytest.raises(InputError, match="covered face parts"):
        fp.push(0, 99, frames[0], covered=["ears"])


def test_a_turning_head_is_not_asked() -> None:
    """A movement (a zoom over frames 30-33) asked when the head holds still; the same frames with the head's pitch
    changing 6 degrees over them (more than TURN_DEG, as the micro-motion lane judges) are not asked."""
    from merstudio.features.micromotion import TURN_DEG

    scales = {30 + k: 1.03 ** (k + 1) for k in range(4)} | {34 + k: 1.03 ** 4 for k in range(16)}
    frames = _zooms(scales, 60, seed=4)

    def run(deg_per_frame: float) -> dict:
        fp = predictor(_model(), device="cpu", fps=30)
        pose = {k: (np.radians(deg_per_frame * min(max(k - 29, 0), 4)), 0.0, 0.0) for k in range(60)}
        by = {p.frame_index: p for k, img in enumerate(frames) for p in fp.push(0, k, img, pose=pose[k])}
        return by | {p.frame_index: p for p in fp.flush()}

    still, turning = run(0.0), run(1.5)
    assert TURN_DEG == 4.0
    assert [k for k in range(30, 37) if not still[k].gated]
    assert [k for k in range(30, 37) if not turning[k].gated] == []
    assert all(turning[k].turned for k in range(33, 37)) and not any(still[k].turned for k in range(60))


def test_a_window_waiting_for_the_network_holds_back_the_rows_after_it_no_longer_than_a_batch() -> None:
    """One movement (frames 30-33), then 2 s of a still face: the few windows that passed the gate must not wait for
    batch_size more to pass (every later prediction waits behind them, and the analysis's rows with them); they run
    once the oldest has waited batch_size pushes."""
    scales = {30 + k: 1.03 ** (k + 1) for k in range(4)} | {34 + k: 1.03 ** 4 for k in range(100)}
    frames = _zooms(scales, 134, seed=4)
    fp = predictor(_model(), device="cpu", fps=30, batch_size=32)
    returned_at: dict[int, int] = {}
    for k, img in enumerate(frames):
        for p in fp.push(0, k, img):
            returned_at[p.frame_index] = k
    asked = [f for f, k in returned_at.items() if f in range(30, 40)]
    assert asked and all(returned_at[f] - f <= 32 for f in returned_at), sorted(returned_at.items())[25:45]
    assert len(returned_at) >= 134 - 32  # only the last batch's worth is left for flush()
    assert len(returned_at) + len(fp.flush()) == 134
