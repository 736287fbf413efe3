"""`merstudio agreement` draws a bar on stderr once the report takes more than a moment (a year's project took two
minutes without a word), -q none; a Ctrl-C during the report says how far it got and that nothing was written."""

from __future__ import annotations

from pathlib import Path

import pytest

import merstudio.agreement.report as report
import merstudio.cli.agreement as cli_agreement
from merstudio.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main(["agreement", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_long_report_draws_its_steps(project, monkeypatch, capsys):
    monkeypatch.setattr(cli_agreement, "BAR_AFTER_S", 0.0)  # 0 s stands for a long report: the rule, not its cost
    code, out, err = _run(capsys, project.path)
    assert code == 0 and "Agreement of ann, bob, model" in out
    lines = err.splitlines()
    # ann, bob and the model on video 1: 3 pairs x 1 video + video 1's alpha units; a log gets first and last line
    assert lines[0] == "agreement: 4 steps (each coder pair on each video, then each video's units for alpha)"
    assert lines[1].startswith("agreement: 100%") and "4/4" in lines[1], err
    assert len(lines) == 2


def test_quiet_and_quick_reports_draw_nothing(project, monkeypatch, capsys):
    assert _run(capsys, project.path)[2] == ""  # a quick report stays as quiet as ever
    monkeypatch.setattr(cli_agreement, "BAR_AFTER_S", 0.0)
    code, _, err = _run(capsys, project.path, "-q")
    assert code == 0 and err == ""


def test_ctrl_c_says_how_far_the_report_got(project, monkeypatch, capsys, tmp_path: Path):
    monkeypatch.setattr(cli_agreement, "BAR_AFTER_S", 0.0)
    real = report._match_video
    calls = []

    def second_pair_interrupted(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(report, "_match_video", second_pair_interrupted)
    out = tmp_path / "agr"
    code, stdout, err = _run(capsys, project.path, "-o", out)
    assert code == 130 and stdout == ""
    last = err.splitlines()[-1]
    assert last == f"merstudio: interrupted after 1 of 4 steps of the report: nothing was written to {out} (the " \
                   "project is unchanged)", err
    assert not out.exists()
