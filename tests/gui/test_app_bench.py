"""merstudio.gui.bench: the app's figures, run on a real window."""

from __future__ import annotations

import pytest

from merstudio.gui.bench import _event_loop_during_analysis
from merstudio.gui.main_window import MainWindow
from merstudio.project import Project
from merstudio.project.store import PROJECT_SUFFIX

pytestmark = pytest.mark.gui


def test_the_streaming_figure_never_asks_which_project_even_when_the_video_has_its_own(qapp, video_path,
                                                                                      monkeypatch):
    # After `merstudio demo` the demo video has a project of its own: the bench opened it into its scratch project,
    # the app asked "open that one or add it here?" and the bench waited for an answer no one would give.
    Project.create(video_path.with_suffix(PROJECT_SUFFIX)).close()

    def asked(*_args: object) -> str:
        raise AssertionError("the bench asked which project to use")

    monkeypatch.setattr(MainWindow, "ask_project_beside", asked)
    out = _event_loop_during_analysis(video_path, tick_ms=5)
    assert out["analysis_fps"] > 0 and out["loop_gap_ms_max"] > 0
