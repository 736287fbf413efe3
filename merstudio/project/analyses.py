"""A video's analysis runs and their per-frame results (values, landmarks), and the edits of its face tracks
(merge, split, undo) with the boxes round each face. Project has these methods through AnalysisTables."""

from __future__ import annotations

import base64
import binascii
import json
import os
import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from merstudio.errors import InputError
from merstudio.face.landmarks import (
    LANDMARK_X,
    LANDMARK_Y,
    OLD_LANDMARK_X,
    OLD_LANDMARK_Y,
    is_landmark_column,
)
from merstudio.locks import pid_alive
from merstudio.pathnames import file_name
from merstudio.project.base import StoreBase, inserted_id
from merstudio.project.behaviours import move_behaviour_event
from merstudio.project.events import Event
from merstudio.project.settings import _put_settings

if TYPE_CHECKING:  # imported where used: `merstudio project show` needs neither pandas nor OpenCV (merstudio.io, face)
    import pandas as pd

    from merstudio.face.boxes import Box
    from merstudio.io import Timebase
    from merstudio.project.store import Project

BASE_COLUMNS = ("frame", "face_id", "timestamp", "confidence", "success")
# a run's settings key, written when it finishes: n where it stored frames 0..n-1, every row's timestamp frame / fps
# (a constant-rate video's, which is most): its frame times are then known without reading its rows
NOMINAL_TIMES = "nominal_times"
# a run's settings key: the checkpoint it used (model.checkpoint_meta.checkpoint_identity: name, SHA-256, the
# merstudio that made it), besides the path in ``model``; runs stored before 2026-12-07 have only the path
MODEL_IDENTITY = "model_identity"
# a run's settings key: the classes of the model it used, in its p_<class> columns' order, as the checkpoint spells
# them (run_classes reads them: its columns' names alone may not say them, the checkpoint may be moved); runs stored
# before 2026-12-07 record none
MODEL_CLASSES = "model_classes"
# a run's settings key, written when a re-run finishes (finish_analysis' ``event_faces``): the events and behaviour
# events it gave the face that is, in its tracks, the person they were coded on, {"from_run": the run it re-did,
# "moves": [[kind ("event" | "behaviour"), id, face before, face after], ...], "lost": [[kind, id, face, [[frame, x0,
# y0, x1, y1], ...]], ...]} (those whose person it did not analyse, with that person's boxes: a later re-run finds
# them by those); making that run active again (undoing the re-run) moves them back, making this one active again
# (redo) moves them once more. The person's other data follows by the same rule: "moves" also lists ["neutral", face,
# before, after] (a neutral baseline, matched on its frames: project.neutral) and ["face", face, before, after] (a
# face's rows in the model overlays, matched on its track), applied as "neutral": [the baselines before, after] and
# "overlays": [[name, its face column before, after (packed_faces)], ...], which undo and redo put back where
# nothing changed them since. "coded_during": [[kind, id, the face of its person in the run re-done, its face], ...]:
# the events and behaviour events coded, or given their face, while the re-run went (on its faces: not moved at its
# end), which undo moves to the first face and redo back to the second, as it does "moves"; the neutral baselines set
# while it went go likewise, in the "neutral" it notes (the baselines undo puts back hold them on their person's face)
EVENT_FACES = "event_faces"
# a run's settings key, written when it begins (kept in the row, not among ``settings``): the video's neutral
# baselines then, numbered as the run it re-does; one set while it runs is on its faces already, not moved at its end
NEUTRAL_AT_START = "neutral_at_start"
# a run's settings key, written when it begins in the transaction that makes it active (kept in the row, not among
# ``settings``): the face of each of the video's events (open proposals too) and behaviour events then, [[kind, id,
# face], ...] (project.faces.faces_at_start): one on another face at its end was coded, or given it, while it went
FACES_AT_START = "faces_at_start"


@dataclass(frozen=True)
class Analysis:
    id: int
    video_id: int
    status: str  # running | complete | cancelled | failed | interrupted (its process died; frames so far kept)
    columns: tuple[str, ...]
    settings: dict[str, Any]
    device: str
    model: str
    created: float
    owner: dict[str, Any] | None = None  # {"pid", "host", "since"} of the process that ran it (None before v4)
    active: bool = True  # the run readers see; False: the previous run a re-run kept (see Project.begin_analysis)
    # n: it stored frames 0..n-1, each at frame / fps, as noted when it finished (NOMINAL_TIMES; kept in the row's
    # settings, not among ``settings``, which are the run's own)
    nominal_times: int | None = None


def older_rules_note(name: str, analysis: Analysis | None) -> str:
    """"" unless ``analysis`` was made by an earlier revision of the analysis rules
    (merstudio.analysis.revision.ANALYSIS_REVISION); then one line, in the words of the app's status bar on opening
    such a video, for `project show` and the CLI's per-frame exports: its AU values are an earlier merstudio's, and
    Run analysis makes them again."""
    from merstudio.analysis.revision import ANALYSIS_REVISION, analysis_revision

    rev = None if analysis is None else analysis_revision(analysis.settings)
    if rev is None or rev >= ANALYSIS_REVISION:
        return ""
    return (f"{name}: stored analysis made by an earlier merstudio (analysis revision {rev}, this version's "
            f"{ANALYSIS_REVISION}); its AU values may differ from what this version computes: Analysis > Run "
            "analysis (Ctrl+R) makes it again")


def model_identity(analysis: Analysis | None) -> dict[str, str]:
    """The checkpoint a run used ({} where it used none): its stored identity, else (an older run) its path's name."""
    if analysis is None or not analysis.model:
        return {}
    found = analysis.settings.get(MODEL_IDENTITY)
    if isinstance(found, dict) and found.get("name"):
        return {str(k): str(v) for k, v in found.items()}
    return {"name": file_name(analysis.model)}  # a path written on Windows too


def run_classes(analysis: Analysis | None) -> list[str]:
    """The classes of the model a run used ('none' too), in its columns' order, spelt as the checkpoint spells them:
    its p_<class> columns' names (model.columns.class_name), read by the class names the run recorded
    (MODEL_CLASSES). A run stored before 2026-12-07 wrote p_class_i for 'class i' and records no class names: where
    such a column is found (a '_' in its tail) the names come from the checkpoint still at the run's ``model`` path
    (its metadata, read without torch), a column mapped to the class it compares equal to by class_key; without that
    file, the columns' tails. [] for a run without a model's classes."""
    from merstudio.model.columns import class_name

    cols = [c for c in (analysis.columns if analysis is not None else ()) if c.startswith("p_")]
    stored = analysis.settings.get(MODEL_CLASSES) if analysis is not None else None
    known: list[str] = [str(n) for n in stored] if isinstance(stored, list) else []
    if not known and analysis is not None and analysis.model and any("_" in c[2:] for c in cols):
        from merstudio.model.checkpoint_meta import peek_checkpoint_meta

        meta = peek_checkpoint_meta(analysis.model) or {}  # None for a file gone, moved or not a checkpoint
        known = [str(n) for n in meta.get("class_names") or ()]
    return [class_name(c, known) for c in cols]


def model_text(analysis: Analysis | None, short: bool = False) -> str:
    """Which model made a run's class curves and proposals, in words (model.checkpoint_meta.identity_text):
    "starter.pt (SHA-256 …, merstudio 0.1.0, created …)"; "" where it used none (the FACS rules' emotions)."""
    from merstudio.model.checkpoint_meta import identity_text

    found = model_identity(analysis)
    if found and "sha256" not in found and not short and analysis is not None \
            and MODEL_IDENTITY not in analysis.settings:
        return f"{analysis.model} (stored by an earlier merstudio: no SHA-256 recorded)"
    return identity_text(found, short=short)


@dataclass(frozen=True)
class FaceChange:
    """One edit of a video's face tracks (:meth:`Project.merge_faces`, :meth:`Project.split_face`): face ``source``
    became ``target`` in ``frames``; what moved with it, so that :meth:`Project.undo_face_change` puts it back."""

    video_id: int
    analysis_id: int
    source: int  # a merge: the face merged away; a split: the face split
    target: int  # a merge: the face kept; a split: the new face
    frames: tuple[int, ...]  # the frames that moved
    events: tuple[int, ...]  # coded events and proposals that moved
    behaviour_events: tuple[int, ...]
    overlay_keys: dict[str, bytes]  # "model" overlays (our own runs' predictions) with rows that moved: their keys
    settings_before: dict[str, Any]  # project settings written with the edit (neutral baselines), as they were
    run_settings_before: dict[str, Any]  # the run's settings (its face edits, its faces' portraits), as they were
    op: str = "merge"  # "merge" | "split"


class AnalysisTables(StoreBase):
    def begin_analysis(self, video_id: int, settings: Mapping[str, Any] | None = None, device: str = "",
                       model: str = "") -> int:
        """Start a new result set for a video and make it the video's active run (the one every reader sees).
        Returns the analysis id. The row records its owner (this process: pid, host, start time) so that after a
        crash the next writer marks it ``interrupted`` instead of ``running`` for ever. The calling thread is the
        one that stores its rows, until :meth:`finish_analysis`: the one thread that may edit its faces meanwhile
        (:meth:`merge_faces`).

        One previous run per video is kept, inactive, so that a re-run can be undone (:meth:`previous_analysis`,
        :meth:`set_active_analysis`); any other run of the video is deleted with its frames and landmarks, so a
        video holds two runs at most. The run kept is the one active until now, unless it never completed
        (running, interrupted, failed or cancelled) while the run kept before it did: then the incomplete one is
        replaced as before this version and the complete one stays. When neither completed, the newer is kept
        (it is the data there is). All of it, with the insert, in one transaction."""
        from merstudio.project.neutral import neutral_key  # here: it imports this module (through faces)

        now = time.time()
        owner = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": now})
        with self._tx() as con:
            neutral = con.execute("SELECT value FROM settings WHERE key = ?", (neutral_key(video_id),)).fetchone()
            noted = {**dict(settings or {}), **({NEUTRAL_AT_START: json.loads(neutral[0])} if neutral else {})}
            noted[FACES_AT_START] = [["event", int(i), int(f)] for i, f in con.execute(
                "SELECT id, face_id FROM events WHERE video_id = ? ORDER BY id", (video_id,))] + \
                [["behaviour", int(i), int(f)] for i, f in con.execute(
                    "SELECT id, face_id FROM behaviour_events WHERE video_id = ? ORDER BY id", (video_id,))]
            runs = con.execute("SELECT id, status, active FROM analyses WHERE video_id = ? ORDER BY id",
                               (video_id,)).fetchall()
            current = next((r for r in runs if r[2]), None)
            older = next((r for r in reversed(runs) if not r[2]), None)
            keep = current
            if current is None or (current[1] != "complete" and older is not None and older[1] == "complete"):
                keep = older
            con.executemany("DELETE FROM analyses WHERE id = ?",  # frames go with them (ON DELETE CASCADE)
                            [(r[0],) for r in runs if keep is None or r[0] != keep[0]])
            con.execute("UPDATE analyses SET active = 0 WHERE video_id = ?", (video_id,))
            cur = con.execute(
                "INSERT INTO analyses (video_id, created, status, columns, settings, device, model, owner, active)"
                " VALUES (?,?,?,?,?,?,?,?,1)",
                (video_id, now, "running", "[]", json.dumps(noted, default=str),
                 device, model, owner))
            aid = inserted_id(cur)
        self._storing[aid] = threading.get_ident()
        return aid

    def append_frames(self, analysis_id: int, rows: Sequence[Mapping[str, Any]],
                      landmark_subset: Sequence[int] | None = None) -> None:
        """Append one batch of per-frame rows (OpenFace-style dicts) in one transaction. Value columns are stored
        generically; a column first seen in a later batch is appended to the column list. Landmark columns
        (mp_x_0.., mp_y_0..; x_0.., y_0.. as written before) are packed separately as float32, all of them or only the mesh indices in
        ``landmark_subset`` (in that order)."""
        if not rows:
            return
        with self._tx() as con:
            stored, status = con.execute("SELECT columns, status FROM analyses WHERE id = ?",
                                         (analysis_id,)).fetchone()
            cols = json.loads(stored)
            known = set(cols)
            for k in rows[0]:
                if k not in known and k not in BASE_COLUMNS and not _is_landmark(k):
                    cols.append(k)
                    known.add(k)
            for r in rows[1:]:
                for k in r:
                    if k not in known and k not in BASE_COLUMNS and not _is_landmark(k):
                        cols.append(k)
                        known.add(k)
            con.execute("UPDATE analyses SET columns = ? WHERE id = ?", (json.dumps(cols), analysis_id))
            data = []
            for r in rows:
                vals = np.array([_num(r.get(c)) for c in cols], dtype=np.float32).tobytes()
                lm = None
                # mp_x_K / mp_y_K, or x_K / y_K in rows of a table written before (face.landmarks.LANDMARK_X)
                px, py = ((LANDMARK_X, LANDMARK_Y) if LANDMARK_X + "0" in r
                          else (OLD_LANDMARK_X, OLD_LANDMARK_Y) if OLD_LANDMARK_X + "0" in r else (None, None))
                if px is not None:
                    idx = landmark_subset if landmark_subset is not None else range(
                        sum(1 for k in r if k.startswith(px) and k[len(px):].isdigit()))
                    xy = np.array([[_num(r.get(f"{px}{i}")), _num(r.get(f"{py}{i}"))] for i in idx],
                                  dtype=np.float32)
                    lm = xy.tobytes()
                data.append((analysis_id, int(r["frame"]), int(r.get("face_id", 0)), _num(r.get("timestamp")),
                             _num(r.get("confidence")), int(_num(r.get("success"), 0)), vals, lm))
            con.executemany("INSERT OR REPLACE INTO frames VALUES (?,?,?,?,?,?,?,?)", data)
            if status != "running":  # rows stored after the run finished void what it noted about its times
                row = con.execute("SELECT settings FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
                noted = json.loads(row[0] or "{}")
                if noted.pop(NOMINAL_TIMES, None) is not None:
                    con.execute("UPDATE analyses SET settings = ? WHERE id = ?", (json.dumps(noted), analysis_id))

    def finish_analysis(self, analysis_id: int, status: str = "complete", found: Mapping[str, Any] | None = None,
                        proposals: Iterable[Event] | None = None,
                        event_faces: Mapping[str, Any] | None = None) -> tuple[list[Event], list[Event]] | None:
        """Mark a run finished. ``found``: what the run itself decided (e.g. ``{"turned": 180}``, the turn an
        automatic run chose), merged into its settings so that it travels with the run: undoing a re-run brings
        back the previous run's. ``proposals``: the run's spots, which replace the video's open proposals in the
        same transaction (returned as :meth:`swap_proposals` returns them): a kill leaves the run running and the
        proposals as they were, so the writer's next open gives back the complete run it was re-doing with its own
        proposals (in two transactions the dead run's could come back with it). ``event_faces``: a re-run's
        ``{"moves": [(kind, id, face before, face after), ...], "lost": ...}`` for the events ("event") and behaviour
        events ("behaviour") whose person has another face id in its tracks (``EventFaces.record`` of
        :func:`merstudio.project.faces.same_person_faces`), moved in the same transaction (one still on its face
        before) and recorded (``EVENT_FACES``, which
        :meth:`set_active_analysis` undoes and redoes), unless the run did not complete while the run it re-did
        did: that one is made active again (:meth:`restore_complete_run`) and the events stay as they are."""
        try:
            follow = self._person_faces(analysis_id) if event_faces is not None else None
            if event_faces is not None and (during := self._coded_during(analysis_id, event_faces)):
                follow = {**(follow or {}), **during}  # both of the run before it (previous_analysis)
            return self._finish(analysis_id, status, found, proposals, event_faces, follow)
        finally:  # its thread is done with it, whatever happened (a run it could not mark is nobody's to wait for)
            self._storing.pop(analysis_id, None)

    def _finish(self, analysis_id: int, status: str, found: Mapping[str, Any] | None,
                proposals: Iterable[Event] | None, event_faces: Mapping[str, Any] | None = None,
                follow: Mapping[str, Any] | None = None) -> tuple[list[Event], list[Event]] | None:
        with self._tx() as con:
            if event_faces is not None:
                self._finish_event_faces(con, analysis_id, status, event_faces, follow)
            swapped = None
            if proposals is not None:
                row = con.execute(f"SELECT {self._ANALYSIS_COLS} FROM analyses WHERE id = ?",
                                  (analysis_id,)).fetchone()
                if row is None:
                    raise InputError(f"analysis run {analysis_id} is no longer stored; its proposals were not saved")
                run = self._analysis_row(row)
                # each proposal names the checkpoint that made it: a later re-run with another keeps the reviewed
                # ones, and the run's row then names only the new checkpoint
                made_by = model_text(run, short=True)
                evs = self._checked_proposals(run.video_id, proposals)
                if made_by:
                    evs = [e if e.model else replace(e, model=made_by).validated() for e in evs]
                swapped = self._swap_proposals(con, run.video_id, evs)
            noted = dict(found or {})
            if (n := self._nominal_frames(con, analysis_id)) is not None:
                noted[NOMINAL_TIMES] = n
            if noted:
                self._note_run(con, analysis_id, noted)
            con.execute("UPDATE analyses SET status = ?, finished = ? WHERE id = ?",
                        (status, time.time(), analysis_id))
            return swapped

    def _finish_event_faces(self, con: sqlite3.Connection, analysis_id: int, status: str,
                            record: Mapping[str, Any], follow: Mapping[str, Any] | None = None) -> None:
        """finish_analysis' ``event_faces``, inside its transaction; ``follow``: :meth:`_person_faces`' moves of the
        neutral frames and overlay rows, made with the events'."""
        row = con.execute("SELECT video_id FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        if row is None:
            return
        video_id = int(row[0])
        prev = con.execute("SELECT id, status FROM analyses WHERE video_id = ? AND id != ? AND active = 0"
                           " ORDER BY id DESC LIMIT 1", (video_id, analysis_id)).fetchone()
        if prev is None or (status != "complete" and prev[1] == "complete"):
            return  # a first run; or one the app sets aside, the complete run and its faces coming back
        done = self._move_event_faces(con, video_id, record.get("moves") or [])
        noted: dict[str, Any] = {"from_run": int(prev[0]), "moves": done, "lost": list(record.get("lost") or [])}
        if follow is not None and follow.get("from_run") == int(prev[0]):
            noted["moves"] += self._move_person_data(con, video_id, follow, noted)
            noted["lost"] += list(follow.get("lost") or [])
            if during := _listed(follow.get("coded_during")):
                noted["coded_during"] = during
        self._note_run(con, analysis_id, {EVENT_FACES: noted})

    def _person_faces(self, analysis_id: int) -> dict[str, Any] | None:
        """For a re-run (``analysis_id``, the active run) ending: the face of it that is, in the run it re-did, the
        person of each neutral baseline (on its frames) and of each face the model overlays hold rows of (on its
        track), by the events' rule (:func:`merstudio.project.faces.same_person_faces`): {"from_run", "moves":
        [[kind, id, before, after], ...], "lost": the baselines whose person it did not analyse (stay, with that
        person's boxes)}; None for a first run. Read before the run's end is written, as the events' faces are."""
        # here: faces and neutral import this module
        from merstudio.project.faces import Coded, same_person_faces
        from merstudio.project.neutral import neutral_items, neutral_key

        row = self._query("SELECT video_id, (SELECT MAX(frame) FROM frames WHERE analysis_id = analyses.id), settings"
                          " FROM analyses WHERE id = ?", (analysis_id,))
        if not row:
            return None
        video_id, last = int(row[0][0]), row[0][1]
        prev = self.previous_analysis(video_id)
        if prev is None or prev.id == analysis_id or last is None:
            return None
        stored = self._query("SELECT value FROM settings WHERE key = ?", (neutral_key(video_id),))
        at_start = json.loads(row[0][2] or "{}").get(NEUTRAL_AT_START)
        items = neutral_items(json.loads(stored[0][0]) if stored else None, last, at_start)
        if self._query("SELECT 1 FROM overlays WHERE video_id = ? AND kind = 'model' LIMIT 1", (video_id,)):
            items += [Coded("face", int(f), int(lo), min(int(hi), int(last)), int(f)) for f, lo, hi in self._query(
                "SELECT face_id, MIN(frame), MAX(frame) FROM frames WHERE analysis_id = ? AND face_id >= 0"
                " GROUP BY face_id", (prev.id,)) if lo <= last]
        if not items:
            return None
        found = same_person_faces(cast("Project", self), video_id, prev.id, analysis_id, coded=items)
        # a lost face's overlay rows stay; only a baseline keeps its person's boxes, as a lost event does (a later
        # re-run finds them by those: the id it is left on names nobody by then)
        record = found.record()
        return {"from_run": prev.id, "moves": record["moves"],
                "lost": [x for x in record["lost"] if x[0] == "neutral"],
                "aside": sorted(c.face for c in found.lost if c.kind == "face")}

    def _coded_during(self, analysis_id: int, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """For a re-run (``analysis_id``, the active run) ending: what was coded, or given its face, while it went,
        on its faces already (not moved at its end), each with the face of its person in the run it re-did (the
        events' rule the other way round), which undoing the re-run moves it to, and redo back: {"from_run",
        "coded_during": [[kind, id, that face, its face], ...] of the events and behaviour events (their face not the
        one it noted as it began, FACES_AT_START; none of ``record``'s, which its end moves or leaves),
        "neutral_during": the same of the neutral baselines set while it went (not as NEUTRAL_AT_START had them)};
        None for a first run, a run that noted no faces as it began, or none whose person it finds on another face."""
        # here: faces and neutral import this module
        from merstudio.project.faces import coded_on_faces, numbered_before, same_person_faces
        from merstudio.project.neutral import neutral_items, neutral_key

        row = self._query("SELECT video_id, (SELECT MAX(frame) FROM frames WHERE analysis_id = analyses.id), settings"
                          " FROM analyses WHERE id = ?", (analysis_id,))
        if not row:
            return None
        video_id, last = int(row[0][0]), row[0][1]
        noted = json.loads(row[0][2] or "{}")
        at_start = _noted_faces(noted.get(FACES_AT_START))
        prev = self.previous_analysis(video_id)
        if at_start is None or prev is None or prev.id == analysis_id or last is None:
            return None
        told = {(str(m[0]), int(m[1])) for m in [*(record.get("moves") or []), *(record.get("lost") or [])]
                if isinstance(m, (list, tuple)) and len(m) >= 2}
        coded = [c for c in coded_on_faces(cast("Project", self), video_id)
                 if not numbered_before(at_start, c) and (c.kind, c.id) not in told]
        stored = self._query("SELECT value FROM settings WHERE key = ?", (neutral_key(video_id),))
        coded += neutral_items(json.loads(stored[0][0]) if stored else None, int(last), noted.get(NEUTRAL_AT_START),
                               during=True)
        if not coded:
            return None
        found = same_person_faces(cast("Project", self), video_id, analysis_id, prev.id, last=int(last), coded=coded)
        during = [[c.kind, c.id, int(face), c.face] for c, face in found.moved]
        if not during:
            return None
        return {"from_run": prev.id, "coded_during": [m for m in during if m[0] != "neutral"],
                "neutral_during": [m for m in during if m[0] == "neutral"]}

    def faces_noted_at_start(self, video_id: int) -> dict[tuple[str, int], int] | None:
        """The faces the video's active run noted as it began (FACES_AT_START) by (kind, id); None when it noted
        none (begun before this version) or there is no run."""
        row = self._query("SELECT settings FROM analyses WHERE video_id = ? AND active = 1", (video_id,))
        return _noted_faces(json.loads(row[0][0] or "{}").get(FACES_AT_START)) if row else None

    def neutral_faces_back(self, video_id: int, left_run: int | None) -> list[list[Any]]:
        """A re-run (``left_run``, the active run, not complete) to be set aside for the complete run it re-did
        (:meth:`restore_complete_run`): the neutral baselines set while it went, on its faces, each as a move
        ["neutral", face, face, the face of its person in the run coming back] (the events' rule, on their frames)
        for restore_complete_run's ``event_faces``; [] when none, or it is no such run."""
        # here: faces and neutral import this module
        from merstudio.project.faces import same_person_faces
        from merstudio.project.neutral import neutral_items, neutral_key

        cur, prev = self.analysis(video_id), self.previous_analysis(video_id)
        if cur is None or cur.id != left_run or cur.status == "complete" or prev is None or prev.status != "complete":
            return []
        row = self._query("SELECT settings FROM analyses WHERE id = ?", (left_run,))
        stored = self._query("SELECT value FROM settings WHERE key = ?", (neutral_key(video_id),))
        items = neutral_items(json.loads(stored[0][0]) if stored else None,
                              at_start=json.loads(row[0][0] or "{}").get(NEUTRAL_AT_START), during=True)
        if not items:
            return []
        found = same_person_faces(cast("Project", self), video_id, left_run, prev.id, coded=items)
        return [list(m) for m in found.moves()]

    def _move_person_data(self, con: sqlite3.Connection, video_id: int, follow: Mapping[str, Any],
                          noted: dict[str, Any]) -> list[list[Any]]:
        """Make :meth:`_person_faces`' moves (all at once: two people swapped swap their data), noting in ``noted``
        what undo and redo put back ("neutral", "overlays"). Returns the moves made."""
        from merstudio.project.neutral import moved_baselines, neutral_key

        moves = [m for m in follow.get("moves") or [] if isinstance(m, (list, tuple)) and len(m) == 4]
        done: list[list[Any]] = []
        key = neutral_key(video_id)
        row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        stored = json.loads(row[0]) if row else []
        lost = {int(x[2]) for x in follow.get("lost") or []}
        new, made = moved_baselines(stored, [m for m in moves if m[0] == "neutral"], lost)
        # those set while it went are on its faces (not moved): an undo puts each on its person's face in the run it
        # re-did, in place of the one there (the coder's latest word), and redo back
        during = _listed(follow.get("neutral_during"))
        undone = moved_baselines(stored, [[m[0], m[1], m[3], m[2]] for m in during],
                                 {int(m[2]) for m in during})[0] if during else stored
        if new != stored:  # a dropped one too: on its number it would be another person's
            _put_settings(con, {key: new})
            done += made
        if new != stored or undone != stored:
            noted["neutral"] = [undone, new]
        faces = {int(m[2]): int(m[3]) for m in moves if m[0] == "face"}
        changed: list[list[Any]] = []
        fresh: dict[int, int] = {}
        # the numbers the re-run gives (someone's lane), and its faces a move takes
        taken = set(faces.values()) | {int(f) for (f,) in con.execute(
            "SELECT DISTINCT face_id FROM frames WHERE analysis_id = (SELECT id FROM analyses WHERE video_id = ? AND"
            " active = 1) AND face_id >= 0", (video_id,))} if faces else set()
        for name, n_rows, blob in con.execute("SELECT name, n_rows, keys FROM overlays WHERE video_id = ?"
                                              " AND kind = 'model'", (video_id,)).fetchall() if faces else []:
            keys = np.frombuffer(blob, dtype=np.int64).reshape(int(n_rows), 2)
            moved = keys.copy()
            for source, target in faces.items():
                moved[keys[:, 1] == source, 1] = target
            # a face whose person the re-run did not analyse, on a number it gives another person: its rows go to a
            # number nobody has (that person's lane would show them as theirs), back on undo
            for face in follow.get("aside") or []:
                if face in taken and face not in faces and (keys[:, 1] == face).any():
                    if face not in fresh:
                        fresh[face] = max([*taken, *fresh.values(), int(keys[:, 1].max(initial=0))]) + 1
                    moved[keys[:, 1] == face, 1] = fresh[face]
            if (moved[:, 1] != keys[:, 1]).any():
                con.execute("UPDATE overlays SET keys = ? WHERE video_id = ? AND name = ?",
                            (moved.tobytes(), video_id, name))
                changed.append([name, packed_faces(keys[:, 1]), packed_faces(moved[:, 1])])
        if changed:
            noted["overlays"] = changed
            done += [["face", f, f, t] for f, t in sorted({**faces, **fresh}.items())]
        return done

    def _switch_person_data(self, con: sqlite3.Connection, video_id: int, noted: Mapping[str, Any],
                            back: bool) -> None:
        """Undo (``back``) or redo of :meth:`_move_person_data` as ``noted`` (EVENT_FACES) records it: each baseline
        and overlay as the move left it goes back (or again); one changed since is left as it is."""
        from merstudio.project.neutral import neutral_key, switched_baselines

        pair = noted.get("neutral")
        if isinstance(pair, list) and len(pair) == 2:
            leaving, coming = (pair[1], pair[0]) if back else (pair[0], pair[1])
            key = neutral_key(video_id)
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            stored = json.loads(row[0]) if row else []
            new = switched_baselines(stored, leaving, coming)
            if new != stored:
                _put_settings(con, {key: new})
        for entry in noted.get("overlays") or []:
            try:
                name, before, after = entry
                leaving, coming = (unpacked_faces(after), unpacked_faces(before)) if back else \
                    (unpacked_faces(before), unpacked_faces(after))
            except (TypeError, ValueError, zlib.error, binascii.Error):
                continue  # damaged: the overlay stays as it is
            row = con.execute("SELECT n_rows, keys FROM overlays WHERE video_id = ? AND name = ?",
                              (video_id, str(name))).fetchone()
            if row is None or int(row[0]) != len(leaving) or len(coming) != len(leaving):
                continue  # removed or saved again since
            keys = np.frombuffer(row[1], dtype=np.int64).reshape(int(row[0]), 2).copy()
            if np.array_equal(keys[:, 1], leaving):
                keys[:, 1] = coming
                con.execute("UPDATE overlays SET keys = ? WHERE video_id = ? AND name = ?",
                            (keys.tobytes(), video_id, str(name)))

    def _move_event_faces(self, con: sqlite3.Connection, video_id: int, moves: Sequence[Sequence[Any]],
                          back: bool = False, neutral: bool = True) -> list[list[Any]]:
        """Move each (kind, id, face before, face after) of ``moves`` (``back``: after to before) where the event is
        still on the face it leaves; logged in the event history as a face merge's moves are. Returns those moved.
        ``neutral``: the neutral baselines among them too (:meth:`neutral_faces_back`'s), all at once, each in place
        of one on the face it goes to (the coder's latest word for that person); a re-run's undo and redo put its
        own back from what it noted instead (:meth:`_switch_person_data`)."""
        now = time.time()
        done: list[list[Any]] = []
        if neutral and (people := [[m[0], m[1], m[3], m[2]] if back else list(m) for m in moves
                                   if m[0] == "neutral"]):
            from merstudio.project.neutral import moved_baselines, neutral_key

            key = neutral_key(video_id)
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            stored = json.loads(row[0]) if row else []
            new, done = moved_baselines(stored, people, {int(m[3]) for m in people})
            if new != stored:
                _put_settings(con, {key: new})
        for kind, ident, before, after in moves:
            source, target = (int(after), int(before)) if back else (int(before), int(after))
            if kind == "event":
                ev = self._get_event(con, int(ident))
                if ev is None or ev.video_id != video_id or ev.face_id != source:
                    continue  # deleted or given another face since: the coder's word stands
                con.execute("UPDATE events SET face_id = ?, modified = ? WHERE id = ?", (target, now, ev.id))
                self._log(con, int(ident), "update", ev, replace(ev, face_id=target))
            elif kind != "behaviour" or not move_behaviour_event(con, int(ident), target, now, self.coder, video_id,
                                                                 source):
                continue  # a neutral baseline or overlay face: _move_person_data's
            done.append([str(kind), int(ident), int(before), int(after)])
        return done

    def _switch_event_faces(self, con: sqlite3.Connection, video_id: int, leaving: int, coming: int) -> None:
        """The video's active run goes from ``leaving`` to ``coming``: the event faces a re-run moved
        (``EVENT_FACES``) go back when the run it re-did comes back (undo), and move again when it comes back
        itself (redo)."""
        noted = {int(i): json.loads(text or "{}").get(EVENT_FACES) for i, text in con.execute(
            "SELECT id, settings FROM analyses WHERE id IN (?, ?)", (leaving, coming))}
        gone, back = noted.get(leaving), noted.get(coming)
        # "coded_during": on the re-run's faces already (its end moved none): undo moves them as it does "moves"
        if isinstance(gone, dict) and gone.get("from_run") == coming:
            self._move_event_faces(con, video_id, [*(gone.get("moves") or []), *_listed(gone.get("coded_during"))],
                                   back=True, neutral=False)
            self._switch_person_data(con, video_id, gone, back=True)
        elif isinstance(back, dict) and back.get("from_run") == leaving:
            self._move_event_faces(con, video_id, [*(back.get("moves") or []), *_listed(back.get("coded_during"))],
                                   neutral=False)
            self._switch_person_data(con, video_id, back, back=False)

    @staticmethod
    def _nominal_frames(con: sqlite3.Connection, analysis_id: int) -> int | None:
        """n where the run stored frames 0..n-1 (no hole) and every row's timestamp is exactly frame / fps (how a
        constant-rate source times its frames), else None: one pass over the run's rows inside SQLite (no row comes
        into Python; ~10 ms for 30,000 frames)."""
        fps = con.execute("SELECT v.fps FROM analyses a JOIN videos v ON v.id = a.video_id WHERE a.id = ?",
                          (analysis_id,)).fetchone()
        if fps is None or not fps[0] or fps[0] <= 0:
            return None
        n, lo, hi, off = con.execute(
            "SELECT COUNT(DISTINCT frame), MIN(frame), MAX(frame), "
            "SUM(timestamp IS NULL OR timestamp != frame / ?) FROM frames WHERE analysis_id = ?",
            (float(fps[0]), analysis_id)).fetchone()
        return int(n) if n and lo == 0 and hi == n - 1 and not off else None

    def _noted_frames(self, a: Analysis) -> int | None:
        """:meth:`_nominal_frames` as the run noted it when it finished (checked against its last frame: one lookup
        of the primary key), None where it noted nothing (a run stored before 2026-12-07, one that never
        finished, or not on the nominal grid)."""
        noted = a.nominal_times
        if noted is not None:
            last = self._query("SELECT MAX(frame) FROM frames WHERE analysis_id = ?", (a.id,))[0][0]
            if last == noted - 1:
                return noted
        return None

    def _nominal_run(self, a: Analysis) -> int | None:
        """:meth:`_nominal_frames` of a stored run: noted (:meth:`_noted_frames`), else worked out now."""
        if (noted := self._noted_frames(a)) is not None:
            return noted
        with self._lock:
            return self._nominal_frames(self._con, a.id)

    def note_run(self, analysis_id: int, found: Mapping[str, Any]) -> None:
        """Merge what a run found (e.g. ``portraits``: each face's largest view) into its settings before it ends."""
        with self._tx() as con:
            self._note_run(con, analysis_id, found)

    @staticmethod
    def _note_run(con: sqlite3.Connection, analysis_id: int, found: Mapping[str, Any]) -> None:
        row = con.execute("SELECT settings FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        if row is not None:
            merged = {**json.loads(row[0] or "{}"), **dict(found)}
            con.execute("UPDATE analyses SET settings = ? WHERE id = ?", (json.dumps(merged, default=str), analysis_id))

    _ANALYSIS_COLS = "id, video_id, status, columns, settings, device, model, created, owner, active"

    @staticmethod
    def _analysis_row(r: Sequence[Any]) -> Analysis:
        settings = json.loads(r[4])
        settings.pop(NEUTRAL_AT_START, None)
        settings.pop(FACES_AT_START, None)
        noted = settings.pop(NOMINAL_TIMES, None)
        return Analysis(r[0], r[1], r[2], tuple(json.loads(r[3])), settings, r[5], r[6], r[7], _owner(r[8]),
                        bool(r[9]), noted if isinstance(noted, int) and not isinstance(noted, bool) else None)

    def analysis(self, video_id: int) -> Analysis | None:
        """The video's active run: the one its frames, landmarks and exports come from (None: never analysed)."""
        rows = self._query(f"SELECT {self._ANALYSIS_COLS} FROM analyses WHERE video_id = ? AND active = 1",
                           (video_id,))
        return self._analysis_row(rows[0]) if rows else None

    def previous_analysis(self, video_id: int) -> Analysis | None:
        """The run a re-run kept (inactive; see :meth:`begin_analysis`), None when there is none. Its frames are
        read only after :meth:`set_active_analysis` makes it the active run again."""
        rows = self._query(f"SELECT {self._ANALYSIS_COLS} FROM analyses WHERE video_id = ? AND active = 0"
                           " ORDER BY id DESC LIMIT 1", (video_id,))
        return self._analysis_row(rows[0]) if rows else None

    def set_active_analysis(self, video_id: int, analysis_id: int,
                            proposals: Iterable[Event] | None = None) -> None:
        """Make ``analysis_id`` (a run of this video: the active or the previous one) the run readers see, the
        other one becoming the previous; with ``proposals``, the video's open proposals are replaced by them
        (:meth:`replace_proposals`) in the same transaction, which is how undoing a re-run puts back both, and the
        events the re-run gave the face of their person (``EVENT_FACES``) go back to the faces they had, or, a redo,
        move again. InputError for a run of another video or one no longer stored (a later re-run deleted it)."""
        evs = self._checked_proposals(video_id, proposals) if proposals is not None else None
        with self._tx() as con:
            row = con.execute("SELECT video_id FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
            if row is None:
                raise InputError(f"analysis run {analysis_id} of video {video_id} is no longer stored "
                                 "(a later re-run replaced it)")
            if row[0] != video_id:
                raise InputError(f"analysis run {analysis_id} belongs to video {row[0]}, not to video {video_id}")
            current = con.execute("SELECT id FROM analyses WHERE video_id = ? AND active = 1", (video_id,)).fetchone()
            if current is not None and int(current[0]) != analysis_id:
                self._switch_event_faces(con, video_id, int(current[0]), analysis_id)
            # two statements: the unique index on the active run is checked row by row
            con.execute("UPDATE analyses SET active = 0 WHERE video_id = ? AND id != ?", (video_id, analysis_id))
            con.execute("UPDATE analyses SET active = 1 WHERE id = ?", (analysis_id,))
            if evs is not None:
                self._replace_proposals(con, video_id, evs)

    def frame_count_stored(self, video_id: int) -> int:
        a = self.analysis(video_id)
        if a is None:
            return 0
        if (noted := self._noted_frames(a)) is not None:  # no COUNT over every row (seconds for an hour)
            return noted
        return int(self._query("SELECT COUNT(DISTINCT frame) FROM frames WHERE analysis_id = ?", (a.id,))[0][0])

    def last_frame_stored(self, video_id: int) -> int | None:
        """The last frame the active run stored (None: never analysed, or no rows): one lookup of the frames' primary
        key, however long the video (a COUNT reads every row: seconds for an hour)."""
        a = self.analysis(video_id)
        if a is None:
            return None
        last = self._query("SELECT MAX(frame) FROM frames WHERE analysis_id = ?", (a.id,))[0][0]
        return None if last is None else int(last)

    def frame_times(self, video_id: int) -> np.ndarray | None:
        """Each frame's stored timestamp (seconds, indexed by frame) when the active run stored frames 0..n-1 with
        their times (a run cut short stores a prefix), else None (never analysed, or holes)."""
        a = self.analysis(video_id)
        if a is None:
            return None
        rows = self._query("SELECT frame, MIN(timestamp) FROM frames WHERE analysis_id = ? GROUP BY frame"
                           " ORDER BY frame", (a.id,))
        if not rows or rows[0][0] != 0 or rows[-1][0] != len(rows) - 1 or any(r[1] is None for r in rows):
            return None
        return np.array([r[1] for r in rows], dtype=np.float64)

    def video_times(self, video_id: int, times: np.ndarray | None = None) -> np.ndarray | None:
        """A video's frame times (seconds) for everything that times its events (events table, summary, every
        interchange export and import), by one rule: ``times`` (the caller's: the app's player), else the stored
        ones where they cover every frame (None where each is frame / fps, as a constant-rate video's are: the rate
        says them, and none of the rows is read), else the video file's own where it is here and variable-rate (stored
        times of a run stopped short completed from it: a cancelled run's 52 of 72 frames put frame 71 at 3.17 s
        where the player shows 3.53 s), else what is stored (a prefix, the nominal rate past it), else None:
        frame / fps. Reads no file for a video analysed to its end; a constant-rate file's header only (~0.1 s);
        a variable-rate file is indexed once per process (one decode-only pass, what its player pays)."""
        if times is not None:
            return times
        video = self.video(video_id)
        a = self.analysis(video_id)
        if a is not None and (self._nominal_run(a) or 0) >= video.frame_count:
            # every frame stored at frame / fps: what the rate alone says (Timebase, Media), no row read (reading
            # every stored time of every video to time a few events took 6 s of a 24 s export of 200 videos)
            return None
        stored = self.frame_times(video_id)
        if stored is not None and len(stored) >= video.frame_count:
            return stored
        where = self.locate_video(video_id)  # a moved project's own copy, not the path stored where it was made
        own = None if where is None else _file_times(str(where))
        if own is None or (stored is not None and len(own) <= len(stored)):
            return stored
        if stored is None:
            return own
        joined = np.concatenate([stored, own[len(stored):]])
        return joined if joined[len(stored)] > joined[len(stored) - 1] else own  # another file now: its own times

    def timebase(self, video_id: int, times: np.ndarray | None = None) -> Timebase:
        """Frame <-> seconds for a video, by :meth:`video_times`' rule."""
        from merstudio.io import Timebase

        return Timebase(self.video(video_id).fps, self.video_times(video_id, times))

    def load_frames(self, video_id: int, start: int = 0, stop: int | None = None,
                    columns: Callable[[str], bool] | None = None) -> pd.DataFrame:
        """The stored per-frame table of a video (empty frame with the base columns when not analysed),
        ordered by frame then face_id, with :func:`merstudio.analysis.frame_table`'s dtype for each column (AUxx_c
        the nullable Int8, <NA> where unknown; frame, face_id, success and blink int64; the rest float64). Landmarks
        are not included (see :meth:`landmarks`). ``columns``: only the stored columns it says yes to, as float32
        (what the app's curves keep: a 60-minute video's whole table as float64 took ~400 MB more, for a moment,
        when a project opened)."""
        # frame_table's dtype for each column (one home: merstudio.analysis.table), not one that depends on what a
        # video holds: AUxx_c the nullable Int8 (<NA> where unknown; was int64, or float64 once one was unknown),
        # blink int64 (was float64), so that two videos' tables concatenate with one dtype a column
        import pandas as pd

        from merstudio.analysis.table import frame_table_dtypes
        from merstudio.model.columns import class_column

        a = self.analysis(video_id)
        cols = list(a.columns) if a else []
        if a is None:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in frame_table_dtypes(BASE_COLUMNS).items()})
        stop = (1 << 62) if stop is None else stop
        rows = self._query("SELECT frame, face_id, timestamp, confidence, success, vals FROM frames"
                           " WHERE analysis_id = ? AND frame >= ? AND frame < ? ORDER BY frame, face_id",
                           (a.id, start, stop))
        n, k = len(rows), len(cols)
        vals = np.full((n, k), np.nan, dtype=np.float32)
        if n:
            blobs = [r[5] for r in rows]
            if all(len(b) == 4 * k for b in blobs):
                vals = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(n, k).copy()
            else:  # columns added mid-run: older rows are shorter, padded with NaN
                for i, b in enumerate(blobs):
                    v = np.frombuffer(b, dtype=np.float32)
                    vals[i, : len(v)] = v
        base: list[Sequence[Any]] = list(zip(*[r[:5] for r in rows], strict=True)) if n else [[]] * 5
        df = pd.DataFrame({
            "frame": np.asarray(base[0], dtype=np.int64),
            "face_id": np.asarray(base[1], dtype=np.int64),
            "timestamp": np.asarray(base[2], dtype=np.float64),
            "confidence": np.asarray(base[3], dtype=np.float64),
            "success": np.asarray(base[4], dtype=np.int64),
        })
        # an older run's class columns (p_class_i) as the checkpoint names its classes (p_class i): legends, readouts,
        # the Event dialog's choices and exports read 'class i' from the column, as of a run made today
        named = dict(zip([c for c in cols if c.startswith("p_")], map(class_column, run_classes(a)), strict=True))
        if columns is not None:
            kept = [c for c in cols if columns(c)]
            vals = vals[:, [cols.index(c) for c in kept]]
            # presence flags 0/1, NaN where unknown (the AU's intensity is: a cover, lids shut), never 0 (absent)
            return pd.concat([df, pd.DataFrame(vals, index=df.index, columns=[named.get(c, c) for c in kept])],
                             axis=1)
        # every column in one go: replacing the presence columns one by one left a frame of ~100 blocks, which
        # pandas reports as a PerformanceWarning at the next insert (merstudio agreement)
        data = vals.astype(np.float64)
        types = frame_table_dtypes(cols)
        extra = pd.DataFrame({named.get(c, c): _typed(data[:, j], types[c]) for j, c in enumerate(cols)},
                             index=df.index, columns=[named.get(c, c) for c in cols])
        return pd.concat([df, extra], axis=1).copy()  # consolidated: one block per dtype

    def landmarks(self, video_id: int, frame: int) -> dict[int, np.ndarray]:
        """{face_id: (N, 2) float32 pixel landmarks} stored for one frame (empty when none were stored)."""
        a = self.analysis(video_id)
        if a is None:
            return {}
        rows = self._query("SELECT face_id, landmarks FROM frames WHERE analysis_id = ? AND frame = ?"
                           " AND landmarks IS NOT NULL AND success = 1", (a.id, frame))
        return {int(f): np.frombuffer(b, dtype=np.float32).reshape(-1, 2) for f, b in rows}

    def face_spans(self, video_id: int) -> dict[int, tuple[int, int, int]]:
        """{face_id: (first frame, last frame, frames seen)} of the video's active run (no face: -1 left out)."""
        a = self.analysis(video_id)
        if a is None:
            return {}
        rows = self._query("SELECT face_id, MIN(frame), MAX(frame), COUNT(*) FROM frames WHERE analysis_id = ?"
                           " AND face_id >= 0 GROUP BY face_id", (a.id,))
        return {int(f): (int(lo), int(hi), int(n)) for f, lo, hi, n in rows}

    def merge_faces(self, video_id: int, keep: int, merged: int,
                    settings: Mapping[str, Any] | None = None) -> FaceChange:
        """Make face track ``merged`` part of ``keep`` in the video's active run, in one transaction: its frames,
        the events and behaviour events on it, the rows of our "model" overlays (an imported OpenFace table keeps
        its own ids) and ``settings`` (project settings that change with it: the neutral baselines). One person
        seen in two shots (a wide shot, then a close-up) becomes one face. InputError when either face is not in
        the run, or when both are in one frame (two people). The merge is recorded in the run's settings
        (``face_edits``), so that a re-run can repeat it (:func:`merstudio.project.faces.carry_face_edits`)."""
        if keep == merged:
            raise InputError(f"face {keep}: cannot merge a face into itself")
        with self._tx() as con:
            aid, run_settings = self._active_run(con, video_id, "merge")
            spans = {face: self._span(con, aid, face) for face in (keep, merged)}
            both = [int(r[0]) for r in con.execute(
                "SELECT a.frame FROM frames a JOIN frames b ON b.analysis_id = a.analysis_id AND b.frame = a.frame"
                " WHERE a.analysis_id = ? AND a.face_id = ? AND b.face_id = ? ORDER BY a.frame",
                (aid, keep, merged))]
            if both:
                where = f"frame {both[0]}" if len(both) == 1 else f"{len(both)} frames ({both[0]}-{both[-1]})"
                raise InputError(f"faces {keep} and {merged} are both in {where}: two people, not one; "
                                 "not merged")
            record = {"op": "merge", "keep": keep, "merged": merged, "keep_span": spans[keep],
                      "merged_span": spans[merged]}
            return self._move_face(con, video_id, aid, run_settings, merged, keep, 0, record, settings)

    def split_face(self, video_id: int, face: int, at: int, new: int | None = None) -> FaceChange:
        """Give face track ``face`` a new id from frame ``at`` on, in one transaction: where the tracker kept one id
        across two people (a cut from one person to another it took for the same). Its frames from ``at`` on, the
        events and behaviour events that start there or later and the rows of our "model" overlays move to the new
        id (one above every face id the video has had: in its runs, its events and its face edits, a merged-away
        id included); the neutral frames stay. InputError when the face is not seen both before and from ``at``.
        Recorded in the run's ``face_edits``, as a merge is. ``new``: the id to give (a re-run repeating a split:
        the id its events already carry); it must be free in the run."""
        with self._tx() as con:
            aid, run_settings = self._active_run(con, video_id, "split")
            span = self._span(con, aid, face)
            if not span[0] < at <= span[1]:
                raise InputError(f"face {face} is seen in frames {span[0]}-{span[1]}: split it at a frame after its "
                                 f"first and up to its last, not at {at}")
            if new is None:
                row = con.execute("SELECT MAX(face_id) FROM frames WHERE analysis_id IN (SELECT id FROM analyses"
                                  " WHERE video_id = ?)", (video_id,)).fetchone()
                ev_row = con.execute("SELECT MAX(face_id) FROM events WHERE video_id = ?", (video_id,)).fetchone()
                # and above every id the video's face edits named, a face merged away included: its id reused
                # would make `project show` and a re-run's replay call two people by one id
                edited = [int(v) for (text,) in con.execute("SELECT settings FROM analyses WHERE video_id = ?",
                                                            (video_id,))
                          for r in json.loads(text or "{}").get("face_edits", []) if isinstance(r, dict)
                          for k in ("keep", "merged", "face", "new") if isinstance(v := r.get(k), int)]
                new = max(int(row[0] or 0), int(ev_row[0] or 0), *edited) + 1
            elif new < 0 or con.execute("SELECT 1 FROM frames WHERE analysis_id = ? AND face_id = ? LIMIT 1",
                                        (aid, new)).fetchone():
                raise InputError(f"face {face}: cannot split off as face {new}, which is taken")
            record = {"op": "split", "face": face, "at": at, "new": new, "span": span}
            return self._move_face(con, video_id, aid, run_settings, face, new, at, record, None)

    def _active_run(self, con: sqlite3.Connection, video_id: int, verb: str) -> tuple[int, dict[str, Any]]:
        """The active run a face edit changes, and its settings. InputError when there is none, or when it is still
        running, unless in the thread storing its rows (a re-run repeating the coder's edits once its rows are in):
        anyone else's edit would change the rows stored so far, those still to come keeping the tracker's ids, and
        record the edit as made (the app's Redo of a merge, the CLI, while the app analyses)."""
        row = con.execute("SELECT id, settings, status FROM analyses WHERE video_id = ? AND active = 1",
                          (video_id,)).fetchone()
        if row is None:
            raise InputError(f"video {video_id}: not analysed, so it has no faces to {verb}")
        if row[2] == "running" and self._storing.get(int(row[0]), threading.get_ident()) != threading.get_ident():
            raise InputError(f"video {video_id}: its analysis is running; {verb} faces when it has finished")
        return int(row[0]), json.loads(row[1] or "{}")

    @staticmethod
    def _largest_view(con: sqlite3.Connection, aid: int, face: int, most: int = 300) -> tuple[int, Box] | None:
        """The face's largest view among its stored landmarks, from at most ``most`` evenly spaced frames (a long
        video's landmarks are hundreds of MB: only the chosen frames' are read)."""
        where = "analysis_id = ? AND face_id = ? AND landmarks IS NOT NULL AND success = 1"
        frames = [int(r[0]) for r in con.execute(f"SELECT frame FROM frames WHERE {where} ORDER BY frame", (aid, face))]
        chosen = frames[::max(1, -(-len(frames) // most))]
        if not chosen:
            return None
        rows = con.execute(f"SELECT frame, landmarks FROM frames WHERE {where} AND frame IN "
                           f"({','.join('?' * len(chosen))}) ORDER BY frame", (aid, face, *chosen))
        from merstudio.project import portraits

        return portraits.largest_view(rows)

    @staticmethod
    def _span(con: sqlite3.Connection, aid: int, face: int) -> list[int]:
        lo, hi, n = con.execute("SELECT MIN(frame), MAX(frame), COUNT(*) FROM frames WHERE analysis_id = ?"
                                " AND face_id = ?", (aid, face)).fetchone()
        if not n or face < 0:
            raise InputError(f"face {face} is not in this video's analysis")
        return [int(lo), int(hi), int(n)]

    def _move_face(self, con: sqlite3.Connection, video_id: int, aid: int, run_settings: dict[str, Any],
                   source: int, target: int, start: int, record: dict[str, Any],
                   settings: Mapping[str, Any] | None) -> FaceChange:
        """Move face ``source`` from frame ``start`` on to face ``target`` (frames, events and behaviour events
        starting there, model overlay rows), write ``settings``, record the edit; inside the caller's transaction."""
        from merstudio.project import portraits

        run_before = json.loads(json.dumps(run_settings))
        frames = tuple(int(r[0]) for r in con.execute(
            "SELECT frame FROM frames WHERE analysis_id = ? AND face_id = ? AND frame >= ? ORDER BY frame",
            (aid, source, start)))
        con.execute("UPDATE frames SET face_id = ? WHERE analysis_id = ? AND face_id = ? AND frame >= ?",
                    (target, aid, source, start))
        now = time.time()
        events = []
        for ev in self._select_events(con, "video_id = ? AND face_id = ? AND onset >= ?", (video_id, source, start)):
            assert ev.id is not None
            con.execute("UPDATE events SET face_id = ?, modified = ? WHERE id = ?", (target, now, ev.id))
            self._log(con, ev.id, "update", ev, replace(ev, face_id=target))
            events.append(ev.id)
        bevs = tuple(int(r[0]) for r in con.execute(
            "SELECT id FROM behaviour_events WHERE video_id = ? AND face_id = ? AND onset >= ? ORDER BY id",
            (video_id, source, start)))
        for b in bevs:  # logged, as the events' moves are (a merge of two copies tells the move from no edit)
            move_behaviour_event(con, b, target, now, self.coder)
        overlay_keys = {}
        for name, n_rows, blob in con.execute("SELECT name, n_rows, keys FROM overlays WHERE video_id = ?"
                                              " AND kind = 'model'", (video_id,)).fetchall():
            keys = np.frombuffer(blob, dtype=np.int64).reshape(int(n_rows), 2)
            hit = (keys[:, 1] == source) & (keys[:, 0] >= start)
            if hit.any():
                moved = keys.copy()
                moved[hit, 1] = target
                con.execute("UPDATE overlays SET keys = ? WHERE video_id = ? AND name = ?",
                            (moved.tobytes(), video_id, name))
                overlay_keys[name] = bytes(blob)
        before = {}
        for key, value in (settings or {}).items():
            old = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            before[key] = json.loads(old[0]) if old else None
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(value)))
        run_settings["face_edits"] = [*run_settings.get("face_edits", []), record]
        if run_settings.get("portraits"):
            carried = portraits.carry(run_settings["portraits"], source, target, start)
            for face in (source, target):  # a split's part without the recorded view: its largest stored one
                if str(face) not in carried and (view := self._largest_view(con, aid, face)) is not None:
                    carried |= portraits.encode({face: view})
            run_settings["portraits"] = carried
        con.execute("UPDATE analyses SET settings = ? WHERE id = ?", (json.dumps(run_settings, default=str), aid))
        return FaceChange(video_id, aid, source, target, frames, tuple(events), bevs, overlay_keys, before, run_before,
                          str(record["op"]))

    def undo_face_change(self, c: FaceChange) -> None:
        """Undo :meth:`merge_faces` or :meth:`split_face`: the frames, events, overlay rows and settings that moved
        go back, in one transaction. InputError when the run is no longer the video's active run (re-run since)."""
        with self._tx() as con:
            row = con.execute("SELECT id FROM analyses WHERE video_id = ? AND active = 1", (c.video_id,)).fetchone()
            if row is None or int(row[0]) != c.analysis_id:
                raise InputError(f"faces {c.target} and {c.source}: the run of that {c.op} is no longer the "
                                 "video's active analysis")
            con.executemany("UPDATE frames SET face_id = ? WHERE analysis_id = ? AND frame = ? AND face_id = ?",
                            [(c.source, c.analysis_id, f, c.target) for f in c.frames])
            now = time.time()
            for eid in c.events:
                ev = self._get_event(con, eid)
                if ev is not None and ev.face_id == c.target:
                    con.execute("UPDATE events SET face_id = ?, modified = ? WHERE id = ?", (c.source, now, eid))
                    self._log(con, eid, "update", ev, replace(ev, face_id=c.source))
            for b in c.behaviour_events:
                move_behaviour_event(con, b, c.source, now, self.coder, source=c.target)
            for name, blob in c.overlay_keys.items():
                con.execute("UPDATE overlays SET keys = ? WHERE video_id = ? AND name = ? AND length(keys) = ?",
                            (blob, c.video_id, name, len(blob)))
            _put_settings(con, c.settings_before)
            con.execute("UPDATE analyses SET settings = ? WHERE id = ?",
                        (json.dumps(c.run_settings_before, default=str), c.analysis_id))

    def face_boxes(self, video_id: int) -> Iterator[tuple[int, int, Box]]:
        """(frame, face, box round its stored landmarks) for every tracked face of the active run, in frame order,
        streamed (a long video's landmarks are hundreds of MB); nothing when the run stored no landmarks."""
        from merstudio.project import portraits

        a = self.analysis(video_id)
        if a is None:
            return
        lo, hi = self._query("SELECT MIN(frame), MAX(frame) FROM frames WHERE analysis_id = ?", (a.id,))[0]
        if lo is None:
            return
        for start in range(int(lo), int(hi) + 1, 2000):  # 2,000 frames' landmarks at a time
            for frame, face, blob in self._query(
                    "SELECT frame, face_id, landmarks FROM frames WHERE analysis_id = ? AND frame BETWEEN ? AND ?"
                    " AND landmarks IS NOT NULL AND success = 1 AND face_id >= 0 ORDER BY frame",
                    (a.id, start, start + 1999)):
                box = portraits.landmark_box(blob)
                if box is not None:
                    yield int(frame), int(face), box

    def face_box(self, video_id: int, frame: int, face: int) -> Box | None:
        """The box (x0, y0, x1, y1, pixels) round a face's stored landmarks on one frame: which person an event is
        about, in a video of several (None when the run stored no landmarks of that face there)."""
        from merstudio.project import portraits

        pts = self.landmarks(video_id, frame).get(face)
        return None if pts is None else portraits.landmark_box(pts)

    _BOXED = "analysis_id = ? AND landmarks IS NOT NULL AND success = 1 AND face_id >= 0"

    def run_boxes(self, analysis_id: int, frames: Iterable[int], face: int | None = None
                  ) -> dict[int, dict[int, Box]]:
        """{frame: {face: box round its stored landmarks}} of one run (the active one or the one a re-run kept) on
        ``frames``: every face's, or only ``face``'s. Frames without one are left out."""
        from merstudio.project import portraits

        wanted = sorted({int(f) for f in frames})
        out: dict[int, dict[int, Box]] = {}
        which, args = ("", ()) if face is None else (" AND face_id = ?", (face,))
        for k in range(0, len(wanted), 500):  # SQLite's limit on a statement's variables
            part = wanted[k:k + 500]
            for frame, f, blob in self._query(f"SELECT frame, face_id, landmarks FROM frames WHERE {self._BOXED}"
                                              f"{which} AND frame IN ({','.join('?' * len(part))})",
                                              (analysis_id, *args, *part)):
                if (box := portraits.landmark_box(blob)) is not None:
                    out.setdefault(int(frame), {})[int(f)] = box
        return out

    def run_has_outlines(self, analysis_id: int) -> bool:
        """Whether a run stored any face's landmarks (the boxes :meth:`run_boxes` reads)."""
        return bool(self._query(f"SELECT 1 FROM frames WHERE {self._BOXED} LIMIT 1", (analysis_id,)))

    def face_frames_near(self, analysis_id: int, face: int, first: int, last: int, most: int,
                         within: int) -> list[int]:
        """The frames ``first``..``last`` on which a run stored ``face``'s landmarks; where it stored none there, the
        ``most`` such frames nearest to them (before and after, at most ``within`` frames away), nearest first."""
        inside = [int(r[0]) for r in self._query(
            f"SELECT frame FROM frames WHERE {self._BOXED} AND face_id = ? AND frame BETWEEN ? AND ? ORDER BY frame",
            (analysis_id, face, first, last))]
        if inside:
            return inside
        # bounded: the rows are keyed by frame, so a face seen nowhere near would read the whole run
        near = [int(r[0]) for r in self._query(
            f"SELECT frame FROM frames WHERE {self._BOXED} AND face_id = ? AND frame BETWEEN ? AND ?"
            " ORDER BY frame DESC LIMIT ?", (analysis_id, face, first - within, first - 1, most))]
        near += [int(r[0]) for r in self._query(
            f"SELECT frame FROM frames WHERE {self._BOXED} AND face_id = ? AND frame BETWEEN ? AND ?"
            " ORDER BY frame LIMIT ?", (analysis_id, face, last + 1, last + within, most))]
        return sorted(near, key=lambda f: (first - f if f < first else f - last, f))[:most]


def _file_times(path: str) -> np.ndarray | None:
    """A variable-rate video file's frame times (None for a constant rate, a folder, a missing or unreadable
    file)."""
    import warnings
    from pathlib import Path

    from merstudio.io import SourceWarning, open_source

    if not Path(path).is_file():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SourceWarning)  # playback's notes (variable rate, counts): not an export's
            with open_source(path) as src:
                return src.variable_times
    except (InputError, OSError):
        return None


def _typed(values: np.ndarray, dtype: str) -> Any:
    import pandas as pd

    """A stored column (float64, NaN where unknown) as ``dtype``: Int8 keeps the unknowns as <NA>; an integer
    column with an unknown (a column added mid-run: older rows lack it) stays float rather than fail."""
    if dtype == "Int8":
        unknown = np.isnan(values)
        return pd.arrays.IntegerArray(np.where(unknown, 0, values).astype(np.int8), unknown)
    if dtype == "int64":
        return values if np.isnan(values).any() else values.astype(np.int64)
    return values


def _owner(text: str | None) -> dict[str, Any] | None:
    """The owner recorded in an analyses row (None: none recorded, or not readable)."""
    try:
        d = json.loads(text) if text else None
    except ValueError:
        return None
    return d if isinstance(d, dict) else None


def _owner_gone(owner: Mapping[str, Any] | None, lock_free: bool) -> bool:
    """Whether the process that ran an analysis can no longer be adding to it: the project's lock was free (its
    writer is gone, see merstudio.project.lock), no owner was recorded (a project of schema 3 or older), or its
    pid is not alive on this host."""
    if lock_free or not owner:
        return True
    pid = owner.get("pid")
    if not isinstance(pid, int) or owner.get("host") != socket.gethostname():
        return not isinstance(pid, int)  # on another host: only its lock can tell
    return not (pid == os.getpid() or pid_alive(pid))


def _is_landmark(k: str) -> bool:
    return is_landmark_column(k)


def _num(v: Any, default: float = float("nan")) -> float:
    if v is None or v == "":
        return default
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def packed_faces(faces: np.ndarray) -> str:
    """An overlay's face column as EVENT_FACES notes it: int32, zlib, base64 (a few bytes for an hour of two
    faces)."""
    return base64.b64encode(zlib.compress(np.asarray(faces, dtype="<i4").tobytes())).decode("ascii")


def unpacked_faces(text: str) -> np.ndarray:
    """:func:`packed_faces` read back (int64, as overlay keys hold them)."""
    return np.frombuffer(zlib.decompress(base64.b64decode(text.encode("ascii"), validate=True)),
                         dtype="<i4").astype(np.int64)


def _noted_faces(raw: Any) -> dict[tuple[str, int], int] | None:
    """FACES_AT_START as read back: {(kind, id): face}; None where the run noted none (a damaged entry skipped)."""
    if not isinstance(raw, list):
        return None
    out = {}
    for entry in raw:
        try:
            kind, ident, face = entry
            out[(str(kind), int(ident))] = int(face)
        except (TypeError, ValueError):
            continue
    return out


def _listed(raw: Any) -> list[Any]:
    """EVENT_FACES' "coded_during" (or a re-run's "neutral_during") as read back: its [kind, id, face, face] entries
    (a damaged one left out)."""
    return [m for m in raw if isinstance(m, (list, tuple)) and len(m) == 4] if isinstance(raw, list) else []
