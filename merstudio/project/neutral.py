"""A video's neutral frames (participant calibration: merstudio.features.neutral) as the project store keeps them, read
and moved without pandas: the store moves them with their person when a re-run numbers the faces otherwise
(Project.finish_analysis), in the transaction that moves the events, and back on undo (set_active_analysis).

Stored as the project setting ``neutral.video.<id>``: a list of NeutralBaseline.to_dict(), one a face (its
``face_id``). A baseline is the median of its person's AUs over its frames, so it belongs to the person, not to the
number; it follows them by the rule the events do (:func:`merstudio.project.faces.same_person_faces` on its
frames)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from merstudio.project.faces import Coded


def neutral_key(video_id: int) -> str:
    """The setting holding a video's baselines: merstudio.features.neutral.setting_key's, spelt here so that the
    store reads them without pandas."""
    return f"neutral.video.{int(video_id)}"


def _face(d: Any) -> int | None:
    try:
        return int(d["face_id"])
    except (KeyError, TypeError, ValueError):
        return None


def _by_face(stored: Any) -> tuple[dict[int, dict[str, Any]], list[Any]]:
    """({face: entry}, the entries that name no face: kept as they are, never dropped)."""
    faces, other = {}, []
    for d in stored if isinstance(stored, list) else []:
        f = _face(d)
        if f is None:
            other.append(d)
        else:
            faces[f] = d
    return faces, other


def _listed(faces: Mapping[int, dict[str, Any]], other: Sequence[Any]) -> list[Any]:
    return [faces[f] for f in sorted(faces)] + list(other)


def _text(d: Any) -> str | None:
    # as stored (JSON): a NaN level equals itself, as NeutralCommand.unchanged compares them
    return None if d is None else json.dumps(d, sort_keys=True)


def neutral_items(stored: Any, last: int | None = None, at_start: Any = None, during: bool = False) -> list[Coded]:
    """The baselines of ``stored`` (the setting's value) as same_person_faces checks them: kind "neutral", id and
    face the face's, on their frames; those starting after ``last`` (a cancelled re-run's last frame) left out, and
    those not as ``at_start`` had them (the baselines as the re-run began): set during it, on its faces. ``during``:
    only those instead."""
    before = _by_face(at_start)[0]
    out = []
    for f, d in _by_face(stored)[0].items():
        if (_text(d) != _text(before.get(f))) != during:
            continue
        try:
            first, end = int(d["first"]), int(d["last"])
        except (KeyError, TypeError, ValueError):
            continue
        if last is None or first <= last:
            out.append(Coded("neutral", f, first, end, f))
    return out


def moved_baselines(stored: Any, moves: Iterable[Sequence[Any]], lost: Iterable[int] = ()
                    ) -> tuple[list[Any], list[list[Any]]]:
    """``stored`` with each baseline of ``moves`` ("neutral", face, face before, face after) on its face after, all
    at once (two people swapped swap their baselines). A face after that keeps a baseline of its own (the same
    person's, seen under two numbers before) keeps it, and the moved one is dropped; one whose person is ``lost``
    (not in the re-run, so left on a number the re-run may give another) gives way. Returns (the new list, the
    moves made)."""
    faces, other = _by_face(stored)
    pairs = {}
    for m in moves:
        if int(m[2]) in faces:
            pairs[int(m[2])] = (int(m[3]), m)
    gone = set(lost)
    out = {f: d for f, d in faces.items() if f not in pairs}
    done = []
    for source, (target, m) in sorted(pairs.items()):
        if target in out and target not in gone:
            continue
        out[target] = {**faces[source], "face_id": target}
        gone.discard(target)  # taken: a second move there is the one dropped
        done.append([str(m[0]), int(m[1]), source, target])
    return _listed(out, other), done


def switched_baselines(stored: Any, leaving: Any, coming: Any) -> list[Any]:
    """Undo (or redo) of :func:`moved_baselines`: each face whose baseline is still as ``leaving`` had it (the list
    a re-run wrote, or the one it found) gets ``coming``'s (none: removed); a face the coder has set since keeps
    theirs."""
    faces, other = _by_face(stored)
    was, then = _by_face(leaving)[0], _by_face(coming)[0]
    for f in set(was) | set(then):
        if _text(faces.get(f)) == _text(was.get(f)) != _text(then.get(f)):
            if f in then:
                faces[f] = then[f]
            else:
                faces.pop(f, None)
    return _listed(faces, other)
