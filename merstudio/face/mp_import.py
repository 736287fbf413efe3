"""Import MediaPipe without its drawing helpers.

`import mediapipe` imports `solutions.drawing_utils`, which imports `matplotlib.pyplot`: 0.46 of the 0.71 s the
import takes, paid at the start of every analysis (the app's analysis process, `merstudio analyze`), and nothing
here draws with them. They are left out of the import and loaded on first use instead (a module `__getattr__` on
the solutions package), so code in the same process that draws with `mp.solutions.drawing_utils` still works.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

SOLUTIONS = "mediapipe.python.solutions"
DEFERRED = ("drawing_utils", "drawing_styles")  # only the solutions' drawing helpers import matplotlib
_lock = threading.Lock()  # a second thread must not see the package half imported


def _deferred(name: str) -> Any:
    if name in DEFERRED:
        return importlib.import_module(f"{SOLUTIONS}.{name}")
    raise AttributeError(f"module {SOLUTIONS!r} has no attribute {name!r}")


def mediapipe() -> Any:
    """The `mediapipe` module (imported on the first call, its drawing helpers deferred)."""
    with _lock:
        if "mediapipe" in sys.modules:
            return sys.modules["mediapipe"]
        stand_ins = {}
        for name in DEFERRED:  # found in sys.modules, the package's own imports of them do nothing
            full = f"{SOLUTIONS}.{name}"
            if full not in sys.modules:
                stand_ins[full] = sys.modules[full] = types.ModuleType(full)
        try:
            import mediapipe as mp
        finally:
            for full, module in stand_ins.items():
                if sys.modules.get(full) is module:
                    del sys.modules[full]
        solutions = sys.modules[SOLUTIONS]
        for full, module in stand_ins.items():
            name = full.rsplit(".", 1)[1]
            if solutions.__dict__.get(name) is module:  # bound as an attribute after all: the real one on use
                del solutions.__dict__[name]
        solutions.__dict__["__getattr__"] = _deferred  # PEP 562: asked only for names the package lacks
        return mp
