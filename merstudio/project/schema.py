"""The project file's schema: the version, the tables each migration adds, and the check that an opened file has
them. ``MIGRATIONS[n]`` upgrades a version n-1 database to version n inside one transaction (merstudio.project.store
runs them); ``expected_schema(v)`` is what running them on an empty database gives, so the check cannot drift from
the migrations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import cache

APPLICATION_ID = 0x4D455253  # "MERS": tells our files apart from any other SQLite database
SCHEMA_VERSION = 9

# The day the next schema came (the repository's history): a file of schema n was written by merstudio of that day
# or earlier. Said when opening upgrades such a file, so that a coder knows which merstudio opens the copy kept of it.
WRITTEN_UNTIL = {1: "2026-11-25", 2: "2026-11-25", 3: "2026-12-01", 4: "2026-12-01", 5: "2026-12-01",
                 6: "2026-12-07", 7: "2026-12-07", 8: "2026-12-07"}

_SCHEMA_V1 = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE coders (name TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE videos (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, relpath TEXT, hash TEXT NOT NULL, size INTEGER NOT NULL,
    fps REAL NOT NULL, frame_count INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
    added REAL NOT NULL);
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    created REAL NOT NULL, status TEXT NOT NULL, columns TEXT NOT NULL, settings TEXT NOT NULL,
    device TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '');
CREATE TABLE frames (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    frame INTEGER NOT NULL, face_id INTEGER NOT NULL, timestamp REAL, confidence REAL, success INTEGER,
    vals BLOB NOT NULL, landmarks BLOB,
    PRIMARY KEY (analysis_id, frame, face_id)) WITHOUT ROWID;
CREATE TABLE events (
    id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    face_id INTEGER NOT NULL, onset INTEGER NOT NULL, apex INTEGER NOT NULL, offset INTEGER NOT NULL,
    emotion TEXT NOT NULL, aus TEXT NOT NULL, coder TEXT NOT NULL, confidence REAL, note TEXT NOT NULL,
    source TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL, modified REAL NOT NULL,
    CHECK (onset <= apex AND apex <= offset));
CREATE INDEX events_video ON events(video_id, onset);
CREATE TABLE event_history (
    id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, time REAL NOT NULL, action TEXT NOT NULL,
    coder TEXT NOT NULL, before TEXT, after TEXT);
CREATE INDEX event_history_event ON event_history(event_id);
"""


def _migrate_to_1(con: sqlite3.Connection) -> None:
    # executescript() would COMMIT behind our back; run the statements one by one inside the migration's transaction.
    for stmt in _SCHEMA_V1.split(";"):
        if stmt.strip():
            con.execute(stmt)


def _migrate_to_2(con: sqlite3.Connection) -> None:
    # v2: when an analysis ended (complete, cancelled or failed), shown in the GUI's video list.
    con.execute("ALTER TABLE analyses ADD COLUMN finished REAL")


def _migrate_to_3(con: sqlite3.Connection) -> None:
    # v3: named per-frame tables kept beside our analysis (an imported OpenFace CSV, a previous model's
    # predictions). One row per table: frame/face_id as int64 and the values as a float32 matrix, so saving or
    # loading a 100k-frame table is one statement, not 100k.
    con.execute("""CREATE TABLE overlays (
        id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        name TEXT NOT NULL, kind TEXT NOT NULL, created REAL NOT NULL, meta TEXT NOT NULL, columns TEXT NOT NULL,
        int_columns TEXT NOT NULL, n_rows INTEGER NOT NULL, keys BLOB NOT NULL, vals BLOB NOT NULL,
        UNIQUE (video_id, name))""")


def _migrate_to_4(con: sqlite3.Connection) -> None:
    # v4: who runs an analysis (JSON: pid, host, since), so that a writing open can tell a run that crashed
    # (status "running" for ever) from one still going; such runs become "interrupted", their frames kept.
    con.execute("ALTER TABLE analyses ADD COLUMN owner TEXT")


def _migrate_to_5(con: sqlite3.Connection) -> None:
    # v5: the project's own behaviours (ELAN tiers, a BORIS ethogram) beside the fixed emotion/AU fields: a name, a
    # key that codes it at the play head, a colour, point or state events; and their events. A state event being
    # coded has no offset yet (NULL), so a crash while it is open keeps its start. A behaviour with events cannot be
    # deleted (no cascade: nothing a coder did goes with it).
    con.execute("""CREATE TABLE behaviours (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, key TEXT NOT NULL DEFAULT '', colour TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('point', 'state')), position INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL)""")
    con.execute("""CREATE TABLE behaviour_events (
        id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        behaviour_id INTEGER NOT NULL REFERENCES behaviours(id), face_id INTEGER NOT NULL DEFAULT 0,
        onset INTEGER NOT NULL, offset INTEGER, coder TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL, modified REAL NOT NULL,
        CHECK (onset >= 0 AND (offset IS NULL OR onset <= offset)))""")
    con.execute("CREATE INDEX behaviour_events_video ON behaviour_events(video_id, onset)")


def _migrate_to_6(con: sqlite3.Connection) -> None:
    # v6: a re-run keeps the video's previous run, inactive, so that the re-run can be undone; every reader sees the
    # one active run of a video (at most one: the partial unique index). Older files hold one run per video (a run
    # replaced the previous one); should one hold more, the newest stays active, as the newest was what was read.
    con.execute("ALTER TABLE analyses ADD COLUMN active INTEGER NOT NULL DEFAULT 1")
    con.execute("UPDATE analyses SET active = 0 WHERE id < (SELECT MAX(b.id) FROM analyses b"
                " WHERE b.video_id = analyses.video_id)")
    con.execute("CREATE UNIQUE INDEX analyses_active ON analyses(video_id) WHERE active = 1")


def _migrate_to_7(con: sqlite3.Connection) -> None:
    # v7: the model that proposed an event (its checkpoint's name and SHA-256's start, as `project show` names the
    # run's), on the event itself: a re-run with another checkpoint keeps the old one's reviewed proposals, and the
    # run's row names only the new one. '' for events no checkpoint proposed: coded ones, the FACS rules', and
    # every event stored before (which model proposed them was not recorded).
    con.execute("ALTER TABLE events ADD COLUMN model TEXT NOT NULL DEFAULT ''")


def _migrate_to_8(con: sqlite3.Connection) -> None:
    # v8: the behaviour events' history (create, update, delete: the event as it was and became, its creation time
    # included), as events have theirs, so that merging two copies tells a behaviour event one copy deleted from one
    # the other added, and an edit in one copy from edits in both (merstudio.project.merge). Nothing is made up for
    # the events stored before: their edits and deletions until now are unknown (a merge takes the later edit).
    con.execute("""CREATE TABLE behaviour_event_history (
        id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, time REAL NOT NULL, action TEXT NOT NULL,
        coder TEXT NOT NULL, before TEXT, after TEXT)""")
    con.execute("CREATE INDEX behaviour_event_history_event ON behaviour_event_history(event_id)")


def _migrate_to_9(con: sqlite3.Connection) -> None:
    # v9: the model's probability of an event it proposed has a column of its own, so that `confidence` is the
    # coder's own rating alone: a model's event stored the model's number in `confidence`, and a coder who typed
    # their rating there in the Event dialog (labelled "Confidence (model)") had it exported as the model's. A model
    # event's number moves to model_confidence, unless its history shows a coder changed it (an update whose
    # confidence differs before and after): then the number is that coder's and stays, and the model's is the one
    # its creation recorded (none where no creation is recorded).
    con.execute("ALTER TABLE events ADD COLUMN model_confidence REAL")
    edited: set[int] = set()
    created: dict[int, float | None] = {}
    for eid, action, before, after in con.execute(
            "SELECT event_id, action, before, after FROM event_history WHERE event_id IN"
            " (SELECT id FROM events WHERE source = 'model' AND confidence IS NOT NULL) ORDER BY id"):
        was, now = json.loads(before or "{}"), json.loads(after or "{}")
        if action == "create" and eid not in created and now.get("source") == "model":
            created[eid] = now.get("confidence")
        elif action == "update" and was.get("confidence") != now.get("confidence"):
            edited.add(eid)
    ids = [int(r[0]) for r in con.execute("SELECT id FROM events WHERE source = 'model' AND confidence IS NOT NULL")]
    con.executemany("UPDATE events SET model_confidence = ? WHERE id = ?",
                    [(created.get(eid), eid) for eid in ids if eid in edited])
    con.executemany("UPDATE events SET model_confidence = confidence, confidence = NULL WHERE id = ?",
                    [(eid,) for eid in ids if eid not in edited])


# MIGRATIONS[n] upgrades a version n-1 database to version n, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
    3: _migrate_to_3,
    4: _migrate_to_4,
    5: _migrate_to_5,
    6: _migrate_to_6,
    7: _migrate_to_7,
    8: _migrate_to_8,
    9: _migrate_to_9,
}


@cache
def expected_schema(version: int) -> dict[str, frozenset[str]]:
    """{table: columns} of a project at schema ``version``, from running the migrations on an empty database."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        if version > 0:
            con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied REAL)")
        for v in range(1, version + 1):
            MIGRATIONS[v](con)
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: frozenset(r[1] for r in con.execute(f'PRAGMA table_info("{n}")')) for n in names}
    finally:
        con.close()


def schema_problem(con: sqlite3.Connection, version: int) -> str:
    """What a file at schema ``version`` lacks (a table, a column), in a few words; '' when nothing."""
    expected = expected_schema(version)
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(set(expected) - have)
    if missing:
        return f"table {', '.join(missing)} missing" if len(missing) < 2 else f"tables {', '.join(missing)} missing"
    for table, cols in sorted(expected.items()):
        got = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
        lacking = sorted(cols - got)
        if lacking:
            return f"table {table} lacks column {', '.join(lacking)}"
    return ""
