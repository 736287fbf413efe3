"""The events exports step before their file is moved into place, so what the step raises (the app's Cancel export,
gui/exports.py) leaves the old file byte for byte and no temporary: the events XLSX, the BORIS table (.xlsx, .tsv)
and the events CSV moved their file into place first and stepped after, when nothing was left to stop."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.interchange.boris import write_boris
from merstudio.interchange.common import Media
from merstudio.interchange.events_csv import write_events_csv
from merstudio.project import Event, Project
from merstudio.project.export import export_events_xlsx

OLD = b"the old file"
EVENTS = [Event(0, 10, 12, 15, emotion="positive", aus="12", coder="alice", note="smile", id=1)]


class Stop(Exception):
    pass


def _stop_at_first_step(steps: list[tuple[int, int]]):
    def progress(done: int, total: int) -> None:
        steps.append((done, total))
        if done < total:
            raise Stop

    return progress


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _writers(tmp_path: Path):
    media = Media("clip.mp4", fps=30.0, frame_count=100)
    proj = tmp_path / "p.merproj"
    with Project.create(proj) as p:
        v = p.add_video(tmp_path / "clip.mp4", fps=30.0, frame_count=100, width=64, height=48)
        p.add_event(Event(v.id, 10, 12, 15, emotion="positive", coder="alice"))

    def events_xlsx(path, progress):
        with Project.open(proj, read_only=True) as p:
            return export_events_xlsx(p, path, progress=progress)

    return {
        "events.xlsx": events_xlsx,
        "boris.xlsx": lambda path, progress: write_boris(EVENTS, path, media, progress=progress),
        "boris.tsv": lambda path, progress: write_boris(EVENTS, path, media, progress=progress),
        "events.csv": lambda path, progress: write_events_csv(EVENTS, path, media, progress=progress),
    }


@pytest.mark.parametrize("name", ["events.xlsx", "boris.xlsx", "boris.tsv", "events.csv"])
def test_a_step_that_raises_before_the_move_keeps_the_old_file(tmp_path, name):
    write = _writers(tmp_path)[name]
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(OLD)
    steps: list[tuple[int, int]] = []
    with pytest.raises(Stop):
        write(out / name, _stop_at_first_step(steps))
    assert steps == [(1, 2)]
    assert (out / name).read_bytes() == OLD
    assert _left(out) == [name]  # no temporary

    steps.clear()
    write(out / name, lambda d, t: steps.append((d, t)))
    assert steps == [(1, 2), (2, 2)]
    data = (out / name).read_bytes()
    assert data != OLD and (data[:2] == b"PK" if name.endswith(".xlsx") else b"clip.mp4" in data)
    assert _left(out) == [name]
