"""h303: the app compares and orders names as people read them. The events filter finds 'İlker' typed 'ilker' and
'Irkılma' typed 'ırkılma' (names.fold_name); the events table's text columns sort 'ärger' beside 'Ärger' before
'Freude' (names.name_sort_key, was code point: after 'Zorn'); the coders menu and the coder lanes list alice, Änne,
Bob, Zoë (were Bob, Zoë, alice, Änne)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from merstudio.gui.coders import human_coders
from merstudio.gui.events_table import COLUMNS, EventsModel, filter_words, matches
from merstudio.project.events import Event

pytestmark = pytest.mark.gui

CODERS = ("Bob", "Zoë", "alice", "Änne")


def _ev(i: int, emotion: str, coder: str) -> Event:
    return Event(1, 10 * i, 10 * i + 2, 10 * i + 5, emotion=emotion, coder=coder, id=i + 1)


def test_the_filter_folds_turkish_i() -> None:
    e = _ev(0, "Irkılma", "İlker")
    for typed in ("ilker", "İLKER", "ILKER", "ırkılma", "irkilma", "IRKILMA"):
        assert matches(e, filter_words(typed)), typed
    assert matches(_ev(0, "straße", "ayşe"), filter_words("STRASSE AYŞE"))
    assert not matches(e, filter_words("ilkay"))


def test_text_columns_sort_as_read(qtbot) -> None:
    model = EventsModel()
    evs = [_ev(k, emo, c) for k, (emo, c) in
           enumerate([("Freude", "Bob"), ("Zorn", "Zoë"), ("ärger", "alice"), ("Überraschung", "Änne"),
                      ("Ärger", "bob")])]
    model.set_events(evs, 30.0)
    model.sort(COLUMNS.index("emotion"), Qt.SortOrder.AscendingOrder)
    assert [e.emotion for e in model.events] == ["Ärger", "ärger", "Freude", "Überraschung", "Zorn"]
    model.sort(COLUMNS.index("coder"), Qt.SortOrder.AscendingOrder)
    assert [e.coder for e in model.events] == ["alice", "Änne", "Bob", "bob", "Zoë"]


def test_coders_menu_and_lanes_list_coders_as_read(qtbot) -> None:
    from gui_fixtures import shown_timeline

    evs = [_ev(k, "joy", c) for k, c in enumerate(CODERS)]
    assert human_coders(evs) == ["alice", "Änne", "Bob", "Zoë"]
    tl = shown_timeline(qtbot, 100, size=(900, 400))
    tl.set_coder_view(True)
    tl.set_events(evs)
    assert tl.coder_lanes == ["alice", "Änne", "Bob", "Zoë"]
