"""The Map ELAN tiers dialog and a file with one tier per participant (audit a90 finding 3): it prefilled both tiers
for one coder with no face, and its text promised the join, so the Infant's AUs went into the Mother's emotion. Each
row now has the face of the tier's participant, the user can change it, and the import follows it."""

from __future__ import annotations

import pytest
from gui_fixtures import open_video
from PySide6.QtWidgets import QDialog
from support.participant_eaf import participant_eaf

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _coding(events):
    return sorted((e.face_id, e.onset, e.offset, e.emotion, e.aus) for e in events)


def test_the_dialog_gives_each_participant_a_face_and_the_import_follows_it(window, video_path, tmp_path,
                                                                          monkeypatch):
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    win = window
    video = open_video(win, video_path)
    src = participant_eaf(tmp_path / "dyad.eaf")
    dlg = TierMapDialog(foreign_tiers(src), src.name, parent=win)
    assert dlg.row("Emotion_Mother") == (True, "zoe", "emotion") and dlg.row("AU_Infant") == (True, "zoe", "aus")
    assert (dlg.face("Emotion_Mother"), dlg.face("AU_Infant")) == (0, 1)
    assert "Mother face 0, Infant face 1" in dlg.head.text() and "of the same face" in dlg.head.text()
    assert dlg.faces() == {}  # as filled in: the participant rule places them so
    dlg.set_row("AU_Infant", face=2)
    assert dlg.faces() == {"AU_Infant": 2}
    dlg.set_row("AU_Infant", on=False)
    assert dlg.faces() == {}  # a tier left out has no face to give
    dlg.deleteLater()
    # the names earlier imports into the video gave faces fill the column in as the import will place them
    known = TierMapDialog(foreign_tiers(src), src.name, parent=win, known_faces={0: "Infant", 1: "Father"})
    assert (known.face("Emotion_Mother"), known.face("AU_Infant")) == (2, 0)
    assert "Mother face 2, Infant face 0" in known.head.text()
    known.deleteLater()

    seen = {}

    def map_tiers(self):  # as a user: the Infant's tier on face 3
        self.set_row("AU_Infant", face=3)
        return QDialog.DialogCode.Accepted

    def confirm(self):
        seen["preview"] = _coding(self.preview.events)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TierMapDialog, "exec", map_tiers)
    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)
    assert win.ctx.execute(C.ImportEvents, path=str(src)), win.errors
    want = [(0, 30, 44, "happiness", ""), (3, 33, 41, "", "4+15")]
    assert seen["preview"] == want and _coding(win.project.events(video.id)) == want
