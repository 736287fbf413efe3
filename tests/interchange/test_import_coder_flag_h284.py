"""``--coder NAME`` (preview_import's ``coder``) names the coder of what a file leaves unnamed (a108 finding 4): a file
whose events all name their coders does not make NAME a coder of the video, who the agreement then counted as having
coded it and found nothing (rows of F1 0.000), and whose events --replace then took."""

from __future__ import annotations

from merstudio.interchange import commit_import, preview_import
from merstudio.project import Event

_HEAD = "onset_frame,apex_frame,offset_frame,emotion,aus,coder\n"


def _csv(path, rows):
    path.write_text(_HEAD + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_a_file_naming_every_coder_does_not_record_the_flags_name(tmp_path, project):
    vid = project.videos()[0].id
    ann = _csv(tmp_path / "ann.csv", ["47,50,54,happiness,12,ann", "62,66,71,anger,4,ann"])
    prev = preview_import(project, ann, vid, coder="ann_file")
    assert prev.file_coders == ["ann"] and {e.coder for e in prev.events} == {"ann"}
    assert any("ann_file not recorded" in n for n in prev.notes)  # the user hears why
    commit_import(project, prev)
    assert project.coded_by(vid) == ["ann"]


def test_replace_with_the_flag_keeps_the_flags_coders_events(tmp_path, project):
    vid = project.videos()[0].id
    project.add_events([Event(vid, 10, 12, 15, emotion="surprise", coder="ann_file")])
    ann = _csv(tmp_path / "ann.csv", ["47,50,54,happiness,12,ann"])
    prev = preview_import(project, ann, vid, coder="ann_file", replace=True)
    assert prev.replaces == [] and prev.file_coders == ["ann"]


def test_the_flag_still_names_unnamed_events_and_a_file_without_coders(tmp_path, project):
    vid = project.videos()[0].id
    mixed = _csv(tmp_path / "mixed.csv", ["47,50,54,happiness,12,ann", "62,66,71,anger,4,"])
    prev = preview_import(project, mixed, vid, coder="zoe")
    assert sorted(e.coder for e in prev.events) == ["ann", "zoe"] and prev.file_coders == ["ann", "zoe"]
    empty = _csv(tmp_path / "empty.csv", [])  # a coder who found nothing: recorded as having coded the video
    assert preview_import(project, empty, vid, coder="zoe").file_coders == ["zoe"]
