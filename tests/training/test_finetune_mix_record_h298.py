"""A fine-tuning with --mix records what it trained on (h298, audit a112 findings 1 and 4):

1. `merstudio evaluate` of a `finetune --mix DATA` checkpoint on DATA reported its fit as accuracy: the checkpoint
   recorded the mix by its spec alone and evaluate read only ``training_data`` (the parent's). The mixed samples'
   subjects and inputs are now recorded as a training set (``mixed_training_data``, inherited by later
   fine-tunings), and evaluate's one rule (trained_by, named_like_training) reads every training set.
4. Mixing single flow images into a T=2 checkpoint said nothing, where `train --steps 2` and `evaluate` warn."""

from __future__ import annotations

import numpy as np

from merstudio.cli.evaluate import named_like_training, other_loader_options, trained_by
from merstudio.model.checkpoint_meta import MIXED_TRAINING_DATA, training_sets
from merstudio.training.bench import synthetic_flow_set
from merstudio.training.run import subject_fingerprints


def test_every_training_set_counts_the_parents_and_an_older_mix_by_its_spec():
    data, _ = synthetic_flow_set(n_samples=16, n_subjects=4, seed=0)
    s = data.subject_list

    def part(names):
        return data.subset(np.flatnonzero(np.isin(data.subjects, names)))

    mixed = {"spec": "table:mix.csv", "loader_options": {"modality": "VIS"}, "subjects": [s[2]],
             "subject_inputs": subject_fingerprints(part([s[2]]))}
    parents = {"spec": "synthetic", "subjects": s[:2], "subject_inputs": subject_fingerprints(part(s[:2]))}
    named = {"spec": "elsewhere", "subjects": [s[3]], "subject_inputs": {s[3]: ["0" * 12]}}  # other inputs
    meta = {"training_data": parents, MIXED_TRAINING_DATA: [mixed, named]}
    assert len(training_sets(meta)) == 3
    assert trained_by(meta, "table:data.csv", data) == (s[:3], [])  # the parent's two and the mixed one
    assert named_like_training(meta, data) == s  # s[3]: its id, with other inputs
    assert other_loader_options(meta, "table:mix.csv", {}) == "--modality VIS"

    # a fine-tuned checkpoint of before h298 recorded its mix by its spec alone: the same --data counts as seen
    old = {"training_data": meta["training_data"], "finetune": {"mix": {"spec": "table:mix.csv", "n": 4}}}
    assert trained_by(old, "table:mix.csv", data) == (s, [])
    assert trained_by(old, "table:other.csv", data) == (s[:2], [])
