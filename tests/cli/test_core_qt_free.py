"""The core (everything outside merstudio.gui, the CLI included) imports neither PySide6 nor pyqtgraph."""

import subprocess
import sys

CODE = r"""
import importlib, pkgutil, sys
import merstudio
names = [m.name for m in pkgutil.walk_packages(merstudio.__path__, "merstudio.")
         if not m.name.startswith("merstudio.gui") and m.name != "merstudio.__main__"]
for name in names:
    importlib.import_module(name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6"))
print(len(names), qt)
"""


def test_core_modules_import_no_qt() -> None:
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    n, qt = r.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(n) > 50  # really walked the package
    assert qt == "[]", f"Qt imported by the core: {qt}"
