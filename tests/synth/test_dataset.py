from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pytest

from merstudio.errors import InputError
from merstudio.face import landmarks as L
from merstudio.synth import dataset as S


def _rows(table: Path) -> list[dict[str, str]]:
    with open(table, newline="") as fh:
        return list(csv.DictReader(fh))


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.jpg")):
        h.update(p.relative_to(folder).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def small_set(tmp_path_factory) -> Path:
    return S.make_synthetic_set(tmp_path_factory.mktemp("synth") / "a", n_subjects=3, samples_per_subject=5,
                                seed=7, frames=8)


def test_table_columns_labels_and_aus_are_consistent(small_set):
    rows = _rows(small_set)
    assert list(rows[0]) == list(S.TABLE_COLUMNS)
    assert len(rows) == 15 and len({r["subject"] for r in rows}) == 3
    assert len({(r["subject"], r["sample"]) for r in rows}) == 15
    for r in rows:
        combos = {"+".join(map(str, sorted(aus))) or "0" for aus, _ in S.COMBOS[r["label"]]}
        assert r["aus"] in combos, r
        assert r["dataset"] == "synthetic"
        on, apex, off = int(r["onset"]), int(r["apex"]), int(r["offset"])
        assert 0 <= on < apex < off <= 7
        frames = sorted((small_set.parent / r["path"]).glob("img*.jpg"))
        assert [p.name for p in frames] == [f"img{t:02d}.jpg" for t in range(8)]
    # Every subject gets every class at least once (5 samples over 4 classes).
    for subj in {r["subject"] for r in rows}:
        assert {r["label"] for r in rows if r["subject"] == subj} == set(S.CLASSES)


def test_table_loads_with_the_generic_loader(small_set):
    from merstudio.datasets.loaders import load_samples

    ds = load_samples("table", small_set, verbose=False)
    assert len(ds) == 15 and not ds.skipped
    assert set(ds.classes) == set(S.CLASSES)
    by_name = {r["sample"]: r for r in _rows(small_set)}  # sample names are unique over the set
    for s in ds:
        r = by_name[s.sample]
        assert r["subject"] in s.subject and s.label == r["label"]
        expected = frozenset() if r["aus"] == "0" else frozenset(int(a) for a in r["aus"].split("+"))
        assert s.aus == expected
        assert s.aus_raw.strip()  # "0" = coded, no AUs: the AU loss is not masked for `none` clips
        assert (s.onset, s.apex, s.offset) == (int(r["onset"]), int(r["apex"]), int(r["offset"]))


def test_deterministic_by_seed(small_set, tmp_path):
    again = S.make_synthetic_set(tmp_path / "b", n_subjects=3, samples_per_subject=5, seed=7, frames=8)
    other = S.make_synthetic_set(tmp_path / "c", n_subjects=3, samples_per_subject=5, seed=8, frames=8)
    assert small_set.read_text() == again.read_text()
    assert _digest(small_set.parent / "frames") == _digest(again.parent / "frames")
    assert small_set.read_text() != other.read_text()
    assert _digest(small_set.parent / "frames") != _digest(other.parent / "frames")


def test_subjects_are_different_identities():
    a, b = S.make_identity(0, 0), S.make_identity(0, 1)
    assert a.image.shape == (128, 128, 3) and a.landmarks.shape == (468, 2)
    assert np.abs(a.image.astype(int) - b.image.astype(int)).mean() > 8
    assert np.abs(a.landmarks - b.landmarks).max() > 1.5
    # Both sit near the canonical aligned layout (eye centres ~0.34 * 128 apart, on a line near y = 0.38).
    for ident in (a, b):
        r_eye = ident.landmarks[[L.R_EYE_OUTER, L.R_EYE_INNER]].mean(0)
        l_eye = ident.landmarks[[L.L_EYE_OUTER, L.L_EYE_INNER]].mean(0)
        assert 0.3 * 128 < np.linalg.norm(l_eye - r_eye) < 0.38 * 128
        assert abs((r_eye[1] + l_eye[1]) / 2 - 0.38 * 128) < 6


def test_clip_moves_the_labelled_au_region():
    ident = S.make_identity(0, 2)
    spec = S.ClipSpec("positive", "happiness", {12: 1.2}, onset=1, apex=5, offset=9, frames=12)
    frames = S.render_clip(ident, spec, np.random.default_rng(0))
    diff = np.abs(frames[5].astype(float) - frames[1].astype(float)).mean(axis=2)

    def patch(idx: int) -> float:
        x, y = np.round(ident.landmarks[idx]).astype(int)
        return float(diff[y - 4 : y + 5, x - 4 : x + 5].mean())

    mouth = (patch(L.R_MOUTH_CORNER) + patch(L.L_MOUTH_CORNER)) / 2
    assert mouth > 2.5 * patch(L.FOREHEAD) and mouth > 2.5 * patch(L.R_BROW_INNER)
    none = S.ClipSpec("none", "none", {}, onset=1, apex=5, offset=9, frames=12)
    assert len(S.render_clip(ident, none, np.random.default_rng(0))) == 12


def test_cancel_leaves_no_table(tmp_path):
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(S.SynthCancelled):
        S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=4, frames=6, cancel=cancel)
    assert not (tmp_path / "samples.csv").exists() and not list(tmp_path.glob(".*.csv"))
    assert len(list((tmp_path / "frames" / "synth01").iterdir())) == 2


def test_bad_arguments(tmp_path):
    with pytest.raises(InputError, match="frames"):
        S.make_synthetic_set(tmp_path, n_subjects=1, samples_per_subject=1, frames=3)
    with pytest.raises(InputError, match="n_subjects"):
        S.make_synthetic_set(tmp_path, n_subjects=0)


def test_no_apex_leaves_the_cell_blank_and_loaders_take_the_middle_frame(small_set, tmp_path):
    from merstudio.datasets.loaders import load_samples

    table = S.make_synthetic_set(tmp_path / "n", n_subjects=3, samples_per_subject=5, seed=7, frames=8,
                                 apex_coded=False)
    coded, blank = _rows(small_set), _rows(table)
    assert [r["apex"] for r in blank] == [""] * len(blank)
    assert [{k: v for k, v in r.items() if k != "apex"} for r in coded] == \
        [{k: v for k, v in r.items() if k != "apex"} for r in blank]
    assert _digest(small_set.parent / "frames") == _digest(table.parent / "frames")  # the same clips
    ds = load_samples("table", table, verbose=False)
    for s in ds:  # SMIC's rule: the middle of onset..offset
        assert s.apex == (s.onset + s.offset) // 2 or s.apex == (s.onset + s.offset + 1) // 2
    assert '"apex_coded": false' in (table.parent / "synthetic.json").read_text()


def test_amplitude_scales_the_movement_and_nothing_else():
    ident = S.make_identity(3, 0)

    def apex_change(amp: float) -> float:
        rng = np.random.default_rng(11)
        spec = S._clip_spec("positive", 12, rng, (amp, amp))
        frames = S.render_clip(ident, spec, rng)
        return float(np.abs(frames[spec.apex].astype(float) - frames[spec.onset].astype(float)).mean())

    weak, default, strong = apex_change(0.2), apex_change(0.7), apex_change(1.5)
    assert weak < default < strong


def test_amplitude_out_of_range_is_refused(tmp_path):
    with pytest.raises(InputError, match="amplitude"):
        S.make_synthetic_set(tmp_path / "x", n_subjects=1, samples_per_subject=1, amplitude=(0.5, 0.2))
    with pytest.raises(InputError, match="amplitude"):
        S.make_synthetic_set(tmp_path / "y", n_subjects=1, samples_per_subject=1, amplitude=(1.0, 2.5))
