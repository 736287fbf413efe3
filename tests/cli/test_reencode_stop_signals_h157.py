"""`merstudio reencode` stopped by SIGTERM or SIGHUP (`timeout`, a closed terminal) stops as after Ctrl-C: its
hidden temporaries beside OUT (`.out.mp4.<hex>.part.mp4`) are removed and an existing OUT is left as it was; it
left them for good (a kill), where only the next reencode to the same OUT removed them."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from support.cli_run import tiny_video

from merstudio import interrupts
from merstudio.cli.main import main
from merstudio.io import reencode as io_reencode

pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="a watch is installed in the main thread only (signals go there)")

OLD = b"an earlier copy the stopped run must leave as it is\n"


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_stop_signal_removes_the_temporaries_and_keeps_out(tmp_path: Path, monkeypatch, capsys, name, code,
                                                             sighup_delivered):
    src = tiny_video(tmp_path / "in.avi", n=12, fps=25)
    out = tmp_path / "out.avi"
    out.write_bytes(OLD)
    real, sent = io_reencode.reencode, []

    def reencode(*args, **kw):
        given = kw.get("progress")

        def progress(done: int, total: int) -> None:
            if given is not None:
                given(done, total)
            if not sent and done:  # mid-copy, its temporaries made: the signal, as `kill` sends it
                sent.append(name)
                os.kill(os.getpid(), getattr(signal, name))
                for _ in range(1000):
                    pass

        kw["progress"] = progress
        return real(*args, **kw)

    monkeypatch.setattr(io_reencode, "reencode", reencode)
    assert main(["reencode", str(src), str(out), "--overwrite"]) == code
    assert sent == [name]
    assert capsys.readouterr().err.splitlines()[-1] == f"merstudio: stopped by {name}"
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.avi", "out.avi"]  # no temporary left
    assert interrupts.exit_code() == code
