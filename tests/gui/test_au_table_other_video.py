"""The app's OpenFace / py-feat import says when a py-feat table was made from another video or a photo (the
CLI did; the app stored it as this video's overlay without a word)."""

from __future__ import annotations

from gui_fixtures import N_FRAMES
from support.pyfeat_files import pyfeat_csv

from merstudio.gui import commands as C


def test_a_py_feat_table_of_another_video_is_imported_with_a_word(window, video_path, tmp_path) -> None:
    win = window
    assert win.ctx.execute(C.OpenVideo, path=str(video_path)), win.errors
    src = pyfeat_csv(tmp_path / "feat.csv", [(f, 0, 90.0) for f in range(N_FRAMES)], version="0.7",
                     inputs=["interview_03.mp4"] * N_FRAMES)
    assert win.ctx.execute(C.ImportAUTable, path=str(src)), win.errors
    assert win.project.overlays(win.video.id)  # imported anyway
    said = "\n".join(win.infos)
    assert "interview_03.mp4" in said and "clip.avi" in said, said
