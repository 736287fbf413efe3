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
