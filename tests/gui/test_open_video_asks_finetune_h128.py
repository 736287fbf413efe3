"""File > Open video of a video with its own project beside it closes the open project: a running fine-tuning asks
"Stop it?" there too, as opening or making another project and closing the window do (one question:
Session.keep_lost_work). It was stopped with only a box saying so. Keep training leaves the fine-tuning running and
the old project and video open; Stop opens the video's project."""

from __future__ import annotations

import pytest
from gui_fixtures import write_video
from helpers import finetuning

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = [pytest.mark.gui]

QUESTION = "A fine-tuning is running (about 4 min left). Stop it?"  # 24 epochs left of 10 s each


def test_opening_a_video_with_its_own_project_asks(qtbot, window, video_path, tmp_path, monkeypatch):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    questions: list[str] = []
    answer = [False]
    monkeypatch.setattr(FinetuneDialog, "_ask_stop_question", lambda dlg, q: questions.append(q) or answer[0])
    (tmp_path / "other").mkdir()
    other = write_video(tmp_path / "other" / "other.avi", n=30)
    with Project.create(tmp_path / "other" / "other.merproj"):  # its earlier coding, beside it
        pass
    assert window.ctx.execute(C.OpenVideo, path=str(video_path)), window.errors
    proj, video = window.project, window.video
    dlg = finetuning(qtbot, window)

    window.ctx.execute(C.OpenVideo, path=str(other), project="beside")
    assert questions == [QUESTION]
    assert window.project is proj and window.video == video and window.finetune_dialog is dlg and dlg.is_running()
    assert not window.infos and not window.errors

    answer[0] = True
    window.ctx.execute(C.OpenVideo, path=str(other), project="beside")
    assert questions == [QUESTION] * 2
    assert window.project.path.name == "other.merproj" and window.video.name == "other.avi"
    assert dlg.worker.outcome == "cancelled"
    assert window.infos[-1] == "Fine-tuning stopped: no checkpoint was written.", window.infos


def test_save_as_going_on_in_the_copy_asks(qtbot, window, tmp_path, monkeypatch):
    from merstudio.gui.finetune_dialog import FinetuneDialog

    questions: list[str] = []
    monkeypatch.setattr(FinetuneDialog, "_ask_stop_question", lambda dlg, q: questions.append(q) or False)
    assert window.ctx.execute(C.NewProject, path=str(tmp_path / "a.merproj")), window.errors
    proj = window.project
    dlg = finetuning(qtbot, window)
    window.ctx.execute(C.SaveProjectAs, path=str(tmp_path / "copy.merproj"))
    assert questions == [QUESTION]
    assert window.project is proj and dlg.is_running() and not (tmp_path / "copy.merproj").exists()
    assert not window.infos and not window.errors
