"""Where the user documentation is: the docs/<name>.md files that messages cite ("see docs/model.md"). A checkout
has them in docs/ at its top; a wheel carries the same files (the text, not the images) as the data package
merstudio._docs (pyproject's package-dir), so an installed merstudio finds them too (`merstudio docs`).
Standard library only: the command line's parser imports it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from merstudio.errors import InputError

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Topic:
    name: str  # "model": what a message cites as docs/model.md
    path: Path
    title: str  # the file's first heading, "" where it has none


def docs_dir() -> Path:
    """The checkout's docs/ (a developer's tree, an editable install: told by its pyproject.toml beside it, so a
    stray top-level `docs` folder in site-packages is never taken for ours); else the copy installed with the
    package."""
    checkout = _PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "docs").is_dir():
        return checkout / "docs"
    return _PACKAGE / "_docs"


def topics() -> list[Topic]:
    """Every docs/*.md of this installation, by name; an installation without them is refused (how to get them
    back)."""
    folder = docs_dir()
    found = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not found:
        raise InputError(f"{folder}: merstudio's documentation is missing ({_restore_hint()})")
    return [Topic(p.stem, p, _title(p)) for p in found]


def find(topic: str) -> Topic:
    """The topic `topic` names: its name (`model`), its file name (`model.md`) or the path messages cite
    (`docs/model.md`), in any case. An unknown one is a one-line InputError naming the topics."""
    known = topics()
    key = topic.strip().replace("\\", "/").removeprefix("./").lower()
    key = key.removeprefix("docs/").removesuffix(".md")
    for t in known:
        if t.name.lower() == key:
            return t
    names = ", ".join(t.name for t in known)
    raise InputError(f"{topic}: no such documentation topic; the topics are {names} (`merstudio docs` lists them)")


def _title(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("# "):
                    return line[2:].strip()
    except OSError:
        pass  # listed all the same; reading it says why (find's caller)
    return ""


def _restore_hint() -> str:
    if docs_dir().parent == _PACKAGE:  # installed: the files came with the wheel
        from merstudio.resources import _reinstall_hint

        return _reinstall_hint()
    return "restore docs/ (git checkout -- docs)"
