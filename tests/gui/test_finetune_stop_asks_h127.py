"""A running fine-tuning is not cancelled without a word: opening another project, making a new one, the dialog's
Close and closing the window ask "A fine-tuning is running (about N min left). Stop it?"; Keep training leaves
everything as it was (the other project is not opened, the dialog and the window stay), Stop stops it and says so
in one line."""

from __future__ import annotations

import pytest
from helpers import finetuning

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = [pytest.mark.gui]


class Asked:
    """FinetuneDialog._ask_stop_question patched: records the questions, answers ``answer``."""

    def __init__(self, monkeypatch, answer: bool) -> None:
        from merstudio.gui.finetune_dialog import FinetuneDialog

        self.questions: list[str] = []
        self.answer = answer
        monkeypatch.setattr(FinetuneDialog, "_ask_stop_question", lambda dlg, q: self._ask(q))

    def _ask(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer


@pytest.fixture
def training(qtbot, window, tmp_path):
    """The window on project A, its fine-tuning dialog training (a fake run that goes until cancelled), 6 of 30
    epochs done in 60 s: about 4 min left (24 epochs of 10 s)."""
    win = window
    with Project.create(tmp_path / "b.merproj"):
        pass
    assert win.ctx.execute(C.NewProject, path=str(tmp_path / "a.merproj")), win.errors
    dlg = finetuning(qtbot, win)  # 6 of 30 epochs in 60 s
    return win, dlg, tmp_path


QUESTION = "A fine-tuning is running (about 4 min left). Stop it?"


def test_opening_another_project_asks_and_keep_training_keeps_the_project(qtbot, training, monkeypatch):
    win, dlg, tmp_path = training
    asked = Asked(monkeypatch, answer=False)
    win.ctx.execute(C.OpenProject, path=str(tmp_path / "b.merproj"))
    assert asked.questions == [QUESTION]
    assert win.project.path.name == "a.merproj" and win.finetune_dialog is dlg and dlg.is_running()
    win.ctx.execute(C.NewProject, path=str(tmp_path / "c.merproj"))
    assert asked.questions == [QUESTION] * 2
    assert win.project.path.name == "a.merproj" and dlg.is_running() and not (tmp_path / "c.merproj").exists()
    asked.answer = True
    win.ctx.execute(C.OpenProject, path=str(tmp_path / "b.merproj"))
    assert win.project.path.name == "b.merproj"
    assert dlg.worker.outcome == "cancelled"
    assert win.infos[-1] == "Fine-tuning stopped: no checkpoint was written."


def test_the_dialogs_close_asks_and_keep_training_keeps_it_open(qtbot, training, monkeypatch):
    win, dlg, _ = training
    asked = Asked(monkeypatch, answer=False)
    dlg.close_button.click()
    assert asked.questions == [QUESTION]
    assert dlg.isVisible() and dlg.is_running()
    dlg.close()  # the title bar's close
    assert asked.questions == [QUESTION] * 2 and dlg.isVisible() and dlg.is_running()
    asked.answer = True
    dlg.close_button.click()
    assert not dlg.isVisible() and not dlg.is_running() and dlg.worker.outcome == "cancelled"
    assert win.statusBar().currentMessage() == "Fine-tuning stopped: no checkpoint was written."


def test_closing_the_window_asks_and_keep_training_keeps_it(qtbot, training, monkeypatch):
    win, dlg, _ = training
    asked = Asked(monkeypatch, answer=False)
    win.close()
    assert asked.questions == [QUESTION]
    assert win.isVisible() and win.project is not None and dlg.is_running()
    asked.answer = True
    win.close()
    assert not win.isVisible() and dlg.worker.outcome == "cancelled"
