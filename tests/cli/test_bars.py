"""The command line's progress bars (merstudio.cli.bars): where stderr is not a terminal (a log, a pipe) a bar prints
a line as it starts and one as it ends, not tqdm's carriage-return redraws (a line that grew by one copy per update);
on a terminal it is tqdm's bar as before; no bar starts tqdm's monitor thread. A batch, and -j N, show the
"indexing <file>" bar of a variable-rate video's index pass (one decode-only pass over the whole file before its
first frame, ~9 s for 20 minutes), which they did not (only a plain run in this process did)."""

from __future__ import annotations

import io
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import tqdm
from support.cli_run import run, tiny_video
from support.vfr_clips import write_vfr_clip

from merstudio.cli import finetune as finetune_cli
from merstudio.cli import train as train_cli
from merstudio.io import frames


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _no_kept_index():
    frames._INDEXES.clear()  # an index kept by another test would spare the run its pass
    yield
    frames._INDEXES.clear()


def test_a_log_gets_a_line_as_the_bar_starts_and_one_as_it_ends(tmp_path: Path, capsys) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=40)
    code, _, err = run(capsys, "reencode", src, tmp_path / "copy.avi")
    assert code == 0, err
    assert "\r" not in err  # was: "\rclip.avi:   0%|...\rclip.avi:  50%|...", one redraw per update
    lines = err.splitlines()
    assert lines[0] == "clip.avi: 40 frames", err  # the frames written into the clip
    assert lines[1].startswith("clip.avi: 100%") and "40/40" in lines[1] and len(lines) == 2, err


def test_a_terminal_still_gets_the_bar_redrawn(tmp_path: Path, monkeypatch, capsys) -> None:
    src = tiny_video(tmp_path / "clip.avi", n=40)
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    code, _, _ = run(capsys, "reencode", src, tmp_path / "copy.avi")
    shown = term.getvalue()
    assert code == 0 and "\r" in shown and "40/40" in shown, shown
    assert "clip.avi: 40 frames" not in shown  # the log's line, not the bar


def test_training_bars_in_a_log_end_with_their_count_and_loss(capsys) -> None:
    """train's fold and epoch bars (cleared from a terminal) and finetune's stage bars: in a log the last state
    of each, the loss included, without a rate; and data preparation's bar."""
    bars = train_cli.Bars(enabled=True)
    bars.fold_done(0, 2)
    bars.progress(SimpleNamespace(fold="f1", epochs=3, epoch=1, loss=1.0, val_uf1=None))
    bars.progress(SimpleNamespace(fold="f1", epochs=3, epoch=3, loss=0.5, val_uf1=None))
    bars.fold_done(2, 2)
    bars.close()
    stages = finetune_cli._Bars(enabled=True)
    stages.on_stage("training")
    stages.progress(4, 4)
    stages.loss(4, 4, 0.25)
    stages.close()
    prep = train_cli.prep_progress(True)
    prep(3, 7)
    prep(7, 7)
    err = capsys.readouterr().err
    assert "\r" not in err, err
    lines = err.splitlines()
    assert "fold f1: 3 epochs" in lines and "folds: 2 folds" in lines, err
    assert any(ln.startswith("fold f1: 100%") and "3/3" in ln and "loss=0.500" in ln for ln in lines), err
    assert any(ln.startswith("folds: 100%") and "2/2" in ln for ln in lines), err
    assert any(ln.startswith("epochs: 100%") and "4/4" in ln and "loss=0.250" in ln for ln in lines), err
    assert "preprocess: 7 samples" in lines and any(ln.startswith("preprocess: 100%") and "7/7" in ln
                                                    for ln in lines), err
    assert not any(ln.startswith(("fold", "folds")) and "/s" in ln for ln in lines), err  # no rate (NO_RATE)


def test_no_bar_starts_the_monitor_thread(monkeypatch) -> None:
    """finetune's bars did not turn tqdm's monitor off (the others set it off on the tqdm class, for every bar
    after them): with tqdm's default interval its thread outlived the run."""
    monkeypatch.setattr(tqdm.tqdm, "monitor_interval", 10)  # tqdm's default, whatever ran before
    stages = finetune_cli._Bars(enabled=True)
    stages.on_stage("inputs")
    try:
        stages.progress(1, 3)
        monitors = [t.name for t in threading.enumerate() if t.name in ("tqdm_monitor", "TMonitor")]
    finally:
        stages.close()
        if tqdm.tqdm.monitor is not None:
            tqdm.tqdm.monitor.exit()
            tqdm.tqdm.monitor = None
    assert monitors == []


def _passes(err: str, name: str, frames_in_clip: int) -> tuple[int, int]:
    """Where the log's lines of `name`'s index pass are: its start, and its end with every frame counted."""
    lines = err.splitlines()
    start = lines.index(f"indexing {name} (one pass over the whole file)")
    end = next(i for i, ln in enumerate(lines) if ln.startswith(f"indexing {name}: 100%"))
    assert f"{frames_in_clip}/{frames_in_clip}" in lines[end], err
    return start, end


def test_a_batch_shows_the_index_pass(tmp_path: Path, capsys) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")  # 90 frames, 30 then 24 fps: opened only after a whole pass
    code, out, err = run(capsys, "analyze", clip, "--batch", "-o", tmp_path / "out")
    assert code == 0, err
    start, end = _passes(err, "phone.mp4", 90)
    assert err.splitlines()[0] == "batch: 1 video" and start < end, err
    assert "\r" not in err


def test_a_batch_on_worker_processes_shows_each_videos_index_pass(tmp_path: Path, capsys) -> None:
    """The passes run in the workers: they come to this process as the workers' progress messages."""
    a = write_vfr_clip(tmp_path / "a.mp4", n=90)
    b = write_vfr_clip(tmp_path / "b.mp4", n=60)
    code, out, err = run(capsys, "analyze", a, b, "-j", "2", "--batch", "-o", tmp_path / "out")
    assert code == 0, err
    _passes(err, "a.mp4", 90)
    _passes(err, "b.mp4", 60)
    assert "batch: 2 analysed" in out


def test_a_batch_splitting_a_video_shows_the_pass_that_counts_it(tmp_path: Path, capsys) -> None:
    """--segment-minutes counts a video's frames in this process before its segments start: a variable-rate
    one's pass too (its segments then reuse the index this process kept)."""
    clip = write_vfr_clip(tmp_path / "phone.mp4")  # 3.6 s: split into 1-second segments
    code, out, err = run(capsys, "analyze", clip, "--batch", "--segment-minutes", str(1 / 60), "-o",
                         tmp_path / "out")
    assert code == 0, err
    _passes(err, "phone.mp4", 90)
    assert "batch: 1 analysed" in out


def test_a_plain_run_ends_each_inputs_bar_when_that_input_is_done(tmp_path: Path, capsys) -> None:
    """A plain run of several inputs closed every frame bar only when the whole run ended: the first input's bar
    read 16-21 s for about 11 s of work, and a log got every end line at once, after the last input."""
    a, b = tiny_video(tmp_path / "a.avi", n=12), tiny_video(tmp_path / "b.avi", n=12)
    code, _, err = run(capsys, "analyze", a, b, "-o", tmp_path / "out")
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if ln.startswith(("a:", "b:"))]
    ends = {name: i for i, ln in enumerate(lines) for name in "ab" if ln.startswith(f"{name}: 100%")}
    starts = {name: i for i, ln in enumerate(lines) for name in "ab" if ln == f"{name}: 12 frames"}
    assert set(ends) == set(starts) == {"a", "b"}, err
    assert ends["a"] < starts["b"], err  # a's bar ended before b's began


def test_a_large_whole_total_is_written_out_not_in_exponent_form():
    """A million-row import's start line said "1e+06 rows" (h125)."""
    from merstudio.cli.bars import _start_line

    assert _start_line("reading", 1_000_000, "row") == "reading: 1,000,000 rows"
    assert _start_line("reading", 600, "frame") == "reading: 600 frames"
    assert _start_line("reading", 1, "video") == "reading: 1 video"
    assert _start_line("encoding", 2.5, "second") == "encoding: 2.5 seconds"
