"""A colleague's ELAN file with tiers of their own ("Emotion", "AU") imported in the app: the Map ELAN tiers step
says whose coding each tier is and what it holds (the app's ``merstudio convert --tier AU=alice:aus --tier
Emotion=alice:emotion``), the preview follows with that mapping, and the mapping is remembered for the next file
with these tiers."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_fixtures import open_video
from PySide6.QtWidgets import QDialog
from support.elan_files import tier_values_eaf

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def _tiers_eaf(path: Path, author: str = "Alice", extra: dict[str, tuple[str, ...]] | None = None,
               annotator: str = "") -> Path:
    """Alice's AUs and emotions on tiers of their own, as coders lay them out in ELAN (ms, 30 fps): AU a1 567-667
    "12" (inside no emotion), a2 700-2300 "6+12+25" (inside emotion a4 700-2400), a3 1000-1500 "AU04" (the span of
    emotion a5); Emotion a4 "happiness", a5 "surprise". No ANNOTATOR (unless ``annotator``): the coder comes from
    the file's AUTHOR. ``extra``: more tiers of other things, ``{tier: values}`` (each value 700-2400 ms)."""
    slots = {"ts1": 567, "ts2": 667, "ts3": 2300, "ts4": 700, "ts5": 2400, "ts7": 1000, "ts8": 1500}

    def ann(aid: str, a: str, b: str, value: str) -> str:
        return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" TIME_SLOT_REF1="{a}" TIME_SLOT_REF2="{b}">'
                f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>")

    more = "".join(f'<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="{t}">'
                   + "".join(ann(f"x{i}_{j}", "ts4", "ts5", v) for j, v in enumerate(vals)) + "</TIER>"
                   for i, (t, vals) in enumerate((extra or {}).items()))
    who = f' ANNOTATOR="{annotator}"' if annotator else ""
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="{author}" FORMAT="3.0" VERSION="3.0">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER>'
        + "".join(f'<TIME_SLOT TIME_SLOT_ID="{k}" TIME_VALUE="{v}"/>' for k, v in slots.items())
        + f'</TIME_ORDER><TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="Emotion"{who}>'
        + ann("a4", "ts4", "ts5", "happiness") + ann("a5", "ts7", "ts8", "surprise")
        + f'</TIER><TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="AU"{who}>'
        + ann("a1", "ts1", "ts2", "12") + ann("a2", "ts4", "ts3", "6+12+25") + ann("a3", "ts7", "ts8", "AU04")
        + "</TIER>" + more + '<TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="default"/>'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>',
        encoding="utf-8")
    return path


MERGED = [("alice", 17, 19, "", "12"), ("alice", 21, 71, "happiness", "6+12+25"), ("alice", 30, 44, "surprise", "4")]


def _coding(events):
    return sorted((e.coder, e.onset, e.offset, e.emotion, e.aus) for e in events)


def test_mapped_tiers_import_through_the_command_as_one_undo_step(window, video_path, tmp_path):
    """With tier_coders / tier_roles given (no dialog), the AU annotations join the emotion annotations they lie
    in, as ``merstudio convert --tier AU=alice:aus --tier Emotion=alice:emotion`` does; one undo step."""
    win = window
    video = open_video(win, video_path)
    src = _tiers_eaf(tmp_path / "colleague.eaf")
    n_steps = win.undo_stack.count()
    assert win.ctx.execute(C.ImportEvents, path=str(src), tier_coders={"Emotion": "alice", "AU": "alice"},
                           tier_roles={"Emotion": "emotion", "AU": "aus"}, confirmed=True), win.errors
    assert _coding(win.project.events(video.id)) == MERGED
    assert any("merged into the 2 emotion annotation(s)" in n for n in win.last_import.notes)
    assert win.undo_stack.count() == n_steps + 1
    win.undo_stack.undo()
    assert win.project.events(video.id) == []
    win.undo_stack.redo()
    assert _coding(win.project.events(video.id)) == MERGED


def test_an_unmapped_file_fails_in_one_line_that_says_how_to_map_it_in_the_app(window, video_path, tmp_path):
    win = window
    video = open_video(win, video_path)
    src = _tiers_eaf(tmp_path / "colleague.eaf")
    assert not win.ctx.execute(C.ImportEvents, path=str(src), confirmed=True)
    msg = win.errors[-1]
    assert "\n" not in msg and "Emotion, AU" in msg and "Map ELAN tiers" in msg and "File > Import events" in msg
    assert win.project.events(video.id) == []


def test_the_mapping_dialog_lists_the_tiers_and_its_result_feeds_the_preview(window, video_path, tmp_path,
                                                                              monkeypatch):
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    win = window
    video = open_video(win, video_path)
    src = _tiers_eaf(tmp_path / "colleague.eaf")
    # built and read without exec: the tiers with their counts, sample values and prefilled coder and kind
    dlg = TierMapDialog(foreign_tiers(src), src.name, parent=win)
    assert list(dlg.rows) == ["Emotion", "AU"]  # the empty "default" tier is not offered
    assert dlg.row("Emotion") == (True, "Alice", "emotion")  # the coder from AUTHOR, the kind from the name
    assert dlg.row("AU") == (True, "Alice", "aus")  # its values are AU codes
    texts = [w.text() for w in dlg.findChildren(type(dlg.head))]
    assert "2" in texts and "3" in texts and any("happiness, surprise" in t for t in texts)
    assert any("12, 6+12+25, AU04" in t for t in texts)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    dlg.set_row("AU", coder="")  # a ticked tier needs a coder
    assert not ok.isEnabled() and "AU" in dlg.problem.text()
    dlg.set_row("AU", on=False)
    assert ok.isEnabled() and dlg.mapping() == ({"Emotion": "Alice"}, {"Emotion": "emotion"})
    dlg.deleteLater()

    # as a user: File > Import events shows the tier step, then the preview with that mapping
    seen = {}

    def map_tiers(self):
        seen["tiers"] = [(t, self.row(t)) for t in self.rows]
        self.set_row("Emotion", coder="alice")
        self.set_row("AU", coder="alice")
        return QDialog.DialogCode.Accepted

    def confirm(self):
        seen["preview"] = _coding(self.preview.events)
        seen["notes"] = list(self.preview.notes)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TierMapDialog, "exec", map_tiers)
    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)
    n_steps = win.undo_stack.count()
    assert win.ctx.execute(C.ImportEvents, path=str(src)), win.errors
    assert seen["tiers"] == [("Emotion", (True, "Alice", "emotion")), ("AU", (True, "Alice", "aus"))]
    assert seen["preview"] == MERGED and any("merged into" in n for n in seen["notes"])
    assert _coding(win.project.events(video.id)) == MERGED and win.undo_stack.count() == n_steps + 1


def test_the_mapping_is_remembered_and_prefilled_on_the_next_import(window, video_path, tmp_path, monkeypatch):
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog

    win = window
    video = open_video(win, video_path)
    first = _tiers_eaf(tmp_path / "first.eaf")
    assert win.ctx.execute(C.ImportEvents, path=str(first), tier_coders={"Emotion": "bob", "AU": "bob"},
                           tier_roles={"Emotion": "event", "AU": "aus"}, confirmed=True), win.errors
    seen = []

    def look(self):
        seen.append(({t: self.row(t) for t in self.rows}, self.memory_note.isVisibleTo(self)))
        return QDialog.DialogCode.Rejected  # cancel: nothing imported

    monkeypatch.setattr(TierMapDialog, "exec", look)
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: pytest.fail("no preview after a cancel"))
    n = len(win.project.events(video.id))
    second = _tiers_eaf(tmp_path / "second.eaf", author="")  # another file with these tiers, naming nobody
    assert not win.ctx.execute(C.ImportEvents, path=str(second)) and not win.errors
    assert seen == [({"Emotion": (True, "bob", "event"), "AU": (True, "bob", "aus")}, True)]
    assert len(win.project.events(video.id)) == n


def test_a_file_that_names_its_coder_keeps_it_over_the_remembered_one(window, video_path, tmp_path, monkeypatch):
    """The agreement workflow: Alice's and Bob's files have the same tier names. Bob's file (ANNOTATOR / AUTHOR
    "bob") is prefilled with bob, not the remembered alice, the note line says so, and his events import as his
    (no offer to replace alice's); the remembered roles and ticks still apply."""
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog

    win = window
    video = open_video(win, video_path)
    alice = _tiers_eaf(tmp_path / "alice.eaf", author="alice", annotator="alice")
    assert win.ctx.execute(C.ImportEvents, path=str(alice), tier_coders={"Emotion": "alice", "AU": "alice"},
                           tier_roles={"Emotion": "event", "AU": "aus"}, confirmed=True), win.errors
    seen: dict = {}

    def look(self):
        seen["rows"] = {t: self.row(t) for t in self.rows}
        seen["note"] = self.memory_note.text() if self.memory_note.isVisibleTo(self) else ""
        return QDialog.DialogCode.Accepted

    def confirm(self):
        seen["preview"] = sorted({e.coder for e in self.preview.events})
        seen["replace_offered"] = self.replace_box is not None
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TierMapDialog, "exec", look)
    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)
    bob = _tiers_eaf(tmp_path / "bob.eaf", author="bob", annotator="bob")
    assert win.ctx.execute(C.ImportEvents, path=str(bob)), win.errors
    assert seen["rows"] == {"Emotion": (True, "bob", "event"), "AU": (True, "bob", "aus")}  # roles remembered
    assert "bob, not alice as remembered" in seen["note"]
    assert seen["preview"] == ["bob"] and not seen["replace_offered"]
    assert sorted({e.coder for e in win.project.events(video.id)}) == ["alice", "bob"]
    # AUTHOR alone names the coder too; a file naming nobody takes the remembered one (here: bob, the last)
    from merstudio.gui.tier_dialog import prefill
    from merstudio.interchange.eaf import foreign_tiers

    remembered = {"Emotion": {"coder": "alice", "role": "emotion"}, "AU": None}
    carol = foreign_tiers(_tiers_eaf(tmp_path / "carol.eaf", author="Carol"))
    assert prefill(carol, remembered) == {"Emotion": (True, "Carol", "emotion"), "AU": (False, "Carol", "aus")}
    nobody = foreign_tiers(_tiers_eaf(tmp_path / "nobody.eaf", author=""))
    assert prefill(nobody, remembered)["Emotion"] == (True, "alice", "emotion")
    dlg = TierMapDialog(nobody, "nobody.eaf", remembered=remembered, parent=win)
    assert "not alice" not in dlg.memory_note.text()  # nothing to say: the remembered coder is used
    dlg.deleteLater()


def test_reimporting_a_file_says_its_events_are_already_in_the_project(window, video_path, tmp_path, monkeypatch):
    """The same file imported twice, with a tier (a transcript) left unticked: the preview does not list the
    unticked tier as a problem ("unknown tier ... map it to a coder") but notes it once as left out, and the
    second import fails saying its events are already in the project, not that the unticked tier is unknown."""
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog

    win = window
    video = open_video(win, video_path)
    src = _tiers_eaf(tmp_path / "colleague.eaf", author="alice",
                     extra={"SPEAKER_00": ("Well I did not expect that at all, to be honest with you.",)})
    seen: list = []

    def look(self):
        assert self.row("SPEAKER_00")[0] is False  # a transcript starts unticked
        return QDialog.DialogCode.Accepted

    def confirm(self):
        seen.append(([str(s) for s in self.preview.skipped], list(self.preview.notes)))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TierMapDialog, "exec", look)
    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)
    assert win.ctx.execute(C.ImportEvents, path=str(src)), win.errors
    skipped, notes = seen[0]
    assert not any("unknown tier" in s for s in skipped)
    assert any("left out (unticked" in n and "SPEAKER_00" in n for n in notes)
    n = len(win.project.events(video.id))
    assert n == 3
    assert not win.ctx.execute(C.ImportEvents, path=str(src))
    msg = win.errors[-1]
    assert "no events to import (its 3 event(s) are already in the project)" in msg, msg
    assert "unknown tier" not in msg and len(win.project.events(video.id)) == n


def test_only_tiers_of_emotions_or_aus_start_ticked_and_all_can_be_ticked_at_once(window, tmp_path):
    """Gesture phases, words, a marker and gaze tiers start unticked; tiers named for emotions / AUs / MEs or
    whose values are AU codes or emotion words start ticked; in a file of one or two tiers, those are ticked.
    Tick all / Untick all set every row that can be imported; long values are clipped at a word with "…"."""
    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    extra = {"gesture": ("preparation", "stroke"), "words": ("so", "you"), "marker": ("convo start",),
             **{f"gaze_{i:02d}": ("left",) for i in range(6)}, "labels": ("Happiness", "negative"),
             "codes": ("1+2", "AU4"), "Bob_ME": ("x",),
             "Transcript": ("Well I did not expect that at all, to be honest with you.",)}
    info = foreign_tiers(_tiers_eaf(tmp_path / "many.eaf", extra=extra))
    dlg = TierMapDialog(info, "many.eaf", parent=window)
    ticked = sorted(t for t in dlg.rows if dlg.row(t)[0])
    assert ticked == ["AU", "Bob_ME", "Emotion", "codes", "labels"]
    dlg.untick_all.click()
    assert not any(dlg.row(t)[0] for t in dlg.rows)
    dlg.tick_all.click()
    assert all(dlg.row(t)[0] for t in dlg.rows)
    values = [w.text() for w in dlg.findChildren(type(dlg.head))]
    assert "Well I did not expect…" in values  # clipped at a word, not "Well I did not expect t…"
    dlg.deleteLater()
    two = foreign_tiers(_tiers_eaf(tmp_path / "two.eaf", extra={"gaze": ("left",)}))
    one = TierMapDialog(foreign_tiers(tier_values_eaf(tmp_path / "two_only.eaf", {"A": ("x",), "B": ("y", "z")})),
                        "two_only.eaf", parent=window)
    assert one.row("A")[0] and one.row("B")[0]  # a file of two tiers: both ticked
    one.deleteLater()
    three = TierMapDialog(two, "two.eaf", parent=window)
    assert not three.row("gaze")[0] and three.row("Emotion")[0]
    three.deleteLater()


def test_elan_child_tiers_of_an_expression_import_with_its_times(window, video_path, tmp_path):
    """The FACS layout: "AU" and "Emotion" Symbolic_Association children of an "Expression" tier. The dialog offers
    the children (with "times of its parent Expression"), ticked, and the parent left out; the command imports one
    event per expression with its frames, the emotion (from the CV) and the AUs."""
    from support.elan_files import facs_eaf

    from merstudio.gui.tier_dialog import TierMapDialog
    from merstudio.interchange.eaf import foreign_tiers

    win = window
    video = open_video(win, video_path)
    src = facs_eaf(tmp_path / "facs.eaf", second=(2000, 2300))  # the test video has 90 frames (30 fps)
    dlg = TierMapDialog(foreign_tiers(src), src.name, parent=win)
    assert dlg.row("AU") == (True, "alice", "aus") and dlg.row("Emotion") == (True, "alice", "emotion")
    assert not dlg.row("Expression")[0] and dlg.rows["AU"][0].isEnabled()
    texts = [w.text() for w in dlg.findChildren(type(dlg.head))]
    assert any("times of its parent Expression" in t for t in texts)
    assert not any("cannot be imported" in t for t in texts)
    assert dlg.mapping() == ({"AU": "alice", "Emotion": "alice"}, {"AU": "aus", "Emotion": "emotion"})
    dlg.deleteLater()
    n_steps = win.undo_stack.count()
    assert win.ctx.execute(C.ImportEvents, path=str(src), tier_coders={"AU": "alice", "Emotion": "alice"},
                           tier_roles={"AU": "aus", "Emotion": "emotion"}, confirmed=True), win.errors
    assert _coding(win.project.events(video.id)) == [("alice", 30, 41, "happiness", "6+12"),
                                                      ("alice", 60, 68, "contempt", "R14")]
    assert win.undo_stack.count() == n_steps + 1


def test_the_app_parses_the_elan_file_once_per_import(window, video_path, tmp_path, monkeypatch):
    """The tier step, the preview (and the replace preview offered beside it) and the remembered mapping share one
    parsed document."""
    import xml.etree.ElementTree as ET

    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog

    def map_tiers(self):
        self.set_row("Emotion", coder="alice")
        self.set_row("AU", coder="alice")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TierMapDialog, "exec", map_tiers)
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    win = window
    video = open_video(win, video_path)
    src = _tiers_eaf(tmp_path / "colleague.eaf")
    parsed = []
    real = ET.parse
    monkeypatch.setattr(ET, "parse", lambda *a, **k: parsed.append(a[0]) or real(*a, **k))
    assert win.ctx.execute(C.ImportEvents, path=str(src)), win.errors
    assert _coding(win.project.events(video.id)) == MERGED and len(parsed) == 1
    src.write_text(src.read_text(encoding="utf-8").replace("surprise", "fear"), encoding="utf-8")  # corrected
    assert win.ctx.execute(C.ImportEvents, path=str(src), replace=True), win.errors
    assert len(parsed) == 2 and ("alice", 30, 44, "fear", "4") in _coding(win.project.events(video.id))


def test_a_coder_renamed_on_import_stays_renamed_for_that_persons_files(window, video_path, tmp_path, monkeypatch):
    """Dana's file imported as Eve: importing it (or another of Dana's files) again prefills Eve, with no clash
    note, so the re-import finds its events already there instead of adding them as Dana's; Bob's file with the
    same tiers still keeps Bob. (The file's name won over the remembered one, and the events came in twice.)"""
    from merstudio.gui.dialogs import ImportPreviewDialog
    from merstudio.gui.tier_dialog import TierMapDialog

    win = window
    video = open_video(win, video_path)
    dana = _tiers_eaf(tmp_path / "dana.eaf", author="Dana", annotator="Dana")
    assert win.ctx.execute(C.ImportEvents, path=str(dana), tier_coders={"Emotion": "Eve", "AU": "Eve"},
                           tier_roles={"Emotion": "event", "AU": "aus"}, confirmed=True), win.errors
    n = len(win.project.events(video.id))
    seen: list = []

    def look(self):
        seen.append(({t: self.row(t) for t in self.rows},
                     self.memory_note.text() if self.memory_note.isVisibleTo(self) else ""))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(TierMapDialog, "exec", look)
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: pytest.fail("no preview after a cancel"))
    assert not win.ctx.execute(C.ImportEvents, path=str(dana)) and not win.errors
    assert seen[-1][0] == {"Emotion": (True, "Eve", "event"), "AU": (True, "Eve", "aus")}
    assert "as remembered" not in seen[-1][1]
    bob = _tiers_eaf(tmp_path / "bob.eaf", author="Bob", annotator="Bob")
    assert not win.ctx.execute(C.ImportEvents, path=str(bob)) and not win.errors
    assert seen[-1][0]["Emotion"][1] == "Bob" and "Bob, not Eve as remembered" in seen[-1][1]
    assert len(win.project.events(video.id)) == n
