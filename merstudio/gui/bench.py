"""GUI figures (never asserted in tests): video open time, seek latency through the frame loader, the longest
event-loop gap while the analysis streams, and timeline pan rate on a 100k-frame buffer (17 AU curves, the heat
map, 6 micro-motion curves and blinks, with NaN gaps as the pipeline writes them).

    .venv/bin/python -m merstudio.gui.bench [VIDEO]     (offscreen unless a display is set)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def _app() -> Any:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from merstudio.gui.app import make_app

    return make_app()


def bench_open_and_seek(video: Path, seeks: int = 60, seed: int = 0, warm_up: bool = False) -> dict[str, float]:
    """Open time (FrameSource) and random-seek latency (request -> frame delivered) through the FrameLoader.
    `warm_up`: open the video once, untimed, first: the process's first open pays lazy imports (PyAV's; ~0.08
    CPU-s), so without it the figure depends on what ran before in the process."""
    app = _app()
    from merstudio.gui.workers import FrameLoader
    from merstudio.io import open_source

    if warm_up:
        open_source(video).close()
    t0 = time.perf_counter()
    src = open_source(video)
    opened = time.perf_counter() - t0
    loader = FrameLoader(src)
    got: list[int] = []
    loader.frameReady.connect(lambda i, _rgb: got.append(i))
    loader.start()
    rng = np.random.default_rng(seed)
    lat = []
    try:
        for i in rng.integers(0, src.frame_count, seeks):
            t = time.perf_counter()
            loader.request(int(i))
            while not got or got[-1] != int(i):
                app.processEvents()
            lat.append(time.perf_counter() - t)
    finally:
        loader.stop()
    ms = np.array(lat) * 1000
    return {"open_s": round(opened, 4), "seek_ms_p50": round(float(np.median(ms)), 1),
            "seek_ms_p95": round(float(np.percentile(ms, 95)), 1), "seek_ms_max": round(float(ms.max()), 1)}


def _busy(stop: Any) -> None:
    """A concurrent CPU load: spin until told to stop."""
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def bench_event_loop_during_analysis(video: Path, tick_ms: int = 5, load: int = 1) -> dict[str, float]:
    """Run the real analysis in the worker with the window open, beside `load` processes that each keep a core
    busy (other work on the machine); a timer records how late the event loop gets."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    busy = [ctx.Process(target=_busy, args=(stop,), daemon=True) for _ in range(load)]
    for p in busy:
        p.start()
    try:
        out = _event_loop_during_analysis(video, tick_ms)
    finally:
        stop.set()
        for p in busy:
            p.join(5)
    return {**out, "concurrent_load_processes": load}


def _event_loop_during_analysis(video: Path, tick_ms: int) -> dict[str, float]:
    app = _app()
    from PySide6.QtCore import QSettings, QTimer

    from merstudio.gui import commands as C
    from merstudio.gui.app import freeze_heap
    from merstudio.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        win = MainWindow(qsettings=QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        win.resize(1400, 900)
        win.show()
        try:
            win.ctx.execute(C.NewProject, path=str(Path(tmp) / "b"))
            win.ctx.execute(C.OpenVideo, path=str(video), project="current")  # never ask: a bench has no user
            freeze_heap()  # as the app does once its window is up
            stamps: list[float] = []
            timer = QTimer()
            timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
            timer.start(tick_ms)
            t0 = time.perf_counter()
            win.ctx.execute(C.RunAnalysis)
            done: list[float] = []
            first: list[float] = []  # start-up (imports, face model load) ends with the first streamed rows
            worker = win.worker
            assert worker is not None, "RunAnalysis started no worker"
            worker.rows.connect(lambda _r: first.append(time.perf_counter()) if not first else None)
            worker.finished_ok.connect(lambda _s: done.append(time.perf_counter()))
            while win.worker is not None:
                app.processEvents()
                time.sleep(0.001)  # an idle loop, like exec(); the timer measures the gaps between its turns
            took = time.perf_counter() - t0
            timer.stop()
            frames = win.frame_count
        finally:
            from merstudio.gui.app import dispose

            dispose(win)
    st = np.array(stamps)
    gaps = np.diff(st) * 1000
    end = done[0] if done else st[-1]
    streaming = gaps[st[1:] < end]  # while rows stream in (the reload after the last row is counted apart)
    after_first_row = gaps[(st[1:] > first[0]) & (st[1:] < end)] if first else streaming
    return {"loop_gap_ms_max_streaming": round(float(streaming.max()), 1),
            "loop_gap_ms_max_after_first_row": round(float(after_first_row.max()), 1),
            "loop_gap_ms_max_at_finish": round(float(gaps[st[1:] >= end].max(initial=0.0)), 1),
            "analysis_s": round(took, 2), "analysis_fps": round(frames / took, 1),
            "first_rows_s": round(first[0] - t0, 2) if first else float("nan"),
            "loop_gap_ms_max": round(float(gaps.max()), 1), "loop_gap_ms_p99": round(float(np.percentile(gaps, 99)), 1)}


OPENFACE_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)


def bench_timeline_pan(frames: int = 100_000, n_aus: int = 17, pans: int = 60) -> dict[str, float]:
    """Pan a timeline showing n_aus AU curves and the micro-motion lane over `frames` frames (about 2% of the
    frames NaN, in short runs, as occlusions and head turns leave them); each step renders the whole widget."""
    _app()
    from merstudio.gui.state import MOTION_REGIONS, CurveBuffer
    from merstudio.gui.timeline import Timeline

    rng = np.random.default_rng(0)
    buf = CurveBuffer(frames)
    gaps = np.zeros(frames, bool)
    for start in rng.integers(0, frames - 30, frames // 1000):
        gaps[start: start + 20] = True
    for a in OPENFACE_AUS[:n_aus]:
        y = buf._array(0, f"AU{a:02d}_r")
        y[:] = np.abs(np.cumsum(rng.normal(0, 0.05, frames))) % 5
        y[gaps] = np.nan
    for r in MOTION_REGIONS:
        y = buf._array(0, f"motion_{r}")
        y[:] = np.abs(rng.normal(0.08, 0.03, frames))
        y[gaps] = np.nan
    blink = buf._array(0, "blink")
    blink[:] = 0
    for start in rng.integers(0, frames - 10, frames // 120):  # a blink every 4 s
        blink[start: start + 5] = 1
    buf.version += 1
    tl = Timeline()
    tl.resize(1400, 500)
    tl.set_video(frames, 30.0)
    tl.set_buffer(buf, 0)
    tl.show()
    width = 3000
    tl.au_plot.setXRange(0, width, padding=0)
    tl.grab()
    t0 = time.perf_counter()
    for i in range(pans):
        x = (i * frames // pans) % (frames - width)
        tl.au_plot.setXRange(x, x + width, padding=0)
        tl.grab()  # full render of every track
    took = time.perf_counter() - t0
    tl.au_plot.setXRange(0, frames, padding=0)
    t1 = time.perf_counter()
    for _ in range(10):
        tl.grab()
    whole = (time.perf_counter() - t1) / 10
    tl.close()
    tl.deleteLater()
    return {"pan_fps_3000_frame_window": round(pans / took, 1), "render_ms_whole_video": round(whole * 1000, 1)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from merstudio.resources import demo_video

    video = Path(args[0]) if args else demo_video()
    out: dict[str, str | float] = {"video": str(video)}
    out.update(bench_open_and_seek(video, warm_up=True))
    out.update(bench_timeline_pan())
    out.update(bench_event_loop_during_analysis(video))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
