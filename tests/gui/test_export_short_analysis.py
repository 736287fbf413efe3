"""Exports of a video's stored analysis say when it stops short, and refuse when there is none. Before, Per-frame
CSV of a video never analysed said "Exported" and wrote a header alone; of a run killed at frame 267 of 600 it wrote
267 rows with nothing to tell the file from a whole one; and a project reopened after such a kill said only "stored
analysis (interrupted, cpu)". The CLI's `convert --export` already refused and noted both."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from gui_fixtures import reopened, two_video_project

from merstudio.analysis.pipeline import ANALYSIS_REVISION
from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui

STORED = 10  # frames 0-9 of a.avi's 30


def _store_short_run(path: Path, video_id: int, status: str) -> None:
    with Project.open(path) as p:
        run = p.begin_analysis(video_id, {"revision": ANALYSIS_REVISION})  # today's: no older-run note
        p.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0, "success": 1,
                               "AU12_r": 1.5} for i in range(STORED)])
        p.finish_analysis(run, status=status)


def _written(qtbot, win, path: Path) -> None:
    qtbot.waitUntil(lambda: win.exports.worker is None and path.exists(), timeout=10000)


def test_an_unanalysed_video_is_refused_before_the_file_dialog(window, tmp_path, monkeypatch):
    two_video_project(window, tmp_path)
    monkeypatch.setattr(C.QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("asked for a file"))
    for kind in ("frames", "frames_neutral"):  # (a summary has the events without an analysis)
        assert not window.ctx.execute(C.Export, kind=kind)
        assert window.errors[-1].endswith("b clip.avi is not analysed yet: Analysis > Run analysis (Ctrl+R) first")
    assert list(tmp_path.glob("*.csv")) == []


@pytest.mark.parametrize("status", ["interrupted", "cancelled"])
def test_a_short_run_is_said_on_reopening_and_on_export(qtbot, qsettings, window, tmp_path, status):
    a, _b = two_video_project(window, tmp_path)
    proj = window.project.path
    window.session.close_project()
    _store_short_run(proj, a.id, status)
    win = reopened(qtbot, qsettings, proj)
    try:
        if win.video.id != a.id:
            assert win.ctx.execute(C.OpenVideo, path=str(tmp_path / "a.avi")), win.errors
        said = win.statusBar().currentMessage()
        assert said == (f"a.avi: only frames 0-{STORED - 1} of 30 are analysed (the run was {status}): "
                        "Analysis > Run analysis (Ctrl+R) analyses it to the end"), said
        out = tmp_path / "a_frames.csv"
        assert win.ctx.execute(C.Export, kind="frames", path=str(out)), win.errors
        _written(qtbot, win, out)
        with out.open(newline="") as fh:
            assert [int(r["frame"]) for r in csv.DictReader(fh)] == list(range(STORED))  # what is stored
        qtbot.waitUntil(lambda: "only frames 0-9 of 30 are analysed" in win.statusBar().currentMessage(),
                        timeout=5000)
        assert win.statusBar().currentMessage().startswith(f"Exported {out}; ")
        summary = tmp_path / "a_summary.csv"
        assert win.ctx.execute(C.Export, kind="summary", path=str(summary)), win.errors
        _written(qtbot, win, summary.with_suffix(".png"))
        qtbot.waitUntil(lambda: win.statusBar().currentMessage().startswith(
            f"Exported {summary} and a_summary.png; only frames 0-9 of 30 are analysed"), timeout=5000)
    finally:
        win.shutdown()


def test_a_whole_run_says_nothing_more(qtbot, qsettings, window, tmp_path):
    a, _b = two_video_project(window, tmp_path)
    proj = window.project.path
    window.session.close_project()
    with Project.open(proj) as p:
        run = p.begin_analysis(a.id, {"revision": ANALYSIS_REVISION})
        p.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0, "success": 1}
                              for i in range(30)])
        p.finish_analysis(run)
    win = reopened(qtbot, qsettings, proj)
    try:
        if win.video.id != a.id:
            assert win.ctx.execute(C.OpenVideo, path=str(tmp_path / "a.avi")), win.errors
        assert win.statusBar().currentMessage() == "a.avi: stored analysis (complete, cpu)"
        out = tmp_path / "a_frames.csv"
        assert win.ctx.execute(C.Export, kind="frames", path=str(out)), win.errors
        _written(qtbot, win, out)
        qtbot.waitUntil(lambda: win.statusBar().currentMessage() == f"Exported {out}", timeout=5000)
    finally:
        win.shutdown()
