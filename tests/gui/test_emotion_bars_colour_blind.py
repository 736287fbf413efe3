"""Colour-blind coders read the events track (h99): positive and negative bars were 2.2 apart in CIELAB under
deuteranopia (green #2e7d32 and red #c62828 as the track's pale fill), with no word on the bar, no tooltip and no key.
The simulation is Machado, Oliveira & Fernandes (2009)'s published deuteranopia and protanopia matrices (and tritanopia's) (severity
1.0) on linear sRGB, applied to the pixels the timeline draws."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from support.colour_vision import dichromat_sees, srgb_to_lab

from merstudio.project import Event

pytestmark = pytest.mark.gui

POS = Event(1, 20, 40, 60, id=1, emotion="positive", aus="6+12", coder="ann")
NEG = Event(1, 100, 120, 140, id=2, emotion="negative", aus="4+7", coder="bob")


@pytest.fixture
def timeline(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, 300, size=(1366, 420))
    tl.set_events([POS, NEG])
    qtbot.wait(50)
    return tl


def _bar_colour(tl, event: Event) -> np.ndarray:
    """The colour most of an event's bar is filled with on screen (its fill: not its edge, apex, mark or word)."""
    img = tl.grab().toImage()
    vb = tl.events_plot.vb
    top_left = tl.mapFromScene(vb.mapViewToScene(QPointF(event.onset, 1.0)))
    bottom_right = tl.mapFromScene(vb.mapViewToScene(QPointF(event.offset, 0.0)))
    dpr = img.devicePixelRatio()
    counts: Counter[int] = Counter()
    for x in range(int(top_left.x() * dpr) + 3, int(bottom_right.x() * dpr) - 3):
        for y in range(int(top_left.y() * dpr) + 3, int(bottom_right.y() * dpr) - 3):
            counts[img.pixel(x, y) & 0xFFFFFF] += 1
    rgb = counts.most_common(1)[0][0]
    return np.array([(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255]) / 255


@pytest.mark.parametrize("kind", ["deutan", "protan"])
def test_positive_and_negative_bars_differ_to_a_colour_blind_coder(timeline, kind):
    pos, neg = _bar_colour(timeline, POS), _bar_colour(timeline, NEG)
    assert np.linalg.norm(srgb_to_lab(pos) - srgb_to_lab(neg)) > 20  # told apart in normal vision, of course
    seen = np.linalg.norm(srgb_to_lab(dichromat_sees(pos, kind)) - srgb_to_lab(dichromat_sees(neg, kind)))
    assert seen >= 15, (kind, pos, neg, seen)  # was 2.2 (deutan) and 12 (protan): green and red alike


def test_each_bar_says_its_emotion_in_words(timeline, qtbot):
    tl = timeline
    for e in (POS, NEG):
        tag = tl.regions[e.id].tag
        assert tag.isVisible() and tag.toPlainText() == e.emotion  # a 41-frame bar of 300 has room for the word
    # narrowed (zoomed out far on a long video): the initial, then nothing on the bar; the tooltip still says it
    tl.set_video(30000, 30.0)
    qtbot.wait(50)
    shown = [r.tag.toPlainText() for r in tl.regions.values() if r.tag.isVisible()]
    assert all(t in ("pos", "neg", "P", "N") for t in shown), shown


def test_hovering_a_bar_tells_its_emotion_aus_coder_frames_and_status(timeline, qtbot):
    tl = timeline
    vb = tl.events_plot.vb
    at = tl.mapFromScene(vb.mapViewToScene(QPointF(110, 0.8)))
    QTest.mouseMove(tl.viewport(), at)
    qtbot.waitUntil(lambda: tl.regions[NEG.id].toolTip() != "")
    tip = tl.regions[NEG.id].toolTip()
    for word in ("negative", "4+7", "bob", "100", "140", "apex 120", "accepted"):
        assert word in tip, (word, tip)


def test_the_events_lane_has_a_key_of_the_emotions(timeline):
    key = timeline.emotion_legend.text
    assert "positive" in key and "negative" in key


def test_class_curves_differ_in_dash_pattern_too(qtbot):
    from gui_fixtures import shown_timeline
    from support.curve_buffers import flat_buffer

    tl = shown_timeline(qtbot, 60)
    tl.set_buffer(flat_buffer(), 0)
    pens = {c: k.opts["pen"] for c, k in tl._class_curves.items()}
    patterns = {c: tuple(p.dashPattern()) if p.style() == Qt.PenStyle.CustomDashLine else () for c, p in pens.items()}
    assert len(set(patterns.values())) == len(patterns) == 4, patterns


def test_the_apex_line_does_not_cross_the_word(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, 300, size=(1366, 420))
    early = Event(1, 100, 102, 140, id=3, emotion="negative")  # its apex line where the word's letters are
    tl.set_events([early])
    qtbot.wait(50)
    tag = tl.regions[3].tag
    assert tag.isVisible() and tag.toPlainText() == "negative"
    img = tl.grab().toImage()
    rect = tl.mapFromScene(tag.mapToScene(tag.boundingRect())).boundingRect()
    apex = tl.regions[3].apex_line.pen.color().rgb() & 0xFFFFFF
    crossed = sum(img.pixel(x, y) & 0xFFFFFF == apex for x in range(rect.left() + 1, rect.right() - 1)
                  for y in range(rect.top() + 1, rect.bottom() - 1))
    assert crossed == 0  # "su|r": the apex line was drawn over the letters
