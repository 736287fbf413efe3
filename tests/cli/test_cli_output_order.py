"""stdout and stderr in one pipe (`merstudio ... 2>&1 | tail`) keep the order the command wrote them in, each line
whole: stderr passed through the console's MediaPipe filter thread and came late, inside a stdout line
(`skipped 165note: ...`), and a buffered stdout came after every note."""

import os
import subprocess
import sys

import pytest

CODE = r"""
import sys
import merstudio.cli.datasets as d
from merstudio.cli.main import entry

def talk(args):
    for i in range(500):
        print(f"note {i}", file=sys.stderr)
        print(f"line {i}")
    return 0

d.run_classes = talk
sys.argv = ["merstudio", "datasets", "classes"]
raise SystemExit(entry())
"""


@pytest.mark.parametrize("unbuffered", [True, False])
def test_stdout_and_stderr_lines_keep_their_order_in_one_pipe(unbuffered):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", "MERSTUDIO_MEDIAPIPE_LOGS")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    r = subprocess.run([sys.executable, "-c", CODE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stdout.decode()[-2000:]
    want = "".join(f"note {i}\nline {i}\n" for i in range(500))
    assert r.stdout.decode() == want
