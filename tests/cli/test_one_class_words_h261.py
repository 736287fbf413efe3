"""h261 (a103 #8): a table of one class failed with the model's internal "n_classes must be >= 2, got 1", and
`--classes negative` (one name) with "unknown class map", which did not say what a class map is: both name the
input and what to give."""

from __future__ import annotations

from support.flow_tables import write_table

from merstudio.cli.main import main

TINY = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--no-progress", "-q"]


def test_a_table_of_one_class(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=12, n_subjects=3)
    lines = table.read_text(encoding="utf-8").splitlines()
    rows = [",".join(c if i != 2 else "negative" for i, c in enumerate(r.split(","))) for r in lines[1:]]
    table.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "r"), "--protocol", "kfold:2", *TINY])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert str(table) in err[0] and "one class (negative)" in err[0] and "n_classes" not in err[0]
    assert not (tmp_path / "r").exists()


def test_one_class_name_is_not_a_class_list(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MERSTUDIO_CACHE", str(tmp_path / "cache"))
    table = write_table(tmp_path / "data", n=12, n_subjects=3)
    rc = main(["train", "--data", str(table), "--out", str(tmp_path / "r"), "--classes", "negative",
               "--protocol", "kfold:2", *TINY])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert "negative: unknown class map" in err[0] and "comma-separated list of 2 or more classes" in err[0]
