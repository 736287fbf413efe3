"""h306: the fine-tuning dialog's left-out emotions and their likely typos are listed as people read names
(names.name_sort_key: ärgerr before Trauerr; was Trauerr, ärgerr), and a typo is named against the class as the model
spells it ('Positive'), compared as classes compare (class_key), not by str.lower."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_finetune_dialog

from merstudio.gui.finetune_dialog import _typo_hints
from merstudio.project import Event, Project

pytestmark = pytest.mark.gui


def test_typo_hints_in_name_order_naming_the_class_as_spelled() -> None:
    hints = _typo_hints({"Trauerr": 1, "ärgerr": 1}, ["Trauer", "ärger", "none"], None)
    assert hints == "'ärgerr' looks like a typo of 'ärger'; 'Trauerr' looks like a typo of 'Trauer'"
    assert _typo_hints({"postive": 1}, ["Positive", "none"], None) == "'postive' looks like a typo of 'Positive'"


def test_the_left_out_emotions_in_name_order(qtbot, tmp_path) -> None:
    video = tmp_path / "clip.avi"
    video.write_bytes(b"0" * 1000)  # counting reads the project only
    with Project.create(tmp_path / "p.merproj") as project:
        vid = project.add_video(video, fps=30.0, frame_count=200, width=320, height=240).id
        for i, emotion in enumerate(["happiness", "surprise", "Zorn", "ärger", "Freude"]):
            project.add_event(Event(vid, 2 + 9 * i, 4 + 9 * i, 8 + 9 * i, emotion=emotion, aus="12", coder="ann"))
        dlg = shown_finetune_dialog(qtbot, project)
        assert "left out: ärger 1, Freude 1, happiness 1, Zorn 1" in dlg.data_label.text()
        dlg.close()
