"""Ctrl-C in the first second of any command, while the console script still imports (matplotlib's settings, the
stderr filter), is the one line every interruption gets, exit 130: it was a 25-line KeyboardInterrupt traceback, and
the help says a traceback is a bug (a70)."""

from __future__ import annotations

from merstudio.cli import main as cli_main


def test_ctrl_c_during_the_start_up_is_one_line_and_exit_130(monkeypatch, capsys):
    def pressed() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "_unencodable_escaped", pressed)  # the first step of the start-up
    monkeypatch.setattr("sys.argv", ["merstudio", "agreement", "--help"])
    assert cli_main.entry() == 130
    err = capsys.readouterr().err
    assert err == "merstudio: interrupted\n"
