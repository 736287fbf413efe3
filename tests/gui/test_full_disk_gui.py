"""The app on a really full disk (issue 14, items 4 and 5): a tiny tmpfs under the project, filled. A NewEvent that
hits ENOSPC shows one line, stays off the undo stack and changes nothing; with space again, edits and undo work.
Linux and root only (to mount); skips with the reason elsewhere."""

from __future__ import annotations

import pytest
from helpers import stored_spans
from support.tinyfs import fill, tiny_tmpfs

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def shown(win):
    return [(e.onset, e.offset) for e in win.events]


def test_new_event_on_a_full_disk_is_not_on_the_undo_stack(window, video_path, tmp_path):
    win = window
    with tiny_tmpfs(tmp_path / "tiny", size="1m") as folder:  # the app's project is bigger than the store's
        try:
            assert win.ctx.execute(C.NewProject, path=str(folder / "study.merproj")), win.errors
            assert win.ctx.execute(C.OpenVideo, path=str(video_path), project="current"), win.errors
            assert win.project.path.parent == folder
            assert win.ctx.execute(C.NewEvent, onset=5, apex=6, offset=9)
            win.project.save(backup=False)
            filler = fill(folder)
            # more than the project's WAL already holds (SQLite reuses its space, so a small edit may still fit)
            assert not win.ctx.execute(C.NewEvent, onset=20, apex=22, offset=25, note="x" * 300_000)
            msg = win.errors[-1]
            assert "\n" not in msg and "Traceback" not in msg and ("full" in msg or "No space" in msg), msg
            assert win.undo_stack.count() == 1 and stored_spans(win) == [(5, 9)] == shown(win)
            filler.unlink()
            assert win.ctx.execute(C.NewEvent, onset=40, apex=41, offset=45)
            assert win.undo_stack.count() == 2
            win.undo_stack.undo()  # undoes 40-45, never resurrects the failed 20-25
            assert stored_spans(win) == [(5, 9)] == shown(win)
            win.undo_stack.redo()
            assert stored_spans(win) == [(5, 9), (40, 45)] == shown(win)
        finally:
            win.shutdown()  # closes the project before the file system goes
