"""With HOME unset (cron, systemd units, `env -u HOME`), Qt took / as home (settings in /.config, the app's projects
in /.local/share, and doctor's advice "make its folder writable" meant /) while Python took the passwd entry's (the
cache in ~/.cache). The app and doctor set Qt's home from Python's before Qt first reads it (gui.app.prepare_qt_paths).
A fresh process each: Qt keeps the settings paths it found first."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys

CODE = """
import json
from pathlib import Path
from merstudio.cli.doctor import _check_settings
doctor = _check_settings()[1]  # doctor first: it reads Qt's settings path without the app
from merstudio.gui.app import make_app
app = make_app(["merstudio"])
from PySide6.QtCore import QDir, QSettings
from merstudio.datasets.preprocess import default_cache_dir
from merstudio.gui.session import app_data_dir
print(json.dumps({"qt": QDir.homePath(), "python": str(Path.home()), "settings": QSettings().fileName(),
                  "doctor": doctor, "data": str(app_data_dir()), "cache": str(default_cache_dir())}))
"""


def test_qt_takes_pythons_home_when_home_is_unset():
    env = {k: v for k, v in os.environ.items() if k != "HOME" and not k.startswith("XDG_") and k != "MERSTUDIO_CACHE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    mine = pwd.getpwuid(os.getuid()).pw_dir
    assert got["qt"] == got["python"] == mine
    for key in ("settings", "doctor", "data", "cache"):
        assert got[key].startswith(f"{mine}/"), (key, got[key])  # never /.config, /.local/share
