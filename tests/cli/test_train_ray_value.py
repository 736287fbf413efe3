"""`merstudio train --ray VALUE` with a value that is no Ray address (a file name typed after it) is refused as the
command line is read, in one line naming it; it failed after the data were read, with Ray's own "cannot connect
(Invalid address format: foo.csv)" (the same option as analyze's and spotting's: cli.analyze.RayOption)."""

from __future__ import annotations

import pytest
from support.cli_run import run


@pytest.mark.parametrize("command", ["train", "ablate"])
def test_a_value_that_is_no_address_is_one_line(capsys, tmp_path, command) -> None:
    with pytest.raises(SystemExit) as stop:
        run(capsys, command, "--data", f"table:{tmp_path / 'none.csv'}", "--ray", "foo.csv", "--out", tmp_path / "run")
    out, err = capsys.readouterr()
    assert stop.value.code == 2 and out == ""
    assert err.startswith("merstudio: error: --ray: foo.csv: not a Ray address (HOST:PORT, ray://HOST:PORT, auto or "
                          "local)") and err.count("\n") == 1, err
    assert not (tmp_path / "run").exists()
