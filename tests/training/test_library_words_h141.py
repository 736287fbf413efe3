"""The training library's refusals as a notebook meets them: they name the argument as well as the CLI's flag (they
said "--data /nope", "use another --out" to a caller who gave neither)."""

from __future__ import annotations

import json

import pytest

from merstudio.errors import InputError, OutputError
from merstudio.training import load_arrays
from merstudio.training.run import check_same_run


def test_a_spec_of_no_dataset_names_the_argument_and_the_flag(tmp_path):
    spec = str(tmp_path / "nope")
    with pytest.raises(InputError) as exc:
        load_arrays(spec)
    assert str(exc.value) == (f"{spec}: expected KIND:ROOT (e.g. casme2:/data/CASME2) or a sample table .csv "
                              "(spec= / --data)")


def test_a_folder_of_another_run_names_out_dir_and_out(tmp_path):
    record = tmp_path / "run.json"
    record.write_text(json.dumps({"protocol": "loso"}))
    with pytest.raises(OutputError) as exc:
        check_same_run(record, {"protocol": "kfold:2"}, "run")
    assert str(exc.value) == (f'{tmp_path}: holds a run with different settings (protocol): protocol: "loso" in the '
                              'folder, "kfold:2" now; use another folder (out_dir= / --out) to start a new run')
    record.write_text("{")
    with pytest.raises(OutputError) as exc:
        check_same_run(record, {"protocol": "kfold:2"}, "run")
    assert str(exc.value).startswith(f"{record}: unreadable (")
    assert str(exc.value).endswith("); use another folder (out_dir= / --out)")
