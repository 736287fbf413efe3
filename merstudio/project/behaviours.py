"""The project's own behaviours (ELAN tiers, a BORIS ethogram: a name, a key that codes it at the play head, a
colour, point or state events) and their coded events, stored in the tables schema 5 added; each event's creation,
edits and deletion are logged in its history (schema 8), as events' are, so that a merge of two copies tells who
changed or deleted it (merstudio.project.merge). Project has these methods through BehaviourTables."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, replace
from typing import Any

from merstudio.errors import InputError
from merstudio.pathnames import name_key
from merstudio.project.base import StoreBase, inserted_id

BEHAVIOUR_KINDS = ("point", "state")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Behaviour:
    """A user-defined behaviour (an ELAN tier, a BORIS ethogram entry): pressing ``key`` at the play head codes it.
    ``kind`` "point": one frame per press; "state": a press starts it, the next press ends it."""

    name: str
    key: str = ""
    colour: str = "#5e35b1"
    kind: str = "state"
    position: int = 0
    id: int | None = None

    def validated(self) -> Behaviour:
        name = name_key(" ".join(self.name.split()))  # NFC: a Mac's decomposed "Lächeln" is the typed one
        if not name:
            raise InputError("behaviour: the name is empty")
        if self.kind not in BEHAVIOUR_KINDS:
            raise InputError(f"behaviour {name}: kind must be point or state, not {self.kind!r}")
        if not _COLOUR.match(self.colour or ""):
            raise InputError(f"behaviour {name}: colour must be #rrggbb, not {self.colour!r}")
        return replace(self, name=name, key=(self.key or "").strip())


@dataclass(frozen=True)
class BehaviourEvent:
    """One coded occurrence of a behaviour: frames onset..offset (a point event has offset == onset; a state
    event still being coded has offset None)."""

    video_id: int
    behaviour_id: int
    onset: int
    offset: int | None = None
    coder: str = ""
    note: str = ""
    face_id: int = 0
    id: int | None = None

    def validated(self) -> BehaviourEvent:
        if self.onset < 0 or (self.offset is not None and self.offset < self.onset):
            raise InputError(f"behaviour event: need 0 <= onset <= offset, got {self.onset}, {self.offset}")
        coder, note = name_key(self.coder), name_key(self.note)  # NFC, as an event's (Event.validated)
        return self if (coder, note) == (self.coder, self.note) else replace(self, coder=coder, note=note)

    @property
    def open(self) -> bool:
        return self.offset is None


class BehaviourTables(StoreBase):
    _BEH_COLS = ("id", "name", "key", "colour", "kind", "position")
    _BEV_COLS = ("id", "video_id", "behaviour_id", "face_id", "onset", "offset", "coder", "note")

    def behaviours(self) -> list[Behaviour]:
        """The project's behaviours, in their order (``position``, then when they were added)."""
        rows = self._query(f"SELECT {', '.join(self._BEH_COLS)} FROM behaviours ORDER BY position, id")
        return [Behaviour(**dict(zip(self._BEH_COLS, r, strict=True))) for r in rows]

    def behaviour(self, behaviour_id: int) -> Behaviour | None:
        return next((b for b in self.behaviours() if b.id == behaviour_id), None)

    def _check_behaviour(self, b: Behaviour) -> None:
        for other in self.behaviours():
            if other.id == b.id:
                continue
            if name_key(other.name, fold=True) == name_key(b.name, fold=True):  # one stored before h231: NFD
                raise InputError(f"behaviour {b.name}: there is one of that name already")
            if b.key and other.key.casefold() == b.key.casefold():
                raise InputError(f"behaviour {b.name}: key {b.key} already codes {other.name}")

    def add_behaviour(self, behaviour: Behaviour) -> Behaviour:
        """Add a behaviour (keeping ``behaviour.id`` when given: how undo restores a deleted one). Names and keys
        are unique (InputError)."""
        b = behaviour.validated()
        self._check_behaviour(b)
        with self._tx() as con:
            cur = con.execute("INSERT INTO behaviours (id, name, key, colour, kind, position, created)"
                              " VALUES (?,?,?,?,?,?,?)", (b.id, b.name, b.key, b.colour, b.kind, b.position,
                                                          time.time()))
            return replace(b, id=inserted_id(cur))

    def update_behaviour(self, behaviour: Behaviour) -> Behaviour:
        if behaviour.id is None:
            raise ValueError("update_behaviour needs a behaviour with an id")
        b = behaviour.validated()
        self._check_behaviour(b)
        with self._tx() as con:
            # a point and a state read their offsets otherwise: coded events of one kind under the other would be
            # cut (10-30 -> 10-10) or exported as open points
            was = con.execute("SELECT kind FROM behaviours WHERE id = ?", (b.id,)).fetchone()
            if was is not None and was[0] != b.kind:
                k = con.execute("SELECT COUNT(*) FROM behaviour_events WHERE behaviour_id = ?", (b.id,)).fetchone()[0]
                if k:
                    raise InputError(f"behaviour {b.name}: has {k} coded event(s) as a {was[0]}; it stays a {was[0]} "
                                     f"(delete them first, or add a new {b.kind} behaviour)")
            n = con.execute("UPDATE behaviours SET name=?, key=?, colour=?, kind=?, position=? WHERE id=?",
                            (b.name, b.key, b.colour, b.kind, b.position, b.id)).rowcount
        if not n:
            raise KeyError(f"no behaviour {b.id}")
        return b

    def delete_behaviour(self, behaviour_id: int) -> Behaviour:
        """Remove a behaviour that has no events (InputError otherwise: delete its events first)."""
        b = self.behaviour(behaviour_id)
        if b is None:
            raise KeyError(f"no behaviour {behaviour_id}")
        with self._tx() as con:
            n = con.execute("SELECT COUNT(*) FROM behaviour_events WHERE behaviour_id = ?",
                            (behaviour_id,)).fetchone()[0]
            if n:
                raise InputError(f"behaviour {b.name}: has {n} coded event(s); delete them first")
            con.execute("DELETE FROM behaviours WHERE id = ?", (behaviour_id,))
        return b

    def add_behaviour_event(self, event: BehaviourEvent) -> BehaviourEvent:
        """Insert a behaviour event (keeping ``event.id`` when given: undo)."""
        if not event.coder and self.coder:  # before validated(): stored in NFC
            event = replace(event, coder=self.coder)
        ev = event.validated()
        now = time.time()
        with self._tx() as con:
            cur = con.execute("INSERT INTO behaviour_events (id, video_id, behaviour_id, face_id, onset, offset,"
                              " coder, note, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?)",
                              (ev.id if ev.id is not None else next_behaviour_event_id(con), ev.video_id,
                               ev.behaviour_id, ev.face_id, ev.onset, ev.offset, ev.coder, ev.note, now, now))
            eid = inserted_id(cur)
            self._log_behaviour_event(con, eid, "create", None, behaviour_event_row(con, eid))
            return replace(ev, id=eid)

    def update_behaviour_event(self, event: BehaviourEvent) -> BehaviourEvent:
        if event.id is None:
            raise ValueError("update_behaviour_event needs an event with an id")
        eid, ev = event.id, event.validated()
        with self._tx() as con:
            before = behaviour_event_row(con, eid)
            if before is None:
                raise KeyError(f"no behaviour event {ev.id}")
            con.execute("UPDATE behaviour_events SET video_id=?, behaviour_id=?, face_id=?, onset=?, offset=?,"
                        " coder=?, note=?, modified=? WHERE id=?",
                        (ev.video_id, ev.behaviour_id, ev.face_id, ev.onset, ev.offset, ev.coder, ev.note,
                         time.time(), eid))
            self._log_behaviour_event(con, eid, "update", before, behaviour_event_row(con, eid))
        return ev

    def delete_behaviour_event(self, event_id: int) -> BehaviourEvent:
        before = next((e for e in self.behaviour_events() if e.id == event_id), None)
        if before is None:
            raise KeyError(f"no behaviour event {event_id}")
        with self._tx() as con:
            row = behaviour_event_row(con, event_id)
            if row is not None:
                con.execute("DELETE FROM behaviour_events WHERE id = ?", (event_id,))
                self._log_behaviour_event(con, event_id, "delete", row, None)
        return before

    def _log_behaviour_event(self, con: sqlite3.Connection, event_id: int, action: str,
                             before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        log_behaviour_event(con, event_id, action, before, after, self.coder)

    def behaviour_event_history(self, event_id: int | None = None) -> list[dict[str, Any]]:
        """The behaviour events' history records (of one event, or all), oldest first: time, action (create,
        update, delete), coder, before and after (the event's row as a dict; None where there is none)."""
        where, args = ("WHERE event_id = ?", (event_id,)) if event_id is not None else ("", ())
        rows = self._query("SELECT event_id, time, action, coder, before, after FROM behaviour_event_history "
                           f"{where} ORDER BY id", args)
        return [{"event_id": r[0], "time": r[1], "action": r[2], "coder": r[3],
                 "before": json.loads(r[4]) if r[4] else None, "after": json.loads(r[5]) if r[5] else None}
                for r in rows]

    def behaviour_events(self, video_id: int | None = None, behaviour_id: int | None = None) -> list[BehaviourEvent]:
        where, args = ["1"], []
        for col, val in (("video_id", video_id), ("behaviour_id", behaviour_id)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        rows = self._query(f"SELECT {', '.join(self._BEV_COLS)} FROM behaviour_events WHERE {' AND '.join(where)}"
                           " ORDER BY video_id, onset, id", args)
        return [BehaviourEvent(**dict(zip(self._BEV_COLS, r, strict=True))) for r in rows]


def behaviour_event_row(con: sqlite3.Connection, event_id: int) -> dict[str, Any] | None:
    """A stored behaviour event as its history records it: every column but ``modified`` (``created`` tells it
    apart from another event that had its id), None when there is none."""
    cur = con.execute("SELECT id, video_id, behaviour_id, face_id, onset, offset, coder, note, created"
                      " FROM behaviour_events WHERE id = ?", (event_id,))
    r = cur.fetchone()
    return None if r is None else dict(zip([d[0] for d in cur.description], r, strict=True))


def log_behaviour_event(con: sqlite3.Connection, event_id: int, action: str, before: dict[str, Any] | None,
                        after: dict[str, Any] | None, coder: str = "") -> None:
    """A record in the behaviour events' history (as EventTables._log writes the events'): the rows as
    :func:`behaviour_event_row` reads them, as JSON; ``coder``: the session's (else the event's)."""
    ref = after or before or {}
    con.execute("INSERT INTO behaviour_event_history (event_id, time, action, coder, before, after)"
                " VALUES (?,?,?,?,?,?)",
                (event_id, time.time(), action, coder or str(ref.get("coder", "")),
                 None if before is None else json.dumps(before), None if after is None else json.dumps(after)))


def move_behaviour_event(con: sqlite3.Connection, event_id: int, face: int, now: float, coder: str = "",
                         video_id: int | None = None, source: int | None = None) -> bool:
    """Give behaviour event ``event_id`` face ``face`` (a face merge or split, its undo, a re-run's move to the
    person it was coded on), logged in its history as an edit, as those edits log an event's move: unlogged, a
    merge of two copies took the move for no edit (merstudio.project.merge). Only where it is of ``video_id`` and
    still on face ``source`` (where given); whether it moved. Inside the caller's transaction."""
    before = behaviour_event_row(con, event_id)
    if before is None or (video_id is not None and before["video_id"] != video_id) or \
            (source is not None and before["face_id"] != source):
        return False
    con.execute("UPDATE behaviour_events SET face_id = ?, modified = ? WHERE id = ?", (face, now, event_id))
    log_behaviour_event(con, event_id, "update", before, behaviour_event_row(con, event_id), coder)
    return True


def next_behaviour_event_id(con: sqlite3.Connection) -> int:
    """An id no behaviour event has had: past the largest in the table and in its history (SQLite would give a
    deleted newest event's id to the next one, and one history would then hold two events)."""
    row = con.execute("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM behaviour_events UNION ALL "
                      "SELECT MAX(event_id) FROM behaviour_event_history)").fetchone()
    return int(row[0] or 0) + 1
