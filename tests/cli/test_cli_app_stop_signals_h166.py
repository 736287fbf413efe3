"""`merstudio gui` and `merstudio demo` (showing the app) quit cleanly on SIGTERM (h166, audit a87 finding 1): exit
143, one line "merstudio: stopped by SIGTERM", no traceback, the project's lock released. The demo ran inside the
command line's watch, whose Interrupted was raised inside a Qt slot: "unexpected error: Interrupted" and the app
ran on until SIGKILL; `gui` had no handler and died at the signal, its lock left. `demo --headless` stays
watched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli_run import tiny_video
from support.interrupt import interrupt_when

from merstudio import interrupts


def test_the_app_quits_on_sigterm_releasing_its_project(tmp_path: Path):
    video = tiny_video(tmp_path / "clip.avi", n=20)
    lock = tmp_path / "clip.merproj.lock"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "merstudio", "gui", str(video)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    code, _, err = interrupt_when(proc, lock.exists, sig=signal.SIGTERM)  # the project is open: the app is up
    assert code == 143, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert err.splitlines()[-1] == "merstudio: stopped by SIGTERM", err
    assert not lock.exists()
    assert (tmp_path / "clip.merproj").is_file()


@pytest.mark.parametrize(("argv", "watched"), [(["demo"], False), (["gui"], False),
                                               (["demo", "--headless"], True)])
def test_the_app_runs_unwatched_and_the_headless_demo_watched(monkeypatch, tmp_path: Path, argv, watched):
    """The command line's watch raises Interrupted wherever the interpreter is, a Qt slot too: not where the app
    takes the stop signals itself (gui.app.StopSignals)."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    seen: list[bool] = []

    def app(*args, **kwargs) -> int:
        seen.append(interrupts._current is not None)
        return 0

    monkeypatch.setattr("merstudio.gui.app.run_app", app)
    monkeypatch.setattr("merstudio.cli.demo.headless", app)
    from merstudio.cli.main import main

    assert main(argv) == 0
    assert seen == [watched]
