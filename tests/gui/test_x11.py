"""The app under a real X server (Xvfb + Qt's xcb plugin), after cv2 has pointed QT_QPA_PLATFORM_PLUGIN_PATH at its
own Qt5 plugins, as happens for users. Offscreen tests cannot catch a wrong platform plugin."""

import shutil
import subprocess
import sys

import pytest

from merstudio.resources import resources_dir

SCRIPT = r"""
import sys
import cv2  # noqa: F401  (sets QT_QPA_PLATFORM_PLUGIN_PATH to cv2's Qt5 plugins)
from merstudio.gui.app import make_app, open_path
app = make_app()
from PySide6.QtCore import QTimer
from merstudio.gui.main_window import MainWindow
win = MainWindow()
win.show()
ok = open_path(win, sys.argv[1])
QTimer.singleShot(1500, app.quit)
app.exec()
win.grab().save(sys.argv[2])
from merstudio.gui.app import dispose
dispose(win)
print("platform", app.platformName(), "opened", ok)
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb not installed")
def test_app_starts_under_xvfb_with_xcb(tmp_path):
    demo = resources_dir() / "demo" / "interview.mp4"
    assert demo.exists(), f"{demo} (committed) is missing"
    video = tmp_path / "interview.mp4"
    shutil.copy(demo, video)
    png = tmp_path / "x11.png"
    env = {"QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    r = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-c", SCRIPT,
                        str(video), str(png)], capture_output=True, text=True, timeout=180, env=env)
    if "could not connect to display" in r.stderr or "xcb-cursor0" in r.stderr:
        pytest.skip("X libraries for Qt's xcb plugin missing: " + r.stderr.strip().splitlines()[-1])
    assert r.returncode == 0, r.stderr[-2000:]
    assert "platform xcb opened True" in r.stdout
    assert png.stat().st_size > 20_000
