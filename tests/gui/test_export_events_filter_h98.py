"""File > Export events follows the filter chosen in the save dialog: it picks the format where the name's ending
can hold several (``.csv``) and adds the extension to a name typed without one."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtWidgets import QFileDialog

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


@pytest.fixture
def coded(window, video_path):
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    win.project.add_event(Event(win.video.id, 10, 12, 15, emotion="happiness", aus="12", coder="alice"))
    return win


def _answer(monkeypatch, path, selected):
    asked = {}

    def save(parent, title, default, filt, *a, **k):
        asked["filter"] = filt
        return str(path), selected

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
    return asked


def _header(path, delimiter=","):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return next(csv.reader(fh, delimiter=delimiter))


def test_a_csv_name_under_the_boris_csv_filter_is_a_boris_table(coded, monkeypatch, tmp_path):
    asked = _answer(monkeypatch, tmp_path / "v1_b.csv", "BORIS CSV (*.boris.csv)")
    assert coded.ctx.execute(C.ExportEvents), coded.errors
    assert "BORIS CSV (*.boris.csv)" in asked["filter"].split(";;")
    header = _header(tmp_path / "v1_b.csv")
    assert header[0] == "Observation id" and "Behavior" in header and "onset" not in header


def test_the_events_csv_filter_keeps_merstudios_events_csv(coded, monkeypatch, tmp_path):
    _answer(monkeypatch, tmp_path / "v1.csv", "Events CSV (*.csv)")
    assert coded.ctx.execute(C.ExportEvents), coded.errors
    assert "onset" in _header(tmp_path / "v1.csv") and "Behavior" not in _header(tmp_path / "v1.csv")


@pytest.mark.parametrize(("selected", "written"), [("BORIS project (*.boris)", "v1_noext.boris"),
                                                   ("ELAN (*.eaf)", "v1_noext.eaf"),
                                                   ("BORIS CSV (*.boris.csv)", "v1_noext.boris.csv"),
                                                   ("BORIS TSV (*.tsv)", "v1_noext.tsv")])
def test_a_name_without_extension_takes_the_filters(coded, monkeypatch, tmp_path, selected, written):
    _answer(monkeypatch, tmp_path / "v1_noext", selected)
    assert coded.ctx.execute(C.ExportEvents), coded.errors
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("v1_noext")) == [written]
    out = tmp_path / written
    if written.endswith(".boris"):
        assert [o["independent_variables"]["coder"] for o in json.loads(out.read_text())["observations"].values()] \
            == ["alice"]
    elif written.endswith(".eaf"):
        assert ET.parse(out).getroot().tag == "ANNOTATION_DOCUMENT"
    else:
        assert _header(out, "\t" if written.endswith(".tsv") else ",")[0] == "Observation id"


def test_a_name_of_another_format_says_what_it_is(coded, monkeypatch, tmp_path):
    """The filter left at ELAN and a name typed as a BORIS table: the name says which (not XML in a .tsv)."""
    _answer(monkeypatch, tmp_path / "v1.tsv", "ELAN (*.eaf)")
    assert coded.ctx.execute(C.ExportEvents), coded.errors
    assert _header(tmp_path / "v1.tsv", "\t")[0] == "Observation id"


def test_another_export_takes_its_filters_extension(coded, monkeypatch, tmp_path):
    _answer(monkeypatch, tmp_path / "report", "CSV (*.csv)")
    assert coded.ctx.execute(C.Export, kind="events_csv"), coded.errors
    assert (tmp_path / "report.csv").is_file() and not (tmp_path / "report").exists()
