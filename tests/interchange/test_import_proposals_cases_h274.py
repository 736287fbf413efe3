"""Two imports around the model's proposals (h274).

1. An events CSV of several videos, one of whose videos' rows are all open proposals reviewed here already: that
   video brings nothing (AllEventsImport.accept: [] for it, its line says why), the others' rows are imported; the
   file is refused only where no video brings anything (one such video refused the whole file).
2. An ELAN file whose coded events are all here already (a reviewed proposal) beside new behaviour events: the open
   proposals its reviewed events cover (ProjectImport.resolves) go, as they do with events to import (commit_import's
   behaviour-only branch left them in place)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.model_proposals import proposal, rejected

from merstudio import interchange as ix
from merstudio.errors import InputError
from merstudio.project import Behaviour, BehaviourEvent, Event, Project

SAID = "1 open proposal in the file skipped: reviewed here already"


def _shape(p: Project, vid: int) -> list[tuple]:
    return sorted((e.onset, e.offset, e.coder, e.status) for e in p.events(vid))


@pytest.fixture
def two(tmp_path: Path):
    """A project of two videos, bob's rejection of the model's 60-65 on the first."""
    with Project.create(tmp_path / "two.merproj") as p:
        ids = []
        for name in ("interview.mp4", "clip2.mp4"):
            video = tmp_path / name
            video.write_bytes(np.random.default_rng(len(ids)).integers(0, 256, 4096, dtype=np.uint8).tobytes())
            ids.append(p.add_video(video, fps=30.0, frame_count=200, width=64, height=48).id)
        p.add_events([rejected(ids[0], 60, 65)])
        yield p, ids


def _all_csv(tmp_path: Path, ids: list[int], evs: list[Event]) -> Path:
    return ix.write_events_csv(evs, tmp_path / "all.csv", {ids[0]: ix.Media("interview.mp4", fps=30.0),
                                                           ids[1]: ix.Media("clip2.mp4", fps=30.0)})


def test_a_video_of_reviewed_proposals_alone_does_not_block_the_others(two, tmp_path):
    p, (a, b) = two
    src = _all_csv(tmp_path, [a, b], [proposal(a, 60, 65), Event(b, 100, 105, 110, emotion="fear", coder="bob")])
    found = ix.preview_all_events(p, src)
    parts = {v.id: prev for v, prev in found.parts}
    assert parts[a].only_reviewed_here and not parts[b].only_reviewed_here
    lines = found.lines()
    assert f"interview.mp4: 0 new, {SAID}" in lines, lines  # the confirmation lists it
    accepted = dict(zip((v.id for v, _ in found.parts), found.accept(skip_bad=True), strict=True))
    assert accepted[a] == [] and [(e.onset, e.coder) for e in accepted[b]] == [(100, "bob")]
    for _v, prev in found.parts:
        if not prev.only_reviewed_here:
            ix.commit_import(p, prev)
    assert _shape(p, a) == [(60, 65, "bob", "rejected")]
    assert _shape(p, b) == [(100, 110, "bob", "accepted")]
    assert "model" not in p.coded_by(a)


def test_every_video_of_reviewed_proposals_alone_is_refused_in_one_line(two, tmp_path):
    p, (a, b) = two
    p.add_events([rejected(b, 20, 25)])
    src = _all_csv(tmp_path, [a, b], [proposal(a, 60, 65), proposal(b, 20, 25)])
    found = ix.preview_all_events(p, src)
    with pytest.raises(InputError) as err:
        found.accept(skip_bad=True)
    assert str(err.value) == (f"{src}: nothing to import: 2 open proposals in the file skipped: reviewed here "
                              "already (the same face and interval; the review stands)")


def _behaviour_file(p: Project, vid: int, tmp_path: Path) -> Path:
    """r.eaf of a behaviour event and bob's rejection of 60-65; then the behaviour event is deleted and the model's
    60-65 is open here again (a re-run before bob's review came in)."""
    gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
    ev = p.add_behaviour_event(BehaviourEvent(vid, gaze.id, 2, 6, coder="alice"))
    [eaf] = ix.export_project_events(p, vid, tmp_path / "r.eaf")
    p.delete_behaviour_event(ev.id)
    p.add_events([proposal(vid, 60, 65)])
    return eaf


def test_elan_behaviours_alone_remove_the_proposals_their_reviews_cover(two, tmp_path):
    p, (a, _b) = two
    eaf = _behaviour_file(p, a, tmp_path)
    prev = ix.preview_import(p, eaf, a)
    assert (len(prev.events), len(prev.duplicates), len(prev.behaviour_rows), len(prev.resolves)) == (0, 1, 1, 1)
    assert ix.resolved_line(1) in prev.summary()
    assert ix.commit_import(p, prev) == []
    assert _shape(p, a) == [(60, 65, "bob", "rejected")]  # the open 60-65 went with the behaviour event's import
    assert [(e.onset, e.offset) for e in p.behaviour_events(a)] == [(2, 6)]


def test_nothing_new_line_has_one_home(two, tmp_path, monkeypatch):
    p, (a, _b) = two
    gaze = p.add_behaviour(Behaviour("gaze away", key="g"))
    p.add_behaviour_event(BehaviourEvent(a, gaze.id, 2, 6, coder="alice"))
    p.delete_event(p.events(a)[0].id)
    [eaf] = ix.export_project_events(p, a, tmp_path / "n.eaf")
    prev = ix.preview_import(p, eaf, a)
    assert prev.nothing_new("n.eaf") == ix.behaviours_known_line("n.eaf", 1) == \
        "n.eaf: its 1 behaviour event(s) are already in the project: nothing new to import"
    monkeypatch.setattr(ix, "behaviours_known_line", lambda name, n: f"{name}: {n} known")
    assert prev.nothing_new("n.eaf") == "n.eaf: 1 known"
