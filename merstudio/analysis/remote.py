"""The analysis pipeline in a child process, behind the same interface as `Analysis` (rows(), spots(), device).

Why: MediaPipe and torch hold the GIL in long C++ calls (graph start-up, model load). Run in a thread of the GUI
process, they stall the event loop for 100+ ms; in a child process they cannot. Rows come back in small batches
through a queue, so the caller still sees a stream (as SLEAP runs inference beside its GUI).
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from merstudio.analysis.pipeline import AnalysisSettings, CancelFn, ProgressFn, SpotRow
from merstudio.errors import MerstudioError

BATCH_SECONDS = 0.1


def _child(path: str, settings: AnalysisSettings, fps: float | None, out: Any, cancel: Any) -> None:
    """Runs in the child: stream ('rows', [...]) and ('progress', (done, total)) messages, then 'done'."""
    try:
        from merstudio.analysis.pipeline import Analysis
        from merstudio.io import open_source

        with open_source(path, fps=fps) as source:
            analysis = Analysis(source, settings)
            out.put(("started", (analysis.device, source.frame_count)))
            batch: list[dict] = []
            last = time.monotonic()
            done = [0, source.frame_count]

            def progress(d: int, n: int) -> None:
                done[0], done[1] = d, n

            for row in analysis.rows(progress=progress, cancel=cancel.is_set):
                batch.append(row)
                now = time.monotonic()
                if now - last >= BATCH_SECONDS or len(batch) >= 500:
                    out.put(("rows", batch))
                    out.put(("progress", tuple(done)))
                    batch, last = [], now
            if batch:
                out.put(("rows", batch))
            out.put(("progress", tuple(done)))
            out.put(("done", (analysis.cancelled, analysis.spots(), analysis.frames_done, analysis.face_ids())))
    except MerstudioError as exc:
        out.put(("error", ("user", str(exc))))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it there
        out.put(("error", ("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")))


class ProcessAnalysis:
    """`Analysis` run in a spawned child process. Iterate `rows()` to the end (or cancel), then read `spots()`."""

    def __init__(self, path: str | Path, settings: AnalysisSettings | None = None, fps: float | None = None,
                 start_timeout: float = 120.0) -> None:
        ctx = mp.get_context("spawn")  # fork would copy Qt and torch threads into the child
        self._queue = ctx.Queue(maxsize=256)
        self._cancel = ctx.Event()
        self._proc = ctx.Process(target=_child, args=(str(path), settings or AnalysisSettings(), fps,
                                                      self._queue, self._cancel),
                                 name="merstudio-analysis", daemon=True)
        self._proc.start()
        self.cancelled = False
        self.frames_done = 0
        self._spots: list[SpotRow] = []
        self._face_ids: list[int] = []
        kind, payload = self._get(start_timeout)
        if kind != "started":
            self.close()
            self._raise(kind, payload)
        self.device, self.frame_count = payload

    def _get(self, timeout: float | None = None) -> tuple[str, Any]:
        waited = 0.0
        while True:
            try:
                return self._queue.get(timeout=0.25)
            except queue_mod.Empty:
                waited += 0.25
                if not self._proc.is_alive():
                    try:  # it may have put its last message just before exiting
                        return self._queue.get(timeout=0.5)
                    except queue_mod.Empty:
                        raise RuntimeError(f"analysis process ended unexpectedly (exit code "
                                           f"{self._proc.exitcode})") from None
                if timeout is not None and waited >= timeout:
                    raise RuntimeError("analysis process did not start in time") from None

    @staticmethod
    def _raise(kind: str, payload: Any) -> None:
        if kind == "error" and payload[0] == "user":
            raise MerstudioError(payload[1])
        raise RuntimeError(f"analysis process failed: {payload[1] if kind == 'error' else payload}")

    def rows(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> Iterator[dict]:
        try:
            while True:
                if cancel is not None and cancel():
                    self._cancel.set()
                kind, payload = self._get()
                if kind == "rows":
                    yield from payload
                elif kind == "progress":
                    if progress is not None:
                        progress(*payload)
                elif kind == "done":
                    self.cancelled, self._spots, self.frames_done, self._face_ids = payload
                    return
                else:
                    self._raise(kind, payload)
        finally:
            self.close()

    def spots(self) -> list[SpotRow]:
        return list(self._spots)

    def face_ids(self) -> list[int]:
        return list(self._face_ids)

    def close(self) -> None:
        """Stop the child (asking first) and reap it."""
        if self._proc.is_alive():
            self._cancel.set()
            self._proc.join(timeout=3)
            if self._proc.is_alive():
                self._proc.terminate()
                self._proc.join(timeout=3)
        self._queue.close()
        self._queue.join_thread()
