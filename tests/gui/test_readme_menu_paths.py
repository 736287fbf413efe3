"""Every menu path the README names ("File > Open video", "View > Follow face") exists in the app's menu bar,
read from the real window (a parse of main_window.py's source broke when its menus were built by helpers)."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _clean(text: str) -> str:
    return text.replace("&", "").rstrip("…").strip()


def _menu_paths(window) -> set[str]:
    """'Menu > Entry' for every entry and submenu of each top-level menu."""
    found = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for act in menu.actions():
            if not act.isSeparator() and act.text():
                found.add(f"{_clean(top.text())} > {_clean(act.text())}")
    return found


def test_menu_paths_in_the_readme_exist(window) -> None:
    menus = _menu_paths(window)
    assert "File > Open video" in menus, sorted(menus)  # the walk itself works
    tops = {m.split(" > ")[0] for m in menus}
    named = re.findall(r"\b(" + "|".join(map(re.escape, tops)) + r") > ([A-Za-z][\w ]*?)(?=…|\s*[(),;.]|\s*$)",
                       README, re.M)
    assert named, "the README names no menu path"
    for top, entry in named:
        path = f"{top} > {entry.strip()}"  # "Behaviours…" names "Behaviours… (your own tiers and keys)"
        assert path in menus or any(m.startswith(path + "…") for m in menus), \
            f"README says {top} > {entry}; menus: {sorted(menus)}"
