"""The fine-tuning dialog says, readably and before Start, every refusal the run would give: its "Coded events" row
shows its whole text at any size (it was cut top and bottom), a refusal of the held-out split (one video) turns
Start off as the counts' refusals do (the run failed after Start), a failure line wraps instead of widening the
dialog (620 -> 1232 px), and a left-out emotion one letter from a class is named as its likely typo."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_finetune_dialog
from PySide6.QtWidgets import QLabel

from merstudio.project import Event, Project

pytestmark = pytest.mark.gui

TYPO_EVENTS = [("happiness", "6+12"), ("happiness", "12"), ("surprise", "1+2"), ("postive", "12"),
               ("sadness", "1+4+15"), ("blijdschap", "6+12"), ("", "4")]
ONE_VIDEO = [("happiness", "12"), ("happiness", "6+12"), ("happiness", "12"), ("sadness", "1+4"), ("disgust", "9"),
             ("anger", "4"), ("surprise", "1+2"), ("surprise", "1+2+5"), ("surprise", "1+2")]


@pytest.fixture
def make_dialog(qtbot, tmp_path):
    projects = []

    def make(events):
        video = tmp_path / "clip.avi"
        video.write_bytes(b"0" * 1000)  # counting reads the project only
        project = Project.create(tmp_path / "p.merproj")
        projects.append(project)
        vid = project.add_video(video, fps=30.0, frame_count=200, width=320, height=240).id
        for i, (emotion, aus) in enumerate(events):
            project.add_event(Event(vid, 2 + 9 * i, 4 + 9 * i, 8 + 9 * i, emotion=emotion, aus=aus, coder="ann"))
        return shown_finetune_dialog(qtbot, project)

    yield make
    for p in projects:
        p.close()


def _needed_height(label: QLabel) -> int:
    """The height the label's text wraps to at its width (a fresh label: no minimum of its own)."""
    probe = QLabel(label.text())
    probe.setFont(label.font())
    probe.setWordWrap(True)
    return probe.heightForWidth(label.width())


def test_the_coded_events_row_shows_its_whole_text_at_every_size(qtbot, make_dialog):
    dlg = make_dialog(TYPO_EVENTS)
    assert "class 'surprise' has 1 accepted event" in dlg.data_label.text()
    for w, h in ((620, 720), (900, 1000), (1200, 700)):
        dlg.resize(w, h)
        qtbot.wait(100)
        assert dlg.data_label.height() >= _needed_height(dlg.data_label) > 2 * dlg.fontMetrics().height(), (w, h)


def test_a_left_out_typo_of_a_class_is_named(make_dialog):
    dlg = make_dialog(TYPO_EVENTS)
    text = dlg.data_label.text()
    assert "postive 1" in text and "'postive' looks like a typo of 'positive'" in text
    assert "'sadness' looks like" not in text and "'blijdschap' looks like" not in text


def test_a_held_out_split_the_run_would_refuse_turns_start_off(qtbot, make_dialog):
    dlg = make_dialog(ONE_VIDEO)
    dlg.class_map.setCurrentText("megc2019")  # the counts are enough: 3 of each class
    text = dlg.data_label.text()
    assert text.startswith("9 accepted with one of the model's classes") and "in 1 video" in text
    assert "holding out by video needs usable events on at least 2 videos, found 1" in text
    assert not dlg.start_button.isEnabled()


def test_a_failure_line_wraps_and_the_dialog_keeps_its_width(qtbot, make_dialog):
    dlg = make_dialog(ONE_VIDEO)
    dlg.resize(620, 720)
    qtbot.wait(100)
    width = dlg.width()
    dlg._on_failed(f"{dlg.project_path}: holding out by video needs usable events on at least 2 videos, found 1; "
                   "code events on another video so the new model can be evaluated")
    qtbot.wait(100)
    assert dlg.width() == width
    assert dlg.stage_label.height() >= _needed_height(dlg.stage_label) > dlg.fontMetrics().height()
