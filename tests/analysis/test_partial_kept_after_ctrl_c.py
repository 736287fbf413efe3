"""An analysis stopped by a Ctrl-C under the command line's watch still describes the rows it wrote as partial:
merstudio.atomic refuses every rename after a Ctrl-C, and the partial meta written on the way out was refused too
(its Interrupted escaped `suppress(Exception)`), leaving the meta saying `running`, as if the run were still on."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import pytest

from merstudio import interrupts
from merstudio.analysis.files import analyze_file
from merstudio.resources import demo_video

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")


def test_rows_of_an_interrupted_analysis_are_described_as_partial(tmp_path: Path) -> None:
    def progress(done: int, total: int) -> None:
        if done >= 20:
            interrupts._on_sigint(signal.SIGINT, None)  # the watch's handler, as a real Ctrl-C runs it

    with interrupts.watched() as watch, pytest.raises(KeyboardInterrupt):
        analyze_file(demo_video(), tmp_path, "interview", progress=progress)
    assert watch.received
    meta = json.loads((tmp_path / "interview.partial.meta.json").read_text())
    assert meta["status"] == "partial"
    rows = (tmp_path / "interview.partial.csv").read_text().splitlines()
    assert len(rows) - 1 == meta["rows"] >= 1  # the rows written before the Ctrl-C, described
    assert not list(tmp_path.glob("*.tmp*")), sorted(p.name for p in tmp_path.iterdir())
