"""`merstudio spotting` shows its analysis as `merstudio analyze` shows a batch: one bar for the videos (in a log a
line as it starts and one as it ends; -q: none), a line per video analysed, and each failed video's error in one
line naming its path once (it said "error: text.mp4: text.mp4: not a readable video", and nothing with -q). Before,
nothing was printed while a video was analysed: minutes of silence on a long one."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from support.cli_run import run, tiny_video


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _table(tmp_path: Path, *videos: str) -> Path:
    table = tmp_path / "truth.csv"
    table.write_text("video,onset,offset,type\n" + "".join(f"{v},10,14,micro\n" for v in videos), encoding="utf-8")
    return table


def test_a_log_gets_the_batch_bars_first_and_last_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tiny_video(tmp_path / "clip.avi", n=40)
    table = _table(tmp_path, "clip.avi")
    code, out, err = run(capsys, "spotting", "--data", f"table:{table}", "-o", tmp_path / "out")
    assert code == 0, err
    lines = err.splitlines()
    assert lines[0] == "batch: 1 video", err
    assert lines[-1].startswith("batch: 100%") and "1.00/1 videos" in lines[-1], err
    assert "\r" not in err
    assert "1 to analyse, 0 finished before (skipped), 0 failed before (skipped)" in out
    assert f"{tmp_path / 'clip.avi'}: analysed, 0 spot(s)" in out
    # a rerun analyses nothing: no empty bar
    code, out, err = run(capsys, "spotting", "--data", f"table:{table}", "-o", tmp_path / "out")
    assert code == 0 and err == "", err
    assert "0 to analyse, 1 finished before (skipped)" in out


def test_a_terminal_gets_the_bar_redrawn_and_quiet_none(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_video(tmp_path / "clip.avi", n=40)
    table = _table(tmp_path, "clip.avi")
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    code, _, _ = run(capsys, "spotting", "--data", f"table:{table}", "-o", tmp_path / "out")
    shown = term.getvalue()
    assert code == 0 and "\r" in shown and "1.00/1 videos" in shown, shown
    monkeypatch.undo()
    code, out, err = run(capsys, "spotting", "--data", f"table:{table}", "-o", tmp_path / "quiet", "-q")
    assert code == 0 and err == "", err
    assert "analysed, " not in out and "to analyse" not in out


@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_a_failed_video_is_one_line_naming_it_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   quiet: list[str]) -> None:
    tiny_video(tmp_path / "clip.avi", n=20)
    (tmp_path / "text.mp4").write_text("not a video\n", encoding="utf-8")
    table = _table(tmp_path, "clip.avi", "text.mp4")
    code, _, err = run(capsys, "spotting", "--data", f"table:{table}", "-o", tmp_path / "out", *quiet)
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("merstudio: error:")]
    assert len(errors) == 1, err
    assert errors[0].startswith(f"merstudio: error: {tmp_path / 'text.mp4'}: not a readable video"), err
    assert errors[0].count("text.mp4") == 1, errors[0]
