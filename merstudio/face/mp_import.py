"""Import MediaPipe without the parts nothing here uses.

`import mediapipe` imports `solutions.drawing_utils`, which imports `matplotlib.pyplot` (0.46 s), and the whole
tasks API (`mediapipe.tasks.python`, 0.12 s): most of the 0.71 s the import took at the start of every analysis
(the app's analysis process, `merstudio analyze`), where only the legacy solutions (Face Mesh, Hands, face
detection) run. Those modules are left out of the import and loaded on first use instead (a module `__getattr__`
on the package that names them), so code in the same process that draws with `mp.solutions.drawing_utils` or
uses `mp.tasks` still works.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

# module -> (the package that binds it, the name it is bound to there); `mp.tasks` is mediapipe.tasks.python
DEFERRED = {
    "mediapipe.python.solutions.drawing_utils": ("mediapipe.python.solutions", "drawing_utils"),
    "mediapipe.python.solutions.drawing_styles": ("mediapipe.python.solutions", "drawing_styles"),
    "mediapipe.tasks.python": ("mediapipe", "tasks"),
}
# found in sys.modules, the package's own imports of these do nothing ("mediapipe.tasks": else importing its child
# from sys.modules would leave the parent unimported, and `import mediapipe.tasks.python as tasks` fails)
STAND_INS = (*DEFERRED, "mediapipe.tasks")
_lock = threading.Lock()  # a second thread must not see the package half imported


def _loader(package: str) -> Any:
    names = {attr: full for full, (pkg, attr) in DEFERRED.items() if pkg == package}

    def __getattr__(name: str) -> Any:  # PEP 562: asked only for names the package does not have
        if name in names:
            module = importlib.import_module(names[name])
            # bound as `import mediapipe` binds it (importing mediapipe.tasks.python binds `tasks` to its parent)
            sys.modules[package].__dict__[name] = module
            return module
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def mediapipe() -> Any:
    """The `mediapipe` module (imported on the first call, the DEFERRED modules left to first use)."""
    with _lock:
        if "mediapipe" in sys.modules:
            return sys.modules["mediapipe"]
        stand_ins = {}
        for full in STAND_INS:
            if full not in sys.modules:
                stand_ins[full] = sys.modules[full] = types.ModuleType(full)
        try:
            import mediapipe as mp
        finally:
            for full, module in stand_ins.items():
                if sys.modules.get(full) is module:
                    del sys.modules[full]
        for full, module in stand_ins.items():
            if full not in DEFERRED:
                continue
            package, attr = DEFERRED[full]
            namespace = sys.modules[package].__dict__
            if namespace.get(attr) is module:  # bound by the package's import: the real one on first use
                del namespace[attr]
            namespace["__getattr__"] = _loader(package)
        return mp
