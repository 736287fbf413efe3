"""A big import got faster (each event checked once, its history written in one statement): what it stores is what
it stored before, row for row. The expected rows are written out here from the input file: its AU spellings read
(``AU04, AU07`` is 4+7), a Word line break (\\x0b) a line break, an unreadable AU token kept in the note."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from support.cli_run import tiny_video

from merstudio import interchange as ix
from merstudio.errors import InputError
from merstudio.project import Event, Project

COLS = ("video", "face_id", "onset", "apex", "offset", "onset_time", "apex_time", "offset_time", "emotion", "aus",
        "coder", "confidence", "source", "status", "note")
ROWS = [  # frames at 30 fps; the times are frame / 30
    ("a.avi", "0", "3", "5", "8", "0.1", "0.16666666666666666", "0.26666666666666666", "happiness", "AU06 + AU12",
     "ann", "0.9", "imported", "accepted", ""),
    ("a.avi", "1", "10", "12", "20", "0.3333333333333333", "0.4", "0.6666666666666666", "surprise", "1+2+L5",
     "bob", "", "manual", "proposal", "line one\x0bline two"),
    ("a.avi", "0", "21", "21", "21", "0.7", "0.7", "0.7", "", "12+AD19", "", "0.25", "", "", "odd AU"),
    ("a.avi", "0", "4", "6", "9", "0.13333333333333333", "0.2", "0.3", "disgust", "AU04, AU07", "ann", "1",
     "imported", "rejected", "=2+3"),
]
# id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence, note, source, status
STORED = [
    (1, 1, 0, 3, 5, 8, "happiness", "6+12", "ann", 0.9, "", "imported", "accepted"),
    (2, 1, 1, 10, 12, 20, "surprise", "1+2+L5", "bob", None, "line one\nline two", "manual", "proposal"),
    (3, 1, 0, 21, 21, 21, "", "12", "", 0.25, "odd AU / AUs as coded: 12+AD19", "imported", "accepted"),
    (4, 1, 0, 4, 6, 9, "disgust", "4+7", "ann", 1.0, "=2+3", "imported", "rejected"),
]
KEYS = ("video_id", "onset", "apex", "offset", "face_id", "emotion", "aus", "coder", "confidence", "note", "source",
        "status", "id", "model", "model_confidence")  # Event's fields, in the order its history JSON has always
# written them (schema 7's "model", then schema 9's "model_confidence", last)


def _project(tmp_path: Path) -> Path:
    proj = tmp_path / "p.merproj"
    with Project.create(proj) as p:
        p.add_video(tiny_video(tmp_path / "a.avi", n=30), fps=30.0, frame_count=30, width=64, height=48)
    return proj


def _csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLS)
        w.writerows(rows)
    return path


def _tables(proj: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    con = sqlite3.connect(f"file:{proj}?mode=ro", uri=True)
    try:
        events = con.execute("SELECT id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
                             " note, source, status FROM events ORDER BY id").fetchall()
        stamps = con.execute("SELECT created, modified FROM events ORDER BY id").fetchall()
        history = con.execute("SELECT id, event_id, time, action, coder, before, after FROM event_history"
                              " ORDER BY id").fetchall()
    finally:
        con.close()
    return events, stamps, history


def test_an_import_stores_the_rows_and_history_it_always_stored(tmp_path: Path) -> None:
    proj = _project(tmp_path)
    src = _csv(tmp_path / "in.csv", ROWS)
    with Project.open(proj) as p:
        added = ix.commit_import(p, ix.preview_import(p, src, 1))
    assert [e.id for e in added] == [1, 2, 3, 4]
    events, stamps, history = _tables(proj)
    assert events == STORED
    assert len({s for row in stamps for s in row}) == 1  # created = modified, one time for the whole import
    assert [(h[0], h[1], h[3], h[4], h[5]) for h in history] == [
        (1, 1, "create", "ann", None), (2, 2, "create", "bob", None), (3, 3, "create", "", None),
        (4, 4, "create", "ann", None)]
    for h, row in zip(history, STORED, strict=True):
        after = dict(zip(("id", "video_id", "face_id", "onset", "apex", "offset", "emotion", "aus", "coder",
                          "confidence", "note", "source", "status"), row, strict=True), model="",
                     model_confidence=None)
        assert list(json.loads(h[6])) == list(KEYS)  # the same JSON, key for key, as dataclasses.asdict wrote
        assert json.loads(h[6]) == after
    times = [h[2] for h in history]
    assert times == sorted(times) and times[0] >= stamps[0][0]


def test_ids_given_and_new_are_numbered_as_one_insert_at_a_time_did(tmp_path: Path) -> None:
    """Undo restores deleted events under their ids beside new ones: a new one gets one past the largest id used so
    far (events and history), the ids given kept; a deleted newest id is never given again."""
    proj = _project(tmp_path)
    with Project.open(proj) as p:
        first = p.add_events([Event(1, 0, 1, 2), Event(1, 3, 4, 5), Event(1, 6, 7, 8)])
        assert [e.id for e in first] == [1, 2, 3]
        p.delete_event(3)  # its id lives on in the history
        added = p.add_events([Event(1, 1, 1, 1), Event(1, 2, 2, 2, id=10), Event(1, 3, 3, 3), Event(1, 4, 4, 4, id=7),
                              Event(1, 5, 5, 5)])
        assert [e.id for e in added] == [4, 10, 11, 7, 12]
        assert [e.id for e in p.events(1)] == [1, 4, 10, 2, 11, 7, 12]  # by onset
        log = p.event_history()
    assert [(h["event_id"], h["action"]) for h in log] == [
        (1, "create"), (2, "create"), (3, "create"), (3, "delete"), (4, "create"), (10, "create"), (11, "create"),
        (7, "create"), (12, "create")]
    assert log[5]["after"] == {"video_id": 1, "onset": 2, "apex": 2, "offset": 2, "face_id": 0, "emotion": "",
                               "aus": "", "coder": "", "confidence": None, "note": "", "source": "manual",
                               "status": "accepted", "id": 10, "model": "",
                               "model_confidence": None}


def test_a_failed_batch_stores_nothing(tmp_path: Path) -> None:
    """One transaction: an id taken by an event there refuses the whole batch, its events before it too."""
    proj = _project(tmp_path)
    with Project.open(proj) as p:
        p.add_events([Event(1, 0, 1, 2)])
        with pytest.raises(sqlite3.IntegrityError):
            p.add_events([Event(1, 3, 4, 5), Event(1, 6, 7, 8, id=1)])
        assert [e.id for e in p.events()] == [1]
        assert len(p.event_history()) == 1


def test_each_event_of_an_import_is_checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import's events are checked (and their text made XML-safe) where the file is read, and not once more
    when stored: 3 text fields of 4 events, 12 calls (24 before)."""
    import merstudio.xlsx

    calls = []
    real = merstudio.xlsx.xml_text

    def counted(text: str) -> str:
        calls.append(text)
        return real(text)

    proj = _project(tmp_path)
    src = _csv(tmp_path / "in.csv", ROWS)
    monkeypatch.setattr(merstudio.xlsx, "xml_text", counted)
    with Project.open(proj) as p:
        ix.commit_import(p, ix.preview_import(p, src, 1))
    assert len(calls) == 3 * len(ROWS)


def test_an_event_changed_after_its_check_is_checked_again(tmp_path: Path) -> None:
    proj = _project(tmp_path)
    ok = Event(1, 3, 5, 8, aus="6+12").validated()
    with Project.open(proj) as p:
        with pytest.raises(InputError, match=r"^event: need 0 <= onset <= apex <= offset, got 9, 5, 8$"):
            p.add_events([replace(ok, onset=9)])
        with pytest.raises(InputError, match=r"^event: AU 12 repeated in '12\+12'$"):
            p.add_events([replace(ok, aus="12+12")])
        assert p.add_events([replace(ok, aus="r14")])[0].aus == "R14"
        assert p.events() == [Event(1, 3, 5, 8, aus="R14", id=1)]


@pytest.mark.parametrize(("event", "message"), [
    (Event(1, 3, 5, 8, aus="12+12"), "event: AU 12 repeated in '12+12'"),
    (Event(1, 3, 5, 8, aus="X9"), "event: bad AU term 'X9' in 'X9' (expected e.g. 4+7, L12, R6)"),
    (Event(1, 8, 5, 3), "event: need 0 <= onset <= apex <= offset, got 8, 5, 3"),
    (Event(1, 3, 5, 8, source="x"), "event: source must be one of model, manual, imported, got 'x'"),
    (Event(1, 3, 5, 8, confidence=2.0), "event: confidence must be within 0..1, got 2.0"),
    (Event(1, 3, 5, 8, status="y"), "event: status must be one of proposal, accepted, rejected, got 'y'"),
])
def test_a_bad_event_given_to_the_store_is_refused_in_one_line(tmp_path: Path, event: Event, message: str) -> None:
    proj = _project(tmp_path)
    with Project.open(proj) as p:
        p.add_events([Event(1, 0, 0, 0)])
        with pytest.raises(InputError) as err:
            p.add_events([Event(1, 1, 1, 1), event])
        assert str(err.value) == message
        assert len(p.events()) == 1
