"""The agreement dialog over all videos, in a project where one video is not coded by two of the chosen coders:
the report of the coded video, with a note on the other (docs/gui.md; `merstudio agreement` without --video does
so). It showed nothing but "<video> has events by fewer than two coders (none)": every video was named."""

from __future__ import annotations

import pytest
from gui_fixtures import two_video_project

from merstudio.gui import commands as C
from merstudio.project import Event

pytestmark = pytest.mark.gui


def test_all_videos_reports_the_coded_one_and_notes_the_other(window, tmp_path):
    a, b = two_video_project(window, tmp_path)
    window.project.add_events([Event(a.id, 3, 5, 8, emotion="happiness", coder="ann"),
                               Event(a.id, 4, 5, 9, emotion="happiness", coder="bob"),
                               Event(b.id, 10, 12, 20, emotion="surprise", coder="ann")])
    window.coding.reload()
    assert window.ctx.execute(C.ShowAgreement, coders=["ann", "bob"], all_videos=True), window.errors
    dlg = window.agreement_dialog
    assert dlg.report is not None, dlg.error
    pairs = dlg.models["pairs"].df
    assert pairs.loc[0, "matched"] == 1  # a.avi's two events, matched
    assert "b clip.avi (video 2): events by fewer than two coders (ann)" in dlg.notes.text(), dlg.notes.text()
