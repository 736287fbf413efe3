"""h303: the summary report lists its coders as people read them (alice, Änne, Bob, Zoë), not by code point."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from merstudio.project.events import Event
from merstudio.project.export import NO_CODER, summary_coders


def test_summary_coders_sorted_as_read() -> None:
    evs = [Event(1, 10, 12, 15, coder=c, status="accepted") for c in ("Bob", "Zoë", "alice", "Änne", None)]
    data = cast(Any, SimpleNamespace(events=tuple(evs)))
    assert summary_coders(data) == [NO_CODER, "alice", "Änne", "Bob", "Zoë"]
