"""One person, one face: correcting a video's face tracks (the app's Analysis > Merge faces / Split face here,
``merstudio project merge|split``).

The tracker gives a person a new face id wherever it loses them (a cut from a wide shot to a close-up, a head
turned away for a second), and now and then keeps one id across two people (a cut from one person to another it
took for the same). A coder who sees it merges two ids, or splits one at a frame; from then on every view, export,
event and neutral baseline follows. The store does each edit in one transaction and returns what moved
(:class:`merstudio.project.store.FaceChange`), which undoes it exactly. A re-run of the analysis tracks anew;
:func:`carry_face_edits` repeats the coder's edits on it where the re-run found the same tracks, and
:func:`same_person_faces` finds, for each coded event, the re-run's face that is the person it was coded on (a
re-run may number the people otherwise: fewer faces per frame, a cut tracked differently).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from merstudio.errors import InputError
from merstudio.project.analyses import EVENT_FACES
from merstudio.project.events import Event
from merstudio.project.store import FaceChange, Project

SAME_TRACK = 0.9  # a re-run's track is the one edited before when their frame spans overlap this much (IoU)
# a re-run's face is the person an event was coded on when its boxes overlap theirs this much (box IoU, averaged
# over the event's frames, 0 where the face is not seen): two people's boxes barely touch, one person's in two runs
# of the analysis all but coincide
SAME_PERSON = 0.5
NEAR_FRAMES = 10  # an event on frames without its face: compared on the face's frames nearest to it, this many
NEAR_WITHIN = 1800  # at most this many frames away (a minute at 30 fps)
MOST_FRAMES = 60  # a long event's frames compared: this many, evenly spaced


def merge_faces(project: Project, video_id: int, keep: int, merged: int) -> FaceChange:
    """Merge face ``merged`` into ``keep`` (one undoable transaction, see Project.merge_faces). A neutral baseline
    of ``merged`` becomes ``keep``'s when ``keep`` has none (the same person's resting face), else it is dropped."""
    # here, not at the top: merstudio.features brings pandas and OpenCV, which describe_edit (`project show`) needs not
    from merstudio.features.neutral import load_baselines, setting_key

    baselines = load_baselines(project, video_id)
    settings: dict[str, Any] = {}
    if merged in baselines:
        moved = dict(baselines)
        b = moved.pop(merged)
        moved.setdefault(keep, replace(b, face_id=keep))
        settings[setting_key(video_id)] = [moved[f].to_dict() for f in sorted(moved)]
    return project.merge_faces(video_id, keep, merged, settings=settings)


def _same(span: Sequence[int] | None, recorded: Sequence[int]) -> bool:
    from merstudio.features.spotting import interval_iou

    if span is None:
        return False
    n, m = span[2], recorded[2]
    return interval_iou(span[:2], recorded[:2]) >= SAME_TRACK and min(n, m) >= SAME_TRACK * max(n, m)


def describe_edit(r: Mapping[str, Any]) -> str:
    """One face edit in words: ``face 1 into face 0`` or ``face 2 split at frame 140 (face 5 from there)``."""
    if r.get("op") == "split":
        return f"face {r.get('face')} split at frame {r.get('at')} (face {r.get('new')} from there)"
    return f"face {r.get('merged')} into face {r.get('keep')}"


def carry_face_edits(project: Project, video_id: int, records: Sequence[Mapping[str, Any]]
                     ) -> tuple[list[Mapping[str, Any]], list[str]]:
    """Repeat a previous run's face edits (its settings' ``face_edits``, in the order they were made) on the video's
    active run, each where that run has the same tracks (same ids, frame spans overlapping >= SAME_TRACK; a split
    also its new id free). Returns (the edits repeated, one line per edit that was not: the re-run tracked
    otherwise, so the coder edits again)."""
    done: list[Mapping[str, Any]] = []
    missed = []
    for r in records:
        spans = project.face_spans(video_id)
        try:
            if r.get("op") == "split":
                face, at, new = int(r["face"]), int(r["at"]), int(r["new"])
                ok = _same(spans.get(face), list(r["span"])) and new not in spans
                if ok:
                    project.split_face(video_id, face, at, new=new)
            else:
                keep, merged = int(r["keep"]), int(r["merged"])
                ok = _same(spans.get(keep), list(r["keep_span"])) and _same(spans.get(merged), list(r["merged_span"]))
                if ok:
                    merge_faces(project, video_id, keep, merged)
        except (KeyError, TypeError, ValueError):
            continue  # a damaged record: nothing to repeat
        except InputError as exc:  # the re-run has them in one frame, say: reported; a write fault is not caught
            missed.append(f"{describe_edit(r)}: {exc}")
            continue
        if ok:
            done.append(r)
        else:
            missed.append(f"{describe_edit(r)}: the re-run tracked the faces otherwise; edit again")
    return done, missed


def remap_face(edits: Sequence[Mapping[str, Any]], face: int, frame: int) -> int:
    """The face id that ``face`` at ``frame`` of a run's own tracks has after ``edits`` (what the run's spots,
    found on the tracker's ids, are stored under)."""
    for r in edits:
        if r.get("op") == "split":
            if face == r.get("face") and frame >= int(r.get("at", 0)):
                face = int(r["new"])
        elif face == r.get("merged"):
            face = int(r["keep"])
    return face


@dataclass(frozen=True)
class Coded:
    """A coded event or behaviour event as a re-run checks its face: ``kind`` "event" or "behaviour"."""

    kind: str
    id: int
    onset: int
    offset: int
    face: int
    name: str = ""  # a behaviour event's behaviour

    def __str__(self) -> str:
        if self.kind == "event":
            return f"event {self.id} (frames {self.onset}-{self.offset})"
        where = f"frame {self.onset}" if self.offset == self.onset else f"frames {self.onset}-{self.offset}"
        return f"{self.name or 'behaviour'} event {self.id} ({where})"


@dataclass
class EventFaces:
    """What :func:`same_person_faces` found: the coded events to move to another face (with it), those whose person
    no face of the re-run is, and those it could not check (no face box stored)."""

    moved: list[tuple[Coded, int]] = field(default_factory=list)
    lost: list[Coded] = field(default_factory=list)
    unchecked: list[Coded] = field(default_factory=list)
    # each lost one's person as the run it was coded on saw them: [[frame, x0, y0, x1, y1], ...], kept with the
    # re-run, so that a later re-run that analyses them again finds them (the run they were coded on is gone by then)
    outlines: dict[tuple[str, int], list[list[float]]] = field(default_factory=dict)

    def moves(self) -> list[tuple[str, int, int, int]]:
        """(kind, id, face before, face after) of each move."""
        return [(c.kind, c.id, c.face, new) for c, new in self.moved]

    def record(self) -> dict[str, Any]:
        """Project.finish_analysis' ``event_faces``: the moves, and the lost ones with their person's boxes."""
        return {"moves": [list(m) for m in self.moves()],
                "lost": [[c.kind, c.id, c.face, self.outlines.get((c.kind, c.id), [])] for c in self.lost]}

    def after(self, events: Sequence[Event]) -> list[Event]:
        """``events`` with the faces the moves give them (a re-run's proposals are matched to the reviewed ones,
        face and all, before the moves are stored)."""
        to = {c.id: f for c, f in self.moved if c.kind == "event"}
        return [replace(e, face_id=to[e.id]) if e.id in to else e for e in events]

    def line(self, moved: Iterable[Sequence[Any]] | None = None) -> str:
        """One line saying it ("" when every event stays on its face, the face of its person); ``moved``: the moves
        the project made (Project.finish_analysis skips an event edited meanwhile), else all of them; the neutral
        frames and model overlay rows among those (EVENT_FACES' "neutral" and "face" moves) said last, in a few
        words."""
        moves = list(moved) if moved is not None else None  # read twice
        made = {(str(m[0]), int(m[1])) for m in moves} if moves is not None else None
        done = [(c, f) for c, f in self.moved if made is None or (c.kind, c.id) in made]
        parts = []
        if done:
            parts.append(f"{_events(len(done))} moved to the face {'it was' if len(done) == 1 else 'they were'} coded on: "
                         + ", ".join(f"{c} from face {c.face} to face {f}" for c, f in done))
        if self.lost:  # which events first: the status line shows its start
            one = len(self.lost) == 1
            parts.append(("1 event's person is" if one else f"{len(self.lost)} events' people are")
                         + " not in the new run: " + ", ".join(f"{c} left on face {c.face}" for c in self.lost)
                         + f" (undoing the re-run brings back the run {'it was' if one else 'they were'} coded on)")
        if self.unchecked:
            parts.append(f"{_events(len(self.unchecked))} not checked against the new run's faces (no outline of "
                         "their face stored near them): " + ", ".join(f"{c} on face {c.face}" for c in self.unchecked))
        if moves is not None and (data := _person_data_line(moves)):
            parts.append(data)
        return "; ".join(parts)


    def back_line(self, neutral: Iterable[Sequence[Any]] = ()) -> str:
        """:meth:`line` for :func:`faces_back`: the events coded during a re-run set aside ("" when none moved or
        was left); ``neutral``: the neutral frames set during it that went to their person's face with them
        (Project.neutral_faces_back's ["neutral", face, face, to] moves), said after them."""
        parts = []
        if self.moved:
            one = len(self.moved) == 1
            parts.append(f"{_events(len(self.moved))} coded during the re-run moved to "
                         f"{'its person' if one else 'their people'}'s face{'' if one else 's'} there: "
                         + ", ".join(f"{c} from face {c.face} to face {f}" for c, f in self.moved))
        if left := self.lost + self.unchecked:
            parts.append(f"{_events(len(left))} coded during the re-run left on the re-run's face number (its person "
                         "not found there): " + ", ".join(f"{c} on face {c.face}" for c in left))
        if moves := sorted((int(m[2]), int(m[3])) for m in neutral if str(m[0]) == "neutral" and int(m[2]) != int(m[3])):
            who = "its person" if len(moves) == 1 else "their people"
            parts.append(f"neutral frames set during the re-run moved with {who}: "
                         + ", ".join(f"face {a}'s to face {b}" for a, b in moves))
        return "; ".join(parts)


def _person_data_line(moved: Iterable[Sequence[Any]]) -> str:
    """The neutral frames and the previous predictions' rows (model overlays) a re-run moved with their people
    (EVENT_FACES' ["neutral" | "face", face, before, after] moves) in a few words; "" for none: "neutral frames and
    previous predictions moved with their people: face 2's to face 1, face 1's to face 2"."""
    pairs: dict[str, list[tuple[int, int]]] = {"neutral": [], "face": []}
    for m in moved:
        if str(m[0]) in pairs and int(m[2]) != int(m[3]):
            pairs[str(m[0])].append((int(m[2]), int(m[3])))

    def said(what: str, moves: list[tuple[int, int]]) -> str:
        who = "its person" if len(moves) == 1 else "their people"
        return f"{what} moved with {who}: " + ", ".join(f"face {a}'s to face {b}" for a, b in moves)

    neutral, faces = sorted(pairs["neutral"]), sorted(pairs["face"])
    if neutral and neutral == faces:
        return said("neutral frames and previous predictions", neutral)
    return "; ".join(said(what, p) for what, p in (("neutral frames", neutral), ("previous predictions", faces)) if p)


def _events(n: int) -> str:
    return f"{n} event{'s' * (n != 1)}"


def coded_on_faces(project: Project, video_id: int) -> list[Coded]:
    """The video's events a re-run keeps (coded ones and reviewed proposals: it replaces the open proposals) and its
    behaviour events, as :func:`same_person_faces` checks them."""
    out = [Coded("event", int(e.id), e.onset, e.offset, e.face_id)
           for e in project.events(video_id) if e.id is not None and e.status != "proposal"]
    names = {b.id: b.name for b in project.behaviours()}
    out += [Coded("behaviour", int(b.id), b.onset, b.onset if b.offset is None else b.offset, b.face_id,
                  names.get(b.behaviour_id, ""))
            for b in project.behaviour_events(video_id) if b.id is not None]
    return out


def faces_at_start(project: Project, video_id: int) -> dict[tuple[str, int], int]:
    """Each of the video's events' (open proposals too) and behaviour events' face as a re-run begins, by (kind, id)
    (:class:`Coded`'s kinds): taken once the re-run is the active run and before it stores a row. From then on the
    app shows the re-run's faces, so an event's face id is numbered as the run re-done numbered its faces only while
    it is the one it had then (:func:`numbered_before`); one coded, or given another face, while the run goes is
    numbered as the re-run numbers them. Read from the run's record (begin_analysis notes them in the transaction that
    makes it active: its end tells those coded during it by the same faces); taken now for a run begun by a version
    that noted none."""
    if (noted := project.faces_noted_at_start(video_id)) is not None:
        return noted
    out = {("event", int(e.id)): e.face_id for e in project.events(video_id) if e.id is not None}
    out.update({("behaviour", int(b.id)): b.face_id for b in project.behaviour_events(video_id) if b.id is not None})
    return out


def numbered_before(at_start: Mapping[tuple[str, int], int], c: Coded) -> bool:
    """Whether ``c``'s face id is the run re-done's number (:func:`faces_at_start`): it was there, on that face,
    as the re-run began (an undo step's event re-added by a redo during the run keeps its id and face: still so)."""
    return at_start.get((c.kind, c.id)) == c.face


def coded_item(item: Any) -> Coded | None:
    """An Event or BehaviourEvent (an undo step holds them; a proposal too), or a NeutralBaseline (a "Neutral frames"
    step: kind "neutral", on its frames, as the store moves them), as :func:`same_person_faces` checks it; None for
    an event not stored yet (no id)."""
    if not hasattr(item, "id") and all(hasattr(item, a) for a in ("face_id", "first", "last")):
        return Coded("neutral", int(item.face_id), int(item.first), int(item.last), int(item.face_id))
    if getattr(item, "id", None) is None:
        return None
    if isinstance(item, Event):
        return Coded("event", int(item.id), item.onset, item.offset, item.face_id)  # type: ignore[arg-type]
    end = item.onset if item.offset is None else item.offset
    return Coded("behaviour", int(item.id), item.onset, end, item.face_id)


def same_person_items(project: Project, video_id: int, old_run: int, new_run: int, items: Sequence[Any],
                      numbered: Mapping[tuple[str, int], int] | None = None,
                      during: bool = False) -> tuple[list[Any], EventFaces]:
    """``items`` (Events, proposals, BehaviourEvents of the video, NeutralBaselines: what an undo step or a kept
    proposal holds), each on the face of ``new_run`` that is the person it has in ``old_run``
    (:func:`same_person_faces`); with ``numbered`` (:func:`faces_at_start` of a re-run), only those numbered as the
    run it re-did (the rest are as the re-run already; a baseline never is: its step's mark says), or with
    ``during`` only the rest (coded on the re-run's faces while it went). Those whose person it does not find stay as
    they are. Returns (the items, what it found)."""
    coded = [(item, c) for item in items if (c := coded_item(item)) is not None
             and getattr(item, "video_id", video_id) == video_id
             and (numbered is None or numbered_before(numbered, c) != during)]
    if not coded:
        return list(items), EventFaces()
    found = same_person_faces(project, video_id, old_run, new_run, coded=[c for _, c in coded])
    to = {(c.kind, c.id, c.face): f for c, f in found.moved}
    out = [replace(item, face_id=to[(c.kind, c.id, c.face)])
           if (c := coded_item(item)) is not None and (c.kind, c.id, c.face) in to else item for item in items]
    return out, found


def faces_back(project: Project, video_id: int, left_run: int, back_run: int,
               at_start: Mapping[tuple[str, int], int]) -> EventFaces:
    """A re-run (``left_run``) cancelled or failed, set aside for the complete run it re-did (``back_run``): the
    events and behaviour events coded, or given their face, while it went are numbered as its faces
    (:func:`faces_at_start`), so each goes to ``back_run``'s face that is its person (:func:`same_person_faces`);
    those coded before it are on ``back_run``'s numbers already (it moved none: Project.finish_analysis)."""
    coded = [c for c in coded_on_faces(project, video_id) if not numbered_before(at_start, c)]
    return same_person_faces(project, video_id, left_run, back_run, coded=coded) if coded else EventFaces()


def same_person_faces(project: Project, video_id: int, old_run: int, new_run: int, last: int | None = None,
                      coded: Sequence[Coded] | None = None) -> EventFaces:
    """Which face of ``new_run`` (the video's re-run, its face edits repeated) is, for each of ``coded`` (by default
    the video's events and behaviour events a re-run keeps, :func:`coded_on_faces`), the person
    it was coded on in ``old_run`` (the run re-done): the one whose boxes overlap that face's best (mean IoU over
    the event's frames, or the face's nearest frames where it was not seen on them) and at least SAME_PERSON; the
    face it has on a tie. None that close: that person is not in the re-run (fewer faces a frame, say). Events that
    start after ``last`` (the last frame the re-run stored: it was cancelled) are left as they are."""
    from merstudio.face.boxes import box_iou

    if coded is None:
        coded = coded_on_faces(project, video_id)
    # those the run re-done had lost already (a re-run before it left out their person): their person's boxes kept
    prev = project.previous_analysis(video_id)
    noted = prev.settings.get(EVENT_FACES) if prev is not None and prev.id == old_run else None
    kept = _lost_outlines(noted.get("lost") if isinstance(noted, dict) else None)
    found = EventFaces()
    outlined: bool | None = None  # whether the re-run stored face outlines (landmarks) at all: asked once
    alone: list[int] | None = None  # the one face both runs found (a one-face video), else none: asked once
    for c in coded:
        if last is not None and c.onset > last:
            continue
        frames = project.face_frames_near(old_run, c.face, c.onset, c.offset, NEAR_FRAMES, NEAR_WITHIN)
        if len(frames) > MOST_FRAMES:
            frames = [frames[round(i * (len(frames) - 1) / (MOST_FRAMES - 1))] for i in range(MOST_FRAMES)]
        if (outline := kept.get((c.kind, c.id, c.face))) is not None:
            was = {f: {c.face: box} for f, box in outline.items()}
            frames = sorted(was)
        else:
            was = project.run_boxes(old_run, frames, c.face)
        now = project.run_boxes(new_run, frames)
        if not was or not now:
            # no box of the face near it (nothing to compare), or none of the re-run's there: its person is not in
            # the re-run, unless the re-run stored no outline at all
            if outlined is None:
                outlined = project.run_has_outlines(new_run)
            if not (was and outlined):
                if alone is None:
                    alone = _one_face(project, old_run, new_run)
                if alone == [c.face]:
                    continue  # one person in both runs, on its face: nobody else it could have been coded on
            (found.lost if was and outlined else found.unchecked).append(c)
            if was and outlined:
                found.outlines[(c.kind, c.id)] = _outline(was, c.face)
            continue
        score: dict[int, float] = {}
        for frame, boxes in was.items():
            for face, box in now.get(frame, {}).items():
                score[face] = score.get(face, 0.0) + box_iou(boxes[c.face], box) / len(was)
        best = max(score, key=lambda f: (score[f], f == c.face), default=None)
        if best is None or score[best] < SAME_PERSON:
            found.lost.append(c)
            found.outlines[(c.kind, c.id)] = _outline(was, c.face)
        elif best != c.face:
            found.moved.append((c, best))
    return found


def _one_face(project: Project, old_run: int, new_run: int) -> list[int]:
    """[the face] where each run found that one face and no other, else []. Read from the runs' rows, whatever
    they stored of the faces' landmarks (a run made without them has no boxes)."""
    faces = [{int(f) for (f,) in project._query(
        "SELECT DISTINCT face_id FROM frames WHERE analysis_id = ? AND face_id >= 0", (run,))}
        for run in (old_run, new_run)]
    return sorted(faces[0]) if faces[0] == faces[1] and len(faces[0]) == 1 else []


def _outline(boxes: Mapping[int, Mapping[int, Sequence[float]]], face: int) -> list[list[float]]:
    return [[int(f), *(round(float(v), 1) for v in b[face])] for f, b in sorted(boxes.items())]


def _lost_outlines(raw: Any) -> dict[tuple[str, int, int], dict[int, tuple[float, float, float, float]]]:
    """{(kind, id, face): {frame: box}} of a run's lost events (EVENT_FACES' "lost"); a damaged entry is skipped
    (the event is then matched on that run's faces)."""
    out = {}
    for entry in raw if isinstance(raw, list) else []:
        try:
            kind, ident, face, rows = entry
            boxes = {int(r[0]): (float(r[1]), float(r[2]), float(r[3]), float(r[4])) for r in rows}
        except (TypeError, ValueError, IndexError):
            continue
        if boxes:
            out[(str(kind), int(ident), int(face))] = boxes
    return out
