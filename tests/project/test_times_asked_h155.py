"""Reads proportional to what is asked (a82 finding 9): ``video(id)`` built the list of every video (an export of
200 videos built it 405 times), and timing events read every stored frame time of every video (708,200 rows for
25,409 events; 6 s of a 24 s export). A run that stored every frame at frame / fps notes it when it finishes; its
video is then timed by its rate without reading a row; a variable-rate run's times are read as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from merstudio.interchange import export_all_events
from merstudio.project import Event, Project
from merstudio.project.analyses import NOMINAL_TIMES


def _project(tmp_path: Path, times: dict[str, np.ndarray]) -> Path:
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        for k, (name, t) in enumerate(times.items()):
            video = tmp_path / name
            video.write_bytes(bytes([k]) * 2048)
            v = proj.add_video(video, fps=30.0, frame_count=len(t), width=64, height=48)
            run = proj.begin_analysis(v.id, {"flow": "dis"})
            proj.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": float(s), "confidence": 1.0,
                                      "success": 1, "AU12_r": 0.5} for i, s in enumerate(t)])
            proj.finish_analysis(run)
            proj.add_event(Event(v.id, 10, 12, 15, emotion="positive", aus="12", coder="ann"))
    return path


def _no_row_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Project, "frame_times", lambda *a, **k: pytest.fail("every stored frame time was read"))


def test_a_constant_rate_run_is_timed_by_its_rate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _project(tmp_path, {"a.avi": np.arange(40) / 30.0, "b.avi": np.arange(60) / 30.0})
    with Project.open(path) as proj:
        assert proj.analysis(1).settings == {"flow": "dis"}  # the note is not among the run's own settings
        assert proj.analysis(1).nominal_times == 40 and proj.frame_count_stored(2) == 60
        _no_row_read(monkeypatch)
        assert proj.video_times(1) is None and proj.timebase(2).time_of(15) == 15 / 30.0
        out = export_all_events(proj, tmp_path / "all.csv").path
    text = out.read_text()
    assert text.count("a.avi") == 1 and text.count("b.avi") == 1


def test_a_run_stored_before_the_note_is_checked_in_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _project(tmp_path, {"a.avi": np.arange(40) / 30.0})
    con = sqlite3.connect(path)  # as merstudio of 2026-12-06 left it: no note
    con.execute(f"UPDATE analyses SET settings = json_remove(settings, '$.{NOMINAL_TIMES}')")
    con.commit()
    con.close()
    with Project.open(path) as proj:
        assert proj.analysis(1).nominal_times is None
        _no_row_read(monkeypatch)
        assert proj.video_times(1) is None


def test_a_variable_rate_run_keeps_its_stored_times(tmp_path: Path) -> None:
    vfr = np.concatenate([np.arange(20) / 30.0, 20 / 30.0 + np.arange(1, 21) / 15.0])
    path = _project(tmp_path, {"a.avi": vfr})
    with Project.open(path) as proj:
        assert proj.analysis(1).nominal_times is None
        np.testing.assert_array_equal(proj.video_times(1), vfr)
        assert proj.timebase(1).time_of(30) == vfr[30]


def test_rows_stored_after_the_run_finished_void_its_note(tmp_path: Path) -> None:
    path = _project(tmp_path, {"a.avi": np.arange(40) / 30.0})
    with Project.open(path) as proj:
        run = proj.analysis(1).id
        proj.append_frames(run, [{"frame": 5, "face_id": 0, "timestamp": 0.5, "confidence": 1.0, "success": 1}])
        assert proj.analysis(1).nominal_times is None
        assert proj.video_times(1) is not None and proj.video_times(1)[5] == 0.5


def test_video_reads_one_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _project(tmp_path, {"a.avi": np.arange(40) / 30.0, "b.avi": np.arange(60) / 30.0})
    with Project.open(path) as proj:
        monkeypatch.setattr(Project, "videos", lambda *a, **k: pytest.fail("every video was read"))
        assert proj.video(2).name == "b.avi" and proj.video(np.int64(1)).name == "a.avi"
        for missing in (3, -1, 1 << 70, "1", None):
            with pytest.raises(KeyError):
                proj.video(missing)  # type: ignore[arg-type]
