"""Two copies of one small project, as two coders have them after each coded in their own (project merge tests of
tests/project, tests/cli and tests/gui): alice's copy A and bob's copy B of one study, each changed after the copy
(or two copies of a schema-7 project), the plan of merging one into the other and that merge; and merstudio's ELAN
files of that study, as the import and conversion tests read them back."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from merstudio import interchange as ix
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent
from merstudio.project.events import Event
from merstudio.project.merge import MergePlan, apply_merge, plan_merge
from support.old_projects import old_schema


def study(folder: Path, clip: Path | None = None, size: tuple[int, int] = (64, 48)) -> Path:
    """A project with one 600-frame video (``clip`` copied, a real one for the app, of frame ``size``; else random
    bytes: only its content identity is used), alice's event at 100-110-120, a model proposal at 300-305-310, and a
    behaviour 'gaze away' with one event of alice's."""
    folder.mkdir(parents=True)
    video = folder / "clip.avi"
    if clip is not None:
        shutil.copyfile(clip, video)
    else:
        video.write_bytes(np.random.default_rng(7).integers(0, 256, 50_000, np.uint8).tobytes())
    path = folder / "study.merproj"
    with Project.create(path) as p:
        v = p.add_video(video, 30.0, 600, *size)
        p.add_event(Event(v.id, 100, 110, 120, coder="alice", emotion="surprise", note="first pass"))
        p.add_event(Event(v.id, 300, 305, 310, coder="alice", source="model", status="proposal", aus="12"))
        b = p.add_behaviour(Behaviour("gaze away", key="g"))
        p.add_behaviour_event(BehaviourEvent(v.id, b.id, 50, 60, coder="alice"))
    return path


def copy_of(a: Path, folder: Path, events: bool = True, behaviours: bool = True) -> Path:
    """The project ``a`` copied with its folder (video and all) as ``folder``: the copy's path. Not ``events``: its
    events deleted in the copy; not ``behaviours``: its behaviours and their events (where coding comes back in by an
    import)."""
    shutil.copytree(a.parent, folder)
    b = folder / a.name
    if not (events and behaviours):
        with Project.open(b) as p:
            if not events:
                p.delete_events([e.id for e in p.events() if e.id is not None])
            if not behaviours:
                for e in p.behaviour_events():
                    p.delete_behaviour_event(e.id)
                for x in p.behaviours():
                    p.delete_behaviour(x.id)
    return b


def schema_7_copies(root: Path) -> tuple[Path, Path]:
    """Two copies (root/A, root/B) of one schema-7 project (before behaviour events had a history), unedited: the
    video /x/clip.avi (72 frames) and anna's 'gaze away' at 5-9 and 20-30 (ids 1 and 2)."""
    old = root / "old.merproj"
    con = old_schema(old, 7)
    con.execute("INSERT INTO videos (path, relpath, hash, size, fps, frame_count, width, height, added)"
                " VALUES ('/x/clip.avi', NULL, 'h', 10, 30.0, 72, 64, 48, 0)")
    con.execute("INSERT INTO behaviours (name, key, colour, kind, position, created) VALUES "
                "('gaze away', 'g', '#5e35b1', 'state', 0, 0)")
    con.execute("INSERT INTO behaviour_events (video_id, behaviour_id, face_id, onset, offset, coder, note, created,"
                " modified) VALUES (1, 1, 0, 5, 9, 'anna', '', 100, 100), (1, 1, 0, 20, 30, 'anna', '', 101, 101)")
    con.close()
    out = []
    for side in ("A", "B"):
        (root / side).mkdir()
        out.append(root / side / "study.merproj")
        shutil.copyfile(old, out[-1])
    return out[0], out[1]


def plan_lines(a: Path, b: Path) -> list[str]:
    """The lines of the plan of merging the copy ``b`` into ``a`` (``a`` opened read-only: nothing merged)."""
    with Project.open(a, read_only=True) as p:
        return plan_merge(p, b).lines()


def merged(a: Path, b: Path) -> MergePlan:
    """The copy ``b`` merged into ``a``: the plan applied."""
    with Project.open(a) as p:
        plan = plan_merge(p, b)
        apply_merge(p, plan)
        return plan


def two_copies(root: Path, clip: Path | None = None, size: tuple[int, int] = (64, 48)) -> tuple[Path, Path]:
    """(alice's A, bob's B): B copied from A, then bob fixes alice's onset (102), codes an event and a behaviour
    event of his own and accepts the proposal; alice goes on coding in A (an event at 500-510)."""
    a = study(root / "A", clip, size)
    b = copy_of(a, root / "B")
    with Project.open(b) as p:
        vid = p.videos()[0].id
        first = next(e for e in p.events(vid) if e.coder == "alice" and e.status == "accepted")
        p.update_event(replace(first, onset=102, note="onset fixed by bob"))
        p.add_event(Event(vid, 400, 405, 410, coder="bob", emotion="sadness"))
        prop = p.events(vid, status="proposal")[0]
        p.update_event(replace(prop, status="accepted", coder="bob"))
        gaze = p.behaviours()[0]
        p.add_behaviour_event(BehaviourEvent(vid, gaze.id, 200, 260, coder="bob", note="looks at the door"))
    with Project.open(a) as p:
        vid = p.videos()[0].id
        p.add_event(Event(vid, 500, 505, 510, coder="alice", emotion="fear", note="coded after the copy"))
    return a, b


def two_videos_copies(root: Path) -> tuple[Path, Path]:
    """(A, B): alice's study under root/A (clip.avi), and B copied from it given a second video 'second.avi'
    holding bob's event, a behaviour 'nod' of its own with bob's event there, and an overlay 'openface' (h282's
    and h290's undone merges)."""
    a = study(root / "A")
    b = copy_of(a, root / "B")
    clip = root / "B" / "second.avi"
    clip.write_bytes(np.random.default_rng(3).integers(0, 256, 20_000, np.uint8).tobytes())
    with Project.open(b) as p:
        v = p.add_video(clip, 30.0, 90, 64, 48)
        p.add_event(Event(v.id, 10, 15, 20, coder="bob", emotion="happiness"))
        beh = p.add_behaviour(Behaviour("nod", key="n"))
        p.add_behaviour_event(BehaviourEvent(v.id, beh.id, 5, 8, coder="bob"))
        p.save_overlay(v.id, "openface", pd.DataFrame({"frame": range(5), "face_id": 0, "AU12_r": 1.0}),
                       kind="openface")
    return a, b


def coding(path: Path) -> list[tuple[str, int, int, str, str]]:
    """(coder, onset, offset, status, note) of every event, sorted."""
    with Project.open(path, read_only=True) as p:
        return sorted((e.coder, e.onset, e.offset, e.status, e.note) for e in p.events())


def behaviour_coding(path: Path) -> list[tuple[str, int, int | None, str]]:
    with Project.open(path, read_only=True) as p:
        return sorted((e.coder, e.onset, e.offset, e.note) for e in p.behaviour_events())


def copy_without_behaviours(root: Path) -> tuple[Path, Path]:
    """alice's study (an event and a 'gaze away' behaviour event at 50-60) under root/A, and a copy of it under root/B
    without its behaviours: where behaviour events are brought back in by an import."""
    a = study(root / "A")
    return a, copy_of(a, root / "B", behaviours=False)


def behaviours_past_frame_71(root: Path) -> Path:
    """root/v.eaf, merstudio's ELAN file of alice's study (under root/A, its 600-frame video) given bob's 'gaze away'
    at 60-80 (note "long look": ends past frame 71) and at 90-95 (starts past it) and alice's event at 65-85 (ends
    past it), beside alice's gaze away at 50-60: what a 72-frame video of that name cuts (h239's `convert --media`,
    h241's import)."""
    with Project.open(study(root / "A")) as p:
        vid = p.videos()[0].id
        gaze = p.behaviours()[0].id
        assert gaze is not None
        p.add_behaviour_event(BehaviourEvent(vid, gaze, 60, 80, coder="bob", note="long look"))
        p.add_behaviour_event(BehaviourEvent(vid, gaze, 90, 95, coder="bob"))
        p.add_event(Event(vid, 65, 70, 85, coder="alice", emotion="fear"))
        [eaf] = ix.export_project_events(p, vid, root / "v.eaf")
    return eaf


def behaviour_tiers_alone(project: Path, path: Path) -> Path:
    """merstudio's ELAN file (at ``path``) of the first video of ``project`` once its events are deleted there (in
    the project): its behaviour tiers alone, as File > Import events and `convert --import` read it back."""
    with Project.open(project) as p:
        for e in p.events():
            p.delete_event(e.id)
        [eaf] = ix.export_project_events(p, p.videos()[0].id, path)
    return eaf
