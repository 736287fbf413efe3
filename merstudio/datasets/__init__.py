"""Micro-expression datasets: loaders for the real distributed layouts, class maps, preprocessing cache.

    from merstudio.datasets import load_samples, prepare, PreprocessSettings
    ds = load_samples("casme2", "/data/CASME2", classes="casme2-5")      # SampleSet (sequence of Sample)
    ds = load_samples("smic", "/data/SMIC", **LoadOptions(modality="VIS").loader_kwargs())  # checked: .check(kind)
    ds.classes, ds.labels, ds.subjects, ds.skipped, ds.dropped, print(ds.summary())
    X, info = prepare(ds, PreprocessSettings(modality="flow", size=28, T=1, flow="dis"))  # (N, T, C, H, W)

Kinds: casme2, casme, smic, samm, casme_sq (CAS(ME)^2), casme3a (CAS(ME)^3 part A), megc2019, table.
"""

from merstudio.datasets.classes import ClassMap, class_map, class_map_names
from merstudio.datasets.loaders import KINDS, canonical_kind, load_samples
from merstudio.datasets.options import LoadOptions
from merstudio.datasets.parse import parse_aus, subject_number
from merstudio.datasets.preprocess import (
    PreprocessCancelled,
    PreprocessSettings,
    compute_input,
    default_cache_dir,
    input_from_aligned,
    prepare,
    preprocess,
)
from merstudio.datasets.sample import DatasetWarning, Sample, SampleSet, Skipped

__all__ = [
    "KINDS", "ClassMap", "DatasetWarning", "LoadOptions", "PreprocessCancelled", "PreprocessSettings", "Sample",
    "SampleSet", "Skipped", "canonical_kind", "class_map", "class_map_names", "compute_input", "default_cache_dir", "input_from_aligned",
    "load_samples", "parse_aus", "prepare", "preprocess", "subject_number",
]
