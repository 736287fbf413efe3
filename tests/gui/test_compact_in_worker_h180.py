"""File > Compact project ran its VACUUM on the GUI thread with a wait cursor only (5.8 s frozen for a 273 MB
project): it runs in a worker now as a close's compaction does (h176: Session._compacting, workers.call_in_worker),
the window drawn, the status bar and the title saying so, a command or an edit meanwhile refused in one line and
the fold timer leaving the project alone, then the sizes said. A close's compaction says the project is closing
(the title and the empty video area said "NAME is open" all through it) (h180)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from support.emptied_projects import emptied_project

from merstudio.errors import InputError
from merstudio.gui import commands as C
from merstudio.gui.first_run import START_TITLE
from merstudio.project import Project
from merstudio.project import store as store_module

pytestmark = pytest.mark.gui


@pytest.fixture
def emptied(tmp_path: Path) -> Path:
    return emptied_project(tmp_path / "study.merproj")


@pytest.fixture
def during(monkeypatch: pytest.MonkeyPatch, window) -> dict:
    """The compaction, watched: its thread, and what the GUI thread did and showed while it ran (``during["do"]``,
    run there by a timer: it fires only while the GUI thread turns its event loop)."""
    seen: dict = {"do": lambda: None}
    real = Project._compact

    def watched(self: Project) -> tuple[int, int]:
        seen["thread"] = threading.current_thread()
        done = threading.Event()

        def on_gui() -> None:
            seen["busy"] = window.busy.text()
            seen["title"] = window.windowTitle()
            seen["empty"] = window.first_run.empty.title.text()
            try:
                seen["did"] = seen["do"]()
            finally:
                done.set()

        QTimer.singleShot(0, window, on_gui)  # (queued to the window's thread)
        seen["drawn"] = done.wait(5)
        return real(self)

    monkeypatch.setattr(Project, "_compact", watched)
    return seen


def test_file_compact_runs_in_a_worker_and_says_the_sizes(window, emptied, during):
    win = window
    size = emptied.stat().st_size
    assert win.session.open_project(emptied, select=False)
    assert win.ctx.execute(C.CompactProject)
    assert during["thread"] is not threading.main_thread()
    assert during["drawn"], "the GUI thread was held while the project compacted"
    assert during["busy"] == "Compacting study.merproj…"
    assert "study.merproj (compacting)" in during["title"]
    assert not win.errors
    line = win.statusBar().currentMessage()
    assert re.fullmatch(r"Compacted study\.merproj: \d+\.\d MB -> \d+\.\d MB \(\d+\.\d MB given back\)", line), line
    assert emptied.stat().st_size < size / 3
    assert win.busy.text() == "" and "compacting" not in win.windowTitle()
    assert win.project is not None and len(win.project.videos()) == 1


def test_a_command_or_an_edit_meanwhile_is_refused_in_one_line(window, emptied, during):
    win = window
    assert win.session.open_project(emptied, select=False)
    proj = win.project
    changes = proj._con.total_changes

    def meanwhile() -> dict:
        out: dict = {"save": win.ctx.execute(C.SaveProject)}  # a command (the error said, not raised)
        try:
            win.require_writable()  # what every edit asks first
        except InputError as exc:
            out["edit"] = str(exc)
        win.session._tick()  # the fold timer: it would wait on the VACUUM's lock, the window frozen
        return out

    during["do"] = meanwhile
    assert win.ctx.execute(C.CompactProject)
    assert during["drawn"], "the GUI thread was held while the project compacted"
    did = during["did"]
    assert did["save"] is False
    refusal = ("study.merproj is being compacted: try again once the status bar's 'Compacting study.merproj…' is "
               "gone; nothing was changed")
    assert win.errors == [refusal] and did["edit"] == refusal
    assert "\n" not in refusal
    assert not proj.path.with_name(proj.path.name + ".bak").exists()  # the save did not run
    assert proj._con.total_changes == changes
    assert win.statusBar().currentMessage().startswith("Compacted study.merproj: ")
    win.require_writable()  # after it, edits go on
    assert win.ctx.execute(C.SaveProject)


def test_a_closing_compaction_says_the_project_is_closing(window, emptied, during, monkeypatch, tmp_path):
    monkeypatch.setattr(store_module, "COMPACT_ON_CLOSE_AT", 1024)
    win = window
    assert win.session.open_project(emptied, select=False)

    def meanwhile() -> str:
        try:
            win.require_writable()
        except InputError as exc:
            return str(exc)
        return ""

    during["do"] = meanwhile
    win.session.close_project()
    assert during["thread"] is not threading.main_thread() and during["drawn"]
    assert during["title"].startswith("Closing study.merproj (compacting)")
    assert during["empty"] == "Closing study.merproj…"
    assert during["did"].startswith("study.merproj is closing (being compacted): ")
    assert win.windowTitle() == "merstudio" and win.first_run.empty.title.text() == START_TITLE
    other = tmp_path / "other.merproj"
    Project.create(other).close()
    assert win.session.open_project(other, select=False)
    assert win.first_run.empty.title.text() == "other.merproj is open"
