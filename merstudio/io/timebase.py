"""Frame index <-> media time for one video: ``frame / fps`` at a constant rate, the frames' own presentation times
in a variable-frame-rate video (phones record at whatever rate the light allows).

Playback and the audio lane place sound by it: at a constant 26.4 fps a phone clip that ran at 30 then 24 fps puts
the sound of second 3 at frame 79, where that second's frame is 87 (0.3 s out of sync). Times are seconds from the
first frame (`FrameSource.timestamps`); before the first and after the last frame the nominal rate carries on.
"""

from __future__ import annotations

import math

import numpy as np


def detect_vfr(times_s: np.ndarray, fps: float) -> bool:
    """Whether a video's frame times (seconds) are variable-rate: the one rule of the source (`is_vfr`), the app's
    clock and every export. True when consecutive times stray from 1/fps, or any time strays from the constant-rate
    grid fitted to them (base: the median offset), by more than a quarter frame plus the 1 ms rounding of
    millisecond-timebase containers (mkv stores 33, 34, 33 ms for 30 fps). The grid check catches what no single
    interval shows: a header rate that is only the mean (26.4 fps for a phone's 30 then 24), and a clean 30 -> 24 fps
    switch at a header rate of 30, whose longer intervals are exactly the quarter frame off (frame 402 drifted to
    14.65 s where 402 / 30 puts it at 13.40)."""
    times = np.asarray(times_s, dtype=np.float64)
    if times.size < 2 or not fps > 0:
        return False
    dt = 1.0 / fps
    tol = 0.25 * dt + 0.0011
    if bool(np.any(np.abs(np.diff(times) - dt) > tol)):
        return True
    off = times - np.arange(times.size) * dt
    return bool(np.any(np.abs(off - np.median(off)) > tol))


class Timebase:
    def __init__(self, fps: float, times: np.ndarray | None = None) -> None:
        """`times`: each frame's time (seconds, increasing), for a variable-rate video; None: frame / fps."""
        self.fps = float(fps) if fps and math.isfinite(fps) and fps > 0 else 30.0
        t = None if times is None else np.asarray(times, dtype=np.float64)
        # two frames at least, and strictly increasing (a broken index would make the lookups lie): else the rate
        self.times = t if t is not None and len(t) >= 2 and bool(np.all(np.diff(t) > 0)) else None

    @property
    def variable(self) -> bool:
        return self.times is not None

    def time_of(self, frame: float) -> float:
        """Seconds at which `frame` starts (a fractional frame lies between its frame's time and the next's)."""
        if self.times is None:
            return frame / self.fps
        t, last = self.times, len(self.times) - 1
        if frame <= 0:
            return float(t[0] + frame / self.fps)
        if frame >= last:
            return float(t[last] + (frame - last) / self.fps)
        k = int(frame)  # no index array per call: the clock and every time column ask
        return float(t[k] + (frame - k) * (t[k + 1] - t[k]))

    def times_of(self, frames: np.ndarray) -> np.ndarray:
        """time_of for an array of frames (float64 seconds), for plotting a per-frame table against time."""
        f = np.asarray(frames, dtype=np.float64)
        if self.times is None:
            return f / self.fps
        t, last = self.times, len(self.times) - 1
        out = np.interp(f, np.arange(len(t), dtype=np.float64), t)
        out = np.where(f < 0, t[0] + f / self.fps, out)
        return np.where(f > last, t[last] + (f - last) / self.fps, out)

    def span(self, first: int, last: int) -> float:
        """Seconds for which frames first..last (both included) are shown: (last - first + 1) / fps at a constant
        rate, the frames' own times in a variable-rate video."""
        if self.times is None:
            return (last - first + 1) / self.fps
        return self.time_of(last + 1) - self.time_of(first)

    def position(self, seconds: np.ndarray) -> np.ndarray:
        """Fractional frame positions of times (the inverse of time_of), float64, for drawing."""
        s = np.asarray(seconds, dtype=np.float64)
        if self.times is None:
            return s * self.fps
        t, last = self.times, len(self.times) - 1
        out = np.interp(s, t, np.arange(len(t), dtype=np.float64))
        out = np.where(s < t[0], (s - t[0]) * self.fps, out)
        return np.where(s > t[last], last + (s - t[last]) * self.fps, out)

    def frame_at(self, seconds: float, slack: float = 0.0) -> int:
        """The frame showing at `seconds` (the last one whose time has come; -1 before the first). `slack`
        (seconds): a frame whose time is at most this much later counts as come, for a time typed as it was shown,
        rounded (Go To: a time shown to the millisecond is up to half a millisecond early)."""
        seconds += slack
        if self.times is None:
            return int(math.floor(seconds * self.fps + 1e-6))
        t, last = self.times, len(self.times) - 1
        if seconds >= t[last]:
            return last + int(math.floor((seconds - t[last]) * self.fps + 1e-6))
        return int(np.searchsorted(t, seconds + 1e-6, side="right")) - 1
