"""`merstudio project show` says `interrupted` of a run stored as `running` whose process is gone (the app killed by
SIGTERM, SIGHUP or the OOM killer), as the app does; it said `running` of a run nothing ran. A run whose process is
still going is `running`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video

from merstudio.project import Project


def _stored_running(tmp_path: Path, pid: int) -> Path:
    proj = tmp_path / "p.merproj"
    video = tiny_video(tmp_path / "clip.avi", n=12)
    assert run_quiet(proj, video) == 0
    with Project.open(proj) as p:
        vid = p.videos()[0].id
        aid = p.begin_analysis(vid)
        p.append_frames(aid, [{"frame": i, "face_id": 0, "timestamp": i / 30, "success": 1, "AU12_r": 0.1}
                              for i in range(5)])
        with p._tx() as con:  # the run's process, as recorded: `pid`
            con.execute("UPDATE analyses SET owner = json_set(owner, '$.pid', ?) WHERE id = ?", (pid, aid))
    return proj


def run_quiet(proj: Path, video: Path) -> int:
    from merstudio.cli.main import main

    return main(["project", "new", str(proj), str(video)])


def test_a_run_whose_process_is_gone_is_shown_interrupted(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that ran and ended (the app killed)
    proj = _stored_running(tmp_path, gone.pid)
    capsys.readouterr()
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    assert "analysis: interrupted, 5 frame(s) stored" in out, out
    with Project.open(proj, read_only=True) as p:  # a reader: the file is left as it is
        assert p.analysis(p.videos()[0].id).status == "running"


def test_a_run_whose_process_is_alive_is_shown_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    proj = _stored_running(tmp_path, os.getpid())
    from merstudio.project.lock import ProjectLock

    capsys.readouterr()
    with ProjectLock.acquire(proj):  # its writer still has the project
        code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    assert "analysis: running, 5 frame(s) stored" in out, out
