"""Edges h332 closed in the app, a re-run numbering the two people the other way round (People.swap): a cancelled
re-run's status line names the neutral frames it moved back to their person's face as it names the events (it said
only the events: the coder saw their neutral frames change face without a word)."""

from __future__ import annotations

import threading

import pytest
from gui_fixtures import People, people_window

from merstudio.features.neutral import load_baselines
from merstudio.gui import commands as C
from merstudio.gui.neutral import SetNeutral

pytestmark = pytest.mark.gui


@pytest.fixture
def two_people(qtbot, qsettings, video_path, tmp_path):
    """Both people analysed (face 2 the one on the right, picked); People set back after."""
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        yield win
    People.gate = None


def _begin_swapped_rerun(qtbot, win) -> None:
    """A re-run that numbers the people the other way round, parked after frame 10 (its rows stored)."""
    People.swap = True
    People.gate = threading.Event()
    win.analysis.batch_seconds = 0.0
    assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True), win.errors
    qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)


def _end(qtbot, win, cancel: bool) -> None:
    if cancel:
        win.analysis.cancel()
    People.gate.set()
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)


def test_a_cancelled_reruns_line_names_the_neutral_frames_it_moved_back(qtbot, two_people):
    win = two_people
    vid = win.video.id
    _begin_swapped_rerun(qtbot, win)
    win.pick_face(1)  # the person on the right, as the re-run numbers them
    win.timeline.set_selection(4, 9)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    _end(qtbot, win, cancel=True)
    assert {f: (b.first, b.last) for f, b in load_baselines(win.project, vid).items()} == {2: (4, 9)}
    line = win.statusBar().currentMessage()
    assert "the complete run before it is shown again" in line
    assert "neutral frames set during the re-run moved with its person: face 1's to face 2" in line, line
    assert not win.errors, win.errors
