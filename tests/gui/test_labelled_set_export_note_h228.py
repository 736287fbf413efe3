"""File > Export > Labelled set says in the status line what the export did to the samples: how the subjects were
named and the expressions coded twice it merged (export_labelled_set's notes; h228 item 1)."""

from __future__ import annotations

import pandas as pd

from merstudio.gui import commands as C


def test_the_labelled_set_export_line_says_how_subjects_were_named_and_what_was_merged(alice_and_bob, tmp_path):
    win = alice_and_bob  # one expression, coded by alice and by bob
    out = tmp_path / "labels.csv"
    assert win.ctx.execute(C.Export, kind="labelled", path=str(out)), win.errors
    line = win.statusBar().currentMessage()
    assert line.startswith(f"Exported {out}; subjects: 1 by file name (no subject set)"), line
    assert "1 expression coded more than once counts as one sample each" in line, line
    assert list(pd.read_csv(out)["coder"]) == ["alice, bob"]
    assert win.last_exports == [out]
