"""The last places a name written decomposed (NFD, as a Mac's Finder pastes it) got into a project as given: the
session's coder filled into an event, the coders list and the ``coded:`` records (an old project holding both forms
listed "Zoë, Zoë"), an import's file coders, and behaviour names. All stored and read in NFC (h231)."""

from __future__ import annotations

import json
import time
import unicodedata

import pytest

from merstudio.errors import InputError
from merstudio.project import Behaviour, BehaviourEvent, Event, Project
from merstudio.project.settings import coded_key

NFC, NFD = (unicodedata.normalize(f, "Zoë") for f in ("NFC", "NFD"))
SMILE, SMILE_NFD = (unicodedata.normalize(f, "Lächeln") for f in ("NFC", "NFD"))


def test_the_session_coder_is_stored_in_nfc(clip72: Project) -> None:
    assert NFC != NFD
    clip72.coder = NFD
    assert clip72.add_event(Event(1, 0, 1, 2)).coder == NFC
    b = clip72.add_behaviour(Behaviour("look away"))
    assert clip72.add_behaviour_event(BehaviourEvent(1, b.id or 0, 3, 4)).coder == NFC
    assert {e.coder for e in clip72.events()} == {NFC}
    assert {e.coder for e in clip72.behaviour_events(1)} == {NFC}


def test_an_old_project_with_both_forms_lists_one_coder(clip72: Project) -> None:
    now = time.time()
    with clip72._tx() as con:  # as a project from before h223 may hold them
        con.executemany("INSERT INTO coders VALUES (?, ?)", [(NFD, now), ("Ann", now + 1), (NFC, now + 2)])
        con.execute("INSERT INTO settings VALUES (?, ?)", (coded_key(1), json.dumps(sorted([NFC, NFD, "Ann"]))))
    assert clip72.coders() == [NFC, "Ann"]
    assert clip72.coded_by(1) == sorted(["Ann", NFC])
    assert clip72.coded() == {1: sorted(["Ann", NFC])}
    clip72.add_coder(NFD)  # the typed name is the one there
    assert clip72.coders() == [NFC, "Ann"]


def test_an_imports_file_coders_are_recorded_in_nfc(clip72: Project) -> None:
    clip72.add_events([Event(1, 0, 1, 2, coder=NFD)], coders=[NFD], coded={1: [NFD]})
    clip72.mark_coded(1, [f" {NFD} "])
    assert clip72.coders() == [NFC]
    assert clip72.coded_by(1) == [NFC]
    raw = clip72.get_setting(coded_key(1))
    assert raw == [NFC]
    clip72.replace_events((), [], uncoded={1: [NFD]})  # an undone import takes them off, whichever form it names
    assert clip72.coded_by(1) == []


def test_behaviour_names_are_stored_and_compared_in_nfc(clip72: Project) -> None:
    b = clip72.add_behaviour(Behaviour(SMILE_NFD))
    assert b.name == SMILE and clip72.behaviours()[0].name == SMILE
    with pytest.raises(InputError, match="one of that name already"):
        clip72.add_behaviour(Behaviour(SMILE))
    with clip72._tx() as con:  # one stored decomposed before h231 is the typed name too
        con.execute("UPDATE behaviours SET name = ? WHERE id = ?", (SMILE_NFD, b.id))
    with pytest.raises(InputError, match="one of that name already"):
        clip72.add_behaviour(Behaviour(SMILE.upper()))


def test_an_imported_decomposed_behaviour_name_is_the_projects_behaviour(clip72: Project) -> None:
    from merstudio.interchange import _add_behaviours

    b = clip72.add_behaviour(Behaviour(SMILE))
    rows = [(SMILE_NFD, "state", "", BehaviourEvent(1, 0, 3, 5, coder=NFD))]
    (ev,) = _add_behaviours(clip72, rows)  # it was refused: 'there is one of that name already'
    assert ev.behaviour_id == b.id and ev.coder == NFC
    assert [x.name for x in clip72.behaviours()] == [SMILE]


def test_face_names_are_recorded_and_read_in_nfc(clip72: Project) -> None:
    from types import SimpleNamespace

    from merstudio.interchange import face_names_key, known_face_names, remember_face_names

    remember_face_names(clip72, 1, SimpleNamespace(face_names={0: NFD}))  # type: ignore[arg-type]
    assert clip72.get_setting(face_names_key(1)) == [[0, NFC]]
    clip72.set_setting(face_names_key(1), [[0, NFD]])  # as recorded before h231
    assert known_face_names(clip72, 1) == {0: NFC}
