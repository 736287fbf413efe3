"""A batch input whose task was killed part-way (the back-end's kill after its grace period, or its worker killed:
on Ray, a raylet that took a group SIGTERM) wrote neither its partial meta nor its stop: the meta stayed `running`
with 0 frames, `<name>.lock` stayed, the manifest row said "partial,0" and the stop line left it out. The batch now
describes such an input's rows once the back-end has ended, as a stop does. The back-end is stood in for: each task
is handed out, leaves what a killed analysis leaves, and comes back Cancelled, as a killed one does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from support.cli_run import tiny_video

from merstudio.analysis import batch
from merstudio.analysis.batch import plan_batch, run_batch
from merstudio.analysis.files import output_paths
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.cli.analyze import _interrupt_line
from merstudio.execution import Backend, Cancelled


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _killed(out: Path, name: str, rows: int | None, pid: int) -> None:
    """What a task killed part-way leaves: its lock (its OS lock went with it), and from its first frame on its
    rows (the last cut short by the kill) with the meta written at its start."""
    paths = output_paths(out, name)
    paths.lock.write_text(f"{pid}\n")
    if rows is None:
        return  # killed as it began
    lines = ["frame,face_id,success"] + [f"{f},0,1" for f in range(rows)]
    paths.partial.write_text("\n".join(lines) + "\n" + f"{rows},0", encoding="utf-8")  # a row cut short
    paths.partial_meta.write_text(json.dumps({
        "status": "running", "frames_processed": 0, "frame_count": 90, "fps": 30.0, "csv": paths.partial.name,
        "rows": None, "csv_bytes": None, "spots_csv": paths.partial_spots.name, "device": "cpu", "seconds": 0.2,
        "pid": pid}), encoding="utf-8")


def test_an_input_whose_task_was_killed_is_described_as_a_stopped_one(tmp_path, monkeypatch):
    a, b = tiny_video(tmp_path / "a.avi"), tiny_video(tmp_path / "b.avi")
    out = tmp_path / "out"
    plan = plan_batch([a, b], out)
    pid = _dead_pid()
    left = {"a": 5, "b": None}  # a: 5 whole rows; b: killed before its first row

    def killed_tasks(fn: Any, tasks: Any, backend: Any, **kw: Any) -> Any:
        for i, task in enumerate(tasks):
            kw["on_start"](i)
            _killed(out, task.name, left[task.name], pid)
        for i in range(len(tasks)):
            yield i, Cancelled("stopped (the worker was killed)")

    monkeypatch.setattr(batch.execution, "run_tasks", killed_tasks)
    result = run_batch(plan, AnalysisSettings(), Backend("ray"), cancel=lambda: True)

    paths = output_paths(out, "a")
    meta = json.loads(paths.partial_meta.read_text(encoding="utf-8"))
    assert (meta["status"], meta["frames_processed"], meta["rows"]) == ("partial", 5, 5)
    assert "pid" not in meta and "spots_csv" not in meta  # no spots were written
    assert paths.partial.read_text(encoding="utf-8").endswith("4,0,1\n")  # the row the kill cut short: cut off
    assert not paths.lock.exists() and not output_paths(out, "b").lock.exists()
    rows = {Path(r.video).name: r for r in plan.manifest.read(out).rows.values()}
    assert (rows["a.avi"].status, rows["a.avi"].frames) == ("partial", 5)
    assert "b.avi" not in rows  # it never analysed a frame: as if never handed out
    line = _interrupt_line(result, plan.manifest)
    assert f"1 stopped part-way: a.avi (frames 0-4 kept in {paths.partial})" in line
