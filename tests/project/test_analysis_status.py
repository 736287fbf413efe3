"""An analysis whose process died stays "running" no more (issue 14, item 7): begin_analysis records its owner, and
the next writing open marks such a run "interrupted", keeping the frames it committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pandas as pd
import pytest
from project_rows import rows
from support.old_projects import old_schema

from merstudio.project import SCHEMA_VERSION, Project
from merstudio.project.schema import expected_schema

ANALYST = textwrap.dedent("""
    import sys, time
    from merstudio.project import Project
    sys.path.insert(0, sys.argv[2])
    from project_rows import rows
    p = Project.open(sys.argv[1])
    vid = p.videos()[0].id
    aid = p.begin_analysis(vid, {"flow": "dis"}, device="cpu")
    p.append_frames(aid, rows(20))
    p.append_frames(aid, rows(10, start=20))
    print(aid, flush=True)  # acknowledged: 30 frames committed
    time.sleep(600)
""")


def _start_and_kill(path: Path) -> int:
    proc = subprocess.Popen([sys.executable, "-c", ANALYST, str(path), str(Path(__file__).parent)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip(), "the analysing child died before its first frames"
        # while it runs, a second opener sees it running, owned by the child
        with Project.open(path) as ro:
            assert ro.read_only
            a = ro.analysis(ro.videos()[0].id)
            assert a is not None and a.status == "running"
            assert a.owner is not None and a.owner["pid"] == proc.pid and a.owner["since"] > 0
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    return int(line)


def test_killed_analysis_is_interrupted_on_reopen(tmp_path: Path, video_file: Path) -> None:
    path = tmp_path / "crash.merproj"
    with Project.create(path) as p:
        vid = p.add_video(video_file, 30, 100, 64, 64).id
    aid = _start_and_kill(path)
    with Project.open(path) as p:
        assert not p.read_only and p.interrupted_analyses == [aid]
        a = p.analysis(vid)
        assert a is not None and a.id == aid and a.status == "interrupted"
        assert len(p.load_frames(vid)) == 30  # the committed frames are kept
    with Project.open(path) as p:  # said once; it stays interrupted
        assert p.interrupted_analyses == []
        a = p.analysis(vid)
        assert a is not None and a.status == "interrupted"


def test_a_live_analysis_in_this_process_is_left_alone(tmp_path: Path, video_file: Path) -> None:
    with Project.create(tmp_path / "p.merproj") as p:
        vid = p.add_video(video_file, 30, 100, 64, 64).id
        aid = p.begin_analysis(vid)
        p.append_frames(aid, rows(5))
        with Project.open(p.path) as ro:  # a second opener while it runs: read-only, and it is still running
            assert ro.read_only and ro.interrupted_analyses == []
            assert ro.analysis(vid).status == "running"  # type: ignore[union-attr]
        p.finish_analysis(aid)
        assert p.analysis(vid).status == "complete"  # type: ignore[union-attr]


def test_running_analysis_of_a_v3_project_is_interrupted_on_upgrade(tmp_path: Path) -> None:
    """A project of schema 3 (no owner recorded) left "running" by a crash: the upgrade marks it interrupted."""
    path = tmp_path / "old.merproj"
    con = old_schema(path, 3)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/clip.avi', NULL, 'abc', 10, 30.0, 50, 64, 48, 0)")
    con.execute("INSERT INTO analyses (video_id, created, status, columns, settings) VALUES (1, 0, 'running', '[]',"
                " '{}')")
    con.close()
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION
        a = p.analysis(1)
        assert a is not None and a.status == "interrupted" and a.owner is None


def test_schema_check_knows_the_owner_column() -> None:
    assert "owner" in expected_schema(SCHEMA_VERSION)["analyses"]
    assert "owner" not in expected_schema(3)["analyses"]


def test_stored_frames_are_not_fragmented(tmp_path: Path, video_file: Path) -> None:
    """load_frames hands out one block per dtype: adding a column (as agreement and exports do) warns nothing
    (item 15: pandas' PerformanceWarning in `merstudio agreement`)."""
    with Project.create(tmp_path / "p.merproj") as p:
        vid = p.add_video(video_file, 30, 100, 64, 64).id
        aid = p.begin_analysis(vid)
        wide = [{**r, **{f"AU{a:02d}_{k}{s}": 1.0 for a in range(1, 60) for k in "rc" for s in ("", "x")}}
                for r in rows(5)]
        p.append_frames(aid, wide)
        df = p.load_frames(vid)
    assert str(df["AU01_c"].dtype) == "Int8" and df["AU01_r"].dtype == "float64"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df["extra"] = 1
        df = df.assign(more=2)
    assert isinstance(df, pd.DataFrame)


@pytest.mark.parametrize("argv", [["--frames-coder", "fr"]])
def test_agreement_cli_warns_nothing(tmp_path: Path, video_file: Path, argv: list[str]) -> None:
    from merstudio.cli.main import main
    from merstudio.project import Event

    with Project.create(tmp_path / "p.merproj") as p:
        vid = p.add_video(video_file, 30, 100, 64, 64).id
        aid = p.begin_analysis(vid)
        wide = [{**r, **{f"AU{a:02d}_{k}{s}": float(r["frame"] % 2) for a in range(1, 60) for k in "rc"
                         for s in ("", "x")}} for r in rows(30)]
        p.append_frames(aid, wide)
        p.finish_analysis(aid)
        p.add_event(Event(vid, 5, 8, 12, emotion="positive", aus="12", coder="ann"))
        p.add_event(Event(vid, 5, 9, 12, emotion="positive", aus="12", coder="bo"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["agreement", str(tmp_path / "p.merproj"), *argv]) == 0
