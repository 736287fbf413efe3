"""Bringing two copies of one project together (alice and bob each coded in a copy): what the other copy holds that
this one has not, merged in one transaction, the other file opened read-only and never changed.

    plan = plan_merge(project, "bob/study.merproj")   # nothing written; plan.lines(): the summary to show
    done = apply_merge(project, plan)                  # one transaction; undo_merge(project, done) takes it back

- Videos are matched by content identity (the hash and size videos.py stores); a video only the other copy has is
  added (where the other copy finds it).
- Events (coded ones, the model's proposals and their review states) are matched by their stored id where both
  copies descend from one project: the same id and the same create record in both histories. Each event's history
  then tells who changed it since the copies parted: the copy whose history goes on past the other's wins (an
  edit, a review, a deletion); changed in both (the histories part) and different now: both are kept, a conflict
  named in the summary. Events of no shared origin are matched by the agreement's rule (same coder and face,
  overlapping frames): an exact duplicate is skipped, a different one that overlaps is added beside it as a
  conflict, the others are new; one the other copy created after the two copies' last shared history record is
  new, overlapping or not (nobody changed an event here). The other copy's history of an event comes with it, so
  that merging again finds nothing new.
- Behaviour events: the same id and the same creation time are one event, and their histories (schema 8) are
  compared as events' are: the copy whose history goes on wins (an edit, a deletion); changed in both, or deleted
  in one and changed in the other: both kept (the other copy's added beside this one's), a conflict named in the
  summary. Where the histories are equal but the events differ (edits made before schema 8 logged them), the later
  edit wins; where only one copy has a history of the event and they differ, the other copy's was edited before
  schema 8 unless that history starts from its row as it is (or it was never edited): a conflict otherwise. A
  deletion made before schema 8 left no trace, so it cannot travel: the summary counts the events it may concern.
  Others are matched by video, behaviour name, coder, face and frames (exact duplicates skipped) and added.
  Behaviours are matched by name; one only the other copy has is added (without its key where that key codes
  another behaviour here).
- Neutral frames (a video's per-face neutral baselines, features.neutral) are project settings: a face's that only
  the other copy has comes across; where both copies have one for a face and they differ, this copy's is kept and
  the summary says so.
- Overlays (a video's named imported tables, project.overlays) are matched by video and name: one only the other
  copy has comes across; where both have one of a name and the tables differ, this copy's is kept and the summary
  says so.
- A frame folder's rate set by a user (`project set-fps`, Analysis > Frame rate of this folder…; its ``rate_set``
  mark, project.videos) is a per-video setting too: one only the other copy set comes across with its mark (this
  copy's runs of the folder retimed, as setting it here would); where both copies set one and they differ, this
  copy's is kept and the summary names the conflict. A rate this copy set stands against one the other copy did not.
- Analyses stay this copy's (large, and made again from the video): the summary names the videos the other copy
  has analysed and this one has not, to run the analysis here.
- A copy of an older schema is read through an upgraded temporary copy of it in memory (the file itself is never
  written, nor copied on disk).
- Undone (:func:`undo_merge`), a video the merge added that holds work made since (an analysis run, events, behaviour
  events, overlays, neutral frames or who is in it, none of them the merge's) stays, with that work: only what the
  merge brought to it goes (:class:`MergeUndone` says which and why); so does a coder it added whom events,
  behaviour events or coded marks left in the project name. Merged again (a redo), it is matched by its content,
  not added twice. A redo (``apply_merge(project, plan, again=undone)``) gives every row the merge inserted the id
  it had, its history records their place: the undo steps after the merge that name them redo.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from merstudio.errors import InputError, OutputError
from merstudio.names import name_sort_key
from merstudio.project.behaviours import behaviour_event_row, next_behaviour_event_id
from merstudio.project.events import Event
from merstudio.project.overlays import OVERLAY_TABLE
from merstudio.project.settings import _put_settings, coders_named, video_setting_keys
from merstudio.project.store import NeedsUpgrade, Project, ProjectDamaged
from merstudio.project.videos import _relpath, rate_set_key, set_folder_rate

Row = dict[str, Any]
Rec = tuple[float, str, str, str | None, str | None]  # a history record as both copies hold it: time, action, ...
_EVENT_FIELDS = tuple(f.name for f in fields(Event))
_VIDEO_COPY = ("path", "relpath", "hash", "size", "fps", "frame_count", "width", "height", "added")
_NOT_STATE = ("id", "created", "modified")  # what two equal events may differ in


@dataclass(frozen=True)
class Change:
    """One event the merge changes (``kind``: new, updated, deleted, conflict): this copy's (``ours``: the one an
    update or a deletion replaces, the one a conflict keeps) and the other's (``theirs``, its video id the other
    copy's), the other copy's history records to append (``history``) and whether the other's id is kept."""

    kind: str
    coder: str
    video: str
    ours: Row | None
    theirs: Row | None
    history: tuple[Rec, ...] = ()
    keep_id: bool = False
    behaviour: str = ""  # a behaviour event's behaviour (its name); "" for an event
    # a new behaviour event this copy may have deleted before schema 8 logged deletions (it cannot be told)
    unsure: bool = False

    def line(self) -> str:
        what = f"{self.behaviour} " if self.behaviour else ""
        who = self.coder or "(no coder)"
        if self.kind == "conflict" and self.ours is not None and self.theirs is not None:
            # what differs besides the frames, as an update's line says it: equal frames said nothing more
            diff = _changed(self.ours, self.theirs, frames=False, both_notes=True)
            where = (f"{_frames(self.ours)} here and in the other copy" if _frames(self.ours) == _frames(self.theirs)
                     else f"{_frames(self.ours)} here, {_frames(self.theirs)} in the other copy")
            return (f"{who}: {what}{self.video} {where}: changed in both, both kept"
                    + (f" (here -> the other copy: {diff})" if diff else ""))
        if self.kind == "conflict" and self.theirs is not None:
            return f"{who}: {what}{self.video} {_frames(self.theirs)}: deleted here, changed there; kept"
        if self.kind == "conflict" and self.ours is not None:
            return f"{who}: {what}{self.video} {_frames(self.ours)}: changed here, deleted there; kept"
        if self.kind == "updated" and self.ours is not None and self.theirs is not None:
            return f"{who}: {what}{self.video} {_frames(self.ours)}: {_changed(self.ours, self.theirs)}"
        row = self.theirs if self.theirs is not None else self.ours
        return f"{who}: {what}{self.video} {_frames(row or {})}" + (" (deleted here?)" if self.unsure else "")


@dataclass
class MergePlan:
    """What merging ``other`` into a project does (:func:`plan_merge`); nothing is written until :func:`apply_merge`.
    ``events``/``behaviour_events``: the changes; ``duplicates``/``behaviour_duplicates``: how many of the other
    copy's are here already; ``videos_new``: the other copy's video rows this one lacks; ``video_map``: the other
    copy's video id -> this one's (None: added); ``behaviours_new``: behaviour rows to add; ``behaviour_map``: the
    other's behaviour id -> this one's (None: added); ``coded``: {other video id: coders recorded there}."""

    path: Path
    other: Path
    videos_new: list[Row] = field(default_factory=list)
    videos_matched: int = 0
    video_map: dict[int, int | None] = field(default_factory=dict)
    behaviours_new: list[Row] = field(default_factory=list)
    behaviour_map: dict[int, int | None] = field(default_factory=dict)
    events: list[Change] = field(default_factory=list)
    duplicates: int = 0
    behaviour_events: list[Change] = field(default_factory=list)
    behaviour_duplicates: int = 0
    coders: list[str] = field(default_factory=list)
    coded: dict[int, list[str]] = field(default_factory=dict)
    # neutral frames: {other video id: the setting's new value (this copy's baselines, then the other's faces this
    # one lacks)}; the names of the videos where both copies have a face's and they differ (this copy's kept)
    neutral: dict[int, list[Any]] = field(default_factory=dict)
    neutral_names: dict[int, str] = field(default_factory=dict)  # other video id -> its name, for the summary
    neutral_kept: list[str] = field(default_factory=list)
    # overlays: (what the summary calls it, the other copy's row: its video id the other's) for each this one lacks;
    # what the summary calls those both copies have and that differ (this copy's kept)
    overlays: list[tuple[str, Row]] = field(default_factory=list)
    overlays_kept: list[str] = field(default_factory=list)
    unanalysed: list[str] = field(default_factory=list)  # videos analysed in the other copy only (analyses stay)
    # frame folders' rates set by a user (h256's rate_set mark): {other video id: the rate the other copy set, to
    # carry (with its mark) where this copy set none (a video added from the other copy: its mark)}; what the summary
    # says of each carried (other video id -> its words) and of each set in both copies to another rate (kept here)
    rates: dict[int, float] = field(default_factory=dict)
    rate_lines: dict[int, str] = field(default_factory=dict)
    # {other video id: the rate this copy's analysis of it was measured at}, where the carried rate differs: its line
    # adds rerun_note (rate_text)
    rate_reruns: dict[int, float] = field(default_factory=dict)
    rates_kept: list[str] = field(default_factory=list)
    # this copy's behaviour events the other lacks where the other was edited before schema 8 (a deletion there
    # left no trace): kept, counted
    behaviour_kept_unlogged: int = 0
    upgraded_from: int | None = None  # the other copy's schema, where it was read through an upgraded temporary copy

    @property
    def empty(self) -> bool:
        """Nothing to merge: every event of the other copy is here (or this copy's is newer)."""
        return not (self.videos_new or self.behaviours_new or self.events or self.behaviour_events or self.neutral
                    or self.overlays or self.rates or self.coded or self.coders)

    def counts(self, changes: Iterable[Change] | None = None) -> Counter[str]:
        return Counter(c.kind for c in (self.events + self.behaviour_events if changes is None else changes))

    def lines(self, limit: int = 12) -> list[str]:
        """The summary shown before anything is written: :meth:`count_lines`, then :meth:`item_lines`."""
        out = [f"merging {self.other} into {self.path}:", *self.count_lines(), *self.item_lines(limit)]
        if self.empty:  # not "everything" where a line above names what stays apart (an analysis, a differing table)
            noted = (self.unanalysed or self.neutral_kept or self.overlays_kept or self.behaviour_kept_unlogged
                     or self.rates_kept)
            out.append("  nothing to merge" + ("" if noted else ": this project has everything the other copy holds"))
        return out

    def count_lines(self) -> list[str]:
        """Videos matched and new; events and behaviour events new, updated, deleted, in conflict and already here,
        then per coder."""
        out = [f"  {self.other.name} is of schema {self.upgraded_from} (an older merstudio): read through an upgraded "
               "temporary copy; the file itself is not changed"] if self.upgraded_from is not None else []
        out += [f"  videos: {self.videos_matched} matched by content, {len(self.videos_new)} new"
               + (f" ({', '.join(Path(str(v['path'])).name for v in self.videos_new[:4])})" if self.videos_new
                  else "")]
        for title, changes, dups in (("events", self.events, self.duplicates),
                                     ("behaviour events", self.behaviour_events, self.behaviour_duplicates)):
            out.append(f"  {title}: {_counted(self.counts(changes))}, {dups} already here")
            by_coder: dict[str, Counter[str]] = {}
            for c in changes:
                by_coder.setdefault(c.coder or "(no coder)", Counter())[c.kind] += 1
            for coder in sorted(by_coder, key=name_sort_key):  # as people read them
                out.append(f"    {coder}: {_counted(by_coder[coder], all_kinds=False)}")
        if self.coders:
            out.append(f"  coders new here: {', '.join(self.coders)}")
        if self.coded:
            out.append(f"  coded-video records new here: {sum(map(len, self.coded.values()))} ("
                       + ", ".join(sorted({c for cs in self.coded.values() for c in cs}, key=name_sort_key)) + ")")
        # deletions made before schema 8 left no trace: neither way can they be told from an addition
        if self.behaviour_kept_unlogged:
            out.append(f"  {self.behaviour_kept_unlogged} behaviour event(s) the other copy lacks were kept: it was "
                       "edited by a merstudio before behaviour history (schema 8), so a deletion there cannot be told "
                       "from an addition here")
        if unsure := sum(c.unsure for c in self.behaviour_events):
            out.append(f"  {unsure} of the new behaviour event(s) may have been deleted here: this copy was edited by "
                       "a merstudio before behaviour history (schema 8), so a deletion here cannot be told from an "
                       "addition there (delete them again after the merge if they were)")
        if self.behaviours_new:
            out.append(f"  behaviours new: {', '.join(str(b['name']) for b in self.behaviours_new)}")
        if said := self.neutral_text():
            out.append(f"  neutral frames: {said}")
        if said := self.overlay_text():
            out.append(f"  overlays: {said}")
        if said := self.rate_text():
            out.append(f"  frame rates: {said}")
        if said := self.analysis_text():
            out.append(f"  {said}")
        return out

    def overlay_text(self) -> str:
        """"'openface' for clip.avi from the other copy; this copy's 'model' for b.avi kept (the other copy's
        differs)", '' if none."""
        out = []
        if self.overlays:
            out.append(f"{_listed(what for what, _ in self.overlays)} from the other copy")
        if self.overlays_kept:
            out.append(f"this copy's {_listed(self.overlays_kept)} kept (the other copy's differ"
                       f"{'s' if len(self.overlays_kept) == 1 else ''})")
        return "; ".join(out)

    def rate_text(self, analysis_said: Collection[int] = ()) -> str:
        """"burst 30 -> 60 fps, set in the other copy (its analysis here was measured at 30 fps: re-run it); b set to
        25 fps here and 50 in the other copy: a conflict, this copy's kept (…)", '' if none: the frame folders' rates
        a user set (a video the other copy adds brings its own, unsaid). ``analysis_said``: this copy's videos whose
        rerun_note is left out, said beside it by a line of their own (the app's of the folder shown again)."""
        def line(tvid: int, text: str) -> str:
            rerun = tvid in self.rate_reruns and self.video_map.get(tvid) not in analysis_said
            return text + (rerun_note(self.rate_reruns[tvid]) if rerun else "")

        return "; ".join([*(line(t, x) for t, x in self.rate_lines.items()), *self.rates_kept])

    def analysis_text(self) -> str:
        """One line naming the videos the other copy analysed and this one has not ('' if none): analyses do not
        travel, they are run again here."""
        if not self.unanalysed:
            return ""
        return (f"analyses: {_listed(self.unanalysed)} analysed in the other copy only; analyses are not merged "
                "(run the analysis here)")

    def neutral_text(self) -> str:
        """'from the other copy for clip.avi; this copy's kept for b.avi (the other copy's differ)', '' if none."""
        out = []
        if self.neutral:
            out.append(f"from the other copy for {_listed(self.neutral_names[v] for v in self.neutral)}")
        if self.neutral_kept:
            out.append(f"this copy's kept for {_listed(self.neutral_kept)} (the other copy's differ)")
        return "; ".join(out)

    def item_lines(self, limit: int = 12) -> list[str]:
        """Each update, deletion and conflict by coder, video and frames (``limit`` of them, then how many more)."""
        changed = [c for c in self.events + self.behaviour_events if c.kind != "new" or c.unsure]
        out = [f"  {c.kind}: {c.line()}" for c in changed[:limit]]
        if len(changed) > limit:
            out.append(f"  ... and {len(changed) - limit} more updated, deleted or in conflict"
                       + (" (or new, deleted here?)" if any(c.unsure for c in changed[limit:]) else ""))
        return out

    def summary(self) -> str:
        return "\n".join(self.lines())


@dataclass
class MergeDone:
    """What :func:`apply_merge` wrote, enough for :func:`undo_merge` to take it back exactly."""

    plan: MergePlan
    videos: list[int] = field(default_factory=list)
    behaviours: list[int] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    coded: dict[int, list[str]] = field(default_factory=dict)
    history: list[int] = field(default_factory=list)  # event_history rows appended
    events_added: list[int] = field(default_factory=list)
    events_before: list[Row] = field(default_factory=list)  # rows updated or deleted, as they were
    bevents_added: list[int] = field(default_factory=list)
    bevents_before: list[Row] = field(default_factory=list)
    bhistory: list[int] = field(default_factory=list)  # behaviour_event_history rows appended
    settings_before: dict[str, Any] = field(default_factory=dict)  # settings written, as they were (None: absent)
    overlays: list[int] = field(default_factory=list)  # overlay rows added
    rates_before: dict[int, float] = field(default_factory=dict)  # frame folders given the other copy's rate: as was
    # the settings it wrote (neutral frames, rate marks) as written: an undo tells them from ones changed since
    settings_written: dict[str, Any] = field(default_factory=dict)
    # the id each row it inserted got, by what the row is: ("video", the other copy's id), ("behaviour", the other
    # copy's id), ("event", i), ("bevent", i), ("overlay", i), i its place in the plan's list; and the history
    # records it appended for each plan item ("event"/"bevent", i), with their row ids: what a redo gives back
    ids: dict[tuple[str, int], int] = field(default_factory=dict)
    logged: dict[tuple[str, int], list[tuple[int, Rec]]] = field(default_factory=dict)

    def line(self, analysis_said: Collection[int] = ()) -> str:
        """The done line (``analysis_said``: see MergePlan.rate_text)."""
        beh = self.plan.counts(self.plan.behaviour_events)
        neutral, overlays = self.plan.neutral_text(), self.plan.overlay_text()
        rates = self.plan.rate_text(analysis_said)
        return (f"merged {self.plan.other} into {self.plan.path.name}: events "
                f"{_counted(self.plan.counts(self.plan.events))}"
                + (f"; behaviour events {_counted(beh, all_kinds=False)}" if sum(beh.values()) else "")
                + (f"; {len(self.videos)} video(s) added" if self.videos else "")
                + (f"; neutral frames {neutral}" if neutral else "")
                + (f"; overlays {overlays}" if overlays else "")
                + (f"; frame rates: {rates}" if rates else ""))


@dataclass
class MergeUndone:
    """What :func:`undo_merge` left: ``kept``, the videos the merge added that hold work made since (not the
    merge's), kept with it, only what the merge brought to them taken back ({video id: (its name, that work: 'an
    analysis', '3 open proposals', ...)}); ``behaviours``: the names of behaviours the merge added that behaviour
    events made since code, kept; ``coders``: the coders the merge added that events, behaviour events or coded
    marks left in the project name (made since), kept recorded, ``named_by`` saying which of those name them."""

    kept: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    behaviours: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    named_by: tuple[str, ...] = ()  # ('events', 'behaviour events', 'coded marks'), those that name ``coders``
    done: MergeDone | None = None  # what it took back: a redo (apply_merge's ``again``) gives its rows their ids
    # the largest event_history and behaviour_event_history row ids once undone: a record under a taken-back id
    # past these is another event's (one that got the id since), so the redo leaves that id to it
    tops: tuple[int, int] = (0, 0)
    # the records the steps after the merge logged under an event or behaviour event it added (an edit, the edit's
    # undo), by plan item as MergeDone.logged keys them, with their row ids: taken out with the event (left, they
    # named an event not there once the redo was gone), put back in their place by the redo, with its id
    later: dict[tuple[str, int], list[tuple[int, Rec]]] = field(default_factory=dict)

    def line(self) -> str:
        """'second.mp4 kept in the project: it holds an analysis and 4 open proposals made since the merge (what
        the merge brought to it was taken back)', '' when nothing was kept."""
        out = [f"{name} kept in the project: it holds {_and(what)} made since the merge (what the merge brought to "
               "it was taken back)" for name, what in self.kept.values()]
        if self.behaviours:
            out.append(f"behaviour {_listed(self.behaviours)} kept: behaviour events made since the merge code it")
        if self.coders:
            out.append(f"coder {_listed(self.coders)} kept: {_and(self.named_by)} made since the merge name them")
        return "; ".join(out)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _counted_as(n: int, one: str, many: str) -> str:
    return one if n == 1 else f"{n} {many}"


def _work_since(con: sqlite3.Connection, vid: int, done: MergeDone) -> tuple[str, ...]:
    """The work a video ``done`` added holds that is not the merge's, in words ('an analysis', '2 events', ...);
    () if none: an analysis run (never merged), events and behaviour events not among those it added, overlays it
    did not add, neutral frames other than those it wrote, who is in it (never merged)."""
    from merstudio.features.neutral import setting_key
    from merstudio.project.subjects import subject_key

    out = []
    runs = int(con.execute("SELECT COUNT(*) FROM analyses WHERE video_id = ?", (vid,)).fetchone()[0])
    if runs:
        out.append(_counted_as(runs, "an analysis", "analysis runs"))
    added = set(done.events_added)
    statuses = [str(s) for i, s in con.execute("SELECT id, status FROM events WHERE video_id = ?", (vid,))
                if int(i) not in added]
    if coded := sum(s != "proposal" for s in statuses):
        out.append(_counted_as(coded, "an event", "events"))
    if open_ := sum(s == "proposal" for s in statuses):
        out.append(_counted_as(open_, "an open proposal", "open proposals"))
    badded = set(done.bevents_added)
    if beh := sum(int(i) not in badded for (i,) in con.execute("SELECT id FROM behaviour_events WHERE video_id = ?",
                                                                 (vid,))):
        out.append(_counted_as(beh, "a behaviour event", "behaviour events"))
    oadded = set(done.overlays)
    if ov := [str(n) for i, n in con.execute("SELECT id, name FROM overlays WHERE video_id = ?", (vid,))
              if int(i) not in oadded]:
        out.append(f"overlay{'s' * (len(ov) > 1)} {_listed(repr(n) for n in ov)}")
    row = con.execute("SELECT value FROM settings WHERE key = ?", (setting_key(vid),)).fetchone()
    written = done.settings_written.get(setting_key(vid))
    if row is not None and json.loads(row[0]) != (None if written is None else json.loads(json.dumps(written))):
        out.append("neutral frames")
    if con.execute("SELECT 1 FROM settings WHERE key = ?", (subject_key(vid),)).fetchone():
        out.append("who is in it")
    return tuple(out)


def plan_merge(project: Project, other: str | os.PathLike[str]) -> MergePlan:
    """What merging the project file ``other`` (another copy of ``project``, opened read-only, never changed) into
    ``project`` would do; see the module. InputError: ``other`` missing, not a project, ``project`` itself, or
    newer. ``other`` of an older schema is read through a temporary copy of it upgraded (``plan.upgraded_from``)."""
    o = Path(other)
    if not o.is_file():
        raise InputError(f"{o}: no such project file (give the other copy's .merproj)")
    try:
        same = os.path.samefile(o, project.path)
    except OSError:
        same = False
    if same:
        raise InputError(f"{o}: this is the project itself; give the other copy's .merproj")
    try:
        them = Project.open(o, read_only=True)
    except NeedsUpgrade:  # read at this schema only: its upgrade is made on a temporary copy, never on the file
        return _plan_upgraded(project, o)
    with them:
        return _plan(project, them, o)


def _plan_upgraded(us: Project, o: Path) -> MergePlan:
    """The plan from ``o``, of an older schema, read through an upgraded copy of it in memory
    (:meth:`Project.open_upgraded_copy`: one consistent snapshot of the file and its journal, even while another
    app writes it; the file is only read). The copy keeps ``o``'s path, so its videos are looked for from ``o``'s
    folder, as the file itself would look."""
    try:
        them = Project.open_upgraded_copy(o)
    except (OSError, InputError, OutputError) as exc:  # a damaged file, one that cannot be read where it is
        why = exc.cause if isinstance(exc, ProjectDamaged) else str(exc).replace(f"{o}: ", "")
        raise InputError(f"{o}: written by an older merstudio and not readable through an upgraded temporary "
                         f"copy ({why}); open it once with this merstudio (File > Open… in the app, or "
                         f"merstudio project show {shlex.quote(str(o))}: it is upgraded, the original kept "
                         "beside it), then merge again") from None
    with them:
        plan = _plan(us, them, o)
        plan.upgraded_from = them.upgraded_from
        return plan


def _plan(us: Project, them: Project, other: Path) -> MergePlan:
    plan = MergePlan(us.path, other)
    # videos by content identity
    ours_by_hash = {(str(r["hash"]), int(r["size"])): int(r["id"]) for r in _rows(us, "videos")}
    names: dict[int, str] = {int(r["id"]): Path(str(r["path"])).name for r in _rows(us, "videos")}
    their_names: dict[int, str] = {}
    for r in _rows(them, "videos"):
        vid = ours_by_hash.get((str(r["hash"]), int(r["size"])))
        plan.video_map[int(r["id"])] = vid
        their_names[int(r["id"])] = Path(str(r["path"])).name
        if vid is None:
            found = them.locate_video(int(r["id"]))  # read-only: looks, stores nothing
            plan.videos_new.append({**r, "path": str(found) if found is not None else r["path"]})
        else:
            plan.videos_matched += 1

    def name_of(theirs_vid: int) -> str:
        mapped = plan.video_map.get(theirs_vid)
        return names[mapped] if mapped is not None else their_names.get(theirs_vid, f"video {theirs_vid}")

    _plan_events(us, them, plan, name_of)
    _plan_behaviours(us, them, plan, name_of)
    _plan_neutral(us, them, plan, name_of)
    _plan_overlays(us, them, plan, name_of)
    _plan_rates(us, them, plan, name_of)
    # only the records this copy lacks (a video new here: all of its), so that :attr:`MergePlan.empty` and the
    # summary see a coder who coded a video and found nothing (a120 finding 4)
    plan.coded = {vid: new for vid, cs in them.coded().items() if vid in plan.video_map
                  if (new := sorted(set(cs) - set(us.coded_by(mapped)) if (mapped := plan.video_map[vid]) is not None
                                    else cs))}
    coming = {str(c.theirs["coder"]) for c in plan.events + plan.behaviour_events if c.theirs and c.theirs["coder"]}
    plan.coders = sorted((set(them.coders()) | coming) - set(us.coders()), key=name_sort_key)
    return plan


def _plan_events(us: Project, them: Project, plan: MergePlan, name_of: Any) -> None:
    ours = {int(r["id"]): r for r in _rows(us, "events")}
    theirs = {int(r["id"]): r for r in _rows(them, "events")}
    h_us, h_them = _histories(us), _histories(them)
    used_ids = set(ours) | set(h_us)
    matched_ours: set[int] = set()
    loose: list[Row] = []  # of no shared origin

    def add(kind: str, o: Row | None, t: Row | None, hist: Sequence[Rec] = (), keep_id: bool = False) -> None:
        ref = t if t is not None else o
        assert ref is not None
        vid = int(ref["video_id"]) if t is not None else -1
        video = name_of(vid) if t is not None else _our_name(us, int(ref["video_id"]))
        plan.events.append(Change(kind, str(ref["coder"] or ""), video, o, t, tuple(hist), keep_id))

    for eid, t in theirs.items():
        ht = h_them.get(eid, [])
        hu = h_us.get(eid, [])
        shared = bool(ht) and bool(hu) and ht[0] == hu[0] and ht[0][1] == "create"
        if not shared:
            loose.append(t)
            continue
        o = ours.get(eid)
        if o is not None:
            matched_ours.add(eid)
        if ht == hu or _starts(hu, ht):  # the same, or this copy's history goes on past theirs: ours stands
            continue
        if _starts(ht, hu):  # theirs goes on: their change wins
            extra = ht[len(hu):]
            if o is None:  # deleted here before they changed it? (a history ending in a deletion goes on no more)
                if not _has_same(ours.values(), t, plan.video_map):
                    add("conflict", None, t)
            elif _state(o, None) != _state(t, plan.video_map):
                add("updated", o, t, extra)
            continue
        # parted: changed in both
        if o is None:  # deleted here, changed there: theirs kept (under a new id), once
            if not _has_same(ours.values(), t, plan.video_map):
                add("conflict", None, t)
        elif _state(o, None) != _state(t, plan.video_map) and not _has_same(ours.values(), t, plan.video_map):
            add("conflict", o, t)
    # events this copy has that the other deleted after the copies parted (its history goes on past ours to a deletion)
    for eid, o in ours.items():
        if eid in matched_ours or eid in theirs:
            continue
        hu, ht = h_us.get(eid, []), h_them.get(eid, [])
        if hu and ht and hu[0] == ht[0] and ht[-1][1] == "delete":
            if _starts(ht, hu) and ht != hu:
                add("deleted", o, None, ht[len(hu):])
            elif not _starts(hu, ht):  # changed here, deleted there: ours kept, named
                plan.events.append(Change("conflict", str(o["coder"] or ""), _our_name(us, int(o["video_id"])),
                                          o, None, ()))
    # no shared origin: the agreement's rule (same coder and face, overlapping frames), except for one the other
    # copy created after the copies' last shared record (they parted before it): new, overlapping or not
    parted = _parted_at(h_us, h_them)
    by_key: dict[tuple[int, str, int], list[Row]] = {}
    for o in ours.values():
        by_key.setdefault((int(o["video_id"]), str(o["coder"]), int(o["face_id"])), []).append(o)
    for t in loose:
        vid = plan.video_map.get(int(t["video_id"]))
        near = [] if vid is None else [o for o in by_key.get((vid, str(t["coder"]), int(t["face_id"])), [])
                                       if int(o["onset"]) <= int(t["offset"]) and int(t["onset"]) <= int(o["offset"])]
        ht = h_them.get(int(t["id"]), [])
        added_since = parted is not None and bool(ht) and ht[0][1] == "create" and ht[0][0] > parted
        if any(_same_coding(o, t) for o in near):
            plan.duplicates += 1
        elif near and not added_since:
            add("conflict", near[0], t, ht)
        else:
            free = int(t["id"]) not in used_ids
            add("new", None, t, h_them.get(int(t["id"]), []) if free else (), keep_id=free)
            if free:
                used_ids.add(int(t["id"]))
    plan.duplicates += len([t for eid, t in theirs.items() if eid in matched_ours
                            and not any(c.theirs is t for c in plan.events)])


def _plan_behaviours(us: Project, them: Project, plan: MergePlan, name_of: Any) -> None:
    our_names = {str(r["name"]).casefold(): int(r["id"]) for r in _rows(us, "behaviours")}
    keys = {str(r["key"]).casefold() for r in _rows(us, "behaviours") if r["key"]}
    their_beh = {int(r["id"]): r for r in _rows(them, "behaviours")}
    for bid, r in their_beh.items():
        mine = our_names.get(str(r["name"]).casefold())
        plan.behaviour_map[bid] = mine
        if mine is None:
            press = str(r["key"] or "")
            if press.casefold() in keys:
                press = ""  # that key codes another behaviour here
            keys.add(press.casefold())
            plan.behaviours_new.append({**r, "key": press})
    ours = {int(r["id"]): r for r in _rows(us, "behaviour_events")}
    theirs = {int(r["id"]): r for r in _rows(them, "behaviour_events")}
    h_us, h_them = _histories(us, "behaviour_event_history"), _histories(them, "behaviour_event_history")
    used_ids = set(ours) | set(h_us)
    our_beh_names = {int(r["id"]): str(r["name"]) for r in _rows(us, "behaviours")}

    def beh_name(t: Row) -> str:
        return str(their_beh.get(int(t["behaviour_id"]), {}).get("name", ""))

    def key(r: Row, theirs_side: bool) -> tuple[Any, ...]:
        vid = plan.video_map.get(int(r["video_id"])) if theirs_side else int(r["video_id"])
        name = beh_name(r) if theirs_side else our_beh_names.get(int(r["behaviour_id"]), "")
        return vid, name.casefold(), str(r["coder"]), int(r["face_id"]), int(r["onset"]), r["offset"]

    def state(r: Row, theirs_side: bool) -> tuple[Any, ...]:
        return (*key(r, theirs_side), str(r["note"]))

    have = Counter(key(o, False) for o in ours.values())
    here = {state(o, False) for o in ours.values()}
    # when each copy's behaviour events began to be logged (its upgrade to schema 8): an event older than that, with
    # no record of it, may have been deleted there before, leaving no trace
    logged_us, logged_them = _logged_since(us), _logged_since(them)

    def unlogged_from(row: Row, theirs_side: bool, hist: Sequence[Rec]) -> bool:
        """Whether ``row``, of a copy that logged nothing of it, holds an edit made before that copy logged edits
        (schema 8): it was edited (modified after created) and ``hist``, the other copy's history of it, does not
        start from it as it is."""
        if float(row["modified"]) <= float(row["created"]):
            return False  # never edited: the row both copies started from
        first = next(iter(hist), None)
        return first is None or first[3] is None or state(json.loads(first[3]), not theirs_side) != \
            state(row, theirs_side)

    def add(kind: str, o: Row | None, t: Row | None, hist: Sequence[Rec] = (), keep_id: bool = False,
            unsure: bool = False) -> None:
        if t is not None:
            video, coder, behaviour = name_of(int(t["video_id"])), str(t["coder"]), beh_name(t)
        else:
            assert o is not None
            video, coder = _our_name(us, int(o["video_id"])), str(o["coder"])
            behaviour = our_beh_names.get(int(o["behaviour_id"]), "")
        plan.behaviour_events.append(Change(kind, coder, video, o, t, tuple(hist), keep_id, behaviour, unsure))

    for eid, t in theirs.items():
        o = ours.get(eid)
        hu, ht = h_us.get(eid, []), h_them.get(eid, [])
        if (o["created"] if o is not None else _created(hu)) != t["created"]:  # of no shared origin
            if have[key(t, True)]:
                plan.behaviour_duplicates += 1
                continue
            free = eid not in used_ids
            # older than this copy's log and never logged here: this copy may have deleted it before schema 8
            unsure = not hu and (not ht or ht[0][1] != "create") and logged_us is not None and \
                float(t["created"]) < logged_us
            add("new", None, t, ht if free else (), keep_id=free, unsure=unsure)
            used_ids.add(eid)
            continue
        same = o is not None and state(o, False) == state(t, True)
        if o is not None and hu == ht:  # no edit logged apart (an edit before schema 8): the later edit wins
            if same or float(t["modified"]) <= float(o["modified"]):
                plan.behaviour_duplicates += 1
            else:
                add("updated", o, t)
        elif o is not None and not same and ((not ht and unlogged_from(t, True, hu))
                                             or (not hu and unlogged_from(o, False, ht))):
            # one copy edited it before schema 8 (nothing logged) and the other since: neither edit may go
            if state(t, True) in here:  # a conflict merged before: its other side is here already
                plan.behaviour_duplicates += 1
            else:
                add("conflict", o, t)
        elif _starts(hu, ht) or same:  # the same, or this copy's history goes on past theirs: ours stands
            plan.behaviour_duplicates += o is not None  # (one deleted here after their last edit: not here)
        elif o is not None and _starts(ht, hu):  # theirs goes on: their edit wins
            add("updated", o, t, ht[len(hu):])
        elif state(t, True) in here:  # a conflict merged before: its other side is here already
            plan.behaviour_duplicates += 1
        else:  # changed in both, or deleted here and changed there: theirs added beside ours
            add("conflict", o, t)
    # behaviour events this copy has that the other deleted (its history goes on past ours to a deletion)
    their_keys = {key(t, True) for t in theirs.values()}
    for eid, o in ours.items():
        ht = h_them.get(eid, [])
        if (not ht and logged_them is not None and float(o["created"]) < logged_them
                and (eid not in theirs or theirs[eid]["created"] != o["created"]) and key(o, False) not in their_keys
                and not any(r[1] == "create" for r in h_us.get(eid, []))):
            plan.behaviour_kept_unlogged += 1  # the other copy lacks it: deleted there before schema 8, or not?
        if eid in theirs or not ht or ht[-1][1] != "delete" or _created(ht) != o["created"]:
            continue
        hu = h_us.get(eid, [])
        if _starts(ht, hu) and not (not hu and unlogged_from(o, False, ht)):
            add("deleted", o, None, ht[len(hu):])
        elif not _starts(hu, ht):  # changed here, deleted there: ours kept, named
            add("conflict", o, None)


def _plan_neutral(us: Project, them: Project, plan: MergePlan, name_of: Any) -> None:
    """The neutral frames (per video, per face) the other copy has and this one lacks; a face's that differ: this
    copy's kept, the video named."""
    from merstudio.features.neutral import setting_key

    for tvid, vid in plan.video_map.items():
        theirs = _by_face(them.get_setting(setting_key(tvid)))
        if not theirs:
            continue
        stored = us.get_setting(setting_key(vid)) if vid is not None else None
        ours = _by_face(stored)
        if any(f in ours and ours[f] != d for f, d in theirs.items()):
            plan.neutral_kept.append(name_of(tvid))
        extra = [d for f, d in sorted(theirs.items()) if f not in ours]
        if extra:  # this copy's list as it is (an entry it cannot read stays too), the other's faces after it
            plan.neutral[tvid] = [*(stored if isinstance(stored, list) else []), *extra]
            plan.neutral_names[tvid] = name_of(tvid)


def _plan_overlays(us: Project, them: Project, plan: MergePlan, name_of: Any) -> None:
    """The overlays (per video, by name) the other copy has and this one lacks; a name both have whose tables differ:
    this copy's kept, named. And the videos the other copy analysed and this one has not (analyses stay)."""
    for tvid, vid in plan.video_map.items():
        ours = {o.name for o in us.overlays(vid)} if vid is not None else set()
        for o in them.overlays(tvid):
            what = f"{o.name!r} for {name_of(tvid)}"
            if vid is None or o.name not in ours:
                row = them.overlay_record(tvid, o.name)
                if row is not None:
                    plan.overlays.append((what, row))
                continue
            mine, theirs = us.overlay_record(vid, o.name), them.overlay_record(tvid, o.name)
            if mine is not None and theirs is not None and any(mine[k] != theirs[k] for k in OVERLAY_TABLE):
                plan.overlays_kept.append(what)
        t = them.analysis(tvid)
        a = us.analysis(vid) if vid is not None else None
        if t is not None and (a is None or (t.status == "complete" and a.status != "complete")):
            plan.unanalysed.append(name_of(tvid))


def _plan_rates(us: Project, them: Project, plan: MergePlan, name_of: Any) -> None:
    """The frame folders' rates the other copy's user set (its rate_set mark) and this copy's did not: carried, with
    the mark; set in both to different rates: this copy's kept, named a conflict. A video added from the other copy
    carries its rate in its row, and its mark here."""
    ours = {int(r["id"]): r for r in _rows(us, "videos")}
    for r in _rows(them, "videos"):
        tvid = int(r["id"])
        if int(r["size"]) != 0 or them.get_setting(rate_set_key(tvid)) is None:
            continue  # a video file (timed by itself), or a folder at the rate it was added at there
        theirs, vid = float(r["fps"]), plan.video_map.get(tvid)
        if vid is None:
            plan.rates[tvid] = theirs
            continue
        here = float(ours[vid]["fps"])
        if us.get_setting(rate_set_key(vid)) is None:
            plan.rates[tvid] = theirs
            now = f"{here:g} -> {theirs:g} fps" if here != theirs else f"{theirs:g} fps (no longer assumed)"
            if here != theirs and us.analysis(vid) is not None:
                plan.rate_reruns[tvid] = here
            plan.rate_lines[tvid] = f"{name_of(tvid)} {now}, set in the other copy"
        elif here != theirs:
            plan.rates_kept.append(f"{name_of(tvid)} set to {here:g} fps here and {theirs:g} in the other copy: a "
                                   "conflict, this copy's kept (Analysis > Frame rate of this folder… or merstudio "
                                   "project set-fps to change it)")


def apply_merge(project: Project, plan: MergePlan, again: MergeUndone | None = None) -> MergeDone:
    """Write ``plan`` into ``project`` in one transaction (all of it or, on any failure, nothing). Returns what was
    written, for :func:`undo_merge`. ``again``: what undo_merge returned of this plan's last apply (a redo): every
    video, behaviour, event, behaviour event, overlay and history record that apply inserted comes back under the id
    it had (its history records as they were, in their place), as an undone add's redo keeps its event's id, so the
    undo steps after the merge that name them (an edit of an event it brought) redo; an id something else took
    since is left to it, the row numbered on as a first apply numbers it."""
    done = MergeDone(plan)
    prior = again.done if again is not None and again.done is not None else MergeDone(plan)
    top, btop = again.tops if again is not None else (0, 0)
    with project._tx() as con:
        def back(key: tuple[str, int], table: str, history: str = "", since: int = 0) -> int | None:
            """The id the last apply gave ``key``, where still free: no row of ``table`` has it, and (``history``)
            no record of another event was logged under it after the undo."""
            rid = prior.ids.get(key)
            if rid is None or con.execute(f"SELECT 1 FROM {table} WHERE id = ?", (rid,)).fetchone():
                return None
            if history and con.execute(f"SELECT 1 FROM {history} WHERE event_id = ? AND id > ? LIMIT 1",
                                       (rid, since)).fetchone():
                return None
            return rid

        def log(key: tuple[str, int], eid: int, hist: Sequence[Rec], table: str = "event_history") -> list[int]:
            """``hist`` appended under ``eid``, each record under its row id of the last apply where free (the
            history in its order: records logged since by the steps after the merge come after it)."""
            rows = _append(con, eid, hist, table, [n for n, _ in prior.logged.get(key, [])])
            done.logged[key] = list(zip(rows, hist, strict=True))
            return rows

        def log_later(key: tuple[str, int], eid: int, table: str) -> None:
            """A redo under the id the undo took back: the records the steps after the merge had logged under it
            (MergeUndone.later), in their place; not the merge's (the next undo takes them out as such again)."""
            if again is not None and (later := again.later.get(key)):
                _append(con, eid, [r for _, r in later], table, [n for n, _ in later])

        vmap = {k: v for k, v in plan.video_map.items() if v is not None}
        found: set[int] = set()  # the other copy's ids of new videos that are here now (matched as they are)
        for theirs_id, r in zip([k for k, v in plan.video_map.items() if v is None], plan.videos_new, strict=True):
            # here already: kept by an undo of this merge, holding work made since (undo_merge; its redo comes
            # here), or added since the preview: matched by content, not added twice
            here = con.execute("SELECT id FROM videos WHERE hash = ? AND size = ? ORDER BY id LIMIT 1",
                               (str(r["hash"]), int(r["size"]))).fetchone()
            if here is not None:
                vmap[theirs_id] = int(here[0])
                found.add(theirs_id)
                continue
            vrow = {"id": back(("video", theirs_id), "videos"), **{k: r[k] for k in _VIDEO_COPY if k in r}}
            place = Path(str(r["path"]))
            vrow["relpath"] = _relpath(place, project.path.parent) if place.is_absolute() else r.get("relpath")
            vmap[theirs_id] = done.ids["video", theirs_id] = _insert(con, "videos", vrow)
            done.videos.append(vmap[theirs_id])
        bmap = {k: v for k, v in plan.behaviour_map.items() if v is not None}
        new_beh = [k for k, v in plan.behaviour_map.items() if v is None]
        for theirs_id, r in zip(new_beh, plan.behaviours_new, strict=True):
            kept = prior.ids.get(("behaviour", theirs_id))
            if kept is not None and con.execute("SELECT 1 FROM behaviours WHERE id = ? AND name = ?",
                                                (kept, r["name"])).fetchone():
                # kept by the undo (behaviour events made since code it): the one, as a video kept is found
                bmap[theirs_id] = done.ids["behaviour", theirs_id] = kept
                continue
            bmap[theirs_id] = done.ids["behaviour", theirs_id] = _insert(
                con, "behaviours", {**r, "id": back(("behaviour", theirs_id), "behaviours")})
            done.behaviours.append(bmap[theirs_id])
        for name in plan.coders:
            if con.execute("INSERT OR IGNORE INTO coders VALUES (?, ?)", (name, time.time())).rowcount:
                done.coders.append(name)
        cols = _columns(con, "events")
        for i, c in enumerate(plan.events):
            if c.kind in ("new", "conflict") and c.theirs is not None:
                t = {k: v for k, v in c.theirs.items() if k in cols}
                t["video_id"] = vmap[int(t["video_id"])]
                kept = back(("event", i), "events", "event_history", top)
                if kept is not None:  # a redo: its id and the records the last apply logged, as they were
                    eid, hist = kept, [r for _, r in prior.logged.get(("event", i), [])]
                else:
                    eid = int(t["id"])
                    if not (c.keep_id and not _taken(con, eid)):
                        eid = project._next_event_id(con)
                    hist = list(c.history) if c.history else [
                        (time.time(), "create", project.coder or str(t["coder"] or ""), None, _event_json(
                            {**t, "id": eid}))]
                t["id"] = done.ids["event", i] = eid
                _insert(con, "events", t)
                done.events_added.append(eid)
                done.history += log(("event", i), eid, hist)
                if kept is not None:
                    log_later(("event", i), eid, "event_history")
            elif c.kind == "updated" and c.ours is not None and c.theirs is not None:
                before = _row(con, "events", int(c.ours["id"]))
                if before is None:
                    raise InputError(f"{project.path.name}: an event to update is gone since the preview; nothing "
                                     "merged (merge again)")
                t = {k: v for k, v in c.theirs.items() if k in cols and k not in ("id", "created")}
                t["video_id"] = vmap[int(t["video_id"])]
                con.execute(f"UPDATE events SET {', '.join(f'{k} = ?' for k in t)} WHERE id = ?",
                            [*t.values(), before["id"]])
                done.events_before.append(before)
                done.history += log(("event", i), int(before["id"]), c.history)
            elif c.kind == "deleted" and c.ours is not None:
                before = _row(con, "events", int(c.ours["id"]))
                if before is None:
                    continue
                con.execute("DELETE FROM events WHERE id = ?", (before["id"],))
                done.events_before.append(before)
                done.history += log(("event", i), int(before["id"]), c.history)
        bcols = _columns(con, "behaviour_events")
        for i, c in enumerate(plan.behaviour_events):
            if c.theirs is not None and (c.kind == "new" or c.kind == "conflict"):
                t = {k: v for k, v in c.theirs.items() if k in bcols}
                t["video_id"], t["behaviour_id"] = vmap[int(t["video_id"])], bmap[int(t["behaviour_id"])]
                kept = back(("bevent", i), "behaviour_events", "behaviour_event_history", btop)
                keep = kept is not None or c.keep_id and not con.execute(
                    "SELECT 1 FROM behaviour_events WHERE id = ? UNION ALL SELECT 1 FROM behaviour_event_history "
                    "WHERE event_id = ? LIMIT 1", (t["id"], t["id"])).fetchone()
                if kept is not None:
                    t["id"] = kept
                elif not keep:
                    t["id"] = next_behaviour_event_id(con)
                bid = done.ids["bevent", i] = _insert(con, "behaviour_events", t)
                done.bevents_added.append(bid)
                # a redo: the records the last apply logged, as they were; else its history comes with an event
                # kept under its id (merging again finds it the same); else, or with none logged (stored before
                # schema 8), its creation here
                hist = [r for _, r in prior.logged.get(("bevent", i), [])] if kept is not None else \
                    list(c.history) if keep and c.history else [
                        (time.time(), "create", project.coder or str(t["coder"]), None,
                         json.dumps(behaviour_event_row(con, bid)))]
                done.bhistory += log(("bevent", i), bid, hist, "behaviour_event_history")
                if kept is not None:
                    log_later(("bevent", i), bid, "behaviour_event_history")
            elif c.ours is not None and c.kind in ("updated", "deleted"):
                before = _row(con, "behaviour_events", int(c.ours["id"]))
                if before is None:
                    continue
                done.bevents_before.append(before)
                if c.kind == "deleted":
                    con.execute("DELETE FROM behaviour_events WHERE id = ?", (before["id"],))
                elif c.theirs is not None:
                    t = {k: v for k, v in c.theirs.items() if k in bcols and k not in ("id", "created")}
                    t["video_id"], t["behaviour_id"] = vmap[int(t["video_id"])], bmap[int(t["behaviour_id"])]
                    con.execute(f"UPDATE behaviour_events SET {', '.join(f'{k} = ?' for k in t)} WHERE id = ?",
                                [*t.values(), before["id"]])
                done.bhistory += log(("bevent", i), int(before["id"]), c.history, "behaviour_event_history")
        # neutral frames: the other copy's faces this one lacks (the setting as it was kept for undo)
        from merstudio.features.neutral import setting_key

        for tvid, value in plan.neutral.items():
            name = setting_key(vmap[tvid])
            row = con.execute("SELECT value FROM settings WHERE key = ?", (name,)).fetchone()
            stored = None if row is None else json.loads(row[0])
            if tvid in found:  # a video found here (its own neutral frames kept): the other copy's faces it lacks
                have = _by_face(stored)
                extra = [d for f, d in _by_face(value).items() if f not in have]
                if not extra:
                    continue
                value = [*(stored if isinstance(stored, list) else []), *extra]
            done.settings_before[name] = stored
            done.settings_written[name] = value
            _put_settings(con, {name: value})
        # overlays this copy lacks (one of the name made here since the preview stays: this copy's is kept)
        for i, (_, r) in enumerate(plan.overlays):
            vid = vmap[int(r["video_id"])]
            if not con.execute("SELECT 1 FROM overlays WHERE video_id = ? AND name = ?", (vid, r["name"])).fetchone():
                done.ids["overlay", i] = _insert(con, "overlays", {**r, "id": back(("overlay", i), "overlays"),
                                                                   "video_id": vid})
                done.overlays.append(done.ids["overlay", i])
        # frame folders' rates the other copy's user set: a new video's mark; a matched one's rate and mark, its runs
        # retimed as setting it here does (one whose rate was set here since the preview keeps it)
        for tvid, rate in plan.rates.items():
            vid = vmap[tvid]
            key = rate_set_key(vid)
            if plan.video_map.get(tvid) is None:
                if tvid in found and con.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone():
                    continue  # a video found here keeps its own mark
                done.settings_before[key] = None
                done.settings_written[key] = rate
                _put_settings(con, {key: rate})
                continue
            row = con.execute("SELECT fps FROM videos WHERE id = ?", (vid,)).fetchone()
            if row is None or con.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone():
                continue
            done.rates_before[vid] = float(row[0])
            set_folder_rate(con, vid, float(row[0]), rate, True)
        # the coders the other copy records as having coded a video (one who found nothing there too)
        for v, cs in plan.coded.items():
            if v in vmap and (new := sorted(set(cs) - set(project.coded_by(vmap[v])))):
                done.coded[vmap[v]] = new
        project._mark_coded(con, done.coded)
    return done


def undo_merge(project: Project, done: MergeDone) -> MergeUndone:
    """Take back what :func:`apply_merge` wrote, in one transaction: the events and behaviour events it added go,
    those it updated or deleted come back as they were, the history records it appended, the videos, behaviours,
    coders and coded records it added go, the neutral frames it wrote are as they were, the overlays it added go, the
    frame folders' rates it carried are as they were. A video it added that holds work made since (an analysis run,
    events, ...: :func:`_work_since`) stays with that work, only what the merge brought to it going (its rate mark
    stays with its row; its neutral frames, changed since, stay as they are), as does a behaviour it added that
    behaviour events made since code, and a coder it added whom events, behaviour events or coded marks left in the
    project name: the result says which and why. An added video that goes takes its per-video settings with it
    (Project.remove_video: a video added later may get its id). The result, given back to :func:`apply_merge` as
    ``again``, is its redo: the same ids."""
    from merstudio.features.neutral import setting_key

    undone = MergeUndone()
    with project._tx() as con:
        for vid in done.videos:
            if what := _work_since(con, vid, done):
                row = con.execute("SELECT path FROM videos WHERE id = ?", (vid,)).fetchone()
                undone.kept[vid] = (Path(str(row[0])).name if row is not None else f"video {vid}", what)
        # a kept video's own settings: its rate mark stays with its row; neutral frames changed since stay
        own = {rate_set_key(v) for v in undone.kept}
        for vid in undone.kept:
            name = setting_key(vid)
            row = con.execute("SELECT value FROM settings WHERE key = ?", (name,)).fetchone()
            if row is not None and name in done.settings_written \
                    and json.loads(row[0]) != json.loads(json.dumps(done.settings_written[name])):
                own.add(name)
        con.executemany("DELETE FROM events WHERE id = ?", [(i,) for i in done.events_added])
        for r in done.events_before:
            con.execute("DELETE FROM events WHERE id = ?", (r["id"],))
            _insert(con, "events", r)
        con.executemany("DELETE FROM event_history WHERE id = ?", [(i,) for i in done.history])
        con.executemany("DELETE FROM behaviour_events WHERE id = ?", [(i,) for i in done.bevents_added])
        for r in done.bevents_before:
            con.execute("DELETE FROM behaviour_events WHERE id = ?", (r["id"],))
            _insert(con, "behaviour_events", r)
        con.executemany("DELETE FROM behaviour_event_history WHERE id = ?", [(i,) for i in done.bhistory])
        # what the steps after it logged under the events it added goes with them, kept for its redo
        for kind, table, added in (("event", "event_history", done.events_added),
                                   ("bevent", "behaviour_event_history", done.bevents_added)):
            for key, rid in done.ids.items():
                if key[0] == kind and rid in added and (rows := con.execute(
                        f"SELECT id, time, action, coder, before, after FROM {table} WHERE event_id = ? ORDER BY id",
                        (rid,)).fetchall()):
                    undone.later[key] = [(int(r[0]), (float(r[1]), str(r[2]), str(r[3]), r[4], r[5])) for r in rows]
                    con.execute(f"DELETE FROM {table} WHERE event_id = ?", (rid,))
        _put_settings(con, {k: v for k, v in done.settings_before.items() if k not in own})
        for vid, fps in done.rates_before.items():  # the rate this copy held (no user had set it), its runs retimed
            row = con.execute("SELECT fps FROM videos WHERE id = ?", (vid,)).fetchone()
            if row is not None:
                set_folder_rate(con, vid, float(row[0]), fps, False)
        con.executemany("DELETE FROM overlays WHERE id = ?", [(i,) for i in done.overlays])
        for bid in done.behaviours:
            if con.execute("SELECT 1 FROM behaviour_events WHERE behaviour_id = ? LIMIT 1", (bid,)).fetchone():
                row = con.execute("SELECT name FROM behaviours WHERE id = ?", (bid,)).fetchone()
                undone.behaviours.append(str(row[0]))  # behaviour events made since code it
            else:
                con.execute("DELETE FROM behaviours WHERE id = ?", (bid,))
        gone = [v for v in done.videos if v not in undone.kept]
        con.executemany("DELETE FROM videos WHERE id = ?", [(i,) for i in gone])
        con.executemany("DELETE FROM settings WHERE key = ?", [(k,) for v in gone for k in video_setting_keys(v)])
        # the app's last video (gui.places.VIDEO_KEY) when it was one that went, as Project.remove_video does
        con.executemany("DELETE FROM settings WHERE key = 'view_video' AND value = ?", [(json.dumps(v),) for v in gone])
        project._mark_coded(con, done.coded, keep=False)
        # a coder it added whom work left here names (made since: picked from the list the merge gave) stays recorded
        named = coders_named(con)
        undone.coders = [c for c in done.coders if c in named]
        undone.named_by = tuple(k for k in ("events", "behaviour events", "coded marks")
                                if any(k in named[c] for c in undone.coders))
        con.executemany("DELETE FROM coders WHERE name = ?", [(c,) for c in done.coders if c not in named])
        undone.done = done
        top, btop = (int(con.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0])
                     for t in ("event_history", "behaviour_event_history"))
        undone.tops = (top, btop)
    return undone


# ----------------------------------------------------------------------------------------------------------- helpers
def _rows(project: Project, table: str) -> list[Row]:
    with project._lock:
        cur = project._con.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _row(con: sqlite3.Connection, table: str, rid: int) -> Row | None:
    cur = con.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,))
    r = cur.fetchone()
    return None if r is None else dict(zip([d[0] for d in cur.description], r, strict=True))


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in con.execute(f"PRAGMA table_info({table})")}


def _insert(con: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> int:
    cur = con.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                      list(row.values()))
    return int(row["id"]) if row.get("id") is not None else int(cur.lastrowid or 0)


def _taken(con: sqlite3.Connection, eid: int) -> bool:
    """Whether an event, or the history of one, has the id here (a kept id must name one event's history)."""
    return bool(con.execute("SELECT 1 FROM events WHERE id = ? UNION ALL SELECT 1 FROM event_history WHERE "
                            "event_id = ? LIMIT 1", (eid, eid)).fetchone())


def _append(con: sqlite3.Connection, eid: int, hist: Iterable[Rec], table: str = "event_history",
            ids: Sequence[int] = ()) -> list[int]:
    """The records ``hist`` appended under event ``eid``: their row ids. ``ids``: the row id each should have where
    free (a redo's), the others numbered on."""
    out = []
    for n, (tm, action, coder, before, after) in enumerate(hist):
        want = ids[n] if n < len(ids) else None
        if want is not None and con.execute(f"SELECT 1 FROM {table} WHERE id = ?", (want,)).fetchone():
            want = None
        cur = con.execute(f"INSERT INTO {table} (id, event_id, time, action, coder, before, after) "
                          "VALUES (?,?,?,?,?,?,?)", (want, eid, tm, action, coder, before, after))
        out.append(int(cur.lastrowid or 0))
    return out


def _histories(project: Project, table: str = "event_history") -> dict[int, list[Rec]]:
    out: dict[int, list[Rec]] = {}
    with project._lock:
        for eid, tm, action, coder, before, after in project._con.execute(
                f"SELECT event_id, time, action, coder, before, after FROM {table} ORDER BY id"):
            out.setdefault(int(eid), []).append((float(tm), str(action), str(coder), before, after))
    return out


def _parted_at(h_us: Mapping[int, Sequence[Rec]], h_them: Mapping[int, Sequence[Rec]]) -> float | None:
    """When the two copies parted, as their histories tell it: the time of the latest record both hold (None where
    they hold none: projects made apart)."""
    last: float | None = None
    for eid in h_us.keys() & h_them.keys():
        for a, b in zip(h_us[eid], h_them[eid], strict=False):
            if a != b:
                break
            last = a[0] if last is None else max(last, a[0])
    return last


def _logged_since(project: Project) -> float | None:
    """When the project began to log its behaviour events' edits and deletions, its upgrade to schema 8; None for one
    made at schema 8 or later (every edit logged: its migrations ran at once, within a second)."""
    with project._lock:
        rows = dict(project._con.execute("SELECT version, MAX(applied) FROM schema_version GROUP BY version"))
    older = [float(t) for v, t in rows.items() if v < 8 and t is not None]
    if rows.get(8) is None or not older or float(rows[8]) - max(older) < 1.0:
        return None
    return float(rows[8])


def _created(hist: Sequence[Rec]) -> Any:
    """The creation time of the behaviour event a history ends on (its last record's row), None if unknown."""
    if not hist:
        return None
    try:
        return json.loads(hist[-1][4] or hist[-1][3] or "{}").get("created")
    except (ValueError, AttributeError):
        return None


def _by_face(value: Any) -> dict[int, Any]:
    """A video's stored neutral baselines by face id (entries that cannot be read left out, as load_baselines
    leaves them)."""
    out: dict[int, Any] = {}
    for d in value if isinstance(value, list) else []:
        try:
            out[int(d["face_id"])] = d
        except (KeyError, TypeError, ValueError):
            continue
    return out


def rerun_note(measured: float) -> str:
    """What a merge's rate line adds of a folder whose analysis here was measured at the rate it held, ``measured``
    (MergePlan.rate_text; one home: the app leaves it out where the folder's own line says it)."""
    return f" (its analysis here was measured at {measured:g} fps: re-run it)"


def _listed(names: Iterable[str], most: int = 4) -> str:
    names = list(names)
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _starts(longer: Sequence[Rec], prefix: Sequence[Rec]) -> bool:
    return len(longer) >= len(prefix) and list(longer[:len(prefix)]) == list(prefix)


def _state(r: Row, video_map: Mapping[int, int | None] | None) -> tuple[Any, ...]:
    vid = int(r["video_id"]) if video_map is None else video_map.get(int(r["video_id"]))
    return (vid, *(v for k, v in sorted(r.items()) if k not in _NOT_STATE and k != "video_id"))


def _has_same(ours: Iterable[Row], t: Row, video_map: Mapping[int, int | None]) -> bool:
    """Whether this copy holds an event equal to ``t`` (a conflict merged before: its other side added then)."""
    want = _state(t, video_map)
    return any(_state(o, None) == want for o in ours)


def _same_coding(o: Row, t: Row) -> bool:
    """The agreement's exact duplicate: same frames, emotion and AUs (coder and face matched already)."""
    return (int(o["onset"]), int(o["apex"]), int(o["offset"]), str(o["emotion"]).strip().lower(), str(o["aus"])) == \
        (int(t["onset"]), int(t["apex"]), int(t["offset"]), str(t["emotion"]).strip().lower(), str(t["aus"]))


def _event_json(row: Row) -> str:
    return json.dumps(Event(**{k: row[k] for k in _EVENT_FIELDS if k in row}).to_dict())


def _our_name(project: Project, vid: int) -> str:
    try:
        return project.video(vid).name
    except KeyError:
        return f"video {vid}"


def _frames(r: Mapping[str, Any]) -> str:
    if "apex" in r:
        return f"frames {r.get('onset')}-{r.get('apex')}-{r.get('offset')}"
    off = r.get("offset")
    return f"frames {r.get('onset')}-{'open' if off is None else off}"


def _changed(o: Mapping[str, Any], t: Mapping[str, Any], frames: bool = True, both_notes: bool = False) -> str:
    """What an update changes, for its line: 'frames 102-110-120, note 'onset fixed by bob'', 'status proposal ->
    accepted' ('unchanged': nothing of these). ``frames``: the new frames among them; ``both_notes``: the note as
    it was too (a conflict's two sides: '' where nothing but the frames differs)."""
    out = [_frames(t)] if frames and _frames(o) != _frames(t) else []
    for k in ("emotion", "aus", "face_id", "status", "coder", "note"):
        if k in o and k in t and o[k] != t[k]:
            out.append(f"{k} {str(o[k])[:30]!r} -> {str(t[k])[:30]!r}" if k != "note" else
                       f"note {str(o[k])[:40]!r} -> {str(t[k])[:40]!r}" if both_notes else f"note {str(t[k])[:40]!r}")
    return ", ".join(out) or ("" if both_notes else "unchanged")


def _counted(n: Counter[str], all_kinds: bool = True) -> str:
    return ", ".join(f"{n[k]} {k if k != 'conflict' else 'conflict' + 's' * (n[k] != 1)}"
                     for k in ("new", "updated", "deleted", "conflict") if all_kinds or n[k])
