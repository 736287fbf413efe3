"""An import's remembered settings (an ELAN file's media offset, its tier mapping) are written in the events'
transaction (Project.replace_events(settings=...)): a fault that stops the step half-way leaves neither, where the
settings written in a transaction of their own before the events stayed when the disk, full, also refused to take
them back."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from merstudio.errors import MerstudioError, OutputError
from merstudio.gui.undo import ImportEventsCommand
from merstudio.project import Event, Project

KEY, OFFSET = "elan_media/1", {"time_origin": 1000, "linked": []}


@pytest.fixture
def proj(tmp_path):
    (tmp_path / "clip.avi").write_bytes(b"x" * 100)
    p = Project.create(tmp_path / "p.merproj")
    p.add_video(tmp_path / "clip.avi", 30.0, 100, 64, 48)
    yield p
    p.close()


def full_disk_from(monkeypatch, proj: Project, step: str) -> None:
    """The disk fills up at ``step`` (a write inside a transaction) and stays full: every later transaction fails
    as it begins."""
    full = []
    original_tx = Project._tx

    @contextmanager
    def tx(self):
        if full:
            raise OutputError(f"{self.path}: the edit was not saved (the disk is full)")
        with original_tx(self) as con:
            yield con

    def fail(self, *a, **k):
        full.append(True)
        raise OutputError(f"{self.path}: the edit was not saved (the disk is full)")

    monkeypatch.setattr(Project, "_tx", tx)
    monkeypatch.setattr(Project, step, fail)


def test_a_fault_between_the_settings_and_the_events_leaves_neither(proj, monkeypatch):
    cmd = ImportEventsCommand(proj, [Event(1, 3, 4, 6, emotion="positive", coder="cy")], lambda: None, "Import",
                              coded={1: ["cy"]}, settings={KEY: OFFSET})
    with monkeypatch.context() as m:
        full_disk_from(m, proj, "_insert_event")
        with pytest.raises(MerstudioError):
            cmd.perform()
    assert proj.get_setting(KEY) is None and proj.events(1) == [] and proj.coders() == []


def full_disk_after(monkeypatch, transactions: int) -> None:
    """The disk fills up once ``transactions`` more transactions are committed: every later one fails as it
    begins."""
    left = [transactions]
    original_tx = Project._tx

    @contextmanager
    def tx(self):
        if left[0] <= 0:
            raise OutputError(f"{self.path}: the edit was not saved (the disk is full)")
        left[0] -= 1
        with original_tx(self) as con:
            yield con

    monkeypatch.setattr(Project, "_tx", tx)


def test_undo_takes_back_the_events_and_the_settings_in_one_transaction(proj, monkeypatch):
    earlier = {"time_origin": 500, "linked": []}
    proj.set_setting(KEY, earlier)  # an earlier import's
    cmd = ImportEventsCommand(proj, [Event(1, 3, 4, 6, emotion="positive", coder="cy")], lambda: None, "Import",
                              settings={KEY: OFFSET, "elan_tiers/x": {"Emotion": "emotion"}})
    cmd.perform()
    assert proj.get_setting(KEY) == OFFSET and len(proj.events(1)) == 1
    with monkeypatch.context() as m:
        full_disk_after(m, 1)  # the disk fills up after the undo's first transaction
        try:
            cmd._undo()
        except MerstudioError:
            pass
    undone = proj.events(1) == []
    assert proj.get_setting(KEY) == (earlier if undone else OFFSET)  # both taken back, or neither
    assert proj.get_setting("elan_tiers/x", "absent") == ("absent" if undone else {"Emotion": "emotion"})
    cmd._do()  # redo
    assert proj.get_setting(KEY) == OFFSET and len(proj.events(1)) == 1
