"""A subject set on videos is the person it names: P01 and p01, 7 and 007 are one group for a hold-out by subject
(the sheet loaders' rule), under the spelling seen first, said in the line (h338)."""

from __future__ import annotations

from merstudio.project import Project
from merstudio.project.subjects import set_video_subject, subject_names
from merstudio.training.finetune_split import video_groups


def test_one_person_written_two_ways_is_one_subject(tmp_path):
    proj = Project.create(tmp_path / "study.merproj")
    for i, subject in enumerate(("P01", "p01", "7", "007", "P02")):
        path = tmp_path / f"v{i}.mp4"
        path.write_bytes(bytes([i]) * 100)
        v = proj.add_video(path, fps=30.0, frame_count=200, width=64, height=48)
        set_video_subject(proj, v.id, subject)
    with proj:
        names, said = subject_names(proj)
        groups = video_groups(proj, "subject")
    assert list(names.values()) == ["P01", "P01", "7", "7", "P02"]
    assert groups == names
    assert "2 written another way read as the same person" in said
