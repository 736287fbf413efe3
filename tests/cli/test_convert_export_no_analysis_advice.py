"""`merstudio convert --project P --export OUT.csv --to openface` for a video the project holds no analysis of: the
advice names what can make one (the app's Analysis > Run analysis: `merstudio analyze` writes a results folder, never
into a project) or converts an analyze result instead, and that command works on one."""

from __future__ import annotations

import shlex

from support.cli_run import run
from support.cli_run import tiny_video as _video
from support.clips import write_clip

from merstudio.project import Project


def test_the_advice_for_a_video_without_analysis_can_be_followed(tmp_path, capsys):
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        p.add_video(_video(tmp_path / "clip.avi", n=6), 30.0, 6, 64, 48)
    out = tmp_path / "x.csv"
    code, _, err = run(capsys, "convert", "--project", path, "--export", out, "--to", "openface")
    assert code != 0 and not out.exists()
    assert "Analysis > Run analysis" in err and "merstudio analyze, or the app" not in err, err
    advised = err[err.index("merstudio convert "):].strip()
    assert advised == f"merstudio convert RESULT.csv {out} --to openface", advised
    # the advised command on an analyze result: it writes the table
    clip = write_clip(tmp_path / "a.avi", n=8)
    assert run(capsys, "analyze", clip, "-o", tmp_path / "results", "-q")[0] == 0
    argv = shlex.split(advised.replace("RESULT.csv", str(tmp_path / "results" / "a.csv")))[1:]
    code, said, err = run(capsys, *argv)
    assert code == 0 and out.is_file() and said.startswith("wrote 8 row(s)"), err
