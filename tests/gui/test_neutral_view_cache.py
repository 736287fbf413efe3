"""View > AUs relative to neutral caches what it computes, and the caches follow what they come from: a relative
curve belongs to its buffer (another video's or a rerun's starts its version at 1 again: video B showed video A's
smile), and the baselines are read from the project once per video until they change (face_note asks ~34 columns a
frame, each a read of the project: 1.4 ms a frame per face)."""

import numpy as np
import pandas as pd
import pytest
from gui_fixtures import SPOTS
from helpers import open_and_analyse

import merstudio.gui.neutral as gn
from merstudio.features.neutral import NeutralBaseline, load_baselines, relative, store_baselines
from merstudio.gui.neutral import SetNeutral
from merstudio.gui.state import CurveBuffer

pytestmark = pytest.mark.gui


@pytest.fixture
def analysed(qtbot, window, video_path):
    return open_and_analyse(qtbot, window, video_path)


def _buffer(au12: np.ndarray) -> CurveBuffer:
    n = len(au12)
    return CurveBuffer.from_frame(pd.DataFrame({"frame": np.arange(n), "face_id": 0, "AU12_r": au12}), n)


def test_another_buffer_with_the_same_version_gets_its_own_relative_curve(analysed):
    win = analysed
    store_baselines(win.project, win.video.id, {0: NeutralBaseline(0, 0, 9, {"AU12_r": 0.0}, 10)})
    win.neutral.view_action.setChecked(True)
    smile = np.zeros(60)
    smile[40:50] = 3.0
    a, b = _buffer(smile), _buffer(np.zeros(60))
    assert a.version == b.version  # what the cache was keyed by
    win.analysis.buffer = a
    win.analysis.bufferChanged.emit()
    assert win.neutral.column(0, "AU12_c")[45] == 1 and win.neutral.column(0, "AU12_r")[45] == 3
    win.analysis.buffer = b  # another video (or a rerun) with no smile
    win.analysis.bufferChanged.emit()
    assert win.neutral.column(0, "AU12_c")[45] == 0 and win.neutral.column(0, "AU12_r")[45] == 0


def test_the_baselines_are_read_once_and_again_after_they_change(analysed, monkeypatch):
    win = analysed
    apex = SPOTS[0][1]
    win.timeline.set_selection(3, 12)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors  # rest 0.2: the view turns on
    reads = []
    load = gn.load_baselines
    monkeypatch.setattr(gn, "load_baselines", lambda *a: reads.append(a) or load(*a))
    at_apex = win.neutral.column(0, "AU12_r")[apex]
    for frame in range(30):  # the face label over the video, frame after frame
        win._face_note(0, frame)
    assert len(reads) <= 1
    # another baseline (one undo step) is read at once, and so is its undo and redo
    win.timeline.set_selection(apex - 2, apex + 2)
    assert win.ctx.execute(SetNeutral, mode="selection"), win.errors
    level = load_baselines(win.project, win.video.id)[0].values["AU12_r"]
    at_peak = relative(win.analysis.buffer.get(0, "AU12_r"), level)[apex]
    assert at_peak != pytest.approx(at_apex)
    assert win.neutral.column(0, "AU12_r")[apex] == pytest.approx(at_peak)
    win.undo_stack.undo()
    assert win.neutral.column(0, "AU12_r")[apex] == pytest.approx(at_apex)
    win.undo_stack.redo()
    assert win.neutral.column(0, "AU12_r")[apex] == pytest.approx(at_peak)
