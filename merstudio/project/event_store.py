"""The project's coded events (merstudio.project.events.Event) and model proposals, each edit logged in the
events' history. Project has these methods through EventTables."""

from __future__ import annotations

import json
import operator
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from merstudio.errors import InputError
from merstudio.facs import au_numbers, objective_emotion
from merstudio.pathnames import name_key
from merstudio.project.base import StoreBase
from merstudio.project.events import Event
from merstudio.project.settings import _put_settings


class EventTables(StoreBase):
    _EVENT_COLS = ("id", "video_id", "face_id", "onset", "apex", "offset", "emotion", "aus", "coder",
                   "confidence", "note", "source", "status", "model", "model_confidence")

    # the frames of a file an older merstudio wrote from a float (0.61 s * fps = 18.3: Event.validated now refuses it)
    # are read as whole frames, so that nothing reading the events (the agreement's slices) meets a fraction
    _EVENT_SELECT = ", ".join(f"CAST(ROUND({c}) AS INTEGER)" if c in ("onset", "apex", "offset") else c
                              for c in _EVENT_COLS)

    _EVENT_INSERT = ("INSERT INTO events (id, video_id, face_id, onset, apex, offset, emotion, aus, coder, confidence,"
                     " note, source, status, model, model_confidence, created, modified)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")

    def _log(self, con: sqlite3.Connection, event_id: int, action: str, before: Event | None,
             after: Event | None) -> None:
        ref = after or before
        coder = ref.coder if ref else ""
        con.execute("INSERT INTO event_history (event_id, time, action, coder, before, after) VALUES (?,?,?,?,?,?)",
                    (event_id, time.time(), action, self.coder or coder,
                     json.dumps(before.to_dict()) if before else None,
                     json.dumps(after.to_dict()) if after else None))

    @staticmethod
    def _next_event_id(con: sqlite3.Connection) -> int:
        """An id no event has had: past the largest in the events and in their history. SQLite would give the id
        of a deleted newest event to the next one, and its history (and a checkpoint's list of the events it
        trained on) would then mix two events."""
        row = con.execute("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM events UNION ALL "
                          "SELECT MAX(event_id) FROM event_history)").fetchone()
        return int(row[0] or 0) + 1

    def _insert_event(self, con: sqlite3.Connection, evs: Sequence[Event], now: float) -> list[Event]:
        """INSERT events (one, or an import's thousands) and log their creation; the stored events, with their ids:
        an event's own id kept (undo restoring a deleted one), the others numbered on past the largest used so far,
        as one INSERT at a time numbered them. The events go in one statement, their ids from one query: storing 40,000
        imported events took 2.3 s of CPU an id query, an INSERT and two dataclasses.replace at a time, 0.8 s so."""
        fresh = self._next_event_id(con)
        out = []
        for ev in evs:
            eid = fresh if ev.id is None else ev.id
            out.append(ev if ev.id is not None else ev.with_id(eid))
            fresh = max(fresh, eid + 1)
        con.executemany(self._EVENT_INSERT, (
            (e.id, e.video_id, e.face_id, e.onset, e.apex, e.offset, e.emotion, e.aus, e.coder, e.confidence,
             e.note, e.source, e.status, e.model, e.model_confidence, now, now) for e in out))
        for e in out:
            self._log(con, _stored_id(e), "create", None, e)
        return out

    def add_event(self, event: Event) -> Event:
        """Store ``event`` (checked by :meth:`Event.validated`: InputError, nothing stored, on a bad field) and return
        it as stored, with its id; ``event.id`` when given is kept (how undo restores a deleted event). Its video must
        be one of the project's, and its frames within that video's (0 to frame_count - 1, unless the count is
        unknown, 0): else one InputError line. An event put back under its id is not held to the video's end: it is
        put back as it was stored."""
        if not event.coder and self.coder:  # before validated(): the session's coder stored in NFC too (name_key)
            event = replace(event, coder=self.coder)
        ev = event.validated()
        now = time.time()
        with self._tx() as con:
            self._refuse_outside(con, [(ev, ev.id is None)])
            return self._insert_event(con, [ev], now)[0]

    def _refuse_outside(self, con: sqlite3.Connection, checks: Iterable[tuple[Event, bool]]) -> None:
        """InputError for an event whose video the project has not (SQLite's bare "FOREIGN KEY constraint failed"),
        or, with its flag True, that ends past its video's last frame: the agreement refuses a project holding one.
        The one rule of the import too, whose preview cuts an event that ends past the end and skips one that
        starts there (merstudio.interchange.fit_to_video) before anything reaches this."""
        videos = {int(i): (int(n), str(p)) for i, n, p in con.execute("SELECT id, frame_count, path FROM videos")}
        for e, ends in checks:
            video = videos.get(e.video_id)
            if video is None:
                raise InputError(f"event frames {e.onset}-{e.offset}: no video {e.video_id} in {self.path.name} "
                                 f"(its video ids: {_id_list(videos)}); add the video first (Project.add_source)")
            n, path = video
            if ends and 0 < n <= e.offset:
                raise InputError(f"event frames {e.onset}-{e.offset}: past the end of {Path(path).name} (video "
                                 f"{e.video_id}), which has {n} frames (0-{n - 1}); end it by frame {n - 1}")

    def add_events(self, events: Iterable[Event], coders: Iterable[str] = (),
                   coded: Mapping[int, Iterable[str]] | None = None) -> list[Event]:
        """Insert many events in one transaction (proposals from spotting, imports), registering ``coders`` and
        recording ``coded`` ({video id: coders who coded it}, see :meth:`coded_by`) in the same transaction (a
        failed import registers nobody)."""
        return self.replace_events((), events, coders=coders, coded=coded)[1]

    def replace_events(self, remove: Iterable[int], events: Iterable[Event], coders: Iterable[str] = (),
                       coded: Mapping[int, Iterable[str]] | None = None,
                       uncoded: Mapping[int, Iterable[str]] | None = None,
                       settings: Mapping[str, Any] | None = None) -> tuple[list[Event], list[Event]]:
        """Delete the events ``remove`` (ids) and insert ``events`` (keeping the id of one that has one: how undo
        restores deleted events), registering ``coders``, recording ``coded`` (see :meth:`add_events`), taking
        ``uncoded`` off those records (the undo of an import) and writing ``settings`` ({key: value}, None deletes
        the key: what an import remembers, an ELAN file's media offset and tier mapping), all in one transaction: a
        re-import of a coder's corrected file replaces their events whole, or not at all (an id that is gone
        meanwhile: KeyError, nothing changed). Returns (the events removed, as they were; the events stored)."""
        now = time.time()
        evs = [e.validated() for e in events]  # an import's events were checked when read: not again (Event.validated)
        names = sorted({name_key(c.strip()) for c in coders if c.strip()})  # as events store them (NFC)
        with self._tx() as con:
            self._refuse_outside(con, ((e, e.id is None) for e in evs))  # (see add_event)
            removed = [self._delete_in(con, eid) for eid in remove]
            for name in names:
                con.execute("INSERT OR IGNORE INTO coders VALUES (?, ?)", (name, now))
            self._mark_coded(con, coded or {})
            self._mark_coded(con, uncoded or {}, keep=False)
            _put_settings(con, settings or {})
            out = self._insert_event(con, evs, now)
        return removed, out

    def update_event(self, event: Event) -> Event:
        """Store ``event`` over the stored event of its id (``event.id``: ValueError without one, KeyError when no
        event has it), its edit logged in :meth:`event_history`; returns it as stored. Checked as :meth:`add_event`
        checks a new event: one that keeps the frames it has may stay past its video's end (an older file's), so
        that its other fields can still be edited."""
        eid = event.id
        if eid is None:
            raise ValueError("update_event needs an event with an id")
        ev = event.validated()
        with self._tx() as con:
            before = self._get_event(con, eid)
            if before is None:
                raise KeyError(f"no event {ev.id}")
            moved = (ev.video_id, ev.onset, ev.offset) != (before.video_id, before.onset, before.offset)
            self._refuse_outside(con, [(ev, moved)])
            con.execute(
                "UPDATE events SET video_id=?, face_id=?, onset=?, apex=?, offset=?, emotion=?, aus=?, coder=?,"
                " confidence=?, note=?, source=?, status=?, model=?, model_confidence=?, modified=? WHERE id=?",
                (ev.video_id, ev.face_id, ev.onset, ev.apex, ev.offset, ev.emotion, ev.aus, ev.coder,
                 ev.confidence, ev.note, ev.source, ev.status, ev.model, ev.model_confidence, time.time(), ev.id))
            self._log(con, eid, "update", before, ev)
        return ev

    def _delete_in(self, con: sqlite3.Connection, event_id: int) -> Event:
        """Delete one event inside the caller's transaction, logged; returns it as it was (KeyError: no such id)."""
        before = self._get_event(con, event_id)
        if before is None:
            raise KeyError(f"no event {event_id}")
        con.execute("DELETE FROM events WHERE id = ?", (event_id,))
        self._log(con, event_id, "delete", before, None)
        return before

    def delete_event(self, event_id: int) -> Event:
        with self._tx() as con:
            return self._delete_in(con, event_id)

    def delete_events(self, event_ids: Iterable[int]) -> list[Event]:
        """Delete several events in one transaction (undo of an import); returns them as they were."""
        with self._tx() as con:
            return [self._delete_in(con, eid) for eid in event_ids]

    def proposals(self, video_id: int) -> list[Event]:
        """The video's open model proposals (:func:`is_model_proposal`): what :meth:`replace_proposals` replaces, so
        a saved list can be put back with it."""
        with self._lock:
            return self._select_events(self._con, _MODEL_PROPOSALS, (operator.index(video_id),))

    def replace_proposals(self, video_id: int, events: Iterable[Event]) -> list[Event]:
        """Swap the open (not yet accepted/rejected) model proposals of a video (:func:`is_model_proposal`) for new
        ones, in one transaction; a coder's own events stay whatever their status. Events with an id keep it (a list
        saved with :meth:`proposals` comes back exactly, so undo steps naming those ids still find them); InputError
        when an id is taken by another event, when an event is of another video or is not an open model proposal."""
        return self.swap_proposals(video_id, events)[1]

    def swap_proposals(self, video_id: int, events: Iterable[Event]) -> tuple[list[Event], list[Event]]:
        """:meth:`replace_proposals` returning (the proposals it removed, the ones it stored), read in its
        transaction: what an undo of a re-run puts back, exactly, even when the GUI edited events meanwhile."""
        evs = self._checked_proposals(video_id, events)
        with self._tx() as con:
            return self._swap_proposals(con, video_id, evs)

    def _swap_proposals(self, con: sqlite3.Connection, video_id: int,
                        evs: Sequence[Event]) -> tuple[list[Event], list[Event]]:
        old = self._select_events(con, _MODEL_PROPOSALS, (video_id,))
        return old, self._replace_proposals(con, video_id, evs)

    @staticmethod
    def _checked_proposals(video_id: int, events: Iterable[Event]) -> list[Event]:
        evs = [e.validated() for e in events]
        for e in evs:
            if e.video_id != video_id:
                raise InputError(f"proposal {e.onset}-{e.offset}: of video {e.video_id}, not of video {video_id}")
            if not is_model_proposal(e):  # one a re-run would never replace again would pile up
                raise InputError(f"proposal {e.onset}-{e.offset}: status {e.status!r}, source {e.source!r}: not an "
                                 "open proposal of the model")
        return evs

    def _replace_proposals(self, con: sqlite3.Connection, video_id: int, evs: Sequence[Event]) -> list[Event]:
        now = time.time()
        out = []
        for old in self._select_events(con, _MODEL_PROPOSALS, (video_id,)):
            con.execute("DELETE FROM events WHERE id = ?", (old.id,))
            self._log(con, _stored_id(old), "delete", old, None)
        # new proposals get ids never used before (SQLite would reuse those just deleted): the proposals an undone
        # re-run removed keep theirs free to come back on redo, and no id names two events in one undo history
        fresh = 1 + max(con.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0],
                        con.execute("SELECT COALESCE(MAX(event_id), 0) FROM event_history").fetchone()[0],
                        max((e.id for e in evs if e.id is not None), default=0))
        for ev in evs:
            if ev.id is None:
                ev, fresh = ev.with_id(fresh), fresh + 1
            # an id taken by another event is refused: a later undo step naming it would edit the wrong event
            elif con.execute("SELECT 1 FROM events WHERE id = ?", (ev.id,)).fetchone():
                raise InputError(f"proposal {ev.onset}-{ev.offset}: event id {ev.id} is taken by another event")
            out += self._insert_event(con, [ev], now)
        return out

    def _select_events(self, con: sqlite3.Connection, where: str, args: Sequence[Any]) -> list[Event]:
        rows = con.execute(f"SELECT {self._EVENT_SELECT} FROM events WHERE {where}"
                           " ORDER BY video_id, onset, id", args).fetchall()
        return _by_current_rule(con, [Event(**dict(zip(self._EVENT_COLS, r, strict=True))) for r in rows])

    def _get_event(self, con: sqlite3.Connection, event_id: int) -> Event | None:
        evs = self._select_events(con, "id = ?", (event_id,))
        return evs[0] if evs else None

    def event(self, event_id: int) -> Event | None:
        with self._lock:
            return self._get_event(self._con, event_id)

    def events(self, video_id: int | None = None, status: str | None = None,
               coder: str | None = None) -> list[Event]:
        """The project's events, in order of video, onset and id: every status (the coders' accepted events, the
        model's open proposals and the rejected ones: ``status="accepted"`` for the coding alone) of every coder,
        unless ``video_id``, ``status`` or ``coder`` narrows it."""
        if video_id is not None:
            video_id = operator.index(video_id)  # numpy's integer too (SQLite would compare it as a blob: no match)
        where, args = ["1"], []
        for col, val in (("video_id", video_id), ("status", status), ("coder", coder)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        with self._lock:
            return self._select_events(self._con, " AND ".join(where), args)

    def event_counts(self, video_id: int) -> dict[tuple[str, str], int]:
        """{(coder, status): events} of a video, counted by SQLite without reading the events (`project show`: 20 ms
        for 25,400 events in 200 videos, where reading them to count them took 0.2 s)."""
        return {(str(c or ""), str(s)): int(n) for c, s, n in self._query(
            "SELECT coder, status, COUNT(*) FROM events WHERE video_id = ? GROUP BY coder, status", (video_id,))}

    def event_coders(self) -> list[tuple[int, str, str]]:
        """The distinct (video id, coder, source) of the events that are not rejected: who coded what, without
        reading the events (~20 ms at 19,600 events where reading them takes 0.3-2.7 s: the agreement dialog's coder
        list, on the GUI thread)."""
        return [(int(v), str(c), str(s)) for v, c, s in self._query(
            "SELECT DISTINCT video_id, coder, source FROM events WHERE status != 'rejected'")]

    def emotion_labels(self) -> list[str]:
        """The distinct emotions of the events that are not rejected, the most used first (the Event dialog offers
        the project's own labels: a lab's 'Contempt'), counted by SQLite without reading the events."""
        return [str(e) for e, _ in self._query(
            "SELECT emotion, COUNT(*) AS n FROM events WHERE status != 'rejected' AND emotion != '' "
            "GROUP BY emotion ORDER BY n DESC, emotion")]

    def events_version(self) -> tuple[Any, ...]:
        """Changes whenever the events, the coded records, the coders or the videos do (an edit, an undo, a face
        merge, an import, a video added or removed), not with a setting (a video's place): what a view made from
        the events compares to tell whether to read them again. One aggregate query, ~0.4 ms at 6,000 events where
        reading them takes ~90 ms. The history's count as well as its largest id: a merge's redo puts its records
        back under their ids, below those of the steps after it (merge.apply_merge)."""
        return tuple(self._query(
            "SELECT (SELECT COUNT(*) FROM events), (SELECT MAX(modified) FROM events),"
            " (SELECT MAX(id) FROM event_history), (SELECT COUNT(*) FROM event_history), (SELECT COUNT(*) FROM coders),"
            " (SELECT group_concat(key || '=' || value, ';') FROM settings WHERE key LIKE 'coded:%'),"
            " (SELECT COUNT(*) FROM videos), (SELECT MAX(id) FROM videos)")[0])

    def event_history(self, event_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, event_id, time, action, coder, before, after FROM event_history"
        args: tuple[Any, ...] = ()
        if event_id is not None:
            sql += " WHERE event_id = ?"
            args = (event_id,)
        out = []
        classes: dict[int, list[str]] | None = None  # the videos' models' classes, read where first needed
        for r in self._query(sql + " ORDER BY id", args):
            after = json.loads(r[6]) if r[6] else None
            ev = Event.from_dict(after) if r[3] == "create" and after else None
            if ev is not None and _rule_emotion(ev) and classes is None:
                classes = _run_classes(self._query(_ACTIVE_RUNS))
            if ev is not None and after and (emotion := _rule_emotion(ev, (classes or {}).get(ev.video_id, ()))):
                after["emotion"] = emotion  # the model's proposal as the current rule reads it (_by_current_rule)
            out.append({"id": r[0], "event_id": r[1], "time": r[2], "action": r[3], "coder": r[4],
                        "before": json.loads(r[5]) if r[5] else None, "after": after})
        return out


def is_model_proposal(ev: Event) -> bool:
    """Whether ``ev`` is an open proposal of the model (source "model", status "proposal"): the events a re-run of
    the analysis replaces (:meth:`EventTables.replace_proposals`), and the only ones. A coder's own event (source
    "manual" or "imported") is never replaced, even with status "proposal" (an events CSV row so, an older file's):
    a re-run deleted a coder's event set to "proposal" in the Event dialog."""
    return ev.source == "model" and ev.status == "proposal"


# the same rule in SQL, of one video (its id the one parameter)
_MODEL_PROPOSALS = "video_id = ? AND status = 'proposal' AND source = 'model'"


# what a proposal's note says where its emotion is the FACS rule's although a model ran (every frame under the model's
# gates: merstudio.analysis.proposals.describe_interval's reason, "model uncertain: " before it, gui/workers.py; older
# runs wrote "... the emotion is the FACS class of the AUs"); a model unsure of its class says "<class> p=0.06 < 0.40"
_FACS_NOTE = "FACS class"


# the videos' active runs, whose models' classes name an older proposal's FACS class (_rule_emotion)
_ACTIVE_RUNS = "SELECT video_id, columns, model FROM analyses WHERE active = 1"


def _run_classes(rows: Iterable[Sequence[Any]]) -> dict[int, list[str]]:
    """{video id: the classes of the model its active run used} of _ACTIVE_RUNS' rows (project.analyses.run_classes:
    an older run's p_class_i as its checkpoint's 'class i'); runs without a model's classes left out."""
    from merstudio.project.analyses import Analysis, run_classes

    out = {}
    for vid, cols, model in rows:
        run = Analysis(0, int(vid), "", tuple(json.loads(cols or "[]")), {}, "", str(model or ""), 0.0)
        if found := run_classes(run):
            out[int(vid)] = found
    return out


def _rule_emotion(ev: Event, classes: Sequence[str] = ()) -> str:
    """The emotion the FACS rule (merstudio.facs.objective_emotion) now gives an open model proposal stored with none,
    where its emotion is that rule's alone, a function of its AU string: a run without a checkpoint, or one whose model
    was not asked (see _FACS_NOTE); '' for any other event. Since 2026-12-07 AUs that fit no objective class (AU14
    alone) are class VII "others": a run before stored '' for them, and its AU values are the same (no new analysis
    revision), so nothing else would tell the coder. ``classes``: those of the model of the video's run, where it had
    one: the FACS class as one of them (analysis.proposals.model_class, as a proposal made today names it: 'negative'
    for anger in a megc2019 project, SAMM's 'other' for 'others'), '' where none is."""
    # a model's number: in model_confidence since schema 9, in confidence in a history record of before
    if (ev.emotion or ev.status != "proposal" or ev.source != "model" or ev.model_confidence is not None
            or ev.confidence is not None
            or not ev.aus or not (ev.note == "" or _FACS_NOTE in ev.note)):
        return ""
    try:
        facs = objective_emotion(au_numbers(ev.aus))
    except ValueError:  # an AU string an older file holds that the grammar refuses: left as stored
        return ""
    if not facs or not classes:
        return facs
    from merstudio.analysis.proposals import model_class

    return model_class(facs, classes)


def _by_current_rule(con: sqlite3.Connection, evs: list[Event]) -> list[Event]:
    """``evs`` (as stored) with the emotion of each open model proposal stored with none read by the current rule
    (:func:`_rule_emotion`), unless a coder has changed its emotion, AUs or note since the model made it (an update in
    its history that did: the coder cleared a suggested emotion, typed AUs): nothing is written, so a read-only
    project reads so too, and the events a coder reviewed (accepted, rejected) or edited keep what they hold. One
    history query, only where a proposal is read so."""
    if not any(e.id is not None and _rule_emotion(e) for e in evs):
        return evs
    classes = _run_classes(con.execute(_ACTIVE_RUNS).fetchall())
    ruled = {e.id: emotion for e in evs
             if e.id is not None and (emotion := _rule_emotion(e, classes.get(e.video_id, ())))}
    if not ruled:
        return evs
    ids = sorted(ruled)
    for k in range(0, len(ids), 500):  # under SQLite's limit of parameters
        part = ids[k:k + 500]
        for eid, before, after in con.execute(
                "SELECT event_id, before, after FROM event_history WHERE action = 'update' AND event_id IN "
                f"({', '.join('?' * len(part))})", part):
            was, now = json.loads(before or "{}"), json.loads(after or "{}")
            if any(was.get(f) != now.get(f) for f in ("emotion", "aus", "note")):  # a coder's edit (a face move: not)
                ruled.pop(eid, None)
    return [replace(e, emotion=ruled[e.id]) if e.id in ruled else e for e in evs]


def _stored_id(ev: Event) -> int:
    """The id of an event read from the database (always set there)."""
    if ev.id is None:
        raise RuntimeError(f"event read from the project has no id: {ev}")
    return ev.id


def _id_list(ids: Iterable[int]) -> str:
    """Video ids for a message, a long list cut short."""
    ids = sorted(ids)
    return "none" if not ids else ", ".join(map(str, ids[:10])) + (f" ... {ids[-1]}" if len(ids) > 10 else "")
