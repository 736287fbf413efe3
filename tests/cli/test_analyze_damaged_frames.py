"""`merstudio analyze` on a frame folder with a JPEG cut in half: the run completes and says which frames were
damaged, in the meta JSON and in the summary (issue 14, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

from support.clips import write_clip, write_frame_images

from merstudio.cli.main import main


def _frame_folder(tmp_path: Path, n: int = 12) -> Path:
    clip = write_clip(tmp_path / "face.avi", n=n)
    folder = tmp_path / "EP02_01f"
    assert write_frame_images(clip, folder, "img{}.jpg", start=1) == n
    return folder


def test_cut_jpeg_is_reported_in_meta_and_summary(tmp_path: Path, capsys) -> None:
    folder = _frame_folder(tmp_path)
    cut = folder / "img5.jpg"
    data = cut.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "-o", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    meta = json.loads((out / "EP02_01f.meta.json").read_text())
    assert meta["status"] == "complete"
    assert meta["unreadable_frames"] == 1
    assert meta["unreadable_files"] == ["img5.jpg"]
    assert any("img5.jpg" in w for w in meta["warnings"])
    status = text.splitlines()[0]
    assert status.startswith(f"{folder}: complete") and "1 damaged frame image" in status and "img5.jpg" in status


def test_whole_folder_has_no_unreadable_frames(tmp_path: Path, capsys) -> None:
    folder = _frame_folder(tmp_path, n=6)
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "-o", str(out), "-q"]) == 0
    meta = json.loads((out / "EP02_01f.meta.json").read_text())
    assert meta["unreadable_frames"] == 0 and meta["unreadable_files"] == []
    assert "unreadable" not in capsys.readouterr().out
