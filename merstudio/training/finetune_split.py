"""What a fine-tuning trains and is scored on, decided from the project before any input is built: its coded
events (``collect_events``: accepted, with an emotion that maps to one of the checkpoint's classes), the `none`
windows of the same videos, and the held-out split.

The split holds out whole videos (or whole subjects: the per-video ``subject:<id>`` project setting, else a name of
the video's own, ``merstudio.project.subjects.subject_names``), never single frames or events, and is locked per
project (``SPLIT_SETTING``): the first fine-tuning draws it, later ones score on the same groups, and a fresh
split keeps the spent ones on record. What held-out figures rest on (``holdout_basis``) is judged here too, without
torch (the checkpoint dialog judges old checkpoints with it). The names are importable from ``merstudio.training.finetune`` too, where they were first.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from merstudio.errors import InputError
from merstudio.io import natural_sort_key
from merstudio.model.columns import NONE_CLASS, class_key
from merstudio.project.events import au_numbers

MIN_TRAIN_PER_CLASS = 3  # training events a class needs (after holding out) for fine-tuning to go ahead
DEFAULT_HOLDOUT_FRACTION = 0.25  # of the videos / subjects
_MAX_SPLITS = 400  # candidate hold-out sets scored (all of them when there are fewer)
# Below these held-out figures are no estimate of anything (holdout_basis): with one class present UAR is that
# class's recall and accuracy the same number (2 positives held out scored UF1/UAR/accuracy 1.000 before and after),
# and under ten samples a single sample moves a figure by .1 or more.
HOLDOUT_MIN_SAMPLES = 10
HOLDOUT_MIN_CLASSES = 2


@dataclass(frozen=True)
class Item:
    """One training/evaluation sample from the project: a coded event, or a `none` window."""

    sample: str  # "event:<id>" or "none:<video id>:<onset>"
    event_id: int | None
    video_id: int
    group: str  # what the hold-out splits by (video id or subject)
    label: str  # checkpoint class name
    onset: int
    apex: int
    offset: int
    aus: tuple[int, ...] | None  # None = not AU-coded (AU loss masked)
    coder: str = ""
    # the event's face on its onset frame (pixel box from the project's stored landmarks): in a video of several
    # people the input is built from that person's face, not from whichever face is largest (None: not stored)
    face_box: tuple[float, float, float, float] | None = None
    # the other events of the same expression merged into this sample (coded twice: a second coder, or an accepted
    # proposal over a coded event; collect_samples), which the split and the records count as this one
    merged: tuple[int, ...] = ()
    # the emotion as its coder wrote it (the kept event's): what a class map would label it (suggest_class_map)
    emotion: str = ""

    def event_ids(self) -> tuple[int, ...]:
        """The project events this sample stands for: its own and those merged into it (none for a `none` window)."""
        return ((self.event_id,) if self.event_id is not None else ()) + self.merged


def label_key(s: str) -> str:
    """How labels and class names compare: model.columns.class_key (case, spacing, punctuation and '_' ignored: an
    event coded 'class_i', as an older column spelled it, or 'Class I' is the model's class 'class i')."""
    return class_key(s)


def label_resolver(class_names: Sequence[str], class_map: Any = None) -> Callable[[str], str | None]:
    """emotion -> checkpoint class name or None. Without a map: the class of the same name (case-insensitive).
    With a map (merstudio.datasets class map name, JSON file or dict): its lookup in any of its scopes. A coder's
    project is of no dataset, so a label maps by the first scope that maps it to a class, and is dropped only when
    no scope does (MEGC2019: SAMM's sadness -> negative, not CASME II's sadness -> dropped)."""
    by_name = {label_key(c): c for c in class_names}
    cmap = None
    if class_map is not None:
        from merstudio.datasets.classes import class_map as resolve_map
        from merstudio.datasets.classes import is_unknown

        cmap = resolve_map(class_map)
        unknown = [c for c in cmap.classes if label_key(c) not in by_name]
        if unknown:
            raise InputError(f"class map {cmap.name}: class {', '.join(unknown)} is not one of the model's "
                             f"classes ({', '.join(class_names)})")

    def resolve(emotion: str) -> str | None:
        key = label_key(emotion)
        if not key:
            return None
        if cmap is not None:
            dropped = False
            for scope in ("project", *cmap.mapping):
                hit = cmap.lookup(scope, emotion)  # the map's own rule (its raw labels keep their punctuation)
                if isinstance(hit, str):
                    return by_name.get(label_key(hit))
                dropped = dropped or not is_unknown(hit)
            if dropped:
                return None
        return by_name.get(key)

    return resolve


def video_groups(project: Any, by: str = "video", where: str = "project") -> dict[int, str]:
    """{video id: the group the hold-out splits it by}: its id (by video), or its subject (by subject: the
    ``subject:<id>`` setting, else a name of its own, as the labelled set export names it: subject_names; two
    people's P01/session.mp4 and P02/session.mp4 were one subject, 'session'). Holding out by subject when no
    video of the project has a subject set would hold out single videos under another name: refused (InputError,
    one line)."""
    from merstudio.project.subjects import subject_names, subjects

    videos = project.videos()
    if by != "subject":
        return {v.id: str(v.id) for v in videos}
    if videos and not subjects(project):
        raise InputError(f"{where}: holding out by subject, but no video of the project has a subject set (each "
                         "video would count as its own subject); set them (the app's Videos dock: right-click > Set "
                         "subject; or `merstudio project subject PROJECT VIDEO SUBJECT`), or hold out by video")
    return subject_names(project)[0]


def group_names(project: Any, by: str = "video") -> dict[str, str]:
    """{group: how to name it to a person}: a video (grouped by video: its id) by its file name, with its id in
    brackets where two of the project's videos share that name ("clip.mp4 [3]"); a subject is its own name."""
    if by != "video":
        return {}
    videos = project.videos()
    shared = Counter(v.name for v in videos)
    return {str(v.id): v.name if shared[v.name] == 1 else f"{v.name} [{v.id}]" for v in videos}


def named_groups(groups: Iterable[Any], names: dict[str, str] | None) -> str:
    """The groups, named for a person (group_names), in their order."""
    return ", ".join((names or {}).get(str(g), str(g)) for g in groups)


# Two events of one video and face are one expression coded twice when the agreement report would match them
# (merstudio.agreement.matching: IoU >= 0.5, or onset, apex and offset within 3 frames), its defaults.
SAME_EXPRESSION_TOLERANCE = 3
SAME_EXPRESSION_IOU = 0.5


@dataclass
class Collected:
    """collect_samples' answer: the samples, the accepted events left out for their emotion ({emotion: count}), the
    expressions coded twice and merged (each one's event ids, the one kept first) and those left out because their
    codings disagree (each one's video, frames and labels with their coders, in words)."""

    items: list[Item]
    skipped: dict[str, int]
    merged: list[tuple[int, ...]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    conflict_events: list[int] = field(default_factory=list)
    # the merges made by containment (_same_expression: a model proposal inside a coder's longer event), each in
    # words; they are among `merged` too
    contained: list[str] = field(default_factory=list)

    def note(self) -> str:
        """The merges and conflicts in a line ('' when none), as the CLI and the fine-tuning dialog say it."""
        parts = []
        if self.merged:
            n, k = len(self.merged), sum(len(m) for m in self.merged)
            parts.append(f"{n} expression{'s' * (n != 1)} coded more than once (a second coder, or an accepted "
                         f"proposal over a coded event: {k} events) {'count' if n != 1 else 'counts'} as one "
                         f"sample each")
        if self.contained:  # each named: a rule that merges what IoU does not should be checked by a person
            n = len(self.contained)
            parts.append(f"{n} model proposal{'s' * (n != 1)} lying inside a coder's longer event of the same "
                         f"expression {'count' if n != 1 else 'counts'} as that event ({'; '.join(self.contained)})")
        if self.conflicts:
            n = len(self.conflicts)
            shown = "; ".join(self.conflicts[:3]) + (f"; {n - 3} more" if n > 3 else "")
            parts.append(f"{n} expression{'s' * (n != 1)} left out, {'their' if n != 1 else 'its'} codings "
                         f"disagree ({shown}): settle the label in the project to use "
                         f"{'them' if n != 1 else 'it'}")
        return "; ".join(parts)


def collect_events(project: Any, class_names: Sequence[str], *, by: str = "video",
                   class_map: Any = None, where: str = "project") -> tuple[list[Item], dict[str, int]]:
    """The project's accepted events whose emotion maps to a class, as Items (ordered by video, onset), one per
    expression (collect_samples: one coded twice is one sample, one whose codings disagree none), and
    {emotion: count} of accepted events left out because their emotion is empty or not a class. Holding out by
    subject with no subject set on any video is refused (video_groups)."""
    got = collect_samples(project, class_names, by=by, class_map=class_map, where=where)
    return got.items, got.skipped


def collect_samples(project: Any, class_names: Sequence[str], *, by: str = "video", class_map: Any = None,
                    where: str = "project") -> Collected:
    """collect_events with what it merged: events of one video and face that the agreement report would match
    (SAME_EXPRESSION_*; chained: each one matches another of them) are one expression, coded by two coders or
    coded and also accepted from a proposal. Trained or scored once each, as the earliest event (lowest id) of
    them, when their labels agree (as mapped to the model's classes); left out when they do not, an emotion that
    is no class included (a coder's 'others' over an accepted 'negative' proposal): the same frames would train
    as two classes."""
    from merstudio.agreement.matching import pair_costs
    from merstudio.agreement.report import coder_of

    resolve = label_resolver(class_names, class_map)
    items: list[Item] = []
    skipped: Counter[str] = Counter()
    got = Collected(items, {})
    groups = video_groups(project, by, where)
    names = group_names(project, "video")
    for video in project.videos():
        group = groups.get(video.id, str(video.id))
        mine: list[Item] = []
        units: list[list[Any]] = []  # the events of one expression each, earliest coded first
        inside: dict[int, Any] = {}  # proposal id -> the coder's event it lies inside (merged by containment)
        by_face: dict[int, list[Any]] = {}
        for e in project.events(video.id, status="accepted"):
            if resolve(e.emotion) is None:
                skipped[e.emotion or "(no emotion)"] += 1
                if not e.emotion.strip():
                    continue  # no label: nothing to disagree with
            by_face.setdefault(e.face_id, []).append(e)
        for evs in by_face.values():
            found, held_in = _same_expression(evs, pair_costs)
            units += found
            inside.update(held_in)
        vname = names.get(str(video.id), str(video.id))
        for same in units:
            labels = {e.id: resolve(e.emotion) for e in same}
            used = [e for e in same if labels[e.id] is not None]
            if not used:
                continue
            if len(set(labels.values())) > 1:  # another class, or an emotion that is no class
                got.conflicts.append(_conflict_text(vname, same, labels, inside))
                got.conflict_events += [e.id for e in used]
                continue
            e = used[0]
            if len(same) > 1:
                got.merged.append(tuple(x.id for x in same))
            got.contained += [f"{vname}: the {labels[x.id]} proposal at frames {x.onset}-{x.offset} inside "
                              f"{coder_of(inside[x.id])}'s event {inside[x.id].onset}-{inside[x.id].offset}"
                              for x in same if x.id in inside]
            aus = next((tuple(au_numbers(x.aus)) for x in used if x.aus), None)
            mine.append(Item(f"event:{e.id}", e.id, video.id, group, str(labels[e.id]), e.onset, e.apex,
                             e.offset, aus, e.coder, project.face_box(video.id, e.onset, e.face_id),
                             tuple(x.id for x in used[1:]), e.emotion))
        items += sorted(mine, key=lambda it: (it.onset, it.event_id or 0))
    got.skipped = dict(skipped)
    return got


def _same_expression(events: Sequence[Any],
                     pair_costs: Callable[..., Any]) -> tuple[list[list[Any]], dict[int, Any]]:
    """One face's events in groups of one expression each (chained: each one can match another of its group, by
    the agreement report's rule, pair_costs), each sorted by id, in the order of their first onset, and the
    proposals merged by containment ({proposal id: the coder's event it lies inside}, _inside_coded). Each event
    meets only those that start before it ends (plus the tolerance): the pairs that can match, not all of them
    (a face of 10,000 events)."""
    evs = sorted(events, key=lambda e: (e.onset, e.offset, e.id or 0))
    parent = list(range(len(evs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(evs):
        for j in range(i + 1, len(evs)):
            b = evs[j]
            if b.onset > a.offset + SAME_EXPRESSION_TOLERANCE:
                break  # it and every later one start too late to overlap or to start within the tolerance
            if bool(pair_costs([a], [b], SAME_EXPRESSION_TOLERANCE, SAME_EXPRESSION_IOU)[1][0, 0]):
                parent[root(j)] = root(i)
    held_in = _inside_coded(evs, root, parent)
    out: dict[int, list[Any]] = {}
    for i, e in enumerate(evs):
        out.setdefault(root(i), []).append(e)
    # a unit a proposal joined by containment is kept as the coder's event (its frames), however early the
    # proposal was stored; a unit of matching events as its earliest
    return [sorted(g, key=lambda e: (e.id in held_in, e.id is None, e.id or 0)) for g in out.values()], held_in


def _inside_coded(evs: Sequence[Any], root: Callable[[int], int], parent: list[int]) -> dict[int, Any]:
    """Merge (into `parent`'s union-find of `evs`) each group of model proposals that matched no coder's event but
    lies inside one: a proposal of a coder's longer expression, the model's bounds tighter (IoU .38, offsets 5
    frames apart: under the agreement report's rule). Every proposal of the group lies wholly inside a coder's
    event of one expression (its onset..offset), and that event's apex is within the proposal's (the tolerance
    either side): the same peak. A micro-expression inside a longer macro-expression peaks elsewhere and stays a
    sample of its own; so does a proposal inside events of two expressions, and two coders' events never merge
    this way. Returns {proposal id: the coder's event it lies inside}."""
    from merstudio.agreement.report import MODEL_CODER, coder_of

    # a model's proposal (accepted): credited to the model, or naming the checkpoint that proposed it
    proposal = [coder_of(e) == MODEL_CODER or bool(getattr(e, "model", "")) for e in evs]
    coded = sorted((i for i in range(len(evs)) if not proposal[i]), key=lambda i: evs[i].apex)
    apexes = [evs[i].apex for i in coded]
    with_coder = {root(i) for i in coded}
    hosts: dict[int, dict[int, int]] = {}  # proposal group -> {proposal index: the coder's event index}
    hosted: dict[int, set[int]] = {}  # proposal group -> the coder groups its proposals lie in
    for i, p in enumerate(evs):
        r = root(i)
        if not proposal[i] or r in with_coder:
            continue  # a coder's event, or a proposal matched with one by the rule
        lo = bisect.bisect_left(apexes, p.onset - SAME_EXPRESSION_TOLERANCE)
        hi = bisect.bisect_right(apexes, p.offset + SAME_EXPRESSION_TOLERANCE)
        inside = [j for j in coded[lo:hi] if evs[j].onset <= p.onset and p.offset <= evs[j].offset]
        groups = {root(j) for j in inside}
        if len(groups) == 1:
            hosts.setdefault(r, {})[i] = min(inside, key=lambda j: (evs[j].offset - evs[j].onset, evs[j].id or 0))
        hosted.setdefault(r, set()).update(groups or {-1})  # -1: a proposal that lies inside none
    held_in: dict[int, Any] = {}
    members: dict[int, list[int]] = {}
    for i in range(len(evs)):
        members.setdefault(root(i), []).append(i)
    for r, found in hosts.items():
        if len(hosted[r]) != 1 or len(found) != len(members[r]):
            continue  # its proposals lie in two expressions, or one of them in none
        parent[root(r)] = root(next(iter(found.values())))
        held_in.update({evs[i].id: evs[j] for i, j in found.items()})
    return held_in


def _conflict_text(video: str, events: Sequence[Any], labels: dict[Any, str | None],
                   inside: dict[int, Any] | None = None) -> str:
    """'take0.mp4 frames 120-133: negative (ann), positive (ben)': an expression whose codings disagree; a proposal
    merged by containment (`inside`) says so: 'positive (model, a proposal inside ann's event)'."""
    from merstudio.agreement.report import coder_of

    inside = inside or {}
    said = ", ".join(f"{labels[e.id] or e.emotion} ({e.coder or e.source}"
                     + (f", a proposal inside {coder_of(inside[e.id])}'s event" if e.id in inside else "") + ")"
                     for e in events)
    return f"{video} frames {min(e.onset for e in events)}-{max(e.offset for e in events)}: {said}"


def event_records(items: Iterable[Item], videos: dict[int, Any]) -> list[dict[str, Any]]:
    """The coded events among `items` as a checkpoint records what it trained on or held out, readable without the
    project: the event's id, its video's file name and content (hash and size, as the project knows the file
    wherever it moves), onset/apex/offset, its label as mapped to the model's class, and its coder."""
    out = []
    for it in items:
        if it.event_id is None:
            continue
        v = videos.get(it.video_id)
        out.append({"event": it.event_id, "video": v.name if v is not None else str(it.video_id),
                    "video_hash": getattr(v, "hash", None), "video_size": getattr(v, "size", None),
                    "onset": it.onset, "apex": it.apex, "offset": it.offset, "label": it.label, "coder": it.coder,
                    **({"merged": list(it.merged)} if it.merged else {})})
    return out


def class_map_record(class_map: Any) -> dict[str, Any] | None:
    """How a fine-tuning mapped the coders' emotions to classes, for its checkpoint: None (by class name), else the
    map's name, as given (a preset's name or a file) and its rules."""
    if class_map is None:
        return None
    from merstudio.datasets.classes import class_map as resolve_map

    cmap = resolve_map(class_map)
    given = str(class_map) if isinstance(class_map, str | Path) else None
    return {"name": cmap.name, "spec": given, "classes": list(cmap.classes), "mapping": cmap.mapping}


def suggest_class_map(class_names: Sequence[str], skipped: dict[str, int], items: Sequence[Item] | None = None,
                      min_per_class: int = MIN_TRAIN_PER_CLASS) -> tuple[str, int] | None:
    """The preset class map that would use the most of the events left out for want of a class (collect_events'
    `skipped`), and how many: (name, n), or None when no preset uses any. With `items` (the samples used without a
    map: check_counts' refusal), only a map under which those and the left-out events would pass check_counts'
    per-class counts at `min_per_class`: h288's hint of casme2-5-merge (fear -> others: 1 event) was refused again
    for its thin 'repression' and 'others'."""
    from merstudio.datasets.classes import class_map_names

    best: tuple[str, int] | None = None
    for name in class_map_names():
        if name == "raw":
            continue
        try:
            resolve = label_resolver(class_names, name)
        except InputError:
            continue  # its classes are not the model's
        n = sum(k for emotion, k in skipped.items() if resolve(emotion) is not None)
        if items is not None and n:
            # each sample relabelled by the map (as collect_samples would label its event), the left-out ones added
            counts = Counter(resolve(it.emotion or it.label) for it in items if it.label != NONE_CLASS)
            for emotion, k in skipped.items():
                counts[resolve(emotion)] += k
            counts.pop(None, None)
            if _counts_problem(counts, class_names, min_per_class):
                continue  # its refusal again: no way out
        if n and (best is None or n > best[1]):
            best = (name, n)
    return best


def parse_holdout(holdout: str | float) -> tuple[str, float]:
    """'video' | 'subject' | 'video:0.3' | 'subject:0.5' | 0.3 (a fraction of the videos) -> (by, fraction)."""
    bad = InputError(f"holdout {holdout!r}: expected video, subject, video:FRACTION, subject:FRACTION or a "
                     "fraction of the videos (holdout= / --holdout; hold-out is by whole videos or subjects, never "
                     "by frame)")
    if isinstance(holdout, int | float) and not isinstance(holdout, bool):
        by, frac = "video", float(holdout)
    else:
        text = str(holdout).strip().lower()
        by, _, f = text.partition(":")
        if by not in ("video", "subject"):
            by, f = "video", text
        try:
            frac = float(f) if f else DEFAULT_HOLDOUT_FRACTION
        except ValueError:
            raise bad from None
    if not 0.0 < frac < 1.0:
        raise InputError(f"holdout {holdout!r}: the fraction must be between 0 and 1, got {frac:g} "
                         "(holdout= / --holdout)")
    return by, frac


def split_holdout(items: Sequence[Item], fraction: float, *, min_train: int = MIN_TRAIN_PER_CLASS, seed: int = 0,
                  where: str = "project", by: str = "video", avoid: set[int] | frozenset[int] = frozenset(),
                  parent: set[int] | frozenset[int] = frozenset()) -> tuple[set[str], list[int], list[int]]:
    """Choose whole groups to hold out: about `fraction` of them (at least one, at least one left), preferring
    a split where every class keeps >= min_train training events, then one that holds out the fewest events of
    `parent` (event ids the parent model trained on: its and the new model's scores on them are fit, no estimate),
    then the fewest of `avoid` (the ones earlier splits held out: choices made by their scores saw them), then one
    whose held-out part covers the most classes, then the one closest to `fraction` of the events. Returns (held-out
    groups, train indices, held-out indices) into `items`. Refuses (InputError) when no split leaves enough
    training events."""
    groups = sorted({it.group for it in items}, key=natural_sort_key)
    if len(groups) < 2:
        raise InputError(f"{where}: holding out by {by} needs usable events on at least 2 {by}s, found "
                         f"{len(groups)}; code events on another {by} so the new model can be evaluated")
    n_hold = max(1, min(len(groups) - 1, round(fraction * len(groups))))
    labels = sorted({it.label for it in items})
    per_group = {g: Counter(it.label for it in items if it.group == g) for g in groups}
    avoided = {g: sum(1 for it in items if it.group == g and avoid.intersection(it.event_ids())) for g in groups}
    fit = {g: sum(1 for it in items if it.group == g and parent.intersection(it.event_ids())) for g in groups}
    total = Counter(it.label for it in items)
    rng = np.random.default_rng(seed)
    n_combos = math.comb(len(groups), n_hold)
    if n_combos <= _MAX_SPLITS:
        combos = list(itertools.combinations(groups, n_hold))
    else:
        combos = list({tuple(sorted(rng.choice(groups, n_hold, replace=False).tolist(), key=natural_sort_key))
                       for _ in range(_MAX_SPLITS)})
        combos.sort()
    order = rng.permutation(len(combos))  # seeded tie-break
    best, best_key, best_short = None, None, None
    for rank, ci in enumerate(order):
        held = combos[ci]
        h: Counter[str] = Counter()
        for g in held:
            h.update(per_group[g])
        train = {c: total[c] - h[c] for c in labels}
        short = min(labels, key=lambda c: (train[c] - min_train, c))
        valid = train[short] >= min_train
        n_held = sum(h.values())
        key = (valid, -sum(fit[g] for g in held), -sum(avoided[g] for g in held), sum(1 for c in labels if h[c] > 0),
               -abs(n_held / len(items) - fraction), -rank)
        if best_key is None or key > best_key:
            best, best_key, best_short = held, key, (short, train[short])
    assert best is not None and best_key is not None and best_short is not None
    if not best_key[0]:
        c, n = best_short
        raise InputError(f"{where}: too few events to fine-tune: class '{c}' has {n} accepted event"
                         f"{'s' if n != 1 else ''} outside the held-out {by}s (need at least {min_train}); "
                         f"code more '{c}' events on other {by}s")
    held_set = set(best)
    train_idx = [i for i, it in enumerate(items) if it.group not in held_set]
    held_idx = [i for i, it in enumerate(items) if it.group in held_set]
    return held_set, train_idx, held_idx


SPLIT_SETTING = "finetune.split"  # project setting: the locked held-out split and the runs scored on it


def _spent(previous: dict[str, Any], items: Sequence[Item], by: str) -> list[dict[str, Any]]:
    """The splits a project used before a new one is drawn, oldest first: each one's grouping, groups, held-out
    event ids (recorded since 2026-12-05; for an older record, today's events of its groups when it grouped as
    `by` does, else unknown) and run count."""
    held = previous.get("held_events")
    if not isinstance(held, list):
        groups = {str(g) for g in previous.get("groups", [])}
        held = sorted(e for it in items if it.group in groups for e in it.event_ids()) \
            if previous.get("by") == by else []
    runs = previous.get("runs") or []
    current = {"by": previous.get("by"), "groups": list(previous.get("groups", [])), "held_events": held,
               "runs": len(runs), "best_uf1": _best_uf1(runs),
               "not_estimates": sum(1 for r in runs if not run_is_estimate(r))}
    return [*(previous.get("spent") or []), current]


def run_is_estimate(run: Any) -> bool:
    """Whether a recorded run's held-out figures are an estimate (holdout_basis; "estimate" recorded since
    2026-12-07, an older run judged by its sample count alone, and kept when it records none): 2 held-out samples of
    one class scored UF1 1.000, and a split note headlined that as the best run."""
    if not isinstance(run, dict):
        return False
    if isinstance(run.get("estimate"), bool):
        return bool(run["estimate"])
    n = run.get("n_held_out")
    return not (isinstance(n, int) and n < HOLDOUT_MIN_SAMPLES)


def _best_uf1(runs: Iterable[dict[str, Any]]) -> float | None:
    """The best held-out UF1 among recorded runs that are an estimate (None when none has one)."""
    return max((r["after_uf1"] for r in runs if run_is_estimate(r) and isinstance(r.get("after_uf1"), float)
                and not math.isnan(r["after_uf1"])), default=None)


def _same_events(record: dict[str, Any], spent: dict[str, Any]) -> bool:
    """Whether a spent split held out the record's events (by their ids; a record older than those: its groups)."""
    mine, theirs = record.get("held_events"), spent.get("held_events")
    if isinstance(mine, list) and isinstance(theirs, list) and mine:
        return set(mine) == set(theirs)
    return spent.get("by") == record.get("by") and sorted(map(str, spent.get("groups") or [])) == \
        sorted(map(str, record.get("groups") or []))


def scored_runs(record: Any, *, last: bool = True) -> tuple[int, float | None, int]:
    """The runs scored on the record's held-out events, from every split of the project: its own runs (without
    its last one when not `last`: the run just done) and those of each spent split that held out the same events
    (a fresh draw that could only draw them again). Returns (runs, best UF1 among them or None, of which on
    spent splits)."""
    own, same = _scored(record, last)
    n_spent = sum(int(s.get("runs") or 0) for s in same)
    bests = [b for b in (_best_uf1(own), *(s.get("best_uf1") for s in same))
             if isinstance(b, float) and not math.isnan(b)]
    return len(own) + n_spent, max(bests, default=None), n_spent


def unestimated_runs(record: Any, *, last: bool = True) -> int:
    """How many of scored_runs' runs were not an estimate (run_is_estimate), which its best UF1 leaves out."""
    own, same = _scored(record, last)
    return sum(1 for r in own if not run_is_estimate(r)) + sum(int(s.get("not_estimates") or 0) for s in same)


def _scored(record: Any, last: bool) -> tuple[list[Any], list[dict[str, Any]]]:
    """scored_runs' runs: the record's own (without its last when not `last`) and its spent splits of the same
    events."""
    if not isinstance(record, dict):
        return [], []
    own = list(record.get("runs") or [])
    own = own if last else own[:-1]
    return own, [s for s in record.get("spent") or [] if isinstance(s, dict) and _same_events(record, s)]


def locked_split(record: Any, items: Sequence[Item], by: str, *, min_train: int = MIN_TRAIN_PER_CLASS,
                 where: str = "project", names: dict[str, str] | None = None,
                 ) -> tuple[set[str], list[int], list[int]] | None:
    """The held-out split a project locked on its first fine-tuning by `by`, applied to today's events: the
    same groups stay held out and score on the same events (the record's held_events; a record older than those:
    every event of its groups; a group that holds some of those under another name than the lock's, a subject set
    or renamed since, is held out too); an event coded since the lock on a held-out group is in neither part
    (locked_fresh: scored apart), and the groups coded since then train. None when there is no lock for `by`.
    Refuses (InputError) when the locked events are no longer usable or too few training events remain; `names`
    (group_names) names the groups there."""
    if not isinstance(record, dict) or record.get("by") != by or not isinstance(record.get("groups"), list):
        return None
    groups = {it.group for it in items}
    held = {str(g) for g in record["groups"]} & groups
    locked = _locked_events(record)
    if locked:  # a group named otherwise since the lock still holds its locked events out, never trains on them:
        # a subject set or changed since, or two people's P01/session and P02/session, one 'session' until 2026-12-07
        held |= {it.group for it in items if locked.intersection(it.event_ids())}
    fresh = "hold out afresh (fresh_split=True / --fresh-split, or 'Fresh split' in the dialog)"
    if not held:
        raise InputError(f"{where}: none of the locked held-out {by}s ({named_groups(record['groups'], names)}) "
                         f"has usable events now; {fresh}")
    if held == groups:
        raise InputError(f"{where}: every {by} with usable events is in the locked held-out split; code events on "
                         f"another {by} or {fresh}")
    train_idx = [i for i, it in enumerate(items) if it.group not in held]
    held_idx = [i for i, it in enumerate(items) if it.group in held
                and (locked is None or locked.intersection(it.event_ids()))]
    if not held_idx:
        raise InputError(f"{where}: none of the events the locked split holds out "
                         f"({named_groups(sorted(held, key=natural_sort_key), names)}) is usable now (deleted, or "
                         f"its emotion no longer a class); {fresh}")
    counts = Counter(items[i].label for i in train_idx)
    for c in sorted({it.label for it in items}):
        if counts[c] < min_train:
            raise InputError(f"{where}: too few events to fine-tune: class '{c}' has {counts[c]} accepted event"
                             f"{'s' if counts[c] != 1 else ''} outside the locked held-out {by}s (need at least "
                             f"{min_train}); code more '{c}' events on other {by}s or {fresh}")
    return held, train_idx, held_idx


def _locked_events(record: dict[str, Any]) -> set[int] | None:
    """The event ids a locked split scores on (None: a record older than 2026-12-05, which locked groups only)."""
    ids = record.get("held_events")
    return {int(e) for e in ids if isinstance(e, int)} if isinstance(ids, list) else None


def locked_fresh(record: Any, items: Sequence[Item], held: set[str]) -> list[int]:
    """Indices of the items on the locked held-out groups `held` that the lock does not hold: coded there since the
    split was locked. No earlier run saw them and this one does not train on them: the honest check of settings
    chosen by the locked events' scores, scored apart (none for a record that locked groups only)."""
    locked = _locked_events(record) if isinstance(record, dict) else None
    if locked is None:
        return []
    return [i for i, it in enumerate(items) if it.group in held and not locked.intersection(it.event_ids())]


def lock_note(record: Any, items: Sequence[Item], split: Any, names: dict[str, str] | None, by: str) -> str:
    """What changed since the split was locked, in a line ('' when nothing): events coded since on held-out
    groups (kept out of training, scored apart as a fresh set), on training groups and on groups the project did
    not have then (they train; no lock holds them out), and locked held-out events no longer usable (the figures
    then rest on fewer events than earlier runs')."""
    if not isinstance(record, dict):
        return ""
    seen = record.get("seen_events")
    seen_ids = {int(e) for e in seen if isinstance(e, int)} if isinstance(seen, list) else None
    seen_groups = {str(g) for g in record["seen_groups"]} if isinstance(record.get("seen_groups"), list) else None
    locked = _locked_events(record) or set()
    parts = []
    if split.fresh_idx:
        n = len(split.fresh_idx)
        where = named_groups(sorted({items[i].group for i in split.fresh_idx}, key=natural_sort_key), names)
        parts.append(f"{n} event{'s' * (n != 1)} coded on held-out {by} {where} since then "
                     f"{'are' if n != 1 else 'is'} kept out of training and scored apart as a fresh set (no earlier "
                     "run saw them)")
    renamed = sorted(set(split.groups) - {str(g) for g in record.get("groups") or []}, key=natural_sort_key)
    if renamed:  # locked_split holds them out for the locked events they hold
        one = len(renamed) == 1
        parts.append(f"{by}{'s' * (not one)} {named_groups(renamed, names)} hold{'s' * one} locked held-out events "
                     f"under a name the lock does not have (it named {named_groups(record.get('groups') or [], names)};"
                     f" a {by} set or renamed since): held out with them")
    new_groups = sorted({it.group for it in items} - seen_groups - set(split.groups), key=natural_sort_key) \
        if seen_groups is not None else []
    if seen_ids is not None:
        later = [items[i] for i in split.train_idx if not seen_ids.intersection(items[i].event_ids())
                 and items[i].group not in new_groups]
        if later:
            parts.append(f"{len(later)} event{'s' * (len(later) != 1)} coded since on training {by}s "
                         f"train{'s' * (len(later) == 1)}")
    if new_groups:
        k = sum(1 for it in items if it.group in new_groups)
        one = len(new_groups) == 1
        parts.append(f"{by}{'s' * (not one)} {named_groups(new_groups, names)}, added since, train{'s' * one} "
                     f"({k} event{'s' * (k != 1)}; the locked split holds out none of {'it' if one else 'them'})")
    if locked:
        now = {e for i in split.held_idx for e in items[i].event_ids()}
        gone = len(locked - now - {e for it in items for e in it.event_ids() if it.group not in split.groups})
        if gone:
            parts.append(f"{gone} of the {len(locked)} locked held-out events {'are' if gone != 1 else 'is'} no "
                         "longer usable (deleted, or the emotion no longer a class): the figures rest on fewer "
                         "events than earlier runs'")
    note = ("Since the split was locked: " + "; ".join(parts) + ".") if parts else ""
    if seen_ids is None:  # a lock from before seen_events: silence would read as nothing coded since
        return f"{note} {_unrecorded_lock(record, split, names, by)}".strip()
    return note


def _unrecorded_lock(record: dict[str, Any], split: Any, names: dict[str, str] | None, by: str) -> str:
    """What a lock saved before it recorded the project's events and groups (seen_events, seen_groups) cannot say:
    which events and groups came since (a groups-only one: which events of its held-out groups either), and how to
    get a lock that can."""
    held = ""
    if _locked_events(record) is None:
        n = len(split.groups)
        held = (f", and those coded since on its held-out {by}{'s' * (n != 1)} "
                f"{named_groups(sorted(split.groups, key=natural_sort_key), names)} are held out with the ones it "
                "locked")
    return (f"This split was locked before merstudio recorded what the project had at the lock (seen_events, since "
            f"2026-12-07), so events coded since on its training {by}s and {by}s added since cannot be told from the "
            f"earlier ones (they train){held}; hold out afresh (fresh_split=True / --fresh-split, or 'Fresh split' "
            "in the dialog) for a lock that tells them apart.")


@dataclass
class RunSplit:
    """The held-out split of one run: the groups held out, indices of the training and held-out items, and the
    project's split record (the runs scored on it so far; the caller adds its own)."""

    groups: set[str]
    train_idx: list[int]
    held_idx: list[int]
    record: dict[str, Any]
    reused: int = 0  # held-out events an earlier, spent split held out too (a new draw that cannot avoid them)
    # events coded on the held-out groups since the split was locked (locked_fresh): neither trained nor in the
    # locked scoring; scored apart
    fresh_idx: list[int] = field(default_factory=list)
    note: str = ""  # what changed since the lock (lock_note), '' for a new draw


def run_split(project: Any, items: Sequence[Item], by: str, fraction: float, *, seed: int = 0, fresh: bool = False,
              min_train: int = MIN_TRAIN_PER_CLASS, avoid: set[int] | frozenset[int] = frozenset(),
              names: dict[str, str] | None = None, where: str = "project",
              say: Callable[..., Any] = lambda *_a, **_k: None) -> RunSplit:
    """The split a run holds out: the project's locked split for `by` (locked_split: every run scores on the same
    groups, whatever its seed, so their scores compare like with like), else a new draw (`fresh`, the first run, or
    another grouping). `avoid`: the events the parent model trained on; `names` (group_names) names the groups."""
    previous = project.get_setting(SPLIT_SETTING)
    locked = None if fresh else locked_split(previous, items, by, min_train=min_train, where=where, names=names)
    if locked is None:
        return _draw_split(project, previous, items, by, fraction, seed=seed, fresh=fresh, min_train=min_train,
                           avoid=avoid, names=names, where=where, say=say)
    if abs(float(previous.get("fraction", fraction)) - fraction) > 1e-9:
        say(f"holding out the project's locked {by} split (fraction {previous.get('fraction')}), not a new "
            f"one of fraction {fraction}")
    record = dict(previous)
    if _locked_events(record) is None:  # a record that locked groups only: its events from now on are today's
        record["held_events"] = sorted(e for i in locked[2] for e in items[i].event_ids())
    split = RunSplit(*locked, record=record, fresh_idx=locked_fresh(previous, items, locked[0]))
    split.note = lock_note(previous, items, split, names, by)
    return split


def _draw_split(project: Any, previous: Any, items: Sequence[Item], by: str, fraction: float, *, seed: int,
                fresh: bool, min_train: int, avoid: set[int] | frozenset[int], names: dict[str, str] | None,
                where: str, say: Callable[..., Any]) -> RunSplit:
    """A new split (split_holdout, seeded) and the record that locks it. Drawn afresh by the same grouping, it
    takes the seed after the spent split's (another draw); any new split keeps the earlier ones as spent and
    avoids holding out their events again where it can, as it avoids `avoid`."""
    split_seed = seed
    had = isinstance(previous, dict) and isinstance(previous.get("groups"), list)
    if fresh and had and previous.get("by") == by:
        split_seed = int(previous.get("seed", seed)) + 1  # another draw than the spent one
    spent = _spent(previous, items, by) if had else []
    spent_events = {e for s in spent for e in s.get("held_events", [])}
    held_groups, train_idx, held_idx = split_holdout(items, fraction, min_train=min_train, seed=split_seed,
                                                     where=where, by=by, avoid=spent_events, parent=avoid)
    record: dict[str, Any] = {
        "by": by, "fraction": fraction, "seed": split_seed, "groups": sorted(held_groups, key=natural_sort_key),
        "held_events": sorted(e for i in held_idx for e in items[i].event_ids()),
        # what the project had when it was locked: later runs say what was coded since, and where it went
        "seen_events": sorted(e for it in items for e in it.event_ids()),
        "seen_groups": sorted({it.group for it in items}, key=natural_sort_key),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "runs": [], "spent": spent}
    reused = 0
    if avoid:  # the parent's events: held out, its 'before' and 'after' scores on them are fit (holdout_basis)
        usable = {e for it in items for e in it.event_ids()} & set(avoid)
        fit = usable & set(record["held_events"])
        if usable:
            say(f"the parent checkpoint trained on {len(usable)} of the project's usable events: "
                + (f"{len(fit)} of them are held out (no split avoids them all), so the held-out figures are not "
                   "an estimate" if fit else "the new split holds out none of them"))
    if had:
        last = spent[-1]
        reused = len(spent_events & set(record["held_events"]))
        again, _best, _n = scored_runs(record)
        say(f"drew a new hold-out by {by}: {named_groups(record['groups'], names)}; the earlier split "
            f"({last['by']} {named_groups(last['groups'], group_names(project, str(last['by'])))}, "
            f"{last['runs']} run(s) scored on it) stays recorded as spent"
            + (f"; it holds out the same events as an earlier split again (no other split avoids them): the "
               f"{again} run(s) scored on them count as earlier runs" if again else
               f"; {reused} of the new held-out events were held out before (no split avoids them all): earlier "
               "choices already saw them" if reused else ""))
    return RunSplit(held_groups, train_idx, held_idx, record, reused)


def trained_events(meta: dict[str, Any], project_path: str | Path, items: Sequence[Item] = (),
                   videos: Mapping[int, Any] | None = None) -> set[int]:
    """The project's events a checkpoint (and the fine-tunings it descends from) trained on: the ids it recorded when
    it was fine-tuned on this project (its recorded path is this one), and, among `items`, those of the same video
    content and frames as an event it records training on (trained_content: a copied or moved project, Save As, has
    the same events under another path; a112 held out three events its parent trained on there, unsaid). Empty for
    a model trained elsewhere on other videos. `videos`: the project's Video records by id (their content hash)."""
    ft = meta.get("finetune") or {}
    try:
        same = Path(str(ft.get("project", ""))).resolve() == Path(project_path).expanduser().resolve()
    except (OSError, ValueError):
        same = False
    ids = (ft.get("trained_events", ft.get("events")) or []) if same else []
    found = {int(i) for i in ids if isinstance(i, int)}
    events, _windows, _videos = trained_content(meta)
    if events and videos:
        found |= {e for it in items if it.event_id is not None
                  and _on_trained_frames(it, events.get(str(getattr(videos.get(it.video_id), "hash", "")), ()))
                  for e in it.event_ids()}
    return found


def trained_windows(meta: dict[str, Any], none: Sequence[Item], videos: Mapping[int, Any]) -> set[str]:
    """The `none` windows among `none` (their sample names) on frames the checkpoint (or a fine-tuning it descends
    from) trained on as `none`, matched by video content. A checkpoint fine-tuned before 2026-12-07 records how
    many windows it trained on but not which: then every window of a video whose events it trained on counts (it
    drew its windows from those videos, by the same rule)."""
    _events, windows, videos_only = trained_content(meta)
    out = set()
    for it in none:
        h = getattr(videos.get(it.video_id), "hash", None)
        if h is not None and (h in videos_only or _on_trained_frames(it, windows.get(h, ()))):
            out.add(it.sample)
    return out


def trained_content(meta: dict[str, Any]) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]],
                                                      set[str]]:
    """What a checkpoint and the fine-tunings it descends from trained on, by video content: ({video hash: [(onset,
    offset) of each event]}, the same of each `none` window, the video hashes whose windows it trained on without
    recording which). From finetune.trained_samples (since 2026-12-07: the lineage's), else its own run's trained_on
    (events only)."""
    ft = meta.get("finetune") or {}
    records: Any = ft.get("trained_samples")
    older = not isinstance(records, list)
    if older:
        records = ft.get("trained_on") if isinstance(ft.get("trained_on"), list) else []
    events: dict[str, list[tuple[int, int]]] = {}
    windows: dict[str, list[tuple[int, int]]] = {}
    for r in records:
        if not (isinstance(r, dict) and isinstance(r.get("video_hash"), str)
                and isinstance(r.get("onset"), int) and isinstance(r.get("offset"), int)):
            continue
        to = windows if r.get("label") == NONE_CLASS and r.get("event") is None else events
        to.setdefault(r["video_hash"], []).append((r["onset"], r["offset"]))
    n_none = ft.get("n_none_train")
    videos_only = set(events) if older and isinstance(n_none, int) and n_none > 0 else set()
    return events, windows, videos_only


def trained_samples(meta: dict[str, Any], items: Sequence[Item], videos: Mapping[int, Any]) -> list[dict[str, Any]]:
    """The new checkpoint's finetune.trained_samples: what it and its fine-tuned ancestors trained on by video
    content (hash, onset, offset, label; a `none` window labelled so, with no event), the parent's first, so a later
    fine-tuning in a copied or moved project knows them (trained_content)."""
    ft = meta.get("finetune") or {}
    old: Any = ft.get("trained_samples") if isinstance(ft.get("trained_samples"), list) else ft.get("trained_on")
    old = old if isinstance(old, list) else []
    keep = ("video_hash", "onset", "offset", "label", "event")
    out = [{k: r.get(k) for k in keep} for r in old if isinstance(r, dict) and isinstance(r.get("video_hash"), str)]
    for it in items:
        h = getattr(videos.get(it.video_id), "hash", None)
        if isinstance(h, str):
            out.append({"video_hash": h, "onset": it.onset, "offset": it.offset, "label": it.label,
                        "event": it.event_id})
    # a sample trained again by a later fine-tuning: recorded once
    return list({tuple(r.values()): r for r in out}.values())


def _on_trained_frames(it: Item, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether the sample lies on trained frames of its video: an event, the same expression as a trained one (the
    agreement report's rule, as collect_samples merges: IoU >= .5, or onset and offset within 3 frames); a `none`
    window, any overlap with one (its frames were trained as `none`)."""
    from merstudio.agreement.matching import interval_iou

    for on, off in spans:
        if it.event_id is None:
            if on <= it.offset and it.onset <= off:
                return True
        elif interval_iou(it.onset, it.offset, on, off) >= SAME_EXPRESSION_IOU or (
                abs(it.onset - on) <= SAME_EXPRESSION_TOLERANCE and abs(it.offset - off) <= SAME_EXPRESSION_TOLERANCE):
            return True
    return False


def parent_fit_text(n_events: int, n_windows: int = 0) -> str:
    """'10 of these held-out events (and 2 'none' windows) trained the parent checkpoint ...': held-out samples the
    parent trained on, as the split note and the figures' basis say it ('' when none). The new model starts from
    the parent's weights, so its 'after' score on them is fit as much as the parent's 'before' score (a112)."""
    if not n_events and not n_windows:
        return ""
    w = f"{n_windows} 'none' window{'s' * (n_windows != 1)}"
    what = (f"{n_events} of these held-out events" + (f" (and {w})" if n_windows else "")) if n_events else \
        f"{n_windows} of these held-out 'none' windows"
    return (f"{what} trained the parent checkpoint (or a fine-tuning it descends from): the new model starts from "
            "its weights, so both the 'before' and the 'after' score on them are fit, not held out")


def split_note(record: dict[str, Any], parent_overlap: int = 0, parent_windows: int = 0) -> str:
    """What to say about held-out scores of the record's last run: on events (and `none` windows) the parent model
    trained on (parent_fit_text: its 'before' and the new model's 'after' score are fit, not held out), on events
    an earlier, spent split held out (its runs were scored on them), and how many earlier runs of any split of the
    project were scored on these events (scored_runs; '' when none of these)."""
    fit = parent_fit_text(parent_overlap, parent_windows)
    first = f"{fit}; the held-out figures are not an estimate. " if fit else ""
    spent_events = {e for s in record.get("spent") or [] if isinstance(s, dict) for e in s.get("held_events") or []}
    reused = len(set(record.get("held_events") or []) & spent_events)
    if reused:
        first += (f"{reused} of these held-out events were held out by an earlier split, whose runs were already "
                  "scored on them (no split avoids them all): choices made by those scores saw them. ")
    n, best, n_spent = scored_runs(record, last=False)
    if not n:
        return first.strip()
    # a spent split of the same events: a new draw gave them again (it avoids spent events where it can), so a
    # fresh split is no way out
    again = f", {n_spent} of them on an earlier split of the same events" if n_spent else ""
    confirm = "on events coded later" if n_spent else "on events coded later, or on a fresh split"
    return first + (f"These held-out events already scored {n} earlier fine-tuning run{'s' if n != 1 else ''}"
                    + runs_best_text(best, unestimated_runs(record, last=False), n) + again
                    + f": picking the best of several runs by them makes its score optimistic. Confirm the chosen "
                    f"settings {confirm}.")


def runs_best_text(best: float | None, not_estimates: int, n: int) -> str:
    """' (best UF1 0.700; 1 run not an estimate, left out of best: under 10 held-out samples or 2 classes)' for n
    scored runs, as the split note and the fine-tuning dialog say it: a run on too few held-out samples (2 of one
    class: UF1 1.000) is no best run."""
    why = f"under {HOLDOUT_MIN_SAMPLES} held-out samples or {HOLDOUT_MIN_CLASSES} classes"
    if not_estimates and not_estimates >= n:
        return f" (none an estimate: {why}; no best UF1)"
    parts = [f"best UF1 {best:.3f}"] if best is not None else []
    if not_estimates:
        parts.append(f"{not_estimates} run{'s' * (not_estimates != 1)} not an estimate, left out of best: {why}")
    return f" ({'; '.join(parts)})" if parts else ""


def store_split(project_path: str | Path, record: dict[str, Any]) -> bool:
    """Write the split record into the project; False when the project cannot be opened for writing now (for
    example the app holds it: the app then stores the record itself)."""
    from merstudio.errors import MerstudioError
    from merstudio.project.store import Project

    try:
        project = Project.open(Path(project_path).expanduser(), read_only=False, in_use="raise")
    except (MerstudioError, OSError):
        return False
    try:
        project.set_setting(SPLIT_SETTING, record)
    except (MerstudioError, OSError):
        return False
    finally:
        project.close()
    return True


def check_counts(items: Sequence[Item], class_names: Sequence[str], min_per_class: int,
                 where: str = "project", *, skipped: dict[str, int] | None = None, suggest: bool = False) -> None:
    """Refuse (one line, naming the class and its count and the ways out) when a class used in the project has too
    few events, or fewer than two classes are usable. Classes with no events at all are allowed: training keeps
    them as the parent had them (trainer.KeptClasses: their logits out of the loss, their classifier rows unchanged).
    `skipped` (collect_events'): the refusal also counts the events left out because their emotion is not a class,
    and with `suggest` (no class map given) names the preset map that would use them (suggest_class_map)."""
    counts = Counter(it.label for it in items)
    real = [c for c in class_names if c != NONE_CLASS]
    left, emotions = _left_out(class_names, skipped or {}, suggest, items, min_per_class)
    if not items:
        raise _refusal(where, f": no accepted events with an emotion among the model's classes ({', '.join(real)}): "
                              f"accept or code some events first{left}", emotions)
    thin = [c for c in real if 0 < counts[c] < min_per_class]
    if thin:
        c = thin[0]
        way = f"lower it (--min-per-class {min(counts[t] for t in thin)} / Min events per class)"
        if sum(1 for k in real if counts[k] >= min_per_class) >= 2:  # enough left to train without them
            way += (f" or leave {'it' if len(thin) == 1 else 'them'} out (--classes "
                    f"{','.join(k for k in real if k not in thin)} / Class map)")
        raise _refusal(where, f": too few events to fine-tune: class '{c}' has {counts[c]} accepted "
                              f"event{'s' if counts[c] != 1 else ''} (need at least {min_per_class}): {way}{left}",
                       emotions)
    used = [c for c in real if counts[c]]
    if len(used) < 2:
        have = f"only '{used[0]}' ({counts[used[0]]} events)" if used else "none"
        raise _refusal(where, f": too few events to fine-tune: events of at least 2 classes are needed, the "
                              f"project has {have}{left}", emotions)


def _counts_problem(counts: Mapping[Any, int], class_names: Sequence[str], min_per_class: int) -> bool:
    """Whether check_counts refuses these per-class counts: a class of the model (not 'none') with some but fewer
    than `min_per_class` events, or fewer than two classes with any."""
    real = [c for c in class_names if c != NONE_CLASS]
    thin = any(0 < counts.get(c, 0) < min_per_class for c in real)
    return thin or sum(1 for c in real if counts.get(c, 0)) < 2


def _refusal(where: str, text: str, emotions: str) -> InputError:
    """check_counts' refusal: `where` (the project's path, shortened from its start when it would push the rest
    past the CLI's line: merstudio.messages.MESSAGE_CHARS), `text` (what is wrong and the ways out: whole) and
    `emotions` (the coders' own words, bounded, last: a cut line loses only them). h288: a105's line was 432
    characters and its class map hint was cut ("--classes cas…")."""
    from merstudio.messages import MESSAGE_CHARS

    room = MESSAGE_CHARS - len(text)
    if len(where) > room >= 24:
        where = "…" + where[len(where) - room + 1:]
    return InputError(f"{where}{text}{emotions}")


def thin_classes_text(counts: dict[str, int], class_names: Sequence[str], few: int = MIN_TRAIN_PER_CLASS) -> str:
    """The model's classes with no or fewer than `few` training events among `counts` (class -> events), in a line
    said before training (the CLI's log, the dialog's Coded events row); '' when every class has enough. a105: a
    project with no `others` events fine-tuned into a model that never said `others` again, without a word."""
    short = [(c, counts.get(c, 0)) for c in class_names if counts.get(c, 0) < few]
    if not short:
        return ""
    listed = ", ".join(f"{c} ({n or 'no'} event{'s' * (n != 1)})" for c, n in short)
    return (f"classes with no or few events to train on: {listed}; a class with none is kept as the parent had it, "
            "one with few may be predicted less often after; to train them, code more of their events or mix in a "
            "dataset that has them (--mix DATA, in the app Mix with)")


def _left_out(class_names: Sequence[str], skipped: dict[str, int], suggest: bool, items: Sequence[Item] = (),
              min_per_class: int = MIN_TRAIN_PER_CLASS) -> tuple[str, str]:
    """('; N accepted events left out, their emotion not a class of the model', '; by emotion: sadness 4, ...'),
    the first with the preset map that would use them when `suggest` (a way out, so never after the coders'
    emotions, and only a map whose counts would pass: suggest_class_map with `items`); ('', '') when none was left
    out by its name."""
    named = {k: v for k, v in skipped.items() if k != "(no emotion)"}
    n = sum(named.values())
    if not n:
        return "", ""
    from merstudio.interchange.common import name_list  # each coder-typed emotion bounded, 8 at most

    text = f"; {n} accepted event{'s' * (n != 1)} left out, {'their' if n != 1 else 'its'} emotion not a class of the model"
    hint = suggest_class_map(class_names, named, items, min_per_class) if suggest else None
    if hint:
        text += f": --classes {hint[0]} (Class map) would use {'it' if n == 1 else f'{hint[1]} of them'}"
    return text, f"; by emotion: {name_list(f'{k} {v}' for k, v in sorted(named.items()))}"


def none_windows(busy: Sequence[tuple[int, int]], frame_count: int, length: int, n: int,
                 margin: int) -> list[int]:
    """Onsets of up to n windows [onset, onset + length] lying at least `margin` frames away from every busy
    interval (onset, offset), spread evenly over the free frames of the video."""
    if n <= 0 or frame_count <= length:
        return []
    free = np.ones(frame_count - length, dtype=bool)  # candidate onsets
    for a, b in busy:
        lo = max(0, a - margin - length)
        hi = min(len(free), b + margin + 1)
        if lo < hi:
            free[lo:hi] = False
    cand = np.flatnonzero(free)
    if len(cand) == 0:
        return []
    if len(cand) <= n:
        picks = cand
    else:
        picks = cand[np.round(np.linspace(0, len(cand) - 1, n + 2)[1:-1]).astype(int)]
    # windows of one video should not overlap each other either
    out: list[int] = []
    for p in picks.tolist():
        if not out or p - out[-1] > length:
            out.append(int(p))
    return out


def none_items(project: Any, items: Sequence[Item], train_idx: Sequence[int], videos: dict[int, Any], *,
               per_video: int | None = None, min_per_class: int = MIN_TRAIN_PER_CLASS) -> list[Item]:
    """`none` windows of the items' videos (none_windows), away from every event of any status, as long as the
    median training event's onset -> apex. Each one is in its video's group, so on its side of the split, as the
    events are; its face is the one the video shows most. `per_video` windows a video (None: the median class's training
    events, shared over the training videos); `videos`: the project's Video records by id."""
    real_counts = Counter(items[i].label for i in train_idx)
    # the length is a choice made from data: the training events' alone (the held-out ones decide nothing)
    trained = [items[i] for i in train_idx] or list(items)
    lengths = [max(1, it.apex - it.onset) for it in trained]
    length = int(np.median(lengths))
    if per_video is None:
        target = int(np.median([n for c, n in real_counts.items() if c != NONE_CLASS] or [min_per_class]))
        n_train_videos = len({items[i].video_id for i in train_idx}) or 1
        per_video = max(1, math.ceil(target / n_train_videos))
    out: list[Item] = []
    for vid in sorted({it.video_id for it in items}):
        busy = [(e.onset, e.offset) for e in project.events(vid)]
        margin = max(length, round(0.5 * videos[vid].fps))
        group = next(it.group for it in items if it.video_id == vid)
        out += [_none_item(project, vid, group, on, on + length)
                for on in none_windows(busy, videos[vid].frame_count, length, per_video, margin)]
    return out


def _none_item(project: Any, vid: int, group: str, onset: int, end: int) -> Item:
    """A `none` window of a video: its face the one the video shows most, as the app shows it."""
    spans = project.face_spans(vid)
    main = max(spans, key=lambda f: spans[f][2]) if spans else None
    box = project.face_box(vid, onset, main) if main is not None else None
    return Item(f"none:{vid}:{onset}", None, vid, group, NONE_CLASS, onset, end, end, None, "", box)


def locked_none(split: Any, none: Sequence[Item], project: Any, items: Sequence[Item]) -> list[Item]:
    """The `none` windows a run uses with its split: the held-out ones the split locked on its first run (its
    record's held_none, recorded now when it has none), so that later runs score on the same samples; a locked
    window an event was coded over since is left out and split.note says so. The training ones as drawn."""
    held = split.groups
    recorded = split.record.get("held_none")
    if not isinstance(recorded, list):
        split.record["held_none"] = [[it.video_id, it.onset, it.offset] for it in none if it.group in held]
        return list(none)
    group_of = {it.video_id: it.group for it in items}
    kept, gone = [], 0
    for w in recorded:
        if not (isinstance(w, list) and len(w) == 3 and all(isinstance(x, int) for x in w)):
            continue
        vid, on, end = w
        if group_of.get(vid) not in held:
            continue  # a video with no usable events now: its events are not scored either
        if any(e.onset <= end and on <= e.offset for e in project.events(vid)):
            gone += 1  # an event coded over it since: no longer a window of no expression
            continue
        kept.append(_none_item(project, vid, group_of[vid], on, end))
    if gone:
        line = (f"{gone} of the {len(recorded)} locked held-out 'none' window{'s' * (len(recorded) != 1)} now "
                f"overlap{'s' * (gone == 1)} an event coded since and {'are' if gone != 1 else 'is'} left out: the "
                "figures rest on fewer samples than earlier runs'.")
        split.note = f"{split.note} {line}" if split.note else f"Since the split was locked: {line}"
    return [it for it in none if it.group not in held] + kept


def trained_text(res: Any) -> str:
    """What the run trained on, in words, as `merstudio finetune` and the fine-tuning dialog both say it: the coded
    events and their coders, the 'none' windows and mixed samples beside them, and the count per class."""
    n_none = int(res.train_counts.get(NONE_CLASS, 0))
    counts = ", ".join(f"{c} {k}" for c, k in res.train_counts.items())
    return (f"trained on {len(res.train_events)} events by {', '.join(res.coders) or '-'}"
            + (f" + {n_none} 'none' windows" if n_none else "")
            + (f" + {res.n_mix} mixed samples" if res.n_mix else "")
            + (f" ({counts})" if counts else ""))


def held_out_text(res: Any) -> str:
    """The held-out set in words, as `merstudio finetune` and the fine-tuning dialog both say it: its samples split
    into events and 'none' windows (the held-out UF1 averages over the 'none' class too), and the count per class."""
    h = res.holdout
    held = ", ".join(map(str, h["groups"] if h["by"] == "subject" else h.get("video_names", h["groups"])))
    n, n_none = int(h["n"]), int(h.get("n_none", 0) or 0)
    parts = f"{n - n_none} events" + (f" + {n_none} 'none' windows" if n_none else "")
    counts = getattr(res, "holdout_counts", None) or {}
    per_class = "; " + ", ".join(f"{c} {k}" for c, k in counts.items()) if counts else ""
    return f"held out {h['by']} {held} ({n} samples: {parts}{per_class}), never trained on in this run"


def held_and_fresh_text(n_held: int, n_fresh: int) -> str:
    """'8 held-out events (+3 coded since the lock, scored apart)': the locked events a run scores on and, apart,
    the fresh ones (coded on the held-out groups since the lock), as the dialog's split row and the run's log line
    both count them (expressions coded twice once: collect_samples)."""
    text = f"{n_held} held-out event{'s' * (n_held != 1)}"
    return text + (f" (+{n_fresh} coded since the lock, scored apart)" if n_fresh else "")


def fresh_text(fresh: dict[str, Any] | None) -> str:
    """The fresh set's figures (finetune's result.fresh: the events coded on the held-out videos since the split was
    locked, scored apart) in a line, as the CLI and the fine-tuning dialog say it; '' when there is none."""
    if not fresh:
        return ""
    b, a = fresh["before"], fresh["after"]
    num = lambda x: "—" if not isinstance(x, int | float) or math.isnan(x) else f"{x:.3f}"  # noqa: E731
    figs = ", ".join(f"{name} {num(b.get(k))} → {num(a.get(k))}"
                     for k, name in (("uf1", "UF1"), ("uar", "UAR"), ("accuracy", "accuracy")))
    n = fresh["n"]
    return (f"fresh set: {n} event{'s' * (n != 1)} coded on the held-out videos since the split was locked, never "
            f"trained on nor scored by an earlier run: {figs} ({fresh['basis']['text']})")


def metric_rows(before: dict[str, Any], after: dict[str, Any],
                class_names: Sequence[str]) -> list[tuple[str, Any, Any]]:
    """The before/after table's rows (name, before, after) as the CLI and the dialog show them: UF1, UAR, accuracy,
    each class's F1 with its held-out samples, and a class with none named as not measured (a105: "3 of 5 classes"
    alone hid that the two the run could not train were not scored either)."""
    rows: list[tuple[str, Any, Any]] = [(name, before.get(key), after.get(key))
                                        for key, name in (("uf1", "UF1"), ("uar", "UAR"), ("accuracy", "accuracy"))]
    for c in class_names:
        b = before.get("per_class", {}).get(c, {})
        a = after.get("per_class", {}).get(c, {})
        n = b.get("support", 0)
        rows.append((f"F1 {c} (n={n})", b.get("f1"), a.get("f1")) if n else
                    (f"{c}: not measured (no held-out samples)", None, None))
    return rows


def holdout_basis(labels: Sequence[str], class_names: Sequence[str], parent_fit: int = 0) -> dict[str, Any]:
    """What held-out figures rest on (a fine-tuning's, or an older checkpoint's from the counts it records): the
    samples per class (every class of the model, 0 included), how many classes have any, how many of them trained
    the parent checkpoint (`parent_fit`), whether the figures are an estimate (at least HOLDOUT_MIN_SAMPLES samples
    of at least HOLDOUT_MIN_CLASSES classes, none of them fit by the parent) and that in words, as the CLI, the
    fine-tuning dialog and the checkpoint dialog say it: "not an estimate: 2 samples, 1 of 3 classes (UAR/UF1 over
    the classes present only); too few to compare models". a112: 10 of 18 held-out events had trained the parent,
    so the new model's 'after' score on them was fit too, and the figures were called an estimate."""
    per = {str(c): 0 for c in class_names}
    for label in labels:
        per[str(label)] = per.get(str(label), 0) + 1
    n, present = sum(per.values()), sum(1 for k in per.values() if k)
    few = n < HOLDOUT_MIN_SAMPLES or present < HOLDOUT_MIN_CLASSES
    estimate = not few and not parent_fit
    text = f"{n} sample{'s' * (n != 1)}, {present} of {len(per)} classes"
    if present < len(per):  # compute_metrics averages over the classes the samples have
        text += " (UAR/UF1 over the classes present only)"
    if not estimate:
        why = ["too few to compare models"] if few else []
        if parent_fit:
            why.append(f"{parent_fit} of them trained the parent checkpoint (or a fine-tuning it descends from), so "
                       "the 'before' and the 'after' score on them are fit, not held out")
        text = f"not an estimate: {text}; {'; '.join(why)}"
    return {"n": n, "per_class": per, "classes_present": present, "n_classes": len(per), "estimate": estimate,
            "parent_fit": int(parent_fit), "text": text}
