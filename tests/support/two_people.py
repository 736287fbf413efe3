"""Per-frame rows of two people side by side, as a run stores them: what the re-run face-numbering tests (h312, h319)
store for a first run (left face 0, right face 1) and a re-run that numbers them the other way round."""

from __future__ import annotations

N = 40  # frames
LEFT, RIGHT = (20.0, 30.0, 80.0, 100.0), (200.0, 30.0, 260.0, 100.0)  # each person's box (x0, y0, x1, y1)


def two_people_rows(left: int, right: int) -> list[dict]:
    """N frames' rows with the left person as face `left` and the right one as face `right`."""
    return [{"frame": i, "face_id": face, "timestamp": i / 30, "confidence": 0.9, "success": 1, "AU12_r": 1.0,
             "x_0": x0, "y_0": y0, "x_1": x1, "y_1": y0, "x_2": x1, "y_2": y1}
            for i in range(N) for face, (x0, y0, x1, y1) in ((left, LEFT), (right, RIGHT))]


def begin_swapped_rerun(p, video_file) -> tuple[int, int, int, object]:  # noqa: ANN001 - a Project, a Path
    """In project `p`: a first run complete (left person face 0, right face 1) with an event on the right person,
    then a re-run begun that numbers them the other way round, its rows stored, not finished. Returns (video, first
    run, re-run, the right person's event)."""
    from merstudio.project import Event

    vid = p.add_video(video_file, fps=30.0, frame_count=N, width=320, height=240).id
    first = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(first, two_people_rows(left=0, right=1))
    p.finish_analysis(first, "complete")
    before = p.add_event(Event(vid, 10, 12, 14, face_id=1, emotion="happiness", coder="ann"))
    rerun = p.begin_analysis(vid, {}, device="cpu")
    p.append_frames(rerun, two_people_rows(left=1, right=0))
    return vid, first, rerun, before
