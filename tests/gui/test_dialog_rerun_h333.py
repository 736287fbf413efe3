"""The event dialog (E) is modal, the project is not: a re-run ending while it is open moves the event to its
person's new face id, or replaces the open proposal it shows. OK writes only the fields the coder changed, over the
event as it is stored then (a121 finding 1: it wrote every field shown back, putting the event on the other person,
and a proposal's typed note and Accept were lost with "no longer exists")."""

from __future__ import annotations

import threading

from gui_fixtures import People, people_window
from helpers import open_and_analyse, parked_rerun

from merstudio.gui import commands as C
from merstudio.gui import dialogs as D


def test_ok_after_a_rerun_moved_the_event_keeps_it_on_its_person(qtbot, qsettings, video_path, tmp_path,
                                                                 monkeypatch):
    with people_window(qtbot, qsettings, video_path, tmp_path / "two.merproj") as win:
        assert win.ctx.execute(C.NewEvent, onset=30, apex=33, offset=36), win.errors
        (ev,) = win.project.events(win.video.id)
        assert ev.face_id == 2
        People.swap = True
        People.gate = threading.Event()
        try:
            win.analysis.batch_seconds = 0.0
            assert win.ctx.execute(C.RunAnalysis, settings={"landmarks": True}, confirmed=True)
            qtbot.waitUntil(lambda: win.buffer is not None and win.buffer.frames_done >= 11, timeout=20000)

            def exec_(dlg):  # noqa: ANN001, ANN202
                People.gate.set()  # the run ends while the coder types
                qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
                qtbot.waitUntil(lambda: "Analysis complete" in win.statusBar().currentMessage(), timeout=10000)
                assert win.project.event(ev.id).face_id == 1  # the re-run moved it with its person
                dlg.note.setPlainText("brow flash, looked down")
                return D.QDialog.DialogCode.Accepted

            monkeypatch.setattr(D.EventDialog, "exec", exec_)
            win.coding.select(ev.id)
            assert win.ctx.execute(C.EditEvent, event_id=ev.id), win.errors
        finally:
            People.gate = None
        after = win.project.event(ev.id)
        assert (after.face_id, after.note) == (1, "brow flash, looked down")
        assert not win.errors, win.errors


def test_ok_on_a_proposal_a_rerun_replaced_goes_to_the_one_that_took_its_place(qtbot, window, video_path,
                                                                             fake_analysis, monkeypatch):
    win = window
    open_and_analyse(qtbot, win, video_path, landmarks=True)
    p = win.project.proposals(win.video.id)[0]
    gate = parked_rerun(qtbot, win, fake_analysis)

    def exec_(dlg):  # noqa: ANN001, ANN202
        gate.set()
        qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
        qtbot.wait(300)
        assert win.project.event(p.id) is None  # replaced by the re-run's proposals
        dlg.note.setPlainText("AU12 onset is 2 frames earlier")
        dlg.status.setCurrentText("accepted")
        return D.QDialog.DialogCode.Accepted

    monkeypatch.setattr(D.EventDialog, "exec", exec_)
    try:
        assert win.ctx.execute(C.EditEvent, event_id=p.id), win.errors
    finally:
        fake_analysis.gate = None
    kept = [e for e in win.project.events(win.video.id) if e.note == "AU12 onset is 2 frames earlier"]
    assert [(e.status, e.onset, e.offset) for e in kept] == [("accepted", p.onset, p.offset)]
    assert not win.errors, win.errors


def test_import_ok_after_a_rerun_replaced_the_proposals_it_resolves(qtbot, window, video_path, fake_analysis,
                                                                     tmp_path, monkeypatch):
    """File > Import of a colleague's reviewed copy (an accepted proposal) whose preview is open when a re-run ends
    (the video's open proposals replaced, new ids): OK imports it and removes the open proposal that took the old
    one's place (a121 finding: "ImportEvents failed (KeyError: 'no event 1')", nothing imported)."""
    import csv
    from dataclasses import replace

    from merstudio.project import export as ex

    win = open_and_analyse(qtbot, window, video_path, landmarks=True)
    vid = win.video.id
    p = win.project.proposals(vid)[0]
    win.project.update_event(replace(p, status="accepted", coder="bob"))  # bob's copy: he accepted it
    ex.export_events_csv(win.project, tmp_path / "all.csv", video_id=vid)
    win.project.update_event(p)  # here it is still open
    with open(tmp_path / "all.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["coder"] == "bob"]
    with open(tmp_path / "bob.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    win.coding.reload()
    gate = parked_rerun(qtbot, win, fake_analysis)

    def exec_(dlg):  # noqa: ANN001, ANN202
        gate.set()  # the run ends while the preview is open
        qtbot.waitUntil(lambda: win.worker is None, timeout=20000)
        assert p.id not in {q.id for q in win.project.proposals(vid)}  # replaced: the preview's one is gone
        return D.QDialog.DialogCode.Accepted

    monkeypatch.setattr(D.ImportPreviewDialog, "exec", exec_)
    try:
        assert win.ctx.execute(C.ImportEvents, path=str(tmp_path / "bob.csv")), win.errors
    finally:
        fake_analysis.gate = None
    assert not win.errors, win.errors
    evs = win.project.events(vid)
    assert [(e.coder, e.status) for e in evs if (e.onset, e.offset) == (p.onset, p.offset)] == [("bob", "accepted")]
    win.undo_stack.undo()  # the import's step puts the open proposal it removed back
    assert [(e.coder, e.status) for e in win.project.events(vid) if (e.onset, e.offset) == (p.onset, p.offset)] \
        == [("model", "proposal")]
