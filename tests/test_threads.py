"""merstudio.threads: one thread for the numeric libraries while the analysis runs its own, restored after."""

from __future__ import annotations

import ast
import subprocess
import sys

import cv2
import numpy as np
from threadpoolctl import threadpool_info

from merstudio.threads import single_threaded_numerics


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_thread_inside_and_the_previous_counts_after() -> None:
    np.ones((64, 64)) @ np.ones((64, 64))  # numpy's BLAS is loaded
    cv2.setNumThreads(2)
    before = blas_threads()
    assert before, "numpy's BLAS was not found by threadpoolctl"
    with single_threaded_numerics():
        assert cv2.getNumThreads() == 1
        assert blas_threads() == [1] * len(before)
    assert cv2.getNumThreads() == 2
    assert blas_threads() == before


def test_restored_when_the_block_raises() -> None:
    cv2.setNumThreads(2)
    try:
        with single_threaded_numerics():
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert cv2.getNumThreads() == 2


def test_a_worker_process_keeps_one_thread_for_good() -> None:
    code = ("import numpy, cv2, torch\n"
            "from threadpoolctl import threadpool_info\n"
            "from merstudio.threads import limit_threads\n"
            "limit_threads()\n"
            "blas = [d['num_threads'] for d in threadpool_info() if d['user_api'] == 'blas']\n"
            "print(cv2.getNumThreads(), torch.get_num_threads(), blas)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    cv_threads, torch_threads, blas = out.stdout.strip().split(" ", 2)
    assert (cv_threads, torch_threads) == ("1", "1")
    assert set(ast.literal_eval(blas)) == {1}
