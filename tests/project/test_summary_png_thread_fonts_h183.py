"""A summary PNG drawn on a thread of its own (the app's File > Export > Summary: a new worker thread each time)
leaves no font open once drawn: matplotlib caches its fonts per thread id and never dropped an ended thread's, so
each export kept two font files and ~0.4 MB open until the app exited (audit a88: 70 exports, 8 -> 106 files)."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from merstudio.io.timebase import Timebase
from merstudio.project.export import SummaryData, draw_timeline_png


def _font_files() -> list[str]:
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the listing's own, closed meanwhile
            continue
        if target.lower().endswith((".ttf", ".otf", ".ttc", ".pfb")):
            out.append(target)
    return out


def _data(name: str) -> SummaryData:
    n = 20
    frames = pd.DataFrame({"frame": np.arange(n), "face_id": 0, "AU12_r": np.linspace(0, 5, n),
                           "p_positive": np.full(n, 0.9), "p_none": np.full(n, 0.1)})
    return SummaryData(name, n, frames, (), Timebase(30.0))


def test_drawings_on_threads_leave_no_font_open(tmp_path: Path) -> None:
    draw_timeline_png(_data("warm.mp4"), tmp_path / "warm.png")  # matplotlib's first-use state, on this thread
    before = _font_files()
    n = 4
    together = threading.Barrier(n)  # all alive at once: n thread ids (an ended thread's id is reused)
    one_at_a_time = threading.Lock()  # as the app draws them (mathtext's parser is not thread-safe)
    errors: list[BaseException] = []

    def draw(k: int) -> None:
        try:
            with one_at_a_time:  # a $-pair in a name is mathtext, whose parse cache keeps fonts too
                draw_timeline_png(_data(f"clip$_{k}$.mp4"), tmp_path / f"s{k}.png")
        except BaseException as exc:  # noqa: BLE001 - said by the assert below
            errors.append(exc)
        finally:
            together.wait(timeout=60)

    threads = [threading.Thread(target=draw, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all((tmp_path / f"s{k}.png").stat().st_size > 0 for k in range(n))
    gc.collect()  # a figure is a cycle: what it holds goes with the next collection, not at once
    after = _font_files()
    assert len(after) <= len(before), sorted(set(after))
    # the main thread's drawing still works (its fonts opened again where a thread let them go)
    draw_timeline_png(_data("again.mp4"), tmp_path / "again.png")
    assert (tmp_path / "again.png").stat().st_size > 0
