"""An unknown option of a subcommand is one line that names that subcommand's --help (what it does take), not the
top level's; exit status 2 as before. (It printed the subcommand's usage, 3-19 lines, before the error: every
usage error is one line now, h318.)"""

from __future__ import annotations

import pytest

from merstudio.cli.main import main


@pytest.mark.parametrize(("argv", "command"), [
    (["doctor", "--bogus"], "merstudio doctor"),
    (["bench", "decode", "--bogus"], "merstudio bench"),  # WHAT is a positional choice of bench
    (["spotting", "--data", "table:t.csv", "-o", "out", "--bogus"], "merstudio spotting"),
    (["datasets", "prepare", "table:t.csv", "--bogus"], "merstudio datasets prepare"),
    (["--bogus"], "merstudio"),  # no command: the top level's, as before
])
def test_the_help_named_is_the_subcommands(capsys: pytest.CaptureFixture[str], argv: list[str], command: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err == f"merstudio: error: unrecognized arguments: --bogus (see {command} --help)\n", err
