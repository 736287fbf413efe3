"""Who coded which video (a coder who found nothing leaves no event), and replacing a coder's events in one
transaction."""

from __future__ import annotations

import pytest

from merstudio.errors import OutputError
from merstudio.project import Event, Project


def test_coded_records_survive_reopening_and_go_with_the_video(project, tmp_path):
    vid = project.videos()[0].id
    assert project.coded_by(vid) == [] and project.coded() == {}
    project.mark_coded(vid, ["carol", " ", "ann"])
    project.mark_coded(vid, ["ann"])  # kept once
    path = project.path
    project.close()
    with Project.open(path) as p:
        assert p.coded_by(vid) == ["ann", "carol"] and p.coded() == {vid: ["ann", "carol"]}
        p.remove_video(vid)  # a later video may get its id: the record goes with it
        assert p.coded() == {}


def test_replace_events_is_one_transaction(project, monkeypatch):
    vid = project.videos()[0].id
    ann = project.events(vid, coder="ann")
    new = [Event(vid, 6, 8, 12, emotion="positive", aus="12", coder="ann")]
    removed, added = project.replace_events([ann[0].id], new, coders=["ann"], coded={vid: ["ann"]})
    assert removed == [ann[0]] and [e.onset for e in project.events(vid, coder="ann")] == [6, 20]
    assert project.coded_by(vid) == ["ann"]
    # undo: the removed event back under its id, the added one gone, the record taken back
    project.replace_events([added[0].id], removed, uncoded={vid: ["ann"]})
    assert project.events(vid, coder="ann") == ann and project.coded_by(vid) == []
    # an id that is gone: nothing changes (the delete before it is rolled back)
    with pytest.raises(KeyError):
        project.replace_events([ann[0].id, 9999], new, coded={vid: ["zed"]})
    assert project.events(vid, coder="ann") == ann and project.coded_by(vid) == []
    # a write that fails half-way (the disk fills on the insert): the removal is undone with it
    real = project._insert_event

    def full(*args, **kwargs):
        raise OutputError(f"{project.path}: the disk is full")

    monkeypatch.setattr(project, "_insert_event", full)
    with pytest.raises(OutputError):
        project.replace_events([ann[0].id], new, coders=["zed"], coded={vid: ["zed"]})
    monkeypatch.setattr(project, "_insert_event", real)
    assert project.events(vid, coder="ann") == ann and "zed" not in project.coders()
    assert project.coded_by(vid) == []
