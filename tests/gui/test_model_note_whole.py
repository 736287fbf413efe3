"""The note naming the model beside the class lane ("synthetic only — not evidence") at a laptop's 1366x768 with
three coders' lanes and a behaviours lane: the lane was too short for the class names and the note, which was cut
in half at the legend cell's bottom. The lane now keeps the note's line in its height."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF

from merstudio.gui import commands as C
from merstudio.project import Behaviour, Event
from merstudio.resources import starter_checkpoint

pytestmark = pytest.mark.gui


@dataclass
class _Settings:  # what the worker records (the fake analysis ignores the checkpoint)
    checkpoint: Path | None = None
    landmarks: bool = True


def test_the_model_note_is_whole_beside_a_short_class_lane(qtbot, window, video_path, monkeypatch):
    ckpt = starter_checkpoint()
    if ckpt is None:
        pytest.skip("no starter checkpoint")
    win = window
    win.resize(1366, 768)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    assert win.ctx.execute(C.RunAnalysis, settings=_Settings(), confirmed=True)
    qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
    v = win.video.id
    for i, coder in enumerate(("ann", "bob", "tester")):
        win.project.add_event(Event(v, 10 + 20 * i, 12 + 20 * i, 16 + 20 * i, emotion="negative", coder=coder))
    win.coding.reload()
    win.set_coder_view(True)
    win.behaviours.add(Behaviour("gaze away", key="1"))
    win.behaviours.add(Behaviour("nod", key="2", kind="point"))
    note = win.model_note
    monkeypatch.setattr(note, "model_path", lambda: str(ckpt))  # the class curves are the starter model's
    note._key = None
    note.update()
    tl = win.timeline
    qtbot.wait(100)
    assert note.synthetic and note.item.isVisible() and tl._class_curves
    box = note._box.sceneBoundingRect()
    doc = note.item.item
    m = doc.document().documentMargin()
    text = doc.mapRectToScene(QRectF(doc.boundingRect()).adjusted(m, m, -m, -m))  # the words as drawn
    assert box.top() - 0.5 <= text.top() and text.bottom() <= box.bottom() + 0.5, (text, box)
    assert text.right() <= box.right() + 0.5, (text, box)
    names = [label.sceneBoundingRect() for _sample, label in tl.class_plot.legend.items]
    assert names and not any(text.intersects(r) for r in names)
