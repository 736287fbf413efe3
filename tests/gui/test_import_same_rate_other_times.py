"""An events file timed at a variable-rate video's mean rate (as exports wrote it before 2026-12-06) is refused with
FrameRateMismatch although the two rates agree ("coded at 20.571 fps; this video has 20.5714 fps"); converting its
times at the video's rate lands them 9 frames off. The app says the error's own line (what to do) and does not
offer the conversion; another copy of the video at another rate still gets the offer."""

from __future__ import annotations

from typing import Any

import pytest

from merstudio.errors import FrameRateMismatch
from merstudio.gui import all_videos_import


class _Win:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.asked: list[str] = []

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def confirm(self, question: str) -> bool:
        self.asked.append(question)
        return False


@pytest.mark.parametrize(("file_fps", "offered"), [(20.571, False), (25.0, True)])
def test_the_same_rate_with_other_times_is_not_offered_a_conversion(monkeypatch, file_fps: float,
                                                                    offered: bool) -> None:
    exc = FrameRateMismatch("x.csv: its times are not this variable-rate video's frame times: export it again",
                            file_fps, 20.5714)

    def preview(ctx: Any, params: dict[str, Any], read_for: list[int] | None = None) -> Any:
        raise exc

    monkeypatch.setattr(all_videos_import, "_preview", preview)
    monkeypatch.setattr(all_videos_import, "_index_first", lambda ctx, params: True)  # no files to index here
    ctx = type("Ctx", (), {"win": _Win()})()
    assert all_videos_import.ask(ctx, {"path": "x.csv"}) is False
    assert bool(ctx.win.asked) is offered
    assert ctx.win.errors == ([] if offered else [str(exc)])
    assert exc.same_rate() is not offered
