"""Landmark columns (h225): the pipeline's rows name MediaPipe's mesh points mp_x_K / mp_y_K (not OpenFace's
68-point x_K / y_K); a project stores both spellings alike, so rows of a table written before still load their
points, and neither spelling becomes a value column."""

from __future__ import annotations

from pathlib import Path

from project_rows import rows

from merstudio.project import Project


def _store(p: Project, vid: int, prefix: str) -> None:
    out = rows(5)
    for r in out:
        if r["success"]:
            for i in range(3):
                r[f"{prefix}x_{i}"], r[f"{prefix}y_{i}"] = 10.0 * i + 1, 20.0 * i + 2
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, out)
    p.finish_analysis(aid, "complete")


def test_new_and_old_landmark_names_store_the_same_points(tmp_path: Path, video_file: Path) -> None:
    with Project.create(tmp_path / "lm.merproj") as p:
        other = video_file.with_name("other.avi")
        other.write_bytes(video_file.read_bytes()[::-1])
        new = p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        old = p.add_video(other, fps=30.0, frame_count=40, width=320, height=240).id
        assert new != old
        _store(p, new, "mp_")
        _store(p, old, "")
        for vid in (new, old):
            assert p.landmarks(vid, 3)[0].tolist() == [[1.0, 2.0], [11.0, 22.0], [21.0, 42.0]]
            cols = list(p.load_frames(vid).columns)
            assert not any("x_" in c or "y_" in c for c in cols), cols
