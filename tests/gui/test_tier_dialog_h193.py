"""The Map ELAN tiers dialog (h193): a tier naming no participant starts on the face nobody is on, as the import
places it."""

from __future__ import annotations

import pytest
from support.participant_eaf import participant_eaf, with_marker_tier

pytestmark = pytest.mark.gui

def test_a_tier_naming_nobody_starts_on_a_face_nobody_is_on(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    src = with_marker_tier(tmp_path)
    dlg = TierMapDialog(foreign_tiers(src), src.name)
    qtbot.addWidget(dlg)
    assert (dlg.face("Emotion_Mother"), dlg.face("AU_Infant"), dlg.face("marker")) == (0, 1, 2)
    assert dlg.faces() == {}
    assert "names no participant: at first the first face no participant is on" in dlg.face_boxes["marker"].toolTip()
    # the project's names: Mother and Infant on 2 and 0; a known Father on 1: nobody's is 3
    known = TierMapDialog(foreign_tiers(src), src.name, known_faces={0: "Infant", 1: "Father"})
    qtbot.addWidget(known)
    assert (known.face("Emotion_Mother"), known.face("AU_Infant"), known.face("marker")) == (2, 0, 3)


def _coding(events):
    return sorted((e.face_id, e.onset, e.offset, e.emotion, e.aus) for e in events)


def test_a_face_the_user_gave_a_tier_is_remembered_with_the_mapping(window, video_path, tmp_path, monkeypatch):
    """h193 item 2: the next file with the same tiers started from the participant rule again (the marker, which
    names no participant, back on face 2; a participant's tier keeps its face by the video's known names)."""
    from gui_fixtures import open_video
    from PySide6.QtWidgets import QDialog

    from merstudio.gui import commands as C
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog

    win = window
    video = open_video(win, video_path)
    first = with_marker_tier(tmp_path)
    shown = []

    def map_tiers(self):  # the first file: the user puts the marker on face 4; the second: as filled in
        self.set_row("marker", on=True, coder="zoe", role="emotion")
        shown.append(self.face("marker"))
        if len(shown) == 1:
            self.set_row("marker", face=4)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TierMapDialog, "exec", map_tiers)
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert win.ctx.execute(C.ImportEvents, path=str(first)), win.errors
    # the same tiers, a later coding (another coder's file of the session: other times)
    second = tmp_path / "dyad2.eaf"
    second.write_text(first.read_text(encoding="utf-8").replace('TIME_VALUE="1000"', 'TIME_VALUE="600"')
                      .replace('TIME_VALUE="1100"', 'TIME_VALUE="1700"').replace('TIME_VALUE="1400"', 'TIME_VALUE="1900"'),
                      encoding="utf-8")
    assert win.ctx.execute(C.ImportEvents, path=str(second)), win.errors
    assert shown == [2, 4]  # it starts where the user put it
    got = {(e.face_id, e.emotion or e.aus) for e in win.project.events(video.id)}
    assert got == {(0, "happiness"), (1, "4+15"), (4, "surprise")}
    assert len(win.project.events(video.id)) == 6


def test_a_remembered_face_is_for_the_participant_named_then(qtbot, tmp_path):
    from merstudio.gui.tier_dialog import TierMapDialog, remembered_face, remembered_value
    from merstudio.interchange.eaf import foreign_tiers

    src = participant_eaf(tmp_path / "dyad.eaf")
    info = foreign_tiers(src)
    memory = remembered_value([t.tier for t in info.tiers], {"Emotion_Mother": "zoe", "AU_Infant": "zoe"},
                              {"Emotion_Mother": "emotion", "AU_Infant": "aus"}, info, {"AU_Infant": 3})
    assert memory["AU_Infant"]["face"] == 3 and "face" not in memory["Emotion_Mother"]
    infant = next(t for t in info.tiers if t.tier == "AU_Infant")
    assert remembered_face(infant, memory) == 3
    # another person's file with these tiers: the participant rule, not the face chosen for the Infant
    other = tmp_path / "other.eaf"
    other.write_text(src.read_text(encoding="utf-8").replace('PARTICIPANT="Infant"', 'PARTICIPANT="Baby"'),
                     encoding="utf-8")
    dlg = TierMapDialog(foreign_tiers(other), other.name, remembered=memory)
    qtbot.addWidget(dlg)
    assert dlg.face("AU_Infant") == 1 and dlg.faces() == {}
    same = TierMapDialog(info, src.name, remembered=memory)
    qtbot.addWidget(same)
    assert same.face("AU_Infant") == 3 and same.faces() == {"AU_Infant": 3}  # passed on to the import
    # a video whose earlier imports placed the Infant: its face there (one person, one face across files)
    known = TierMapDialog(info, src.name, remembered=memory, known_faces={5: "infant"})
    qtbot.addWidget(known)
    assert known.face("AU_Infant") == 5 and known.faces() == {}
    # a damaged record: the rule
    assert remembered_face(infant, {"AU_Infant": {"coder": "zoe", "face": "3"}}) is None
