"""How many threads the numeric libraries (OpenBLAS/MKL under numpy, OpenCV, torch) may start in this process.

merstudio parallelises at a coarser grain: the analysis pipeline runs its own threads (decode and faces beside
AUs and flow), batch work runs one process per core. A library that also spreads each small call over every core
only competes with those threads: OpenBLAS's threads busy-wait after each of the blendshape network's small
matrix products and OpenCV splits a 128-pixel optical flow over both cores, so on 2 cores the analysis measured
47-55 frames/s with the libraries' default threads and 55-69 with one thread each (README, Figures).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import threadpoolctl
from threadpoolctl import threadpool_limits

# Blocks may overlap and end in any order (two runs' rows zipped, frame_table in a thread pool): the counts are
# saved when the first block starts and restored when the last one ends, never by each block (one that saved the
# other's 1 and ended last left the process on one thread for good). Reentrant: a rows() generator collected by
# the garbage collector inside another block's bookkeeping ends its block on the same thread.
_lock = threading.RLock()
_holders = 0
_restore: list[Callable[[], object]] = []  # what the first block changed, undone by the last, in reverse


@contextmanager
def single_threaded_numerics() -> Iterator[None]:
    """While the block runs, BLAS (numpy's OpenBLAS or MKL) and OpenCV use one thread each; both are restored
    when the last of the blocks running at once ends (nested, interleaved or on several threads). torch is left
    alone: with one thread the starter model's analysis measured no faster."""
    _enter()
    try:
        yield
    finally:
        _leave()


def _enter() -> None:
    global _holders
    with _lock:
        _holders += 1
        if _holders > 1:
            return
        try:
            _release_blas(force=True)
            _restore.append(_blas_restorer(threadpool_limits(limits=1, user_api="blas")))
            _release_blas()
            try:
                import cv2

                before = cv2.getNumThreads()
                _restore.append(lambda: cv2.setNumThreads(before))
                cv2.setNumThreads(1)
            except ImportError:
                pass
        except BaseException:
            _holders -= 1
            _undo()
            raise


def _leave() -> None:
    global _holders
    with _lock:
        _holders -= 1
        if _holders == 0:
            _undo()


def _undo() -> None:
    while _restore:
        _restore.pop()()


def _blas_restorer(limits: threadpool_limits) -> Callable[[], None]:
    def restore() -> None:  # on whichever thread the last block ends
        _release_blas(force=True)
        limits.restore_original_limits()
        _release_blas()

    return restore


def _release_blas(force: bool = False) -> None:
    """Let any thread set OpenBLAS's threads again. threadpoolctl (3.8) lets one thread at a time do it, the
    first to set them until its own `with` block ends, and silently drops the others' settings: a count set on a
    thread pool's worker and restored on another (the last block to end) stayed 1. `force`: whichever thread
    holds it; else only this thread's hold."""
    clear = getattr(getattr(threadpoolctl, "OpenBLASController", None), "clear_controlling_thread", None)
    if clear is not None:
        clear(force=force)


def limit_threads() -> None:
    """One thread for every numeric library of a worker process, for good (OpenMP, BLAS, OpenCV, torch when
    loaded): the caller runs one worker per core."""
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # a numpy imported after this reads it
    threadpool_limits(limits=1)  # a numpy already imported: its BLAS (and any OpenMP) set directly
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:
        pass
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
