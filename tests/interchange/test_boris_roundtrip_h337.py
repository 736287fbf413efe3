"""BORIS and ELAN round trips (a120 findings 2, 5, 7, 8; h337)."""

from __future__ import annotations

from pathlib import Path

import pytest

from merstudio.interchange import Media, read_events, write_events
from merstudio.project.events import Event


@pytest.mark.parametrize("name", ["notes.eaf", "notes.boris.xlsx"])
def test_a_carriage_return_in_a_note_comes_back_through_xml(tmp_path: Path, name: str) -> None:
    # XML parsers normalise a raw CR (and CRLF) to LF: the writers escape it (&#13;)
    e = Event(video_id=0, onset=1, apex=2, offset=3, coder="ann", note="a\r\nb\rc", emotion="joy")
    path = tmp_path / name
    write_events([e], path, Media(path=str(tmp_path / "x.mp4"), fps=30.0))
    back = read_events(path, fps=30.0).events
    assert [x.note for x in back] == ["a\r\nb\rc"]
