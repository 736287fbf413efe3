"""The training commands' late or missing checks that audit a115 left (h331): an ablation.md of the user's own is
no `merstudio ablate` table."""

from __future__ import annotations

import pytest
from support.cli_run import run

MISSING = "table:{t}/none.csv"  # data that is never found: what comes before reading it is what is tested


def _usage(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    """Exit code and stderr of `merstudio argv` where the parser exits (argparse's SystemExit)."""
    with pytest.raises(SystemExit) as refused:
        run(capsys, *argv)
    return int(refused.value.code or 0), capsys.readouterr().err


def test_a_users_own_ablation_md_is_not_called_an_ablate_table(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "ablation.md").write_text("# my ablation notes\n", encoding="utf-8")
    code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", out, "-q")
    # not refused as another command's run: train writes no ablation.md, and goes on to read the data
    assert "ablate" not in err and "none.csv" in err, err
    assert (out / "ablation.md").read_text(encoding="utf-8") == "# my ablation notes\n"


def test_an_ablate_table_is_still_named_as_one(tmp_path, capsys):
    for name, text in (("ablation.md", "# Ablation (loso, table:x.csv; same folds and seeds for every variant)\n"),
                       ("ablation.csv", "variant,switched_off,seed,accuracy,uf1,uar,n,folds\nfull,none,0,1,1,1,4,2\n")):
        out = tmp_path / name
        out.mkdir()
        (out / name).write_text(text, encoding="utf-8")
        code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", out, "-q")
        assert code == 3
        assert err.strip() == (f"merstudio: error: --out {out}: holds a `merstudio ablate` table; pick another --out "
                               "(`merstudio train` there would replace its results)")



def test_evaluate_checks_device_first_named_as_the_flag(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x\n", encoding="utf-8")  # an --out that is a file: refused after --device now
    code, _, err = run(capsys, "evaluate", "--checkpoint", tmp_path / "none.pt", "--data", MISSING.format(t=tmp_path),
                       "--out", a_file, "--device", "bogus", "-q")
    assert code == 2
    assert err.strip() == "merstudio: error: --device 'bogus': expected auto, cpu, cuda or cuda:N"


@pytest.mark.parametrize(("typed", "meant"), [
    (["-epochs", "3"], "--epochs"),  # one dash for two
    (["--epohcs", "3"], "--epochs"),  # keys slipped
    (["-epo", "3"], "--epochs"),  # one dash on an abbreviation
    (["-seed=3"], "--seed"),
])
def test_a_mistyped_option_is_named_with_the_one_it_likely_meant(typed, meant, tmp_path, capsys):
    code, err = _usage(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", tmp_path / "o", *typed)
    assert code == 2
    assert err.strip() == (f"merstudio: error: unrecognized arguments: {' '.join(typed)}; did you mean {meant}? "
                           "(see merstudio train --help)")


def test_an_option_near_none_is_named_alone(tmp_path, capsys):
    code, err = _usage(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", tmp_path / "o", "--zzz")
    assert code == 2
    assert err.strip() == "merstudio: error: unrecognized arguments: --zzz (see merstudio train --help)"


class _Searched(Exception):
    """Raised in place of the search: the lines said before it are what is tested (no trial is trained)."""


@pytest.mark.parametrize(("flags", "space", "given"), [
    (["--val-fraction", "0.9"], {"train.lr": [1e-3]}, "--val-fraction 0.9"),
    ([], {"train.lr": [1e-3], "train.val_fraction": [0.9]}, "the search space's train.val_fraction 0.9"),
])
def test_tune_says_when_its_inner_folds_leave_one_subject_to_train_on(flags, space, given, tmp_path, capsys,
                                                                     monkeypatch):
    import json

    from support.flow_tables import write_table

    import merstudio.training.tune as tune_mod

    def searched(*a, **k):
        raise _Searched

    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(tune_mod, "tune", searched)
    table = write_table(tmp_path / "data", n=24, n_subjects=6)
    (tmp_path / "space.json").write_text(json.dumps(space), encoding="utf-8")
    with pytest.raises(_Searched):
        run(capsys, "tune", "--data", table, "--out", tmp_path / "o", "--inner", "kfold:2", "--space",
            tmp_path / "space.json", "--device", "cpu", "-q", *flags)
    err = capsys.readouterr().err
    # 6 subjects, 2 inner folds: 3 train each trial's fold, and 0.9 of them choose its epoch
    assert (f"merstudio: warning: {given} holds out 2 of an inner fold's (kfold:2) 3 training subjects to choose the "
            "epoch on, leaving 1 to train on: each trial's model learns one person (a smaller fraction, e.g. 0.2, or "
            "leave it out)\n") in err


@pytest.mark.parametrize(("config", "line"), [
    ({"model": {"dropout": -0.5}}, "model config: dropout must be in [0, 1), got -0.5"),
    ({"model": {"T": 0}}, "model config: T must be >= 1, got 0"),
    ({"model": {"norm": "nope"}}, "model config: norm must be one of"),
    ({"input": {"modality": "bogus"}}, "\"input\": modality must be flow, grey or flow+grey, got 'bogus'"),
    ({"input": {"T": 0}}, "\"input\": T must be a whole number from 1 to"),
    ({"input": {"framing": "tight"}}, "\"input\": framing 'tight': expected whole or megc2019"),
])
def test_a_bad_config_value_is_refused_before_the_data(config, line, tmp_path, capsys):
    import json

    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    for command in ("train", "tune"):
        code, _, err = run(capsys, command, "--data", MISSING.format(t=tmp_path), "--out", tmp_path / command,
                           "--config", path, "-q")
        assert code == 2, err
        assert err.startswith(f"merstudio: error: {path}: {line}"), err  # not the data's "none.csv: not found"
        assert len(err.splitlines()) == 1


def test_an_unknown_input_flag_is_refused_before_the_data(tmp_path, capsys):
    code, _, err = run(capsys, "train", "--data", MISSING.format(t=tmp_path), "--out", tmp_path / "o",
                       "--input", "bogus", "-q")
    assert code == 2
    assert err.strip() == ("merstudio: error: input 'bogus': expected flow, grey or flow+grey (input_kind= / "
                           "--input)")
