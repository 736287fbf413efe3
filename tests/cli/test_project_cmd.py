"""`merstudio project`: a project made without the app, coders' ELAN files imported (twice: no doubling), and
the agreement between them, all from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli_run import run
from support.cli_run import tiny_video as _video

from merstudio.cli.main import main
from merstudio.interchange import Media, write_eaf
from merstudio.project import Event, Project


def test_headless_project_import_and_agreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = _video(tmp_path / "interview.avi")
    proj = tmp_path / "study.merproj"
    code, out, err = run(capsys, "project", "new", proj, video)
    assert code == 0, err
    assert "video 1: interview.avi (90 frames at 30 fps): added" in out
    media = Media(str(video), fps=30.0)
    for coder, shift in (("ann", 0), ("bob", 1)):
        events = [Event(0, 10 + shift, 14, 20, emotion="happiness", aus="6+12", coder=coder),
                  Event(0, 50, 55 + shift, 60, emotion="surprise", aus="1+2", coder=coder)]
        write_eaf(events, tmp_path / f"{coder}.eaf", media)
        code, out, err = run(capsys, "convert", "--project", proj, "--import", tmp_path / f"{coder}.eaf",
                             "--video", "interview.avi")
        assert code == 0 and "imported 2 event(s)" in out, err
    # the same file again: nothing doubled (agreement would count each event twice)
    code, out, err = run(capsys, "convert", "--project", proj, "--import", tmp_path / "ann.eaf", "--video", "1")
    assert code == 0, err
    assert "imported 0 event(s)" in out and "2 already there" in out and "2 already in the project" in err
    with Project.open(proj) as p:
        assert len(p.events(1)) == 4
    code, out, err = run(capsys, "agreement", proj)
    assert code == 0, err
    ann_bob = next(ln.split() for ln in out.splitlines() if ln.split()[:2] == ["ann", "bob"])
    assert ann_bob[2:6] == ["1", "2", "0", "0"]  # videos, matched, only_a, only_b
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    assert "video 1: interview.avi  90 frames at 30 fps (3.0 s), 64x48" in out
    assert "events by ann: 2 accepted" in out and "events by bob: 2 accepted" in out and "analysis: none" in out


def test_add_and_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = _video(tmp_path / "a.avi")
    proj = tmp_path / "p.merproj"
    assert run(capsys, "project", "new", proj)[0] == 0
    code, out, err = run(capsys, "project", "add", proj, video, video)
    assert code == 0 and "added" in out and "already in the project" in out
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\0" * 1000)
    for argv, code_, message in [
        (("project", "new", proj), 3, "already exists"),
        (("project", "new", tmp_path / "q.merproj", tmp_path / "missing.avi"), 2, "missing.avi: no such file"),
        (("project", "new", tmp_path / "q.txt"), 2, "a project file ends in .merproj"),
        (("project", "add", proj, bad), 2, "bad.mp4: not a readable video"),
        (("project", "add", proj, tmp_path / "missing.avi"), 2, "no such file"),
        (("project", "show", tmp_path / "none.merproj"), 2, "no such project file"),
        (("project", "add", proj, video, "--fps", "0"), 2, "--fps must be a positive number"),
    ]:
        code, out, err = run(capsys, *argv)
        assert code == code_ and message in err and err.count("\n") == 1, (argv, err)
    assert not (tmp_path / "q.merproj").exists()  # a typo leaves no empty project behind
    with Project.open(proj) as p:
        assert [v.name for v in p.videos()] == ["a.avi"]
    # a file that is no video: no empty project (and no -wal/-shm) behind, so a retry is not "already exists"
    code, _, err = run(capsys, "project", "new", tmp_path / "r.merproj", video, bad)
    assert code == 2 and "bad.mp4: not a readable video" in err
    assert not list(tmp_path.glob("r.merproj*"))
    # nor half of a list added to an existing project
    second = _video(tmp_path / "b.avi", n=60)  # another video (other content)
    assert run(capsys, "project", "add", proj, second, bad)[0] == 2
    with Project.open(proj) as p:
        assert [v.name for v in p.videos()] == ["a.avi"]


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["project", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "new" in out and "add" in out and "show" in out and "merstudio agreement study.merproj" in out


def test_show_lists_neutral_frames(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from merstudio.features.neutral import NeutralBaseline, store_baselines

    video = _video(tmp_path / "a.avi")
    proj = tmp_path / "p.merproj"
    assert run(capsys, "project", "new", proj, video)[0] == 0
    with Project.open(proj) as p:
        store_baselines(p, p.videos()[0].id, {0: NeutralBaseline(0, 10, 39, {"AU04_r": 1.63}, 30, True)})
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0, err
    assert "face 0: neutral frames 10-39 (found automatically, 30 with the face): AU04 1.63" in out


def test_merge_two_faces_of_one_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cut from a wide shot (face 0) to a close-up (face 1) of one person: merged from the command line, listed
    by `show`; two faces in one frame are refused in one line and nothing changes."""
    video = _video(tmp_path / "interview.avi")
    proj = tmp_path / "study.merproj"
    assert run(capsys, "project", "new", proj, video)[0] == 0
    with Project.open(proj) as p:
        aid = p.begin_analysis(1, {}, device="cpu")
        p.append_frames(aid, [{"frame": i, "face_id": 0 if i < 30 else 1, "success": 1, "AU12_r": 1.0}
                              for i in range(90)] +
                        [{"frame": i, "face_id": 2, "success": 1, "AU12_r": 0.0} for i in range(40, 50)])
        p.finish_analysis(aid)
        p.add_event(Event(1, 60, 62, 65, face_id=1, emotion="happiness", coder="ann"))
    code, out, err = run(capsys, "project", "show", proj)
    assert "faces: 0 (30 frames, 0-29), 1 (60 frames, 30-89), 2 (10 frames, 40-49)" in out
    code, out, err = run(capsys, "project", "merge", proj, "1", "2")
    assert code != 0 and "faces 1 and 2 are both in 10 frames (40-49): two people, not one" in err
    code, out, err = run(capsys, "project", "merge", proj, "0", "1", "--video", "interview.avi")
    assert code == 0, err
    assert "face 1 merged into face 0 (60 frame(s), 1 event(s)); faces now: 0 (90 frames, 0-89), 2 (10 frames" in out
    code, out, err = run(capsys, "project", "show", proj)
    assert "faces: 0 (90 frames, 0-89), 2 (10 frames, 40-49)" in out and "edited: face 1 into face 0" in out
    code, out, err = run(capsys, "project", "split", proj, "0", "70")
    assert code == 0, err
    assert "face 0 split at frame 70: face 3 from there (20 frame(s))" in out
    code, out, err = run(capsys, "project", "show", proj)
    assert "edited: face 0 split at frame 70 (face 3 from there)" in out
    with Project.open(proj) as p:
        assert [e.face_id for e in p.events(1)] == [0]  # the event at 60 begins before the split
    code, out, err = run(capsys, "project", "merge", proj, "0", "7", "--video", "3")
    assert code != 0 and "no video '3'" in err


def test_subject_of_a_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`project subject` names the person of a video where fine-tuning's hold-out by subject reads it; `show`
    lists it; --clear removes it; a bad video or an empty name is one line."""
    from merstudio.training.finetune import collect_events

    a, b = _video(tmp_path / "a.avi"), _video(tmp_path / "b.avi", n=60)
    proj = tmp_path / "p.merproj"
    assert run(capsys, "project", "new", proj, a, b)[0] == 0
    code, out, err = run(capsys, "project", "subject", proj, "a.avi", " P01 ")
    assert code == 0, err
    assert out.strip() == "video 1: a.avi: subject P01"
    assert run(capsys, "project", "subject", proj, "2", "P01")[0] == 0
    code, out, err = run(capsys, "project", "show", proj)
    assert code == 0 and out.count("  subject: P01") == 2, out
    with Project.open(proj) as p:
        assert p.get_setting("subject:1") == "P01"
        for v in p.videos():
            p.add_events([Event(v.id, 10 + k * 10, 12 + k * 10, 15 + k * 10, emotion=emo, coder="ann",
                                status="accepted") for k, emo in enumerate(("positive", "negative"))])
        items, _ = collect_events(p, ["negative", "positive"], by="subject")
        assert {it.group for it in items} == {"P01"}  # both videos: one person, held out together
    code, out, err = run(capsys, "project", "subject", proj, "b.avi")
    assert code == 0 and out.strip() == "video 2: b.avi: subject P01"
    code, out, err = run(capsys, "project", "subject", proj, "b.avi", "--clear")
    assert code == 0 and "no subject set" in out
    with Project.open(proj) as p:
        assert p.get_setting("subject:2") is None
        items, _ = collect_events(p, ["negative", "positive"], by="subject")
        assert {it.group for it in items} == {"P01", "b"}  # without a subject: its own (the file stem)
    for argv, message in [
        (("project", "subject", proj, "c.avi", "P02"), "no video 'c.avi'"),
        (("project", "subject", proj, "a.avi", "  "), "the name is empty"),
        (("project", "subject", proj, "a.avi", "P02", "--clear"), "give no SUBJECT"),
    ]:
        code, out, err = run(capsys, *argv)
        assert code == 2 and message in err and err.count("\n") == 1, (argv, err)
    with Project.open(proj) as p:
        assert p.get_setting("subject:1") == "P01"
