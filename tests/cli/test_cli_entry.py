"""The CLI entry point: Python warnings as one line, a closed stdout pipe ends quietly (issue 14, item 15)."""

import os
import subprocess
import sys
import warnings

import merstudio.cli.datasets as datasets_cmd
from merstudio.cli.main import main


def test_a_python_warning_is_one_line_without_source(monkeypatch, capsys):
    def noisy(args):
        warnings.warn("identical low and high xlims\nmakes a singular transformation", UserWarning, stacklevel=1)
        print("done")
        return 0

    monkeypatch.setattr(datasets_cmd, "run_classes", noisy)
    assert main(["datasets", "classes"]) == 0
    out, err = capsys.readouterr()
    assert out == "done\n"
    assert err == "merstudio: warning: identical low and high xlims makes a singular transformation\n", err
    # the CLI's formatting does not outlive the command
    assert warnings.showwarning is not None and "merstudio" not in getattr(warnings.showwarning, "__module__", "")


def test_a_closed_stdout_pipe_ends_quietly():
    """`merstudio datasets classes | head`: the reader went away. No traceback, no "error: Broken pipe"."""
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first write: every write gets EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "merstudio", "datasets", "classes"], stdout=w,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(w)
    assert proc.returncode in (0, 141), (proc.returncode, proc.stderr)
    assert proc.stderr.strip() == "", proc.stderr
