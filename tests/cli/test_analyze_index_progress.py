"""`merstudio analyze` of a variable-rate video shows its index pass (one decode-only pass over the whole file,
before the first frame is analysed: ~9 s for 20 minutes, against ~4 s to the first bar of a constant-rate video)
as a bar "indexing <file>", then the analysis bar; before, nothing was printed while it ran."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from support.vfr_clips import write_vfr_clip

from merstudio.cli.main import main
from merstudio.io import frames


@pytest.fixture(autouse=True)
def _no_kept_index():
    frames._INDEXES.clear()  # an index kept by another test would spare the run its pass
    yield
    frames._INDEXES.clear()


def test_the_index_pass_has_a_bar_named_after_the_video_before_the_analysis_bar(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")  # 90 frames, 30 then 24 fps
    assert main(["analyze", str(clip), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    index_at, analysis_at = err.find("indexing phone.mp4"), err.find("phone: ")
    assert 0 <= index_at < analysis_at, err
    assert "90/90" in err[index_at:analysis_at], err  # the pass counted every frame the clip was written with
    assert "90/90" in err[analysis_at:], err


def test_quiet_and_a_constant_rate_video_have_no_index_bar(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")
    assert main(["analyze", str(clip), "-o", str(tmp_path / "quiet"), "-q"]) == 0
    assert "indexing" not in capsys.readouterr().err
    steady = tmp_path / "steady.avi"  # its ends confirm its count: opened without a pass
    writer = cv2.VideoWriter(str(steady), cv2.VideoWriter_fourcc(*"MJPG"), 30, (96, 64))
    for i in range(40):
        writer.write(np.full((64, 96, 3), 5 * i, np.uint8))
    writer.release()
    assert main(["analyze", str(steady), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "indexing" not in err and "steady: " in err, err
