"""A split's new face id is one the video's face edits never used: an id merged away is not given to another
person (``project show`` and a re-run's replay would name two people by it)."""

from __future__ import annotations

from pathlib import Path

from merstudio.project import Project
from merstudio.project.faces import carry_face_edits, describe_edit, merge_faces


def _rows() -> list[dict]:
    """Face 0 (frames 0-19) and its close-up face 2 (20-39): one person; face 1 beside them throughout, someone
    else from frame 30 (a cut the tracker took for the same person)."""
    out = []
    for i in range(40):
        for f in (0 if i < 20 else 2, 1):
            out.append({"frame": i, "face_id": f, "timestamp": i / 30, "confidence": 0.9, "success": 1,
                        "AU12_r": 1.0})
    return out


def _run(p: Project, vid: int) -> None:
    aid = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(aid, _rows())
    p.finish_analysis(aid)


def test_a_split_after_a_merge_does_not_reuse_the_merged_id(tmp_path: Path, video_file: Path) -> None:
    with Project.create(tmp_path / "ids.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        _run(p, vid)
        merge_faces(p, vid, 0, 2)
        c = p.split_face(vid, 1, 30)
        assert c.target == 3  # not 2: face 2 was the close-up of face 0
        assert p.face_spans(vid) == {0: (0, 39, 40), 1: (0, 29, 30), 3: (30, 39, 10)}
        records = p.analysis(vid).settings["face_edits"]
        assert [describe_edit(r) for r in records] == ["face 2 into face 0",
                                                       "face 1 split at frame 30 (face 3 from there)"]
        # a re-run replays both, the ids as before
        _run(p, vid)
        done, missed = carry_face_edits(p, vid, records)
        assert done == records and not missed
        assert p.face_spans(vid) == {0: (0, 39, 40), 1: (0, 29, 30), 3: (30, 39, 10)}


def test_a_split_skips_an_id_a_split_gave_and_a_merge_took_back(tmp_path: Path, video_file: Path) -> None:
    """Split face 1 at 30 (face 3), merge 3 back into 1 (the split was wrong), split face 0 at 10: face 4."""
    with Project.create(tmp_path / "ids.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=40, width=320, height=240).id
        _run(p, vid)
        assert p.split_face(vid, 1, 30).target == 3
        merge_faces(p, vid, 1, 3)
        assert p.split_face(vid, 0, 10).target == 4
