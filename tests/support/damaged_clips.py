"""An H.264 MP4 with damaged data past its first 32 frames whose ends agree with the file's claim: the checks at
open cannot see it, only a complete pass finds it (io.frames: "Damaged data inside a video"). Frames carry their
stored number as a barcode, so a test can tell which frame it was given."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

W, H = 160, 96
BAR = 13  # barcode cell width (px): 12 cells in the top 16 rows
FPS = 30


def coded_frame(i: int) -> np.ndarray:
    """RGB frame: a still background, a moving block (every frame differs) and the frame's number as a barcode."""
    rng = np.random.default_rng(0)
    img = np.repeat(np.repeat(rng.integers(40, 215, (H // 8, W // 8, 3), dtype=np.uint8), 8, 0), 8, 1)
    x = (i * 3) % (W - 24)
    img[40:80, x:x + 24] = (230, 40, 40)
    for b in range(12):
        img[0:16, b * BAR:(b + 1) * BAR] = 255 if (i >> b) & 1 else 0
    return img


def read_code(img: np.ndarray) -> int:
    """The number barcoded in a decoded frame (W x H)."""
    bits = [img[4:12, b * BAR + 3:(b + 1) * BAR - 3].mean() > 127 for b in range(12)]
    return sum(1 << b for b, v in enumerate(bits) if v)


def write_damaged_mp4(path: Path, n: int = 300, lost: range = range(70, 73), gop: int = 30) -> Path:
    """`n` frames at FPS, the stored data of the frames `lost` (not keyframes) zeroed, as a bad disk leaves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.codec_context.gop_size = gop
        stream.options = {"preset": "ultrafast", "x264-params": "scenecut=0"}
        for i in range(n):
            for packet in stream.encode(av.VideoFrame.from_ndarray(coded_frame(i), format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    data = bytearray(path.read_bytes())
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.pts is None or not packet.size:
                continue
            if round(float(packet.pts * stream.time_base) * FPS) in lost:
                assert not packet.is_keyframe
                data[packet.pos:packet.pos + packet.size] = bytes(packet.size)
    path.write_bytes(bytes(data))
    return path


def decoded_codes(path: Path) -> list[int]:
    """The numbers of the frames FFmpeg decodes, in order, skipping packets that fail as its command line does."""
    codes = []
    with av.open(str(path)) as container:
        for packet in container.demux(container.streams.video[0]):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue
            codes += [read_code(f.to_ndarray(format="rgb24")) for f in frames]
    return codes
