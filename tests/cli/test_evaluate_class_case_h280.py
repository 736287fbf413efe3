"""`evaluate` compares the data's classes with the checkpoint's as fine-tuning does (model.columns.class_key): a
checkpoint trained before h280 stored a lab's "Class I" lower-cased ('class i'); the same table, now read with the
lab's spelling, is its classes, not a refusal."""

from __future__ import annotations

import argparse

import pytest

from merstudio.cli.evaluate import check_classes
from merstudio.errors import InputError


def test_the_checkpoints_classes_are_the_datas_whatever_their_case() -> None:
    args = argparse.Namespace(data="lab.csv", classes=None)
    check_classes(["Class I", "Class VII"], ["class i", "class ii", "class vii"], args)  # no refusal
    with pytest.raises(InputError, match="class Class III is not one the checkpoint knows"):
        check_classes(["Class I", "Class III"], ["class i", "class vii"], args)
