"""The app's analysis child numbers a variable-rate video by the index the app built when it opened the video
(handed over by analysis.remote), not by a second whole-file pass of its own. Measured on a 20-minute variable-rate
video (27000 frames): the child started 0.9 s after it was asked (12.5 s where it has to index the file itself);
its first rows came ~4 s in, as a constant-rate video's do (model load, the turn check's seeks)."""

from __future__ import annotations

import warnings

from support.vfr_clips import write_vfr_clip

from merstudio.analysis.pipeline import AnalysisSettings
from merstudio.analysis.remote import ProcessAnalysis
from merstudio.io import frames, open_source


def test_the_child_numbers_the_frames_by_the_index_it_was_handed(tmp_path) -> None:
    clip = write_vfr_clip(tmp_path / "phone.mp4")  # 90 frames; only a whole pass times them
    frames._INDEXES.clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            open_source(clip).close()  # the app's opener: the pass, kept for this version of the file
        known = frames.known_index(clip)
        assert known is not None and len(known[1]) == 90
        # An index no pass over this file gives (its last frame left out): a child that counted the frames itself
        # would say 90.
        frames.adopt_index((known[0], known[1][:-1]))
        analysis = ProcessAnalysis(clip, AnalysisSettings())
        try:
            assert analysis.frame_count == 89
        finally:
            analysis.close()
    finally:
        frames._INDEXES.clear()
