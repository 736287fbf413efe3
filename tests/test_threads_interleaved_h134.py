"""merstudio.threads: blocks that overlap and end out of order (two runs' rows zipped, frame_table calls in a
thread pool) leave the counts the process had before the first one, not one thread for good."""

from __future__ import annotations

import threading

import cv2
import numpy as np
from threadpoolctl import threadpool_info

from merstudio.threads import single_threaded_numerics


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_two_blocks_ended_in_the_order_they_began_restore_the_counts() -> None:
    np.ones((64, 64)) @ np.ones((64, 64))  # numpy's BLAS is loaded
    cv2.setNumThreads(2)
    before = blas_threads()
    assert before, "numpy's BLAS was not found by threadpoolctl"
    a, b = single_threaded_numerics(), single_threaded_numerics()
    a.__enter__()
    b.__enter__()
    a.__exit__(None, None, None)  # the first one ends while the second still runs: zip(a.rows(), b.rows())
    assert cv2.getNumThreads() == 1, "the second block lost its one thread when the first ended"
    assert blas_threads() == [1] * len(before)
    b.__exit__(None, None, None)
    assert cv2.getNumThreads() == 2
    assert blas_threads() == before


def test_blocks_on_three_threads_ending_out_of_order_restore_the_counts() -> None:
    """As frame_table calls in a ThreadPoolExecutor: the threads outlive their blocks (a pool's workers), the first
    block begins on one and the last ends on another."""
    np.ones((64, 64)) @ np.ones((64, 64))
    cv2.setNumThreads(2)
    before = blas_threads()
    entered = [threading.Event() for _ in range(3)]
    leave = [threading.Event() for _ in range(3)]
    left = [threading.Event() for _ in range(3)]
    done = threading.Event()
    inside: list[tuple[int, list[int]]] = []

    def hold(k: int) -> None:
        if k:
            entered[k - 1].wait(10)  # each enters after the one before: 0, 1, 2
        with single_threaded_numerics():
            entered[k].set()
            leave[k].wait(10)
            inside.append((cv2.getNumThreads(), blas_threads()))
        left[k].set()
        done.wait(10)  # alive until the end, as a pool's worker

    threads = [threading.Thread(target=hold, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        assert entered[2].wait(10)
        for k in (0, 2, 1):  # they end in another order than they began
            leave[k].set()
            assert left[k].wait(10)
            if k != 1:
                assert cv2.getNumThreads() == 1, f"block {k} ended and gave the others back their threads"
                assert blas_threads() == [1] * len(before)
        assert inside == [(1, [1] * len(before))] * 3
        assert cv2.getNumThreads() == 2
        assert blas_threads() == before, "BLAS's count, set on one thread and restored on another, stayed 1"
    finally:
        done.set()
        for t in threads:
            t.join(10)
