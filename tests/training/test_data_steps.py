"""How many time steps a dataset's samples get when --steps is not given: clips several (the ConvLSTM sees the
movement unfold), precomputed flow images one."""

from __future__ import annotations

import numpy as np
import pytest

import merstudio.datasets as datasets
from merstudio.training.data import DEFAULT_CLIP_SPACING, DEFAULT_CLIP_STEPS, load_arrays


def _spy(monkeypatch) -> list:
    seen: list = []

    def prepare(samples, prep, **kw):
        seen.append(prep)
        return np.zeros((len(samples), prep.T, prep.channels, prep.size, prep.size), np.float32), {}

    monkeypatch.setattr(datasets, "prepare", prepare)
    return seen


def test_clips_default_to_several_steps_flow_images_to_one(tmp_path, monkeypatch, flow_table):
    from merstudio.synth.dataset import make_synthetic_set

    make_synthetic_set(tmp_path / "clips", n_subjects=2, samples_per_subject=2, frames=8)
    seen = _spy(monkeypatch)
    arrays, info = load_arrays(str(tmp_path / "clips" / "samples.csv"), log=lambda *a, **k: None)
    assert DEFAULT_CLIP_STEPS > 1 and seen[-1].T == info["T"] == DEFAULT_CLIP_STEPS == arrays.X.shape[1]
    assert seen[-1].span == "apex"  # onset -> apex, as per-frame inference builds its windows
    # over the second half of the rise, and the checkpoint says so for per-frame inference
    assert seen[-1].spacing == info["input"]["spacing"] == DEFAULT_CLIP_SPACING == "late"
    assert info["input"]["preprocess"]["spacing"] == "late"
    load_arrays(str(tmp_path / "clips" / "samples.csv"), steps=1, log=lambda *a, **k: None)
    assert seen[-1].T == 1 and seen[-1].spacing == "even"  # --steps wins; one step lies at the apex either way
    _, info = load_arrays(str(tmp_path / "clips" / "samples.csv"), spacing="even", log=lambda *a, **k: None)
    assert seen[-1].spacing == info["input"]["spacing"] == "even"  # --step-spacing wins

    arrays, info = load_arrays(str(flow_table(tmp_path / "flows")), log=lambda *a, **k: None)
    assert seen[-1].T == info["T"] == 1 and info["input"]["spacing"] == "even"


def test_framing_is_recorded_for_inference(tmp_path, flow_table):
    """Precomputed flow images keep their pixels; the framing they are said to have goes into the checkpoint's input
    settings, so per-frame inference crops video faces to it. Without one, training says so."""
    table = str(flow_table(tmp_path / "flows"))
    said: list[str] = []
    plain, info = load_arrays(table, log=said.append, cache_dir=tmp_path / "c")
    assert info["input"]["framing"] is None and any("--framing megc2019" in s for s in said)
    said.clear()
    framed, info = load_arrays(table, framing="megc2019", log=said.append, cache_dir=tmp_path / "c")
    np.testing.assert_array_equal(framed.X, plain.X)
    assert info["input"]["framing"] == [0.143, 0.201, 0.857, 0.916]
    assert info["input"]["preprocess"]["framing"] == (0.143, 0.201, 0.857, 0.916)
    assert not any("--framing" in s for s in said)


def test_data_specs_name_tables_and_dataset_folders(tmp_path) -> None:
    """`--data table:FILE.csv` (as the README writes it) is the table, not a file called "table:FILE.csv"."""
    from merstudio.training.data import parse_data_spec

    table = tmp_path / "samples.csv"
    assert parse_data_spec(f"table:{table}") == ("table", table)
    assert parse_data_spec(f"table:{tmp_path}") == ("table", tmp_path)
    assert parse_data_spec(str(table)) == ("table", table)
    assert parse_data_spec("casme2:/data/CASME2")[0] == "casme2"


def test_an_au_cell_that_says_nothing_is_no_au_target(tmp_path, flow_table):
    """NULL, "/" or "-" in an AU cell (CAS(ME)^2 writes NULL) is no coding: masked like a blank cell, never a
    target of "no AU at all" for the AU head."""
    table = flow_table(tmp_path / "flows")
    lines = table.read_text(encoding="utf-8").splitlines()
    cells = ["4+7", "NULL", "", "/", "12", "-"]
    lines = [lines[0] + ",aus"] + [f"{row},{cells[k % len(cells)]}" for k, row in enumerate(lines[1:])]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arrays, _ = load_arrays(str(table), aus=[4, 7, 12], log=lambda *a, **k: None, cache_dir=tmp_path / "c")
    coded = [cells[k % len(cells)] in ("4+7", "12") for k in range(len(lines) - 1)]
    assert arrays.au_mask.tolist() == coded


def test_allow_missing_covers_frames_only_preprocessing_reads(tmp_path):
    """The loader checks a clip's onset, apex and last frame; the steps between are read by preprocessing. Under
    --allow-missing a clip with one of those damaged is skipped and listed too, not the end of the run."""
    from merstudio.datasets import load_samples
    from merstudio.errors import InputError
    from merstudio.synth.dataset import make_synthetic_set

    make_synthetic_set(tmp_path / "clips", n_subjects=2, samples_per_subject=3, frames=24)  # apex at position 5
    table = str(tmp_path / "clips" / "samples.csv")
    first = load_samples("table", table, verbose=False)[0]
    keep = {first.onset_pos, first.apex_pos, len(first.frames) - 1}
    for k, f in enumerate(first.frames):
        if k not in keep:
            f.write_bytes(b"")
    with pytest.raises(InputError, match="unreadable image"):
        load_arrays(table, log=lambda *a, **k: None, cache_dir=tmp_path / "c")
    said: list[str] = []
    arrays, info = load_arrays(table, allow_missing=True, log=said.append, cache_dir=tmp_path / "c")
    assert len(arrays) == 5 and first.sample not in arrays.samples.tolist()
    assert any(first.key in s and "unreadable image" in s for s in info["skipped"])
    assert any("skipped 1 more samples whose frames cannot be read" in s for s in said)


def test_steps_below_one_name_the_option(tmp_path, flow_table):
    from merstudio.errors import InputError

    with pytest.raises(InputError, match=r"^steps must be at least 1, got 0 \(steps= / --steps\)$"):
        load_arrays(str(flow_table(tmp_path / "flows")), steps=0, log=lambda *a, **k: None)


def test_no_face_found_is_said_once(tmp_path, flow_table, monkeypatch, capsys, recwarn):
    """prepare() warns of centre-cropped samples and load_arrays says it: one line, not both."""
    import merstudio.datasets as datasets
    from merstudio.datasets import DatasetWarning

    real = datasets.prepare

    def prepare(samples, prep, **kw):
        x, info = real(samples, prep, **kw)
        info["centre_cropped"] = [(samples[0].key, "no face found on the onset frame")]
        import warnings

        warnings.warn("1 of 24 samples had no face found and were centre-cropped", DatasetWarning, stacklevel=2)
        return x, info

    monkeypatch.setattr(datasets, "prepare", prepare)
    load_arrays(str(flow_table(tmp_path / "flows")), log=lambda *a, **k: None, cache_dir=tmp_path / "c")
    said = capsys.readouterr().err + "".join(str(w.message) for w in recwarn)
    assert said.count("had no face found") == 1
