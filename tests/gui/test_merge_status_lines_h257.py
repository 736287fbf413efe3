"""File > Merge project… in words (h257, after h252): a merge with nothing new says the behaviour events kept that the
other copy lacks (a deletion there before schema 8 cannot be told), not that this project holds everything that copy
does; the question names the other copy's folder, not "from ." for a relative path."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from gui_fixtures import H, W, write_video
from PySide6.QtWidgets import QMessageBox, QWidget
from support.merge_copies import two_copies

from merstudio.gui import commands as C
from merstudio.project import merge
from merstudio.project.merge import MergePlan

pytestmark = pytest.mark.gui


def test_nothing_to_merge_says_the_behaviour_events_kept(qtbot, window, tmp_path, monkeypatch):
    a, b = two_copies(tmp_path / "copies", write_video(tmp_path / "src.avi", n=60), (W, H))
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: True)
    assert window.ctx.execute(C.MergeProject, path=str(b)), window.errors  # merged: nothing new there after
    real = merge.plan_merge
    # the other copy edited by a merstudio before behaviour history (tests/project/test_merge_old_schema_copies_h252)
    monkeypatch.setattr(merge, "plan_merge", lambda p, o: replace(real(p, o), behaviour_kept_unlogged=2))
    monkeypatch.setattr(C, "ask_merge", lambda win, plan: pytest.fail("asked with nothing to merge"))
    assert not window.ctx.execute(C.MergeProject, path=str(b))
    assert window.statusBar().currentMessage() == (
        "study.merproj: nothing to merge; 2 behaviour event(s) the other copy lacks were kept (it was edited before "
        "behaviour history, schema 8: a deletion there cannot be told from an addition here)")


def test_merge_question_names_the_folder_of_a_relative_path(qtbot, tmp_path, monkeypatch):
    (tmp_path / "v7").mkdir()
    monkeypatch.chdir(tmp_path / "v7")
    plan = MergePlan(path=tmp_path / "v7" / "study.merproj", other=Path("study (merstudio schema 7, 2).merproj"))
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not C.ask_merge(parent, plan)
    assert shown[0].splitlines()[0] == \
        f"Merge study (merstudio schema 7, 2).merproj from {tmp_path / 'v7'} into this project?"
