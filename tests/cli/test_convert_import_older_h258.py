"""`convert --project OLD --import FILE` into an older project that cannot be upgraded where it is (open in
yesterday's app) is refused at once, in one line naming the remedy (h258 item 2). Before, it was read through an
upgraded copy in memory: the copy's line, the import's preview, then 'opened read-only (…); the edit was not
saved' — the work of the preview wasted and two lines to read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support.cli_run import run
from support.old_projects import old_project_with_an_event

from merstudio.project.lock import ProjectLock


def _state(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())
            if not f.name.endswith(".lock")}


def test_an_import_into_an_older_project_in_use_is_refused_at_once_with_the_remedy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p").mkdir()
    path = tmp_path / "p" / "old.merproj"
    old_project_with_an_event(path, 7, "ann")
    events = tmp_path / "ev.csv"
    events.write_text("video,face_id,onset,apex,offset,emotion,aus,coder,status\n"
                      "clip.avi,0,20,22,25,happiness,6+12,zed,accepted\n", encoding="utf-8")
    before = _state(path.parent)
    with ProjectLock.acquire(path):  # yesterday's app has it open
        code, out, err = run(capsys, "convert", "--project", path, "--import", events, "--video", "1",
                             "--yes")
        assert code != 0
        lines = err.strip().splitlines()
        assert len(lines) == 1, err  # no 'read through an upgraded temporary copy' line, no preview
        assert "upgrading it needs write access (in use by" in lines[0] and "close it there" in lines[0]
        assert "to import" not in err and out == ""
        # an export only reads: through the upgraded copy in memory, as before
        code, out, err = run(capsys, "convert", "--project", path, "--export", tmp_path / "out.csv", "--video", "1")
        assert code == 0 and "wrote 1 event(s)" in out, err
    assert _state(path.parent) == before
