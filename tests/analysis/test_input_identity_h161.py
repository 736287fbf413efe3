"""An input's identity (`content_hash`, the meta's `input_hash`): edits in the middle of a frame folder or of a large
file are seen, the rule is recorded (`input_hash_kind`), a record of the legacy rule still counts for the input it
matches; the meta dates the run and names the libraries' versions while the tables stay byte-identical."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.clips import write_clip

from merstudio.analysis import batch as B
from merstudio.analysis import files as F
from merstudio.analysis.files import output_paths


def _frames(folder: Path, n: int = 8, ext: str = ".bmp") -> list[Path]:
    """`n` same-size uncompressed frames, each different (every BMP has the same size: only content tells)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(n):
        img = np.full((24, 32, 3), 20 * k, np.uint8)
        out.append(folder / f"img{k:03d}{ext}")
        cv2.imwrite(str(out[-1]), img)
    return out


def _replace_middle(frames: list[Path], keep_times: bool = False) -> None:
    for f in frames[2:-2]:  # the first and last frames as they were (the legacy rule read only those)
        st = f.stat()
        shutil.copyfile(frames[0], f)
        if keep_times:
            os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_frame_folder_whose_middle_frames_changed_is_another_input(tmp_path: Path):
    frames = _frames(tmp_path / "clip")
    before = F.content_hash(tmp_path / "clip")
    _replace_middle(frames, keep_times=True)  # same names, sizes and times: only the bytes differ
    after = F.content_hash(tmp_path / "clip")
    assert after != before and after.startswith(f"{sum(f.stat().st_size for f in frames)}-")
    assert F.hash_kind(after) == "frames-sha256"
    assert not F.same_input(before, tmp_path / "clip", after)


def test_a_large_input_is_sampled_and_its_middle_edits_seen(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(F, "FULL_HASH_LIMIT", 1024)  # everything here counts as large: the sampled rules
    frames = _frames(tmp_path / "clip")
    before = F.content_hash(tmp_path / "clip")
    assert F.hash_kind(before) == "frames-sampled"
    _replace_middle(frames, keep_times=True)  # a sampled block of every frame sees it
    assert F.content_hash(tmp_path / "clip") != before
    # a fixed-size raw video edited in its middle (between the samples): its modification time tells
    raw = tmp_path / "raw.y4m"
    data = bytearray(os.urandom(3 * F.HASH_CHUNK + 12345))
    raw.write_bytes(data)
    h = F.content_hash(raw)
    assert F.hash_kind(h) == "file-sampled" and h == F.content_hash(raw)  # stable while the file is
    st = raw.stat()
    data[F.HASH_CHUNK + 7] ^= 1  # not in any sampled block
    raw.write_bytes(data)
    os.utime(raw, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert F.content_hash(raw) != h


def test_a_small_file_s_hash_is_its_sha256_and_the_kind_is_recorded(tmp_path: Path):
    data = os.urandom(3 * F.HASH_CHUNK)  # over the 1 MiB the legacy rule read at each end
    f = tmp_path / "v.mp4"
    f.write_bytes(data)
    h = F.content_hash(f)
    assert h == f"{len(data)}-{hashlib.sha256(data).hexdigest()}" and F.hash_kind(h) == "file-sha256"
    assert set(F.HASH_KINDS) == {"file-sha256", "file-sampled", "frames-sha256", "frames-sampled"}
    assert F.hash_kind("") is None


def _done_row(out: Path, folder: Path, digest: str) -> B.Manifest:
    m = B.Manifest(out / B.MANIFEST)
    key = B.Manifest.key(folder)
    m.rows[key] = B.ManifestRow(key, digest, "done", 8, 30.0, 8 / 30, "cpu", "", "clip", 1.0)
    out.mkdir(parents=True, exist_ok=True)
    m.write()
    (out / "clip.csv").write_text("frame\n0\n")
    (out / "clip.spots.csv").write_text("face_id\n")
    output_paths(out, "clip").meta.write_text(json.dumps({
        "status": "complete", "csv": "clip.csv", "spots_csv": "clip.spots.csv", "csv_bytes": 8,
        "input_path": str(folder.resolve()), "input_hash": digest}))
    return m


def test_a_batch_rerun_analyses_a_folder_whose_middle_frames_changed(tmp_path: Path):
    frames = _frames(tmp_path / "clip")
    out = tmp_path / "out"
    _done_row(out, tmp_path / "clip", F.content_hash(tmp_path / "clip"))
    assert [r.output for r in B.plan_batch([tmp_path / "clip"], out).done] == ["clip"]  # unchanged: skipped
    _replace_middle(frames)
    plan = B.plan_batch([tmp_path / "clip"], out)
    assert not plan.done and [(i.name, i.overwrite) for i in plan.items] == [("clip", True)]


def test_a_record_of_the_legacy_rule_still_counts_for_the_input_it_matches(tmp_path: Path):
    """A manifest and meta written before the rule changed: the unchanged input is skipped (its work kept), and its
    row takes today's digest; an input that differs from the record runs again."""
    frames = _frames(tmp_path / "clip")
    folder = tmp_path / "clip"
    old = F.legacy_content_hash(folder)
    assert old != F.content_hash(folder) and F.same_input(old, folder, F.content_hash(folder))
    out = tmp_path / "out"
    _done_row(out, folder, old)
    plan = B.plan_batch([folder], out)
    assert [r.output for r in plan.done] == ["clip"] and not plan.items
    assert plan.done[0].hash == F.content_hash(folder)
    frames[0].write_bytes(frames[1].read_bytes())  # the first frame changed: even the legacy rule sees it
    assert not F.same_input(old, folder, F.content_hash(folder))
    assert [(i.name, i.overwrite) for i in B.plan_batch([folder], out).items] != []  # (its row: today's digest)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("runs")
    clip = write_clip(base / "clip.avi", n=12)
    for out in ("r1", "r2"):
        F.analyze_file(clip, base / out, "clip")
    return clip, base / "r1", base / "r2"


def test_the_meta_dates_the_run_and_names_the_versions_and_the_hash_kind(runs):
    clip, r1, _ = runs
    meta = json.loads(output_paths(r1, "clip").meta.read_text())
    assert meta["input_hash"] == F.content_hash(clip) and meta["input_hash_kind"] == "file-sha256"
    assert meta["input_hash"].split("-")[1] == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert meta["finished_at"].endswith("+00:00") and meta["finished_at"][:4].isdigit()
    v = meta["versions"]
    assert v["python"] == platform.python_version() and v["numpy"] == np.__version__
    assert v["opencv"] and v["opencv"].startswith(cv2.__version__.split("-")[0])
    assert v["mediapipe"] and "torch" not in v  # no learned model: torch shapes nothing


def test_a_rerun_s_tables_are_byte_identical_only_the_meta_differs(runs):
    _, r1, r2 = runs
    for name in ("clip.csv", "clip.spots.csv"):
        assert (r1 / name).read_bytes() == (r2 / name).read_bytes()
    m1, m2 = (json.loads(output_paths(r, "clip").meta.read_text()) for r in (r1, r2))
    assert {k for k in m1 if m1[k] != m2.get(k)} <= {"seconds", "run_id", "finished_at"}
