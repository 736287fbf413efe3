"""This process's count of openers of a project (merstudio.project.sidefiles) is kept by several threads at once
(export workers close their snapshot readers in theirs): no count is lost, so a side file still in use is never
taken for unused, nor is an unused one kept for good."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from merstudio.project import sidefiles


class _SlowCounter(Counter[str]):
    """A count whose first read of a project is slow: the thread reading it is switched out there, as it may be."""

    def __missing__(self, key: str) -> int:
        time.sleep(0.05)
        return 0


def test_two_threads_registering_at_once_both_count(tmp_path: Path, monkeypatch) -> None:
    counts = _SlowCounter()
    monkeypatch.setattr(sidefiles, "_open_here", counts)
    project = tmp_path / "study.merproj"
    threads = [threading.Thread(target=sidefiles.register, args=(project,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts[sidefiles._key(project)] == 2  # unlocked, both read 0 and wrote 1
    sidefiles.unregister(project)
    sidefiles.unregister(project)
    assert sidefiles._key(project) not in counts
