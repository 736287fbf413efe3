"""Batch analysis (merstudio.analysis.batch): finding inputs in a tree or a list, content hashes, the manifest and
what a rerun skips, and a small batch in-process and in two processes (the same rows, a corrupt input recorded as
failed while the rest completes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.clips import grey_image, write_clip

from merstudio.analysis import batch as B
from merstudio.analysis.files import output_paths
from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.errors import InputError, OutputError
from merstudio.execution import Backend


def _file(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_find_inputs_in_a_tree_and_a_list(tmp_path: Path):
    arch = tmp_path / "arch"
    a = _file(arch / "sub2" / "a.mp4")
    b = _file(arch / "sub10" / "b.avi")
    clip = arch / "sub2" / "EP01"
    for k in (1, 2, 10):
        grey_image(clip / f"img{k}.jpg")
    _file(clip / "inner" / "ignored.mp4")  # a frame folder is a leaf
    photos = arch / "photos"
    p1, p2 = grey_image(photos / "p1.jpg"), grey_image(photos / "p2.png", 40, 30)  # different sizes: two photos
    _file(arch / ".hidden" / "x.mp4")
    _file(arch / "notes.txt")
    out = arch / "results"
    _file(out / "old.mp4")  # the output folder is never searched
    found = B.find_inputs([arch], skip=[out])
    assert found == [photos / "p1.jpg", photos / "p2.png", a, clip, b]  # natural order: sub2 before sub10
    assert B.is_tree(arch) and not B.is_tree(clip) and not B.is_tree(photos)
    # a frame folder given itself is one input, a photo folder its photos (today's rules); duplicates go
    assert B.find_inputs([clip, photos, clip / "img1.jpg", clip]) == [clip, p1, p2, clip / "img1.jpg"]
    link = arch / "sub2" / "z_link.mp4"  # another name of a.mp4: analysed once, and the caller hears of it
    link.symlink_to(a)
    heard: list[tuple[Path, Path]] = []
    found = B.find_inputs([arch], skip=[out], on_duplicate=lambda p, first: heard.append((p, first)))
    assert found == [photos / "p1.jpg", photos / "p2.png", a, clip, b] and heard == [(link, a)]
    link.unlink()

    listing = tmp_path / "lists" / "videos.txt"
    listing.parent.mkdir()
    listing.write_text(f"# my archive\n\n../arch/sub10/b.avi  # relative to the list\n{a}\n{tmp_path}/gone.mp4\n")
    assert B.find_inputs([], listing) == [listing.parent / "../arch/sub10/b.avi", a, tmp_path / "gone.mp4"]
    with pytest.raises(InputError, match="no such file"):
        B.read_list(tmp_path / "nope.txt")
    # "#" begins a comment at a line's start or after a space; inside a name it is the name's
    listing.write_text("../arch/take#2.mp4\n../arch/b.avi #2nd camera\n")
    assert B.read_list(listing) == [listing.parent / "../arch/take#2.mp4", listing.parent / "../arch/b.avi"]


def test_one_file_named_two_ways_is_one_manifest_row(tmp_path: Path):
    """lists/../clips/a.mp4 (a list's relative line) and clips/a.mp4 (named on the command line) are one input
    across runs: the rerun must find its done row, not analyse it again under another name."""
    a = _file(tmp_path / "clips" / "a.mp4")
    assert B.Manifest.key(tmp_path / "lists" / ".." / "clips" / "a.mp4") == B.Manifest.key(a) == str(a)


def test_a_small_manifest_is_written_at_every_change(tmp_path: Path, monkeypatch):
    """The write pause is for manifests of many thousand rows; a small one must show what a killed batch had in
    flight at once (a 'running' row right after the previous input's 'done' one)."""
    m = B.Manifest(tmp_path / B.MANIFEST)
    m.rows["a"] = B.ManifestRow("a", "1-a", "done", 1, 30.0, 0.1, "cpu", "", "a", 1.0)
    m.save()
    m.rows["b"] = B.ManifestRow("b", "1-b", "running", None, None, None, "", "", "b", None)
    m.save()  # within the pause the first write set: written all the same, the manifest being small
    assert "running" in (tmp_path / B.MANIFEST).read_text() and not m.dirty


def test_content_hash_is_cheap_stable_and_mtime_free(tmp_path: Path):
    data = os.urandom(3 * B.HASH_CHUNK)
    f = _file(tmp_path / "v.mp4", data)
    h = B.content_hash(f)
    assert h.startswith(f"{len(data)}-")
    os.utime(f, (1_000_000, 1_000_000))
    assert B.content_hash(_file(tmp_path / "copy.mp4", data)) == h == B.content_hash(f)
    # one byte changed (flipped, so it differs whatever the random byte was: "!" matched it 1 time in 256)
    assert B.content_hash(_file(tmp_path / "tail.mp4", data[:-1] + bytes([data[-1] ^ 1]))) != h  # the last MiB is read
    assert B.content_hash(_file(tmp_path / "head.mp4", bytes([data[0] ^ 1]) + data[1:])) != h
    folder = tmp_path / "frames"
    for k in (1, 2):
        grey_image(folder / f"{k}.jpg")
    before = B.content_hash(folder)
    (folder / "2.jpg").rename(folder / "3.jpg")
    assert B.content_hash(folder) != before


def test_manifest_round_trip_and_what_a_rerun_skips(tmp_path: Path):
    out = tmp_path / "out"
    inputs = [_file(tmp_path / f"{n}.mp4", n.encode()) for n in ("done", "gone", "failed", "changed", "new")]
    m = B.Manifest(out / B.MANIFEST)
    hashes = {p: f"1-{p.stem}" for p in inputs}
    for p, status in zip(inputs[:4], ("done", "done", "failed", "done"), strict=True):
        m.rows[B.Manifest.key(p)] = B.ManifestRow(B.Manifest.key(p), hashes[p], status, 40, 30.0, 40 / 30, "cpu",
                                                  "bad, file" if status == "failed" else "", p.stem, 1.5)
    m.rows[B.Manifest.key(inputs[3])].output = "new"  # a name that a new input would otherwise take
    m.write()
    back = B.Manifest.read(out)
    assert back.text() == m.text() and back.rows[B.Manifest.key(inputs[2])].error == "bad, file"
    for name in ("done", "new"):  # committed results: a meta that describes the files beside it
        (out / f"{name}.csv").write_text("frame\n0\n")
        (out / f"{name}.spots.csv").write_text("face_id\n")
        output_paths(out, name).meta.write_text(json.dumps({
            "status": "complete", "csv": f"{name}.csv", "spots_csv": f"{name}.spots.csv", "csv_bytes": 8}))
    # a killed commit leaves a commit record, not a result: that input runs again
    output_paths(out, "gone").meta.write_text(json.dumps({"status": "committing"}))

    def hash_fn(p: Path) -> str:
        return "1-edited" if p.stem == "changed" else hashes[p]

    plan = B.plan_batch(inputs, out, hash_fn=hash_fn)
    assert [r.output for r in plan.done] == ["done"] and [r.output for r in plan.failed] == ["failed"]
    todo = {i.input.stem: i for i in plan.items}
    assert sorted(todo) == ["changed", "gone", "new"]  # 'gone': done, but its result is missing
    assert todo["changed"].name == "new" and todo["changed"].overwrite  # its own result, replaced
    assert todo["new"].name == "new_2" and not todo["new"].overwrite  # never another row's name
    retry = B.plan_batch(inputs, out, hash_fn=hash_fn, retry_failed=True)
    assert "failed" in {i.input.stem for i in retry.items}
    # a new input whose result name exists from an earlier plain run is refused unless --overwrite
    output_paths(out, "extra").csv.write_text("x")
    extra = _file(tmp_path / "extra.mp4")
    with pytest.raises(OutputError, match="--overwrite"):
        B.plan_batch([extra], out)
    assert B.plan_batch([extra], out, overwrite=True).items[0].overwrite
    (out / "bad.csv").parent.mkdir(exist_ok=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / B.MANIFEST).write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not a merstudio batch manifest"):
        B.Manifest.read(tmp_path / "other")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    arch = tmp_path_factory.mktemp("archive")
    (arch / "s1").mkdir()
    write_clip(arch / "s1" / "face.avi", n=20)
    (arch / "s2").mkdir()
    write_clip(arch / "s2" / "face.avi", n=24)
    (arch / "s2" / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 200)
    return arch


def _tables(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv")) if p.name != B.MANIFEST}


def test_batch_in_process_then_rerun_skips_then_two_processes_agree(archive: Path, tmp_path: Path):
    settings = AnalysisSettings()
    inputs = B.find_inputs([archive])
    assert [p.name for p in inputs] == ["face.avi", "broken.mp4", "face.avi"]
    one = tmp_path / "one"
    res = B.run_batch(B.plan_batch(inputs, one), settings, Backend())
    assert len(res.outputs) == 2 and all(o.complete for o in res.outputs)
    assert len(res.failures) == 1 and "broken.mp4" in res.failures[0][1] and "\n" not in res.failures[0][1]
    rows = B.Manifest.read(one).rows
    assert [r.status for r in rows.values()] == ["done", "failed", "done"]
    done = rows[B.Manifest.key(archive / "s1" / "face.avi")]
    assert (done.frames, done.fps, done.output) == (20, 30.0, "s1_face.avi") and done.device
    assert abs(done.duration - 20 / 30) < 1e-3 and done.hash == B.content_hash(archive / "s1" / "face.avi")
    assert not (one / "manifest.lock").exists()

    # a rerun: nothing to do (the failed input is skipped and reported)
    again = B.plan_batch(inputs, one)
    assert not again.items and len(again.done) == 2 and len(again.failed) == 1

    two = tmp_path / "two"
    res2 = B.run_batch(B.plan_batch(inputs, two), settings, Backend("processes", 2))
    assert len(res2.outputs) == 2 and len(res2.failures) == 1
    assert _tables(two) == _tables(one)  # the same rows, whichever back-end ran them
    assert [r.status for r in B.Manifest.read(two).rows.values()] == ["done", "failed", "done"]


@pytest.mark.slow
def test_a_long_video_split_into_segment_tasks_gives_the_rows_of_an_unsplit_run(tmp_path: Path, monkeypatch):
    """--segment-minutes: a video longer than the limit becomes one task per segment, merged by the batch into
    the rows of an unsplit run (a 1 s restart grid here, so that 45 frames make two segments)."""
    clip = write_clip(tmp_path / "long.avi", n=45)
    settings = AnalysisSettings(keyframe_s=1.0)
    whole = tmp_path / "whole"
    B.run_batch(B.plan_batch([clip], whole), settings, Backend())
    spans = []
    real = B.analyze_segment_task

    def spy(task):
        spans.append((task.start, task.stop))
        return real(task)

    monkeypatch.setattr(B, "analyze_segment_task", spy)
    split = tmp_path / "split"
    res = B.run_batch(B.plan_batch([clip], split), settings, Backend(), segment_s=1.0)
    assert sorted(spans) == [(0, 30), (30, 45)]
    assert len(res.outputs) == 1 and res.outputs[0].complete and not res.failures
    assert _tables(split) == _tables(whole)
    assert [r.status for r in B.Manifest.read(split).rows.values()] == ["done"]
    assert not (split / B.SEGMENTS_DIR).exists()  # the segments' rows (and their folder) are gone once merged


def test_a_split_video_whose_result_another_run_writes_is_refused_before_its_segments_are_touched(tmp_path: Path):
    """Two `merstudio analyze --segment-minutes` runs into one folder (no manifest): the second used to wipe the
    first's `.segments/<name>/` before any claim, and both failed. It is refused now, and the first's rows stay."""
    from merstudio.analysis.segments import claim_segments

    clip = write_clip(tmp_path / "long.avi", n=45)
    out = tmp_path / "out"
    plan = B.plain_plan([clip], out, overwrite=False)
    name = plan.items[0].name
    work = out / B.SEGMENTS_DIR / name
    with claim_segments(out, name, work):  # the first run, under way
        (work / "segment_rows.csv").parent.mkdir(parents=True, exist_ok=True)
        (work / "segment_rows.csv").write_text("frame\n0\n")
        res = B.run_batch(plan, AnalysisSettings(keyframe_s=1.0), Backend(), segment_s=1.0)
        assert (work / "segment_rows.csv").is_file()  # the first run's segments are untouched
    assert not res.outputs and len(res.failures) == 1 and res.not_started == 0
    assert "another merstudio analyze is writing this result" in res.failures[0][1]


def test_a_moved_archive_keeps_its_results(tmp_path: Path):
    """The study's videos moved (another mount point, a renamed folder): each input with the content of a row whose
    old path is gone is that input (of identical copies, the one under the same name and folders); its row and
    result are kept, a failed row stays failed, nothing is analysed again and no row is doubled."""
    from merstudio.analysis.pipeline import AnalysisSettings

    old = tmp_path / "mnt_a" / "study"
    (old / "a").mkdir(parents=True)
    (old / "b").mkdir()
    clip = write_clip(old / "a" / "clip.avi", n=12)
    (old / "b" / "clip.avi").write_bytes(clip.read_bytes())  # an identical copy, in another participant's folder
    (old / "b" / "cut.avi").write_bytes(clip.read_bytes()[:300])  # damaged: fails
    inputs = [old / "a" / "clip.avi", old / "b" / "clip.avi", old / "b" / "cut.avi"]
    out = tmp_path / "out"
    B.run_batch(B.plan_batch(inputs, out), AnalysisSettings(), Backend())
    before = {Path(k).relative_to(old).as_posix(): (r.status, r.output) for k, r in B.Manifest.read(out).rows.items()}
    assert [s for s, _ in before.values()].count("done") == 2 and before["b/cut.avi"][0] == "failed"
    new = tmp_path / "mnt_b" / "study"
    new.parent.mkdir()
    old.rename(new)
    moved = [new / p.relative_to(old) for p in inputs]
    plan = B.plan_batch(moved, out, settings=AnalysisSettings())
    assert not plan.items and len(plan.done) == 2 and len(plan.failed) == 1 and len(plan.moved) == 3
    B.run_batch(plan, AnalysisSettings(), Backend())
    after = {Path(k).relative_to(new).as_posix(): (r.status, r.output) for k, r in B.Manifest.read(out).rows.items()}
    assert after == before  # each row moved to its own input: same statuses, same result names
    # a copy (the old path still there) is another input: analysed as such
    copy = tmp_path / "copy.avi"
    copy.write_bytes(clip.read_bytes() if clip.exists() else (new / "a" / "clip.avi").read_bytes())
    assert len(B.plan_batch([copy], out, settings=AnalysisSettings()).items) == 1
