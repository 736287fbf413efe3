"""An ELAN file of behaviour tiers alone, all of whose events the project has already (the app's own export, imported
back): ``convert --import`` refused it, exit 2, as holding "no events and no coder in the file" (h264). It says
that its behaviour events are already in the project, nothing new to import, and exits 0 as a file whose events are
all there already does; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.merge_copies import behaviour_tiers_alone, study

from merstudio import interchange as ix
from merstudio.cli.main import main
from merstudio.project import Project


def _behaviours_alone(tmp_path: Path) -> tuple[Path, Path]:
    """(alice's study without its events, its ELAN export: the 'gaze away' behaviour tier alone)."""
    proj = study(tmp_path / "A")
    eaf = behaviour_tiers_alone(proj, tmp_path / "n.eaf")
    assert "behaviour: gaze away" in eaf.read_text(encoding="utf-8")
    return proj, eaf


def _state(proj: Path) -> tuple[list, list, list]:
    with Project.open(proj, read_only=True) as p:
        return ([(e.coder, e.onset, e.offset) for e in p.behaviour_events()], p.coders(),
                [(b.id, b.name) for b in p.behaviours()])


def test_the_cli_says_they_are_already_in_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj, eaf = _behaviours_alone(tmp_path)
    before = _state(proj)
    code = main(["convert", "--project", str(proj), "--import", str(eaf), "--video", "1", "--yes"])
    err = capsys.readouterr().err
    assert code == 0, err  # was 2: "no events and no coder in the file"
    assert f"{eaf}: its 1 behaviour event(s) are already in the project: nothing new to import" in err, err
    assert "no events and no coder" not in err
    assert _state(proj) == before


def test_the_core_says_so_and_writes_nothing(tmp_path: Path) -> None:
    proj, eaf = _behaviours_alone(tmp_path)
    before = _state(proj)
    with Project.open(proj) as p:
        prev = ix.preview_import(p, eaf, 1)
        assert (prev.events, prev.behaviour_rows, prev.behaviour_duplicates) == ([], [], 1)
        assert prev.nothing_new("n.eaf") == "n.eaf: its 1 behaviour event(s) are already in the project: nothing " \
            "new to import"
        assert prev.summary().splitlines()[0] == prev.nothing_new()
        assert ix.commit_import(p, prev) == []  # was: InputError
        # a coder named for the file is still recorded as having coded the video (no "nothing new" then)
        named = ix.preview_import(p, eaf, 1, coder="carol")
        assert named.nothing_new() == ""
    assert _state(proj) == before
