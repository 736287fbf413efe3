"""A re-run that numbers the two people the other way round: the coder's neutral frames and the dashed "previous
predictions" overlay it keeps follow each person to their new face, as the events do, back on Edit > Undo and again on
Redo; a cancelled re-run brings back the complete run with both as they were. Before h313 the neutral frames stayed on
the old number (the relative view subtracted the other person's levels) and each lane's dashed curve was the other
person's (audit a114, finding 2: its test_a114_neutral_rerun.py and test_a114_overlay_rerun.py, ported)."""

from __future__ import annotations

import threading

import gui_fixtures
import numpy as np
import pytest
from gui_fixtures import People, people_window, rerun_people

from merstudio.features.neutral import load_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral

pytestmark = pytest.mark.gui

LOW_BROWS = 2.0  # the right person's AU4 at rest: their neutral level, not the left person's


class Resting(People):
    """People whose right-hand person's brows rest low (AU4 2 above the left one's) and whose class probability is
    0.99 (the left one's stays FakeAnalysis' 0.3-0.9)."""

    def rows(self, progress=None, cancel=None):
        for row in super().rows(progress, cancel):
            if row.get("face_id", -1) >= 0 and row.get("x_0", 0) > 130:  # the person on the right (x + 60)
                row = {**row, "p_positive": 0.99, "AU04_r": row["AU04_r"] + LOW_BROWS}
            yield row


@pytest.fixture
def two_people(qtbot, qsettings, video_path, tmp_path, monkeypatch):
    """The window with both people analysed, the one on the right (face 2) picked, their neutral frames set on
    frames 4-16 and the relative view on."""
    monkeypatch.setattr(gui_fixtures, "People", Resting)
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        win.timeline.set_selection(4, 16)
        assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
        assert win.neutral.view_action.isChecked()
        yield win


def _neutral_faces(win) -> list[int]:
    return sorted(load_baselines(win.project, win.video.id))


def _relative_at_rest(win, face: int) -> float:
    """The face's AU4 as View > AUs relative to neutral draws it, over the neutral frames (4-16)."""
    return float(np.nanmax(win.neutral.column(face, "AU04_r")[4:17]))


def _kept(win, face: int) -> tuple[float, float]:
    """(the run's p_positive, the dashed previous predictions') of a face at frame 20, as the timeline has them."""
    (name,) = win.analysis.overlays
    return (float(win.analysis.buffer.get(face, "p_positive")[20]),
            float(win.analysis.overlays[name].get(face, "p_positive")[20]))


def test_neutral_frames_follow_the_person_through_the_rerun_its_undo_and_redo(qtbot, two_people):
    win = two_people
    assert _neutral_faces(win) == [2] and _relative_at_rest(win, 2) == pytest.approx(0, abs=0.05)
    Resting.swap = True  # the re-run calls the person on the right face 1
    rerun_people(qtbot, win)
    assert _neutral_faces(win) == [1], "the right person's neutral frames are face 1's now"
    win.pick_face(1)
    # the right person's curve starts at 0 on their own neutral frames (was ~2: the left one's levels taken off)
    assert _relative_at_rest(win, 1) == pytest.approx(0, abs=0.05)
    assert win.neutral.baseline(2) is None  # the left person has none: absolute
    win.undo_stack.undo()
    assert _neutral_faces(win) == [2] and _relative_at_rest(win, 2) == pytest.approx(0, abs=0.05)
    win.undo_stack.redo()
    assert _neutral_faces(win) == [1] and _relative_at_rest(win, 1) == pytest.approx(0, abs=0.05)
    assert not win.errors, win.errors


def test_kept_predictions_follow_the_person(qtbot, two_people):
    win = two_people
    assert float(win.analysis.buffer.get(2, "p_positive")[20]) == pytest.approx(0.99)
    Resting.swap = True
    rerun_people(qtbot, win)
    # each lane's dashed curve is its own person's previous predictions
    new, old = _kept(win, 1)
    assert new == pytest.approx(0.99) and old == pytest.approx(0.99, abs=0.01), "face 1's are the other person's"
    new, old = _kept(win, 2)
    assert new == pytest.approx(old, abs=0.01) and old < 0.95
    win.undo_stack.undo()  # the run before: the right person is face 2 again, their dashed curve with them
    assert _kept(win, 2) == pytest.approx((0.99, 0.99), abs=0.01)
    win.undo_stack.redo()
    assert _kept(win, 1) == pytest.approx((0.99, 0.99), abs=0.01)
    assert not win.errors, win.errors


def test_a_cancelled_rerun_brings_the_complete_run_back_with_both(qtbot, two_people):
    win = two_people
    vid = win.video.id
    Resting.swap = True
    Resting.gate = threading.Event()
    win.analysis.batch_seconds = 0.0
    try:
        assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True), win.errors
        # parked after frame 10, the swapped faces' rows stored
        qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
        assert win.project.analysis(vid).status == "running"
        win.analysis.cancel()
        Resting.gate.set()
        qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    finally:
        Resting.gate = None
    assert not win.project.analysis(vid).settings.get("event_faces")  # the complete run, as it was
    assert _neutral_faces(win) == [2] and _relative_at_rest(win, 2) == pytest.approx(0, abs=0.05)
    assert _kept(win, 2) == pytest.approx((0.99, 0.99), abs=0.01)
    assert not win.errors, win.errors


def test_neutral_frames_set_during_a_cancelled_rerun_go_to_their_person(qtbot, two_people):
    """Set on the running re-run's face 1 (the person on the right, as it numbers them), then the run cancelled: the
    complete run is shown again with them on face 2, the right person's there."""
    win = two_people
    vid = win.video.id
    Resting.swap = True
    Resting.gate = threading.Event()
    win.analysis.batch_seconds = 0.0
    try:
        assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True), win.errors
        qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)
        win.pick_face(1)
        win.timeline.set_selection(4, 9)
        assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
        win.analysis.cancel()
        Resting.gate.set()
        qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    finally:
        Resting.gate = None
    assert {f: (b.first, b.last) for f, b in load_baselines(win.project, vid).items()} == {2: (4, 9)}
    win.pick_face(2)
    assert _relative_at_rest(win, 2) == pytest.approx(0, abs=0.05)
    assert not win.errors, win.errors
