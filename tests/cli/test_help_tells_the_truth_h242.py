"""`merstudio --help` and `merstudio analyze --help` say what the code does (h242): the exit status a full disk gives
is the one the help names for it (it said 2, "a disk full mid-run included"; the run exits 3), and `--landmarks`
names the columns the table gets (it said `x_k, y_k`; they are `mp_x_K`, `mp_y_K`). The claims are checked against
the code's own constants, not a copy of the wording."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from merstudio import interrupts
from merstudio.analysis.outputs import OutputLost
from merstudio.cli.main import main
from merstudio.errors import CheckpointError, InputError, OutputError
from merstudio.face.landmarks import N_LANDMARKS, landmark_columns
from merstudio.training.run import FoldWorkerLost

ROOT = Path(__file__).resolve().parents[2]


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code in (0, None)
    return " ".join(capsys.readouterr().out.split())  # argparse's wrapping undone


def exit_statuses(text: str) -> dict[int, str]:
    """The help's epilog "exit status: 0 done; 2 ...; 143, 129 ...": each status's text (a ';' inside parentheses
    belongs to the status it is in)."""
    epilog = text[text.index("exit status:") + len("exit status:"):]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(epilog):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == ";" and depth == 0:
            parts.append(epilog[start:i])
            start = i + 1
    parts.append(epilog[start:])
    out: dict[int, str] = {}
    for part in parts:
        m = re.match(r"\s*(\d+(?:, \d+)*) (.*)", part, re.S)
        assert m, f"not '<status> <what>': {part!r}"
        for code in m.group(1).split(", "):
            assert int(code) not in out, f"exit status {code} named twice"
            out[int(code)] = m.group(2)
    return out


def test_a_full_disk_is_named_under_the_exit_status_it_gives(capsys: pytest.CaptureFixture[str]) -> None:
    said = exit_statuses(help_text(capsys))
    # a full disk, a quota or `ulimit -f` mid-run: analysis raises OutputLost (files.lost_output), whatever the
    # command; an output refused before the run is an OutputError
    full = OutputLost("out/a.csv: cannot write (No space left on device)").exit_code
    assert full == OutputError("x").exit_code == 3
    for code, what in said.items():
        if code != full:
            assert "disk full" not in what and "no space" not in what, (code, what)
    assert "no space" in said[full] and "quota" in said[full] and "during" in said[full], said[full]


def test_every_exit_status_the_help_names_is_the_codes(capsys: pytest.CaptureFixture[str]) -> None:
    said = exit_statuses(help_text(capsys))
    assert set(said) == {0, 1, 2, 3, 130, 143, 129, 141}
    assert "bad input" in said[InputError("x").exit_code] and "checkpoint" in said[CheckpointError("x").exit_code]
    assert "worker died" in said[FoldWorkerLost(["s01"], "killed").exit_code]
    assert "interrupted" in said[interrupts.exit_code(signal.SIGINT)]
    assert "SIGTERM" in said[interrupts.exit_code(signal.SIGTERM)]
    assert "SIGHUP" in said[interrupts.exit_code(signal.SIGHUP)]
    assert "reader" in said[128 + signal.SIGPIPE]  # main._stdout_gone: as a shell reports a closed pipe
    assert "doctor" in said[1] and "project check" in said[1]  # both return 1 for a check that found trouble


def test_landmarks_help_names_the_columns_the_table_gets(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(capsys, "analyze")
    cols = landmark_columns()
    xs, ys = cols[:N_LANDMARKS], cols[N_LANDMARKS:]
    m = re.search(r"--landmarks (.*?) --rotate", text)
    assert m, text
    landmarks = m.group(1)
    assert f"{xs[0]}..{xs[-1]}" in landmarks and f"{ys[0]}..{ys[-1]}" in landmarks, landmarks
    assert str(N_LANDMARKS) in landmarks


def test_developers_md_lists_the_landmark_columns_by_their_names() -> None:
    cols = landmark_columns()
    text = " ".join((ROOT / "DEVELOPERS.md").read_text(encoding="utf-8").split())
    assert f"{cols[0]}..{cols[N_LANDMARKS - 1]}, {cols[N_LANDMARKS]}..{cols[-1]}" in text
    assert "[x_0..x_467" not in text


def test_developers_md_layout_names_every_top_level_module_and_package() -> None:
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    layout = text[text.index("## Layout"):text.index("## Conventions")]
    pkg = ROOT / "merstudio"
    names = [p.name for p in pkg.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    names += [f"{p.name}/" for p in pkg.iterdir() if (p / "__init__.py").is_file()]
    assert names and not [n for n in names if n not in layout], [n for n in names if n not in layout]
