"""`merstudio evaluate` refuses data whose classes the checkpoint lacks before it prepares any input (on real clips,
minutes of optical flow), and with --classes given says that the map's classes are the trouble instead of "pass
--classes" again (h281; audit a105 item 7)."""

from __future__ import annotations

import pytest
from support.finetune_project import tiny_checkpoint
from support.flow_tables import write_table

from merstudio.cli.main import main

CASME2_5 = ("disgust", "happiness", "others", "repression", "surprise")


class Prepared(Exception):
    """load_arrays was reached: the inputs would have been prepared."""


@pytest.fixture
def five(tmp_path, monkeypatch):
    """A 5-class checkpoint and a table of negative / positive / surprise samples; preparing inputs raises Prepared."""
    import merstudio.training.data as data

    def prepared(*_a, **_k):
        raise Prepared

    monkeypatch.setattr(data, "load_arrays", prepared)
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    return tiny_checkpoint(tmp_path / "five.pt", CASME2_5), write_table(tmp_path / "t", n=6, n_subjects=2)


def test_a_class_map_onto_other_classes_is_refused_before_preparing_and_says_so(five, capsys) -> None:
    ckpt, table = five
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--classes", "megc2019",
                 "--device", "cpu", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--classes megc2019:" in err
    assert "classes negative, positive are not ones the checkpoint knows" in err
    assert "pass --classes" not in err and "casme2-5" in err  # a preset onto the model's classes


def test_a_tables_own_labels_are_checked_before_preparing(five, capsys) -> None:
    ckpt, table = five
    assert main(["evaluate", "--checkpoint", str(ckpt), "--data", str(table), "--device", "cpu", "-q"]) == 2
    err = capsys.readouterr().err
    assert "classes negative, positive are not ones the checkpoint knows" in err and "pass --classes" in err


def test_data_of_the_models_classes_goes_on_to_prepare(five, tmp_path) -> None:
    _, table = five
    three = tiny_checkpoint(tmp_path / "three.pt", ("negative", "positive", "surprise"))
    with pytest.raises(Prepared):
        main(["evaluate", "--checkpoint", str(three), "--data", str(table), "--device", "cpu", "-q"])
