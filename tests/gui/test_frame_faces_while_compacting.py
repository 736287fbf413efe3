"""While File > Compact project runs in its worker (h180), a frame shown read its faces' landmarks from the project on
the GUI thread, which waited on the VACUUM's lock: the window froze for the whole compaction while a video played
(h182's find). The frame is shown without them meanwhile, and the faces are drawn once the compaction ends."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from merstudio.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_no_landmark_read_while_compacting_then_redrawn(window, monkeypatch: pytest.MonkeyPatch):
    win = window
    reads: list[int] = []
    asked: list[bool] = []
    fake = SimpleNamespace(landmarks=lambda vid, frame: reads.append(frame) or {}, path=Path("study.merproj"),
                           read_only=False)  # (the window's 2-s disk watch may look at it on a loaded machine)
    monkeypatch.setattr(MainWindow, "project", property(lambda self: fake))
    monkeypatch.setattr(MainWindow, "video", property(lambda self: SimpleNamespace(id=1)))
    monkeypatch.setattr(win.transport, "request_current", lambda: asked.append(True))
    monkeypatch.setattr(win, "_update_labels", lambda: None)  # (the title: not this test's, and fake has no file)
    win.overlay_action.setChecked(True)
    rgb = np.zeros((8, 8, 3), np.uint8)
    win.session.compacting = "study.merproj"
    win._frame_ready(3, rgb)
    assert reads == [], "the faces were read while the project compacted: the GUI thread waits on its lock"
    win.session.compacting = ""
    win._compacting_changed()
    assert asked, "the frame shown was not asked again once the compaction ended: its faces stay undrawn"
    win._frame_ready(3, rgb)
    assert reads == [3]
