"""`merstudio doctor` says where the app keeps what it remembers and whether it can keep it, and where the
training cache is: a coder whose settings file cannot be written lost the coder set today, and neither the README
nor doctor said where that file was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CODE = ("import json\n"
        "from merstudio.cli.doctor import _check_cache, _check_settings\n"
        "print(json.dumps([_check_settings(), _check_cache()]))\n")


def _checks(tmp_path: Path, config: Path) -> list[list[str]]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(config),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("MERSTUDIO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_doctor_names_the_settings_file_and_the_cache(tmp_path: Path) -> None:
    (settings, cache) = _checks(tmp_path, tmp_path / "config")
    assert settings[0] == "ok" and str(tmp_path / "config" / "merstudio" / "merstudio.conf") in settings[1]
    assert "move it aside" in settings[1]
    assert cache[0] == "ok" and str(tmp_path / "cache" / "merstudio") in cache[1]


def test_doctor_warns_when_the_settings_cannot_be_kept(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "merstudio").write_text("a file where the settings folder belongs\n")
    (settings, _cache) = _checks(tmp_path, config)
    assert settings[0] == "warn" and "cannot be written" in settings[1]
    assert f"{config / 'merstudio'} is a file where a folder belongs" in settings[1]
