"""The project's settings (a key and a JSON value) and its coders, with the per-video settings (each key a prefix
and a video's id) that go with a video. Project has these methods through SettingTables."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping
from typing import Any

from merstudio.errors import InputError
from merstudio.pathnames import name_key
from merstudio.project.base import StoreBase


class SettingTables(StoreBase):
    def get_setting(self, key: str, default: Any = None) -> Any:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        with self._tx() as con:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))

    def delete_setting(self, key: str) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM settings WHERE key = ?", (key,))

    def set_settings(self, values: Mapping[str, Any]) -> None:
        """Several settings in one transaction (all written, or none)."""
        with self._tx() as con:
            for key, value in values.items():
                con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))

    def add_coder(self, name: str) -> None:
        """Record a coder by name (surrounding spaces dropped; one already there is kept as it is); InputError for an
        empty name. Events name their coder themselves: this is the list the app offers and the agreement knows."""
        name = name_key(name.strip())  # NFC, as events store their coder (Event.validated)
        if not name:
            raise InputError("coder: the name is empty")
        with self._tx() as con:
            con.execute("INSERT OR IGNORE INTO coders VALUES (?, ?)", (name, time.time()))

    def coders(self) -> list[str]:
        """The recorded coders in NFC, in the order recorded: a project from before h231 may hold one name in both
        forms (a Mac's decomposed "Zoë" and the typed one), listed once, where it was first recorded. Then, sorted,
        any coder whose events, behaviour events or `coded:` record are in the project unrecorded (events added
        through the Python API record none: `project show` said 'coders: none' above events by alice and bob);
        the model's proposals ('model') are no coder's."""
        with self._lock:
            recorded = [str(r[0]) for r in self._con.execute("SELECT name FROM coders ORDER BY created, name")]
            seen = set(coders_named(self._con))
        return _nfc_names([*recorded, *sorted(seen - set(_nfc_names(recorded)))])

    # A coder who coded a video and found nothing leaves no event there; an import of a file of theirs (even one
    # with no events) records them in the per-video setting ``coded:<video id>`` (a sorted list of names), so the
    # agreement report can count their silence as a judgement (merstudio.agreement).
    def coded_by(self, video_id: int) -> list[str]:
        """The coders recorded as having coded the video (see above), sorted."""
        return sorted(_nfc_names(str(c) for c in self.get_setting(coded_key(video_id)) or []))

    def coded(self) -> dict[int, list[str]]:
        """{video id: :meth:`coded_by`} of every video with a record."""
        return _coded(self._query("SELECT key, value FROM settings WHERE key LIKE 'coded:%'"))

    def mark_coded(self, video_id: int, coders: Iterable[str]) -> None:
        """Record that ``coders`` coded the video (kept with those recorded before)."""
        with self._tx() as con:
            self._mark_coded(con, {video_id: coders})

    @staticmethod
    def _mark_coded(con: sqlite3.Connection, coded: Mapping[int, Iterable[str]], keep: bool = True) -> None:
        """Add ``coded``'s coders to the videos' records (``keep=False``: take them off: an undone import)."""
        for vid, names in coded.items():
            change = {name_key(c.strip()) for c in names if c.strip()}  # NFC, as events name their coder
            if not change:
                continue
            key = coded_key(vid)
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            have = set(_nfc_names(json.loads(row[0]) or [])) if row else set()
            now = have | change if keep else have - change
            if now == have:
                continue
            if now:
                con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(sorted(now))))
            else:
                con.execute("DELETE FROM settings WHERE key = ?", (key,))


def coders_named(con: sqlite3.Connection) -> dict[str, set[str]]:
    """{coder (NFC): what names them ('events', 'behaviour events', 'coded marks')} of the coders the project's
    events (the model's proposals, source and coder 'model', are no coder's), behaviour events (schema 5 on) and
    coded marks name: those Project.coders lists though unrecorded, and those a merge's undo keeps recorded."""
    named: dict[str, set[str]] = {}

    def add(kind: str, names: Iterable[Any]) -> None:
        for c in names:
            named.setdefault(name_key(str(c)), set()).add(kind)

    add("events", (r[0] for r in con.execute(
        "SELECT DISTINCT coder FROM events WHERE coder != '' AND NOT (source = 'model' AND coder = 'model')")))
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'behaviour_events'").fetchone():  # schema 5 on
        add("behaviour events", (r[0] for r in con.execute(
            "SELECT DISTINCT coder FROM behaviour_events WHERE coder != ''")))
    coded = _coded(con.execute("SELECT key, value FROM settings WHERE key LIKE 'coded:%'").fetchall())
    add("coded marks", (c for cs in coded.values() for c in cs))
    return named


def _coded(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[str]]:
    """{video id: its coders, NFC, sorted} of the settings rows (key, value) of coded marks (coded_key)."""
    out: dict[int, list[str]] = {}
    for key, value in rows:
        try:
            vid = int(key.split(":", 1)[1])
        except ValueError:
            continue
        out[vid] = sorted(_nfc_names(str(c) for c in json.loads(value) or []))
    return out


def _nfc_names(names: Iterable[str]) -> list[str]:
    """The names in NFC (merstudio.pathnames.name_key), each once, in their first one's place."""
    return list(dict.fromkeys(name_key(n) for n in names))


def _put_settings(con: sqlite3.Connection, values: Mapping[str, Any]) -> None:
    """Write settings inside the caller's transaction; None removes the key (what undo restores to a setting that
    was not there)."""
    for key, value in values.items():
        if value is None:
            con.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))


# The project settings that belong to one video: each key is one of these prefixes followed by the video's id.
# Project.remove_video removes them all (a video added later may get the id). A new per-video setting's prefix goes
# here; tests/project/test_video_settings.py finds the per-video keys merstudio's sources build and checks that
# each is listed.
VIDEO_SETTING_PREFIXES = (
    "coded:",            # the coders recorded as having coded it (coded_key, below)
    "subject:",          # who is in it (merstudio.project.subjects.subject_key)
    "neutral.video.",    # its neutral baselines (merstudio.features.neutral.setting_key)
    "elan_media/",       # an imported .eaf's media offset and linked media (merstudio.interchange.elan_media_key)
    "analysis_turn/",    # the turn chosen for its analysis (merstudio.gui.analysis_control)
    "analysis_turned/",  # an automatic run's turn, kept by projects before 2026-12-03 (the same)
    "view_place/",       # its play head and timeline zoom as the coder left them (merstudio.gui.places.place_key)
    "face_names/",       # who each face is, as imported files named them (merstudio.interchange.face_names_key)
    "old_names/",        # its file names before it was found renamed or relinked (old_names_key, below)
    "rate_set/",         # a frame folder's rate set by a user (merstudio.project.videos.rate_set_key)
)


def video_setting_keys(video_id: int) -> list[str]:
    """The keys of every per-video setting (VIDEO_SETTING_PREFIXES) of a video."""
    return [f"{prefix}{int(video_id)}" for prefix in VIDEO_SETTING_PREFIXES]


def old_names_key(video_id: int) -> str:
    """The project setting that lists a video's earlier file names (Project.old_names)."""
    return f"old_names/{int(video_id)}"


def coded_key(video_id: int) -> str:
    """The project setting that lists the coders recorded as having coded a video (:meth:`Project.coded_by`)."""
    return f"coded:{int(video_id)}"
