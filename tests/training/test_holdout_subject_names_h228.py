"""Fine-tuning's hold-out by subject names a video without a subject as the labelled set does (one rule,
merstudio.project.subjects.subject_names): two people's P01/session.mp4 and P02/session.mp4 are two subjects, never
'session' (h228)."""

from __future__ import annotations

from merstudio.project import Event, Project
from merstudio.project.export import labelled_set_table
from merstudio.project.subjects import set_video_subject, subject_names
from merstudio.training.finetune_split import collect_events, video_groups


def _study(tmp_path):
    """P01/session.mp4 and P02/session.mp4 (no subject set) and P03/other.mp4 (subject 'carol'), one event each."""
    proj = Project.create(tmp_path / "study.merproj")
    for folder, name in (("P01", "session"), ("P02", "session"), ("P03", "other")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.mp4").write_bytes(folder.encode() * 100)
        v = proj.add_video(tmp_path / folder / f"{name}.mp4", fps=30.0, frame_count=200, width=64, height=48)
        proj.add_event(Event(v.id, 20, 25, 30, emotion="happiness", coder="alice"))
    set_video_subject(proj, 3, "carol")
    return proj


def test_two_videos_of_one_file_name_are_two_subjects_when_holding_out_by_subject(tmp_path):
    with _study(tmp_path) as proj:
        groups = video_groups(proj, "subject")
        items, _ = collect_events(proj, ["happiness", "none"], by="subject")
        table = labelled_set_table(proj)
        names, said = subject_names(proj)
    assert groups == {1: "P01/session", 2: "P02/session", 3: "carol"}  # were 'session' and 'session'
    assert sorted({it.group for it in items}) == ["P01/session", "P02/session", "carol"]
    # the labelled set's subject column is the same name (one rule, not two copies of it)
    assert dict(zip(range(1, 4), table.sort_values("path")["subject"], strict=True)) == groups == names
    assert said == "subjects: 1 from the project's subject setting, 2 by folder and file name (videos of one file name)"


def test_a_video_alone_with_its_name_is_grouped_by_its_stem(tmp_path):
    with _study(tmp_path) as proj:
        set_video_subject(proj, 1, "ann")  # the stem is still shared with P01's video: P02's is named by folder
        set_video_subject(proj, 3, None)  # other.mp4: no other video of that name, its stem
        assert video_groups(proj, "subject") == {1: "ann", 2: "P02/session", 3: "other"}


def test_a_split_locked_on_the_old_merged_name_still_holds_its_events_out(tmp_path):
    """A lock drawn while P01/session and P02/session were one subject, 'session', held their events out: they stay
    held out (never trained on), the note says why, and does not call them added since."""
    from merstudio.training.finetune_split import SPLIT_SETTING, run_split

    with _study(tmp_path) as proj:
        for k in range(3):  # enough training events on carol
            proj.add_event(Event(3, 60 + 20 * k, 65 + 20 * k, 70 + 20 * k, emotion="happiness", coder="alice"))
        items, _ = collect_events(proj, ["happiness", "none"], by="subject")
        ids = {it.group: list(it.event_ids()) for it in items if it.group != "carol"}
        proj.set_setting(SPLIT_SETTING, {
            "by": "subject", "groups": ["session"], "fraction": 0.25, "seed": 0,
            "held_events": ids["P01/session"] + ids["P02/session"],
            "seen_events": sorted(e for it in items for e in it.event_ids()), "seen_groups": ["carol", "session"]})
        split = run_split(proj, items, "subject", 0.25, min_train=1)
    assert set(split.groups) == {"P01/session", "P02/session"}
    assert {items[i].group for i in split.train_idx} == {"carol"}  # was: the two sessions trained
    assert len(split.held_idx) == 2
    assert "subjects P01/session, P02/session hold locked held-out events" in split.note
    assert "added since" not in split.note, split.note
