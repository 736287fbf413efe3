"""Import MediaPipe without the parts nothing here uses.

`import mediapipe` imports `solutions.drawing_utils`, which imports `matplotlib.pyplot` (0.46 s), and the whole
tasks API (`mediapipe.tasks.python`, 0.12 s): most of the 0.71 s the import took at the start of every analysis
(the app's analysis process, `merstudio analyze`), where only the legacy solutions (Face Mesh, Hands, face
detection) run. Those modules are left out of the import and loaded on first use instead (a module `__getattr__`
on the package that names them), so code in the same process that draws with `mp.solutions.drawing_utils` or
uses `mp.tasks` still works.

Every graph is built under a neutral LC_CTYPE where the locale's case rules need it (`neutral_ctype`): MediaPipe lower-cases calculator names with the C
library's tolower while it expands subgraphs, and under a Turkish locale (tr_TR, az_AZ) 'I' lowers to 'ı', not 'i'
(left 'I' in UTF-8), so the names it makes ("...__Inferencecalculator__...") fail its own TAG:index:name check and
no graph could be built: every analysis, the app's, `merstudio analyze`'s and doctor's, ended in that error.
"""

from __future__ import annotations

import ctypes
import importlib
import locale
import string
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
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
# C.UTF-8 keeps multibyte text UTF-8 while the graph is built; "C" where a C library lacks it (ASCII case rules too)
NEUTRAL_CTYPES = ("C.UTF-8", "C.utf8", "C")
_ctype_lock = threading.RLock()  # LC_CTYPE is the process': one build changes and restores it at a time


_ascii_cases: dict[str, bool] = {}  # LC_CTYPE name -> whether its C-library case rules are ASCII's


def _cases_are_ascii(name: str) -> bool:
    """Whether the C library's tolower/toupper under the current LC_CTYPE (`name`) map A-Z and a-z as ASCII does:
    true of nearly every locale (de_DE, ja_JP, latin-1 ones); false where 'I' lowers otherwise (tr_TR, az_AZ)."""
    if name not in _ascii_cases:
        libc = ctypes.CDLL(None)
        _ascii_cases[name] = all(libc.tolower(ord(c)) == ord(c.lower()) and libc.toupper(ord(c.lower())) == ord(c)
                                 for c in string.ascii_uppercase)
    return _ascii_cases[name]


@contextmanager
def neutral_ctype() -> Iterator[None]:
    """The C library's LC_CTYPE set to a neutral one inside where its case rules are not ASCII's, the one it was (the
    user's, or Qt's setlocale(LC_ALL, "")) restored after: only case rules change for the build, LC_NUMERIC and the
    rest are left as they are. Under any other locale nothing is switched: LC_CTYPE is the process', and other
    threads' C-library text handling would change with it for the moment of the build."""
    with _ctype_lock:
        before = locale.setlocale(locale.LC_CTYPE)
        if before in NEUTRAL_CTYPES or before == "POSIX" or _cases_are_ascii(before):
            yield
            return
        for name in NEUTRAL_CTYPES:
            try:
                locale.setlocale(locale.LC_CTYPE, name)
                break
            except locale.Error:
                continue
        try:
            yield
        finally:
            locale.setlocale(locale.LC_CTYPE, before)


def _built_neutral(init: Callable[..., None]) -> Callable[..., None]:
    @wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        with neutral_ctype():
            init(self, *args, **kwargs)

    __init__.merstudio_neutral_ctype = True  # type: ignore[attr-defined]
    return __init__


def _graphs_built_neutral() -> None:
    """Every solution (Face Mesh, face detection, Hands) builds its graph in SolutionBase.__init__: wrapped once."""
    base = importlib.import_module("mediapipe.python.solution_base").SolutionBase
    if not getattr(base.__init__, "merstudio_neutral_ctype", False):
        base.__init__ = _built_neutral(base.__init__)


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
        if "mediapipe" in sys.modules:  # imported here, or by other code first: its graphs are built neutral all the same
            _graphs_built_neutral()
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
        _graphs_built_neutral()
        return mp
