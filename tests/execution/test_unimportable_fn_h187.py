"""run_tasks on worker processes with a function they cannot import (a notebook's, `python -c`'s, a lambda) says so
in one error naming it and the rule, before any worker starts; it printed six worker tracebacks and yielded
WorkerLost "died (exit code -9) 3 time(s)" for every task (audit a91 finding 8). A task whose class a worker cannot
import is told apart from a killed worker too."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from merstudio.execution import Backend, run_tasks
from merstudio.execution.local import NotImportable


def _run_c(code: str) -> subprocess.CompletedProcess:
    """`python -c code`: its __main__ has no file, as a notebook's."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_a_lambda_is_named_before_any_worker_starts() -> None:
    with pytest.raises(NotImportable, match=r"fn .*<lambda> cannot be sent to worker processes.*top level of a module"):
        list(run_tasks(lambda x: x, [1, 2], Backend("processes", 2)))


def test_a_function_of_python_c_is_named_with_the_rule() -> None:
    out = _run_c("""
        from merstudio.execution import Backend, run_tasks
        def square(x):
            return x * x
        try:
            print(list(run_tasks(square, [1, 2], Backend("processes", 2), retries=2)))
        except Exception as exc:
            print("refused:", type(exc).__name__, exc)
    """)
    assert out.returncode == 0, out.stderr
    assert "refused: NotImportable run_tasks: fn __main__.square is defined in a notebook" in out.stdout
    assert "jobs=1" in out.stdout and "WorkerLost" not in out.stdout and "Traceback" not in out.stderr


def test_a_task_a_worker_cannot_load_is_not_a_lost_worker() -> None:
    out = _run_c("""
        from merstudio.execution import Backend, run_tasks
        class Job:
            pass
        try:
            print(list(run_tasks(repr, [Job(), Job()], Backend("processes", 2), retries=2)))
        except Exception as exc:
            print("refused:", type(exc).__name__, exc)
    """)
    assert out.returncode == 0, out.stderr
    assert "refused: NotImportable run_tasks: a worker process cannot load fn builtins.repr or its task" in out.stdout
    assert "'Job'" in out.stdout and "WorkerLost" not in out.stdout and "Traceback" not in out.stderr
