"""h261: another seed makes other identities, so its subjects get other ids; the starter's held-out set (seed 1)
was "synth01".. like its training set (seed 0), and `merstudio evaluate` matched them as trained by their names."""

import pandas as pd

from merstudio.synth import dataset as S


def test_other_seeds_name_other_people(tmp_path):
    zero = pd.read_csv(S.make_synthetic_set(tmp_path / "a", n_subjects=2, samples_per_subject=1, seed=0, frames=6))
    one = pd.read_csv(S.make_synthetic_set(tmp_path / "b", n_subjects=2, samples_per_subject=1, seed=1, frames=6))
    # seed 0 keeps the ids the starter recorded (resources/models/starter.pt: synth01..synth16)
    assert list(zero["subject"]) == ["synth01", "synth02"]
    assert list(one["subject"]) == ["synth_s1_01", "synth_s1_02"]
    assert list(one["sample"]) == ["synth_s1_01_000", "synth_s1_02_000"]
    assert (tmp_path / "b" / one["path"][0]).is_dir()
    assert not set(zero["subject"]) & set(one["subject"])
