"""`merstudio bench seek` measures the README's H.264 seek figure (it named no command): it makes an H.264 clip
of --minutes with a keyframe every 250 frames and times random frame(i) reads; and `bench gui` opens the video once
untimed before timing the open (alone, its first open paid lazy imports: 0.23 s against the README's 0.012 s)."""

from __future__ import annotations

import json

import av
import pytest
from support.cli_run import run, tiny_video

from merstudio.analysis import bench


def test_the_seek_clip_has_a_keyframe_every_250_frames_exactly(tmp_path):
    clip = bench.make_h264_clip(tiny_video(tmp_path / "c.avi", n=90), tmp_path / "g.mp4", minutes=0.3)
    with av.open(str(clip)) as f:
        key = [frame.key_frame for frame in f.decode(video=0)]
    keys = [i for i, k in enumerate(key) if k]
    frames = len(key)
    assert frames == 540  # 0.3 minutes at the source's 30 frames/s, the 90-frame source looped
    assert keys == [0, 250, 500]


def test_bench_seek_reports_open_and_random_reads(tmp_path, capsys):
    clip = tiny_video(tmp_path / "c.avi", n=90)
    code, out, _ = run(capsys, "bench", "seek", "--video", clip, "--minutes", "0.3", "--cores", "1",
                       "--json", tmp_path / "b.json")
    assert code == 0
    r = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["h264_seek"]
    assert r["frames"] == 540 and r["reads"] == 40
    assert 0 < r["seek_ms_p50"] <= r["seek_ms_p95"] <= r["seek_ms_max"]
    assert "0.3-minute H.264, keyframe every 250" in out


@pytest.mark.usefixtures("qtbot")
def test_bench_gui_opens_the_video_once_untimed_first(tmp_path, capsys, monkeypatch):
    import merstudio.io
    from merstudio.gui import bench as gb

    clip = tiny_video(tmp_path / "c.avi", n=30)
    opened = []
    real_open = merstudio.io.open_source

    def counting_open(path, *a, **k):
        opened.append(path)
        return real_open(path, *a, **k)

    monkeypatch.setattr(merstudio.io, "open_source", counting_open)
    monkeypatch.setattr(gb, "bench_event_loop_during_analysis", lambda *a, **k: {})
    monkeypatch.setattr(gb, "bench_timeline_pan", lambda *a, **k: {})
    code, out, _ = run(capsys, "bench", "gui", "--video", clip, "--cores", "1")
    assert code == 0
    assert opened == [clip, clip]  # the warm-up, then the timed open
    assert "after one untimed open" in out
