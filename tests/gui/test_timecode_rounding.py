"""timecode rounds the whole time to milliseconds before splitting off hours and minutes (audit a89)."""

import pytest

from merstudio.gui.state import timecode


@pytest.mark.parametrize(("frame", "fps", "text"), [
    (8991, 30000 / 1001, "00:05:00.000"),    # 299.9997 s: read "00:04:60.000"
    (17982, 60000 / 1001, "00:05:00.000"),
    (81998, 24000 / 1001, "00:57:00.000"),   # 3419.9992 s
    (8990, 30000 / 1001, "00:04:59.966"),
    (1, 30, "00:00:00.033"),
])
def test_timecode_carries_rounded_milliseconds(frame: int, fps: float, text: str) -> None:
    assert timecode(frame, fps) == text


def test_timecode_never_shows_sixty_seconds_or_minutes() -> None:
    for fps in (30000 / 1001, 60000 / 1001, 24000 / 1001, 25.0):
        for frame in range(0, 200_000, 13):
            _, m, s = timecode(frame, fps).split(":")
            assert int(m) < 60 and float(s) < 60.0, (frame, fps)
