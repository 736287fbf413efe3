"""`merstudio project compact P` gives back what deleted rows left (one line: the size before and after), `show`
says how much there is to give back, and `merstudio project check P` reads the whole file (opening a big project no
longer does unless it was not closed cleanly)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from support.cli_run import run

from merstudio.project import Project
from merstudio.project.lock import lock_path


def _emptied(tmp_path: Path) -> Path:
    """A project whose second video (a run with landmarks) was removed: ~1 MB of free pages."""
    path = tmp_path / "study.merproj"
    with Project.create(path) as proj:
        for k, frames in ((1, 10), (2, 150)):
            video = tmp_path / f"v{k}.avi"
            video.write_bytes(bytes([k]) * 4096)
            v = proj.add_video(video, fps=30.0, frame_count=frames, width=64, height=48)
            run_id = proj.begin_analysis(v.id)
            rng = np.random.default_rng(k)
            proj.append_frames(run_id, [{"frame": i, "face_id": 0, "timestamp": i / 30.0, "confidence": 1.0,
                                         "success": 1, **{f"x_{j}": float(x) for j, x in enumerate(rng.random(468))},
                                         **{f"y_{j}": float(y) for j, y in enumerate(rng.random(468))}}
                                        for i in range(frames)])
            proj.finish_analysis(run_id)
        proj.remove_video(2)
    return path


def test_compact_says_before_and_after(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _emptied(tmp_path)
    before = path.stat().st_size
    code, out, err = run(capsys, "project", "show", path)
    assert code == 0, err
    assert "free (left by deleted rows): `merstudio project compact" in out
    code, out, err = run(capsys, "project", "compact", path)
    assert code == 0 and err == "", err
    after = path.stat().st_size
    assert after < before / 2
    assert out == f"{path}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB ({(before - after) / 1e6:.1f} MB given back)\n"
    code, out, err = run(capsys, "project", "compact", path)
    assert code == 0 and out == f"{path}: {after / 1e6:.1f} MB, nothing to give back\n"
    code, out, err = run(capsys, "project", "show", path)
    assert code == 0 and "space:" not in out  # nothing left to give back: not said


def test_compact_refuses_a_project_open_in_the_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _emptied(tmp_path)
    size = path.stat().st_size
    with Project.open(path):  # the app's writer
        code, out, err = run(capsys, "project", "compact", path)
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1, err
    assert str(path) in err and err.rstrip().endswith("close it there first, then compact it")
    assert path.stat().st_size == size


def test_compact_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run(capsys, "project", "compact", "--help")
    assert done.value.code == 0
    assert "usage: merstudio project compact" in capsys.readouterr().out


def test_check_reads_a_big_project_that_opening_does_not(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from merstudio.project import store

    path = _emptied(tmp_path)
    code, out, err = run(capsys, "project", "check", path)
    assert code == 0 and out.startswith(f"{path}: ok"), err
    con = sqlite3.connect(path)
    page = int(con.execute("PRAGMA page_size").fetchone()[0])
    root = int(con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'frames'").fetchone()[0])
    con.close()
    with path.open("r+b") as fh:  # a page nothing reads on opening
        fh.seek((root - 1) * page)
        fh.write(b"\xa5" * page)
    assert not lock_path(path).exists()
    monkeypatch.setattr(store, "CHECK_ALWAYS_BELOW", 0)  # as a big project closed cleanly
    code, out, err = run(capsys, "project", "check", path)
    assert code != 0 and out == ""
    assert err.startswith("merstudio: ") and f"{path}: project file is damaged" in err
    assert len(err.strip().splitlines()) == 1
