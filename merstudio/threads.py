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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def single_threaded_numerics() -> Iterator[None]:
    """While the block runs, BLAS (numpy's OpenBLAS or MKL) and OpenCV use one thread each; both are restored
    afterwards. torch is left alone: with one thread the starter model's analysis measured no faster."""
    with ExitStack() as stack:
        stack.enter_context(threadpool_limits(limits=1, user_api="blas"))
        try:
            import cv2

            before = cv2.getNumThreads()
            cv2.setNumThreads(1)
            stack.callback(cv2.setNumThreads, before)
        except ImportError:
            pass
        yield


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
