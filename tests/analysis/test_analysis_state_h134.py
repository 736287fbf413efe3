"""`Analysis` used from a notebook: a cell run twice, spots asked for too early, a loop stopped part-way.

A second rows() on the same Analysis counted every face frame twice ({0: 72} -> {0: 144} on smile_man.mp4) and said
every warning twice; spots() before rows() returned [] (read as "no micro-expressions"); after a Ctrl-C part-way
the caller had 209 rows but frames_done said 231, cancelled False, and spots() read frames the caller never got."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.clips import AU12_FRAMES, write_clip

from merstudio.analysis.pipeline import Analysis
from merstudio.io import open_source

N, BLANK = 60, range(0, 3)  # the clip: 60 frames, no face on the first 3, the smile on AU12_FRAMES (30-37)
FACE_FRAMES = N - len(BLANK)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=N, blank=BLANK)


def _face(rows: list[dict]) -> int:
    (fid,) = {r["face_id"] for r in rows if r["success"]}
    return fid


def _state(run: Analysis) -> tuple:
    return (run.face_frames(), run.frames_done, list(run.warnings), run.face_ids(), run.cancelled,
            [(s.face_id, s.onset, s.apex, s.offset) for s in run.spots()])


@pytest.mark.parametrize("given", ["path", "source"])
def test_a_second_rows_starts_afresh(clip: Path, given: str) -> None:
    with open_source(clip) as src:
        run = Analysis(str(clip) if given == "path" else src)  # a path: opened here, closed and opened again
        first = list(run.rows())
        once = _state(run)
        second = list(run.rows())
        twice = _state(run)
    fid = _face(first)
    assert len(first) == len(second) == N
    assert once[:2] == ({fid: FACE_FRAMES}, N)
    assert twice == once  # was {fid: 114}: the first run's frames counted again
    spots = once[-1]
    assert [s for s in spots if s[1] <= AU12_FRAMES.start + 4 <= s[3]], spots  # the smile, both times


def test_a_turned_photos_warning_is_said_once_each_run(tmp_path: Path) -> None:
    import cv2
    from support.occluders import astronaut_face

    from merstudio.face.orientation import turn

    cv2.imwrite(str(tmp_path / "turned.png"), cv2.cvtColor(turn(astronaut_face(), 180), cv2.COLOR_RGB2BGR))
    with open_source(tmp_path / "turned.png") as src:
        run = Analysis(src)
        list(run.rows())
        first = list(run.warnings)
        list(run.rows())
        second = list(run.warnings)
    assert [w for w in first if "turned 180°" in w] == [w for w in second if "turned 180°" in w] != []
    assert second == first  # was the photo's other warnings again after the first run's


def test_spots_before_a_run_says_it_has_not_run(clip: Path) -> None:
    with open_source(clip) as src:
        run = Analysis(src)
        with pytest.raises(RuntimeError, match=r"not run yet: iterate rows\(\) first"):
            run.spots()  # was []: "no micro-expressions" before anything was looked at
        assert run.face_frames() == {} and run.frames_done == 0  # counts so far: none
        run.rows()  # made, never read (`gen = run.rows()` in a cell run twice: the second is taken)
        unread = run.rows()
        run.close()
        with pytest.raises(RuntimeError, match=r"not run yet"):
            run.spots()
        assert list(unread) == []  # closed by run.close() before it was read


def test_a_run_closed_part_way_keeps_the_frames_its_caller_got(clip: Path) -> None:
    with open_source(clip) as src:
        run = Analysis(src)
        rows = run.rows()
        got = [next(rows) for _ in range(45)]  # frames 0-44, one row each
        rows.close()  # type: ignore[attr-defined]  # a loop left with break
        assert run.cancelled
        assert run.frames_done == 45  # was the frames the reader had got to, ahead of the rows given
        assert run.face_frames() == {_face(got): 45 - len(BLANK)}
        spots = run.spots()
        assert spots and all(s.offset < 45 for s in spots)
        assert [s for s in spots if s.onset <= AU12_FRAMES.start + 4 <= s.offset]  # the smile, in the rows given
        rows = run.rows()
        early = [next(rows) for _ in range(20)]  # before the smile
        rows.close()  # type: ignore[attr-defined]
        assert (run.frames_done, run.face_frames(), run.spots()) == (20, {_face(early): 20 - len(BLANK)}, [])


def test_ctrl_c_inside_the_run_keeps_the_frames_its_caller_got(clip: Path) -> None:
    """Ctrl-C lands in the pipeline's own code (waiting for the next frame) most of the time: here from its progress
    call, after frame 45 was read, while the rows of the last frames still wait for their AUs."""
    def stop(done: int, total: int) -> None:
        if done >= 45:  # frames whose rows have left: it may pass 45 by a batch (h295)
            raise KeyboardInterrupt

    got: list[dict] = []
    with open_source(clip) as src:
        run = Analysis(src)
        with pytest.raises(KeyboardInterrupt):
            for row in run.rows(progress=stop):
                got.append(row)
    frames = [r["frame"] for r in got]
    assert frames == list(range(len(got)))
    assert run.cancelled  # was False
    assert run.frames_done == len(got)  # was 45, frames the caller never got
    assert run.face_frames() == {_face(got): len(got) - len(BLANK)}
    assert all(s.offset < len(got) for s in run.spots())


def test_ctrl_c_in_the_callers_loop_leaves_the_run_open_until_closed(clip: Path) -> None:
    """Ctrl-C that lands in the loop's own body: the generator is kept (a notebook keeps the traceback), not closed.
    Its spots are refused until it is closed; another rows() is refused while it is open; after close(), the frames
    the caller got."""
    with open_source(clip) as src:
        run = Analysis(src)
        rows = run.rows()
        got: list[dict] = []
        with pytest.raises(KeyboardInterrupt):
            for row in rows:
                got.append(row)
                if len(got) == 40:
                    raise KeyboardInterrupt
        with pytest.raises(RuntimeError, match=r"still being read.*run\.close\(\)"):
            run.spots()
        with pytest.raises(RuntimeError, match=r"still open.*run\.close\(\)"):
            run.rows()
        run.close()
        assert (run.cancelled, run.frames_done) == (True, 40)
        assert run.face_frames() == {_face(got): 40 - len(BLANK)}
        assert all(s.offset < 40 for s in run.spots())
        again = list(run.rows())  # the cell run again: afresh
        assert (len(again), run.frames_done, run.cancelled) == (N, N, False)
        assert run.face_frames() == {_face(again): FACE_FRAMES}
