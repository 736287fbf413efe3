"""A .boris export keeps review statuses apart, as ELAN export does: rejected and open model proposals go to
observations of their own (variable "review status"), never among a coder's accepted events, and come back with
their status."""

from __future__ import annotations

from ix_helpers import sample_events

from merstudio.interchange import Media, commit_import, preview_import, read_events, write_events
from merstudio.interchange.boris_project import boris_project
from merstudio.project import Event

STATUS_VARIABLE = "review status"  # not "status": BORIS's tabular export (before BORIS 8) calls START/STOP so


def _events(vid: int = 0) -> list[Event]:
    return [Event(vid, 0, 0, 0, emotion="happiness", aus="12", coder="alice"),
            Event(vid, 20, 25, 71, emotion="happiness", aus="6+12+25", coder="alice", source="model",
                  status="proposal", confidence=0.5),
            Event(vid, 30, 31, 32, emotion="anger", aus="4", coder="alice", source="model", status="rejected"),
            Event(vid, 13, 14, 15, emotion="happiness", aus="12", coder="", source="model", status="proposal")]


def test_each_status_has_its_own_observation():
    pj = boris_project(_events(), Media("/v/clip.mp4", fps=30.0, frame_count=100))
    obs = {k: (o["independent_variables"], len(o["events"])) for k, o in pj["observations"].items()}
    assert obs == {"clip - alice": ({"coder": "alice", STATUS_VARIABLE: "accepted"}, 3),
                   "clip - alice (proposals)": ({"coder": "alice", STATUS_VARIABLE: "proposal"}, 3),
                   "clip - alice (rejected)": ({"coder": "alice", STATUS_VARIABLE: "rejected"}, 3),
                   "clip - no coder (proposals)": ({"coder": "", STATUS_VARIABLE: "proposal"}, 3)}
    var = next(v for v in pj["independent_variables"].values() if v["label"] == STATUS_VARIABLE)
    assert var["type"] == "value from set" and var["possible values"].split(",") == ["accepted", "proposal",
                                                                                       "rejected"]
    assert "rejected model proposals (not events)" in pj["observations"]["clip - alice (rejected)"]["description"]


def test_statuses_come_back(tmp_path, project):
    vid = project.videos()[0].id
    evs = _events(vid)
    path = write_events(evs, tmp_path / "a.boris", Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=100))
    prev = preview_import(project, path, vid)
    got = sorted((e.coder, e.onset, e.offset, e.status) for e in prev.events)
    assert got == sorted((e.coder, e.onset, e.offset, e.status) for e in evs)
    commit_import(project, prev)
    alice = {e.onset: e.status for e in project.events(vid, coder="alice")}
    assert alice == {0: "accepted", 20: "proposal", 30: "rejected"}  # not three accepted events
    # every status of the sample, several coders and faces, round trip with statuses
    many = sample_events()
    p2 = write_events(many, tmp_path / "b.boris", Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=100))
    back = read_events(p2, fps=30.0, video_name="clip.mp4")
    assert sorted((e.coder, e.onset, e.status) for e in back.events) == \
        sorted((e.coder, e.onset, e.status) for e in many)


def test_a_boris_project_of_another_tool_with_a_status_variable(tmp_path):
    """A variable of that name with another value is no review status: the events stay accepted, not skipped."""
    pj = boris_project([Event(0, 5, 6, 9, emotion="fear", coder="ann")], Media("/v/clip.mp4", fps=30.0))
    for o in pj["observations"].values():
        o["independent_variables"][STATUS_VARIABLE] = "done"
    import json

    path = tmp_path / "x.boris"
    path.write_text(json.dumps(pj))
    prev = read_events(path, fps=30.0, video_name="clip.mp4")
    assert prev.ok and [e.status for e in prev.events] == ["accepted"]
