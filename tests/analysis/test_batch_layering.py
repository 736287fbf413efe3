"""The core never imports the command line: a batch's worker processes print warnings on one line with the core's
warning_line (merstudio.messages), not merstudio.cli.main's."""

import subprocess
import sys

CHECK = """
import sys, warnings
from merstudio.analysis import batch
batch.worker_init()
from merstudio.messages import warning_line
assert warnings.showwarning is warning_line, warnings.showwarning
warnings.warn("a\\nwarning   on two lines")
print(sorted(m for m in sys.modules if m.startswith(("merstudio.cli", "merstudio.gui"))))
"""


def test_worker_init_installs_the_one_line_warning_without_the_cli():
    r = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"  # neither the CLI nor the GUI came in with the batch
    assert r.stderr.strip().splitlines()[-1] == "merstudio: warning: a warning on two lines"


def test_the_cli_prints_warnings_with_the_same_function():
    from merstudio.cli import main
    from merstudio.messages import one_line, warning_line

    assert main.warning_line is warning_line and main.one_line is one_line
