"""How the agreement dialog lays its tables out for a reader: the coder pair stays in sight, the headline figures come
first with readable labels and tooltips, ids and frames read as integers, and the alpha tab names its coders."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt

from merstudio.agreement import agreement_from_events
from merstudio.agreement.report import PAIR_COLUMNS
from merstudio.project import Event

H = Qt.Orientation.Horizontal
PLAN = {"alice": [(19, 24, 29, "happiness", "6+12"), (54, 58, 63, "happiness", "12"), (5, 8, 12, "surprise", "1+2")],
        "bob": [(20, 24, 28, "happiness", "6+12+25"), (55, 58, 62, "contempt", "R14"), (40, 44, 47, "others", "4")],
        "model": [(20, 24, 29, "happiness", "12"), (55, 58, 63, "happiness", "6+12")]}


def _dialog(qtbot):
    from merstudio.gui.agreement_dialog import AgreementDialog

    evs = [Event(1, on, ap, off, emotion=emo, aus=aus, coder=c, id=10 * k + i)
           for k, (c, lst) in enumerate(PLAN.items()) for i, (on, ap, off, emo, aus) in enumerate(lst)]

    def compute(**kw):
        return agreement_from_events(evs, coders=kw["coders"], tolerance=kw["tolerance"], iou=kw["iou"])

    dlg = AgreementDialog(compute, list(PLAN))
    qtbot.addWidget(dlg)
    dlg.set_choices(coders=list(PLAN))
    return dlg


def _shown_columns(view) -> list[int]:
    m = view.model()
    return sorted((c for c in range(m.columnCount()) if not view.isColumnHidden(c)),
                  key=view.horizontalHeader().visualIndex)


def test_event_matching_keeps_the_pair_in_sight_and_the_headline_figures_first(qtbot, tmp_path) -> None:
    dlg = _dialog(qtbot)
    view = dlg.views["pairs"]
    shown = view.model()
    # the pair is the row header, always in sight, not two columns that scroll away
    assert view.verticalHeader().isVisibleTo(dlg)
    assert shown.headerData(0, Qt.Orientation.Vertical) == "alice / bob"
    cols = _shown_columns(view)
    labels = [shown.headerData(c, H) for c in cols]
    assert "coder_a" not in labels and "coder A" not in labels
    assert labels[:8] == ["matched", "only A", "only B", "F1", "emotion kappa", "emotion agree", "n emotion",
                          "FACS index"], labels
    assert labels.index("FACS index, all events") < labels.index("mean IoU") < labels.index("|d onset|")
    # every column says what it is and how it is computed, _all included
    tips = {shown.headerData(c, H): shown.headerData(c, H, Qt.ItemDataRole.ToolTipRole) for c in cols}
    assert all(tips.values()), tips
    assert "every AU either coder scored" in tips["FACS index, all events"]
    assert "facs_agreement_all" in tips["FACS index, all events"]  # the CSV's name, as docs and scripts use it
    # numbers right-aligned, integer counts as well as coefficients
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for label in ("matched", "F1"):
        c = cols[labels.index(label)]
        assert shown.data(shown.index(0, c), Qt.ItemDataRole.TextAlignmentRole) == right, label
    # the saved CSV keeps the report's columns and order
    dlg.save_csv(tmp_path)
    assert tuple(pd.read_csv(tmp_path / "agreement_pairs.csv").columns) == PAIR_COLUMNS


def test_matches_show_ids_and_frames_as_integers_and_no_partner_blank(qtbot) -> None:
    dlg = _dialog(qtbot)
    m = dlg.models["matches"]
    cols = list(m.df.columns)
    only_a = next(r for r in range(m.rowCount()) if m.df.at[r, "status"] == "only_a")
    row = {c: m.data(m.index(only_a, cols.index(c))) for c in ("event_a", "onset_a", "event_b", "onset_b", "d_onset",
                                                                "iou")}
    assert row == {"event_a": "2", "onset_a": "5", "event_b": "", "onset_b": "", "d_onset": "", "iou": ""}, row
    matched = next(r for r in range(m.rowCount()) if m.df.at[r, "status"] == "matched")
    assert m.data(m.index(matched, cols.index("onset_b"))).isdigit()
    assert m.data(m.index(matched, cols.index("iou"))).startswith("0.")  # a coefficient keeps its decimals


def test_the_alpha_tab_names_the_coders_it_is_over(qtbot) -> None:
    dlg = _dialog(qtbot)
    text = dlg.alpha_coders.text()
    assert "alice, bob, model" in text and "(3)" in text and "untick" in text, text
    page = dlg.tabs.widget(list(dlg.models).index("alpha"))
    assert dlg.alpha_coders in page.findChildren(type(dlg.alpha_coders))  # on the alpha tab itself
    dlg.set_choices(coders=["alice", "bob"])  # the model left out: the people alone
    assert "alice, bob" in dlg.alpha_coders.text() and "model" not in dlg.alpha_coders.text()
