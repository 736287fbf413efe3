"""Packages that name their entry points without importing them (PEP 562): `import merstudio.model` must not pull in
torch (seconds) for `merstudio --help`, nor `import merstudio.analysis` mediapipe. One rule for every such package."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """The module-level ``__getattr__`` of ``package``: each name in ``modules`` ({submodule: names}) is imported
    from its submodule on first use and kept in the package's namespace (later uses are plain lookups)."""
    module_of = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        where = module_of.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
