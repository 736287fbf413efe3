"""A coder's corrected file re-imported (``replace``), a coder who found nothing (recorded as having coded the
video), and apexes an import had to put at the middle frame (tagged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.cli.main import main
from merstudio.errors import InputError
from merstudio.interchange import Media, commit_import, preview_import, write_events
from merstudio.project import Event, Project
from merstudio.project.apex import APEX_IMPUTED, apex_imputed

HEAD = "video,face_id,onset,apex,offset,emotion,aus,coder\n"
ALICE = [(5, 7, 10, "happiness", "6+12"), (20, 25, 30, "surprise", "1+2"), (40, 42, 44, "happiness", "12"),
         (60, 62, 65, "disgust", "9")]


def _csv(path: Path, coder: str, rows) -> Path:
    path.write_text(HEAD + "".join(f"clip.mp4,0,{a},{b},{c},{e},{u},{coder}\n" for a, b, c, e, u in rows))
    return path


def _frames(project: Project, vid: int, coder: str) -> list[tuple[int, int, int]]:
    return sorted((e.onset, e.apex, e.offset) for e in project.events(vid) if e.coder == coder)


def test_a_corrected_file_warns_then_replaces_in_one_step(tmp_path, project):
    vid = project.videos()[0].id
    commit_import(project, preview_import(project, _csv(tmp_path / "alice.events.csv", "alice", ALICE), vid))
    commit_import(project, preview_import(project, _csv(tmp_path / "bob.events.csv", "bob", [(6, 8, 11, "happiness",
                                                                                               "12")]), vid))
    ids = {e.onset: e.id for e in project.events(vid) if e.coder == "alice"}
    v2 = _csv(tmp_path / "alice_v2.events.csv", "alice", [*ALICE[:3], (58, 62, 65, "disgust", "9")])
    # without replace: the new event would go beside the old one; the preview says so and names the option
    plain = preview_import(project, v2, vid)
    assert len(plain.events) == 1 and len(plain.duplicates) == 3
    note = next(n for n in plain.notes if "overlap" in n)
    assert "alice face 0: frames 58-65 here, 60-65 there" in note and "--replace" in note and "\n" not in note
    # with replace: alice's events become the file's; the unchanged ones keep their ids; bob is untouched
    prev = preview_import(project, v2, vid, replace=True)
    assert [(e.onset, e.offset) for e in prev.replaces] == [(60, 65)] and len(prev.duplicates) == 3
    assert "replaces 1 event(s) of alice" in prev.summary()
    assert not any("overlap" in n for n in prev.notes)
    added = commit_import(project, prev)
    assert [(e.onset, e.offset) for e in added] == [(58, 65)]
    assert _frames(project, vid, "alice") == [(5, 7, 10), (20, 25, 30), (40, 42, 44), (58, 62, 65)]
    assert _frames(project, vid, "bob") == [(6, 8, 11)]
    assert {e.onset: e.id for e in project.events(vid) if e.coder == "alice" and e.onset < 50} == \
        {k: v for k, v in ids.items() if k < 50}
    assert [h["action"] for h in project.event_history(ids[60])] == ["create", "delete"]


def test_replace_keeps_the_coders_reviews_of_model_proposals(tmp_path, project):
    """A coded file replaces the coder's coding, not their reviews: a model proposal alice rejected (or one still
    open under her name) stays unless the file itself holds events of that status (our own exports do)."""
    vid = project.videos()[0].id
    commit_import(project, preview_import(project, _csv(tmp_path / "alice.events.csv", "alice", ALICE[:2]), vid))
    rejected = project.add_event(Event(vid, 70, 72, 75, emotion="anger", aus="4", coder="alice", source="model",
                                       status="rejected"))
    v2 = _csv(tmp_path / "alice_v2.events.csv", "alice", [ALICE[0]])
    prev = preview_import(project, v2, vid, replace=True)
    assert [(e.onset, e.status) for e in prev.replaces] == [(20, "accepted")]
    assert any("1 reviewed model proposal(s) of alice on this video kept" in n for n in prev.notes)
    commit_import(project, prev)
    assert rejected.id in {e.id for e in project.events(vid)}
    # a file that carries rejected events (our ELAN export's rejected tier, our CSV's status) replaces them too
    v3 = tmp_path / "alice_v3.events.csv"
    v3.write_text("video,face_id,onset,apex,offset,emotion,aus,coder,status\n"
                  "clip.mp4,0,5,7,10,happiness,6+12,alice,accepted\nclip.mp4,0,80,82,85,anger,4,alice,rejected\n")
    prev = preview_import(project, v3, vid, replace=True)
    assert [(e.onset, e.status) for e in prev.replaces] == [(70, "rejected")]


def test_replace_is_one_transaction(tmp_path, project, monkeypatch):
    vid = project.videos()[0].id
    commit_import(project, preview_import(project, _csv(tmp_path / "a.events.csv", "alice", ALICE), vid))
    before = project.events(vid)
    prev = preview_import(project, _csv(tmp_path / "b.events.csv", "alice", [(1, 2, 3, "fear", "4")]), vid,
                          replace=True)
    assert len(prev.replaces) == 4
    project.delete_event(prev.replaces[-1].id)  # gone between the preview and the import: nothing changes
    with pytest.raises(InputError, match="gone since the preview"):
        commit_import(project, prev)
    assert project.events(vid) == [e for e in before if e.id != prev.replaces[-1].id]


def test_cli_replace_counts_what_it_replaced(tmp_path, project, capsys):
    vid = project.videos()[0].id
    path = project.path
    a = _csv(tmp_path / "alice.events.csv", "alice", ALICE)
    v2 = _csv(tmp_path / "alice_v2.events.csv", "alice", [*ALICE[:3], (58, 62, 65, "disgust", "9")])
    project.close()
    assert main(["convert", "--project", str(path), "--import", str(a)]) == 0
    capsys.readouterr()
    assert main(["convert", "--project", str(path), "--import", str(v2)]) == 0
    out = capsys.readouterr()
    assert "overlap an event of the same coder" in out.err and "--replace" in out.err
    assert main(["convert", "--project", str(path), "--import", str(v2), "--replace"]) == 0
    out = capsys.readouterr()
    assert "imported 0 event(s)" in out.out and "replaced 1 event(s) of alice" in out.out
    assert "4 unchanged" in out.out  # the 58-65 the plain import added is the file's too: kept
    with Project.open(path) as p:  # the duplicate 58-65 added by the plain import replaced the pair 60-65, 58-65
        assert _frames(p, vid, "alice") == [(5, 7, 10), (20, 25, 30), (40, 42, 44), (58, 62, 65)]
    assert main(["convert", "--project", str(path), "--export", str(tmp_path / "x.eaf"), "--replace"]) == 2
    assert "--replace and --coder go with --import" in capsys.readouterr().err


def test_a_coder_who_found_nothing_is_recorded(tmp_path, project, capsys):
    vid = project.videos()[0].id
    path = project.path
    empty = tmp_path / "carol.events.csv"
    empty.write_text(HEAD)
    a = _csv(tmp_path / "alice.events.csv", "alice", ALICE)
    b = _csv(tmp_path / "bob.events.csv", "bob", [(6, 8, 11, "happiness", "12")])
    project.close()
    for f in (a, b):
        assert main(["convert", "--project", str(path), "--import", str(f)]) == 0
    capsys.readouterr()
    # no events and no coder: nothing to record; said in one line, naming --coder
    assert main(["convert", "--project", str(path), "--import", str(empty)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "no events and no coder" in err and "--coder NAME" in err
    assert main(["convert", "--project", str(path), "--import", str(empty), "--coder", "carol"]) == 0
    out = capsys.readouterr()
    assert "records carol as having coded this video" in out.err
    assert "imported 0 event(s)" in out.out and "carol recorded as having coded it" in out.out
    with Project.open(path) as p:
        assert p.coded_by(vid) == ["alice", "bob", "carol"] and "carol" in p.coders()
    # and the agreement compares her: the others' events are her misses
    assert main(["agreement", str(path), "--coders", "alice,bob,carol", "--all-coded"]) == 0
    text = capsys.readouterr().out
    row = next(ln.split() for ln in text.splitlines() if ln.split()[:2] == ["alice", "carol"])
    assert row[2:6] == ["1", "0", "4", "0"]
    assert main(["agreement", str(path), "--coders", "alice,carol"]) == 0  # recorded: no --all-coded needed
    assert "found nothing there: carol" in capsys.readouterr().out


def _eaf_with_empty_tier(tmp_path: Path, vid: int) -> Path:
    path = write_events([Event(vid, 5, 7, 10, emotion="happiness", aus="12", coder="alice")], tmp_path / "c.eaf",
                        Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=100))
    text = path.read_text(encoding="utf-8")
    tier = '<TIER LINGUISTIC_TYPE_REF="merstudio-event" TIER_ID="carol/event" />'
    path.write_text(text.replace("</ANNOTATION_DOCUMENT>", tier + "\n</ANNOTATION_DOCUMENT>"), encoding="utf-8")
    return path


def test_an_empty_elan_tier_records_its_coder(tmp_path, project):
    vid = project.videos()[0].id
    prev = preview_import(project, _eaf_with_empty_tier(tmp_path, vid), vid)
    assert prev.coders == ["alice"] and prev.file_coders == ["alice", "carol"]
    commit_import(project, prev)
    assert project.coded_by(vid) == ["alice", "carol"]
    # an ELAN file with nothing but an empty tier: carol found nothing, and that is recorded too
    path = tmp_path / "only.eaf"
    path.write_text(_eaf_with_empty_tier(tmp_path, vid).read_text(encoding="utf-8").replace(
        "alice/", "dave/"), encoding="utf-8")
    prev = preview_import(project, path, vid)
    assert prev.file_coders == ["carol", "dave"]


def test_imputed_apexes_are_tagged(tmp_path, project):
    vid = project.videos()[0].id
    path = write_events([Event(vid, 10, 12, 20, coder="ann", emotion="fear"),
                         Event(vid, 30, 35, 40, coder="ann", emotion="fear", note="n")],
                        tmp_path / "c.eaf", Media(str(tmp_path / "clip.mp4"), fps=30.0, frame_count=100))
    text = path.read_text(encoding="utf-8")
    # ELAN as people use it: no apex tier at all -> every apex the middle frame, tagged as imputed
    import re

    text = re.sub(r'<TIER [^>]*TIER_ID="ann/apex".*?</TIER>', "", text, flags=re.S)
    path.write_text(text, encoding="utf-8")
    prev = preview_import(project, path, vid)
    assert [(e.apex, e.note) for e in prev.events] == [(15, APEX_IMPUTED), (35, f"n {APEX_IMPUTED}")]
    assert all(apex_imputed(e) for e in prev.events)
    commit_import(project, prev)
    assert all(apex_imputed(e) for e in project.events(vid))
