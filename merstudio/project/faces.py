"""One person, one face: merging face tracks of a video (the app's Analysis > Merge faces, ``merstudio project
merge``).

The tracker gives a person a new face id wherever it loses them: a cut from a wide shot to a close-up, a head
turned away for a second. A coder who sees that two ids are one person merges them; from then on every view,
export, event and neutral baseline knows one face. The store does the merge in one transaction and returns what
moved (:class:`merstudio.project.store.FaceMerge`), which undoes it exactly. A re-run of the analysis finds the two
tracks again; :func:`carry_merges` repeats the coder's merges on it where the re-run found the same tracks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from merstudio.errors import InputError
from merstudio.features.neutral import load_baselines, setting_key
from merstudio.project.store import FaceMerge, Project

SAME_TRACK = 0.9  # a re-run's track is the one merged before when their frame spans overlap this much (IoU)


def merge_faces(project: Project, video_id: int, keep: int, merged: int) -> FaceMerge:
    """Merge face ``merged`` into ``keep`` (one undoable transaction, see Project.merge_faces). A neutral baseline
    of ``merged`` becomes ``keep``'s when ``keep`` has none (the same person's resting face), else it is dropped."""
    baselines = load_baselines(project, video_id)
    settings: dict[str, Any] = {}
    if merged in baselines:
        moved = dict(baselines)
        b = moved.pop(merged)
        moved.setdefault(keep, replace(b, face_id=keep))
        settings[setting_key(video_id)] = [moved[f].to_dict() for f in sorted(moved)]
    return project.merge_faces(video_id, keep, merged, settings=settings)


def _overlap(a: Sequence[int], b: Sequence[int]) -> float:
    """Intersection over union of two (first, last, ...) frame spans."""
    inter = min(a[1], b[1]) - max(a[0], b[0]) + 1
    union = max(a[1], b[1]) - min(a[0], b[0]) + 1
    return max(0, inter) / union if union > 0 else 0.0


def _same(span: Sequence[int], recorded: Sequence[int]) -> bool:
    n, m = span[2], recorded[2]
    return _overlap(span, recorded) >= SAME_TRACK and min(n, m) >= SAME_TRACK * max(n, m)


def carry_merges(project: Project, video_id: int, records: Sequence[Mapping[str, Any]]
                 ) -> tuple[dict[int, int], list[str]]:
    """Repeat a previous run's merges (its settings' ``merged_faces``, in the order they were made) on the video's
    active run, each where that run has the same two tracks (same ids, frame spans overlapping >= SAME_TRACK).
    Returns ({merged id: kept id} for those repeated, one line per merge that was not: the re-run tracked
    otherwise, so the coder merges again)."""
    done: dict[int, int] = {}
    missed = []
    for r in records:
        try:
            keep, merged = int(r["keep"]), int(r["merged"])
            keep_span, merged_span = list(r["keep_span"]), list(r["merged_span"])
        except (KeyError, TypeError, ValueError):
            continue
        spans = project.face_spans(video_id)
        if keep in spans and merged in spans and _same(spans[keep], keep_span) and \
                _same(spans[merged], merged_span):
            try:
                merge_faces(project, video_id, keep, merged)
            except InputError as exc:  # the re-run has them in one frame: reported; a write fault is not caught
                missed.append(f"face {merged} into face {keep}: {exc}")
                continue
            done[merged] = keep
        else:
            missed.append(f"face {merged} into face {keep}: the re-run tracked the faces otherwise; merge again")
    # a chain (2 into 1, then 1 into 0) maps 2 to 0
    for m in list(done):
        k = done[m]
        while k in done:
            k = done[k]
        done[m] = k
    return done, missed
