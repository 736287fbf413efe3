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
from dataclasses import dataclass

import numpy as np

# a frame whose time is within this of a keyframe's is that keyframe (container times are rounded to the tick)
_SAME_MS = 0.5


@dataclass(frozen=True)
class Survey:
    """What one pass over a video's packets tells, without decoding them (times in ms from the video stream's
    start, as OpenCV's CAP_PROP_POS_MSEC counts them): the keyframes' presentation times, sorted; and for each
    packet whose data is damaged, (the earliest presentation time of it and the packets decoded after it up to the
    next keyframe, that keyframe's time): the frames between may show the damage (B-frames decoded after it are
    shown before it)."""

    keys: np.ndarray
    damaged: list[tuple[float, float]]


def survey(path: str | os.PathLike[str]) -> Survey | None:
    """Survey the packets of the file's first video stream (None where they cannot be read: no video stream, an
    untimed raw stream). A packet is damaged when the demuxer flags it corrupt (an MPEG-TS continuity error) or,
    in H.264 and HEVC, when a NAL unit holds three zero bytes in a row or its length runs past the packet: the
    codecs' emulation prevention never lets those bytes occur in whole data, and a bad sector or a lost stretch of
    a transport stream leaves zeros. The decoder conceals such a frame without an error (the frames predicted from
    it show the damage to the next keyframe), so decoding alone does not find it. Random bytes inside a packet
    that still parses are not found. About 30 ms a thousand frames (PyAV's per-packet cost and a byte search)."""
    import av

    keys: list[float] = []
    order: list[tuple[float, bool, bool]] = []  # (time, keyframe, damaged) of each packet in decode order
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            tb = stream.time_base
            start = stream.start_time or 0
            if tb is None:
                return None
            nal = _nal_length(stream.codec_context.name, stream.codec_context.extradata)
            try:
                for p in container.demux(stream):
                    if p.pts is None or not p.size:
                        continue
                    t = float((p.pts - start) * tb) * 1000.0
                    if p.is_keyframe:
                        keys.append(t)
                    order.append((t, bool(p.is_keyframe),
                                  bool(p.is_corrupt) or (nal is not None and _broken(bytes(p), nal))))
            except (av.FFmpegError, OSError):  # a cut-off file: what was read before the cut stands
                pass
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return None
    if not keys:
        return None
    damaged = []
    for d, (_t, _key, bad) in enumerate(order):
        if bad:
            after = next((j for j in range(d + 1, len(order)) if order[j][1]), len(order))
            end = order[after][0] if after < len(order) else float("inf")
            damaged.append((min(order[j][0] for j in range(d, after)), end))
    return Survey(np.unique(np.asarray(keys, dtype=np.float64)), sorted(damaged))


def _nal_length(codec: str, extradata: bytes | None) -> int | None:
    """How H.264 or HEVC packets are framed: the size of each NAL unit's length prefix (1-4 bytes, from the avcC or
    hvcC record: MP4, MOV, MKV), 0 for start codes (Annex B: MPEG-TS, raw streams); None for other codecs."""
    if codec not in ("h264", "hevc"):
        return None
    if extradata and extradata[0] == 1:
        at = 4 if codec == "h264" else 21
        if len(extradata) > at:
            return (extradata[at] & 3) + 1
    return 0


_ZEROS = b"\x00\x00\x00"


def _broken(data: bytes, length: int) -> bool:
    """Whether an H.264/HEVC packet's NAL units (`length`-byte prefixes, or start codes when 0) hold bytes that
    whole data cannot: three zeros inside a unit, or a unit whose length runs past the packet."""
    if length == 0:
        # start codes are 00 00 01 (with a zero before it at most once); a run of 8 zeros is a hole in the data
        return b"\x00" * 8 in data
    pos, n = 0, len(data)
    while pos < n:
        if pos + length > n:
            return True
        size = int.from_bytes(data[pos:pos + length], "big")
        end = pos + length + size
        if size == 0 or end > n or data.find(_ZEROS, pos + length, end) >= 0:
            return True
        pos = end
    return False


def next_keyframe(keys_ms: np.ndarray, t_ms: float) -> float:
    """The time of the first keyframe at or after `t_ms` (inf: none after it)."""
    j = int(np.searchsorted(keys_ms, t_ms - _SAME_MS))
    return float(keys_ms[j]) if j < len(keys_ms) else float("inf")


def doubtful(t_ms: float, key_ms: float) -> bool:
    """Whether a frame at `t_ms` comes before the keyframe at `key_ms` (not that keyframe itself)."""
    return t_ms < key_ms - _SAME_MS


def stale_spans(times_ms: Sequence[float] | np.ndarray, damage: Mapping[int, int], keys_ms: np.ndarray,
                ends: Mapping[int, float] | None = None) -> dict[int, int]:
    """{first frame after a damaged spot: the frame after the last one before the next keyframe} for each spot in
    `damage` (merstudio.io.frames.VideoSource.damage) whose first frame is not a keyframe itself, over the frame
    times `times_ms` of every frame that decodes; spans that meet are one. `ends`: for spots where concealed damage
    begins to show, the time of the keyframe after the damaged packet (`Survey.damaged`; a damaged keyframe
    decodes, concealed, and the span runs to the next one)."""
    t = np.asarray(times_ms, dtype=np.float64)
    spans: dict[int, int] = {}
    for k in sorted(damage):
        if not 0 < k < len(t):
            continue
        key = max(next_keyframe(keys_ms, float(t[k])), (ends or {}).get(k, -np.inf))
        if not doubtful(float(t[k]), key):
            continue
        stop = max(k + 1, len(t) if key == float("inf") else int(np.searchsorted(t, key - _SAME_MS)))
        last = max(spans, default=None)
        if last is not None and k <= spans[last]:  # a second spot before the first one's keyframe: one span
            spans[last] = max(spans[last], stop)
        else:
            spans[k] = stop
    return spans
