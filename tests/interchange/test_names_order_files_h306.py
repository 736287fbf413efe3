"""h306: what an export writes and an import's summary says list names as people read them (names.name_sort_key):
a BORIS project's ethogram (ärger, Freude, Zorn; was Freude, Zorn, ärger) and a read file's coders ('from coder(s)
alice, Änne, Bob, Zoë'; was Bob, Zoë, alice, Änne)."""

from __future__ import annotations

from pathlib import Path

from merstudio.interchange import Media
from merstudio.interchange.boris_project import boris_project
from merstudio.interchange.common import ImportPreview
from merstudio.project import Event


def test_the_boris_ethogram_in_name_order() -> None:
    evs = [Event(1, 2 + k, 4 + k, 6 + k, emotion=e, coder="ann") for k, e in enumerate(["Zorn", "ärger", "Freude"])]
    pj = boris_project(evs, Media("/v/clip.mp4", fps=30.0, frame_count=100))
    assert [b["code"] for b in pj["behaviors_conf"].values()][:3] == ["ärger", "Freude", "Zorn"]


def test_a_read_files_coders_in_name_order() -> None:
    evs = [Event(1, 2 + k, 4 + k, 6 + k, emotion="joy", coder=c) for k, c in enumerate(["Bob", "Zoë", "alice", "Änne"])]
    prev = ImportPreview(Path("all.csv"), "events CSV", events=evs)
    assert prev.coders == ["alice", "Änne", "Bob", "Zoë"]
    assert "from coder(s) alice, Änne, Bob, Zoë" in prev.summary()
