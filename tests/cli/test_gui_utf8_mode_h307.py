"""The app under an 8-bit locale (de_DE.ISO-8859-1) runs in Python's UTF-8 mode (h307): Python names files in the
locale's charset, fixed at its start, Qt 6 always in UTF-8, so a path from a Qt dialog could not be encoded
("OpenVideo failed (UnicodeEncodeError: 'latin-1' codec ...)") and names Python read reached Qt as mojibake (the
title 'LÃ¤cheln'). `merstudio gui` and `merstudio demo` run themselves again once, in UTF-8 mode, before Qt starts.
The subprocess test runs under a locale compiled for the test (support.compiled_locales)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.compiled_locales import compiled_locale

from merstudio.cli import demo
from merstudio.cli import gui as G

UTF8_NAME = "/data/Lächeln 笑/Müller.mp4"


@pytest.mark.parametrize(("platform", "utf8_mode", "charset", "chosen", "argv", "ours", "again"), [
    ("linux", 0, "ISO-8859-1", False, ["gui", UTF8_NAME], True, True),  # the case: run again in UTF-8 mode
    ("linux", 0, "ISO8859-15", False, [], True, True),  # any 8-bit charset, under any of its names
    ("freebsd14", 0, "KOI8-R", False, ["demo"], True, True),
    ("linux", 1, "ISO-8859-1", False, ["gui"], True, False),  # the re-run itself: never a loop
    ("linux", 0, "UTF-8", False, ["gui", UTF8_NAME], True, False),  # Python and Qt agree already
    ("linux", 0, "utf8", False, ["gui"], True, False),
    ("linux", 0, "ISO-8859-1", True, ["gui"], True, False),  # PYTHONUTF8=0 or -X utf8=0: the user's choice
    ("linux", 0, "ISO-8859-1", False, ["gui", UTF8_NAME], False, False),  # a script calling main()
    ("darwin", 0, "ISO-8859-1", False, ["gui"], True, False),  # file names are UTF-8 there whatever the locale
    ("win32", 0, "cp1252", False, ["gui"], True, False),  # left alone
    ("cygwin", 0, "ISO-8859-1", False, ["gui"], True, False),
])
def test_when_the_app_runs_again_in_utf8_mode(platform: str, utf8_mode: int, charset: str, chosen: bool,
                                              argv: list[str], ours: bool, again: bool) -> None:
    # under ISO-8859-1 Python decodes the argument's UTF-8 bytes as Latin-1; they are what os.fsencode gives back
    argv = [os.fsdecode(a.encode("utf-8")) for a in argv]
    assert G.needs_utf8_mode(platform, utf8_mode, charset, chosen, argv, ours) is again


def test_a_latin1_name_keeps_the_locales_mode() -> None:
    """Bytes that are no UTF-8 (a Latin-1 name, native to that locale) open as before: UTF-8 mode would refuse
    them as undecodable (cli.main._undecoded_name)."""
    latin1 = os.fsdecode("/data/Müller.mp4".encode("latin-1"))
    assert not G.needs_utf8_mode("linux", 0, "ISO-8859-1", False, ["gui", latin1], True)


CHILD = r"""
import json, os, sys
print("started", sys.flags.utf8_mode, flush=True)
from merstudio.cli.gui import run_in_utf8_mode
run_in_utf8_mode()
print(json.dumps({"utf8": sys.flags.utf8_mode, "env": os.environ.get("PYTHONUTF8"), "args": sys.argv[1:],
                  "exists": [os.path.exists(a) for a in sys.argv[1:]], "fs": sys.getfilesystemencoding()}))
"""


@pytest.mark.parametrize(("encoding", "again"), [("utf-8", True), ("latin-1", False)])
def test_the_command_runs_again_in_utf8_mode_keeping_its_arguments(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, encoding: str, again: bool) -> None:
    locpath, name = compiled_locale(tmp_path_factory.getbasetemp() / "locales", "de_DE", "ISO-8859-1")
    # named as the command is (the console script `merstudio`): only that process runs itself again
    script = tmp_path / "merstudio"
    script.write_text(CHILD, encoding="utf-8")
    video = os.fsencode(tmp_path) + ("/Lächeln 笑 Müller.mp4" if again else "/Müller.mp4").encode(encoding)
    with open(video, "wb"):
        pass
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE", "PYTHONUTF8", "PYTHONIOENCODING")}
    env.update(LOCPATH=str(locpath), LC_ALL=name)
    done = subprocess.run([os.fsencode(sys.executable), os.fsencode(script), video, b"gui"], env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    seen = json.loads(lines[-1])
    if again:  # once: the re-run is in UTF-8 mode, and the argument the same bytes, decoded as Qt decodes them
        assert lines[:-1] == ["started 0", "started 1"], lines
        assert seen == {"utf8": 1, "env": "1", "args": [video.decode("utf-8"), "gui"], "exists": [True, False],
                        "fs": "utf-8"}, seen
    else:  # a Latin-1 name under its own locale: read as before
        assert lines[:-1] == ["started 0"], lines
        assert seen == {"utf8": 0, "env": None, "args": [video.decode("latin-1"), "gui"], "exists": [True, False],
                        "fs": "iso8859-1"}, seen


class Restarted(Exception):
    pass


def _restart() -> None:
    raise Restarted


def test_gui_and_demo_run_again_before_qt_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both commands that open the app go through run_in_utf8_mode before the QApplication exists."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(G, "run_in_utf8_mode", _restart)
    import merstudio.gui.app as A

    monkeypatch.setattr(A, "run_app", lambda *a, **k: pytest.fail("Qt started before the UTF-8 mode re-run"))
    with pytest.raises(Restarted):
        G.run(argparse.Namespace(path=None))
    with pytest.raises(Restarted):
        demo.run(argparse.Namespace(headless=False, out=Path("merstudio-demo"), overwrite=False))


def test_an_interpreter_that_cannot_run_again_opens_the_app_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str, argv: list[str]) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(G, "needs_utf8_mode", lambda *a: True)
    monkeypatch.setattr(G.os, "execv", refuse)
    monkeypatch.delenv("PYTHONUTF8", raising=False)
    G.run_in_utf8_mode()  # returns: the app opens in the locale's mode
    assert "PYTHONUTF8" not in os.environ  # its workers are not told otherwise


def test_doctor_says_the_app_runs_in_utf8_mode_under_an_8bit_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    from merstudio.cli import doctor

    monkeypatch.setattr(doctor.sys, "platform", "linux")
    # every flag kept but utf8_mode: doctor.sys is the sys module, and an import inside (codecs.lookup of a codec
    # not yet loaded, as when this test runs early in a worker) reads sys.flags.verbose
    flags = {name: getattr(sys.flags, name) for name in dir(sys.flags) if not name.startswith(("_", "n_"))
             and not callable(getattr(sys.flags, name))}
    monkeypatch.setattr(doctor.sys, "flags", argparse.Namespace(**{**flags, "utf8_mode": 0}))
    monkeypatch.delenv("PYTHONUTF8", raising=False)
    monkeypatch.setattr("locale.getencoding", lambda: "ISO-8859-1")
    assert doctor._utf8_mode_note() == ("; the app runs in Python's UTF-8 mode (file names as Qt's), this locale's "
                                        "charset being ISO-8859-1")
    monkeypatch.setattr("locale.getencoding", lambda: "UTF-8")
    assert doctor._utf8_mode_note() == ""
