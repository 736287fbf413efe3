"""A second Ctrl-C that comes after the batch stopped taking Ctrl-C itself (its tasks stopped; with an embedded Ray
about 2 s after the first) waits for the interrupted line, which names the partial files: it cut that line short
to a bare "merstudio: interrupted". A Ctrl-C before the batch took one stops the command as before."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from support.cli_run import run
from support.clips import write_clip

from merstudio import interrupts
from merstudio.analysis import batch as B


def _stopped_batch(partial: Path, late: int):
    """run_batch as a Ctrl-C leaves it: the first taken by the batch, `late` more once its handler is gone."""
    def run_batch(plan, *args, **kwargs):
        interrupts.taken(signal.SIGINT)  # the batch's own handler took the first (sigint_cancels)
        for _ in range(late):
            os.kill(os.getpid(), signal.SIGINT)  # delivered here, in the batch's tail
        return B.BatchResult([], [], [partial], interrupted=True, cancelled=True)

    return run_batch


def test_a_late_second_ctrl_c_keeps_the_line_naming_the_partial_files(tmp_path, capsys, monkeypatch):
    clip = write_clip(tmp_path / "a.avi", n=3)
    partial = tmp_path / "out" / "a.partial.csv"
    monkeypatch.setattr(B, "run_batch", _stopped_batch(partial, late=1))
    code, _, err = run(capsys, "analyze", clip, "-o", tmp_path / "out", "-q")
    assert code == 130
    assert err.strip().splitlines() == [f"merstudio: interrupted: 0 input(s) finished in this run, 0 not started; "
                                        f"partial files: {partial}"], err


def test_a_third_still_stops_it_at_once(tmp_path, capsys, monkeypatch):
    clip = write_clip(tmp_path / "a.avi", n=3)
    monkeypatch.setattr(B, "run_batch", _stopped_batch(tmp_path / "out" / "a.partial.csv", late=2))
    code, _, err = run(capsys, "analyze", clip, "-o", tmp_path / "out", "-q")
    assert code == 130 and err.strip() == "merstudio: interrupted", err


def test_a_first_ctrl_c_before_the_batch_took_one_stops_as_before(tmp_path, capsys, monkeypatch):
    def run_batch(plan, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # planning, hashing: no batch handler yet
        raise AssertionError("not stopped")

    clip = write_clip(tmp_path / "a.avi", n=3)
    monkeypatch.setattr(B, "run_batch", run_batch)
    code, _, err = run(capsys, "analyze", clip, "-o", tmp_path / "out", "-q")
    assert code == 130 and err.strip() == "merstudio: interrupted", err
