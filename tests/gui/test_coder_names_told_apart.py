"""Events by coder: each coder's row keeps a name a coder can tell apart from the others'. Names cut at the right
to the axis' width all read alike where they share a start (assistant-anna, assistant-bob, assistant-carl at
1366x768: three rows of "assista…"), and the docs' own "demo-coder" read "demo-…". The lanes' axes now widen (a
little, all of them: the lanes' frames line up) where that shows every name whole; longer names drop the start
they share ("…anna"); the whole name shows on hover."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def _coder_rows(qtbot, win, video_path, coders):
    win.resize(1366, 768)
    assert win.ctx.execute(C.OpenVideo, path=str(video_path))
    v = win.video.id
    for i, coder in enumerate(coders):
        win.project.add_event(Event(v, 10 + 20 * i, 12 + 20 * i, 16 + 20 * i, emotion="positive", coder=coder))
    win.coding.reload()
    win.set_coder_view(True)
    qtbot.wait(50)
    tl = win.timeline
    assert tl.coder_lanes == sorted(coders)
    axis = tl.coder_plot.getAxis("left")
    return tl, axis, [t for _pos, t in axis._tickLevels[0]]


def _recognisable(label: str, name: str, others: list[str]) -> bool:
    """Every piece of the label is of its own name, and the label as read is in no other coder's name."""
    pieces = [p for p in label.split("…") if p]
    return bool(pieces) and all(p in name for p in pieces) and not any(max(pieces, key=len) in o for o in others)


def _lanes_line_up(tl) -> None:
    lefts = {round(p.vb.sceneBoundingRect().left(), 1) for p in tl.plots if p.isVisible()}
    assert len(lefts) == 1, lefts  # every lane's frame 0 at the same x


@pytest.mark.parametrize("coders", [
    ["assistant-anna", "assistant-bob", "assistant-carl"],
    # too long for any axis a lane can spare: the shared start goes
    ["research-assistant-anna", "research-assistant-bob", "research-assistant-carl"],
])
def test_coders_sharing_a_start_are_told_apart(qtbot, window, video_path, coders):
    tl, axis, labels = _coder_rows(qtbot, window, video_path, coders)
    names = tl.coder_lanes
    assert len(set(labels)) == len(labels), labels  # were "assista…" three times
    for label, name in zip(labels, names, strict=True):
        assert _recognisable(label, name, [o for o in names if o != name]), (label, name)
    # each drawn: pyqtgraph leaves out a name wider than its axis
    fm = QFontMetrics(axis.font())
    assert all(fm.horizontalAdvance(t) <= axis.width() - 10 for t in labels)
    _lanes_line_up(tl)
    # the whole name over each coder's events, and on the axis wherever a row's name is shortened
    assert {n: tl.coder_bars[n].toolTip() for n in names} == {n: n for n in names}
    for label, name in zip(labels, names, strict=True):
        assert label == name or name in axis.toolTip()


def test_the_docs_coder_name_shows_whole(qtbot, window, video_path):
    """The workbench screenshot's coders: "demo-coder" read "demo-…"."""
    tl, axis, labels = _coder_rows(qtbot, window, video_path, ["demo-coder", "coder-b", "model"])
    assert labels == ["coder-b", "demo-coder", "model"]
    _lanes_line_up(tl)
    # coder lanes off: every lane's axis back to its usual width
    wide = axis.width()
    window.set_coder_view(False)
    qtbot.wait(50)
    assert tl.au_plot.getAxis("left").width() < wide
    _lanes_line_up(tl)
