"""An unknown option of a subcommand is answered with that subcommand's usage (what it does take), not the top
level's `usage: merstudio [-h] [--version] COMMAND ...`; exit status 2 as before."""

from __future__ import annotations

import pytest

from merstudio.cli.main import main


@pytest.mark.parametrize(("argv", "usage"), [
    (["doctor", "--bogus"], "usage: merstudio doctor "),
    (["bench", "decode", "--bogus"], "usage: merstudio bench "),
    (["spotting", "--data", "table:t.csv", "-o", "out", "--bogus"], "usage: merstudio spotting "),
    (["datasets", "prepare", "table:t.csv", "--bogus"], "usage: merstudio datasets prepare "),
    (["--bogus"], "usage: merstudio [-h] [--version] COMMAND"),  # no command: the top level's, as before
])
def test_the_usage_is_the_subcommands(capsys: pytest.CaptureFixture[str], argv: list[str], usage: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage), err
    assert err.rstrip().splitlines()[-1].endswith("error: unrecognized arguments: --bogus"), err
