"""What a new user reads first (issue 14, item 13): after the set-up, the README says how to run `merstudio` (it is
in .venv, not on the PATH), how much disk the set-up takes (the menus it names: tests/gui/test_readme_menu_paths.py)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_contact() -> str:
    """The README up to the end of its Install section."""
    end = README.index("## The workflow")
    return README[:end]


def test_readme_says_how_to_run_merstudio_after_the_setup() -> None:
    text = _first_contact()
    assert "source .venv/bin/activate" in text
    assert ".venv/bin/merstudio" in text
    assert "scripts/dev merstudio" in text
    dev = (ROOT / "scripts" / "dev").read_text(encoding="utf-8")
    assert re.search(r'^\s*merstudio\)\s*$', dev, re.M), "scripts/dev has no `merstudio` passthrough"
    # the README's `scripts/dev merstudio analyze video.mp4 -o results/` reads video.mp4 where it is typed, not in
    # the clone the script changes into for its set-up
    assert 'CALLER=$PWD' in dev and 'cd "$CALLER"' in dev and 'exec "$bin/merstudio" "$@"' in dev


def test_readme_says_how_much_disk_the_setup_needs() -> None:
    assert re.search(r"\b2\.6 GB\b", _first_contact())
