"""The CLI and a damaged project (a87 findings 2-3): every command reads a big project whole at open again (one line,
exit status 2, not a traceback halfway through `project show`); `project check` exits 1 on damage, as
docs/gui.md says; `project compact` says damaged, not "needs about N MB free"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support.cli_run import run

sys.path.insert(0, str(Path(__file__).parents[1] / "project"))
from test_open_check_h155 import _damaged_project  # noqa: E402

from merstudio.project import store as store_module  # noqa: E402


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(store_module, "CHECK_ALWAYS_BELOW", 0)  # every project is "big"
    path = _damaged_project(tmp_path)
    (tmp_path / "study.merproj.bak").write_bytes(path.read_bytes())
    return path


@pytest.mark.parametrize("command", [("project", "show"), ("project", "compact"), ("convert", "--export")])
def test_a_command_on_a_damaged_big_project_is_one_line(big: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        command: tuple[str, str]) -> None:
    args = [*command, big] if command[0] == "project" else \
        ["convert", "--project", big, "--export", tmp_path / "x.csv", "--video", "all"]
    code, out, err = run(capsys, *args)
    assert code == 2, err
    assert err.strip().splitlines() == [
        f"merstudio: error: {big}: project file is damaged (database disk image is malformed); "
        "try study.merproj.bak"]
    assert not (tmp_path / "x.csv").exists()


def test_check_exits_1_naming_the_backup(big: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "project", "check", big)
    assert code == 1 and out == ""
    line, = err.strip().splitlines()
    assert line.startswith(f"merstudio: error: {big}: project file is damaged (") and line.endswith(
        "; try study.merproj.bak")
