"""Where a video's keyframes lie, read from its packets without decoding them (PyAV's demuxer), and which frames
follow damaged data before the next one.

Damaged data inside a video (merstudio.io.frames: "Damaged data inside a video") costs more than the frames it
held. A decoder that loses a reference picture conceals it with an older one, and every frame predicted from it,
up to the next keyframe, decodes without an error and shows a stale or smeared picture: in a looped smile with one
keyframe zeroed, the 29 frames after it differed from the undamaged copy by 4-7 grey levels on average, read AU12 0
where the smile was, and the real picture's return was spotted as an event. Whether the lost data was a reference
is not in what OpenCV gives back, so every frame from the damaged spot to the next keyframe is taken as doubtful
(lost non-reference B-frames spoil nothing: that share of the span is given up for safety). Intra-only codecs
(MJPEG, ProRes, DNxHD) make every frame a keyframe, so nothing follows a damaged spot there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np

# a frame whose time is within this of a keyframe's is that keyframe (container times are rounded to the tick)
_SAME_MS = 0.5


def keyframe_times(path: str | os.PathLike[str]) -> np.ndarray | None:
    """Presentation times (ms from the video stream's start, as OpenCV's CAP_PROP_POS_MSEC counts them) of the
    keyframes of the file's first video stream, sorted; None where they cannot be read (no video stream, a demuxer
    error, an untimed raw stream). One pass over the packets, no decoding: about 15 ms a thousand frames."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            tb = stream.time_base
            start = stream.start_time or 0
            if tb is None:
                return None
            keys = [float((p.pts - start) * tb) * 1000.0 for p in container.demux(stream)
                    if p.is_keyframe and p.pts is not None and p.size]
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return None
    return np.unique(np.asarray(keys, dtype=np.float64)) if keys else None


def next_keyframe(keys_ms: np.ndarray, t_ms: float) -> float:
    """The time of the first keyframe at or after `t_ms` (inf: none after it)."""
    j = int(np.searchsorted(keys_ms, t_ms - _SAME_MS))
    return float(keys_ms[j]) if j < len(keys_ms) else float("inf")


def doubtful(t_ms: float, key_ms: float) -> bool:
    """Whether a frame at `t_ms` comes before the keyframe at `key_ms` (not that keyframe itself)."""
    return t_ms < key_ms - _SAME_MS


def stale_spans(times_ms: Sequence[float] | np.ndarray, damage: Mapping[int, int],
                keys_ms: np.ndarray) -> dict[int, int]:
    """{first frame after a damaged spot: the frame after the last one before the next keyframe} for each spot in
    `damage` (merstudio.io.frames.VideoSource.damage) whose first frame is not a keyframe itself, over the frame
    times `times_ms` of every frame that decodes; spans that meet are one."""
    t = np.asarray(times_ms, dtype=np.float64)
    spans: dict[int, int] = {}
    for k in sorted(damage):
        if not 0 < k < len(t):
            continue
        key = next_keyframe(keys_ms, float(t[k]))
        if not doubtful(float(t[k]), key):
            continue
        stop = max(k + 1, len(t) if key == float("inf") else int(np.searchsorted(t, key - _SAME_MS)))
        last = max(spans, default=None)
        if last is not None and k <= spans[last]:  # a second spot before the first one's keyframe: one span
            spans[last] = max(spans[last], stop)
        else:
            spans[k] = stop
    return spans
