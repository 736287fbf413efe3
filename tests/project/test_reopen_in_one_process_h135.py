"""A project opened twice in one process (a notebook cell `project = Project.open(p)` run again: the earlier object
still holds the claim while the cell runs, and is dropped when the name is bound again). The second opener is told
plainly that an earlier Project object of this program has it (not "pid <this very process>", as if another
program), and takes its place as the writer once that one is closed or dropped; until then it stays read-only. Was:
read-only for good, its edits refused naming this process's own pid, after the earlier object was long gone."""

from __future__ import annotations

import gc
import os

import pytest
from support.other_writer import open_elsewhere

from merstudio.errors import OutputError
from merstudio.project import Event, Project, ProjectInUse
from merstudio.project.lock import lock_path


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "study.merproj"
    with Project.create(p) as proj:
        proj.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=72, width=64, height=48)
    return p


def _vid(p):
    with Project.open(p, read_only=True) as r:
        return r.videos()[0].id


def _stored(p):
    with Project.open(p, read_only=True) as r:
        return [(e.onset, e.offset, e.coder) for e in r.events()]


def test_while_the_earlier_object_is_open_the_second_is_told_to_close_it(path):
    vid = _vid(path)
    first = Project.open(path)
    try:
        second = Project.open(path)
        assert second.read_only and second.in_use_elsewhere
        reason = second.read_only_reason
        assert reason.startswith("in use by merstudio in this program: an earlier Project object (opened ")
        assert "close() it first" in reason and "pid" not in reason, reason
        with pytest.raises(OutputError) as err:
            second.add_event(Event(vid, 5, 6, 9, coder="bob"))
        assert str(err.value) == f"{path}: opened read-only ({reason}); the edit was not saved"
        with pytest.raises(ProjectInUse) as refused:
            Project.open(path, in_use="raise")
        line = str(refused.value)
        assert f"pid {os.getpid()} " in line and ": an earlier Project object in this program, still open)" in line
        with pytest.raises(ProjectInUse, match="an earlier Project object in this program"):
            Project.create(path, overwrite=True)
        first.add_event(Event(vid, 1, 2, 3, coder="ann"))  # the earlier one writes on, alone
        assert second.read_only and second.events()[0].coder == "ann"

        first.close()  # it lets go: the second is the writer now
        assert not second.read_only and not second.in_use_elsewhere and second.read_only_reason == ""
        second.add_event(Event(vid, 5, 6, 9, coder="bob"))
        assert open_elsewhere(path).stdout.strip() == "read-only"  # its claim is the OS's lock, as an open's
        second.close()
    finally:
        first.close()
    assert not lock_path(path).exists()
    assert _stored(path) == [(1, 3, "ann"), (5, 9, "bob")]
    assert open_elsewhere(path).stdout.strip() == "writer"


def test_a_cell_run_again_writes(path):
    vid = _vid(path)
    project = Project.open(path)
    project = Project.open(path)  # the earlier object is dropped once the name is bound again
    assert not project.read_only, project.read_only_reason
    project.add_event(Event(vid, 5, 6, 9, coder="ann"))
    project.close()
    assert _stored(path) == [(5, 9, "ann")]


def test_the_earlier_object_dropped_with_del_and_gc(path):
    vid = _vid(path)
    first = Project.open(path)
    second = Project.open(path)
    assert second.read_only
    del first
    gc.collect()
    second.add_event(Event(vid, 5, 6, 9, coder="ann"))  # was: OutputError "... in use by merstudio (pid <own>"
    assert not second.read_only
    second.close()
    assert _stored(path) == [(5, 9, "ann")]


def test_an_earlier_object_dropped_in_a_reference_cycle_is_collected_at_the_open(path):
    first = Project.open(path)
    first.me = first  # a cycle: only the garbage collector frees it
    del first
    was = gc.isenabled()
    gc.disable()  # no automatic collection meanwhile: the open's own does it
    try:
        with Project.open(path) as second:
            assert not second.read_only, second.read_only_reason
    finally:
        if was:
            gc.enable()


def test_the_next_in_line_is_told_of_the_new_writer(path):
    vid = _vid(path)
    first = Project.open(path)
    second, third = Project.open(path), Project.open(path)
    first.close()
    second.add_event(Event(vid, 5, 6, 9, coder="ann"))  # second takes first's place
    assert third.read_only and "an earlier Project object" in third.read_only_reason
    second.close()
    assert not third.read_only  # and third takes second's
    third.close()


def test_a_run_the_dropped_object_left_running_is_interrupted(path):
    vid = _vid(path)
    first = Project.open(path)
    run = first.begin_analysis(vid)
    second = Project.open(path)
    del first
    gc.collect()
    assert not second.read_only
    assert second.interrupted_analyses == [run]
    active = second.analysis(vid)
    assert active is not None and active.id == run and active.status == "interrupted"
    second.close()


def test_asked_read_only_stays_read_only(path):
    first = Project.open(path)
    asked = Project.open(path, read_only=True)
    first.close()
    assert asked.read_only and asked.read_only_reason == "opened read-only"
    asked.close()
