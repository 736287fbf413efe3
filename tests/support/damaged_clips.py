"""An H.264 MP4 with damaged data past its first 32 frames whose ends agree with the file's claim: the checks at
open cannot see it, only a complete pass finds it (io.frames: "Damaged data inside a video"). Frames carry their
stored number as a barcode, so a test can tell which frame it was given."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from support.barcodes import read_code, stamp

W, H = 160, 96
FPS = 30


def coded_frame(i: int) -> np.ndarray:
    """RGB frame: a still background, a moving block (every frame differs) and the frame's number as a barcode."""
    rng = np.random.default_rng(0)
    img = np.repeat(np.repeat(rng.integers(40, 215, (H // 8, W // 8, 3), dtype=np.uint8), 8, 0), 8, 1)
    x = (i * 3) % (W - 24)
    img[40:80, x:x + 24] = (230, 40, 40)
    return stamp(img, i)


def write_h264(path: Path, n: int, picture: Callable[[int], np.ndarray], fps: int = FPS, gop: int | None = None,
               sar: Fraction | None = None, fmt: str = "rgb24", options: dict[str, str] | None = None) -> Path:
    """An H.264 MP4 of `n` frames `picture(i)` (`fmt`: their channel order) written with PyAV (no ffmpeg binary):
    `gop` frames between keyframes (None: the encoder's), `sar` the stored pixels' aspect ratio."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        first = picture(0)
        stream.height, stream.width = first.shape[:2]
        stream.pix_fmt = "yuv420p"
        if gop is not None:
            stream.codec_context.gop_size = gop
        if sar is not None:
            stream.codec_context.sample_aspect_ratio = sar
        if options:
            stream.options = options
        for i in range(n):
            for packet in stream.encode(av.VideoFrame.from_ndarray(first if i == 0 else picture(i), format=fmt)):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


# x264 on one thread without lookahead or macroblock tree writes the same bytes at every encode. With its defaults
# the bytes varied from encode to encode in one process (46 distinct files of 60 back to back), so bytes garbled at a
# fixed offset landed on other frames each run: inside one frame's data (concealed, nothing to tell), or where the
# times go back after it (h172)
STEADY_X264 = "threads=1:rc-lookahead=0:mbtree=0"


def garbled_middle(path: Path, x264_params: str = STEADY_X264) -> Path:
    """72 noisy frames at FPS, one keyframe, encoded the same at every run (`x264_params`), and 1000 bytes of the file
    past its middle garbled, as a bad disk or a broken copy leaves them: one damaged spot."""
    rng = np.random.default_rng(5)
    write_h264(path, 72, lambda i: np.clip(coded_frame(i) + rng.integers(-20, 20, (96, 160, 3)), 0, 255)
               .astype(np.uint8), gop=72, options={"x264-params": x264_params})
    data = bytearray(path.read_bytes())
    at = int(len(data) * 0.55)
    data[at:at + 1000] = np.random.default_rng(4).integers(0, 256, 1000, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    return path


def zero_frames(src: Path, dst: Path, frames: Iterable[int], fps: int = FPS, keyframes: bool = False) -> Path:
    """A copy of `src` with the stored data of `frames` zeroed, as a bad disk leaves it; none may be a keyframe
    unless `keyframes`."""
    lost = set(frames)
    data = bytearray(src.read_bytes())
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.pts is None or not packet.size:
                continue
            if round(float(packet.pts * stream.time_base) * fps) in lost:
                assert keyframes or not packet.is_keyframe
                data[packet.pos:packet.pos + packet.size] = bytes(packet.size)
    dst.write_bytes(bytes(data))
    return dst


def write_damaged_mp4(path: Path, n: int = 300, lost: range = range(70, 73), gop: int = 30) -> Path:
    """`n` frames at FPS, the stored data of the frames `lost` (not keyframes) zeroed, as a bad disk leaves it."""
    write_h264(path, n, coded_frame, gop=gop, options={"preset": "ultrafast", "x264-params": "scenecut=0"})
    return zero_frames(path, path, lost)


def decoded_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    """What FFmpeg decodes, in order, skipping packets that fail as its command line does: (presentation time in s,
    RGB picture) per frame. The truth the tests of damaged files hold the reader to."""
    out = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue
            out += [(float(f.pts * stream.time_base), f.to_ndarray(format="rgb24")) for f in frames]
    return out


def decoded_codes(path: Path) -> list[int]:
    """The numbers of the frames FFmpeg decodes, in order, skipping packets that fail as its command line does."""
    return [read_code(img) for _, img in decoded_frames(path)]


def cut_off(src: Path, dst: Path, share: float) -> Path:
    """`src` ending after the first frame stored past `share` of its packets that the frames stored after it are
    shown before (B-frames), as a recording cut off there: the decoder gives that frame out at the end, after a
    hole where they were. (Remuxed, not truncated: a truncated file's last block may or may not be read whole.)"""
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        k = next(k for k in range(int(len(packets) * share), len(packets) - 1)
                 if packets[k + 1].pts < packets[k].pts)
        with av.open(str(dst), "w") as out:
            copy = out.add_stream_from_template(stream)
            for p in packets[:k + 1]:
                p.stream = copy
                out.mux(p)
    return dst
