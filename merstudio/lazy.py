"""Packages that name their entry points without importing them (PEP 562): `import merstudio.model` must not pull in
torch (seconds) for `merstudio --help`, nor `import merstudio.analysis` mediapipe. One rule for every such package."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, tuple[str, ...]]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``: each name in ``modules`` ({submodule:
    names}) is imported from its submodule on first use and kept in the package's namespace (later uses are plain
    lookups); ``dir()`` and a notebook's tab completion list them before that."""
    module_of = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        where = module_of.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(module_of))

    return __getattr__, __dir__
