"""The rule that a coder's review of a model proposal stands (Qt-free): an open proposal of the model on the interval
of a proposal already accepted or rejected is not put before the coder again. A re-run of the analysis drops its
new proposals so (merstudio.gui.workers), and an import of reviewed events resolves the video's open proposals so
(merstudio.interchange.project_preview): one rule, whichever came first."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from merstudio.project.events import Event

__all__ = ["decided_proposals", "is_reviewed_proposal", "same_interval", "unreviewed_proposals"]


def same_interval(a: Event, b: Event, min_share: float = 0.5) -> bool:
    """Two events on the same face whose intervals overlap by at least ``min_share`` of the shorter one: a new
    proposal that matches an earlier reviewed one (boundaries nudged while reviewing still match)."""
    return a.face_id == b.face_id and _shared(a.onset, a.offset, b.onset, b.offset, min_share)


def _shared(a0: int, a1: int, b0: int, b1: int, min_share: float = 0.5) -> bool:
    inter = min(a1, b1) - max(a0, b0) + 1
    return inter > 0 and inter >= min_share * (min(a1 - a0, b1 - b0) + 1)


def is_reviewed_proposal(ev: Event) -> bool:
    """A proposal of the model a coder accepted or rejected (source "model"): a decision. A coder's own event
    (source "manual" or "imported") is coding, not a review of a proposal."""
    return ev.source == "model" and ev.status in ("accepted", "rejected")


def decided_proposals(proposals: Sequence[Event], events: Iterable[Event]) -> list[Event]:
    """The ``proposals`` on the interval of a reviewed proposal among ``events`` (:func:`is_reviewed_proposal`,
    :func:`same_interval`), in their order. Indexed by face and onset: an import of 40,000 reviewed events against a
    video's proposals checks only the events that can overlap each."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for r in events:
        if is_reviewed_proposal(r):
            spans.setdefault(r.face_id, []).append((r.onset, r.offset))
    if not spans:
        return []
    index = {face: (sorted(s), max(b - a for a, b in s)) for face, s in spans.items()}
    out = []
    for p in proposals:
        found = index.get(p.face_id)
        if found is None:
            continue
        ordered, longest = found
        # a reviewed interval that starts before p.onset - longest ends before p starts
        lo = bisect_left(ordered, (p.onset - longest, p.onset - longest))
        hi = bisect_right(ordered, (p.offset, p.offset + longest))
        if any(_shared(p.onset, p.offset, a, b) for a, b in ordered[lo:hi]):
            out.append(p)
    return out


def unreviewed_proposals(new: Sequence[Event], existing: Iterable[Event]) -> list[Event]:
    """The new proposals of a re-run left after matching them to the video's reviewed ones: a proposal on the
    interval of a proposal already accepted or rejected (source "model") is dropped, so the review decision stands
    (an accepted one is not proposed twice, a rejected one does not come back as open)."""
    gone = {id(p) for p in decided_proposals(new, existing)}
    return [p for p in new if id(p) not in gone]
