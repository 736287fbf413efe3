"""The console script's own start (entry: stderr filter, matplotlib's folder, then the parser) imports no heavy
library before a command needs one: `merstudio --help` took 0.8-1.9 s, most of it pandas and cv2 imported for
the matplotlib folder check alone (analysis.plot)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "numpy", "cv2", "torch", "matplotlib", "PySide6", "mediapipe")


def test_help_through_the_console_entry_imports_no_heavy_library() -> None:
    code = ("import json, sys\n"
            "sys.argv = ['merstudio', '--help']\n"
            "from merstudio.cli.main import entry\n"
            "try:\n"
            "    entry()\n"
            "except SystemExit:\n"
            "    pass\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "usage: merstudio" in done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
