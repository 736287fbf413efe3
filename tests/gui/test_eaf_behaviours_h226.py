"""The app's own ELAN file, with the video's behaviour events as ``behaviour:`` tiers, imports back through File >
Import events: the events and the behaviour events in one undo step, both counted in the preview and the status
line (the tiers were "unknown tier", the import refused). Export events writes them through the one helper the CLI
uses (interchange.export_project_events) (audit a98 findings 1, 2; h226)."""

from __future__ import annotations

import pytest
from helpers import accepted_previews
from support.merge_copies import behaviour_tiers_alone

from merstudio.gui import commands as C

pytestmark = pytest.mark.gui


def test_the_apps_elan_file_with_behaviour_tiers_imports_back_as_one_step(qtbot, window, copies, monkeypatch,
                                                                          tmp_path):
    a, b = copies
    assert window.ctx.execute(C.OpenProject, path=str(b)), window.errors
    eaf = tmp_path / "bob.eaf"
    assert window.ctx.execute(C.ExportEvents, path=str(eaf)), window.errors
    qtbot.waitUntil(lambda: not window.exports.running, timeout=10000)
    assert 'TIER_ID="behaviour: gaze away (bob)"' in eaf.read_text(encoding="utf-8")
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors
    shown = accepted_previews(monkeypatch, lambda dlg: dlg.text.toPlainText())  # the preview as the user sees it
    steps = window.undo_stack.count()
    before = sorted((e.coder, e.onset) for e in window.project.behaviour_events())
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    # bob's behaviour event is new; alice's (copied with the project) is there already
    assert "and 1 behaviour event(s) (gaze away), 1 already in the project" in shown[0], shown
    assert sorted((e.coder, e.onset) for e in window.project.behaviour_events()) == before + [("bob", 200)]
    assert any(e.coder == "bob" for e in window.project.events())
    assert window.undo_stack.count() == steps + 1  # the events and the behaviour events: one step
    assert "behaviour event(s)" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert sorted((e.coder, e.onset) for e in window.project.behaviour_events()) == before
    assert not any(e.coder == "bob" for e in window.project.events())


def test_an_elan_file_of_behaviour_tiers_alone_can_be_imported_in_the_app(qtbot, window, copies, monkeypatch,
                                                                          tmp_path):
    from merstudio.gui import dialogs as D

    a, b = copies
    eaf = behaviour_tiers_alone(b, tmp_path / "bob.eaf")
    assert window.ctx.execute(C.OpenProject, path=str(a)), window.errors

    def head_and_button(dlg):
        ok = dlg.buttons.button(D.QDialogButtonBox.StandardButton.Ok)
        return dlg.head.text(), ok.text(), ok.isEnabled()

    seen = accepted_previews(monkeypatch, head_and_button)
    assert window.ctx.execute(C.ImportEvents, path=str(eaf)), window.errors
    head, verb, enabled = seen[0]
    assert "0 event(s) and 1 behaviour event(s) will be imported" in head and enabled, seen  # it was disabled
    assert verb == "Import 1 behaviour event(s)"
    assert ("bob", 200) in [(e.coder, e.onset) for e in window.project.behaviour_events()]
