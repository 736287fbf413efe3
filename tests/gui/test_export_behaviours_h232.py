"""The app's Export events and the video's behaviour events (h232): a state started and never stopped has no end an
ELAN tier can hold, and the .eaf left it out without a word (now the status line says how many, of which
behaviours); File > Export > Decimal comma makes the ``_behaviours.csv`` written beside an events CSV as the events
file (byte-order mark, ";"), as `merstudio convert --decimal-comma` does now."""

from __future__ import annotations

import codecs

import pytest
from gui_fixtures import FPS, H, W, write_video
from support.merge_copies import study

from merstudio.gui import commands as C
from merstudio.project import Project
from merstudio.project.behaviours import Behaviour, BehaviourEvent

pytestmark = pytest.mark.gui


@pytest.fixture
def coded(tmp_path):
    """alice's study (gaze away at 50-60), with a 'nod' state she started at frame 300 and never stopped."""
    assert FPS == 30.0
    path = study(tmp_path / "A", write_video(tmp_path / "src.avi", n=600), (W, H))
    with Project.open(path) as p:
        nod = p.add_behaviour(Behaviour("nod", key="n", position=1))
        p.add_behaviour_event(BehaviourEvent(p.videos()[0].id, nod.id, 300, None, coder="alice"))
    return path


def test_an_elan_export_says_which_open_states_it_leaves_out(qtbot, window, coded, tmp_path):
    assert window.ctx.execute(C.OpenProject, path=str(coded)), window.errors
    eaf = tmp_path / "v.eaf"
    assert window.ctx.execute(C.ExportEvents, path=str(eaf)), window.errors
    qtbot.waitUntil(lambda: not window.exports.running, timeout=10000)
    assert 'TIER_ID="behaviour: gaze away (alice)"' in eaf.read_text(encoding="utf-8")
    line = window.statusBar().currentMessage()
    assert "1 behaviour state(s) still open (nod) left out of the ELAN file" in line, line  # was: "Exported v.eaf"


def test_decimal_comma_makes_the_behaviours_csv_beside_an_events_csv_safe_too(qtbot, window, coded, tmp_path):
    assert window.ctx.execute(C.OpenProject, path=str(coded)), window.errors
    window.decimal_comma_action.trigger()  # File > Export > Decimal comma (spreadsheet-safe with it)
    out = tmp_path / "v.csv"
    assert window.ctx.execute(C.ExportEvents, path=str(out)), window.errors
    qtbot.waitUntil(lambda: not window.exports.running, timeout=10000)
    beside = (tmp_path / "v_behaviours.csv").read_bytes()
    assert out.read_bytes().startswith(codecs.BOM_UTF8) and beside.startswith(codecs.BOM_UTF8)
    assert beside.decode("utf-8-sig").splitlines()[0].startswith("behaviour_event_id;video;")
