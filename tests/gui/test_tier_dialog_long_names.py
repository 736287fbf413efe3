"""Map ELAN tiers with a colleague's long, descriptive tier name: the coder is the file's AUTHOR (not the name less
its role words, "Dana_ _and_ _of_the_participant..."), the name is elided (whole on hover) so the coder and "Holds"
columns stay in the dialog, which fits a small screen and scrolls sideways when made narrower still."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QScrollArea

pytestmark = pytest.mark.gui

LONG = "Dana_emotions_and_expressions_of_the_participant_during_the_interview"


def _eaf(path: Path, tiers: dict[str, str], author: str) -> Path:
    """An ELAN file by ``author`` with these tiers, one annotation each (1000-1500 ms)."""
    body = "".join(
        f'<TIER LINGUISTIC_TYPE_REF="default" TIER_ID="{t}"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i}" '
        f'TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>{v}</ANNOTATION_VALUE>'
        "</ALIGNABLE_ANNOTATION></ANNOTATION></TIER>" for i, (t, v) in enumerate(tiers.items()))
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="{author}" FORMAT="3.0" VERSION="3.0">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" '
        'TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1500"/></TIME_ORDER>'
        f'{body}<LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default" TIME_ALIGNABLE="true"/>'
        "</ANNOTATION_DOCUMENT>", encoding="utf-8")
    return path


def test_the_coder_of_a_descriptive_tier_name_is_the_files_author(tmp_path):
    from merstudio.gui.tier_dialog import prefill
    from merstudio.interchange.eaf import foreign_tiers

    info = foreign_tiers(_eaf(tmp_path / "dana.eaf", {LONG: "happiness", "AU": "6+12"}, author="Dana"))
    got = prefill(info)
    assert got[LONG][1] == "Dana"
    assert got["AU"][1] == "Dana"
    # no AUTHOR: a description is no name; the coder is left for the user to type (the dialog asks for it)
    nobody = foreign_tiers(_eaf(tmp_path / "nobody.eaf", {LONG: "happiness",
                                                          "Emotions of the participant": "surprise"}, author=""))
    assert {t: c for t, (_, c, _) in prefill(nobody).items()} == {LONG: "", "Emotions of the participant": ""}
    # a tier named for its coder keeps that name, whoever wrote the file (a file merging two coders' tiers)
    merged = foreign_tiers(_eaf(tmp_path / "merged.eaf", {"Alice_emotions": "happiness", "AU-Bob": "4"},
                                author="Carol"))
    assert {t: c for t, (_, c, _) in prefill(merged).items()} == {"Alice_emotions": "Alice", "AU-Bob": "Bob"}


def test_a_long_tier_name_leaves_the_coder_and_holds_columns_in_a_dialog_that_fits(qtbot, tmp_path, monkeypatch):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    avail = QRect(0, 0, 960, 540)  # 1080p at 200 %
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(avail))
    info = foreign_tiers(_eaf(tmp_path / "dana.eaf", {LONG: "happiness", "AU": "6+12", "Gaze": "away"},
                              author="Dana"))
    dlg = TierMapDialog(info, "dana.eaf")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert avail.contains(dlg.frameGeometry())
    box, name, kind = dlg.rows[LONG]
    assert box.toolTip() == LONG and len(box.text()) < len(LONG)  # elided, whole on hover
    for tier, (_, name, kind) in dlg.rows.items():
        for w in (name, kind):
            right = w.mapTo(dlg, QPoint(w.width(), 0)).x()
            assert right <= dlg.width(), (tier, w, right, dlg.width())
    # narrower than its rows: it scrolls sideways to the coder and what the tier holds, instead of cutting them
    dlg.resize(360, dlg.height())
    scroll = dlg.findChild(QScrollArea)
    inner = scroll.widget()
    qtbot.waitUntil(lambda: dlg.width() == 360 and scroll.viewport().width() < inner.width())
    _, name, kind = dlg.rows[LONG]
    assert kind.mapTo(inner, QPoint(kind.width(), 0)).x() <= inner.width()
    qtbot.waitUntil(lambda: scroll.horizontalScrollBar().isVisible())
    assert scroll.horizontalScrollBar().maximum() == inner.width() - scroll.viewport().width()
