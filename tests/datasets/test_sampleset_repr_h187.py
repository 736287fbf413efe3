"""A SampleSet's repr is a line of counts, not every Sample (127 KB for the MEGC2019 dev table; audit a91
finding 6); summary() stays the full report."""

from __future__ import annotations

from merstudio.synth.dataset import make_synthetic_set


def test_the_repr_counts_the_samples(tmp_path) -> None:
    from merstudio.datasets import load_samples

    make_synthetic_set(tmp_path / "clips", n_subjects=3, samples_per_subject=4, frames=6)
    s = load_samples("table", tmp_path / "clips")
    text = repr(s)
    assert text.startswith("SampleSet('table', ") and "12 samples, 3 subjects, classes [" in text
    assert str(tmp_path / "clips") in text and "Sample(" not in text and len(text) < 300
