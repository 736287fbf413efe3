"""Fine-tuning's `none` windows (finetune_split.none_items) are as long as the median *training* event's onset ->
apex: the held-out events' lengths were part of that median, so the held-out side shaped the training samples.

Expected lengths are the arithmetic of the events below: training events of onset -> apex 4, 4 and 6 frames
(median 4); two held-out events of 30 frames each would pull the median over all five events to 6."""

from __future__ import annotations

from types import SimpleNamespace

from merstudio.training.finetune_split import Item, none_items


class _Project:
    """What none_items reads of a project: every event of a video (onset, offset) and its face spans."""

    def __init__(self, events: dict[int, list[tuple[int, int]]]) -> None:
        self._events = events

    def events(self, vid: int) -> list[SimpleNamespace]:
        return [SimpleNamespace(onset=a, offset=b) for a, b in self._events[vid]]

    def face_spans(self, vid: int) -> dict:
        return {}


def _event(k: int, vid: int, onset: int, rise: int, label: str) -> Item:
    return Item(f"event:{k}", k, vid, f"v{vid}", label, onset, onset + rise, onset + rise + 2, None)


def test_the_none_windows_are_as_long_as_the_training_events_not_the_held_out_ones():
    items = [_event(1, 1, 10, 4, "positive"), _event(2, 1, 40, 4, "negative"), _event(3, 1, 70, 6, "positive"),
             _event(4, 2, 10, 30, "negative"), _event(5, 2, 60, 30, "positive")]
    train_idx = [0, 1, 2]  # video 1 trains, video 2 is held out
    project = _Project({1: [(it.onset, it.offset) for it in items[:3]], 2: [(it.onset, it.offset) for it in items[3:]]})
    videos = {1: SimpleNamespace(fps=30.0, frame_count=400), 2: SimpleNamespace(fps=30.0, frame_count=400)}
    windows = none_items(project, items, train_idx, videos, per_video=2)
    assert windows, "no none window was placed"
    assert {it.apex - it.onset for it in windows} == {4}  # median(4, 4, 6); over all five events it is 6
