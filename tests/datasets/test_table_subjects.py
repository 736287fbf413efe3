"""A sample table's subject cells name people: one person written two ways (`7`, `007`, `sub07`: the spellings the
sheet loaders read as one number) is one subject (a119: a person spelt two ways sat on both sides of a LOSO fold,
UF1 .856 against .794). In doubt the rule joins, never splits (a split leaks a person into both sides): one cell in
two datasets stays one subject, and the notes say so."""

from __future__ import annotations

import warnings

import cv2
import numpy as np

from merstudio.datasets.loaders import load_samples
from merstudio.training.protocols import make_folds


def _table(tmp_path, rows: list[tuple[str, str, str]]):
    assert cv2.imwrite(str(tmp_path / "a.png"), np.zeros((30, 30, 3), np.uint8))
    text = "subject,sample,label,path,dataset\n" + "".join(f"{s},x{i},{lab},a.png,{d}\n"
                                                           for i, (s, lab, d) in enumerate(rows))
    (tmp_path / "samples.csv").write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_samples("table", tmp_path, check_images=False, verbose=False)


def test_one_person_written_two_ways_is_one_subject(tmp_path):
    ds = _table(tmp_path, [("7", "happy", "casme2"), ("007", "sad", "casme2"), ("sub07", "happy", "casme2"),
                           ("8", "sad", "casme2")])
    assert [s.subject for s in ds] == ["7", "7", "7", "8"]
    assert len(make_folds([s.subject for s in ds], "loso")) == 2  # two people, two folds
    assert any("written two or more ways" in n and "7 = 007 = sub07" in n for n in ds.notes), ds.notes


def test_one_cell_in_two_datasets_stays_one_subject_and_is_said(tmp_path):
    ds = _table(tmp_path, [("1", "happy", "casme2"), ("01", "sad", "smic"), ("2", "happy", "casme2")])
    assert [s.subject for s in ds] == ["1", "1", "2"]
    assert any("1 appear in more than one dataset" in n and "write them apart" in n for n in ds.notes), ds.notes


def test_distinct_names_are_kept_as_written(tmp_path):
    ds = _table(tmp_path, [("casme2_sub01", "happy", "casme2"), ("smic_s01", "sad", "smic")])
    assert [s.subject for s in ds] == ["casme2_sub01", "smic_s01"] and not ds.notes


def test_a_name_written_in_two_cases_is_one_subject(tmp_path):
    """P01 and p01 (no number the sheet loaders read): one person, as a project's subjects are (h338)."""
    ds = _table(tmp_path, [("P01", "happy", "casme2"), ("p01", "sad", "casme2"), ("P02", "happy", "casme2")])
    assert [s.subject for s in ds] == ["P01", "P01", "P02"]


def test_the_merge_is_said_as_a_warning_that_train_prints(tmp_path):
    import pytest

    from merstudio.datasets import DatasetWarning

    assert cv2.imwrite(str(tmp_path / "a.png"), np.zeros((30, 30, 3), np.uint8))
    (tmp_path / "samples.csv").write_text("subject,sample,label,path\n7,a,happy,a.png\n007,b,sad,a.png\n")
    with pytest.warns(DatasetWarning, match="written two or more ways"):
        load_samples("table", tmp_path, check_images=False, verbose=False)
