"""Exports of a project whose folder moved to another place or machine (the videos with it): each names the file
the project uses here, not the path stored where the project was made (that named another machine's folders, and
the labelled set handed training a file that is not here); a variable-rate video's times come from its copy here."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
from support.vfr_clips import times as vfr_times
from support.vfr_clips import write_vfr_clip

from merstudio.project import Event, Project
from merstudio.project.export import events_table, export_events_csv, labelled_set_table
from merstudio.project.subjects import set_video_subject
from merstudio.training.finetune_split import video_groups


def _made_elsewhere(root: Path, clip: Path, name: str = "interview.mp4") -> Path:
    """alice's project (``root/alice/study``) with ``clip`` copied into its videos/ and one accepted event, moved
    to ``root/bob/study``; alice's folders are gone. Returns bob's .merproj."""
    videos = root / "alice" / "study" / "videos"
    videos.mkdir(parents=True)
    shutil.copy(clip, videos / name)
    with Project.create(root / "alice" / "study" / "study.merproj") as proj:
        vid = proj.add_video(videos / name, fps=30.0, frame_count=90, width=160, height=120).id
        proj.add_event(Event(vid, 3, 5, 8, emotion="surprise", aus="1+2", coder="alice"))
    shutil.copytree(root / "alice" / "study", root / "bob" / "study")
    shutil.rmtree(root / "alice")
    return root / "bob" / "study" / "study.merproj"


def test_the_events_csv_names_the_video_the_moved_project_uses(tmp_path):
    moved = _made_elsewhere(tmp_path, write_vfr_clip(tmp_path / "clip.mp4"))
    here = str((tmp_path / "bob" / "study" / "videos" / "interview.mp4").resolve())
    with Project.open(moved, read_only=True) as ro:  # read-only: nothing stored, the place is still the one here
        assert list(events_table(ro)["video_path"]) == [here]
        out = export_events_csv(ro, tmp_path / "events.csv")
    assert list(pd.read_csv(out)["video_path"]) == [here]
    assert str(tmp_path / "alice") not in out.read_text()  # no folder of the machine it was made on


def test_the_labelled_set_hands_training_the_file_here(tmp_path):
    moved = _made_elsewhere(tmp_path, write_vfr_clip(tmp_path / "clip.mp4"))
    with Project.open(moved, read_only=True) as ro:
        row = labelled_set_table(ro).iloc[0]
    assert Path(row["path"]).is_file()
    assert (row["subject"], row["sample"]) == ("interview", "interview_1")


def test_a_windows_stored_path_gives_the_file_stem_not_the_whole_path(tmp_path):
    moved = _made_elsewhere(tmp_path, write_vfr_clip(tmp_path / "clip.mp4"))
    con = sqlite3.connect(moved)
    with con:
        con.execute("UPDATE videos SET path = ?, relpath = ?",
                    ("C:\\Users\\alice\\study\\videos\\interview.mp4", "videos\\interview.mp4"))
    con.close()
    with Project.open(moved) as proj:  # a second video with its subject set: the first one's subject is its stem
        other = proj.add_video(write_vfr_clip(tmp_path / "other.mp4", n=31), fps=30.0, frame_count=31, width=160,
                               height=120)
        set_video_subject(proj, other.id, "P02")
    with Project.open(moved, read_only=True) as ro:
        row = labelled_set_table(ro).iloc[0]
        groups = video_groups(ro, "subject")
    assert (row["subject"], row["sample"]) == ("interview", "interview_1")  # was C:\Users\alice\...\interview
    assert Path(row["path"]).is_file()
    assert groups == {1: "interview", 2: "P02"}


def test_a_moved_variable_rate_videos_times_come_from_its_copy_here(tmp_path):
    """Analysed part-way (the run stopped at frame 20 of 90, stored times a prefix): the rest of the times are the
    file's own, read from the copy here (the stored path, alice's, is gone); nominal 30 fps put frame 89 at 2.967 s
    where the clip shows it at 3.467 s."""
    moved = _made_elsewhere(tmp_path, write_vfr_clip(tmp_path / "clip.mp4"))
    with Project.open(moved) as proj:
        run = proj.begin_analysis(1)
        proj.append_frames(run, [{"frame": i, "face_id": 0, "timestamp": float(t), "confidence": 0.9, "success": 1}
                                 for i, t in enumerate(vfr_times(20))])
        proj.finish_analysis(run, "cancelled")
        got = proj.video_times(1)
    assert got is not None
    np.testing.assert_allclose(got[-1], vfr_times(90)[-1], atol=0.002)
