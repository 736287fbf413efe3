"""A video's path is stored as its file system name means it in any locale (UTF-8 text of the name's bytes): under
LANG=C with UTF-8 mode off, Python names a file 'Gespräch.avi' with its UTF-8 bytes as surrogates, which SQLite
cannot store: a writable project that found such a video elsewhere crashed saving the new path (UnicodeEncodeError:
surrogates not allowed), and one made under LANG=C stored no usable name. Each case runs in a fresh process under
the C locale (h218 item 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.cli_run import tiny_video

from merstudio.project import Project

C_LOCALE = dict(os.environ, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
LOCATE = r"""
import json, sys, warnings
from merstudio.project import Project
warnings.simplefilter("ignore")
with Project.open(sys.argv[1]) as p:
    where = p.locate_video(1)
    v = p.video(1)
    print(json.dumps([sys.getfilesystemencoding(), where is not None, v.path.encode("utf-8").hex(), v.relpath,
                      p.old_names(1)]))
"""


def _under_c(*args: str) -> list:
    done = subprocess.run([sys.executable, "-c", *args], env=C_LOCALE, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-1500:]
    return json.loads(done.stdout.splitlines()[-1])


def test_a_video_found_moved_under_the_c_locale_is_stored_by_its_name(tmp_path: Path) -> None:
    video = tiny_video(tmp_path / "Gespräch.avi", n=6)
    with Project.create(tmp_path / "p.merproj") as p:
        p.add_video(video, fps=30.0, frame_count=6, width=64, height=48)
    sub = tmp_path / "sub"
    sub.mkdir()
    (tmp_path / "p.merproj").rename(sub / "p.merproj")
    video.rename(sub / "Gespräch.avi")  # beside the project, where its relative path points
    enc, found, path_hex, rel, old = _under_c(LOCATE, str(sub / "p.merproj"))
    assert enc == "ascii"  # the C locale indeed (names' bytes as surrogates)
    assert found
    assert bytes.fromhex(path_hex) == os.fsencode(sub / "Gespräch.avi")
    assert rel == "Gespräch.avi" and old == []  # the same name: no "old name" recorded
    with Project.open(sub / "p.merproj", read_only=True) as p:  # and under UTF-8 it is where it says
        assert p.video(1).path == str(sub / "Gespräch.avi")
        assert p.locate_video(1) == sub / "Gespräch.avi"


def test_a_video_stored_by_its_name_is_there_under_the_c_locale(tmp_path: Path) -> None:
    # stored 'Gespräch' (made under UTF-8): under LANG=C it is at its stored path, not "moved" and rewritten
    video = tiny_video(tmp_path / "Gespräch.avi", n=6)
    with Project.create(tmp_path / "p.merproj") as p:
        p.add_video(video, fps=30.0, frame_count=6, width=64, height=48)
        before = p.video(1)
    enc, found, path_hex, rel, old = _under_c(LOCATE, str(tmp_path / "p.merproj"))
    assert found and bytes.fromhex(path_hex).decode("utf-8") == before.path and rel == before.relpath
    assert old == []


def test_a_project_made_under_the_c_locale_stores_the_name(tmp_path: Path) -> None:
    video = tiny_video(tmp_path / "Gespräch.avi", n=6)
    make = ("import sys; from merstudio.project import Project\n"
            "with Project.create(sys.argv[1]) as p: p.add_video(sys.argv[2], 30.0, 6, 64, 48)\n"
            "print('[]')")
    _under_c(make, str(tmp_path / "p.merproj"), str(video))
    with Project.open(tmp_path / "p.merproj", read_only=True) as p:
        assert p.video(1).path == str(video) and p.video(1).name == "Gespräch.avi"
        assert p.locate_video(1) == video


def test_convert_export_under_the_c_locale_checks_a_non_ascii_video(tmp_path: Path) -> None:
    """`convert --project P --export x.csv` compared the output with each video's stored path as Python names it:
    under LANG=C 'Gespräch.avi' raised UnicodeEncodeError ('ascii' codec) before anything was written."""
    video = tiny_video(tmp_path / "Gespräch.avi", n=6)
    with Project.create(tmp_path / "p.merproj") as p:
        p.add_video(video, fps=30.0, frame_count=6, width=64, height=64)
    out = tmp_path / "x.csv"
    done = subprocess.run([sys.executable, "-m", "merstudio", "convert", "--project", str(tmp_path / "p.merproj"),
                           "--export", str(out), "--video", "1"], env=C_LOCALE, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=120, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert out.exists()
