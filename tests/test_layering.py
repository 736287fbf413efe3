"""The architecture's one rule, checked on the source: the Qt-free core never imports the GUI, the CLI or Qt.

Dependencies point one way (io -> face -> features -> model -> datasets/training -> analysis -> project, with the GUI
and the CLI on top); a core module that imports up the stack drags Qt into worker processes, batch runs and Ray
tasks, and makes the core untestable without a display."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import merstudio

PACKAGE = Path(merstudio.__file__).parent
# Up the stack from the core, or Qt itself.
FORBIDDEN = ("merstudio.gui", "merstudio.cli", "PySide6", "pyqtgraph", "shiboken6")


def _core_modules() -> list[Path]:
    top = {"gui", "cli"}
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.relative_to(PACKAGE).parts[0] not in top and p.name != "__main__.py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement names, anywhere in the file (function bodies included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_no_core_module_imports_the_gui_the_cli_or_qt() -> None:
    modules = _core_modules()
    assert len(modules) > 100  # the walk found the package, not an empty folder
    bad = [f"{p.relative_to(PACKAGE.parent)}:{line} imports {name}"
           for p in modules for line, name in _imports(p)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == []


def test_importing_the_core_loads_no_qt() -> None:
    # The static check misses an import done by a dependency on our behalf; importing every core package shows it.
    packages = sorted({p.relative_to(PACKAGE).parts[0] for p in _core_modules()
                       if len(p.relative_to(PACKAGE).parts) > 1})
    code = ("import sys, importlib\n"
            f"for p in {packages!r}: importlib.import_module('merstudio.' + p)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {('PySide6', 'pyqtgraph', 'shiboken6')!r}"
            " or m.startswith(('merstudio.gui', 'merstudio.cli'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip() == "[]", out.stdout
