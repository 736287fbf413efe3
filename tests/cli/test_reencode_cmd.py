"""`merstudio reencode IN OUT`: writes a copy that seeks exactly and says what it wrote; bad inputs and outputs are
one line each; Ctrl-C exits 130 and leaves no partial file."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.cli_run import run, tiny_video

from merstudio.cli.main import main
from merstudio.io import open_source


def _coded_video(path: Path, n: int) -> Path:
    """An MJPG .avi of n 64x48 frames, frame i carrying i as a 6-bit barcode (white or black 8-px cells)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    for i in range(n):
        img = np.full((48, 64, 3), 128, np.uint8)
        for b in range(6):
            img[:16, 8 * b:8 * b + 8] = 255 if (i >> b) & 1 else 0
        writer.write(img)
    writer.release()
    return path


def _code(img: np.ndarray) -> int:
    return sum(1 << b for b in range(6) if img[4:12, 8 * b + 2:8 * b + 6].mean() > 127)


def test_reencode_writes_every_frame_and_says_what(tmp_path: Path, capsys) -> None:
    src = _coded_video(tmp_path / "clip.avi", n=40)
    out = tmp_path / "clip.seek.avi"
    code, text, err = run(capsys, "reencode", src, out, "-q")
    assert code == 0, err
    assert text == f"wrote {out}: 40 frames at 30 fps, MJPG, every frame a keyframe (measured in its first 100 " \
                   "frames)\n"
    assert "%|" not in err  # -q: no bar
    with open_source(out) as copy:
        assert copy.frame_count == 40 and not copy.is_vfr
        assert [_code(copy.frame(i)) for i in (25, 3, 39, 0)] == [25, 3, 39, 0]  # frame i is frame i
    # the bar (tqdm, on stderr) without -q; .mp4 gives MPEG-4 part 2 with a measured keyframe gap
    code, text, err = run(capsys, "reencode", src, tmp_path / "clip.seek.mp4")
    assert code == 0, err
    assert "40/40" in err and "clip.avi" in err
    assert ", mp4v, " in text and "keyframe" in text


def test_reencode_bad_input_and_output_are_one_line(tmp_path: Path, capsys) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=10)
    code, _, err = run(capsys, "reencode", tmp_path / "missing.mp4", tmp_path / "x.avi")
    assert code == 2 and err == f"merstudio: error: {tmp_path / 'missing.mp4'}: not found\n"
    code, _, err = run(capsys, "reencode", src, tmp_path / "x.gif")
    assert code == 2 and err.count("\n") == 1
    assert "unknown output type '.gif'" in err and ".avi, .m4v, .mkv, .mov, .mp4" in err
    (tmp_path / "old.avi").write_bytes(b"keep me")
    code, _, err = run(capsys, "reencode", src, tmp_path / "old.avi")
    assert code == 3 and "already exists (use --overwrite)" in err and err.count("\n") == 1
    assert (tmp_path / "old.avi").read_bytes() == b"keep me"
    code, _, err = run(capsys, "reencode", src, src, "--overwrite")
    assert code == 3 and "is the input" in err
    code, _, err = run(capsys, "reencode", src, tmp_path / "y.avi", "--keyint", "0")
    assert code == 2 and "--keyint must be at least 1" in err
    code, _, _ = run(capsys, "reencode", src, tmp_path / "old.avi", "--overwrite", "-q")
    assert code == 0 and cv2.VideoCapture(str(tmp_path / "old.avi")).get(cv2.CAP_PROP_FRAME_COUNT) == 10


def test_ctrl_c_removes_the_partial_copy(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=60)
    (tmp_path / "out").mkdir()
    writes = 0
    real = cv2.VideoWriter.write

    def write(self, img):  # Ctrl-C arrives mid-way through the copy
        nonlocal writes
        writes += 1
        if writes == 30:
            raise KeyboardInterrupt
        return real(self, img)

    monkeypatch.setattr(cv2.VideoWriter, "write", write)
    code = main(["reencode", str(src), str(tmp_path / "out" / "clip.seek.avi")])
    _, err = capsys.readouterr()
    assert code == 130 and err.endswith("merstudio: interrupted\n")
    assert list((tmp_path / "out").iterdir()) == []


def test_help_names_the_output_types(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["reencode", "--help"])
    text = capsys.readouterr().out
    for word in ("--keyint", "--fps", "--overwrite", "-q", ".avi", "MJPG", ".mp4", "no sound", "Ctrl-C"):
        assert word in text
