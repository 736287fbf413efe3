"""A console that cannot show a file name's characters (PYTHONIOENCODING=ascii, as an old terminal's pipe or LANG=C
without UTF-8 mode gives) gets them escaped and the command finishes; it ended in a UnicodeEncodeError traceback
(exit 1) after `analyze` had written its CSV, and `project show` stopped at the video's line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.cli_run import tiny_video


def _merstudio(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="ascii", XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.run([sys.executable, "-m", "merstudio", *argv], cwd=tmp_path, env=env, capture_output=True,
                          text=True, encoding="ascii", timeout=300)


def test_non_ascii_names_are_printed_escaped_on_an_ascii_console(tmp_path: Path) -> None:
    tiny_video(tmp_path / "Gespräch.avi", n=12)
    made = _merstudio(tmp_path, "project", "new", "p.merproj", "Gespräch.avi")
    assert made.returncode == 0, made.stderr[-1500:]
    shown = _merstudio(tmp_path, "project", "show", "p.merproj")
    assert shown.returncode == 0, shown.stderr[-1500:]
    assert "Gespr\\xe4ch.avi" in shown.stdout  # U+00E4 as Python escapes it
    assert "events: none" in shown.stdout  # the lines after the name's are printed too
    done = _merstudio(tmp_path, "analyze", "Gespräch.avi", "-o", "out")
    assert done.returncode == 0, done.stderr[-1500:]
    assert "Gespr\\xe4ch.avi: complete" in done.stdout
    assert "Traceback" not in done.stderr + made.stderr + shown.stderr


def test_names_stored_in_a_project_are_printed_escaped_under_the_c_locale(tmp_path: Path) -> None:
    # made under UTF-8, shown under LANG=C with UTF-8 mode off: stdout is ASCII with surrogateescape, which wrote
    # a name's undecodable bytes but failed on the 'ä' the project's database holds
    tiny_video(tmp_path / "Gespräch.avi", n=12)
    assert _merstudio(tmp_path, "project", "new", "p.merproj", "Gespräch.avi").returncode == 0
    env = dict(os.environ, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", XDG_CONFIG_HOME=str(tmp_path))
    env.pop("PYTHONIOENCODING", None)
    shown = subprocess.run([sys.executable, "-m", "merstudio", "project", "show", "p.merproj"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, encoding="ascii", timeout=120)
    assert shown.returncode == 0, shown.stderr[-1500:]
    assert "video 1: Gespr\\xe4ch.avi" in shown.stdout and "events: none" in shown.stdout
