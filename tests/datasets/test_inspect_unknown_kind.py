"""`datasets inspect KIND:ROOT` with a kind no loader reads names the kind and the known ones, as `KIND ROOT` does;
a spec of no KIND:ROOT shape still asks for one."""

from __future__ import annotations

import pytest
from support.cli_run import run_datasets

from merstudio.errors import InputError


def test_an_unknown_kind_is_named(tmp_path):
    for argv in (["foo:" + str(tmp_path)], ["foo", str(tmp_path)]):
        with pytest.raises(InputError, match=r"^foo: unknown dataset kind \(choose from casme2, .*table\)$"):
            run_datasets(["datasets", "inspect", *argv])


def test_no_kind_root_shape_asks_for_one(tmp_path):
    for spec in ("foo", "c:" + str(tmp_path), "casme2:"):
        with pytest.raises(InputError, match="give KIND ROOT"):
            run_datasets(["datasets", "inspect", spec])
