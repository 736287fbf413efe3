"""The Map ELAN tiers dialog (h193): a tier naming no participant starts on the face nobody is on, as the import
places it."""

from __future__ import annotations

import pytest
from support.participant_eaf import participant_eaf

pytestmark = pytest.mark.gui

_MARKER = ('<TIER ANNOTATOR="zoe" LINGUISTIC_TYPE_REF="default-lt" TIER_ID="marker"><ANNOTATION>'
           '<ALIGNABLE_ANNOTATION ANNOTATION_ID="m1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">'
           "<ANNOTATION_VALUE>surprise</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>")


def _with_marker(tmp_path):
    src = participant_eaf(tmp_path / "dyad.eaf")
    src.write_text(src.read_text(encoding="utf-8").replace("<LINGUISTIC_TYPE ", _MARKER + "\n    <LINGUISTIC_TYPE ",
                                                           1), encoding="utf-8")
    return src


def test_a_tier_naming_nobody_starts_on_a_face_nobody_is_on(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    src = _with_marker(tmp_path)
    dlg = TierMapDialog(foreign_tiers(src), src.name)
    qtbot.addWidget(dlg)
    assert (dlg.face("Emotion_Mother"), dlg.face("AU_Infant"), dlg.face("marker")) == (0, 1, 2)
    assert dlg.faces() == {}
    # the project's names: Mother and Infant on 2 and 0; a known Father on 1: nobody's is 3
    known = TierMapDialog(foreign_tiers(src), src.name, known_faces={0: "Infant", 1: "Father"})
    qtbot.addWidget(known)
    assert (known.face("Emotion_Mother"), known.face("AU_Infant"), known.face("marker")) == (2, 0, 3)
