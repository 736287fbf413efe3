"""A re-run of a one-face video whose earlier run stored no face outlines (landmarks) said "1 event not checked
against the new run's faces (no outline of their face stored near them)": with one face in each run there is nobody
else the event could have been coded on, so nothing is said (audit a99 finding 8, h230 item 4). With another face in
a run the line stays."""

from __future__ import annotations

from pathlib import Path

from merstudio.project import Event, Project
from merstudio.project.faces import same_person_faces

N = 30
BOX = (20.0, 30.0, 80.0, 100.0)


def _row(frame: int, face: int, outline: bool) -> dict:
    x0, y0, x1, y1 = BOX
    row = {"frame": frame, "face_id": face, "timestamp": frame / 30, "confidence": 0.9, "success": 1, "AU12_r": 1.0}
    if outline:  # the landmarks a run stores (their box is what a re-run compares)
        row.update({"x_0": x0, "y_0": y0, "x_1": x1, "y_1": y0, "x_2": x1, "y_2": y1})
    return row


def _rerun(tmp_path: Path, video_file: Path, faces_then: tuple[int, ...], faces_now: tuple[int, ...]) -> str:
    with Project.create(tmp_path / "one.merproj") as p:
        vid = p.add_video(video_file, fps=30.0, frame_count=N, width=320, height=240).id
        first = p.begin_analysis(vid, {}, device="cpu")
        p.append_frames(first, [_row(i, f, outline=False) for i in range(N) for f in faces_then])
        p.finish_analysis(first)
        p.add_event(Event(vid, 10, 12, 14, face_id=0, emotion="happiness", coder="alice"))
        aid = p.begin_analysis(vid, {}, device="cpu")
        p.append_frames(aid, [_row(i, f, outline=True) for i in range(N) for f in faces_now])
        found = same_person_faces(p, vid, first, aid)
        assert not found.moves()
        return found.line()


def test_a_one_face_rerun_over_a_run_without_outlines_says_nothing(tmp_path: Path, video_file: Path) -> None:
    assert _rerun(tmp_path, video_file, (0,), (0,)) == ""


def test_with_another_face_in_the_rerun_the_event_is_still_named(tmp_path: Path, video_file: Path) -> None:
    assert _rerun(tmp_path, video_file, (0,), (0, 1)) == (
        "1 event not checked against the new run's faces (no outline of their face stored near them): event 1 "
        "(frames 10-14) on face 0")
