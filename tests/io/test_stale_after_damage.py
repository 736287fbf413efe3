"""Frames that follow damaged data up to the next keyframe (merstudio.io.keyframes): the decoder conceals a lost
reference with an older picture, and the frames predicted from it decode, stale or smeared, without an error.
`stale_frames` must hold every frame whose picture differs from the undamaged file's, and stop at the next keyframe,
whose picture is whole again. What differs is told by decoding both files with PyAV, not by the rule under test."""

from __future__ import annotations

import warnings
from pathlib import Path

import av
import numpy as np
import pytest
from io_helpers import coded_frame
from support.damaged_clips import decoded_frames, write_h264, zero_frames

from merstudio.io import open_source
from merstudio.io.keyframes import stale_spans, survey

N, GOP = 150, 30


def decoded(path: Path) -> dict[float, np.ndarray]:
    """{presentation time (ms): picture} of what FFmpeg decodes (support.damaged_clips.decoded_frames)."""
    return {round(t * 1000, 3): img.astype(np.int16) for t, img in decoded_frames(path)}


def spoiled(clean: Path, damaged: Path) -> list[int]:
    """Indices (in decode order of the damaged file) of the frames whose picture is not the clean file's."""
    whole, got = decoded(clean), decoded(damaged)
    return [k for k, pts in enumerate(sorted(got)) if np.abs(got[pts] - whole[pts]).mean() > 1.0]


def write(path: Path, preset: str, gop: int = GOP) -> Path:
    return write_h264(path, N, lambda i: coded_frame(i), gop=gop, fmt="bgr24",
                      options={"preset": preset, "x264-params": "scenecut=0"})


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("stale")
    write(d / "bframes.mp4", "veryfast")  # B-frames: decode order is not presentation order
    write(d / "ponly.mp4", "ultrafast")  # no B-frames (as most phones record)
    write(d / "intra.mp4", "ultrafast", gop=1)  # every frame a keyframe
    return d


def opened(path: Path):  # noqa: ANN201
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(path)
        seen = [i for i, _ in src.iter_frames() if src.stale(i)]  # as the analysis asks: inside the pass
    return src, seen


@pytest.mark.parametrize(("name", "lost", "keyframe"), [
    ("bframes.mp4", [60], True),  # a keyframe lost: the rest of its group predicts from a concealed picture
    ("ponly.mp4", [60], True),
    ("ponly.mp4", [70, 71], False),  # P-frames lost: every later frame of the group refers to them
])
def test_every_spoiled_frame_is_stale_up_to_the_next_keyframe(clips: Path, tmp_path: Path, name: str,
                                                             lost: list[int], keyframe: bool) -> None:
    damaged = zero_frames(clips / name, tmp_path / "damaged.mp4", lost, keyframes=keyframe)
    bad = spoiled(clips / name, damaged)
    assert len(bad) >= 10, "test file is no test: the damage spoiled nothing"
    src, seen = opened(damaged)
    with src:
        spans = src.stale_frames
        assert len(spans) == 1
        a, b = spans[0]
        assert set(bad) <= set(range(a, b))  # every spoiled picture is marked
        assert seen == list(range(a, b))  # known inside the pass, frame by frame
        assert b not in bad and b < src.frame_count  # the span ends where the picture is whole again...
        assert abs(src.timestamp(b) - 90 / 30) < 1e-3  # ...the next keyframe
        assert b - a <= 32  # and takes at most the group the damage was in (plus B-frames decoded before it)
        text = " ".join(src.warnings)
    assert f"frames {a}-{b - 1} (" in text and "the analysis leaves them unknown" in text


def test_nothing_is_stale_where_every_frame_is_a_keyframe(clips: Path, tmp_path: Path) -> None:
    damaged = zero_frames(clips / "intra.mp4", tmp_path / "damaged.mp4", [70, 71], keyframes=True)
    assert spoiled(clips / "intra.mp4", damaged) == [], "test file is no test"
    src, seen = opened(damaged)
    with src:
        assert src.damage and src.stale_frames == [] and seen == []
        assert "start at keyframes and decode whole" in " ".join(src.warnings)


def test_damage_found_at_open_has_its_stale_frames_before_any_pass(clips: Path, tmp_path: Path) -> None:
    damaged = zero_frames(clips / "ponly.mp4", tmp_path / "head.mp4", [10], keyframes=False)  # in the head sample
    bad = spoiled(clips / "ponly.mp4", damaged)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with open_source(damaged) as src:
            assert src.stale_frames and set(bad) <= set(range(*src.stale_frames[0]))
            assert all(src.stale(i) for i in bad) and not src.stale(src.stale_frames[0][1])


def test_keyframe_times_are_the_frames_own(clips: Path) -> None:
    with open_source(clips / "ponly.mp4") as src:
        found = survey(clips / "ponly.mp4")
        assert found is not None
        np.testing.assert_allclose(found.keys, [src.timestamp(i) * 1000 for i in range(0, N, GOP)], atol=0.5)


def test_spots_in_one_group_are_one_span() -> None:
    times = np.arange(100) * 40.0
    keys = np.array([0.0, 1000.0, 2000.0, 3000.0])  # every 25 frames
    assert stale_spans(times, {30: 1, 33: 2, 60: 1}, keys) == {30: 50, 60: 75}
    assert stale_spans(times, {25: 3}, keys) == {}  # the first frame after the damage is a keyframe
    assert stale_spans(times, {80: 1}, keys) == {80: 100}  # no keyframe after it: to the end


def test_damage_in_the_last_frames_of_a_whole_file_is_kept(clips: Path, tmp_path: Path) -> None:
    """A P-frame lost 5 frames before the end of a file whose last frame is where its claim puts it: the frames
    after it follow damage (they were marked during the pass, then taken for a cut-off end's flush and forgotten)."""
    damaged = zero_frames(clips / "ponly.mp4", tmp_path / "late.mp4", [N - 5])
    bad = spoiled(clips / "ponly.mp4", damaged)
    assert bad, "test file is no test"
    src, seen = opened(damaged)
    with src:
        assert src.stale_frames == [(N - 5, N - 1)] and seen == list(range(N - 5, N - 1))
        assert set(bad) <= set(range(N - 5, N - 1))
        assert f"frames {N - 5}-{N - 2} (" in " ".join(src.warnings)


def zero_bytes(src: Path, dst: Path, frame: int, size: int = 512) -> Path:
    """A copy of `src` with `size` bytes zeroed a third into the stored data of `frame` (a bad sector inside one
    packet: the decoder conceals it without an error)."""
    data = bytearray(src.read_bytes())
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        packet = next(p for p in container.demux(stream)
                      if p.size and p.pts is not None and round(float(p.pts * stream.time_base) * 30) == frame)
        at = packet.pos + packet.size // 3
        assert packet.size > size * 2, "test file is no test: the packet is too small"
    data[at:at + size] = bytes(size)
    dst.write_bytes(bytes(data))
    return dst


def remux(src: Path, dst: Path) -> Path:
    with av.open(str(src)) as container, av.open(str(dst), "w") as out:
        stream = container.streams.video[0]
        copy = out.add_stream_from_template(stream)
        for p in container.demux(stream):
            if p.size:
                p.stream = copy
                out.mux(p)
    return dst


@pytest.mark.parametrize(("name", "frame"), [("bframes.mp4", 60), ("ponly.mp4", 70), ("bframes.mp4", 75)])
def test_damage_the_decoder_conceals_is_found_from_the_packets(clips: Path, tmp_path: Path, name: str,
                                                               frame: int) -> None:
    """48 bytes zeroed inside one packet: every grab succeeds, so only the packet's bytes tell (H.264 never holds
    three zero bytes in a row inside a NAL unit)."""
    damaged = zero_bytes(clips / name, tmp_path / "sector.mp4", frame, size=48)
    bad = spoiled(clips / name, damaged)
    assert bad, "test file is no test"
    src, seen = opened(damaged)
    with src:
        assert src.frame_count == N and list(src.damage.values()) == [0]  # nothing lost, one concealed spot
        spans = src.stale_frames
        assert len(spans) == 1 and set(bad) <= set(range(*spans[0])) and seen == list(range(*spans[0]))
        assert abs(src.timestamp(spans[0][1]) - 90 / 30) < 1e-3  # up to the next keyframe
        assert "is damaged and decodes concealed" in " ".join(src.warnings)


def test_no_clean_file_is_said_to_hold_concealed_damage(clips: Path, tmp_path: Path) -> None:
    for path in (clips / "bframes.mp4", clips / "ponly.mp4", clips / "intra.mp4",
                 remux(clips / "bframes.mp4", tmp_path / "b.ts"), remux(clips / "bframes.mp4", tmp_path / "b.mkv"),
                 Path(__file__).resolve().parents[2] / "resources" / "demo" / "interview.mp4"):
        found = survey(path)
        assert found is not None and found.damaged == [], path


def test_a_transport_stream_with_a_sector_lost_is_found(clips: Path, tmp_path: Path) -> None:
    ts = remux(clips / "ponly.mp4", tmp_path / "clip.ts")
    damaged = zero_bytes(ts, tmp_path / "sector.ts", 70, size=376)
    bad = spoiled(ts, damaged)
    assert bad, "test file is no test"
    src, _ = opened(damaged)
    with src:
        assert src.stale_frames and set(bad) <= set(range(*src.stale_frames[0]))


def test_a_lost_first_keyframe_is_named(clips: Path, tmp_path: Path) -> None:
    """The first group's keyframe zeroed: the video starts at the next keyframe (1 s in). The warning named no spot
    at all ("damaged data inside the file: ; ...")."""
    damaged = zero_frames(clips / "ponly.mp4", tmp_path / "first.mp4", [0], keyframes=True)
    src, seen = opened(damaged)
    with src:
        assert src.frame_count == N - GOP and seen == []
        text = " ".join(src.warnings)
    assert "damaged data inside the file: the first 1.00 s of the file do not decode (frame 0 is the first" in text
