"""``merstudio convert --project P --import FILE --video all --coder NAME``: the rows naming no coder, in every video
the file names, are NAME's, as with one video; rows naming their coder keep it (h198 item 2: the app's all-videos
import now has the same Coder field). Without --coder they have none, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import tiny_video

from merstudio.cli.main import main
from merstudio.project import Project


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.merproj"
    with Project.create(path) as p:
        for name, n in (("a.avi", 40), ("b.avi", 41)):  # distinct contents: two videos
            p.add_video(tiny_video(tmp_path / name, n=n), fps=25.0, frame_count=n, width=64, height=48)
    return path


@pytest.mark.parametrize(("extra", "unnamed"), [(["--coder", "carol"], "carol"), ([], "")])
def test_coder_applies_to_every_videos_unnamed_rows(tmp_path: Path, extra: list[str], unnamed: str) -> None:
    proj = _project(tmp_path)
    f = tmp_path / "all.csv"
    f.write_text("video,Face,onset,apex,offset,emotion,coder\na.avi,1,3,5,8,happiness,\nb.avi,0,10,12,15,fear,\n"
                 "b.avi,2,20,22,25,fear,zoe\n", encoding="utf-8")
    assert main(["convert", "--project", str(proj), "--import", str(f), "--video", "all", *extra]) == 0
    with Project.open(proj) as p:
        got = sorted((v.name, e.onset, e.face_id, e.coder) for v in p.videos() for e in p.events(v.id))
    assert got == [("a.avi", 3, 1, unnamed), ("b.avi", 10, 0, unnamed), ("b.avi", 20, 2, "zoe")]
