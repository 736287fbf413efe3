"""`merstudio convert --status`: applied to a file conversion and to --import (it was ignored there, silently),
refused with --replace."""

from __future__ import annotations

import csv

from ix_helpers import sample_events

from merstudio.cli.main import main
from merstudio.interchange import Media, write_events_csv
from merstudio.project import Project


def test_status_filters_a_conversion(tmp_path, capsys):
    src = write_events_csv(sample_events(), tmp_path / "all.events.csv", Media("clip.mp4", fps=30.0))
    assert main(["convert", str(src), str(tmp_path / "st.csv"), "--status", "accepted"]) == 0
    rows = list(csv.DictReader((tmp_path / "st.csv").open(newline="", encoding="utf-8")))
    assert {r["status"] for r in rows} == {"accepted"}
    assert len(rows) == sum(e.status == "accepted" for e in sample_events())
    assert "--status accepted: 3 row(s) of other statuses left out" in capsys.readouterr().err


def test_status_filters_an_import_and_is_refused_with_replace(tmp_path, capsys, project):
    vid = project.videos()[0].id
    project.close()
    src = write_events_csv(sample_events(), tmp_path / "all.events.csv", Media("clip.mp4", fps=30.0))
    proj = str(tmp_path / "study.merproj")
    assert main(["convert", "--project", proj, "--import", str(src), "--status", "accepted", "--status",
                 "proposal"]) == 0
    with Project.open(proj) as p:
        assert sorted(e.status for e in p.events(vid)) == sorted(e.status for e in sample_events()
                                                                 if e.status != "rejected")
    capsys.readouterr()
    assert main(["convert", "--project", proj, "--import", str(src), "--status", "accepted", "--replace"]) != 0
    assert "--status with --replace" in capsys.readouterr().err


def test_help_says_what_status_does(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "what a conversion IN OUT writes, what --import imports" in out
