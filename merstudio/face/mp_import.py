"""Import MediaPipe without the parts nothing here uses.

`import mediapipe` imports `solutions.drawing_utils`, which imports `matplotlib.pyplot` (0.46 s), and the whole
tasks API (`mediapipe.tasks.python`, 0.12 s): most of the 0.71 s the import took at the start of every analysis
(the app's analysis process, `merstudio analyze`), where only the legacy solutions (Face Mesh, Hands, face
detection) run. Those modules are left out of the import and loaded on first use instead (a module `__getattr__`
on the package that names them), so code in the same process that draws with `mp.solutions.drawing_utils` or
uses `mp.tasks` still works.

Importing MediaPipe and building its graphs run under a neutral C-library locale where the user's would break
them (`neutral_locale`):
- LC_CTYPE: MediaPipe lower-cases calculator names with the C library's tolower while it expands subgraphs, and
  under a Turkish locale (tr_TR, az_AZ) 'I' lowers to 'ı', not 'i' (left 'I' in UTF-8), so the names it makes
  ("...__Inferencecalculator__...") fail its own TAG:index:name check. And the graph config goes from Python to C++
  as text (`str(proto)`, upb's text encoder, decoded as UTF-8 by Python): upb escapes only the bytes the C library's
  isprint() refuses, so under an 8-bit charset (de_DE.ISO-8859-1, @euro) a bytes field's 0xBF (¿, printable in
  Latin-1: the high byte of the float -1.0 in ImageToTensorCalculatorOptions) stays raw and the build ends in
  "UnicodeDecodeError ... position 2312". Either way no graph could be built: every analysis, the app's,
  `merstudio analyze`'s and doctor's, failed.
- LC_NUMERIC: protobuf reads the float defaults of the descriptors the `_pb2` modules add on import with strtod,
  so after `setlocale(LC_ALL, "")` under a comma-decimal locale (a German script, a PySide6 tool embedding
  merstudio: Qt does that) the import died with "Invalid default '0.9' for field ...heatmap_threshold".
"""

from __future__ import annotations

import codecs
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
# C.UTF-8 keeps multibyte text UTF-8 while the graph is built; "C" where a C library lacks it (ASCII case rules, no
# printable byte above 0x7F, too)
NEUTRAL_CTYPES = ("C.UTF-8", "C.utf8", "C")
_locale_lock = threading.RLock()  # the locale is the process': one import/build changes and restores it at a time


_neutral_ctypes: dict[str, bool] = {}  # LC_CTYPE name -> whether MediaPipe can build graphs under it as it is


def _ctype_is_neutral(name: str) -> bool:
    """Whether the current LC_CTYPE (`name`) is fit for a graph build: its charset is UTF-8 (an 8-bit one calls
    bytes above 0x7F printable, see the module's doc) and the C library's tolower/toupper map A-Z and a-z as ASCII
    does (false where 'I' lowers otherwise: tr_TR, az_AZ). True of nearly every locale a user has (xx_XX.UTF-8)."""
    if name not in _neutral_ctypes:
        try:
            utf8 = codecs.lookup(locale.nl_langinfo(locale.CODESET)).name == "utf-8"
        except LookupError:  # a charset Python does not know: not UTF-8
            utf8 = False
        libc = ctypes.CDLL(None)
        _neutral_ctypes[name] = utf8 and all(
            libc.tolower(ord(c)) == ord(c.lower()) and libc.toupper(ord(c.lower())) == ord(c)
            for c in string.ascii_uppercase)
    return _neutral_ctypes[name]


def _set_first(category: int, names: tuple[str, ...]) -> None:
    for name in names:
        try:
            locale.setlocale(category, name)
            return
        except locale.Error:
            continue


@contextmanager
def neutral_locale() -> Iterator[None]:
    """The C library's LC_CTYPE (where `_ctype_is_neutral` says no) and LC_NUMERIC (where its decimal sign is not
    '.') set to neutral ones inside, the ones they were (the user's, or Qt's setlocale(LC_ALL, "")) restored after;
    the rest (LC_TIME, LC_COLLATE...) is left as it is. Under a UTF-8 locale with a decimal point nothing is switched:
    the locale is the process', and other threads' C-library text and number handling would change with it for the
    moment of the import or build."""
    if not hasattr(locale, "nl_langinfo"):  # Windows: no C-library locale query of this kind, no switch
        yield
        return
    with _locale_lock:
        ctype = locale.setlocale(locale.LC_CTYPE)
        numeric = locale.setlocale(locale.LC_NUMERIC)
        switch_ctype = ctype not in (*NEUTRAL_CTYPES, "POSIX") and not _ctype_is_neutral(ctype)
        switch_numeric = locale.nl_langinfo(locale.RADIXCHAR) != "."
        if switch_ctype:
            _set_first(locale.LC_CTYPE, NEUTRAL_CTYPES)
        if switch_numeric:
            locale.setlocale(locale.LC_NUMERIC, "C")
        try:
            yield
        finally:
            if switch_numeric:
                locale.setlocale(locale.LC_NUMERIC, numeric)
            if switch_ctype:
                locale.setlocale(locale.LC_CTYPE, ctype)


def _built_neutral(init: Callable[..., None]) -> Callable[..., None]:
    @wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        with neutral_locale():
            init(self, *args, **kwargs)

    __init__.merstudio_neutral_locale = True  # type: ignore[attr-defined]
    return __init__


def _graphs_built_neutral() -> None:
    """Every solution (Face Mesh, face detection, Hands) builds its graph in SolutionBase.__init__: wrapped once."""
    base = importlib.import_module("mediapipe.python.solution_base").SolutionBase
    if not getattr(base.__init__, "merstudio_neutral_locale", False):
        base.__init__ = _built_neutral(base.__init__)


def _loader(package: str) -> Any:
    names = {attr: full for full, (pkg, attr) in DEFERRED.items() if pkg == package}

    def __getattr__(name: str) -> Any:  # PEP 562: asked only for names the package does not have
        if name in names:
            with neutral_locale():  # its _pb2 modules add descriptors (float defaults) as they are imported
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
            with neutral_locale():  # its _pb2 modules add descriptors (float defaults) as they are imported
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
