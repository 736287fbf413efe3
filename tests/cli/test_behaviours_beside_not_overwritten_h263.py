"""An export's ``<stem>_behaviours.csv`` is protected as its events file is (h263): `merstudio convert` replaced an
existing one beside the output without a word (the events file said "already exists (use --overwrite)"). Refused
in one line naming it, before anything is written; --overwrite replaces both."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.merge_copies import copy_without_behaviours

from merstudio import interchange as ix
from merstudio.project import Project

PRECIOUS = "precious\n"


def _study(tmp_path: Path) -> tuple[Path, Path]:
    """(a project whose video has a behaviour event, its video exported to v.eaf with them as tiers)."""
    a, _b = copy_without_behaviours(tmp_path)
    with Project.open(a) as p:
        [eaf] = ix.export_project_events(p, p.videos()[0].id, tmp_path / "v.eaf")
    return a, eaf


@pytest.mark.parametrize("how", ["file", "project", "all"])
def test_an_existing_behaviours_csv_beside_the_output_is_refused(tmp_path: Path, capsys, how: str) -> None:
    a, eaf = _study(tmp_path)
    out, beside = tmp_path / "keep.csv", tmp_path / "keep_behaviours.csv"
    beside.write_text(PRECIOUS)
    args = {"file": [eaf, out, "--fps", "30"], "project": ["--project", a, "--export", out],
            "all": ["--project", a, "--export", out, "--video", "all"]}[how]
    code, _said, err = run(capsys, "convert", *args)
    assert code != 0
    assert f"{beside}: already exists beside keep.csv" in err and "--overwrite" in err
    assert beside.read_text() == PRECIOUS  # was: replaced, rc 0
    assert not out.exists()  # checked before anything is written
    code, said, err = run(capsys, "convert", *args, "--overwrite")
    assert code == 0, err
    assert out.is_file() and beside.read_text() != PRECIOUS and "keep_behaviours.csv" in said + err


def test_an_elan_export_keeping_its_behaviours_as_tiers_leaves_the_csv_alone(tmp_path: Path, capsys) -> None:
    a, _eaf = _study(tmp_path)
    beside = tmp_path / "e_behaviours.csv"
    beside.write_text(PRECIOUS)
    code, _said, err = run(capsys, "convert", "--project", a, "--export", tmp_path / "e.eaf")
    assert code == 0, err  # nothing is written beside an .eaf that holds them as tiers: nothing to refuse
    assert beside.read_text() == PRECIOUS
