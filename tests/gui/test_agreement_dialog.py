"""The agreement dialog's choices reach the report it shows."""

from __future__ import annotations

from merstudio.agreement import agreement_from_events
from merstudio.project import Event


def test_the_all_coded_box_recomputes_with_it(qtbot) -> None:
    from merstudio.gui.agreement_dialog import AgreementDialog

    evs = [Event(1, 10, 12, 14, coder="ann"), Event(1, 10, 12, 14, coder="bob"),
           Event(2, 10, 12, 14, coder="ann"), Event(2, 40, 42, 44, coder="ann")]
    calls: list[dict] = []

    def compute(**kw):
        calls.append(kw)
        return agreement_from_events(evs, coders=kw["coders"], tolerance=kw["tolerance"], iou=kw["iou"],
                                     frame_counts={1: 60, 2: 60}, all_coded=kw["all_coded"])

    dlg = AgreementDialog(compute, ["ann", "bob"])
    qtbot.addWidget(dlg)
    dlg.set_choices(coders=["ann", "bob"])
    assert calls[-1]["all_coded"] is False and dlg.models["pairs"].df.loc[0, "only_a"] == 0
    dlg.all_coded.setChecked(True)  # as a click would: bob looked at video 2 and found nothing
    assert calls[-1]["all_coded"] is True and dlg.models["pairs"].df.loc[0, "only_a"] == 2
    dlg.set_choices(all_coded=False)
    assert not dlg.all_coded.isChecked() and dlg.models["pairs"].df.loc[0, "only_a"] == 0


def test_the_open_dialog_follows_edits_and_undo(window, video_path, tmp_path) -> None:
    """An undo or an edit with the dialog open recomputes the report: what it shows and what Save CSV writes are
    the project's events now, never those of when it was opened."""
    import pandas as pd

    from merstudio.gui import commands as C

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    assert win.ctx.execute(C.SetCoder, name="alice")
    assert win.ctx.execute(C.NewEvent, onset=17, apex=30, offset=69, emotion="happiness", aus="12", confirmed=True)
    assert win.ctx.execute(C.SetCoder, name="bob")
    assert win.ctx.execute(C.NewEvent, onset=72, apex=74, offset=76, emotion="fear", confirmed=True)
    assert win.ctx.execute(C.NewEvent, onset=18, apex=30, offset=68, emotion="happiness", aus="12", confirmed=True)
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    assert dlg.models["pairs"].df.loc[0, "matched"] == 1
    win.undo_stack.undo()  # bob's matching event goes
    assert dlg.models["pairs"].df.loc[0, "matched"] == 0
    assert win.ctx.execute(C.SaveAgreementCSV, path=str(tmp_path / "agree")), win.errors
    assert pd.read_csv(tmp_path / "agree" / "agreement_pairs.csv").loc[0, "matched"] == 0
    win.undo_stack.redo()
    assert dlg.models["pairs"].df.loc[0, "matched"] == 1
    assert win.ctx.execute(C.SetCoder, name="carol")  # a new coder's event: offered, not chosen
    assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=8, emotion="fear", confirmed=True)
    assert dlg.chosen_coders() == ["alice", "bob"]
    assert [dlg.coder_list.item(i).text() for i in range(dlg.coder_list.count())] == ["alice", "bob", "carol"]
    assert not win.errors


def test_the_header_names_the_videos_and_no_command_line_option(window, video_path) -> None:
    """In the app the videos are named by file, not by id, no CLI option is mentioned, and a coder recorded as having
    coded the video but not chosen (carol) is not noted."""
    from merstudio.gui import commands as C

    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    video = win.video
    win.project.add_events([Event(video.id, 17, 30, 69, emotion="happiness", aus="12", coder="alice"),
                            Event(video.id, 18, 30, 68, emotion="happiness", aus="12", coder="bob")])
    win.project.replace_events([], [], coded={video.id: ["carol"]})  # carol's file had no events
    win.coding.reload()
    assert win.ctx.execute(C.ShowAgreement, coders=["alice", "bob"]), win.errors
    dlg = win.agreement_dialog
    head = dlg.header.text()
    assert f"on {video.name};" in head and "video(s)" not in head and "--" not in head, head
    assert "carol" not in dlg.notes.text(), dlg.notes.text()
    dlg.set_choices(coders=["alice", "bob", "carol"])  # chosen: her silence is noted
    assert "carol" in dlg.notes.text()
