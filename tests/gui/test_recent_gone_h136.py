"""File > Recent projects forgets a project that is gone when it is opened (it stayed there for ever after "no
such project file") and has a Clear list item."""

from __future__ import annotations

import pytest

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui


def _menu(win) -> list[str]:
    win._build_recent_menu()
    return [a.text() for a in win.recent_menu.actions() if not a.isSeparator()]


def _action(win, text):
    win._build_recent_menu()
    return next(a for a in win.recent_menu.actions() if a.text().replace("&", "") == text)


def test_a_recent_project_that_is_gone_leaves_the_list_when_opened(window, tmp_path):
    kept, gone = tmp_path / "kept.merproj", tmp_path / "gone.merproj"
    for p in (kept, gone):
        Project.create(p).close()
        assert window.ctx.execute(C.OpenProject, path=str(p)), window.errors
    window.session.close_project()
    gone.unlink()
    assert str(gone.resolve()) in _menu(window)

    _action(window, str(gone.resolve())).trigger()

    assert "no such project file" in window.errors[-1] and "removed from File > Recent projects" in window.errors[-1]
    assert str(gone.resolve()) not in _menu(window)
    assert window.session.recent_projects() == [str(kept.resolve())]


def test_clear_list_empties_the_recent_projects(window, tmp_path):
    p = tmp_path / "a.merproj"
    Project.create(p).close()
    assert window.ctx.execute(C.OpenProject, path=str(p)), window.errors

    _action(window, "Clear list").trigger()

    assert window.session.recent_projects() == []
    assert window.qsettings.value("recentProjects") in (None, [], "")
    assert not _action(window, "Clear list").isEnabled()

