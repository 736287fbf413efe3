"""At a 200%-scaled 1920x1080 screen (960 x 540 logical px) with a 16-pt app font the fine-tuning dialog was 1078 px
at its narrowest (a check box's long text, which does not wrap, set its scroll area's width) and its loss plot's
axis label was cut (a 160-px plot under a larger font)."""

from __future__ import annotations

import pytest
from gui_fixtures import shown_finetune_dialog

from merstudio.project import Event, Project

pytestmark = pytest.mark.gui




def test_the_dialog_fits_a_960_px_screen_at_a_big_font(qtbot, tmp_path, big_font) -> None:
    video = tmp_path / "clip.avi"
    video.write_bytes(b"0" * 1000)  # counting reads the project only
    with Project.create(tmp_path / "p.merproj") as project:
        vid = project.add_video(video, fps=30.0, frame_count=200, width=320, height=240).id
        project.add_event(Event(vid, 2, 4, 8, emotion="happiness", aus="6+12", coder="ann"))
        dlg = shown_finetune_dialog(qtbot, project)
        assert dlg.minimumSizeHint().width() <= 960
        assert dlg.plot.minimumHeight() >= 9 * dlg.fontMetrics().lineSpacing()
        dlg.close()
