"""Locating bundled resources (face blendshape model, demo clip, starter checkpoint) in a source checkout or an
installed package, and how to add an extra to this installation (which differs between the two).

The repository keeps them in resources/ at its top; a wheel carries the same files as the data package
merstudio._resources (pyproject's package-dir). $MERSTUDIO_RESOURCES, when set, wins over both.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from merstudio.errors import InputError

ENV_VAR = "MERSTUDIO_RESOURCES"
_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """$MERSTUDIO_RESOURCES; else the checkout's resources/ (a developer's tree, an editable install); else the copy
    installed with the package. A checkout is told by its pyproject.toml beside resources/, so a stray top-level
    `resources` folder some other package left in site-packages is never taken for ours."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return _PACKAGE.parent / "resources" if _is_checkout() else _PACKAGE / "_resources"


def _is_checkout() -> bool:
    checkout = _PACKAGE.parent
    return (checkout / "pyproject.toml").is_file() and (checkout / "resources").is_dir()


def _cluster_install_hint() -> str:
    if _is_checkout():  # a developer's tree and the editable install scripts/dev made; "." is the checkout's root
        return f"pip install -e '.[cluster]' in {shlex.quote(str(_PACKAGE.parent))}"
    return "pip install 'merstudio[cluster]'"


# How to add the optional cluster extra (Ray, pyarrow, fsspec) to this installation: every message and help text
# about --ray, --format parquet and fsspec URLs says it, right for a checkout and for an installed package alike.
CLUSTER_INSTALL_HINT = _cluster_install_hint()


def resource(*parts: str, must_exist: bool = True) -> Path:
    path = resources_dir().joinpath(*parts)
    if must_exist and not path.exists():
        raise InputError(f"{path}: bundled resource is missing ({missing_hint()})")
    return path


def missing_hint() -> str:
    """How to get the bundled files back, for every message about a missing one; it names the README that lists
    them (resources/models/README.md in a checkout, merstudio/_resources/models/README.md when installed)."""
    readme = resources_dir() / "models" / "README.md"
    if os.environ.get(ENV_VAR):
        return f"{ENV_VAR}={os.environ[ENV_VAR]}: point it at a complete copy of merstudio's resources, or unset it"
    where = "restore resources/ (git checkout -- resources)" if _is_checkout() else _reinstall_hint()
    return f"they ship with merstudio, listed in {readme}: {where}, or set {ENV_VAR} to a complete copy"


def _reinstall_hint() -> str:
    """How to reinstall an installed merstudio: from the file it was installed from. Never by its bare name:
    merstudio is not on PyPI, and `pip install merstudio` would install whatever someone registered under it."""
    source = installed_from()
    if source is None:
        return ("reinstall merstudio from the wheel you installed it from (pip install --force-reinstall --no-deps "
                "merstudio-<version>-py3-none-any.whl)")
    return f"reinstall merstudio (pip install --force-reinstall --no-deps {shlex.quote(source)})"


def installed_from() -> str | None:
    """The wheel file, folder or URL this installation of merstudio came from, as pip records it (direct_url.json,
    PEP 610); None when it recorded none (an index, another installer) or it cannot be read."""
    # here: every command imports this module, few ask this (urllib.request alone took 0.1 s)
    import json
    from importlib import metadata
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    try:
        info = json.loads(metadata.distribution("merstudio").read_text("direct_url.json") or "null")
        url = str(info["url"])
    except (metadata.PackageNotFoundError, OSError, ValueError, TypeError, KeyError):
        return None
    if url.startswith("file:"):
        return url2pathname(urlparse(url).path)
    vcs = info.get("vcs_info", {}).get("vcs")
    return f"{vcs}+{url}" if vcs else url


def demo_video() -> Path:
    return resource("demo", "interview.mp4")


def demo_truth() -> Path:
    return resource("demo", "truth.csv")


def starter_checkpoint() -> Path | None:
    path = resource("models", "starter.pt", must_exist=False)
    return path if path.exists() else None
