"""An events CSV of several videos whose rows of one video were coded at another rate: the all-videos import's
question names that video (it said "rows of a video were coded at 15 fps"), as it names a variable-rate one (h251)."""

from __future__ import annotations

import pytest
from test_import_all_videos import _two_videos

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_the_rate_question_names_the_video_whose_rows_differ(qtbot, window, tmp_path, monkeypatch) -> None:
    a, b, out = _two_videos(qtbot, window, tmp_path)
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    times = [header.index(c) for c in ("onset_time", "apex_time", "offset_time")]
    rows = [line.split(",") for line in lines[1:]]
    rate = window.project.video(a.id).fps
    for r in rows:
        if r[0] == a.name:  # its times as if coded at half the rate: each frame twice as late
            for i in times:
                r[i] = f"{float(r[i]) * 2:.6f}"
    out.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or False)
    window.ctx.execute(C.ImportEvents, path=str(out))
    assert asked and f"the rows of {a.name} were coded at {rate / 2:g} fps" in asked[0], asked
