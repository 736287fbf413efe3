"""One BORIS subject is one face across coders' files (a90 finding 1): alice coded Mother and Infant, bob only the
Infant; by the order of each file alone bob's Infant was face 0, alice's face 1, and the agreement matched nothing."""

from __future__ import annotations

import json

from support.boris_projects import media_observation, write_boris

from merstudio.interchange import (
    commit_import,
    known_face_names,
    preview_import,
    read_events,
    remember_elan_media,
)

# BORIS 7's tabular events export (tests/files/test_export_events_tabular.tsv's layout), 30 fps, on clip.mp4
_HEAD = ("Observation id\t{obs}\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\nMedia file(s)\t\t\t\t\t\t\t\t\n"
         "\t\t\t\t\t\t\t\t\nPlayer #1\tclip.mp4\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n"
         "Time offset (s)\t0.0\t\t\t\t\t\t\t\n\t\t\t\t\t\t\t\t\n"
         "Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tBehavioral category\tComment\tStatus\n")


def _tabular(path, obs, entries):
    rows = [f"{t:.3f}\tclip.mp4\t3.334\t30.0\t{subject}\ts\t\t\t{flag}" for t, subject, flag in entries]
    path.write_text(_HEAD.format(obs=obs) + "\n".join(rows) + "\n", encoding="utf-8")
    return path


ALICE = [(0.5, "Mother", "START"), (0.6, "Infant", "START"), (1.0, "Mother", "STOP"), (1.2, "Infant", "STOP")]
BOB = [(0.6, "Infant", "START"), (1.2, "Infant", "STOP")]


def test_a_subject_keeps_its_face_across_files_of_one_project(tmp_path, project):
    vid = project.videos()[0].id
    for who, entries in (("alice", ALICE), ("bob", BOB)):
        prev = preview_import(project, _tabular(tmp_path / f"{who}.tsv", who, entries), vid)
        commit_import(project, prev)
        remember_elan_media(project, vid, prev)  # what the CLI and the app call after every import
        if who == "bob":  # the line saying who went where, and that the face is an earlier import's
            assert any("subject 'Infant' read as face 1 ('Infant' as earlier imports" in n for n in prev.notes)
    faces = {(e.coder, e.onset): e.face_id for e in project.events(vid)}
    assert faces == {("alice", 15): 0, ("alice", 18): 1, ("bob", 18): 1}
    assert known_face_names(project, vid) == {0: "Mother", 1: "Infant"}
    # a new name takes the next free face, in any case the known ones theirs
    carol = preview_import(project, _tabular(tmp_path / "carol.tsv", "carol", [
        (0.5, "Father", "START"), (0.6, "INFANT", "START"), (1.0, "Father", "STOP"), (1.2, "INFANT", "STOP")]), vid)
    assert sorted(e.face_id for e in carol.events) == [1, 2]
    assert carol.face_names == {0: "Mother", 1: "Infant", 2: "Father"}  # the known spelling stays


def _boris(path, subjects, events):
    """A .boris project (BORIS 8's layout) with one observation on clip.mp4."""
    return write_boris(path, {"bob": media_observation(["/data/clip.mp4"], events, lengths=3.334)}, subjects=subjects)


def test_a_boris_projects_subjects_in_its_order(tmp_path):
    # bob's project lists the study's subjects (Mother, Infant) but he coded only the Infant: face 1, as alice's
    path = _boris(tmp_path / "bob.boris", ["Mother", "Infant"],
                  [[0.6, "Infant", "s", "", "", 18], [1.2, "Infant", "s", "", "", 36]])
    prev = read_events(path, fps=30.0)
    assert [e.face_id for e in prev.events] == [1]
    assert prev.face_names == {0: "Mother", 1: "Infant"}


def test_an_export_writes_the_names_back_and_reads_them_onto_their_faces(tmp_path, project):
    from merstudio.interchange import export_project_events, face_names_key
    from merstudio.project import Event

    vid = project.videos()[0].id
    project.set_setting(face_names_key(vid), [[0, "Mother"], [2, "Infant"], [3, "face 1"]])
    project.add_events([Event(vid, 10, 12, 15, face_id=0, emotion="happiness", coder="alice"),
                        Event(vid, 20, 22, 25, face_id=2, emotion="surprise", coder="alice"),
                        Event(vid, 30, 32, 35, face_id=3, emotion="fear", coder="alice")])
    out = export_project_events(project, vid, tmp_path / "out.boris")[0]
    pj = json.loads(out.read_text())
    # BORIS shows the names; "face 1" would read back as face 1, so face 3 stays "face 3"
    assert [s["name"] for s in pj["subjects_conf"].values()] == ["Mother", "Infant", "face 3"]
    assert {e[1] for o in pj["observations"].values() for e in o["events"]} == {"Mother", "Infant", "face 3"}
    back = read_events(out, fps=30.0)
    assert sorted((e.face_id, e.emotion) for e in back.events) == [(0, "happiness"), (2, "surprise"), (3, "fear")]
    assert back.face_names == {0: "Mother", 2: "Infant"}


def test_a_mac_spelling_of_a_known_subject_is_that_subject(tmp_path, project):
    """'Zoë' written by a Mac (NFD: 'Zoe' + U+0308) is the 'Zoë' the project knows (stored NFC): it took a new face."""
    vid = project.videos()[0].id
    for who, name in (("alice", "Zo\u00eb"), ("bob", "Zoe\u0308")):
        entries = [(0.5, "Mother", "START"), (0.6, name, "START"), (1.0, "Mother", "STOP"), (1.2, name, "STOP")]
        if who == "bob":
            entries = entries[1::2]
        prev = preview_import(project, _tabular(tmp_path / f"{who}.tsv", who, entries), vid)
        commit_import(project, prev)
        remember_elan_media(project, vid, prev)
    faces = {(e.coder, e.onset): e.face_id for e in project.events(vid)}
    assert faces == {("alice", 15): 0, ("alice", 18): 1, ("bob", 18): 1}
