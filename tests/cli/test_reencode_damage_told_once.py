"""`merstudio reencode` of a file with damaged data inside says where once: the reader tells the damage at open and
again, with what it found, after its complete pass; both lines were printed."""

from __future__ import annotations

from pathlib import Path

from support.cli_run import run
from support.damaged_clips import garbled_middle


def _damaged(path: Path) -> Path:
    return garbled_middle(path)


def test_the_damage_is_told_once(tmp_path: Path, capsys) -> None:
    src = _damaged(tmp_path / "clip.mp4")
    code, out, err = run(capsys, "reencode", src, tmp_path / "copy.avi", "-q")
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'copy.avi'}"), err
    told = [line for line in err.splitlines() if f"{src}: damaged data inside the file: " in line]
    assert len(told) == 1 and "are lost" in told[0], err
    assert all(line.startswith("merstudio: warning: ") for line in err.splitlines())
