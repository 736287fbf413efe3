"""`merstudio convert` with a real SIGINT whose KeyboardInterrupt the code it lands in swallows (`except
BaseException: pass`, the way numpy 2.4's np.char.mod or pandas' C parser drop it, but in Python, where the re-raise
of a dropped one does not apply): the command runs on to its write, yet the existing output stays as it was and the
exit is 130. Before, the output was replaced and the exit was 130 all the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

OLD_OUTPUT = b"an existing file the interrupted run must leave as it is\n"
AUS = (1, 2, 4, 6, 12)

# once (the first call of the patched function): a real SIGINT to this process, its KeyboardInterrupt swallowed
_SEND_ONCE = """
import os, signal
sent = []

def ctrl_c_once():
    if not sent:
        sent.append(1)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        except BaseException:
            sent.append("swallowed")
"""

# the first field formatted sends it
_SWALLOWED = _SEND_ONCE + """
import merstudio.interchange.openface as of

_field = of._field

def field(values, decimals):
    ctrl_c_once()
    return _field(values, decimals)

of._field = field
"""


def _openface_csv(path: Path, rows: int) -> Path:
    """An OpenFace 2 CSV as FeatureExtraction writes it (', ' between fields, frames from 1 at 0 s, 30 fps)."""
    names = ["frame", "face_id", "timestamp", "confidence", "success", *(f"AU{a:02d}_r" for a in AUS)]
    rng = np.random.default_rng(0)
    table = np.column_stack([np.arange(1, rows + 1), np.zeros(rows), np.arange(rows) / 30, np.full(rows, 0.98),
                             np.ones(rows), rng.uniform(0, 5, (rows, len(AUS)))])
    np.savetxt(path, table, fmt=["%d", "%d", "%.3f", "%.2f", "%d", *(["%.2f"] * len(AUS))], delimiter=", ",
               header=", ".join(names), comments="")
    return path


def test_a_swallowed_ctrl_c_does_not_replace_the_output(tmp_path: Path):
    src = _openface_csv(tmp_path / "of.csv", 200)
    target = tmp_path / "out.csv"
    target.write_bytes(OLD_OUTPUT)
    code = (f"{_SWALLOWED}\nimport sys\nfrom merstudio.cli.main import main\n"
            f"code = main(['convert', {str(src)!r}, {str(target)!r}, '--from', 'openface', '--to', 'openface', "
            "'--overwrite'])\nprint('sent', sent)\nsys.exit(code)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "sent [1, 'swallowed']" in run.stdout, (run.stdout, run.stderr)  # the Ctrl-C landed and was swallowed
    assert run.returncode == 130, (run.stdout, run.stderr)
    assert "merstudio: interrupted" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert "wrote" not in run.stdout, run.stdout
    assert target.read_bytes() == OLD_OUTPUT
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# a Ctrl-C landing just after the output was moved into place, swallowed (the command then returns 0)
_AFTER_WRITE = _SEND_ONCE + """
import merstudio.atomic as atomic

_noted = atomic.note_written

def noted(path):
    _noted(path)
    ctrl_c_once()

atomic.note_written = noted
"""


def test_a_ctrl_c_after_the_write_names_the_file_written(tmp_path: Path):
    """The output was complete before the Ctrl-C: 'merstudio: interrupted' alone made a user think the old file
    had stayed (the verification audit: out.csv replaced 91 ms before the signal, then exit 130 with no word)."""
    src = _openface_csv(tmp_path / "of.csv", 50)
    target = tmp_path / "out.csv"
    target.write_bytes(OLD_OUTPUT)
    code = (f"{_AFTER_WRITE}\nimport sys\nfrom merstudio.cli.main import main\n"
            f"code = main(['convert', {str(src)!r}, {str(target)!r}, '--from', 'openface', '--to', 'openface', "
            "'--overwrite'])\nprint('sent', sent)\nsys.exit(code)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "sent [1, 'swallowed']" in run.stdout, (run.stdout, run.stderr)
    assert run.returncode == 130, (run.stdout, run.stderr)
    assert f"the Ctrl-C came after {target} had been written (complete)" in run.stderr, run.stderr
    assert target.read_bytes() != OLD_OUTPUT and target.read_text().startswith("frame")
