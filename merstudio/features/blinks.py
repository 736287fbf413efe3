"""Which frames of a face track lie in a blink, for the model's per-frame inference (merstudio.model.inference).

The blendshape blink score (the larger eyeBlink score, merstudio.features.blendshape_aus) crosses the micro-motion
lane's `blink_on` only while the lids are nearly shut; the frames of a blink's closing and opening read lower (the
bundled demo: 0.29 closing, 0.50-0.53 shut, 0.35 and 0.22 opening, 0.05 at rest), yet their flow is all lids. A low
threshold cannot find them: a smile's cheeks push the lower lids up and hold the score at 0.25-0.3 (the real smile
clip; 0.11 before it). So a frame is in a blink when a frame within `margin` of it (0.07 s: two frames at 30 fps)
is above `blink_on`: frames leave `margin` frames after they arrive, once the frames after them are known.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

BLINK_MARGIN_S = 0.07  # a blink's closing and opening frames on either side of its shut ones

T = TypeVar("T")


@dataclass
class _Track(Generic[T]):
    waiting: deque[tuple[int, bool, T]] = field(default_factory=deque)  # (frame, shut, item), frame order
    shut_before: int = -(10 ** 9)  # the last released frame whose score crossed blink_on


class BlinkMarker(Generic[T]):
    """Frames of each track in (`push`, frame order per track, with an item each), (track, frame, item, in_blink)
    out in the same order per track, `margin` frames later (`flush` at the end, and before anything that must see
    every frame so far: a restart of the noise floor)."""

    def __init__(self, fps: float, blink_on: float = 0.45, margin_s: float = BLINK_MARGIN_S) -> None:
        self.blink_on = float(blink_on)
        self.margin = max(1, int(round(margin_s * fps)))
        self._tracks: dict[int, _Track[T]] = {}

    def push(self, track_id: int, frame: int, score: float, item: T) -> list[tuple[int, int, T, bool]]:
        """Add a frame of a track with its blink score (NaN: unknown, not a blink); returns the frames, of every
        track, that are now `margin` frames old (a lost track's last frames leave as later frames of others come)."""
        tr = self._tracks.setdefault(int(track_id), _Track())
        shut = bool(score > self.blink_on)  # NaN compares False
        tr.waiting.append((int(frame), shut, item))
        return self._release(int(frame) - self.margin)

    def flush(self) -> list[tuple[int, int, T, bool]]:
        return self._release(None)

    def _release(self, upto: int | None) -> list[tuple[int, int, T, bool]]:
        out = []
        for tid, tr in self._tracks.items():
            while tr.waiting and (upto is None or tr.waiting[0][0] <= upto):
                f, shut, item = tr.waiting.popleft()
                if shut:
                    tr.shut_before = f
                ahead = any(s for g, s, _ in tr.waiting if g <= f + self.margin)
                out.append((tid, f, item, ahead or f - tr.shut_before <= self.margin))
        return out
