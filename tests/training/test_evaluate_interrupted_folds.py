"""Ctrl-C during `merstudio evaluate --out D` left an empty D/folds/, and the same command again was refused
("holds results already (folds)", exit 3): folds/ is made only with its file, and an empty one is no result."""

from __future__ import annotations

import pytest

from merstudio.cli.main import main


@pytest.fixture
def evaluate(tmp_path, flow_table, monkeypatch):
    from merstudio.resources import starter_checkpoint

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = flow_table(tmp_path / "data", n=24, n_subjects=4)
    out = tmp_path / "ev"
    return out, ["evaluate", "--checkpoint", str(starter_checkpoint()), "--data", str(table), "--out", str(out),
                 "--device", "cpu", "-q"]


def test_ctrl_c_during_the_prediction_leaves_no_folds_and_the_same_command_then_runs(evaluate, capsys, monkeypatch):
    import merstudio.training.run  # noqa: F401 - imported first: it binds trainer.predict at import, not the patch
    import merstudio.training.trainer as trainer

    out, argv = evaluate
    real = trainer.predict

    def interrupted(*a, **k):
        raise KeyboardInterrupt  # what Ctrl-C raises in the main thread, here mid-prediction

    monkeypatch.setattr(trainer, "predict", interrupted)
    assert main(argv) == 130
    assert not (out / "folds").exists()
    capsys.readouterr()
    monkeypatch.setattr(trainer, "predict", real)
    code = main(argv)  # no --overwrite: nothing was written the first time
    assert code == 0, capsys.readouterr().err
    assert len(list((out / "folds").glob("*.csv"))) == 1


def test_an_empty_folds_folder_left_by_an_earlier_interruption_is_no_result(evaluate, capsys):
    out, argv = evaluate
    (out / "folds").mkdir(parents=True)
    code = main(argv)
    assert code == 0, capsys.readouterr().err
    # one with a file in it is a result: refused without --overwrite, as before
    capsys.readouterr()
    (out / "run.json").unlink()
    (out / "metrics.json").unlink()
    (out / "predictions.csv").unlink()
    (out / "summary.md").unlink()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 3 and "holds results already (folds)" in err
