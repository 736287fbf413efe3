"""One person, one face: correcting a video's face tracks (the app's Analysis > Merge faces / Split face here,
``merstudio project merge|split``).

The tracker gives a person a new face id wherever it loses them (a cut from a wide shot to a close-up, a head
turned away for a second), and now and then keeps one id across two people (a cut from one person to another it
took for the same). A coder who sees it merges two ids, or splits one at a frame; from then on every view, export,
event and neutral baseline follows. The store does each edit in one transaction and returns what moved
(:class:`merstudio.project.store.FaceChange`), which undoes it exactly. A re-run of the analysis tracks anew;
:func:`carry_face_edits` repeats the coder's edits on it where the re-run found the same tracks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from merstudio.errors import InputError
from merstudio.project.store import FaceChange, Project

SAME_TRACK = 0.9  # a re-run's track is the one edited before when their frame spans overlap this much (IoU)


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
