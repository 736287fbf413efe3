"""Labels from a received file are text, never markup (a67): an imported emotion ``<b>bold</b><img src=…>`` showed
bold with its tags gone in the event bar's tooltip (Qt takes a tooltip whose first line looks like HTML for rich
text), a coder ``<a href='http://x'>bob</a>`` became a link, an emotion ending in ``<!--`` hid the rest of the
tooltip, and the Map ELAN tiers dialog showed a tier's values and name the same way. What a user reads is asked of
Qt itself: the text a tooltip or label string is drawn as (QTextDocument for rich text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from merstudio.project import Event

pytestmark = pytest.mark.gui

HOSTILE = "<b>x</b><!--"
CODER = "<a href='http://x'>bob</a>"
ODD = Event(1, 100, 120, 140, id=7, emotion=HOSTILE, aus="4+7", coder=CODER)


def shown_tip(tip: str) -> str:
    """What a tooltip of this string shows: Qt's own rule (QToolTip: rich text where Qt.mightBeRichText says so)."""
    if not QtGuiNamespace.mightBeRichText(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def shown_label(label: QLabel) -> str:
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and QtGuiNamespace.mightBeRichText(
        label.text()))
    if not rich:
        return label.text()
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def test_an_event_bars_tooltip_shows_its_emotion_and_coder_as_written(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, 300, size=(1366, 420))
    tl.set_events([ODD])
    vb = tl.events_plot.vb
    moves = iter(range(10**6))

    def hovered() -> bool:  # moved again until the bar has its words: under load the first move can land before
        x = 110 + next(moves) % 2  # the lane is laid out (a move to the same point makes no hover event)
        QTest.mouseMove(tl.viewport(), tl.mapFromScene(vb.mapViewToScene(QPointF(x, 0.8))))
        return tl.regions[ODD.id].toolTip() != ""

    qtbot.waitUntil(hovered, timeout=20000)
    seen = shown_tip(tl.regions[ODD.id].toolTip())
    # the whole tooltip, the lines after the emotion's "<!--" too
    assert HOSTILE in seen and CODER in seen and "frames 100-140" in seen, seen


def test_a_coder_lanes_tooltips_show_the_coders_name_as_written(qtbot):
    from gui_fixtures import shown_timeline

    tl = shown_timeline(qtbot, 300, size=(1366, 420))
    tl.set_events([ODD])
    tl.set_coder_view(True)
    qtbot.wait(50)
    bar = tl.coder_bars[CODER]
    assert shown_tip(bar.toolTip()) == CODER
    over = shown_tip(bar.tip_at(QPointF(110, 0.5)))  # over its event: the coder, then the event's words
    assert over.startswith(CODER + "\n") and HOSTILE in over, over


def _eaf(path: Path, tier: str, value: str) -> Path:
    from xml.sax.saxutils import escape, quoteattr

    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="Dana" FORMAT="3.0" VERSION="3.0">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" '
        'TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1500"/></TIME_ORDER>'
        f'<TIER LINGUISTIC_TYPE_REF="default" TIER_ID={quoteattr(tier)}><ANNOTATION><ALIGNABLE_ANNOTATION '
        'ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">'
        f"<ANNOTATION_VALUE>{escape(value)}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>"
        '<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default" TIME_ALIGNABLE="true"/>'
        "</ANNOTATION_DOCUMENT>", encoding="utf-8")
    return path


def test_the_tier_dialog_shows_a_files_tier_names_and_values_as_written(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    tier, value = "<i>Emo</i><!--", "<b>bold</b><img src=/etc/passwd>"
    info = foreign_tiers(_eaf(tmp_path / "odd.eaf", tier, value))
    dlg = TierMapDialog(info, "odd.eaf")
    qtbot.addWidget(dlg)
    box = dlg.rows[tier][0]
    assert shown_tip(box.toolTip()) == tier
    values = [w for w in dlg.findChildren(QLabel) if w.toolTip() and value in shown_tip(w.toolTip())]
    assert values, "the values' tooltip shows the value as written"
    assert shown_label(values[0]).startswith("<b>bold</b><img"), shown_label(values[0])  # cut to the room there is


def test_a_lane_legend_shows_a_checkpoints_class_name_as_written(qtbot):
    import pyqtgraph as pg

    from merstudio.gui.timeline_items import _CompactLegend

    legend = _CompactLegend()
    legend.addItem(pg.PlotDataItem(), "<b>x</b><!--")
    assert [label.item.toPlainText() for _sample, label in legend.items] == ["<b>x</b><!--"]
