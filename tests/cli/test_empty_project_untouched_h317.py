"""`agreement`, `convert --project P --export ...` and `finetune` on a 0-byte .merproj (a creation cut short) made it
a new empty project of 100 kB, then failed on what it lacked (a115 finding 4, h317). A command that does not create
projects refuses it with the line `project show` says, and leaves the file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.cli.main import main

LINE = "an empty project file (being created, or its creation was cut short)"


@pytest.mark.parametrize("command", [
    ["agreement", "{p}"],
    ["convert", "--project", "{p}", "--export", "{d}/events.csv"],
    ["convert", "--project", "{p}", "--import", "{d}/events.eaf"],
    ["finetune", "--project", "{p}", "--checkpoint", "{d}/model.pt"],
    ["project", "subject", "{p}", "1", "s01"],
    ["project", "show", "{p}"],
])
def test_an_empty_project_file_is_refused_and_left_as_it_was(tmp_path: Path, capsys, command: list[str]) -> None:
    p = tmp_path / "study.merproj"
    p.write_bytes(b"")
    code = main([a.format(p=p, d=tmp_path) for a in command])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"merstudio: error: {p}: {LINE}"), lines
    assert p.read_bytes() == b""
    assert sorted(q.name for q in tmp_path.iterdir()) == ["study.merproj"]  # no lock, no side files, no output
