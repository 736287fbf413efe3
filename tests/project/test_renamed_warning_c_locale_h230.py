"""The "found renamed" warning names the file as the project stores names, in any locale: under LANG=C with UTF-8
mode off Python names 'Gespräch_P01.avi' with its UTF-8 bytes as surrogates, which the CLI's one-line warning
printed as 'Gespr\\udcc3\\udca4ch_P01.avi' beside the project's own 'Gespr\\xe4ch.avi' (audit a99, h230 item 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.cli_run import tiny_video

from merstudio.project import Project

C_LOCALE = dict(os.environ, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
WARNED = r"""
import json, sys, warnings
from merstudio.project import Project
with warnings.catch_warnings(record=True) as got, Project.open(sys.argv[1]) as p:
    warnings.simplefilter("always")
    found = p.locate_video(1) is not None
print(json.dumps([sys.getfilesystemencoding(), found, [str(w.message) for w in got]]))
"""


def test_the_found_renamed_warning_names_the_file_without_surrogates(tmp_path: Path) -> None:
    video = tiny_video(tmp_path / "Gespräch.avi", n=6)
    with Project.create(tmp_path / "p.merproj") as p:
        p.add_video(video, fps=30.0, frame_count=6, width=64, height=48)
    video.rename(tmp_path / "Gespräch_P01.avi")
    done = subprocess.run([sys.executable, "-c", WARNED, str(tmp_path / "p.merproj")], env=C_LOCALE,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-1500:]
    enc, found, messages = json.loads(done.stdout.splitlines()[-1])
    assert enc == "ascii" and found  # the C locale indeed (names' bytes as surrogates)
    renamed = [m for m in messages if "found renamed" in m]
    assert renamed == [f"Gespräch.avi: found renamed, as Gespräch_P01.avi in {tmp_path}: the project calls it "
                       "Gespräch_P01.avi now ('Gespräch.avi' still names it)"], messages
    with Project.open(tmp_path / "p.merproj", read_only=True) as p:
        assert p.video(1).name == "Gespräch_P01.avi" and p.old_names(1) == ["Gespräch.avi"]
