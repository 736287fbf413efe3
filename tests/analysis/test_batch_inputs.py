"""Batch fixes: --fps applies to frame folders only (a video keeps its own timing), output names that never
collide with another result's working files, reruns after a change of settings, failed rows that retry a restored
input, list files with a BOM, and old results folders that are never inputs."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from support.clips import FPS, write_clip, write_frame_images

from merstudio.analysis import batch as B
from merstudio.analysis.files import output_names, output_paths
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.execution import Backend


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """A 20-frame video and the same frames as a frame folder."""
    root = tmp_path_factory.mktemp("clips")
    video = write_clip(root / "v.avi", n=20)
    write_frame_images(video, root / "frames", "img{:03d}.png")
    return root


def _meta(out: Path, name: str) -> dict:
    return json.loads(output_paths(out, name).meta.read_text(encoding="utf-8"))


def test_fps_is_the_rate_of_frame_folders_only(clips: Path, tmp_path: Path):
    """--fps 200 with a video and a frame folder: the folder runs at 200 fps, the video at its own 30 fps (its
    timestamps and motion unchanged), as the help says."""
    out = tmp_path / "out"
    video, frames = clips / "v.avi", clips / "frames"
    res = B.run_batch(B.plan_batch([frames, video], out), AnalysisSettings(), Backend(), fps=200)
    assert all(o.complete for o in res.outputs) and not res.failures
    assert _meta(out, "frames")["fps"] == 200
    assert _meta(out, "v")["fps"] == FPS
    alone = tmp_path / "alone"
    B.run_batch(B.plan_batch([video], alone), AnalysisSettings(), Backend())
    assert (out / "v.csv").read_bytes() == (alone / "v.csv").read_bytes()  # the same rows as without --fps
    assert B.frames_fps(video, 200) is None and B.frames_fps(frames, 200) == 200
    assert B.frames_fps(frames / "img000.png", 200) == 200 and B.frames_fps(frames, None) is None


def test_output_names_never_end_like_working_files(tmp_path: Path):
    folder = tmp_path / "f.partial"
    folder.mkdir()
    names = output_names([tmp_path / "x.partial.mp4", tmp_path / "x.mp4", tmp_path / "y.spots.avi",
                          tmp_path / "z.previous.mp4", folder])
    assert names == ["x.partial.mp4", "x", "y.spots.avi", "z.previous.mp4", "f_partial"]


def test_an_input_named_like_another_results_working_files_keeps_its_result(tmp_path: Path):
    """x.partial.mp4 and x.mp4 in one batch: each result is its own (before, the run for x took x.partial.csv,
    x.partial.mp4's finished table, for its own interrupted rows and destroyed it)."""
    col = tmp_path / "col"
    col.mkdir()
    first = write_clip(col / "x.partial.avi", n=12)
    second = write_clip(col / "x.avi", n=16)
    out = tmp_path / "out"
    plan = B.plan_batch([first, second], out)
    res = B.run_batch(plan, AnalysisSettings(), Backend())
    assert not res.failures and all(o.complete for o in res.outputs)
    rows = B.Manifest.read(out).rows
    for clip, frames in ((first, 12), (second, 16)):
        row = rows[B.Manifest.key(clip)]
        meta = _meta(out, row.output)
        assert row.status == "done" and row.frames == frames and meta["status"] == "complete"
        assert Path(meta["input_path"]) == clip.resolve() and meta["rows"] == frames
        assert len((out / meta["csv"]).read_text().splitlines()) == frames + 1
    assert not list(out.glob("*.previous.*"))


def test_a_finished_result_is_never_taken_for_interrupted_rows(tmp_path: Path):
    """A folder from an earlier merstudio that named x.partial.mp4's result `x.partial`: a run of `x` refuses to
    set x.partial.csv aside (it is a finished result), and a batch names the new input x otherwise."""
    from merstudio.analysis.files import analyze_file
    from merstudio.errors import OutputError

    out = tmp_path / "out"
    other = write_clip(tmp_path / "x.partial.avi", n=12)
    analyze_file(other, out, "x.partial")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    clip = write_clip(tmp_path / "x.avi", n=12)
    with pytest.raises(OutputError, match="finished result of another input"):
        analyze_file(clip, out, "x")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".lock"} == {
        k: v for k, v in before.items() if not k.endswith(".lock")}
    m = B.Manifest(out / B.MANIFEST)
    m.rows[B.Manifest.key(other)] = B.ManifestRow(B.Manifest.key(other), B.content_hash(other), "done",
                                                  output="x.partial")
    plan = B.plan_batch([other, clip], out, manifest=m)
    assert [r.output for r in plan.done] == ["x.partial"] and [i.name for i in plan.items] == ["x.avi"]
    # a manifest row that owns `x.partial` (its files elsewhere): the new input is not named `x`
    fresh = B.plan_batch([other, clip], tmp_path / "fresh", manifest=B.Manifest(tmp_path / "fresh" / B.MANIFEST,
                                                                                  dict(m.rows)))
    assert [(i.input, i.name) for i in fresh.items] == [(other, "x.partial"), (clip, "x_2")]


def test_settings_changes_name_what_differs_from_the_result(tmp_path: Path):
    from dataclasses import asdict

    from merstudio.analysis.pipeline import ANALYSIS_REVISION

    out = tmp_path / "out"
    out.mkdir()
    frames = tmp_path / "frames"
    frames.mkdir()
    settings = AnalysisSettings()
    recorded = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()}
    meta = {"analysis_revision": ANALYSIS_REVISION, "settings": recorded, "format": "csv", "fps": 30.0,
            "faces": [0]}
    output_paths(out, "v").meta.write_text(json.dumps(meta))
    video = tmp_path / "v.mp4"
    assert B.settings_changes(out, "v", video, settings) == []
    assert B.settings_changes(out, "v", video, settings, fps=200) == []  # a video keeps its own rate
    assert B.settings_changes(out, "v", frames, settings, fps=200) == ["--fps"]
    assert B.settings_changes(out, "v", frames, settings) == []  # 30: the default rate of a folder
    assert B.settings_changes(out, "v", video, AnalysisSettings(landmarks=True, max_faces=2, device="cpu"),
                              fmt="parquet") == ["--max-faces", "--landmarks", "--format"]
    meta["analysis_revision"] = ANALYSIS_REVISION - 1
    output_paths(out, "v").meta.write_text(json.dumps(meta))
    assert B.settings_changes(out, "v", video, settings) == [
        f"analysis revision {ANALYSIS_REVISION - 1} -> {ANALYSIS_REVISION}"]


def test_a_failed_row_is_the_input_as_it_is_now(tmp_path: Path):
    """An input that is gone when its task runs fails with no hash (the restored file runs again, before it was
    skipped as 'failed before: no such file'), and its row keeps nothing of the earlier run's result."""
    clip = write_clip(tmp_path / "c.avi", n=12)
    out = tmp_path / "out"
    B.run_batch(B.plan_batch([clip], out), AnalysisSettings(), Backend())
    row = B.Manifest.read(out).rows[B.Manifest.key(clip)]
    assert row.status == "done" and row.frames == 12
    data = clip.read_bytes()
    plan = B.plan_batch([clip], out, overwrite=True)  # planned while the file is there ...
    clip.unlink()  # ... gone when it runs
    res = B.run_batch(plan, AnalysisSettings(), Backend())
    assert len(res.failures) == 1
    row = B.Manifest.read(out).rows[B.Manifest.key(clip)]
    assert row.status == "failed" and row.hash == ""
    assert (row.frames, row.fps, row.duration, row.seconds, row.device) == (None, None, None, None, "")
    clip.write_bytes(data)  # restored: it runs again
    again = B.plan_batch([clip], out)
    assert [i.input for i in again.items] == [clip] and not again.failed


def test_a_list_file_with_a_byte_order_mark(tmp_path: Path):
    """Notepad's UTF-8 starts with a BOM: before, the first entry was '\\ufeffa.mp4' (no such file)."""
    listing = tmp_path / "list.txt"
    listing.write_bytes(b"\xef\xbb\xbfa.mp4\r\nb.mp4\r\n")
    assert B.read_list(listing) == [tmp_path / "a.mp4", tmp_path / "b.mp4"]
    listing.write_bytes("\ufeffa.mp4\nc\u00e9.mp4\n".encode("utf-16-le"))
    assert B.read_list(listing) == [tmp_path / "a.mp4", tmp_path / "c\u00e9.mp4"]


def test_a_tree_walk_skips_folders_of_results(tmp_path: Path):
    tree = tmp_path / "tree"
    frames = tree / "clip"
    frames.mkdir(parents=True)
    cv2.imwrite(str(frames / "1.png"), _gray())
    old = tree / "results"
    old.mkdir()
    cv2.imwrite(str(old / "a.png"), _gray())
    (old / "a.meta.json").write_text(json.dumps({"merstudio": "0.1", "status": "complete"}))
    batch = tree / "deep" / "batch_out"
    batch.mkdir(parents=True)
    (batch / B.MANIFEST).write_text(",".join(B.MANIFEST_COLUMNS) + "\n")
    (batch / "v.mp4").write_bytes(b"x")
    other = tree / "notes"
    other.mkdir()
    (other / "manifest.csv").write_text("id,name\n")  # not ours
    (other / "w.mp4").write_bytes(b"x")
    heard: list[list[Path]] = []
    assert B.find_inputs([tree], on_results=heard.append) == [frames, other / "w.mp4"]
    assert heard == [[batch, old]]


def _gray():
    import numpy as np

    return np.full((24, 32, 3), 120, np.uint8)


def test_notices_of_a_task_come_to_the_caller(tmp_path: Path, capsys):
    clip = write_clip(tmp_path / "n.avi", n=12)
    out = tmp_path / "out"
    out.mkdir()
    (out / "n.partial.csv").write_text("frame,face_id\n0,0\n")
    heard: list[str] = []
    res = B.run_batch(B.plan_batch([clip], out), AnalysisSettings(), Backend(), on_notice=heard.append)
    assert all(o.complete for o in res.outputs)
    assert len(heard) == 1 and "rows of an interrupted run (1 rows)" in heard[0]
    assert "interrupted run" not in capsys.readouterr().err  # not printed behind the caller's back
