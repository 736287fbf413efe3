"""Earlier results in the output folder, seen by the next run (audit of batch runs, fix F):

- a run killed while committing is finished (rolled forward) by the next run in any mode before that run decides
  whether the result exists (a plain rerun refused "a.csv already exists" with the commit record left);
- a committed overwrite in another --format removes the result's table in the old format (a stale a.csv stayed
  beside a.parquet);
- a plain run keeps the name of the same input's earlier result (x_clip.mp4 was left beside a new clip.csv);
- a batch adopts earlier single-run results of the same input, content and settings (it refused the batch);
- an input named twice in a plain run is analysed once;
- a split run reports wall-clock seconds (it reported the segments' seconds summed)."""

from __future__ import annotations

import inspect
import json
import os
import shutil
from pathlib import Path

import pytest
from support.clips import write_clip

import merstudio.analysis.files as files
from merstudio.analysis import batch as B
from merstudio.analysis.files import analyze_file, output_paths, result_status
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.errors import OutputError

S = AnalysisSettings()


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clip") / "a.avi", n=10)


def _notice(said: list[str]) -> dict:
    """plain_plan's notice (where it takes one: the tests also run against the code before the fix)."""
    return {"notice": said.append} if "notice" in inspect.signature(B.plain_plan).parameters else {}


class Killed(BaseException):
    """A kill (nothing after it runs)."""


def _killed_while_committing(clip: Path, out: Path, monkeypatch, name: str = "a") -> None:
    """analyze_file killed right after the commit point (the rename of the rows over <name>.csv)."""
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(f"{name}.csv"):
            raise Killed()
        return real(src, dst)

    with monkeypatch.context() as m:
        m.setattr(files.os, "replace", replace)
        with pytest.raises(Killed):
            analyze_file(clip, out, name, S)
    (out / f"{name}.lock").unlink(missing_ok=True)  # the kill released the claim
    assert result_status(out, name) == "committing"


def test_a_plain_rerun_finishes_an_interrupted_commit_then_refuses(clip, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _killed_while_committing(clip, out, monkeypatch)
    said: list[str] = []
    with pytest.raises(OutputError, match="already exists"):
        B.plain_plan([clip], out, overwrite=False, **_notice(said))
    assert result_status(out, "a", verify=True) == "complete"  # rolled forward before the refusal
    assert not (out / "a.partial.csv").exists() and not (out / "a.spots.commit.csv").exists()
    assert any("finished committing" in line for line in said), said


def test_a_batch_finishes_an_interrupted_commit_and_adopts_it(clip, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _killed_while_committing(clip, out, monkeypatch)
    plan = B.plan_batch([clip], out, settings=S)
    assert result_status(out, "a", verify=True) == "complete"
    assert plan.items == [] and len(plan.done) == 1 and len(plan.adopted) == 1
    assert plan.manifest is not None and plan.manifest.rows[B.Manifest.key(clip)].status == "done"


def test_an_overwrite_in_another_format_removes_the_old_table(clip, tmp_path):
    out = tmp_path / "out"
    analyze_file(clip, out, "a", S)
    assert (out / "a.csv").is_file()
    analyze_file(clip, out, "a", S, fmt="parquet")
    assert (out / "a.parquet").is_file() and not (out / "a.csv").exists()
    assert json.loads((out / "a.meta.json").read_text())["csv"] == "a.parquet"
    analyze_file(clip, out, "a", S)  # and back
    assert (out / "a.csv").is_file() and not (out / "a.parquet").exists()


def test_a_plain_rerun_keeps_the_name_of_the_inputs_earlier_result(clip, tmp_path):
    x, y = tmp_path / "x" / "clip.avi", tmp_path / "y" / "clip.avi"
    for p in (x, y):
        p.parent.mkdir()
        shutil.copy(clip, p)
    out = tmp_path / "nm"
    plan = B.plain_plan([x, y], out, overwrite=False)
    assert [it.name for it in plan.items] == ["x_clip.avi", "y_clip.avi"]
    analyze_file(x, out, "x_clip.avi", S)
    said: list[str] = []
    plan = B.plain_plan([x], out, overwrite=True, **_notice(said))
    assert [it.name for it in plan.items] == ["x_clip.avi"], "a rerun of x/clip.avi left its result beside a new one"
    # another result of the same input under another name: kept, and the run says so
    analyze_file(x, out, "clip", S)
    said.clear()
    plan = B.plain_plan([x], out, overwrite=True, **_notice(said))
    assert [it.name for it in plan.items] == ["clip"]
    assert any("x_clip.avi" in line and "older result" in line for line in said), said


def test_a_batch_adopts_earlier_single_run_results(clip, tmp_path):
    out = tmp_path / "out1"
    b = tmp_path / "b.avi"
    shutil.copy(clip, b)
    analyze_file(clip, out, "a", S)
    analyze_file(b, out, "b", S)
    run_ids = {n: json.loads((out / f"{n}.meta.json").read_text())["run_id"] for n in "ab"}
    plan = B.plan_batch([clip, b], out, settings=S)
    assert plan.items == [] and len(plan.adopted) == 2 and len(plan.done) == 2
    manifest = plan.manifest
    assert manifest is not None
    rows = [manifest.rows[B.Manifest.key(p)] for p in (clip, b)]
    assert [(r.status, r.output, r.frames) for r in rows] == [("done", "a", 10), ("done", "b", 10)]
    assert rows[0].hash == B.content_hash(clip)
    B.run_batch(plan, S, B.execution.backend_from_args(1, None))
    assert B.Manifest.read(out).rows[B.Manifest.key(clip)].status == "done"
    assert {n: json.loads((out / f"{n}.meta.json").read_text())["run_id"] for n in "ab"} == run_ids  # not rerun
    # other settings or other content: not adopted, refused as before
    with pytest.raises(OutputError, match="already exists"):
        B.plan_batch([clip], tmp_path / "out1", settings=AnalysisSettings(landmarks=True),
                     manifest=B.Manifest(out / "other.csv"))
    with b.open("ab") as fh:
        fh.write(b"\0" * 10)
    with pytest.raises(OutputError, match="already exists"):
        B.plan_batch([b], out, settings=S, manifest=B.Manifest(out / "other.csv"))


def test_an_input_named_twice_in_a_plain_run_is_analysed_once(clip, tmp_path):
    said: list[str] = []
    again = clip.parent / ".." / clip.parent.name / clip.name
    plan = B.plain_plan([clip, again], tmp_path / "out", overwrite=False, **_notice(said))
    assert [it.name for it in plan.items] == ["a"]
    assert said and "analysed once" in said[0]


def test_a_split_run_reports_wall_clock_seconds(clip, tmp_path):
    """The segments ran in parallel (here: each says it took 100 s): the result's seconds is the wall-clock
    time, the segments' seconds are `cpu_seconds`."""
    from merstudio.analysis.segments import analyze_in_segments, analyze_segment

    def slow_map(fn, *args):
        for res in map(fn, *args):
            res.seconds += 100.0
            yield res

    out = analyze_in_segments(clip, tmp_path / "out", "a", AnalysisSettings(keyframe_s=0.2), max_seconds=0.2,
                              map_fn=slow_map)
    assert out.complete and out.cpu_seconds is not None and out.cpu_seconds >= 100
    assert out.seconds < 100
    meta = json.loads(output_paths(tmp_path / "out", "a").meta.read_text())
    assert meta["seconds"] < 100 and meta["cpu_seconds"] >= 100
    assert analyze_segment  # the task the map ran
