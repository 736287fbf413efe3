"""Fine-tune a checkpoint on a project's accepted and corrected events, with an honest held-out evaluation.

What is trained on: every event with status ``accepted`` (manual, imported, or an accepted model proposal) whose
emotion is one of the checkpoint's classes (directly, or through an optional class map), plus, when the checkpoint
has a ``none`` class, windows of the same videos lying away from every event (of any status), and optionally a
dataset (``mix_with``). The network input of each event is built exactly as for training:
``merstudio.datasets.preprocess`` on the event's video (onset -> apex, face detected and aligned on the onset
frame, the checkpoint's input settings), cached on disk like any dataset's. In a video of several people the face
is the event's own: the one on its box from the project's stored landmarks (a `none` window: the face seen most),
never simply the largest.

Held-out evaluation: whole videos (or whole subjects: the per-video ``subject:<id>`` project setting, set with
``merstudio project subject``, else the video's file stem; with no subject set at all holding out by subject is
refused) are held out, never single frames or events. The split is decided before any input is built;
the training loop is handed a copy of the training rows only (``DataArrays.subset``), and the held-out rows stay
here to be predicted by the parent (before) and the fine-tuned model (after). The held-out events are therefore
not part of the new checkpoint's training data at all; its metadata lists both sets. A mixed dataset
(``mix_with``) sample whose frames come from a held-out video (the same file or frame folder, a copy of it, or a
held-out frame folder's clip name: ``held_out_match``) is left out of training too, and the result counts them
(``n_mix_held_out``).

Training starts from the parent's weights: AdamW, cosine learning-rate decay, class-balanced sampling and the
parent's augmentation settings. Batch-norm statistics adapt to the project's videos by default (they are often
far from the parent's training data: another camera, another flow range); `freeze_norm=True` keeps the parent's.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import hashlib
import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from merstudio.errors import CheckpointError, InputError
from merstudio.io import natural_sort_key
from merstudio.model.columns import NONE_CLASS
from merstudio.project.events import au_numbers
from merstudio.training.metrics import compute_metrics
from merstudio.training.protocols import DataArrays
from merstudio.training.trainer import TrainingCancelled, TrainSettings, fit_model, predict, seed_everything

MIN_TRAIN_PER_CLASS = 3  # training events a class needs (after holding out) for fine-tuning to go ahead
DEFAULT_HOLDOUT_FRACTION = 0.25  # of the videos / subjects
_MAX_SPLITS = 400  # candidate hold-out sets scored (all of them when there are fewer)

ProgressFn = Callable[[int, int], None]
StageFn = Callable[[str], None]
LossFn = Callable[[int, int, float], None]  # (epoch 1-based, epochs, mean training loss)


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


@dataclass
class FinetuneResult:
    checkpoint: Path
    class_names: list[str]
    before: dict[str, Any]  # compute_metrics of the parent on the held-out samples
    after: dict[str, Any]  # ... and of the fine-tuned model
    holdout: dict[str, Any]  # by, groups, videos, subjects, events, n
    train_events: list[int]
    holdout_events: list[int]
    coders: list[str]
    train_counts: dict[str, int]
    holdout_counts: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)  # emotion -> events not in the model's classes
    n_mix: int = 0  # mixed dataset samples trained on
    n_mix_held_out: int = 0  # mixed samples left out: their frames come from a held-out video
    history: list[dict[str, Any]] = field(default_factory=list)
    # The project's locked held-out split with this run added (store it with store_split; finetune() does when
    # it can open the project for writing: split_saved), and what the caller must say about the comparison.
    split: dict[str, Any] = field(default_factory=dict)
    split_saved: bool = False
    split_note: str = ""

    def table(self) -> str:
        """Before/after on the held-out samples, as aligned text."""
        rows = [("", "before", "after")]
        for key, name in (("uf1", "UF1"), ("uar", "UAR"), ("accuracy", "accuracy")):
            rows.append((name, _fmt(self.before.get(key)), _fmt(self.after.get(key))))
        for c in self.class_names:
            b = self.before.get("per_class", {}).get(c, {})
            a = self.after.get("per_class", {}).get(c, {})
            if b.get("support", 0):
                rows.append((f"F1 {c} (n={b['support']})", _fmt(b.get("f1")), _fmt(a.get("f1"))))
        w = max(len(r[0]) for r in rows) + 2
        return "\n".join(f"{r[0]:<{w}}{r[1]:>8}{r[2]:>8}" for r in rows)


def _fmt(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


# --------------------------------------------------------------------------------------------- events and split


def _norm(s: str) -> str:
    return " ".join(str(s).strip().lower().split())


def label_resolver(class_names: Sequence[str], class_map: Any = None) -> Callable[[str], str | None]:
    """emotion -> checkpoint class name or None. Without a map: the class of the same name (case-insensitive).
    With a map (merstudio.datasets class map name, JSON file or dict): its lookup in any of its scopes. A coder's
    project is of no dataset, so a label maps by the first scope that maps it to a class, and is dropped only when
    no scope does (MEGC2019: SAMM's sadness -> negative, not CASME II's sadness -> dropped)."""
    by_name = {_norm(c): c for c in class_names}
    cmap = None
    if class_map is not None:
        from merstudio.datasets.classes import class_map as resolve_map
        from merstudio.datasets.classes import is_unknown

        cmap = resolve_map(class_map)
        unknown = [c for c in cmap.classes if _norm(c) not in by_name]
        if unknown:
            raise InputError(f"class map {cmap.name}: class {', '.join(unknown)} is not one of the model's "
                             f"classes ({', '.join(class_names)})")

    def resolve(emotion: str) -> str | None:
        key = _norm(emotion)
        if not key:
            return None
        if cmap is not None:
            dropped = False
            for scope in ("project", *cmap.mapping):
                hit = cmap.lookup(scope, key)
                if isinstance(hit, str):
                    return by_name.get(_norm(hit))
                dropped = dropped or not is_unknown(hit)
            if dropped:
                return None
        return by_name.get(key)

    return resolve


def video_groups(project: Any, by: str = "video", where: str = "project") -> dict[int, str]:
    """{video id: the group the hold-out splits it by}: its id (by video), or its subject (by subject: the
    ``subject:<id>`` setting, else its file stem). Holding out by subject when no video of the project has a
    subject set would hold out single videos under another name: refused (InputError, one line)."""
    from merstudio.project.subjects import video_subject

    videos = project.videos()
    if by != "subject":
        return {v.id: str(v.id) for v in videos}
    named = {v.id: s for v in videos if (s := video_subject(project, v.id)) is not None}
    if videos and not named:
        raise InputError(f"{where}: holding out by subject, but no video of the project has a subject set (each "
                         "video would count as its own subject); set them (the app's Videos dock: right-click > Set "
                         "subject; or `merstudio project subject PROJECT VIDEO SUBJECT`), or hold out by video")
    return {v.id: named.get(v.id, Path(v.path).stem) for v in videos}


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


def collect_events(project: Any, class_names: Sequence[str], *, by: str = "video",
                   class_map: Any = None, where: str = "project") -> tuple[list[Item], dict[str, int]]:
    """The project's accepted events whose emotion maps to a class, as Items (ordered by video, onset), and
    {emotion: count} of accepted events left out because their emotion is empty or not a class. Holding out by
    subject with no subject set on any video is refused (video_groups)."""
    resolve = label_resolver(class_names, class_map)
    items: list[Item] = []
    skipped: Counter[str] = Counter()
    groups = video_groups(project, by, where)
    for video in project.videos():
        group = groups.get(video.id, str(video.id))
        for e in project.events(video.id, status="accepted"):
            label = resolve(e.emotion)
            if label is None:
                skipped[e.emotion or "(no emotion)"] += 1
                continue
            aus = tuple(au_numbers(e.aus)) if e.aus else None
            items.append(Item(f"event:{e.id}", e.id, video.id, group, label, e.onset, e.apex, e.offset, aus,
                              e.coder, project.face_box(video.id, e.onset, e.face_id)))
    return items, dict(skipped)


def suggest_class_map(class_names: Sequence[str], skipped: dict[str, int]) -> tuple[str, int] | None:
    """The preset class map that would use the most of the events left out for want of a class (collect_events'
    `skipped`), and how many: (name, n), or None when no preset uses any."""
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
        if n and (best is None or n > best[1]):
            best = (name, n)
    return best


def parse_holdout(holdout: str | float) -> tuple[str, float]:
    """'video' | 'subject' | 'video:0.3' | 'subject:0.5' | 0.3 (a fraction of the videos) -> (by, fraction)."""
    bad = InputError(f"--holdout {holdout}: expected video, subject, video:FRACTION, subject:FRACTION or a "
                     "fraction of the videos (hold-out is by whole videos or subjects, never by frame)")
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
        raise InputError(f"--holdout {holdout}: the fraction must be between 0 and 1, got {frac}")
    return by, frac


def split_holdout(items: Sequence[Item], fraction: float, *, min_train: int = MIN_TRAIN_PER_CLASS, seed: int = 0,
                  where: str = "project", by: str = "video",
                  avoid: set[int] | frozenset[int] = frozenset()) -> tuple[set[str], list[int], list[int]]:
    """Choose whole groups to hold out: about `fraction` of them (at least one, at least one left), preferring
    a split where every class keeps >= min_train training events, then one that holds out the fewest events of
    `avoid` (event ids: the ones the parent model trained on, or that earlier splits held out), then one whose
    held-out part covers the most classes, then the one closest to `fraction` of the events. Returns (held-out
    groups, train indices, held-out indices) into `items`. Refuses (InputError) when no split leaves enough
    training events."""
    groups = sorted({it.group for it in items}, key=natural_sort_key)
    if len(groups) < 2:
        raise InputError(f"{where}: holding out by {by} needs usable events on at least 2 {by}s, found "
                         f"{len(groups)}; code events on another {by} so the new model can be evaluated")
    n_hold = max(1, min(len(groups) - 1, round(fraction * len(groups))))
    labels = sorted({it.label for it in items})
    per_group = {g: Counter(it.label for it in items if it.group == g) for g in groups}
    avoided = {g: sum(1 for it in items if it.group == g and it.event_id in avoid) for g in groups}
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
        key = (valid, -sum(avoided[g] for g in held), sum(1 for c in labels if h[c] > 0),
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
        held = sorted(it.event_id for it in items if it.event_id is not None and it.group in groups) \
            if previous.get("by") == by else []
    current = {"by": previous.get("by"), "groups": list(previous.get("groups", [])), "held_events": held,
               "runs": len(previous.get("runs", []))}
    return [*(previous.get("spent") or []), current]


def locked_split(record: Any, items: Sequence[Item], by: str, *, min_train: int = MIN_TRAIN_PER_CLASS,
                 where: str = "project", names: dict[str, str] | None = None,
                 ) -> tuple[set[str], list[int], list[int]] | None:
    """The held-out split a project locked on its first fine-tuning by `by`, applied to today's events: the
    same groups stay held out (groups coded since then train). None when there is no lock for `by`. Refuses
    (InputError) when the locked groups have no usable events left or too few training events remain; `names`
    (group_names) names the groups there."""
    if not isinstance(record, dict) or record.get("by") != by or not isinstance(record.get("groups"), list):
        return None
    groups = {it.group for it in items}
    held = {str(g) for g in record["groups"]} & groups
    fresh = "hold out afresh (--fresh-split, or 'Fresh split' in the dialog)"
    if not held:
        raise InputError(f"{where}: none of the locked held-out {by}s ({named_groups(record['groups'], names)}) "
                         f"has usable events now; {fresh}")
    if held == groups:
        raise InputError(f"{where}: every {by} with usable events is in the locked held-out split; code events on "
                         f"another {by} or {fresh}")
    train_idx = [i for i, it in enumerate(items) if it.group not in held]
    held_idx = [i for i, it in enumerate(items) if it.group in held]
    counts = Counter(items[i].label for i in train_idx)
    for c in sorted({it.label for it in items}):
        if counts[c] < min_train:
            raise InputError(f"{where}: too few events to fine-tune: class '{c}' has {counts[c]} accepted event"
                             f"{'s' if counts[c] != 1 else ''} outside the locked held-out {by}s (need at least "
                             f"{min_train}); code more '{c}' events on other {by}s or {fresh}")
    return held, train_idx, held_idx


def trained_events(meta: dict[str, Any], project_path: str | Path) -> set[int]:
    """The project's events a checkpoint (and the fine-tunings it descends from) trained on; empty for a model
    trained elsewhere (a checkpoint of another project's events says nothing about this one's ids)."""
    ft = meta.get("finetune") or {}
    try:
        same = Path(str(ft.get("project", ""))).resolve() == Path(project_path).expanduser().resolve()
    except (OSError, ValueError):
        same = False
    if not same:
        return set()
    ids = ft.get("trained_events", ft.get("events")) or []
    return {int(i) for i in ids if isinstance(i, int)}


def split_note(record: dict[str, Any], parent_overlap: int = 0, reused: int = 0) -> str:
    """What to say about held-out scores: on events the parent model trained on (its 'before' score is fit, not
    held out), on events an earlier, spent split held out (`reused`: its runs were scored on them), and on a split
    earlier runs were already scored on ('' when none)."""
    first = (f"{parent_overlap} of these held-out events trained the parent checkpoint (or a fine-tuning it "
             "descends from): its 'before' score on them is not a held-out score. " if parent_overlap else "")
    if reused:
        first += (f"{reused} of these held-out events were held out by an earlier split, whose runs were already "
                  "scored on them (no split avoids them all): choices made by those scores saw them. ")
    earlier = record.get("runs", [])[:-1]
    if not earlier:
        return first.strip()
    best = max((r.get("after_uf1") for r in earlier if isinstance(r.get("after_uf1"), float)
                and not math.isnan(r["after_uf1"])), default=None)
    return first + (f"These held-out events already scored {len(earlier)} earlier fine-tuning run"
            f"{'s' if len(earlier) != 1 else ''}" + (f" (best UF1 {best:.3f})" if best is not None else "")
            + ": picking the best of several runs by them makes its score optimistic. Confirm the chosen "
            "settings on events coded later, or on a fresh split.")


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
    """Refuse (one line, naming the class and its count) when a class used in the project has too few events,
    or fewer than two classes are usable. Classes with no events at all are allowed (kept from the parent).
    `skipped` (collect_events'): the refusal also counts the events left out because their emotion is not a class,
    and with `suggest` (no class map given) names the preset map that would use them (suggest_class_map)."""
    counts = Counter(it.label for it in items)
    real = [c for c in class_names if c != NONE_CLASS]
    left = _left_out(class_names, skipped or {}, suggest)
    if not items:
        raise InputError(f"{where}: no accepted events with an emotion among the model's classes "
                         f"({', '.join(real)}){left}; accept or code some events first")
    for c in real:
        if 0 < counts[c] < min_per_class:
            raise InputError(f"{where}: too few events to fine-tune: class '{c}' has {counts[c]} accepted "
                             f"event{'s' if counts[c] != 1 else ''} (need at least {min_per_class}){left}")
    used = [c for c in real if counts[c]]
    if len(used) < 2:
        have = f"only '{used[0]}' ({counts[used[0]]} events)" if used else "none"
        raise InputError(f"{where}: too few events to fine-tune: events of at least 2 classes are needed, the "
                         f"project has {have}{left}")


def _left_out(class_names: Sequence[str], skipped: dict[str, int], suggest: bool) -> str:
    """'; N accepted events left out, their emotion naming none of the model's classes (sadness 4, ...)', with the
    preset map that would use them when `suggest`; '' when none was left out by its name."""
    named = {k: v for k, v in skipped.items() if k != "(no emotion)"}
    n = sum(named.values())
    if not n:
        return ""
    text = (f"; {n} accepted event{'s' * (n != 1)} left out, {'their' if n != 1 else 'its'} emotion naming none of "
            f"the model's classes ({', '.join(f'{k} {v}' for k, v in sorted(named.items()))})")
    hint = suggest_class_map(class_names, named) if suggest else None
    return text + (f"; the class map {hint[0]} (--classes {hint[0]}) would use {hint[1]} of them" if hint else "")


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


# --------------------------------------------------------------------------------------------- inputs


def preprocess_settings(meta: dict[str, Any], cfg: Any, where: str) -> Any:
    """The PreprocessSettings the checkpoint was trained with (meta['input']['preprocess'] when present,
    else derived from meta['input'])."""
    from merstudio.datasets.preprocess import PreprocessSettings
    from merstudio.model.inputs import InputSettings
    from merstudio.training.data import MODALITY_TO_PREP

    inp = meta.get("input") if isinstance(meta.get("input"), dict) else {}
    if inp and inp.get("normalise", "minmax") != "minmax":
        raise CheckpointError(f"{where}: input normalisation '{inp.get('normalise')}' cannot be rebuilt from "
                              "video for fine-tuning (only minmax)")
    prep = inp.get("preprocess") if inp else None
    try:
        if isinstance(prep, dict):
            known = {f.name for f in dataclasses.fields(PreprocessSettings)}
            s = PreprocessSettings(**{k: v for k, v in prep.items() if k in known})
        else:
            ins = InputSettings.from_dict(inp) if inp else InputSettings(
                modality={3: "flow", 1: "grey", 4: "flow+grey"}[cfg.in_channels], size=cfg.input_size, T=cfg.T)
            s = PreprocessSettings(modality=MODALITY_TO_PREP[ins.modality], size=ins.size, T=ins.T,
                                   flow=ins.flow_method, spacing=ins.spacing, framing=ins.box)
    except (InputError, TypeError) as exc:
        raise CheckpointError(f"{where}: bad input settings ({exc})") from None
    if s.channels != cfg.in_channels or s.size != cfg.input_size or s.T != cfg.T:
        raise CheckpointError(f"{where}: input settings ({s.modality}, {s.size} px, T={s.T}) do not fit the model "
                              f"({cfg.in_channels} channels, {cfg.input_size} px, T={cfg.T})")
    return s


def build_inputs(items: Sequence[Item], video_paths: dict[int, Path], fps: dict[int, float], prep: Any, *,
                 cache_dir: str | Path | None = None, progress: ProgressFn | None = None,
                 cancel: Callable[[], bool] | None = None, where: str = "project") -> np.ndarray:
    """(N, T, C, S, S) inputs of the items, through datasets.preprocess (face alignment, flow, cache).
    progress(done, total) from (0, total) on, one step per sample; cancel is checked before each sample."""
    from merstudio.datasets.preprocess import PreprocessCancelled, prepare
    from merstudio.datasets.sample import Sample

    samples = [Sample(dataset="project", subject=it.group, sample=it.sample.replace(":", "_"), label=it.label,
                      raw_label=it.label, path=video_paths[it.video_id], onset=it.onset, apex=it.apex,
                      offset=it.offset, fps=fps.get(it.video_id),
                      meta={"kind": "video", "source": f"{where}: {it.sample.replace(':', ' ')}",
                            **({"face_box": list(it.face_box)} if it.face_box is not None else {})})
               for it in items]
    if progress is not None:  # how many, before the first (MediaPipe's start-up: seconds) is done
        progress(0, len(samples))
    try:
        X, _info = prepare(samples, prep, progress=progress, cancel=cancel, cache_dir=cache_dir)
    except PreprocessCancelled:
        raise TrainingCancelled("fine-tuning cancelled") from None
    return X


def _arrays(items: Sequence[Item], X: np.ndarray, class_names: Sequence[str], aus: Sequence[int]) -> DataArrays:
    from merstudio.model.priors import au_targets_from_sets

    index = {c: i for i, c in enumerate(class_names)}
    au, mask = au_targets_from_sets([it.aus for it in items], list(aus))
    return DataArrays(X=X, y=np.array([index[it.label] for it in items], dtype=np.int64),
                      subjects=np.array([it.group for it in items], dtype=object),
                      samples=np.array([it.sample for it in items], dtype=object),
                      datasets=np.array(["project"] * len(items), dtype=object), au=au, au_mask=mask)


def _concat(a: DataArrays, b: DataArrays) -> DataArrays:
    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(a, name), getattr(b, name)])

    return DataArrays(X=cat("X"), y=cat("y"), subjects=cat("subjects"), samples=cat("samples"),
                      datasets=cat("datasets"), au=cat("au"), au_mask=cat("au_mask"))


def _resolved(path: str | Path) -> Path:
    p = Path(path).expanduser()
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a path that cannot be resolved
        return p.absolute()


def held_out_match(sample: Any, held: Sequence[str | Path], videos: Sequence[Any] = ()) -> str | None:
    """Whether a mixed dataset sample (merstudio.datasets Sample) comes from one of the held-out videos, given
    where they are (`held`) and their project records (`videos`, merstudio.project Video): "path" when its video
    file, frame folder or frames' folder is one of them (paths resolved: a link, a relative path or `..` name the
    same file); "copy" when that file or folder has a held-out video's content (the project's own test of a moved
    video: its content hash, a frame folder's file names and sizes); "clip" when a held-out video is a frame folder
    (a dataset clip added to the project) whose name is the sample's clip name (its frame folder's name, or its
    sample name: another copy of the clip, or flow images computed from it); else None."""
    from merstudio.project.store import Project

    held_paths = {_resolved(h) for h in held}
    own = {_resolved(sample.path)}
    own.update(_resolved(f).parent for f in (sample.frames or [])[:1])
    if own & held_paths:
        return "path"
    if any(Project.matches(p, v) for p in own for v in videos):
        return "copy"
    clips = {h.name.casefold() for h in held_paths if h.is_dir()}
    if not clips:
        return None
    names = {str(sample.sample).casefold()}
    if sample.frames is not None or Path(sample.path).is_dir():
        names.add(Path(sample.path).name.casefold())
    return "clip" if names & clips else None


def load_mix(spec: str, class_names: Sequence[str], prep: Any, aus: Sequence[int], *, classes: Any = None,
             cache_dir: str | Path | None = None, log: Callable[..., Any] = print,
             held_out: Sequence[str | Path] = (),
             held_videos: Sequence[Any] = (), options: Any = None) -> tuple[DataArrays, dict[str, int]]:
    """A dataset (a --data spec, read with the loader `options`: a LoadOptions, the --mix-modality, ... flags)
    prepared with the checkpoint's input settings, its labels re-indexed to the
    checkpoint's classes (default class map: the model's own class names), less the samples that come from one
    of the held-out videos (held_out_match: where they are, `held_out`, and their project records, `held_videos`).
    Returns the arrays and {"path" | "copy" | "clip": samples left out}."""
    from merstudio.training.data import PREP_TO_MODALITY, load_arrays

    real = [c for c in class_names if c != NONE_CLASS]
    cls = classes if classes is not None else ",".join(real)
    modality = PREP_TO_MODALITY[prep.modality]
    listed: list[Any] = []  # the samples behind the arrays' rows: where each one's frames are (listed once)
    data, info = load_arrays(spec, classes=cls, input_kind=modality, size=prep.size, steps=prep.T, spacing=prep.spacing,
                             flow=prep.flow, aus=list(aus), cache_dir=cache_dir, framing=prep.framing, log=log,
                             options=options, option_flags="--mix-", on_samples=listed.append)
    index = {_norm(c): i for i, c in enumerate(class_names)}
    remap = []
    for c in info["class_names"]:
        if _norm(c) not in index:
            raise InputError(f"{spec}: class '{c}' of the mixed data is not one of the model's classes "
                             f"({', '.join(class_names)}); give a class map that maps onto them")
        remap.append(index[_norm(c)])
    data.y = np.asarray(remap, dtype=np.int64)[data.y]
    left: Counter[str] = Counter()
    if (held_out or held_videos) and len(data):
        why = [held_out_match(s, held_out, held_videos) for s in listed[0]]
        assert len(why) == len(data)  # load_arrays makes one row per sample, in order
        left.update(w for w in why if w is not None)
        if left:
            data = data.subset(np.flatnonzero([w is None for w in why]))
    data.subjects = np.array([f"mix:{s}" for s in data.subjects], dtype=object)
    data.samples = np.array([f"mix:{s}" for s in data.samples], dtype=object)
    return data, dict(left)


# --------------------------------------------------------------------------------------------- training


# --------------------------------------------------------------------------------------------- files


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_FT = re.compile(r"^(?P<base>.+?)-ft(?P<n>\d+)$")


def next_version_path(parent: str | Path, folder: str | Path) -> Path:
    """<parent stem>-ftN<suffix> in `folder`, N one more than the parent's own N and than any existing file's
    (a fine-tune of starter-ft1.pt is starter-ft2.pt, never starter-ft1-ft1.pt)."""
    p = Path(parent)
    m = _FT.match(p.stem)
    base, n = (m.group("base"), int(m.group("n"))) if m else (p.stem, 0)
    suffix = p.suffix or ".pt"
    folder = Path(folder)
    if folder.is_dir():
        for q in folder.glob(f"{glob_escape(base)}-ft*{suffix}"):
            mq = _FT.match(q.stem)
            if mq and mq.group("base") == base:
                n = max(n, int(mq.group("n")))
    return folder / f"{base}-ft{n + 1}{suffix}"


def glob_escape(s: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", s)


# --------------------------------------------------------------------------------------------- main entry


def _as_cancel(cancel: Callable[[], bool] | threading.Event | None) -> Callable[[], bool] | None:
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def _metrics(y: np.ndarray, probs: np.ndarray, class_names: Sequence[str]) -> dict[str, Any]:
    m = compute_metrics(y, probs.argmax(1), list(class_names))
    m.pop("per_dataset", None)
    return m


def finetune(project_path: str | Path, checkpoint_path: str | Path, out_path: str | Path | None = None, *,
             holdout: str | float = "video", mix_with: str | None = None, mix_classes: Any = None,
             mix_options: Any = None,
             class_map: Any = None, epochs: int = 15, lr: float = 1e-3, batch_size: int = 8, seed: int = 0,
             fresh_split: bool = False,
             device: str = "auto", freeze_norm: bool = False, min_per_class: int = MIN_TRAIN_PER_CLASS, none_per_video: int | None = None,
             cache_dir: str | Path | None = None, progress: ProgressFn | None = None,
             cancel: Callable[[], bool] | threading.Event | None = None, loss_callback: LossFn | None = None,
             stage: StageFn | None = None, log: Callable[..., Any] | None = None) -> FinetuneResult:
    """Fine-tune `checkpoint_path` on the project's accepted events; write the new checkpoint (out_path, or the
    next free <parent>-ftN.pt beside the project) and return what was done and the before/after metrics.

    progress(done, total) counts the inputs being built (stage "inputs") and then the epochs (stage "training");
    stage(name) announces "inputs", "before", "training", "after", "saving"; loss_callback(epoch, epochs, loss)
    follows every epoch. cancel (a callable or threading.Event) stops at the next sample or batch with
    TrainingCancelled; nothing is written then. Too few events -> InputError naming the class and its count.

    The held-out split is locked per project: the first fine-tuning holding out by video (or subject) draws it
    (seeded) and records it in the project; later runs hold out the same groups whatever their seed, so their
    scores compare like with like, and each run is recorded on it. Because choosing among runs by those scores
    spends the held-out events, the result's split_note says so from the second run on; fresh_split draws a
    new split (new seed) and starts a new record. mix_options (merstudio.datasets.LoadOptions): how the mix_with
    dataset is read (--mix-modality VIS, ...), as `merstudio train` reads --data with --modality VIS."""
    from merstudio.model.checkpoint import load_checkpoint, save_checkpoint
    from merstudio.project.store import Project

    cancel_fn = _as_cancel(cancel)
    say = log or (lambda *a, **k: None)
    stage_fn = stage or (lambda name: None)
    if epochs < 1 or lr <= 0 or batch_size < 1 or min_per_class < 1:
        raise InputError("fine-tuning needs epochs >= 1, lr > 0, batch size >= 1 and min-per-class >= 1")
    ckpt = Path(checkpoint_path).expanduser()
    parent_model, parent_meta = load_checkpoint(ckpt)
    cfg = parent_model.cfg
    class_names = list(cfg.class_names)
    prep = preprocess_settings(parent_meta, cfg, str(ckpt))
    by, fraction = parse_holdout(holdout)
    from merstudio.datasets import LoadOptions

    mix_opts = mix_options if mix_options is not None else LoadOptions()
    if mix_opts.given():  # an option the --mix dataset's kind does not read fails now, not after the inputs
        if not mix_with:
            raise InputError(f"{mix_opts.flags('--mix-')}: loader options of --mix: give --mix DATA too")
        from merstudio.training.data import parse_data_spec

        mix_cls = mix_classes if mix_classes is not None else ",".join(c for c in class_names if c != NONE_CLASS)
        mix_opts.check(parse_data_spec(mix_with)[0], mix_cls, "--mix-")
    ppath = Path(project_path).expanduser()
    where = str(ppath)

    project = Project.open(ppath)
    try:
        items, skipped = collect_events(project, class_names, by=by, class_map=class_map, where=where)
        check_counts(items, class_names, min_per_class, where, skipped=skipped, suggest=class_map is None)
        previous = project.get_setting(SPLIT_SETTING)
        parent_trained = trained_events(parent_meta, ppath)
        names = group_names(project, by)  # the messages name videos by file name, not by id
        locked = None if fresh_split else locked_split(previous, items, by, min_train=min_per_class, where=where,
                                                       names=names)
        reused = 0
        if locked is not None:
            held_groups, train_idx, held_idx = locked
            record: dict[str, Any] = dict(previous)
            if abs(float(previous.get("fraction", fraction)) - fraction) > 1e-9:
                say(f"holding out the project's locked {by} split (fraction {previous.get('fraction')}), not a new "
                    f"one of fraction {fraction}")
        else:
            split_seed = seed
            had = isinstance(previous, dict) and isinstance(previous.get("groups"), list)
            if fresh_split and had and previous.get("by") == by:
                split_seed = int(previous.get("seed", seed)) + 1  # another draw than the spent one
            # a new split (fresh, or by another grouping) keeps what earlier ones spent, and avoids holding it out
            # again where it can, as it avoids the events the parent model trained on
            spent = _spent(previous, items, by) if had else []
            spent_events = {e for s in spent for e in s.get("held_events", [])}
            held_groups, train_idx, held_idx = split_holdout(items, fraction, min_train=min_per_class,
                                                             seed=split_seed, where=where, by=by,
                                                             avoid=parent_trained | spent_events)
            record = {"by": by, "fraction": fraction, "seed": split_seed,
                      "groups": sorted(held_groups, key=natural_sort_key),
                      "held_events": sorted(e for i in held_idx if (e := items[i].event_id) is not None),
                      "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "runs": [],
                      "spent": spent}
            if had:
                last = spent[-1]
                reused = len(spent_events & set(record["held_events"]))
                say(f"drew a new hold-out by {by}: {named_groups(record['groups'], names)}; the earlier split "
                    f"({last['by']} {named_groups(last['groups'], group_names(project, str(last['by'])))}, "
                    f"{last['runs']} run(s) scored on it) stays recorded as "
                    "spent" + (f"; {reused} of the new held-out events were held out before (no split avoids them "
                               "all): earlier choices already saw them" if reused else ""))
        video_ids = sorted({it.video_id for it in items})
        videos = {v.id: v for v in project.videos()}
        paths: dict[int, Path] = {}
        for vid in video_ids:
            found = project.locate_video(vid)
            if found is None:
                raise InputError(f"{where}: video {videos[vid].path} (id {vid}): {project.missing_reason(vid)}; "
                                 "relocate it in the app or put it beside the project")
            paths[vid] = found
        fps = {vid: videos[vid].fps for vid in video_ids}
        video_names = group_names(project, "video")
        # Where the held-out videos' frames are (every video of a held-out group, events or not; where it is now
        # and where the project recorded it): a mixed sample taken from them is left out of training.
        held_paths: list[Path] = []
        held_records: list[Any] = []
        for vid, group in (video_groups(project, by, where).items() if mix_with else ()):  # only --mix reads them
            if group in held_groups:
                held_records.append(videos[vid])
                held_paths.append(Path(videos[vid].path))
                now = paths.get(vid) or project.locate_video(vid)
                if now is not None:
                    held_paths.append(Path(now))
        # `none` windows from the same videos, away from every event (any status): they follow their video's side
        # of the split like the events do.
        none_items: list[Item] = []
        if NONE_CLASS in class_names:
            real_counts = Counter(items[i].label for i in train_idx)
            lengths = [max(1, it.apex - it.onset) for it in items]
            length = int(np.median(lengths))
            per_video = none_per_video
            if per_video is None:
                target = int(np.median([n for c, n in real_counts.items() if c != NONE_CLASS] or [min_per_class]))
                n_train_videos = len({items[i].video_id for i in train_idx}) or 1
                per_video = max(1, math.ceil(target / n_train_videos))
            for vid in video_ids:
                busy = [(e.onset, e.offset) for e in project.events(vid)]
                margin = max(length, round(0.5 * fps[vid]))
                group = next(it.group for it in items if it.video_id == vid)
                spans = project.face_spans(vid)  # a window of no expression: the face seen most, as the app shows
                main = max(spans, key=lambda f: spans[f][2]) if spans else None
                for on in none_windows(busy, videos[vid].frame_count, length, per_video, margin):
                    box = project.face_box(vid, on, main) if main is not None else None
                    none_items.append(Item(f"none:{vid}:{on}", None, vid, group, NONE_CLASS, on, on + length,
                                           on + length, None, "", box))
    finally:
        project.close()

    all_items = [items[i] for i in train_idx] + [it for it in none_items if it.group not in held_groups]
    n_train_items = len(all_items)
    all_items += [items[i] for i in held_idx] + [it for it in none_items if it.group in held_groups]
    say(f"{len(items)} events ({', '.join(f'{c} {n}' for c, n in sorted(Counter(i.label for i in items).items()))})"
        f" + {len(none_items)} '{NONE_CLASS}' windows; holding out {by} "
        f"{named_groups(sorted(held_groups, key=natural_sort_key), names)}")

    stage_fn("inputs")
    X = build_inputs(all_items, paths, fps, prep, cache_dir=cache_dir, progress=progress, cancel=cancel_fn,
                     where=where)
    data = _arrays(all_items, X, class_names, cfg.aus)
    # Copies: the training loop gets `train` only, and nothing it holds refers to the held-out rows.
    train = data.subset(np.arange(n_train_items))
    held = data.subset(np.arange(n_train_items, len(all_items)))
    del data, X
    leaked = set(train.samples.tolist()) & set(held.samples.tolist())
    leaked_groups = set(train.subjects.tolist()) & set(held.subjects.tolist())
    if leaked or leaked_groups:  # cannot happen by construction; a guard against future edits
        raise RuntimeError(f"held-out samples in the training data: {sorted(leaked | leaked_groups)[:5]}")
    n_mix = n_mix_held = 0
    if mix_with:
        mix, left = load_mix(mix_with, class_names, prep, cfg.aus, classes=mix_classes, cache_dir=cache_dir,
                             log=say, held_out=held_paths, held_videos=held_records, options=mix_opts)
        n_mix, n_mix_held = len(mix), sum(left.values())
        if n_mix_held:
            how = ", ".join(f"{left[k]} {what}" for k, what in (("path", "the same file or frame folder"),
                                                                 ("copy", "a copy of one"),
                                                                 ("clip", "the same clip name")) if left.get(k))
            say(f"--mix {mix_with}: left out {n_mix_held} sample{'s' * (n_mix_held != 1)} taken from the held-out "
                f"video(s) ({how}); training on the other {n_mix}")
        train = _concat(train, mix)

    if cancel_fn is not None and cancel_fn():
        raise TrainingCancelled("fine-tuning cancelled")
    stage_fn("before")
    before = _metrics(held.y, predict(parent_model, held.X)[0], class_names)

    stored_settings = parent_meta.get("training")
    base_settings = stored_settings if isinstance(stored_settings, dict) else {}
    settings = TrainSettings.from_dict({**TrainSettings().to_dict(), **base_settings})
    settings = dataclasses.replace(settings, epochs=int(epochs), lr=float(lr), batch_size=int(batch_size),
                                   seed=int(seed), device=device, val_fraction=0.0, warmup_epochs=0, mixup=0.0,
                                   # predicts as its parent does (flip-averaged or not): before/after compare alike
                                   tta_flip=getattr(parent_model, "tta_flip", None) is not None)
    prior = None
    if cfg.use_au and cfg.w_consistency > 0:
        stored = parent_meta.get("prior")
        if stored is not None and np.asarray(stored).shape == (len(cfg.aus), cfg.n_classes):
            prior = torch.tensor(np.asarray(stored, dtype=np.float32))
        else:
            from merstudio.model.priors import estimate_prior

            prior = estimate_prior(train.au, train.y, train.au_mask, cfg)
    model = copy.deepcopy(parent_model)
    stage_fn("training")

    def on_epoch(epoch: int, total: int, loss: float) -> None:
        if loss_callback is not None:
            loss_callback(epoch, total, loss)
        if progress is not None:
            progress(epoch, total)

    # the seed decides everything random in training (dropout and MixStyle draw from torch's global generator):
    # the same seed and data give the same weights, as in trainer.train_fold
    seed_everything(settings.seed)
    history = fit_model(model, train, settings, prior, freeze_norm=freeze_norm, cancel=cancel_fn,
                        progress=lambda p: on_epoch(p.epoch, p.epochs, p.loss),
                        cancel_message="fine-tuning cancelled")
    stage_fn("after")
    model.cpu()
    after = _metrics(held.y, predict(model, held.X, device="cpu")[0], class_names)

    if cancel_fn is not None and cancel_fn():
        raise TrainingCancelled("fine-tuning cancelled")
    stage_fn("saving")
    out = Path(out_path).expanduser() if out_path is not None else next_version_path(ckpt, ppath.parent)
    train_events = sorted(it.event_id for it in all_items[:n_train_items] if it.event_id is not None)
    held_events = sorted(it.event_id for it in all_items[n_train_items:] if it.event_id is not None)
    coders = sorted({it.coder for it in all_items[:n_train_items] if it.event_id is not None and it.coder})
    held_videos = sorted({it.video_id for it in all_items[n_train_items:]})
    train_counts = dict(Counter(class_names[k] for k in train.y))
    held_counts = dict(Counter(class_names[k] for k in held.y))
    holdout_info = {"by": by, "fraction": fraction, "groups": sorted(held_groups, key=natural_sort_key),
                    "videos": held_videos, "video_names": [video_names[str(v)] for v in held_videos],
                    "events": held_events, "n": len(held),
                    "samples": held.samples.tolist(), "labels": [class_names[k] for k in held.y],
                    "n_none": int(sum(1 for it in all_items[n_train_items:] if it.event_id is None))}
    parent_hash = file_sha256(ckpt)
    summary = lambda m: {k: m[k] for k in ("uf1", "uar", "accuracy", "n", "per_class", "confusion")}  # noqa: E731
    meta = {k: v for k, v in parent_meta.items()
            if k not in ("model_config", "n_parameters", "merstudio_version", "created", "format_version")}
    meta.update({
        "parent": str(ckpt.resolve()),
        "parent_sha256": parent_hash,
        "lineage": [*(parent_meta.get("lineage") or []),
                    {"path": str(ckpt.resolve()), "sha256": parent_hash, "created": parent_meta.get("created")}],
        "training": settings.to_dict(),
        "metrics": {"protocol": f"fine-tuning hold-out by {by} ({len(held)} samples)", "uf1": after["uf1"],
                    "uar": after["uar"], "accuracy": after["accuracy"], "n": after["n"],
                    "before_uf1": before["uf1"], "before_uar": before["uar"]},
        "finetune": {
            "project": str(ppath.resolve()),
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "events": train_events,
            # with the fine-tunings this one descends from (same project): what a later run must not score on
            "trained_events": sorted(parent_trained | set(train_events)),
            "coders": coders,
            "train_counts": train_counts,
            "holdout": holdout_info,
            "holdout_counts": held_counts,
            "before": summary(before),
            "after": summary(after),
            "skipped_labels": skipped,
            "n_none_train": int(sum(1 for it in all_items[:n_train_items] if it.event_id is None)),
            "mix": {"spec": mix_with, "n": n_mix, "left_out_held_out": n_mix_held,
                    **({"loader_options": mix_opts.given()} if mix_opts.given() else {})} if mix_with else None,
            "epochs": settings.epochs,
            "lr": settings.lr,
            "freeze_norm": bool(freeze_norm),
            "history": history,
        },
    })
    if prior is not None:
        meta["prior"] = prior.cpu().numpy().tolist()
    save_checkpoint(out, model, meta)
    record = {**record, "runs": [*record.get("runs", []), {
        "created": meta["finetune"]["created"], "checkpoint": str(out), "parent_sha256": parent_hash,
        "epochs": settings.epochs, "lr": settings.lr, "freeze_norm": bool(freeze_norm),
        "mix": mix_opts.describe(mix_with) if mix_with else mix_with,
        "n_held_out": len(held), "before_uf1": before["uf1"], "after_uf1": after["uf1"], "after_uar": after["uar"]}]}
    saved = store_split(ppath, record)
    return FinetuneResult(checkpoint=out, class_names=class_names, before=before, after=after,
                          holdout=holdout_info, train_events=train_events, holdout_events=held_events,
                          coders=coders, train_counts=train_counts, holdout_counts=held_counts, skipped=skipped,
                          n_mix=n_mix, n_mix_held_out=n_mix_held, history=history, split=record, split_saved=saved,
                          split_note=split_note(record, parent_overlap=len(parent_trained & set(held_events)),
                                                reused=reused))
