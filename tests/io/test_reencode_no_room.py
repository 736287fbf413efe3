"""A re-encode the disk takes no more of (full, or the file size limit of `ulimit -f`) fails with exit 3 and one
line naming the output and why, and leaves an earlier copy as it was: cv2.VideoWriter ignores failed writes, so a
cut copy (an MP4 without its index, an AVI of 7 of 72 frames) was renamed over the good one and reported as
complete, and ENOSPC while the sound was added left a copy without sound "because the container cannot take it"."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from io_helpers import frames_in
from support.av_clips import tone_signal, write_av_clip
from support.tinyfs import fill, tiny_tmpfs

import merstudio.io.reencode as R
from merstudio.errors import OutputError

OLD = b"the earlier good copy"


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """90 frames of noise (so the copy is larger than the limits below) with a tone: 3 s at 30 fps."""
    rng = np.random.default_rng(1)
    path = write_av_clip(tmp_path / "src.avi", tone_signal(3.0), size=(160, 120))
    noisy = tmp_path / "noisy.avi"
    with av.open(str(path)) as src, av.open(str(noisy), "w") as out:
        v = out.add_stream("mjpeg", rate=30)
        v.width, v.height, v.pix_fmt = 160, 120, "yuvj420p"
        a = out.add_stream_from_template(src.streams.audio[0])
        for i in range(90):
            frame = av.VideoFrame.from_ndarray(rng.integers(0, 255, (120, 160, 3), np.uint8), format="rgb24")
            frame.pts = i
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
        for packet in src.demux(src.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = a
                out.mux(packet)
    return noisy


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE of a child process: Linux")
@pytest.mark.parametrize("suffix", [".avi", ".mp4"])
def test_a_file_size_limit_is_exit_3_and_keeps_the_earlier_copy(clip: Path, tmp_path: Path, suffix: str) -> None:
    import resource

    out = tmp_path / "out" / f"copy{suffix}"
    out.parent.mkdir()
    out.write_bytes(OLD)
    limit = 60 * 1024  # the whole copy is ~700 kB of noise

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run([sys.executable, "-m", "merstudio", "reencode", str(clip), str(out), "--overwrite", "-q"],
                       capture_output=True, text=True, timeout=300, preexec_fn=limited)
    lines = r.stderr.strip().splitlines()
    # was: exit 0, "wrote ...: 90 frames", and a copy with 7 frames (AVI) or none readable (MP4) in its place
    assert r.returncode == 3, (r.returncode, r.stdout, r.stderr)
    assert len(lines) == 1 and str(out) in lines[0] and "file too large" in lines[0], r.stderr
    assert f"ulimit -f) is {limit} bytes" in lines[0] and "copy.avi is left as it was" in lines[0].replace(
        f"copy{suffix}", "copy.avi"), r.stderr
    assert "wrote" not in r.stdout
    assert out.read_bytes() == OLD
    assert leftovers(out.parent) == []


def test_a_copy_that_reads_back_short_replaces_nothing(clip: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What a lost write leaves (cv2.VideoWriter says nothing): the temporary cut short, with room on the disk."""
    out = tmp_path / "copy.avi"
    out.write_bytes(OLD)
    write = R._write

    def cut(src, tmp, dst, *args):  # noqa: ANN001, ANN202 - the writer's own arguments
        res = write(src, tmp, dst, *args)
        with open(tmp, "r+b") as fh:
            fh.truncate(tmp.stat().st_size // 3)
        return res

    monkeypatch.setattr(R, "_write", cut)
    with pytest.raises(OutputError) as err:
        R.reencode(clip, out, overwrite=True)
    msg = str(err.value)
    assert msg.startswith(f"{out}: cannot write the copy (the copy reads back with ") and "of its 90 frames" in msg
    assert msg.endswith("copy.avi is left as it was")
    assert out.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_a_full_disk_while_the_sound_is_added_is_no_copy_without_sound(clip: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "copy.mp4"
    out.write_bytes(OLD)

    def full(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        av.error.err_check(-errno.ENOSPC, str(args[2]))  # what PyAV raises for a write the disk refused

    monkeypatch.setattr(R, "_mux", full)
    with pytest.raises(OutputError) as err:  # was: a warning "cannot be put in a .mp4 file", the copy mute
        R.reencode(clip, out, overwrite=True)
    assert str(err.value).startswith(f"{out}: cannot write the copy (no space left on the device")
    assert out.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_a_really_full_disk(clip: Path, tmp_path: Path) -> None:
    """The auditor's case: a tiny tmpfs with ~100 kB free (Linux, root; skipped elsewhere)."""
    from merstudio.cli.main import main

    good = tmp_path / "good.mp4"
    R.reencode(clip, good)
    with tiny_tmpfs(tmp_path / "tiny", "2m") as folder:
        out = folder / "copy.mp4"
        out.write_bytes(good.read_bytes())
        fill(folder, leave=100_000)
        r = subprocess.run([sys.executable, "-m", "merstudio", "reencode", str(clip), str(out), "--overwrite",
                            "-q"], capture_output=True, text=True, timeout=300)
        assert r.returncode == 3, (r.stdout, r.stderr)
        assert "no space left on the device" in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert out.read_bytes() == good.read_bytes() and frames_in(out) == 90
        assert leftovers(folder) == []
        os.unlink(folder / "filler.bin")
        assert main(["reencode", str(clip), str(out), "--overwrite", "-q"]) == 0  # with room: written
        assert frames_in(out) == 90
