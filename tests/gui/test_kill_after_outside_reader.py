"""The app with a project open (its curve loader has read the project through a connection of its own), then an
outside reader (`merstudio project show`), then three events coded, then kill -9: all of them are there on reopening.

The loader's reader read the file's header with a plain open(); closing that descriptor dropped every lock of the
app's process on the file, SQLite's included, so `project show` took itself for the last user, folded and deleted
the -wal and -shm, and the app's next edits went into a journal nobody could see: lost at the kill, with no message
(audit a41: 3 of 4 events)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from support.procs import kill_and_reap

from merstudio.project import Event, Project

APP = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import cv2  # before Qt, as in the app
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication
    from merstudio.gui.app import make_app
    app = make_app(["merstudio-test"])
    QStandardPaths.setTestModeEnabled(True)
    from merstudio.gui import commands as C
    from merstudio.gui.main_window import MainWindow

    path, ini = sys.argv[1], sys.argv[2]
    qs = QSettings(ini, QSettings.Format.IniFormat)
    qs.setValue("coder", "ann")
    win = MainWindow(qsettings=qs)
    win.show()
    assert win.ctx.execute(C.OpenProject, path=path), win.errors
    loader = lambda: win.analysis._results
    t0 = time.monotonic()
    while not (win.video is not None and loader() is not None and loader().loads >= 1
               and win.analysis.buffer is not None):
        QApplication.processEvents()
        time.sleep(0.01)
        assert time.monotonic() - t0 < 60, "the curves were never loaded"
    assert not win.project.read_only and not win.errors, win.errors
    print("ready", flush=True)
    sys.stdin.readline()  # an outside process has read the project meanwhile
    for k in range(3):
        assert win.ctx.execute(C.NewEvent, onset=20 + 15 * k, apex=22 + 15 * k, offset=26 + 15 * k,
                               emotion="fear", confirmed=True), win.errors
    print("coded", flush=True)
    sys.stdin.readline()  # killed here
""")


def test_events_coded_after_an_outside_reader_survive_a_kill(tmp_path: Path, video_path: Path) -> None:
    path = tmp_path / "study.merproj"
    with Project.create(path) as p:
        vid = p.add_video(video_path, 30.0, 90, 160, 120).id
        p.add_event(Event(vid, 5, 8, 12, emotion="surprise", coder="ann"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.Popen([sys.executable, "-c", APP, str(path), str(tmp_path / "app.ini")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ready"
        r = subprocess.run([sys.executable, "-m", "merstudio", "project", "show", str(path)], capture_output=True,
                           text=True, timeout=120)
        assert "events by ann: 1 accepted" in r.stdout, r.stderr
        assert Path(f"{path}-wal").exists()  # the app's journal stayed where it was
        proc.stdin.write("go\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "coded"
    finally:
        kill_and_reap(proc)
    with Project.open(path, read_only=True) as p:
        assert p.integrity_check() == "ok"
        assert [(e.onset, e.emotion) for e in p.events(vid)] == [(5, "surprise"), (20, "fear"), (35, "fear"),
                                                                 (50, "fear")]
