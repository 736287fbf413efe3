"""frame_table takes progress and cancel, as Analysis.rows and DEVELOPERS.md's long work do: a long video ran for
minutes in a notebook with nothing shown and no way to stop it but Ctrl-C (audit a91 finding 7). A stopped table
keeps the frames done and says it is partial."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.clips import write_clip

from merstudio.analysis import frame_table


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("clip") / "face.avi", n=12)


def test_progress_counts_the_frames_and_cancel_stops_with_the_rows_so_far(clip: Path) -> None:
    seen: list[tuple[int, int]] = []
    df = frame_table(clip, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (12, 12) and len(seen) >= 2 and len(df) == 12
    assert df.attrs == {"cancelled": False, "frames_done": 12}

    stop = threading.Event()

    calls: list[int] = []

    def step(done: int, total: int) -> None:
        # once a frame read; `done` counts the frames whose rows have left, ~1 s behind here (h295)
        calls.append(done)
        if len(calls) >= 5:
            stop.set()

    part = frame_table(clip, progress=step, cancel=stop.is_set)
    assert part.attrs["cancelled"] is True and 5 <= part.attrs["frames_done"] < 12
    assert 0 < len(part) < 12 and list(part.columns) == list(df.columns)
    assert part["frame"].max() < 12
