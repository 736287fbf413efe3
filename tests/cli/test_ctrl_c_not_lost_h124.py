"""Ctrl-C (a real SIGINT) during `merstudio convert` of an OpenFace CSV: exit 130 "interrupted", never a run that
goes on and replaces its output (numpy 2.4's np.char.mod dropped the KeyboardInterrupt: 4 of 9 Ctrl-Cs were lost,
exit 0), never "not a readable CSV" (pandas turns a read cut short into a ParserError). Each run is a separate
process; the signal goes at a point the test sees (the input read a third of the way, or a C drop made at a known
call), not after a sleep."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support.interrupt import interrupt_when

AUS_R = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)
OLD_OUTPUT = b"an existing file the interrupted run must leave as it is\n"

pytestmark = pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="reads /proc (Linux)")


def openface_csv(path: Path, rows: int, landmarks: int = 0) -> Path:
    """An OpenFace 2 CSV as FeatureExtraction writes it (', ' between fields, frames from 1 at 0 s, 30 fps)."""
    rng = np.random.default_rng(0)
    names = ["frame", "face_id", "timestamp", "confidence", "success",
             *(f"x_{i}" for i in range(landmarks)), *(f"AU{a:02d}_r" for a in AUS_R),
             *(f"AU{a:02d}_c" for a in AUS_R)]
    table = np.column_stack([np.arange(1, rows + 1), np.zeros(rows), np.arange(rows) / 30, np.full(rows, 0.98),
                             np.ones(rows), rng.uniform(0, 640, (rows, landmarks)),
                             rng.uniform(0, 5, (rows, len(AUS_R))), rng.integers(0, 2, (rows, len(AUS_R)))])
    fmt = ["%d", "%d", "%.3f", "%.2f", "%d", *(["%.1f"] * landmarks), *(["%.2f"] * len(AUS_R)),
           *(["%.1f"] * len(AUS_R))]
    np.savetxt(path, table, fmt=fmt, delimiter=", ", header=", ".join(names), comments="")
    return path


def _read_position(pid: int, path: Path) -> int | None:
    """How far the process has read `path` (the largest offset of a descriptor open on it); None: none open."""
    best = None
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != str(path):
                continue
            with open(f"/proc/{pid}/fdinfo/{fd}") as fh:
                pos = int(fh.readline().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        best = pos if best is None else max(best, pos)
    return best


def _convert(src: Path, out: Path, harness: str = "") -> subprocess.Popen:
    code = (f"{harness}\nimport sys\nfrom merstudio.cli.main import main\n"
            f"sys.exit(main(['convert', {str(src)!r}, {str(out)!r}, '--from', 'openface', '--to', 'openface', "
            "'--overwrite']))")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _check_interrupted(code: int, out: str, err: str, target: Path) -> None:
    assert code == 130, (code, out, err)
    assert "merstudio: interrupted" in err and "Traceback" not in err, err
    assert "wrote" not in out and "not a readable" not in err, (out, err)
    assert target.read_bytes() == OLD_OUTPUT  # the existing output is the old one
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}")] == []


def test_ctrl_c_while_reading_is_an_interruption_not_a_broken_file(tmp_path: Path):
    src = openface_csv(tmp_path / "of.csv", 30_000, landmarks=68)
    target = tmp_path / "out.csv"
    target.write_bytes(OLD_OUTPUT)
    size = src.stat().st_size
    proc = _convert(src, target)
    code, out, err = interrupt_when(proc, lambda: (_read_position(proc.pid, src) or 0) > size // 3)
    _check_interrupted(code, out, err, target)


# A real SIGINT whose KeyboardInterrupt C code drops, made at a known call: CPython's attribute lookup hashes a
# str subclass's name with its Python __hash__ and clears any error (_PyType_Lookup), as numpy 2.4's np.char.mod
# cleared the one PyObject_Str raised for each element (gdb: _vec_string_with_args > PyArray_Scalar > unicode_new >
# PyObject_Str > PyErr_CheckSignals). Done as the output's first column is formatted.
_DROPPED = """
import os, signal
import merstudio.interchange.openface as of

class _Name(str):
    sent = False

    def __hash__(self):
        if not _Name.sent:
            _Name.sent = True
            os.kill(os.getpid(), signal.SIGINT)
        return str.__hash__(self)

_field = of._field

def field(values, decimals):
    getattr(object(), _Name("x"), None)
    return _field(values, decimals)

of._field = field
"""


def test_a_ctrl_c_that_c_code_drops_still_stops_the_command(tmp_path: Path):
    src = openface_csv(tmp_path / "of.csv", 200)
    target = tmp_path / "out.csv"
    target.write_bytes(OLD_OUTPUT)
    proc = _convert(src, target, _DROPPED)
    out, err = proc.communicate(timeout=120)
    _check_interrupted(proc.returncode, out, err, target)


def test_ctrl_c_while_formatting_the_output_leaves_the_old_one(tmp_path: Path):
    """The run of the audit: interrupted once the input is read (its descriptor closed), while the table is
    turned into OpenFace's text."""
    src = openface_csv(tmp_path / "of.csv", 60_000)
    target = tmp_path / "out.csv"
    target.write_bytes(OLD_OUTPUT)
    proc = _convert(src, target)
    seen = [False]

    def read_through() -> bool:
        pos = _read_position(proc.pid, src)
        seen[0] = seen[0] or (pos or 0) > src.stat().st_size // 2
        return seen[0] and pos is None

    code, out, err = interrupt_when(proc, read_through)
    _check_interrupted(code, out, err, target)
