"""The agreement dialog's tables print numbers as the terminal does, and show agreement beside undefined kappas."""

from __future__ import annotations

import pandas as pd

from merstudio.agreement import agreement_from_events
from merstudio.project import Event


def test_a_value_that_rounds_to_zero_has_no_sign(qtbot) -> None:
    from merstudio.gui.agreement_dialog import DataFrameModel

    model = DataFrameModel(pd.DataFrame({"kappa": [-0.0001, -0.25, float("nan")]}))
    shown = [model.data(model.index(r, 0)) for r in range(3)]
    assert shown == ["0.000", "-0.250", "-"]


def test_the_tabs_show_agreement_beside_undefined_coefficients_and_fleiss_kappa(qtbot) -> None:
    from merstudio.gui.agreement_dialog import AgreementDialog

    # every coder says happiness throughout: kappa and alpha undefined ("-"), their agreement 100%
    evs = [Event(1, s, s + 2, s + 5, emotion="happiness", coder=c) for s in (10, 40) for c in ("ann", "bob", "cy")]

    def compute(**kw):
        return agreement_from_events(evs, coders=kw["coders"], tolerance=kw["tolerance"], iou=kw["iou"])

    dlg = AgreementDialog(compute, ["ann", "bob", "cy"])
    qtbot.addWidget(dlg)
    dlg.set_choices(coders=["ann", "bob", "cy"])
    alpha = dlg.models["alpha"]
    cols = list(alpha.df.columns)
    row = next(r for r in range(alpha.rowCount()) if alpha.df.iat[r, 0] == "emotion")
    assert alpha.data(alpha.index(row, cols.index("alpha"))) == "-"
    assert alpha.data(alpha.index(row, cols.index("agreement"))) == "1.000"
    assert alpha.data(alpha.index(row, cols.index("fleiss_units"))) == "2"
    assert "Fleiss" in dlg.tabs.tabText(list(dlg.models).index("alpha"))
    pairs = dlg.models["pairs"]
    assert pairs.data(pairs.index(0, list(pairs.df.columns).index("agreement_emotion"))) == "1.000"
