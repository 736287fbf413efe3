"""Two merstudio windows (two processes) share File > Recent projects: a window adding a project read its own copy of
the list, taken when it started, and wrote it back without the project the other window had added meanwhile."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from merstudio.gui import commands as C
from merstudio.project import Project

pytestmark = pytest.mark.gui

OTHER_WINDOW = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QSettings
    s = QSettings(sys.argv[1], QSettings.Format.IniFormat)
    had = s.value("recentProjects", [])
    s.setValue("recentProjects", [sys.argv[2]] + ([had] if isinstance(had, str) else list(had or [])))
    s.sync()
    sys.exit(int(s.status() != QSettings.Status.NoError))
""")


def test_a_project_another_window_added_stays_in_the_recent_list(window, qsettings, tmp_path):
    first, other, mine = (tmp_path / f"{n}.merproj" for n in ("first", "other", "mine"))
    for p in (first, other, mine):
        Project.create(p).close()
    assert window.ctx.execute(C.OpenProject, path=str(first)), window.errors
    assert window.session.recent_projects() == [str(first.resolve())]
    # the other window, another process, opens its project: it writes the list in the file
    subprocess.run([sys.executable, "-c", OTHER_WINDOW, qsettings.fileName(), str(other.resolve())], check=True)

    assert window.ctx.execute(C.OpenProject, path=str(mine)), window.errors

    want = [str(mine.resolve()), str(other.resolve()), str(first.resolve())]
    assert window.session.recent_projects() == want
    # as written in the file, for the next start of either window
    text = (tmp_path / "settings.ini").read_text()
    assert all(p in text for p in want), text
