"""The console in a hostile process environment (a84 items 1-3, 5, 10): a stderr that cannot be written (a log on
a full disk, `2>/dev/full`) or that is closed (`2>&-`) never stops the work; a stdout that is closed or full gives
one line naming stdout and exit 3, not a traceback (`>&-`) or a silent exit 0 (`--version >/dev/full`); a deleted
current folder is one line before any work."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from merstudio.cli import main as cli_main

PY = shlex.quote(sys.executable)

# a command that talks a lot on both streams (a progress bar's lines, Python's prints, native writes to fd 2 that
# fill a pipe several times over) and writes its result file
WORK = r"""
import os, sys
import merstudio.cli.datasets as d
from merstudio.cli.bars import Bar
from merstudio.cli.main import entry

def work(args):
    with Bar(total=3, desc="steps") as bar:
        for i in range(3):
            print(f"note {i}", file=sys.stderr)
            os.write(2, b"native line\n" * 20000)  # 240 kB: the filter's pipe holds 64 kB
            bar.update()
    with open(sys.argv[-1], "w") as f:
        f.write("result\n")
    print("summary")
    return 0

d.run_classes = work
out = sys.argv.pop()
sys.argv = ["merstudio", "datasets", "classes", out]
raise SystemExit(entry())
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("MERSTUDIO_MEDIAPIPE_LOGS", "PYTHONUNBUFFERED")}


def _sh(cmd: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=timeout, env=_env(), cwd=cwd)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_a_stderr_on_a_full_disk_does_not_stop_the_work(tmp_path):
    script = tmp_path / "work.py"
    script.write_text(WORK)
    result = tmp_path / "result.txt"
    done = _sh(f"{PY} {script} {result} 2>/dev/full")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "summary\n"
    assert result.read_text() == "result\n"


def test_the_console_drops_what_stderr_cannot_take_and_says_so_once(tmp_path):
    """`_Console` at the level below: the first failure is tried once as a warning, later lines are still tried."""
    r, w = os.pipe()
    os.close(r)  # every write gets EPIPE
    try:
        err = cli_main._console_stream(w, "stderr", None)
        for i in range(3):
            print(f"line {i}", file=err)
        err.flush()
        assert isinstance(cli_main._CONSOLE["stderr"].failed, BrokenPipeError)
    finally:
        cli_main._CONSOLE.pop("stderr", None)
        os.close(w)


def test_a_closed_stderr_runs_the_command():
    done = _sh(f"{PY} -m merstudio --version 2>&-")
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("merstudio "), done.stdout


def test_a_closed_stdout_is_one_line_naming_stdout_not_a_traceback():
    done = _sh(f"{PY} -m merstudio --version >&-")
    assert done.returncode == 3
    assert done.stderr == ("merstudio: error: cannot write to stdout (it was closed when the command started): what "
                           "the command printed there is lost\n"), done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_a_full_stdout_is_one_line_naming_stdout_and_not_exit_0():
    done = _sh(f"{PY} -m merstudio --version >/dev/full")
    assert done.returncode == 3
    assert done.stderr == ("merstudio: error: cannot write to stdout (No space left on device): what the command "
                           "printed there is lost\n"), done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_a_full_stdout_keeps_the_work_and_its_stderr(tmp_path):
    script = tmp_path / "work.py"
    script.write_text(WORK)
    result = tmp_path / "result.txt"
    done = _sh(f"{PY} {script} {result} >/dev/full")
    assert done.returncode == 3
    assert result.read_text() == "result\n"
    assert "note 2\n" in done.stderr and "Traceback" not in done.stderr
    # (the native lines pass the filter's helper process: they may arrive after, even amid, Python's last line)
    assert done.stderr.count("merstudio: error: cannot write to stdout (No space left on device): what the command "
                             "printed there is lost\n") == 1, done.stderr[-500:]


def _gone(tmp_path: Path) -> str:
    here = tmp_path / "gone"
    here.mkdir()
    return f"cd {shlex.quote(str(here))} && rmdir {shlex.quote(str(here))} && "


def test_a_deleted_current_folder_is_one_line_before_any_work(tmp_path):
    code = ("import sys\nfrom merstudio.cli.main import main\n"
            f"rc = main(['convert', {str(tmp_path / 'a.csv')!r}, 'out.eaf'])\n"
            "print(rc, 'torch' in sys.modules)\n")
    done = _sh(_gone(tmp_path) + f"{PY} -c {shlex.quote(code)}")
    assert done.stdout == "2 False\n", done.stderr
    assert done.stderr.endswith("merstudio: error: the current folder no longer exists (it was deleted): cd to "
                                "another folder and run the command again\n"), done.stderr


def test_a_folder_deleted_during_the_work_is_named_not_a_bare_no_such_file(monkeypatch, capsys):
    import merstudio.cli.datasets as datasets_cmd

    def work(args):
        os.getcwd()
        raise FileNotFoundError(2, "No such file or directory")  # what os.getcwd() raises there, no file named

    checks = iter([False, True])  # there at the start, gone when the error comes
    monkeypatch.setattr(cli_main, "_cwd_gone", lambda: next(checks))
    monkeypatch.setattr(datasets_cmd, "run_classes", work)
    assert cli_main.main(["datasets", "classes"]) == 2
    assert capsys.readouterr().err == ("merstudio: error: the current folder no longer exists (it was deleted): cd "
                                       "to another folder and run the command again\n")
