"""Export > Summary with a CSV path that is a folder: refused at once, in one line, and nothing is written (the
timeline PNG was written beside it while the CSV was refused)."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_a_summary_csv_path_that_is_a_folder_is_refused_and_writes_nothing(qtbot, window, video_path, tmp_path):
    assert window.ctx.execute(C.OpenVideo, path=str(video_path))
    assert window.ctx.execute(C.NewEvent, onset=3, offset=9, emotion="positive", aus="6+12")
    out = tmp_path / "reports"
    (out / "s.csv").mkdir(parents=True)
    assert not window.ctx.execute(C.Export, kind="summary", path=str(out / "s.csv"))
    [message] = window.errors
    assert "s.csv: cannot write" in message and "folder" in message
    assert not window.exports.running  # refused before any worker started
    qtbot.wait(300)  # on the old code the worker wrote the PNG meanwhile
    assert sorted(p.name for p in out.iterdir()) == ["s.csv"] and list((out / "s.csv").iterdir()) == []
