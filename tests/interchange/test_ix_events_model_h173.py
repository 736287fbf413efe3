"""The ``model`` column (the checkpoint that proposed an event, schema 7) goes out in every events table merstudio
writes (the project's report CSV and XLSX, our events CSV of `convert --export`) and comes back in: read as the
event's model, never said to be ignored. A file without it (an older export, a coder's sheet) reads as before."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest
from ix_helpers import canon, sample_events
from support.cli_run import run

from merstudio.interchange import EVENT_CSV_COLUMNS, Media, read_events, write_events
from merstudio.project import Project
from merstudio.project.export import export_events_csv, export_events_xlsx

STARTER = "starter.pt (26e4a6027a09)"


def _with_models(video_id: int = 0):
    """The sample events, the model's proposals (open, accepted or rejected) naming the checkpoint that made them."""
    return [replace(e, model=STARTER) if e.source == "model" else e for e in sample_events(video_id)]


def _models(evs) -> list[tuple[int, str, str]]:
    return sorted((e.onset, e.coder, e.model) for e in evs)


def test_our_events_csv_writes_and_reads_the_model(tmp_path):
    evs = _with_models()
    path = write_events(evs, tmp_path / "e.csv", Media("/v/clip.mp4", fps=30.0))
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == EVENT_CSV_COLUMNS and EVENT_CSV_COLUMNS[-2:] == ("model", "note")  # free text last
    assert {r["model"] for r in rows} == {"", STARTER}
    prev = read_events(path, fps=30.0)
    assert canon(prev.accept()) == canon(evs) and not any("ignored" in n for n in prev.notes), prev.notes


@pytest.mark.parametrize("name", ["report.csv", "report.xlsx"])
def test_the_project_report_round_trips_the_model(tmp_path, project: Project, name):
    vid = project.videos()[0].id
    project.add_events(_with_models(vid))
    write = export_events_csv if name.endswith(".csv") else export_events_xlsx
    path = write(project, tmp_path / name, vid)
    prev = read_events(path, fps=30.0, video_id=vid)
    assert not any("ignored" in n for n in prev.notes), prev.notes
    assert _models(prev.accept()) == _models(project.events(vid))
    assert {e.model for e in prev.accept() if e.source == "model"} == {STARTER}


def test_a_table_without_the_column_reads_as_before(tmp_path):
    path = write_events(sample_events(), tmp_path / "e.csv", Media("/v/clip.mp4", fps=30.0))
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    j = rows[0].index("model")
    with (tmp_path / "old.csv").open("w", newline="") as fh:  # an export of merstudio before schema 7
        csv.writer(fh).writerows(r[:j] + r[j + 1:] for r in rows)
    prev = read_events(tmp_path / "old.csv", fps=30.0)
    assert canon(prev.accept()) == canon(sample_events()) and not prev.notes


def test_convert_export_and_import_keep_the_model(tmp_path, capsys, project: Project):
    vid = project.videos()[0].id
    project.add_events(_with_models(vid))
    path = project.path
    project.close()
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "convert", "--project", path, "--export", out, "--video", vid)
    assert code == 0, err
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["model"] for r in rows if r["source"] == "model"] == [STARTER] * 2
    assert {r["model"] for r in rows if r["source"] != "model"} == {""}
    with Project.create(tmp_path / "other.merproj") as other:  # into another project, from the file
        other.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=100, width=64, height=48)
    code, _, err = run(capsys, "convert", "--project", tmp_path / "other.merproj", "--import", out, "--video",
                       "clip.mp4", "--yes")
    assert code == 0, err
    assert "ignored" not in err
    with Project.open(tmp_path / "other.merproj") as other:
        assert _models(other.events()) == _models(_with_models())
